import { authenticate } from "@trove/auth";
import { GenerationRequestSchema, IdempotencyKeySchema } from "@trove/contracts";
import { createDb, findGeneration } from "@trove/db";
import { createApiRouter, HttpError, jsonResponse, parseInput, readJson, type ApiRequest } from "@trove/http";
import { readConfig } from "./config";
import { generate } from "./generate";
import { presentGeneration } from "./present";

const GENERATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const router = createApiRouter<[Env, ExecutionContext]>("ai-generator");

router.get("/healthz", () => Response.json({ ok: true, worker: "ai-generator" }));

router.post("/v1/generations", async (request: ApiRequest, env: Env) => {
  const config = readConfig(env, request.ctx.log);
  const { userId } = await authenticate(request, config.auth, "generations:write");
  const body = await readJson(request, GenerationRequestSchema);
  const idempotencyKey = idempotencyKeyOf(request);

  const { generation, replayed } = await generate(
    { env, config, log: request.ctx.log.child({ userId }), requestId: request.ctx.requestId },
    { userId, kind: body.kind, prompt: body.prompt, model: body.model, idempotencyKey },
  );
  const headers: Record<string, string> = { location: `/v1/generations/${generation.id}` };
  if (replayed) headers["idempotent-replayed"] = "true";
  // jsonResponse: no-store, since the answer carries a signed download URL.
  return jsonResponse(generation, 201, headers);
});

router.get("/v1/generations/:id", async (request: ApiRequest, env: Env) => {
  const config = readConfig(env, request.ctx.log);
  const { userId } = await authenticate(request, config.auth, "generations:read");
  const id = request.params.id ?? "";
  const record = GENERATION_ID.test(id) ? await findGeneration(createDb(env.DB), userId, id) : undefined;
  if (!record) throw new HttpError(404, "not_found", "No generation with this id.");
  return jsonResponse(await presentGeneration(config, record));
});

function idempotencyKeyOf(request: Request): string | undefined {
  const header = request.headers.get("idempotency-key");
  return header === null ? undefined : parseInput(IdempotencyKeySchema, header, "Idempotency-Key header");
}
