import { createApiRouter } from "@trove/http";

const router = createApiRouter<[Env, ExecutionContext]>("local-storage");

router.get("/healthz", () => Response.json({ ok: true, worker: "local-storage" }));

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
