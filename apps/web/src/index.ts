import { createApiRouter } from "@trove/http";
import { readConfig } from "./config";
import { devToken } from "./dev-token";
import { forward, targetFor } from "./forward";
import { withPageHeaders } from "./security-headers";

const router = createApiRouter<[Env, ExecutionContext]>("web");

router.get("/healthz", () => Response.json({ ok: true, worker: "web" }));

router.all("/v1/*", (request, env) =>
  forward(request, targetFor(new URL(request.url).pathname, env), request.ctx.requestId),
);

router.post("/dev/token", (request, env) => {
  const { devTokens } = readConfig(env);
  // Without DEV_TOKENS=on the route does not exist: the router answers its usual 404.
  return devTokens ? devToken(request, devTokens) : undefined;
});

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/v1/") || pathname.startsWith("/dev/") || pathname === "/healthz") {
      return router.fetch(request, env, ctx);
    }
    // Everything else is the page; run_worker_first sends "/" here to get its headers.
    const asset = await env.ASSETS.fetch(request);
    return withPageHeaders(asset, readConfig(env).storageOrigin);
  },
} satisfies ExportedHandler<Env>;
