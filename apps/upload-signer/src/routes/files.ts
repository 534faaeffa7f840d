import { authenticate } from "@trove/auth";
import {
  FileListQuerySchema,
  type DownloadLink,
  type FileItem,
  type FileList,
} from "@trove/contracts";
import { createDb, findUserReadyFile, listReadyFiles, markDeleted, type StoredFile } from "@trove/db";
import { describeError, jsonResponse, parseInput, type ApiRequest } from "@trove/http";
import { signDownload } from "@trove/storage";
import { configFor } from "../config";
import { decodeCursor, encodeCursor } from "../cursor";
import { idParam, notFound } from "../responses";

/** `GET /v1/files`: the caller's ready files, newest first, a page at a time. */
export async function listFiles(request: ApiRequest, env: Env): Promise<Response> {
  const config = configFor(env, request.ctx.log);
  const { userId } = await authenticate(request, config.auth, "files:read");
  const query = parseInput(FileListQuerySchema, request.query, "query");
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);

  const page = await listReadyFiles(createDb(env.DB), userId, { limit: query.limit, after });
  const body: FileList = {
    items: page.rows.map(toFileItem),
    nextCursor: page.next ? encodeCursor(page.next) : null,
  };
  return jsonResponse(body);
}

/** `GET /v1/files/:id/download`: a short-lived GET that saves the file as an attachment. */
export async function downloadFile(request: ApiRequest, env: Env): Promise<Response> {
  const config = configFor(env, request.ctx.log);
  const { userId } = await authenticate(request, config.auth, "files:read");
  const id = idParam(request.params.id, "file");

  const file = await findUserReadyFile(createDb(env.DB), userId, id);
  if (!file) throw notFound("file");

  const body: DownloadLink = await signDownload(
    config.storage,
    { key: file.key, filename: file.filename, contentType: file.detectedType ?? file.contentType },
    { expiresInSeconds: config.downloadUrlTtlSeconds },
  );
  return jsonResponse(body);
}

/**
 * `DELETE /v1/files/:id`: marks the row deleted and frees its bytes (one guarded D1 batch),
 * then removes the object. D1 goes first because R2's delete event can reach the processor
 * at once: had the object gone first, the processor could mark the row deleted as
 * "object_missing" and this guarded update would change nothing, answering 404 to a delete
 * that worked. Once the row is deleted the processor leaves it alone.
 */
export async function deleteFile(request: ApiRequest, env: Env): Promise<Response> {
  const config = configFor(env, request.ctx.log);
  const { userId } = await authenticate(request, config.auth, "files:write");
  const id = idParam(request.params.id, "file");

  const db = createDb(env.DB);
  const file = await findUserReadyFile(db, userId, id);
  if (!file) throw notFound("file");
  // A concurrent delete may have marked it first; then this one changed nothing.
  if (!(await markDeleted(db, file))) throw notFound("file");

  try {
    await env.BUCKET.delete(file.key);
  } catch (error) {
    // The delete stands. The processor's cron reconciliation (apps/event-processor/src/
    // reconcile.ts) deletes objects under `u/` and `g/` that no pending or ready row owns, so
    // the bytes of an uploaded or a generated file are removed on a later run.
    request.ctx.log.error("object not deleted", { fileId: id, ...describeError(error) });
  }

  request.ctx.log.info("file deleted", { fileId: id, size: file.size });
  return new Response(null, { status: 204 });
}

function toFileItem(row: StoredFile): FileItem {
  const item: FileItem = {
    id: row.id,
    filename: row.filename,
    contentType: row.detectedType ?? row.contentType,
    size: row.size,
    origin: row.origin,
    createdAt: row.createdAt.toISOString(),
  };
  if (row.caption) item.caption = row.caption;
  return item;
}
