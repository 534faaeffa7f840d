import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as v from "valibot";
import { fileTypeFromBuffer } from "file-type";
import { imageSize } from "image-size";
import { GenerationSchema } from "@trove/contracts";
import { createEchoProvider } from "../src/providers/echo";
import { holdingsOf, newUser, requestGeneration } from "./helpers";

const call = () => ({ model: "echo-text", signal: new AbortController().signal, maxBytes: 1024 * 1024 });

describe("echo provider", () => {
  it("restates the prompt as labelled, deterministic text", async () => {
    const echo = createEchoProvider();
    const first = await echo.text("a summary of the moon", call());
    const second = await echo.text("a summary of the moon", call());
    const text = new TextDecoder().decode(first.bytes);

    expect(first.contentType).toBe("text/plain; charset=utf-8");
    expect(text).toContain("[echo output: no model was called]");
    expect(text).toContain("a summary of the moon");
    expect(second.bytes).toEqual(first.bytes);
  });

  it("draws a real PNG from the prompt, the same for the same prompt", async () => {
    const echo = createEchoProvider();
    const one = await echo.image("a red fox", { ...call(), model: "echo-image" });
    const again = await echo.image("a red fox", { ...call(), model: "echo-image" });
    const other = await echo.image("a blue whale", { ...call(), model: "echo-image" });

    expect(one.contentType).toBe("image/png");
    expect(Array.from(one.bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(again.bytes).toEqual(one.bytes);
    expect(other.bytes).not.toEqual(one.bytes);
    expect(imageSize(one.bytes)).toMatchObject({ width: 128, height: 128, type: "png" });
    expect(await fileTypeFromBuffer(one.bytes)).toMatchObject({ mime: "image/png" });
  });

  it("makes a deterministic JSON object that says it is echo output", async () => {
    const echo = createEchoProvider();
    const first = await echo.json("a list of moons", { ...call(), model: "echo-json" });
    const second = await echo.json("a list of moons", { ...call(), model: "echo-json" });
    const value = JSON.parse(new TextDecoder().decode(first.bytes));

    expect(first.contentType).toBe("application/json");
    expect(value).toMatchObject({ echo: true, model: "echo-json", prompt: "a list of moons", words: 4 });
    expect(value.notice).toMatch(/echo output/i);
    expect(value.promptSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(second.bytes).toEqual(first.bytes);
  });

  it("stores a JSON generation as application/json and signs its download with that type", async () => {
    const response = await requestGeneration(newUser(), { kind: "json", prompt: "moons as json" });

    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ kind: "json", provider: "echo", model: "echo-json", contentType: "application/json" });
    const object = await env.BUCKET.get(body.key);
    expect(object?.httpMetadata?.contentType).toBe("application/json");
    expect(object?.httpMetadata?.contentDisposition).toMatch(/\.json"?$/);
    expect(JSON.parse(await object!.text())).toMatchObject({ echo: true, prompt: "moons as json" });
    const url = new URL(body.download!.url);
    expect(url.searchParams.get("response-content-type")).toBe("application/json");
  });

  it("is what POST /v1/generations uses with no configuration", async () => {
    const userId = newUser();
    const response = await requestGeneration(userId, { kind: "text", prompt: "hello there" });
    expect(response.status).toBe(201);
    const body = v.parse(GenerationSchema, await response.json());
    expect(body).toMatchObject({ status: "ready", kind: "text", provider: "echo", model: "echo-text" });
    expect(body.notice).toMatch(/echo/i);

    const object = await env.BUCKET.get(body.key);
    expect(object?.customMetadata?.label).toMatch(/echo/i);
    expect(await object?.text()).toContain("hello there");
    expect((await holdingsOf(userId)).files).toHaveLength(1);
  });
});
