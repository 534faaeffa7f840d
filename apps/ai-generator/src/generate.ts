import { generationKey, type Generation, type GenerationKind } from "@trove/contracts";
import { createDb, findGeneration, findGenerationByIdempotencyKey, type GenerationRecord } from "@trove/db";
import { HttpError, type Logger } from "@trove/http";
import type { Config } from "./config";
import { logProviderFailure, providerProblem } from "./errors";
import { sha256Bytes, sha256Hex, toHex } from "./hash";
import { checkQuotaRoom, checkRate, quotaExceeded } from "./limits";
import { resolveModel } from "./models";
import { generatedFilename, presentGeneration } from "./present";
import { ProviderError, providerFor, type ModelOutput, type Provider } from "./providers";
import { storeGeneration } from "./store";

/** Everything a generation needs to know about where it runs. */
export interface GeneratorContext {
  env: Env;
  config: Config;
  log: Logger;
  requestId: string;
}

/** A checked request: who asks (from a user token or a service assertion) and for what. */
export interface GenerateInput {
  userId: string;
  kind: GenerationKind;
  prompt: string;
  model: string | undefined;
  idempotencyKey: string | undefined;
}

export interface GenerateResult {
  generation: Generation;
  /** True when an earlier request with the same Idempotency-Key made it. */
  replayed: boolean;
}

/**
 * Generates, stores and records one output. The steps that cost nothing come first (model
 * allow-list, an earlier request with the same Idempotency-Key, rate, quota room), so a
 * refused request never reaches a model.
 */
export async function generate(ctx: GeneratorContext, input: GenerateInput): Promise<GenerateResult> {
  const { env, config, log } = ctx;
  const model = resolveModel(config, input.kind, input.model);
  const promptSha256 = await sha256Hex(input.prompt);
  const db = createDb(env.DB);

  if (input.idempotencyKey) {
    const earlier = await findGenerationByIdempotencyKey(db, input.userId, input.idempotencyKey);
    if (earlier) return replay(ctx, earlier, input, model, promptSha256);
  }

  await checkRate(env, input.userId);
  await checkQuotaRoom(env, config, input.userId);

  const id = input.idempotencyKey ? await generationIdFor(input.userId, input.idempotencyKey) : crypto.randomUUID();
  const key = generationKey(input.userId, id);
  const provider = providerFor(config);

  const started = Date.now();
  const output = await callModel(ctx, provider, input, model);
  const durationMs = Date.now() - started;

  const outcome = await storeGeneration(env, config, log, {
    id,
    ownerId: input.userId,
    key,
    kind: input.kind,
    filename: generatedFilename(id, output.contentType),
    provider: provider.name,
    model,
    promptSha256,
    promptChars: input.prompt.length,
    durationMs,
    requestId: ctx.requestId,
    idempotencyKey: input.idempotencyKey ?? null,
    output,
    notice: provider.notice,
  });

  if (outcome === "quota_exceeded") throw quotaExceeded();
  if (outcome === "exists") {
    // Another request with the same key stored first; answer with its generation once recorded.
    const other = await findGeneration(db, input.userId, id);
    if (other) return replay(ctx, other, input, model, promptSha256);
    throw new HttpError(409, "generation_in_progress", "A request with this Idempotency-Key is still running; retry shortly.", {
      headers: { "retry-after": "2" },
    });
  }

  log.info("generation stored", { generationId: id, provider: provider.name, model, bytes: output.bytes.byteLength, durationMs });
  const stored = await findGeneration(db, input.userId, id);
  if (!stored) throw new Error(`generation ${id} was recorded but cannot be read back`);
  return { generation: await presentGeneration(config, stored), replayed: false };
}

/** Calls the configured provider with its deadline and size limit, mapping its failures. */
async function callModel(
  ctx: GeneratorContext,
  provider: Provider,
  input: GenerateInput,
  model: string,
): Promise<ModelOutput> {
  const call = { model, signal: AbortSignal.timeout(ctx.config.timeoutMs), maxBytes: ctx.config.maxOutputBytes };
  try {
    return await provider[input.kind](input.prompt, call);
  } catch (error) {
    if (error instanceof ProviderError) {
      logProviderFailure(ctx.log, "provider failed", error, model, input.prompt);
      throw providerProblem(error);
    }
    throw error;
  }
}

/**
 * The earlier generation for a repeated Idempotency-Key, if the request is the same one: same
 * kind, prompt and model (the model resolved, so leaving it out means the default).
 */
async function replay(
  ctx: GeneratorContext,
  earlier: GenerationRecord,
  input: GenerateInput,
  model: string,
  promptSha256: string,
): Promise<GenerateResult> {
  const { kind, model: earlierModel, promptSha256: earlierPrompt } = earlier.generation;
  if (kind !== input.kind || earlierModel !== model || earlierPrompt !== promptSha256) {
    throw new HttpError(422, "idempotency_key_reused", "This Idempotency-Key was used for a different request.");
  }
  return { generation: await presentGeneration(ctx.config, earlier), replayed: true };
}

/**
 * The generation id for a user's Idempotency-Key: a hash shaped as a UUID (version 8), so a
 * retry lands on the same object key and `onlyIf` can refuse the second write.
 */
export async function generationIdFor(userId: string, idempotencyKey: string): Promise<string> {
  const bytes = (await sha256Bytes(`${userId}\n${idempotencyKey}`)).slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = toHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
