import type { AiBinding } from "../config";
import { decodeBase64, imageOutput, isJsonObject, JSON_INSTRUCTION, jsonOutput, readLimited, textOutput } from "./output";
import { ProviderError, type ImageInput, type ModelCall, type ModelOutput, type Provider } from "./provider";

const CAPTION_PROMPT = "Write one sentence of alt text describing this image for someone who cannot see it.";

/**
 * Workers AI through the `AI` binding. Models answer in several shapes: text as `{ response }`
 * or as a stream of server-sent events; JSON (asked for with JSON mode) as an object or JSON
 * text in `{ response }`; images as base64 `{ image }`, or as binary bytes or a
 * binary stream. Each is taken as it comes and checked (images sniffed for their real type).
 */
export function createWorkersAiProvider(ai: AiBinding): Provider {
  return {
    name: "workers-ai",

    async text(prompt: string, call: ModelCall): Promise<ModelOutput> {
      const answer = await run(ai, call, { messages: [{ role: "user", content: prompt }] });
      if (answer instanceof ReadableStream) {
        // SSE carries each token in a JSON envelope; allow for that overhead while reading.
        const raw = await readLimited("workers-ai", answer, call.maxBytes * 4 + 65_536, call.maxBytes);
        return textOutput("workers-ai", fromEventStream(new TextDecoder().decode(raw)), call.maxBytes);
      }
      // A model that answers structured data gives an object: stored as the JSON it is.
      const response = field(answer, "response");
      if (isJsonObject(response)) return jsonOutput("workers-ai", response, call.maxBytes);
      return textOutput("workers-ai", response, call.maxBytes);
    },

    async json(prompt: string, call: ModelCall): Promise<ModelOutput> {
      // JSON mode: the model answers `{ response }` with an object (or, some models, JSON text).
      const answer = await run(ai, call, {
        messages: [
          { role: "system", content: JSON_INSTRUCTION },
          { role: "user", content: prompt },
        ],
        response_format: { type: "json_object" },
      });
      if (answer instanceof ReadableStream) {
        const raw = await readLimited("workers-ai", answer, call.maxBytes * 4 + 65_536, call.maxBytes);
        return jsonOutput("workers-ai", fromEventStream(new TextDecoder().decode(raw)), call.maxBytes);
      }
      return jsonOutput("workers-ai", field(answer, "response"), call.maxBytes);
    },

    async image(prompt: string, call: ModelCall): Promise<ModelOutput> {
      const answer = await run(ai, call, { prompt });
      let bytes: Uint8Array;
      if (answer instanceof ReadableStream) bytes = await readLimited("workers-ai", answer, call.maxBytes);
      else if (answer instanceof Uint8Array) bytes = answer;
      else if (answer instanceof ArrayBuffer) bytes = new Uint8Array(answer);
      else bytes = decodeBase64("workers-ai", field(answer, "image"), call.maxBytes);
      return imageOutput("workers-ai", bytes, call.maxBytes);
    },

    async caption(image: ImageInput, call: ModelCall): Promise<string> {
      // Vision models on Workers AI take the image as a list of byte values or as base64.
      const answer = await run(ai, call, {
        image: Array.from(image.bytes),
        prompt: CAPTION_PROMPT,
        max_tokens: 160,
      });
      const text = field(answer, "description") ?? field(answer, "response");
      if (typeof text !== "string" || text.trim() === "") {
        throw new ProviderError("workers-ai", "malformed", "The model answered with no caption.");
      }
      return text.trim();
    },
  };
}

/** Calls a model, turning binding errors into 502 and a missed deadline into 504. */
async function run(ai: AiBinding, call: ModelCall, inputs: Record<string, unknown>): Promise<unknown> {
  // The binding takes no AbortSignal, so the deadline races the call.
  const deadline = new Promise<never>((_, reject) => {
    const fail = () => reject(new ProviderError("workers-ai", "timeout", `${call.model} did not answer in time.`));
    if (call.signal.aborted) fail();
    call.signal.addEventListener("abort", fail, { once: true });
  });
  try {
    return await Promise.race([ai.run(call.model, inputs), deadline]);
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ProviderError("workers-ai", "unavailable", `Workers AI failed to run ${call.model}: ${message.slice(0, 200)}`);
  }
}

function field(answer: unknown, name: string): unknown {
  return typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>)[name] : undefined;
}

/** Joins the `response` pieces of an event stream (`data: {"response":"…"}` … `data: [DONE]`). */
function fromEventStream(body: string): string {
  let text = "";
  for (const line of body.split(/\r?\n/)) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "" || data === "[DONE]") continue;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      throw new ProviderError("workers-ai", "malformed", "The model's event stream holds an event that is not JSON.");
    }
    const piece = field(event, "response");
    if (typeof piece === "string") text += piece;
  }
  return text;
}
