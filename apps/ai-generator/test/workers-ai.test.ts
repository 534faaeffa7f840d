import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import * as v from "valibot";
import { GenerationSchema } from "@trove/contracts";
import { base64, GIF, JPEG_HEAD, PNG, streamOf } from "./fixtures";
import { envWith, expectNothingStored, newMarker, newUser, readProblem, requestGeneration } from "./helpers";

/**
 * A stand-in for Cloudflare's Workers AI binding (an outside service): answers with what the
 * test gives it and records the calls it received.
 */
function standInAi(answer: (model: string, inputs: Record<string, unknown>) => unknown) {
  const calls: { model: string; inputs: Record<string, unknown> }[] = [];
  return {
    calls,
    binding: {
      async run(model: string, inputs: Record<string, unknown>) {
        calls.push({ model, inputs });
        return answer(model, inputs);
      },
    },
  };
}

function aiEnv(ai: { binding: unknown }, overrides: Record<string, unknown> = {}): Env {
  return envWith({ AI_PROVIDER: "workers-ai", AI: ai.binding, AI_TIMEOUT_MS: "300", ...overrides });
}

async function storedBytes(key: string): Promise<Uint8Array> {
  const object = await env.BUCKET.get(key);
  return new Uint8Array(await object!.arrayBuffer());
}

