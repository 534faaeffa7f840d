import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ffmpeg from "@ffmpeg-installer/ffmpeg";

/** A real PNG test card drawn by ffmpeg (from its npm package). */
export function makePng(): Uint8Array<ArrayBuffer> {
  const dir = mkdtempSync(path.join(tmpdir(), "trove-client-"));
  const out = path.join(dir, "card.png");
  try {
    execFileSync(ffmpeg.path, ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=1", "-frames:v", "1", "-y", out]);
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Plain text of about `bytes` bytes: big enough that progress comes in many steps. */
export function makeText(bytes: number): Uint8Array<ArrayBuffer> {
  const line = "Trove client test: progress is reported as bytes are sent.\n";
  return new TextEncoder().encode(line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes)) as Uint8Array<ArrayBuffer>;
}

/** An HTML page: active content, whatever it is declared as. */
export const HTML_PAGE = new TextEncoder().encode(
  "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n",
) as Uint8Array<ArrayBuffer>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
