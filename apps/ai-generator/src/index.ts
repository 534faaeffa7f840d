import { WorkerEntrypoint } from "cloudflare:workers";
import { createApiRouter } from "@trove/http";

const router = createApiRouter<[Env, ExecutionContext]>("ai-generator");

router.get("/healthz", () => Response.json({ ok: true, worker: "ai-generator" }));

/** Called by other Workers over a service binding. */
export class GeneratorEntrypoint extends WorkerEntrypoint<Env> {}

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
