import * as v from "valibot";

/** Where a file's bytes came from. */
export const FILE_ORIGINS = ["upload", "generation"] as const;
export type FileOrigin = (typeof FILE_ORIGINS)[number];

export const DEFAULT_FILE_PAGE_SIZE = 20;
export const MAX_FILE_PAGE_SIZE = 100;

const IsoTimestamp = v.pipe(v.string(), v.isoTimestamp());

/**
 * `GET /v1/files` query. Values arrive as strings; a repeated parameter arrives as a list and
 * is refused. The cursor is opaque: pass back `nextCursor` unchanged.
 */
export const FileListQuerySchema = v.object({
  limit: v.optional(
    v.pipe(
      v.string("limit must be given once."),
      v.regex(/^\d{1,3}$/, `limit must be a whole number from 1 to ${MAX_FILE_PAGE_SIZE}.`),
      v.transform(Number),
      v.minValue(1, `limit must be a whole number from 1 to ${MAX_FILE_PAGE_SIZE}.`),
      v.maxValue(MAX_FILE_PAGE_SIZE, `limit must be a whole number from 1 to ${MAX_FILE_PAGE_SIZE}.`),
    ),
    String(DEFAULT_FILE_PAGE_SIZE),
  ),
  cursor: v.optional(
    v.pipe(
      v.string("cursor must be given once."),
      v.regex(/^[A-Za-z0-9_-]{1,512}$/, "cursor is not one this API gave out."),
    ),
  ),
});
export type FileListQuery = v.InferOutput<typeof FileListQuerySchema>;

/**
 * One ready file. `contentType` is the type found in the file's first bytes when the
 * processor detected one, else the declared type.
 */
export const FileItemSchema = v.object({
  id: v.string(),
  filename: v.string(),
  contentType: v.string(),
  size: v.number(),
  origin: v.picklist(FILE_ORIGINS),
  caption: v.optional(v.string()),
  createdAt: IsoTimestamp,
});
export type FileItem = v.InferOutput<typeof FileItemSchema>;

/** `GET /v1/files` answer, newest first; `nextCursor` is null on the last page. */
export const FileListSchema = v.object({
  items: v.array(FileItemSchema),
  nextCursor: v.nullable(v.string()),
});
export type FileList = v.InferOutput<typeof FileListSchema>;

/** `GET /v1/files/:id/download` answer: a short-lived URL that downloads as an attachment. */
export const DownloadLinkSchema = v.object({
  url: v.pipe(v.string(), v.url()),
  expiresAt: IsoTimestamp,
});
export type DownloadLink = v.InferOutput<typeof DownloadLinkSchema>;
