import { env } from "cloudflare:workers";
import { reasonCode } from "@trove/db";
import { describe, expect, it } from "vitest";
import { makeElf, makeJpeg, makePdf, makePng, text } from "./files";
import { fileRow, givenUpload, upload, usageOf } from "./helpers";

/** Uploads `bytes` declared as `contentType` (and `size`, by default the real one). */
async function rejectedFor(contentType: string, bytes: Uint8Array, size = bytes.byteLength) {
  const file = await givenUpload({ contentType, size });
  const { result, ids } = await upload(file.key, bytes);
  expect(result.explicitAcks).toEqual(ids);
  expect(result.retryMessages).toEqual([]);
  return { file, row: await fileRow(file.id) };
}

async function expectRejected(file: { id: string; key: string; ownerId: string }, code: string) {
  const row = await fileRow(file.id);
  expect(row.status).toBe("rejected");
  expect(reasonCode(row.reason)).toBe(code);
  expect(row.reason).toMatch(new RegExp(`^${code}: .{10,}`));
  // The object is gone and the reservation released; nothing counts as used.
  expect(await env.BUCKET.head(file.key)).toBeNull();
  expect(await usageOf(file.ownerId)).toEqual({ usedBytes: 0, reservedBytes: 0 });
  return row;
}

describe("an object that does not match its upload", () => {
  it("is rejected when its stored size differs from the declared size", async () => {
    const bytes = await makePng();
    const { file, row } = await rejectedFor("image/png", bytes, bytes.byteLength + 10);
    await expectRejected(file, "size_mismatch");
    expect(row.reason).toContain(`${bytes.byteLength} bytes arrived`);
  });

  it("is rejected when its bytes are another type than declared (JPEG declared as PNG)", async () => {
    const { file, row } = await rejectedFor("image/png", makeJpeg());
    await expectRejected(file, "type_mismatch");
    expect(row.detectedType).toBe("image/jpeg");
  });

  it("is rejected when a PDF is declared as text/plain", async () => {
    const { file } = await rejectedFor("text/plain", await makePdf());
    await expectRejected(file, "type_mismatch");
  });

  it("is rejected when text/plain holds NUL bytes or is not UTF-8", async () => {
    const withNul = await rejectedFor("text/plain", text("hello\u0000world"));
    await expectRejected(withNul.file, "type_mismatch");
    const latin1 = await rejectedFor("text/plain", new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    await expectRejected(latin1.file, "type_mismatch");
  });

  it("is rejected when the bytes are of no known type", async () => {
    const { file } = await rejectedFor("video/mp4", new Uint8Array(256).fill(7));
    await expectRejected(file, "type_mismatch");
  });
});

describe("active content", () => {
  it("rejects HTML declared as image/png", async () => {
    const html = text(
      "<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>",
    );
    const { file, row } = await rejectedFor("image/png", html);
    await expectRejected(file, "active_content");
    expect(row.detectedType).toBe("text/html");
  });

  it("rejects HTML declared as text/plain, even after leading whitespace and a BOM", async () => {
    const html = new Uint8Array([0xef, 0xbb, 0xbf, ...text("  \n<html><p>hi</p></html>")]);
    const { file } = await rejectedFor("text/plain", html);
    await expectRejected(file, "active_content");
  });

  it("rejects text/plain with a script tag further in", async () => {
    const { file } = await rejectedFor(
      "text/plain",
      text("notes\nline two\n<script src=//x></script>\n"),
    );
    await expectRejected(file, "active_content");
  });

  it("rejects an SVG with script, saying so", async () => {
    const svg = text(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const { file, row } = await rejectedFor("image/png", svg);
    await expectRejected(file, "active_content");
    expect(row.detectedType).toBe("image/svg+xml");
    expect(row.reason).toContain("with script");
  });

  it("rejects any SVG, script or not", async () => {
    const { file, row } = await rejectedFor(
      "image/webp",
      text('<svg xmlns="http://www.w3.org/2000/svg"/>'),
    );
    await expectRejected(file, "active_content");
    expect(row.detectedType).toBe("image/svg+xml");
  });

  it("rejects XML", async () => {
    const { file } = await rejectedFor("text/plain", text('<?xml version="1.0"?><note>hi</note>'));
    await expectRejected(file, "active_content");
  });

  it("rejects an ELF executable declared as application/pdf", async () => {
    const { file, row } = await rejectedFor("application/pdf", makeElf());
    await expectRejected(file, "active_content");
    expect(row.detectedType).toBe("application/x-elf");
  });

  it.each([
    [
      "a Windows executable",
      new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]),
    ],
    ["a Mach-O executable", new Uint8Array([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1, 3, 0, 0, 0])],
    ["a shell script", text("#!/bin/sh\nrm -rf ~\n")],
  ])("rejects %s declared as text/plain", async (_name, bytes) => {
    const { file } = await rejectedFor("text/plain", bytes);
    await expectRejected(file, "active_content");
  });

  it("rejects a declared active type even when the bytes are harmless", async () => {
    const { file } = await rejectedFor("text/html", text("just words"));
    await expectRejected(file, "active_content");
  });
});
