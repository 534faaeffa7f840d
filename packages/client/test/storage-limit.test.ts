import { randomUUID } from "node:crypto";
import type { LocalStack } from "@trove/local-stack";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTroveClient, StorageError } from "../src/index";
import { makePng } from "./fixtures";
import { startStack } from "./stack";

// Storage's own size limit set far below the API's, so that storage (not the API's 413)
// refuses the body. The body stays small: storage answers as soon as it reads the declared
// length, and a body still being written then may meet a closed connection instead (EPIPE).
const STORAGE_MAX_BYTES = 1024;

let stack: LocalStack;

beforeAll(async () => {
  stack = await startStack([`MAX_OBJECT_BYTES=${STORAGE_MAX_BYTES}`]);
});

afterAll(async () => {
  await stack?.stop();
});

it("a body over storage's limit is EntityTooLarge, explained", async () => {
  const png = makePng();
  expect(png.byteLength).toBeGreaterThan(STORAGE_MAX_BYTES);
  const trove = createTroveClient({ baseUrl: stack.url, token: stack.token(`limit-${randomUUID().slice(0, 8)}`) });

  const error = await trove
    .upload(new File([png], "card.png", { type: "image/png" }))
    .catch((caught: unknown) => caught);

  expect(error).toBeInstanceOf(StorageError);
  expect(error).toMatchObject({ status: 400, storageCode: "EntityTooLarge", failure: "too_large" });
  expect((error as StorageError).message).toBe(
    `The file is too large for storage to accept (${png.byteLength.toLocaleString("en")} bytes). Choose a smaller file.`,
  );
});