describe("workers-ai provider", () => {
  it("stores a text model's { response } answer", async () => {
    const ai = standInAi(() => ({ response: "The moon is a rock." }));
    const response = await requestGeneration(newUser(), { kind: "text", prompt: "the moon?" }, { env: aiEnv(ai) });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ provider: "workers-ai", model: "@cf/meta/llama-3.1-8b-instruct", contentType: "text/plain; charset=utf-8" });
    expect(body.notice).toBeUndefined();
    expect(new TextDecoder().decode(await storedBytes(body.key))).toBe("The moon is a rock.");
    expect(ai.calls[0]?.inputs).toEqual({ messages: [{ role: "user", content: "the moon?" }] });
  });

  it("joins a text model's server-sent event stream", async () => {
    const events = ['data: {"response":"Hello"}', 'data: {"response":", "}', 'data: {"response":"world"}', "data: [DONE]"]
      .map((line) => `${line}\n\n`)
      .join("");
    const ai = standInAi(() => streamOf(new TextEncoder().encode(events)));
    const response = await requestGeneration(newUser(), { kind: "text", prompt: "greet" }, { env: aiEnv(ai) });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(new TextDecoder().decode(await storedBytes(body.key))).toBe("Hello, world");
    expect(body.size).toBe(12);
  });

  it("stores a JSON request's object { response } as application/json, asking in JSON mode", async () => {
    const ai = standInAi(() => ({ response: { name: "Moon", rocky: true, moons: [] } }));
    const response = await requestGeneration(newUser(), { kind: "json", prompt: "the moon as JSON" }, { env: aiEnv(ai) });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ kind: "json", contentType: "application/json", model: "@cf/meta/llama-3.1-8b-instruct" });
    expect(JSON.parse(new TextDecoder().decode(await storedBytes(body.key)))).toEqual({ name: "Moon", rocky: true, moons: [] });
    expect(ai.calls[0]?.inputs).toMatchObject({ response_format: { type: "json_object" } });
    expect((await env.BUCKET.head(body.key))?.httpMetadata?.contentType).toBe("application/json");
  });

  it("takes a JSON request's { response } given as JSON text", async () => {
    const ai = standInAi(() => ({ response: '{"answer": 42}' }));
    const response = await requestGeneration(newUser(), { kind: "json", prompt: "the answer" }, { env: aiEnv(ai) });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(JSON.parse(new TextDecoder().decode(await storedBytes(body.key)))).toEqual({ answer: 42 });
  });

  it("stores a text model's object { response } as JSON rather than refusing it", async () => {
    const ai = standInAi(() => ({ response: { summary: "short" } }));
    const response = await requestGeneration(newUser(), { kind: "text", prompt: "summarise" }, { env: aiEnv(ai) });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ kind: "text", contentType: "application/json" });
    expect(JSON.parse(new TextDecoder().decode(await storedBytes(body.key)))).toEqual({ summary: "short" });
  });

  it.each([
    ["text that is not JSON", { response: "Sure! Here is your JSON" }],
    ["a JSON array", { response: [1, 2] }],
    ["JSON text of a string", { response: '"just a string"' }],
    ["no response", {}],
  ])("answers 502 and stores nothing for a JSON request answered with %s", async (_what, answer) => {
    const userId = newUser();
    const ai = standInAi(() => answer);
    const response = await requestGeneration(userId, { kind: "json", prompt: "json please" }, { env: aiEnv(ai) });

    expect(response.status).toBe(502);
    expect((await readProblem(response)).code).toBe("provider_bad_output");
    await expectNothingStored(userId);
  });

  it("decodes an image model's base64 { image } answer and sniffs its type", async () => {
    const ai = standInAi(() => ({ image: base64(PNG) }));
    const response = await requestGeneration(newUser(), { kind: "image", prompt: "a dot" }, { env: aiEnv(ai) });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ contentType: "image/png", size: PNG.byteLength, model: "@cf/black-forest-labs/flux-1-schnell" });
    expect(await storedBytes(body.key)).toEqual(PNG);
    const object = await env.BUCKET.head(body.key);
    expect(object?.httpMetadata?.contentType).toBe("image/png");
  });

  it("reads an image model's binary stream and stores it with its real type", async () => {
    const ai = standInAi(() => streamOf(JPEG_HEAD, 5));
    const response = await requestGeneration(newUser(), { kind: "image", prompt: "a photo" }, { env: aiEnv(ai) });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body.contentType).toBe("image/jpeg");
    expect(await storedBytes(body.key)).toEqual(JPEG_HEAD);
  });

  it("takes an image model's raw bytes", async () => {
    const ai = standInAi(() => GIF);
    const response = await requestGeneration(newUser(), { kind: "image", prompt: "a pixel" }, { env: aiEnv(ai) });

    expect(response.status).toBe(201);
    expect(v.parse(GenerationSchema, await response.json()).contentType).toBe("image/gif");
  });

  it.each([
    ["text", "an answer without response", () => ({ result: "nope" })],
    ["text", "an empty response", () => ({ response: "   " })],
    ["text", "an event stream with no text", () => streamOf(new TextEncoder().encode("data: [DONE]\n\n"))],
    ["image", "an image field that is not base64", () => ({ image: "%%%not-base64%%%" })],
    ["image", "bytes that are no image", () => new TextEncoder().encode("<html>oops</html>")],
    ["image", "an empty stream", () => streamOf(new Uint8Array(0))],
    ["image", "an SVG, which is active content", () => new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')],
  ] as const)("answers 502 and stores nothing for %s: %s", async (kind, _what, answer) => {
    const userId = newUser();
    const ai = standInAi(answer);
    const response = await requestGeneration(userId, { kind, prompt: "anything" }, { env: aiEnv(ai) });

    expect(response.status).toBe(502);
    const problem = await readProblem(response);
    expect(problem.code).toBe("provider_bad_output");
    expect(problem.detail).toContain("workers-ai");
    await expectNothingStored(userId);
  });

  it("answers 502 naming the provider when the binding fails", async () => {
    const userId = newUser();
    const ai = standInAi(() => {
      throw new Error("3010: Invalid or incomplete input for the model");
    });
    const response = await requestGeneration(userId, { kind: "text", prompt: "x" }, { env: aiEnv(ai) });

    expect(response.status).toBe(502);
    const problem = await readProblem(response);
    expect(problem).toMatchObject({ code: "provider_error" });
    expect(problem.detail).toContain("workers-ai");
    await expectNothingStored(userId);
  });

  it("keeps the binding's own error text out of the answer, and the prompt out of the log", async () => {
    const userId = newUser();
    const marker = newMarker();
    const ai = standInAi(() => {
      throw new Error(`3010: bad input near "${marker}" on inference-host-17`);
    });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const response = await requestGeneration(userId, { kind: "text", prompt: marker }, { env: aiEnv(ai) });
    const logged = warn.mock.calls.map((call) => String(call[0])).join("\n");
    warn.mockRestore();

    expect(response.status).toBe(502);
    const problem = await readProblem(response);
    expect(problem.detail).toBe("The workers-ai provider failed or could not be reached.");
    expect(logged).toContain("inference-host-17");
    expect(logged).not.toContain(marker);
    await expectNothingStored(userId);
  });

  it("answers 504 when the model does not answer in time", async () => {
    const userId = newUser();
    const ai = standInAi(() => new Promise(() => {}));
    const response = await requestGeneration(userId, { kind: "image", prompt: "slow" }, { env: aiEnv(ai, { AI_TIMEOUT_MS: "150" }) });

    expect(response.status).toBe(504);
    expect((await readProblem(response)).code).toBe("provider_timeout");
    await expectNothingStored(userId);
  });

  it("refuses output over MAX_OUTPUT_BYTES with 502 and stores nothing", async () => {
    const userId = newUser();
    const big = new Uint8Array(5000);
    big.set(PNG);
    const ai = standInAi(() => streamOf(big, 1000));
    const response = await requestGeneration(userId, { kind: "image", prompt: "big" }, { env: aiEnv(ai, { MAX_OUTPUT_BYTES: "4096" }) });

    expect(response.status).toBe(502);
    expect((await readProblem(response)).code).toBe("output_too_large");
    await expectNothingStored(userId);
  });

  it("names the configured limit when a text event stream is too large to read", async () => {
    const userId = newUser();
    const event = `data: ${JSON.stringify({ response: "x".repeat(1000) })}\n\n`;
    const ai = standInAi(() => streamOf(new TextEncoder().encode(event.repeat(200)), 4096));
    const response = await requestGeneration(userId, { kind: "text", prompt: "flood" }, { env: aiEnv(ai, { MAX_OUTPUT_BYTES: "4096" }) });

    expect(response.status).toBe(502);
    const problem = await readProblem(response);
    expect(problem.code).toBe("output_too_large");
    expect(problem.detail).toContain("over the 4096-byte limit");
    await expectNothingStored(userId);
  });

  it("refuses a model outside the allow-list without calling the binding", async () => {
    const userId = newUser();
    const ai = standInAi(() => ({ response: "should not be asked" }));
    const response = await requestGeneration(
      userId,
      { kind: "text", prompt: "hi", model: "@cf/some/other-model" },
      { env: aiEnv(ai, { AI_TEXT_MODELS: "@cf/meta/llama-3.1-8b-instruct, @cf/mistral/mistral-7b-instruct-v0.1" }) },
    );

    expect(response.status).toBe(422);
    expect((await readProblem(response)).code).toBe("model_not_allowed");
    expect(ai.calls).toEqual([]);
    await expectNothingStored(userId);
  });

  it("uses an allowed model the request names", async () => {
    const ai = standInAi(() => ({ response: "ok" }));
    const response = await requestGeneration(
      newUser(),
      { kind: "text", prompt: "hi", model: "@cf/mistral/mistral-7b-instruct-v0.1" },
      { env: aiEnv(ai, { AI_TEXT_MODELS: "@cf/meta/llama-3.1-8b-instruct,@cf/mistral/mistral-7b-instruct-v0.1" }) },
    );

    expect(response.status).toBe(201);
    expect(ai.calls.map((call) => call.model)).toEqual(["@cf/mistral/mistral-7b-instruct-v0.1"]);
  });
});
