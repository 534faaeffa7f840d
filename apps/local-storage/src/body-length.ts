/** How a body's length compared with the length the request declared. */
export type LengthFault = "short" | "long";

export interface ExactLengthBody {
  /** A known-length stream R2 accepts; it errors unless exactly `expected` bytes pass. */
  readable: ReadableStream<Uint8Array>;
  /** Set once the body turned out shorter or longer than declared. */
  fault(): LengthFault | undefined;
}

/**
 * Streams a request body into R2 only at exactly the declared length. Bytes are counted as
 * they pass, never buffered: one byte too many errors the stream at once, too few errors it
 * at the end, and an errored stream makes R2's put fail, so nothing is stored.
 */
export function exactLength(body: ReadableStream<Uint8Array> | null, expected: number): ExactLengthBody {
  let received = 0;
  let fault: LengthFault | undefined;

  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      received += chunk.byteLength;
      if (received > expected) {
        fault = "long";
        controller.error(new RangeError(`body is longer than ${expected} bytes`));
        return;
      }
      controller.enqueue(chunk);
    },
    flush(controller) {
      if (received < expected) {
        fault = "short";
        controller.error(new RangeError(`body ended after ${received} of ${expected} bytes`));
      }
    },
  });
  const fixed = new FixedLengthStream(expected);

  const source = body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  // The pipe's failure reaches the caller through R2's put (and `fault`); nothing to do here.
  source.pipeThrough(counter).pipeTo(fixed.writable).catch(() => undefined);

  return { readable: fixed.readable, fault: () => fault };
}
