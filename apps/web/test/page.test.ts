import { describe, expect, it } from "vitest";
import { envWith, readProblem, send } from "./helpers";

describe("the page", () => {
  it("serves / with its Content-Security-Policy and security headers", async () => {
    const response = await send("/");

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<script type="module" src="/app.js">');
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    // Storage's origin (R2_ENDPOINT), for uploads and previews; never inline script.
    expect(csp).toContain("img-src 'self' http://127.0.0.1:8790");
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:8790");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
  });

  it("answers a problem document, not a bare 500, when its configuration is wrong", async () => {
    const response = await send("/", {}, { env: envWith({ R2_ENDPOINT: "not a url" }) });

    expect(response.status).toBe(500);
    const problem = await readProblem(response);
    expect(problem.code).toBe("misconfigured");
    expect(problem.detail).not.toContain("not a url");
  });

  it("answers misconfigured when DEV_TOKENS is on without AUTH_SECRET", async () => {
    const response = await send(
      "/dev/token",
      { method: "POST", headers: { "content-type": "application/json" }, body: '{"userId":"ada"}' },
      { env: envWith({ DEV_TOKENS: "on", AUTH_SECRET: undefined }) },
    );

    expect(response.status).toBe(500);
    expect((await readProblem(response)).code).toBe("misconfigured");
  });

  it.each(["/v1", "/v1/", "/v1/nothing-here"])("answers %s with a 404 problem document", async (path) => {
    const response = await send(path);

    expect(response.status).toBe(404);
    expect((await readProblem(response)).code).toBe("not_found");
  });

  it("answers /healthz", async () => {
    const response = await send("/healthz");

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, worker: "web" });
  });
});
