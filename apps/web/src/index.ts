import { createApiRouter, type ApiRequest } from "@trove/http";
import { readConfig } from "./config";
import { devToken } from "./dev-token";
import { forward, targetFor } from "./forward";
import { withPageHeaders } from "./security-headers";

const router = createApiRouter<[Env, ExecutionContext]>("web");

router.get("/healthz", () => Response.json({ ok: true, worker: "web" }));

router.all("/v1/*", (request: ApiRequest, env: Env) =>
  forward(request, targetFor(new URL(request.url).pathname, env), request.ctx.requestId),
);

router.post("/dev/token", (request: ApiRequest, env: Env) => {
  const { devTokens } = readConfig(env, request.ctx.log);
  // Without DEV_TOKENS=on the route does not exist: the router answers its usual 404.
  return devTokens ? devToken(request, devTokens) : undefined;
});

/** API paths the Worker answers itself; anything else under them is a problem-document 404. */
function isApiPath(pathname: string): boolean {
  return pathname === "/v1" || pathname.startsWith("/v1/") || pathname.startsWith("/dev/") || pathname === "/healthz";
}

// Everything else is the page: run_worker_first sends "/" here for its headers, and the assets
// layer sends what matches no file. It goes through the router too, so a configuration error
// is a problem document like any other.
router.all("*", async (request: ApiRequest, env: Env) => {
  if (isApiPath(new URL(request.url).pathname)) return undefined;
  const { storageOrigin } = readConfig(env, request.ctx.log);
  return withPageHeaders(await env.ASSETS.fetch(request), storageOrigin);
});

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
