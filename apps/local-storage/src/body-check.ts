/** Why a body was refused: its length against the declared one, or a digest the client sent. */
export type BodyFault = "short" | "long" | "sha256" | "checksum-sha256" | "md5";

/** What a PUT body must be: exactly `length` bytes, with these digests when the client gave them. */
export interface ExpectedBody {
  length: number;
  /** Hex SHA-256 the client signed as x-amz-content-sha256. */
  sha256?: string;
  /** Raw SHA-256 bytes from x-amz-checksum-sha256 (S3's additional checksum). */
  checksumSha256?: Uint8Array;
  /** Raw Content-MD5 bytes. */
  md5?: Uint8Array;
}

export interface CheckedBody {
  /** A known-length stream for R2 that errors unless the body is exactly as expected. */
  readable: ReadableStream<Uint8Array>;
  /**
   * Why the body was refused, once the pipe into `readable` has settled; undefined when the
   * body was as declared (a failed put is then not the body's fault).
   */
  fault(): Promise<BodyFault | undefined>;
}

/**
 * Streams a request body into R2 only if it is what the request declared. Bytes are counted
 * and digested as they pass, never buffered whole. The last chunk is held back until the
 * length and digests have been checked at the end: R2 cannot complete a put without it, so a
 * body that fails a check errors the stream, R2's put fails and nothing is stored.
 */
export function checkedBody(body: ReadableStream<Uint8Array> | null, expected: ExpectedBody): CheckedBody {
  let received = 0;
  let held: Uint8Array | undefined;
  let fault: BodyFault | undefined;
  const digests = digestsFor(expected);

  const refuse = (controller: TransformStreamDefaultController<Uint8Array>, reason: BodyFault) => {
    fault = reason;
    controller.error(new Error(`request body refused: ${reason}`));
  };

  const checker = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      received += chunk.byteLength;
      if (received > expected.length) return refuse(controller, "long");

      for (const digest of digests) await digest.writer.write(chunk);
      if (held) controller.enqueue(held);
      held = chunk;
    },
    async flush(controller) {
      if (received < expected.length) return refuse(controller, "short");

      for (const digest of digests) {
        await digest.writer.close();
        if (!sameBytes(new Uint8Array(await digest.stream.digest), digest.expected)) {
          return refuse(controller, digest.fault);
        }
      }
      if (held) controller.enqueue(held);
    },
  });
  const fixed = new FixedLengthStream(expected.length);

  const source = body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  const settled = source
    .pipeThrough(checker)
    .pipeTo(fixed.writable)
    .catch(() => {
      // The body stream itself broke off (the client disconnected mid-upload): it ended
      // before the declared length, which is the client's fault, as S3 says IncompleteBody.
      fault ??= "short";
    });

  return { readable: fixed.readable, fault: () => settled.then(() => fault) };
}

function digestsFor(expected: ExpectedBody) {
  const wanted: { algorithm: string; fault: BodyFault; expected: Uint8Array }[] = [];
  if (expected.sha256 !== undefined) wanted.push({ algorithm: "SHA-256", fault: "sha256", expected: fromHex(expected.sha256) });
  if (expected.checksumSha256 !== undefined) {
    wanted.push({ algorithm: "SHA-256", fault: "checksum-sha256", expected: expected.checksumSha256 });
  }
  if (expected.md5 !== undefined) wanted.push({ algorithm: "MD5", fault: "md5", expected: expected.md5 });

  return wanted.map((digest) => {
    const stream = new crypto.DigestStream(digest.algorithm);
    return { ...digest, stream, writer: stream.getWriter() };
  });
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}
