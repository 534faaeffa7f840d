import { createApiRouter } from "@trove/http";
import { consumeBatch } from "./consumer";
import { runCron } from "./cron";

const router = createApiRouter<[Env, ExecutionContext]>("event-processor");

router.get("/healthz", () => Response.json({ ok: true, worker: "event-processor" }));

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
  queue: (batch, env) => consumeBatch(batch, env),
  scheduled: (controller, env) => runCron(env, controller.scheduledTime),
} satisfies ExportedHandler<Env, unknown>;
