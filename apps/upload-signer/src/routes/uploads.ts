import { authenticate } from "@trove/auth";
import { UploadIntentSchema, type UploadCreated, type UploadState } from "@trove/contracts";
import {
  createDb,
  createPendingUpload,
  findUpload,
  releaseReservedBytes,
  reserveBytes,
} from "@trove/db";
import { HttpError, enforceRateLimit, jsonResponse, readJson, type ApiRequest } from "@trove/http";
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
  const key = `u/${userId}/${id}`;
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
