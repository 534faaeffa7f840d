import { describe, expect, it } from "vitest";
import { PROMPT_MAX_CHARS } from "@trove/contracts";
import {
  expectNothingStored,
  newMarker,
  newUser,
  openaiEnv,
  readProblem,
  requestGeneration,
  send,
  stubCalls,
  tokenFor,
} from "./helpers";

// Every request here goes to the OpenAI-compatible provider with a marker in it, so the test
// can show that none of them reached the model.

describe("bad input to POST /v1/generations", () => {
  const cases: [string, (marker: string) => unknown, number, string][] = [
    ["an empty prompt", () => ({ kind: "text", prompt: "" }), 400, "invalid_request"],
    ["a prompt of only whitespace", () => ({ kind: "text", prompt: "   \n\t " }), 400, "invalid_request"],
    ["an oversized prompt", (m) => ({ kind: "text", prompt: m + "x".repeat(PROMPT_MAX_CHARS) }), 400, "invalid_request"],
    ["a number as prompt", () => ({ kind: "text", prompt: 42 }), 400, "invalid_request"],
    ["an array as prompt", (m) => ({ kind: "text", prompt: [m] }), 400, "invalid_request"],
    ["an object as prompt", (m) => ({ kind: "text", prompt: { text: m } }), 400, "invalid_request"],
    ["a null prompt", () => ({ kind: "text", prompt: null }), 400, "invalid_request"],
    ["a missing prompt", () => ({ kind: "text" }), 400, "invalid_request"],
    ["a prompt with a NUL", (m) => ({ kind: "text", prompt: `${m}\u0000tail` }), 400, "invalid_request"],
    // A lone surrogate is no Unicode text: it would reach the model and the prompt hash as U+FFFD.
    ["a prompt with a lone high surrogate", (m) => ({ kind: "text", prompt: `${m}\uD800tail` }), 400, "invalid_request"],
    ["a prompt with a lone low surrogate", (m) => ({ kind: "text", prompt: `\uDC00${m}` }), 400, "invalid_request"],
    ["an unknown kind", (m) => ({ kind: "video", prompt: m }), 400, "invalid_request"],
    ["a missing kind", (m) => ({ prompt: m }), 400, "invalid_request"],
    ["an unknown field", (m) => ({ kind: "text", prompt: m, temperature: 2 }), 400, "invalid_request"],
    ["a malformed model name", (m) => ({ kind: "text", prompt: m, model: "../../etc/passwd" }), 400, "invalid_request"],
    ["a model the deployment has not allowed", (m) => ({ kind: "text", prompt: m, model: "gpt-4o" }), 422, "model_not_allowed"],
    ["an image model asked for text", (m) => ({ kind: "text", prompt: m, model: "stub-image" }), 422, "model_not_allowed"],
    ["an image model asked for JSON", (m) => ({ kind: "json", prompt: m, model: "stub-image" }), 422, "model_not_allowed"],
    ["a JSON array body", (m) => [m], 400, "invalid_request"],
  ];

  it.each(cases)("refuses %s with a problem document, no model call and nothing stored", async (_what, body, status, code) => {
    const userId = newUser();
    const marker = newMarker();
    const response = await requestGeneration(userId, body(marker), { env: openaiEnv() });

    expect(response.status).toBe(status);
    const problem = await readProblem(response);
    expect(problem.code).toBe(code);
    if (status === 400) expect(problem.errors?.length).toBeGreaterThan(0);
    expect(await stubCalls(marker)).toEqual([]);
    await expectNothingStored(userId);
  });

  it("refuses a body that is not JSON", async () => {
    const userId = newUser();
    const response = await send("POST", "/v1/generations", {
      token: await tokenFor(userId),
      body: "{kind: text",
      headers: { "content-type": "application/json" },
      env: openaiEnv(),
    });
    expect(response.status).toBe(400);
    expect((await readProblem(response)).code).toBe("malformed_json");
    await expectNothingStored(userId);
  });

  it("refuses a body that is not sent as JSON", async () => {
    const response = await send("POST", "/v1/generations", {
      token: await tokenFor(newUser()),
      body: "kind=text&prompt=hi",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBe(415);
    expect((await readProblem(response)).code).toBe("unsupported_content_type");
  });

  it("refuses a malformed Idempotency-Key", async () => {
    const userId = newUser();
    const marker = newMarker();
    const response = await requestGeneration(userId, { kind: "text", prompt: marker }, { env: openaiEnv(), headers: { "idempotency-key": "short" } });
    expect(response.status).toBe(400);
    expect(await stubCalls(marker)).toEqual([]);
    await expectNothingStored(userId);
  });

  it("asks for a token (401) and for the generations:write scope (403)", async () => {
    const userId = newUser();
    const anonymous = await send("POST", "/v1/generations", { json: { kind: "text", prompt: "hi" } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toContain("Bearer");

    const readOnly = await requestGeneration(userId, { kind: "text", prompt: "hi" }, { token: await tokenFor(userId, ["generations:read"]) });
    expect(readOnly.status).toBe(403);
    expect((await readProblem(readOnly)).code).toBe("insufficient_scope");
    await expectNothingStored(userId);
  });
});
