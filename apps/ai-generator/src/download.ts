import { createStorage, signDownload, type DownloadableFile, type DownloadLink, type Storage } from "@trove/storage";
import type { Config } from "./config";

let storage: { config: Config["storage"]; storage: Storage } | undefined;

/**
 * A short-lived signed GET for a generated file, signed the one way every Trove API signs
 * downloads (@trove/storage's signDownload: an attachment with a passive content type).
 */
export function signGenerationDownload(config: Config, file: DownloadableFile): Promise<DownloadLink> {
  return signDownload(storageFor(config), file, { expiresInSeconds: config.downloadTtlSeconds });
}

/** One S3 client per isolate and storage configuration; it holds no connection. */
function storageFor(config: Config): Storage {
  if (storage?.config !== config.storage) {
    storage = { config: config.storage, storage: createStorage(config.storage) };
  }
  return storage.storage;
}
