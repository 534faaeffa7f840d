import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { makePng, text } from "./files";
import { deliver, EVENTS, fileRow, givenUpload, putEvent } from "./helpers";

// The GENERATOR binding here is the real ai-generator (built JavaScript, vitest.config.ts),
// answering with its offline echo provider.

const captionsOn = () => ({ ...env, CAPTIONS: "on" }) as unknown as Env;

async function uploadWith(bytes: Uint8Array, contentType: string, options: { env?: Env } = {}) {
  const file = await givenUpload({ contentType, size: bytes.byteLength });
  await env.BUCKET.put(file.key, bytes);
  const delivered = await deliver(EVENTS, [await putEvent(file.key)], { env: options.env ?? captionsOn() });
  return { file, delivered };
}

describe("captions for new images (CAPTIONS=on)", () => {
  it("asks the ai-generator over the service binding and stores its caption", async () => {
    const bytes = await makePng();
    const { file, delivered } = await uploadWith(bytes, "image/png");

    expect(delivered.result.explicitAcks).toEqual(delivered.ids);
    const row = await fileRow(file.id);
    expect(row.status).toBe("ready");
    expect(row.caption).toContain("[echo caption: no model was called]");
    expect(row.caption).toMatch(/A PNG image of \d+×\d+ pixels/);
  });

  it("captions nothing that is not an image", async () => {
    const { file } = await uploadWith(text("just words\n"), "text/plain");
    const row = await fileRow(file.id);
    expect(row.status).toBe("ready");
    expect(row.caption).toBeNull();
  });

  it("captions nothing when CAPTIONS is off", async () => {
    const { file } = await uploadWith(await makePng(), "image/png", { env });
    const row = await fileRow(file.id);
    expect(row.status).toBe("ready");
    expect(row.caption).toBeNull();
  });

  it("keeps the upload ready when the generator refuses the call", async () => {
    // A processor holding another deployment's secret: its assertion is refused (401).
    const forged = { ...env, CAPTIONS: "on", SERVICE_SECRET: "another-deployments-service-secret-0123" } as unknown as Env;
    const { file, delivered } = await uploadWith(await makePng(), "image/png", { env: forged });

    expect(delivered.result.explicitAcks).toEqual(delivered.ids);
    expect(delivered.result.retryMessages).toEqual([]);
    const row = await fileRow(file.id);
    expect(row.status).toBe("ready");
    expect(row.caption).toBeNull();
  });
});
