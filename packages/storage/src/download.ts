import { downloadContentType } from "./content-type";
import { presignGet } from "./presign";
import type { Storage } from "./storage";

/** A file as stored: where its object is, the name to save it as and its recorded type. */
export interface DownloadableFile {
  key: string;
  filename: string;
  /** The stored (or sniffed) content type; `downloadContentType` decides what is served. */
  contentType: string;
}

/** A signed download as the APIs answer it: the URL and when it stops working (ISO 8601). */
export interface DownloadLink {
  url: string;
  expiresAt: string;
}

/**
 * The one way Trove signs a download: a GET that saves the file as an attachment under its
 * name, served with `downloadContentType` of its stored type (active content becomes
 * `application/octet-stream`; text keeps a UTF-8 charset).
 *
 * @example
 * const link = await signDownload(storage, { key, filename: "notes.txt", contentType: "text/plain; charset=utf-8" }, { expiresInSeconds: 300 });
 */
export async function signDownload(
  storage: Storage,
  file: DownloadableFile,
  options: { expiresInSeconds: number; now?: Date },
): Promise<DownloadLink> {
  const signed = await presignGet(storage, {
    key: file.key,
    filename: file.filename,
    contentType: downloadContentType(file.contentType),
    expiresInSeconds: options.expiresInSeconds,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return { url: signed.url, expiresAt: signed.expiresAt.toISOString() };
}
