import { Router, type IRequest, type RouterType } from "itty-router";
import { HttpError } from "./errors";
import { createLogger, describeError, type Logger } from "./log";
import { problemResponse } from "./problem";

/** What every route handler receives besides the request: its logger and request id. */
export interface RequestContext {
  requestId: string;
  log: Logger;
  started: number;
}

export type ApiRequest = IRequest & { ctx: RequestContext };

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The incoming `x-request-id` when it is well formed (set by the web router), else a new one. */
export function requestIdOf(request: Request): string {
  const given = request.headers.get("x-request-id");
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

/**
 * An itty-router with Trove's conventions: a request id and logger on every request, one
 * `catch` that renders problem documents, a 404 problem for unknown routes and an access log
 * line for every answer. 4xx are logged at info; only 5xx are errors.
 */
export function createApiRouter<Args extends unknown[] = unknown[]>(worker: string) {
  const base = createLogger({ worker });

  const router: RouterType<ApiRequest, Args> = Router<ApiRequest, Args>({
    before: [
      (request: ApiRequest, ..._args: Args) => {
        const requestId = requestIdOf(request);
        request.ctx = { requestId, log: base.child({ requestId }), started: Date.now() };
      },
    ],
    catch: (error: unknown, request: ApiRequest, ..._args: Args) => {
      const ctx = request.ctx ?? { requestId: crypto.randomUUID(), log: base, started: Date.now() };
      if (!(error instanceof HttpError) || error.status >= 500) {
        ctx.log.error("unhandled error", describeError(error));
      }
      return problemResponse(error, ctx.requestId);
    },
    finally: [
      (response: Response | undefined, request: ApiRequest, ..._args: Args) => {
        const ctx = request.ctx;
        const answer =
          response ??
          problemResponse(
            new HttpError(404, "not_found", `No route for ${request.method} ${new URL(request.url).pathname}.`),
            ctx.requestId,
          );
        const headers = new Headers(answer.headers);
        headers.set("x-request-id", ctx.requestId);
        const final = new Response(answer.body, { status: answer.status, headers });
        ctx.log.info("request", {
          method: request.method,
          path: new URL(request.url).pathname,
          status: final.status,
          durationMs: Date.now() - ctx.started,
        });
        return final;
      },
    ],
  });
  return router;
}
