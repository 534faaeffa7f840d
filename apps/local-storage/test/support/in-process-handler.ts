import { HttpResponse, buildQueryString, type HttpHandler } from "@smithy/core/protocols";
import type { HttpRequest } from "@smithy/types";
import { env } from "cloudflare:workers";
import { handleStorageRequest, type Clock } from "../../src/handler";

/**
 * An HTTP handler for the real S3 client that hands each signed request to the storage
 * endpoint in this isolate instead of the network: the client's signing, headers and
 * response parsing are all its own.
 */
export function inProcessHandler(clock: Clock = () => new Date()): HttpHandler {
  return {
    async handle(request: HttpRequest) {
      const query = buildQueryString(request.query ?? {});
      const port = request.port ? `:${request.port}` : "";
      const url = `${request.protocol}//${request.hostname}${port}${request.path}${query ? `?${query}` : ""}`;
      const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body != null;

      const response = await handleStorageRequest(
        new Request(url, { method: request.method, headers: request.headers, body: hasBody ? request.body : null }),
        env,
        clock,
      );
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return {
        response: new HttpResponse({
          statusCode: response.status,
          reason: response.statusText,
          headers,
          body: response.body ?? new ReadableStream({ start: (controller) => controller.close() }),
        }),
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}
