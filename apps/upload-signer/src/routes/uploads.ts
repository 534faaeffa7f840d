import { authenticate } from "@trove/auth";
import { UploadIntentSchema, uploadKey, type UploadCreated, type UploadState } from "@trove/contracts";
import {
  createDb,
  createPendingUpload,
  findUpload,
  markCancelled,
  releaseReservedBytes,
  reserveBytes,
} from "@trove/db";
import {
  HttpError,
  describeError,
  enforceRateLimit,
  jsonResponse,
  readJson,
  type ApiRequest,
} from "@trove/http";
import { presignPut } from "@trove/storage";
import { configFor } from "../config";
import { checkUploadPolicy } from "../policy";
import { idParam, notFound } from "../responses";

/**
 * `POST /v1/uploads`: checks the intent against policy and quota, records a pending upload
 * and presigns the PUT that carries its bytes straight to storage. Every check comes before
 * anything is written; the only write that can need undoing is the quota reservation.
 */
export async function createUpload(request: ApiRequest, env: Env): Promise<Response> {
  const config = configFor(env, request.ctx.log);
  const { userId } = await authenticate(request, config.auth, "uploads:write");
  await enforceRateLimit(env.UPLOAD_RATE_LIMIT, userId, "upload requests");

  const intent = await readJson(request, UploadIntentSchema);
  checkUploadPolicy(intent, config);

  const db = createDb(env.DB);
  const reserved = await reserveBytes(db, userId, intent.size, config.quotaBytes);
  if (!reserved) {
    throw new HttpError(
      429,
      "quota_exceeded",
      `This upload of ${intent.size} bytes does not fit in your ${config.quotaBytes}-byte storage quota.`,
    );
  }

  const id = crypto.randomUUID();
  const key = uploadKey(userId, id);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + config.uploadUrlTtlSeconds * 1000);
  try {
    await createPendingUpload(db, {
      id,
      ownerId: userId,
      key,
      filename: intent.filename,
      contentType: intent.contentType,
      size: intent.size,
      sha256: intent.sha256,
      uploadExpiresAt: expiresAt,
      createdAt: now,
    });
  } catch (error) {
    await releaseReservedBytes(db, userId, intent.size);
    throw error;
  }

  // Presigning is local computation; if it ever failed, the pending row would expire and the
  // processor's expiry sweep would release its reservation.
  const put = await presignPut(config.storage, {
    key,
    contentType: intent.contentType,
    contentLength: intent.size,
    sha256: intent.sha256,
    expiresInSeconds: config.uploadUrlTtlSeconds,
    now,
  });

  request.ctx.log.info("upload intent recorded", {
    uploadId: id,
    size: intent.size,
    contentType: intent.contentType,
  });
  const body: UploadCreated = {
    id,
    status: "pending",
    key,
    expiresAt: put.expiresAt.toISOString(),
    upload: { method: "PUT", url: put.url, headers: put.headers },
  };
  return jsonResponse(body, 201);
}

/** `GET /v1/uploads/:id`: the upload's place in its lifecycle. */
export async function getUpload(request: ApiRequest, env: Env): Promise<Response> {
  const config = configFor(env, request.ctx.log);
  const { userId } = await authenticate(request, config.auth, "uploads:read");
  const id = idParam(request.params.id, "upload");

  const row = await findUpload(createDb(env.DB), userId, id);
  if (!row) throw notFound("upload");

  const body: UploadState = {
    id: row.id,
    status: row.status,
    filename: row.filename,
    contentType: row.contentType,
    size: row.size,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  if (row.detectedType) body.detectedType = row.detectedType;
  if (row.reason) body.reason = row.reason;
  return jsonResponse(body);
}

/**
 * `DELETE /v1/uploads/:id`: the owner cancels a pending upload. The row becomes `cancelled`
 * and its reservation is released in one guarded D1 batch, then any object already at the
 * key is deleted. D1 goes first, as in `deleteFile`: from then on the processor treats an
 * object at the key as late and deletes it, so bytes that arrive through the still-valid PUT
 * URL after this answer are removed too. Repeating a cancel answers 204 again (the state the
 * caller asked for holds), so a client may retry it blindly; any other state is 409.
 */
export async function cancelUpload(request: ApiRequest, env: Env): Promise<Response> {
  const config = configFor(env, request.ctx.log);
  const { userId } = await authenticate(request, config.auth, "uploads:write");
  const id = idParam(request.params.id, "upload");

  const db = createDb(env.DB);
  const row = await findUpload(db, userId, id);
  if (!row) throw notFound("upload");
  // A false transition means the processor (or another cancel) moved the row first.
  const cancelled = row.status === "pending" && (await markCancelled(db, row));
  const status = cancelled ? "cancelled" : (await findUpload(db, userId, id))?.status;
  if (status !== "cancelled") throw notPending(status ?? row.status);

  try {
    await env.BUCKET.delete(row.key);
  } catch (error) {
    // The cancel stands: the processor deletes an object that reaches a cancelled upload's key,
    // and its cron reconciliation deletes objects that no pending or ready row owns.
    request.ctx.log.error("object not deleted", { uploadId: id, ...describeError(error) });
  }

  if (cancelled) request.ctx.log.info("upload cancelled", { uploadId: id, size: row.size });
  return new Response(null, { status: 204 });
}

function notPending(status: string): HttpError {
  const hint = status === "ready" ? " Delete the file with DELETE /v1/files/:id instead." : "";
  return new HttpError(
    409,
    "not_pending",
    `This upload is ${status}, not pending, so it can no longer be cancelled.${hint}`,
  );
}
