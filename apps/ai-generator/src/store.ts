import { createDb, findGeneration, recordGeneration, type NewGeneration } from "@trove/db";
import { describeError, type Logger } from "@trove/http";
import { attachmentDisposition } from "@trove/storage";
import type { Config } from "./config";
import { sha256Hex } from "./hash";
import { mediaTypeOf } from "./media-type";
import type { ModelOutput } from "./providers";

/** A model's output and its provenance, ready to be stored. */
export interface GeneratedItem extends Omit<NewGeneration, "contentType" | "detectedType" | "size" | "sha256" | "etag"> {
  output: ModelOutput;
  /** Set for output that no model made (echo), and stored with it. */
  notice: string | undefined;
}

/**
 * `stored`: object and rows written. `exists`: an object is already at the key (a retry of the
 * same Idempotency-Key, still in flight or done). `quota_exceeded`: nothing kept.
 */
export type StoreOutcome = "stored" | "exists" | "quota_exceeded";

/**
 * Writes the object under its server-made key, never over an existing one, then records it in
 * D1 (quota charge, file row, generation row in one batch). When D1 refuses or fails, the
 * object is deleted again so nothing half-written is left behind.
 */
export async function storeGeneration(env: Env, config: Config, log: Logger, item: GeneratedItem): Promise<StoreOutcome> {
  const { bytes, contentType } = item.output;
  const sha256 = await sha256Hex(bytes);

  const put = await env.BUCKET.put(item.key, bytes, {
    onlyIf: { etagDoesNotMatch: "*" },
    httpMetadata: { contentType, contentDisposition: attachmentDisposition(item.filename) },
    customMetadata: metadataOf(item, sha256),
    sha256,
  });
  if (!put) return "exists";

  const db = createDb(env.DB);
  const row: NewGeneration = {
    ...withoutOutput(item),
    contentType,
    detectedType: mediaTypeOf(contentType),
    size: bytes.byteLength,
    sha256,
    etag: put.etag,
  };
  try {
    const outcome = await recordGeneration(db, row, config.quotaBytes);
    if (outcome === "recorded") return "stored";
    await env.BUCKET.delete(item.key);
    return "quota_exceeded";
  } catch (error) {
    // The batch may have committed and only its answer been lost: keep the object then.
    if (await findGeneration(db, item.ownerId, item.id).catch(() => undefined)) return "stored";
    log.error("recording the generation failed; deleting its object", { key: item.key, ...describeError(error) });
    await env.BUCKET.delete(item.key);
    throw error;
  }
}

/** R2 custom metadata: who asked, which provider and model, what was asked (hashed), how long. */
function metadataOf(item: GeneratedItem, sha256: string): Record<string, string> {
  const metadata: Record<string, string> = {
    user: item.ownerId,
    generation: item.id,
    kind: item.kind,
    provider: item.provider,
    model: item.model,
    promptSha256: item.promptSha256,
    promptChars: String(item.promptChars),
    bytes: String(item.output.bytes.byteLength),
    sha256,
    durationMs: String(item.durationMs),
    requestId: item.requestId,
  };
  if (item.notice) metadata.label = item.notice;
  return metadata;
}

function withoutOutput(item: GeneratedItem): Omit<NewGeneration, "contentType" | "detectedType" | "size" | "sha256" | "etag"> {
  const { output: _output, notice: _notice, ...rest } = item;
  return rest;
}
