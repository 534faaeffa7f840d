/**
 * A minimal PNG encoder for the echo provider: 8-bit RGB, no interlace, the image data in
 * stored (uncompressed) deflate blocks. Stored blocks keep it tiny and byte-for-byte
 * deterministic, which a compressor's output is not promised to be across runtimes.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Encodes `rgb` (width × height × 3 bytes, rows top to bottom) with optional tEXt entries. */
export function encodePng(width: number, height: number, rgb: Uint8Array, text: Record<string, string> = {}): Uint8Array {
  const raw = new Uint8Array(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) {
    // Each row starts with its filter type; 0 is "none".
    raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }

  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, filter 0, no interlace

  const chunks = [chunk("IHDR", header)];
  for (const [keyword, value] of Object.entries(text)) {
    chunks.push(chunk("tEXt", latin1(`${keyword}\u0000${value}`)));
  }
  chunks.push(chunk("IDAT", zlibStored(raw)), chunk("IEND", new Uint8Array(0)));
  return concat([new Uint8Array(SIGNATURE), ...chunks]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.byteLength);
  out.set(latin1(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.byteLength, crc32(out.subarray(4, 8 + data.byteLength)));
  return out;
}

function zlibStored(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [new Uint8Array([0x78, 0x01])];
  for (let offset = 0; offset < data.byteLength || offset === 0; offset += 0xffff) {
    const block = data.subarray(offset, offset + 0xffff);
    const last = offset + 0xffff >= data.byteLength ? 1 : 0;
    const head = new Uint8Array(5);
    head[0] = last;
    new DataView(head.buffer).setUint16(1, block.byteLength, true);
    new DataView(head.buffer).setUint16(3, ~block.byteLength & 0xffff, true);
    parts.push(head, block);
    if (last) break;
  }
  const adler = new Uint8Array(4);
  new DataView(adler.buffer).setUint32(0, adler32(data));
  parts.push(adler);
  return concat(parts);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Keeps only Latin-1 printable characters, which is all a tEXt chunk may hold. */
function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => {
    const code = char.charCodeAt(0);
    return code === 0 || (code >= 0x20 && code <= 0xff) ? code : 0x3f;
  });
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
