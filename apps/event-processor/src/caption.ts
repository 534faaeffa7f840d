import * as v from "valibot";
import { signServiceAssertion } from "@trove/auth";
import type { GeneratorRpc } from "@trove/contracts";
import { createLogger, describeError } from "@trove/http";

/** Raster images the generator can describe; anything else gets no caption. */
const CAPTIONABLE = new Set(["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"]);

const CAPTIONS = v.optional(v.picklist(["on", "off"], 'CAPTIONS must be "on" or "off".'), "off");

const log = createLogger({ worker: "event-processor", step: "caption" });

/** Asks the ai-generator for alt text of images that have just become ready. */
export interface Captioner {
  /**
   * Captions the file when CAPTIONS is "on" and it is an image. Never throws: a missing caption
   * must neither fail nor retry an upload that is already ready.
   */
  captionReady(file: { id: string; ownerId: string }, detectedType: string): Promise<void>;
}

export function captionerFrom(env: Env): Captioner {
  const enabled = v.parse(CAPTIONS, env.CAPTIONS) === "on";
  // The binding's generated type knows only that it is a service; its methods are the
  // generator's RPC surface, described in @trove/contracts.
  const generator = env.GENERATOR as unknown as GeneratorRpc;

  return {
    async captionReady(file, detectedType) {
      if (!enabled || !CAPTIONABLE.has(detectedType)) return;
      try {
        const assertion = await signServiceAssertion(env.SERVICE_SECRET, {
          caller: "trove-event-processor",
          audience: "trove-ai-generator",
          userId: file.ownerId,
        });
        const result = await generator.caption({ assertion, fileId: file.id });
        if (result.ok) log.info("caption stored", { fileId: file.id, provider: result.value.provider });
        else log.warn("no caption", { fileId: file.id, status: result.status, code: result.code });
      } catch (error) {
        log.warn("caption call failed", { fileId: file.id, ...describeError(error) });
      }
    },
  };
}
