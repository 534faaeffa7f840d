import { fileTypeFromBuffer } from "file-type";
import type { ReasonCode } from "@trove/db";

/** How many leading bytes are read to tell a file's type; file-type needs no more. */
export const SNIFF_BYTES = 4100;

export type Verdict =
  | { accepted: true; detectedType: string }
  | { accepted: false; code: ReasonCode; detail: string; detectedType?: string };

/** Types that run code when opened, whatever they were declared as. */
const ACTIVE_TYPES = new Set([
  "text/html",
  "application/xhtml+xml",
  "image/svg+xml",
  "application/xml",
  "text/xml",
  "text/javascript",
  "application/javascript",
  "application/x-elf",
  "application/x-msdownload",
  "application/x-mach-binary",
  "application/x-executable",
  "application/x-sharedlib",
  "application/vnd.microsoft.portable-executable",
  "application/wasm",
  "application/java-vm",
  "application/x-sh",
]);

/** Names file-type reports for types declared under another common name. */
const ALIASES: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "image/apng": "image/png",
  "video/x-m4v": "video/mp4",
  "audio/webm": "video/webm",
};

/**
 * Decides from an object's first bytes whether it is what was declared. `complete` says the
 * bytes are the whole object (so a multi-byte character cut at the end is an error).
 */
export async function sniff(
  head: Uint8Array,
  declaredType: string,
  complete: boolean,
): Promise<Verdict> {
  const declared = canonicalType(declaredType);
  if (ACTIVE_TYPES.has(declared)) {
    return reject("active_content", `${declared} can run code when opened`, declared);
  }

  const active = activeContentAtStart(head);
  if (active) return reject("active_content", active.detail, active.type);

  const found = await fileTypeFromBuffer(head);
  if (found && ACTIVE_TYPES.has(found.mime)) {
    return reject("active_content", `the file is ${found.mime}`, found.mime);
  }
  // Bytes of no binary format are text to a browser, which renders them as HTML if a tag
  // turns up anywhere; a recognised format's own bytes may hold such a string harmlessly.
  if (!found && MARKUP_ANYWHERE.test(byteString(head))) {
    return reject("active_content", "the file contains HTML tags", "text/html");
  }

  if (declared.startsWith("text/")) {
    if (found)
      return reject(
        "type_mismatch",
        `declared ${declared}, the bytes are ${found.mime}`,
        found.mime,
      );
    const problem = textProblem(head, complete);
    if (problem) return reject("type_mismatch", `declared ${declared}, but ${problem}`);
    return { accepted: true, detectedType: declared };
  }

  if (!found)
    return reject("type_mismatch", `declared ${declared}, the bytes are of no known type`);
  if (canonicalType(found.mime) !== declared) {
    return reject("type_mismatch", `declared ${declared}, the bytes are ${found.mime}`, found.mime);
  }
  return { accepted: true, detectedType: found.mime };
}

function reject(code: ReasonCode, detail: string, detectedType?: string): Verdict {
  return detectedType === undefined
    ? { accepted: false, code, detail }
    : { accepted: false, code, detail, detectedType };
}

/** `Image/PNG; charset=x` → `image/png`, with aliases folded. */
export function canonicalType(type: string): string {
  const bare = (type.split(";", 1)[0] ?? "").trim().toLowerCase();
  return ALIASES[bare] ?? bare;
}

const ELF = [0x7f, 0x45, 0x4c, 0x46];
const MACH_O = [
  [0xfe, 0xed, 0xfa, 0xce],
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
  // Universal binaries; Java class files share this magic and are executable too.
  [0xca, 0xfe, 0xba, 0xbe],
];

// Tags that make a document HTML to a browser when it starts with one: WHATWG MIME sniffing's
// list, plus SVG, MathML and plugin embeds.
const LEADING_TAGS = "html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p";
const MARKUP_START = new RegExp(
  `^(?:<!doctype\\s+(?:html|svg)|<(?:${LEADING_TAGS}|svg|math|object|embed)[\\s>/]|<!--|<\\?xml[\\s?])`,
  "i",
);

// Tags that make text dangerous wherever they appear in the first bytes.
const MARKUP_ANYWHERE = /<(script|html|body|iframe|svg|object|embed|!doctype)[\s>/]/i;

/** One character per byte: markup is ASCII in every encoding a browser sniffs without a BOM. */
function byteString(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** Executables and markup documents, recognised by their first bytes whatever was declared. */
function activeContentAtStart(head: Uint8Array): { type: string; detail: string } | undefined {
  if (startsWith(head, ELF))
    return { type: "application/x-elf", detail: "the file is an ELF executable" };
  if (head[0] === 0x4d && head[1] === 0x5a) {
    return { type: "application/x-msdownload", detail: "the file is a Windows (MZ/PE) executable" };
  }
  if (MACH_O.some((magic) => startsWith(head, magic))) {
    return { type: "application/x-mach-binary", detail: "the file is a Mach-O executable" };
  }
  if (head[0] === 0x23 && head[1] === 0x21) {
    return { type: "application/x-sh", detail: "the file is a script (starts with #!)" };
  }

  const text = byteString(head).replace(/^\xef\xbb\xbf/, "");
  const start = text.trimStart().match(MARKUP_START);
  const kind = start ? markupKind(start[0]) : undefined;
  if (kind === "svg" || (kind === "xml" && /<svg[\s>]/i.test(text))) {
    const script = /<script[\s>/]|\son[a-z]+\s*=|javascript:/i.test(text);
    return {
      type: "image/svg+xml",
      detail: script
        ? "the file is an SVG image with script"
        : "the file is an SVG image, which can carry script",
    };
  }
  if (kind === "xml") return { type: "application/xml", detail: "the file is XML" };
  if (kind === "html") return { type: "text/html", detail: "the file is HTML" };
  return undefined;
}

function markupKind(start: string): "svg" | "xml" | "html" {
  const lower = start.toLowerCase();
  if (lower.startsWith("<svg") || lower.startsWith("<!doctype svg")) return "svg";
  if (lower.startsWith("<?xml")) return "xml";
  return "html";
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** Why the bytes are not plain UTF-8 text, or undefined when they are. */
function textProblem(head: Uint8Array, complete: boolean): string | undefined {
  if (head.includes(0)) return "the bytes contain NUL characters";
  try {
    // `stream: true` lets the last character be cut where the read stopped.
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(head, { stream: !complete });
  } catch {
    return "the bytes are not UTF-8 text";
  }
  return undefined;
}
