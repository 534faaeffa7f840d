import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { GenerationSchema } from "@trove/contracts";
import { expectNothingStored, newMarker, newUser, openaiEnv, readProblem, requestGeneration, stubCalls } from "./helpers";

// The stand-in server (test/openai-stub.mjs) runs on 127.0.0.1 and speaks the OpenAI wire
// format; the model named in a request picks how it answers.

describe("openai provider", () => {
  it("stores a chat completion's message as text, sending the key as a bearer token", async () => {
    const marker = newMarker();
    const response = await requestGeneration(newUser(), { kind: "text", prompt: `summarise ${marker}` }, { env: openaiEnv() });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ provider: "openai", model: "stub-chat", contentType: "text/plain; charset=utf-8" });
    const object = await env.BUCKET.get(body.key);
    expect(await object?.text()).toBe(`stub answer to: summarise ${marker}`);

    const calls = await stubCalls(marker);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ path: "/v1/chat/completions", authorization: "Bearer sk-test-key" });
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ model: "stub-chat", messages: [{ role: "user" }] });
  });

  it("sends no Authorization header when no key is set (a local Ollama needs none)", async () => {
    const marker = newMarker();
    const response = await requestGeneration(newUser(), { kind: "text", prompt: marker }, { env: openaiEnv({ OPENAI_API_KEY: undefined }) });

    expect(response.status).toBe(201);
    expect((await stubCalls(marker))[0]?.authorization).toBeNull();
  });

  it("stores an images/generations b64_json answer as the image it is", async () => {
    const marker = newMarker();
    const response = await requestGeneration(newUser(), { kind: "image", prompt: marker }, { env: openaiEnv() });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ contentType: "image/png", model: "stub-image" });
    const calls = await stubCalls(marker);
    expect(calls[0]?.path).toBe("/v1/images/generations");
    expect(JSON.parse(calls[0]!.body)).toMatchObject({ model: "stub-image", n: 1, response_format: "b64_json" });
    const stored = await env.BUCKET.get(body.key);
    expect(new Uint8Array(await stored!.arrayBuffer()).subarray(1, 4)).toEqual(new TextEncoder().encode("PNG"));
  });

  it("asks for a JSON object with response_format json_object and stores it as application/json", async () => {
    const marker = newMarker();
    const response = await requestGeneration(newUser(), { kind: "json", prompt: marker, model: "stub-json" }, { env: openaiEnv() });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ kind: "json", contentType: "application/json", model: "stub-json", provider: "openai" });
    const sent = JSON.parse((await stubCalls(marker))[0]!.body);
    expect(sent.response_format).toEqual({ type: "json_object" });
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: marker });
    // OpenAI's JSON mode needs the word JSON in the conversation, or the model may never stop.
    expect(JSON.stringify(sent.messages[0])).toMatch(/JSON/);
    const stored = await env.BUCKET.get(body.key);
    expect(stored?.httpMetadata?.contentType).toBe("application/json");
    expect(JSON.parse(await stored!.text())).toEqual({ answer: "stub", to: marker });
  });

  it.each([
    ["stub-chat", "plain text"],
    ["stub-json-array", "a JSON array, not an object"],
  ])("answers 502 provider_bad_output for a JSON request answered with %s (%s)", async (model) => {
    const userId = newUser();
    const response = await requestGeneration(userId, { kind: "json", prompt: "give me json", model }, { env: openaiEnv() });

    expect(response.status).toBe(502);
    expect((await readProblem(response)).code).toBe("provider_bad_output");
    await expectNothingStored(userId);
  });

  // What a caller is told: the provider and the kind of failure, never the upstream's words.
  const FIXED_DETAIL = {
    provider_error: "The openai provider failed or could not be reached.",
    provider_bad_output: "The openai provider answered with output that is empty or not what was asked for.",
    provider_timeout: "The openai provider did not answer in time.",
  } as const;

  it.each([
    ["text", "stub-error-500", 502, "provider_error", "an HTTP 500 error answer"],
    ["text", "stub-error-401", 502, "provider_error", "a rejected API key"],
    ["text", "stub-error-429", 502, "provider_error", "the provider's own rate limit"],
    ["image", "stub-error-500", 502, "provider_error", "an HTTP 500 error answer for an image"],
    ["text", "stub-not-json", 502, "provider_bad_output", "an answer that is not JSON"],
    ["text", "stub-empty", 502, "provider_bad_output", "an empty message"],
    ["text", "stub-no-choices", 502, "provider_bad_output", "no choices"],
    ["image", "stub-image-text", 502, "provider_bad_output", "image data that is no image"],
    ["image", "stub-image-svg", 502, "provider_bad_output", "an SVG with script"],
    ["image", "stub-image-bad-b64", 502, "provider_bad_output", "b64_json that is not base64"],
    ["image", "stub-image-url", 502, "provider_bad_output", "a URL instead of b64_json"],
    ["text", "stub-slow", 504, "provider_timeout", "no answer before the timeout"],
  ] as const)("%s with %s answers %i %s and stores nothing (%s)", async (kind, model, status, code, _what) => {
    const userId = newUser();
    const marker = newMarker();
    const response = await requestGeneration(userId, { kind, prompt: marker, model }, { env: openaiEnv() });

    expect(response.status).toBe(status);
    const problem = await readProblem(response);
    expect(problem.code).toBe(code);
    expect(problem.detail).toBe(FIXED_DETAIL[code]);
    expect(await stubCalls(marker)).toHaveLength(1);
    await expectNothingStored(userId);
  });

  it("refuses a completion over MAX_OUTPUT_BYTES", async () => {
    const userId = newUser();
    const response = await requestGeneration(
      userId,
      { kind: "text", prompt: "long", model: "stub-huge" },
      { env: openaiEnv({ MAX_OUTPUT_BYTES: "10000" }) },
    );

    expect(response.status).toBe(502);
    expect((await readProblem(response)).code).toBe("output_too_large");
    await expectNothingStored(userId);
  });

  it("names the configured limit when the whole answer is too large to read", async () => {
    const userId = newUser();
    const response = await requestGeneration(
      userId,
      { kind: "text", prompt: "flood", model: "stub-flood" },
      { env: openaiEnv({ MAX_OUTPUT_BYTES: "10000" }) },
    );

    expect(response.status).toBe(502);
    const problem = await readProblem(response);
    expect(problem.code).toBe("output_too_large");
    // Not the read allowance (limit plus room for the JSON around it), which means nothing to a caller.
    expect(problem.detail).toContain("over the 10000-byte limit");
    await expectNothingStored(userId);
  });

  it("answers 502 naming the provider when the server is unreachable", async () => {
    const userId = newUser();
    const response = await requestGeneration(
      userId,
      { kind: "text", prompt: "anyone there?" },
      { env: openaiEnv({ OPENAI_BASE_URL: "http://127.0.0.1:9/v1" }) },
    );

    expect(response.status).toBe(502);
    const problem = await readProblem(response);
    expect(problem.code).toBe("provider_error");
    // A fixed sentence: the transport's own error (addresses, messages) stays in the log.
    expect(problem.detail).toBe("The openai provider failed or could not be reached.");
    await expectNothingStored(userId);
  });
});
