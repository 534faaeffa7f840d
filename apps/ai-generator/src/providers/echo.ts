import { imageSize } from "image-size";
import { sha256Bytes, toHex } from "../hash";
import { encodePng } from "./png";
import { jsonOutput, textOutput } from "./output";
import type { ImageInput, ModelCall, ModelOutput, Provider } from "./provider";

export const ECHO_NOTICE = "Echo output: made locally from the prompt; no model was called.";
const SIZE = 128;
const CELLS = 6;
const CELL = 16;
const MARGIN = (SIZE - CELLS * CELL) / 2;

/**
 * The offline provider, and the default when nothing else is configured: deterministic text
 * that restates the prompt, a JSON object that does the same, a PNG drawn from the prompt's hash (a mirrored 6×6 pattern in two
 * colours), and captions made from an image's real type and dimensions. It says what it is in
 * the output itself and in `notice`.
 */
export function createEchoProvider(): Provider {
  return {
    name: "echo",
    notice: ECHO_NOTICE,

    async text(prompt: string, call: ModelCall): Promise<ModelOutput> {
      const digest = toHex(await sha256Bytes(prompt));
      const words = prompt.trim().split(/\s+/).length;
      const body = [
        `[echo output: no model was called] (${call.model})`,
        "",
        "You asked:",
        prompt,
        "",
        `That is ${prompt.length} characters and ${words} words; prompt sha256 ${digest}.`,
        "",
      ].join("\n");
      return textOutput("echo", body, call.maxBytes);
    },

    async json(prompt: string, call: ModelCall): Promise<ModelOutput> {
      const value = {
        echo: true,
        notice: ECHO_NOTICE,
        model: call.model,
        prompt,
        characters: prompt.length,
        words: prompt.trim().split(/\s+/).length,
        promptSha256: toHex(await sha256Bytes(prompt)),
      };
      return jsonOutput("echo", value, call.maxBytes);
    },

    async image(prompt: string, call: ModelCall): Promise<ModelOutput> {
      const hash = await sha256Bytes(prompt);
      const bytes = encodePng(SIZE, SIZE, draw(hash), {
        Software: "Trove echo provider",
        Comment: `echo output (${call.model}), no model was called; prompt sha256 ${toHex(hash)}`,
      });
      return { bytes, contentType: "image/png" };
    },

    async caption(image: ImageInput, call: ModelCall): Promise<string> {
      const kind = image.contentType.replace(/^image\//, "").toUpperCase();
      let shape = "";
      try {
        const { width, height } = imageSize(image.bytes);
        shape = ` of ${width}×${height} pixels`;
      } catch {
        // An image whose header image-size cannot read still gets a caption without its size.
      }
      const kib = (image.bytes.byteLength / 1024).toFixed(1);
      return `[echo caption: no model was called] (${call.model}) A ${kind} image${shape}, ${kib} KiB.`;
    },
  };
}

/** Paints the pattern: colours from the first bytes of the hash, cells from the next ones. */
function draw(hash: Uint8Array): Uint8Array {
  const at = (i: number) => hash[i] ?? 0;
  const background = [200 + (at(0) % 56), 200 + (at(1) % 56), 200 + (at(2) % 56)];
  const foreground = [at(3) % 160, at(4) % 160, at(5) % 160];
  const rgb = new Uint8Array(SIZE * SIZE * 3);

  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const colour = isInked(hash, x, y) ? foreground : background;
      rgb.set(colour, (y * SIZE + x) * 3);
    }
  }
  return rgb;
}

function isInked(hash: Uint8Array, x: number, y: number): boolean {
  const column = Math.floor((x - MARGIN) / CELL);
  const row = Math.floor((y - MARGIN) / CELL);
  if (x < MARGIN || y < MARGIN || column >= CELLS || row >= CELLS) return false;
  // Mirror the left half onto the right so the pattern reads as a figure.
  const half = column < CELLS / 2 ? column : CELLS - 1 - column;
  const bit = row * (CELLS / 2) + half;
  return (((hash[6 + (bit >> 3)] ?? 0) >> (bit & 7)) & 1) === 1;
}
