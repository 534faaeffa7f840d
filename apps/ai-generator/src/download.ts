import { createStorage, downloadContentType, presignGet, type Storage } from "@trove/storage";
import type { SignedDownload } from "@trove/contracts";
import type { Config } from "./config";
import { mediaTypeOf } from "./media-type";

let storage: { config: Config["storage"]; storage: Storage } | undefined;

/** A short-lived signed GET that downloads the object as an attachment with its stored type. */
export async function signDownload(
  config: Config,
  object: { key: string; filename: string; contentType: string },
): Promise<SignedDownload> {
  const signed = await presignGet(storageFor(config), {
    key: object.key,
    filename: object.filename,
    contentType: servedType(object.contentType),
    expiresInSeconds: config.downloadTtlSeconds,
  });
  return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
}

/**
 * The passive type to serve: @trove/storage's check on the bare media type, keeping a UTF-8
 * charset for text so a browser decodes generated text right.
 */
function servedType(contentType: string): string {
  const safe = downloadContentType(mediaTypeOf(contentType));
  return safe.startsWith("text/") && /;\s*charset=utf-8/i.test(contentType) ? `${safe}; charset=utf-8` : safe;
}

/** One S3 client per isolate and storage configuration; it holds no connection. */
function storageFor(config: Config): Storage {
  if (storage?.config !== config.storage) {
    storage = { config: config.storage, storage: createStorage(config.storage) };
  }
  return storage.storage;
}
