import { fileTypeFromBuffer } from "file-type";
import { readBytesUpTo } from "@trove/http";
import type { ProviderName } from "../config";
import { ProviderError, type ModelOutput } from "./provider";

/** Raster types an image model may answer with; anything else (SVG, HTML, …) is refused. */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"]);

export const TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";

/** Text output as UTF-8 bytes; an empty answer is malformed, a long one too large. */
export function textOutput(provider: ProviderName, text: unknown, maxBytes: number): ModelOutput {
  if (typeof text !== "string" || text.trim() === "") {
    throw new ProviderError(provider, "malformed", "The model answered with no text.");
  }
  const bytes = new TextEncoder().encode(text);
  if (bytes.byteLength > maxBytes) throw tooLarge(provider, maxBytes);
  return { bytes, contentType: TEXT_CONTENT_TYPE };
}

export const JSON_CONTENT_TYPE = "application/json";

/** Said to a model in JSON mode: OpenAI-style JSON mode wants JSON named in the messages. */
export const JSON_INSTRUCTION = "Answer with one JSON object and nothing else.";

/** A JSON object (not an array, string or number): what a `json` generation promises. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * JSON output: an object as the model gave it, or JSON text that parses to one (models in JSON
 * mode answer either way). Anything else is malformed; stored re-serialised as UTF-8.
 */
export function jsonOutput(provider: ProviderName, answer: unknown, maxBytes: number): ModelOutput {
  let value = answer;
  if (typeof answer === "string") {
    try {
      value = JSON.parse(answer);
    } catch {
      throw new ProviderError(provider, "malformed", "The model was asked for JSON and answered with text that is not JSON.");
    }
  }
  if (!isJsonObject(value)) {
    throw new ProviderError(provider, "malformed", "The model was asked for a JSON object and answered with something else.");
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  if (bytes.byteLength > maxBytes) throw tooLarge(provider, maxBytes);
  return { bytes, contentType: JSON_CONTENT_TYPE };
}

/** Image output with the type its first bytes show; bytes that are no raster image are malformed. */
export async function imageOutput(provider: ProviderName, bytes: Uint8Array, maxBytes: number): Promise<ModelOutput> {
  if (bytes.byteLength === 0) throw new ProviderError(provider, "malformed", "The model answered with an empty image.");
  if (bytes.byteLength > maxBytes) throw tooLarge(provider, maxBytes);
  const sniffed = await fileTypeFromBuffer(bytes);
  if (!sniffed || !IMAGE_TYPES.has(sniffed.mime)) {
    throw new ProviderError(provider, "malformed", "The model's answer is not a PNG, JPEG, WebP, GIF or AVIF image.");
  }
  return { bytes, contentType: sniffed.mime };
}

/** Decodes base64 (standard or URL alphabet, optional data: prefix) or calls it malformed. */
export function decodeBase64(provider: ProviderName, value: unknown, maxBytes: number): Uint8Array {
  if (typeof value !== "string" || value.length === 0) {
    throw new ProviderError(provider, "malformed", "The model answered with no image data.");
  }
  const data = value.replace(/^data:[^,]*;base64,/, "").replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  if (Math.floor((data.length * 3) / 4) > maxBytes + 2) throw tooLarge(provider, maxBytes);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 === 1) {
    throw new ProviderError(provider, "malformed", "The model's image data is not valid base64.");
  }
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Reads a stream to the end, giving up (and cancelling it) once it passes maxBytes. An answer
 * read with room for its envelope (JSON, base64, event framing) names `outputLimit`, the limit
 * the caller configured, rather than the larger allowance it was read with.
 */
export async function readLimited(
  provider: ProviderName,
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  outputLimit = maxBytes,
): Promise<Uint8Array> {
  const bytes = await readBytesUpTo(stream, maxBytes);
  if (!bytes) throw tooLarge(provider, outputLimit);
  return bytes;
}

export function tooLarge(provider: ProviderName, maxBytes: number): ProviderError {
  return new ProviderError(provider, "too_large", `The model's output is over the ${maxBytes}-byte limit.`, maxBytes);
}

/** Bytes as base64, for sending an image to a model. */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
