import { WorkerEntrypoint } from "cloudflare:workers";
import * as v from "valibot";
import { ServiceAuthError, verifyServiceAssertion } from "@trove/auth";
import {
  GenerationRequestSchema,
  IdempotencyKeySchema,
  type Caption,
  type CaptionCall,
  type GenerateCall,
  type Generation,
  type GeneratorRpc,
  type RpcResult,
} from "@trove/contracts";
import { createLogger, describeError, HttpError, parseInput } from "@trove/http";
import { captionFile } from "./caption";
import { readConfig } from "./config";
import { generate, type GeneratorContext } from "./generate";

/** The audience service assertions must name to be accepted here (this Worker's name). */
export const SERVICE_AUDIENCE = "trove-ai-generator";

const GenerateCallSchema = v.object({
  ...GenerationRequestSchema.entries,
  assertion: v.unknown(),
  idempotencyKey: v.optional(IdempotencyKeySchema),
});

/**
 * The generator for other Workers, over a service binding. Every method takes a service
 * assertion naming the user it acts for, checks it, then applies the same limits as the HTTP
 * API. Failures come back as data (RpcResult) with the HTTP status they would have had.
 */
export class GeneratorEntrypoint extends WorkerEntrypoint<Env> implements GeneratorRpc {
  async generate(call: GenerateCall): Promise<RpcResult<Generation>> {
    return this.serve("generate", call?.assertion, async (ctx, userId) => {
      const input = parseInput(GenerateCallSchema, call, "generate call");
      const result = await generate(ctx, {
        userId,
        kind: input.kind,
        prompt: input.prompt,
        model: input.model,
        idempotencyKey: input.idempotencyKey,
      });
      return result.generation;
    });
  }

  async caption(call: CaptionCall): Promise<RpcResult<Caption>> {
    return this.serve("caption", call?.assertion, (ctx, userId) => captionFile(ctx, userId, call.fileId));
  }

  private async serve<T>(
    method: string,
    assertion: unknown,
    work: (ctx: GeneratorContext, userId: string) => Promise<T>,
  ): Promise<RpcResult<T>> {
    const requestId = crypto.randomUUID();
    const log = createLogger({ worker: "ai-generator", requestId, rpc: method });
    try {
      const config = readConfig(this.env, log);
      const { userId, caller } = await verifyServiceAssertion(assertion, {
        secret: config.serviceSecret,
        audience: SERVICE_AUDIENCE,
      });
      const value = await work({ env: this.env, config, log: log.child({ userId, caller }), requestId }, userId);
      log.info("rpc", { outcome: "ok" });
      return { ok: true, value };
    } catch (error) {
      return failure(error, log);
    }
  }
}

function failure(error: unknown, log: ReturnType<typeof createLogger>): RpcResult<never> {
  if (error instanceof ServiceAuthError) {
    log.info("rpc", { outcome: "refused", detail: error.message });
    return { ok: false, status: 401, code: "invalid_assertion", detail: error.message };
  }
  if (error instanceof HttpError) {
    log[error.status >= 500 ? "error" : "info"]("rpc", { outcome: error.code, status: error.status });
    const retryAfter = Number(error.headers["retry-after"]);
    return {
      ok: false,
      status: error.status,
      code: error.code,
      detail: error.message,
      ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
  log.error("rpc failed", describeError(error));
  return { ok: false, status: 500, code: "internal_error", detail: "Something went wrong on our side." };
}
