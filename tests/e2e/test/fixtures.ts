import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ffmpeg from "@ffmpeg-installer/ffmpeg";
import { PDFDocument, StandardFonts } from "pdf-lib";

export interface Fixture {
  name: string;
  contentType: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * Real files made by real tools at test time: ffmpeg (from its npm package) draws a test card
 * as PNG and JPEG and encodes a one-second H.264 MP4; pdf-lib writes a one-page PDF.
 */
export async function makeFixtures(): Promise<Record<"png" | "jpeg" | "mp4" | "pdf", Fixture>> {
  const dir = mkdtempSync(path.join(tmpdir(), "trove-fixtures-"));
  const card = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10"];

  const encode = (file: string, extra: string[]) => {
    const out = path.join(dir, file);
    execFileSync(ffmpeg.path, ["-v", "error", ...card, ...extra, "-y", out]);
    return new Uint8Array(readFileSync(out));
  };

  return {
    png: { name: "card.png", contentType: "image/png", bytes: encode("card.png", ["-frames:v", "1"]) },
    jpeg: { name: "card.jpg", contentType: "image/jpeg", bytes: encode("card.jpg", ["-frames:v", "1"]) },
    mp4: {
      name: "clip.mp4",
      contentType: "video/mp4",
      bytes: encode("clip.mp4", ["-t", "1", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]),
    },
    pdf: { name: "report.pdf", contentType: "application/pdf", bytes: await makePdf() },
  };
}

async function makePdf(): Promise<Uint8Array<ArrayBuffer>> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 200]);
  page.drawText("Trove end-to-end test", { x: 20, y: 150, font: await doc.embedFont(StandardFonts.Helvetica) });
  return new Uint8Array(await doc.save());
}

/** Active content that must never become a ready file, whatever it is declared as. */
export const HTML_PAGE = new TextEncoder().encode(
  "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n",
);

export const SVG_WITH_SCRIPT = new TextEncoder().encode(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>\n',
);
