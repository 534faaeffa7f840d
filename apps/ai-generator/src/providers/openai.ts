import { decodeBase64, imageOutput, JSON_INSTRUCTION, jsonOutput, readLimited, textOutput, toBase64 } from "./output";
import { ProviderError, type ImageInput, type ModelCall, type ModelOutput, type Provider } from "./provider";

const CAPTION_PROMPT = "Write one sentence of alt text describing this image for someone who cannot see it.";

/** Room for the JSON around an answer's content (and base64's 4/3 growth for images). */
const ENVELOPE_BYTES = 64 * 1024;

export interface OpenAiSettings {
  baseUrl: string;
  apiKey: string | undefined;
}

/**
 * Any OpenAI-compatible HTTP API (OpenAI, a gateway, a local Ollama or vLLM server): chat
 * completions for text, JSON (JSON mode) and captions, images/generations with base64 answers for images.
 */
export function createOpenAiProvider(settings: OpenAiSettings): Provider {
  return {
    name: "openai",

    async text(prompt: string, call: ModelCall): Promise<ModelOutput> {
      const answer = await post(settings, "/chat/completions", call, { read: call.maxBytes + ENVELOPE_BYTES, output: call.maxBytes }, {
        model: call.model,
        messages: [{ role: "user", content: prompt }],
      });
      return textOutput("openai", messageContent(answer), call.maxBytes);
    },

    async json(prompt: string, call: ModelCall): Promise<ModelOutput> {
      const answer = await post(settings, "/chat/completions", call, { read: call.maxBytes + ENVELOPE_BYTES, output: call.maxBytes }, {
        model: call.model,
        // JSON mode needs JSON named in the messages, or a model may emit whitespace until its limit.
        messages: [
          { role: "system", content: JSON_INSTRUCTION },
          { role: "user", content: prompt },
        ],
        response_format: { type: "json_object" },
      });
      return jsonOutput("openai", messageContent(answer), call.maxBytes);
    },

    async image(prompt: string, call: ModelCall): Promise<ModelOutput> {
      const body: Record<string, unknown> = { model: call.model, prompt, n: 1 };
      // gpt-image models always answer base64 and refuse the parameter; older ones need it.
      if (!call.model.startsWith("gpt-image")) body.response_format = "b64_json";
      const read = Math.ceil((call.maxBytes * 4) / 3) + ENVELOPE_BYTES;
      const answer = await post(settings, "/images/generations", call, { read, output: call.maxBytes }, body);
      const first = Array.isArray(field(answer, "data")) ? (field(answer, "data") as unknown[])[0] : undefined;
      const bytes = decodeBase64("openai", field(first, "b64_json"), call.maxBytes);
      return imageOutput("openai", bytes, call.maxBytes);
    },

    async caption(image: ImageInput, call: ModelCall): Promise<string> {
      const answer = await post(settings, "/chat/completions", call, { read: ENVELOPE_BYTES, output: ENVELOPE_BYTES }, {
        model: call.model,
        max_tokens: 160,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: CAPTION_PROMPT },
              { type: "image_url", image_url: { url: `data:${image.contentType};base64,${toBase64(image.bytes)}` } },
            ],
          },
        ],
      });
      const text = messageContent(answer);
      if (typeof text !== "string" || text.trim() === "") {
        throw new ProviderError("openai", "malformed", "The model answered with no caption.");
      }
      return text.trim();
    },
  };
}

/**
 * POSTs JSON and reads a JSON answer of at most `limit.read` bytes, mapping every failure; an
 * answer over it is too large for the `limit.output` bytes of content the caller allows.
 */
async function post(
  settings: OpenAiSettings,
  path: string,
  call: ModelCall,
  limit: { read: number; output: number },
  body: unknown,
): Promise<unknown> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;

  let response: Response;
  try {
    response = await fetch(settings.baseUrl + path, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: call.signal,
    });
  } catch (error) {
    throw transportError(error, call);
  }

  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ProviderError(
      "openai",
      "unavailable",
      `The OpenAI-compatible API answered ${response.status} for ${call.model}.`,
    );
  }

  let text: string;
  try {
    text = response.body ? new TextDecoder().decode(await readLimited("openai", response.body, limit.read, limit.output)) : "";
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw transportError(error, call);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ProviderError("openai", "malformed", "The OpenAI-compatible API answered with something that is not JSON.");
  }
}

function transportError(error: unknown, call: ModelCall): ProviderError {
  if (call.signal.aborted) {
    return new ProviderError("openai", "timeout", `The OpenAI-compatible API did not answer in time for ${call.model}.`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError("openai", "unavailable", `The OpenAI-compatible API is unreachable: ${message.slice(0, 200)}`);
}

function messageContent(answer: unknown): unknown {
  const choices = field(answer, "choices");
  const first = Array.isArray(choices) ? choices[0] : undefined;
  return field(field(first, "message"), "content");
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
