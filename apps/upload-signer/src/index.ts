import { createApiRouter } from "@trove/http";

const router = createApiRouter<[Env, ExecutionContext]>("upload-signer");

router.get("/healthz", () => Response.json({ ok: true, worker: "upload-signer" }));

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
