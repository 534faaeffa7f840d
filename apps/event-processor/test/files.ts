// Real files made by code, so the sniffer sees what real tools write.
import jpeg from "jpeg-js";
import { PDFDocument, StandardFonts } from "pdf-lib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = concat([new TextEncoder().encode(type), data]);
  const out = new Uint8Array(12 + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.byteLength);
  out.set(body, 4);
  view.setUint32(8 + data.byteLength, crc32(body));
  return out;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An RGB PNG of `width`×`height` pixels, encoded by the PNG rules (zlib-compressed IDAT). */
export async function makePng(width = 4, height = 4): Promise<Uint8Array> {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  const rows = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1)
      rows.set([x * 40, y * 40, 200], y * (1 + width * 3) + 1 + x * 3);
  }
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", await deflate(rows)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/** A baseline JPEG encoded by jpeg-js. */
export function makeJpeg(width = 8, height = 8): Uint8Array {
  const data = new Uint8Array(width * height * 4).map((_, i) =>
    i % 4 === 3 ? 255 : (i * 7) % 256,
  );
  return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

/** A one-page PDF written by pdf-lib. */
export async function makePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([200, 100]);
  page.drawText("Trove", { x: 20, y: 50, font: await doc.embedFont(StandardFonts.Helvetica) });
  return doc.save();
}

/** The start of a 64-bit ELF executable header (what `file` calls "ELF 64-bit LSB"). */
export function makeElf(): Uint8Array {
  const bytes = new Uint8Array(128);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]); // magic, 64-bit, little-endian, version 1
  bytes.set([2, 0, 0x3e, 0], 16); // ET_EXEC, x86-64
  return bytes;
}

export const text = (value: string): Uint8Array => new TextEncoder().encode(value);
