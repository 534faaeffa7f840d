import { randomUUID } from "node:crypto";
import type { LocalStack } from "@trove/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CancelledError,
  createTroveClient,
  NetworkError,
  ProcessingTimeoutError,
  putToStorage,
  readFromStorage,
  StorageError,
  TroveApiError,
  UnexpectedResponseError,
  type TroveClient,
  type UploadProgress,
} from "../src/index";
import { HTML_PAGE, makePng, makeText, sleep } from "./fixtures";
import { startOddServer } from "./odd-server";
import { startStack } from "./stack";

// Short link lifetimes let a link really expire within a test.
const URL_TTL_SECONDS = 4;
const ODD_PORT = 8799;

let stack: LocalStack;
let trove: TroveClient;
let png: Uint8Array<ArrayBuffer>;

beforeAll(async () => {
  stack = await startStack([`UPLOAD_URL_TTL_SECONDS=${URL_TTL_SECONDS}`, `DOWNLOAD_URL_TTL_SECONDS=${URL_TTL_SECONDS}`]);
  trove = createTroveClient({ baseUrl: stack.url, token: stack.token(`client-${randomUUID().slice(0, 8)}`) });
  png = makePng();
});

afterAll(async () => {
  await stack?.stop();
});

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return Buffer.from(await crypto.subtle.digest("SHA-256", bytes)).toString("hex");
}

const file = (bytes: Uint8Array<ArrayBuffer>, name: string, type: string) => new File([bytes], name, { type });

describe("upload, list, download, delete", () => {
  it("uploads a real PNG, reports progress, waits until ready and round-trips the bytes", async () => {
    const progress: UploadProgress[] = [];
    const statuses: string[] = [];
    const state = await trove.upload(file(png, "card.png", "image/png"), {
      onProgress: (event) => progress.push(event),
      onStatus: (event) => statuses.push(event.status),
    });

    expect(state.status).toBe("ready");
    expect(state.filename).toBe("card.png");
    expect(state.detectedType).toBe("image/png");
    expect(progress.at(-1)).toEqual({ loaded: png.byteLength, total: png.byteLength });
    expect(statuses.at(-1)).toBe("ready");

    const { items } = await trove.listFiles();
    expect(items.map((item) => item.id)).toContain(state.id);

    const link = await trove.download(state.id);
    expect(new URL(link.url).origin).toBe(stack.storage);
    const bytes = new Uint8Array(await (await trove.readDownload(link.url)).arrayBuffer());
    expect(bytes).toEqual(png);

    await trove.deleteFile(state.id);
    const after = await trove.listFiles();
    expect(after.items.map((item) => item.id)).not.toContain(state.id);

    // The link made before the delete now points at nothing.
    const gone = await trove.readDownload(link.url).catch((error: unknown) => error);
    expect(gone).toBeInstanceOf(StorageError);
    expect(gone).toMatchObject({ failure: "not_found", storageCode: "NoSuchKey" });
  });

  it("reports progress in many steps, as bytes are sent, up to the whole body", async () => {
    const text = makeText(1024 * 1024 + 123);
    const progress: UploadProgress[] = [];
    const state = await trove.upload(new Blob([text], { type: "text/plain" }), {
      filename: "notes.txt",
      onProgress: (event) => progress.push(event),
    });

    expect(state.status).toBe("ready");
    expect(progress.length).toBeGreaterThan(10);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.loaded).toBeGreaterThan(progress[i - 1]!.loaded);
    }
    expect(progress.every((event) => event.total === text.byteLength)).toBe(true);
    expect(progress.at(-1)!.loaded).toBe(text.byteLength);
  });

  it("asks for a checksummed upload when given sha256 and sends the signed checksum header as given", async () => {
    const sent: Headers[] = [];
    const recording = createTroveClient({
      baseUrl: stack.url,
      token: stack.token(`client-${randomUUID().slice(0, 8)}`),
      fetch: (input, init) => {
        if (init?.method === "PUT") sent.push(new Headers(init.headers));
        return fetch(input, init);
      },
    });
    let signed: Record<string, string> = {};
    const state = await recording.upload(file(png, "sum.png", "image/png"), {
      sha256: await sha256Hex(png),
      onCreated: (created) => (signed = created.upload.headers),
    });

    expect(state.status).toBe("ready");
    expect(signed["x-amz-checksum-sha256"]).toBe(Buffer.from(await sha256Hex(png), "hex").toString("base64"));
    for (const [name, value] of Object.entries(signed)) expect(sent[0]?.get(name)).toBe(value);
  });

  it("explains storage's BadDigest when the bytes differ from the sha256 the upload was approved for", async () => {
    const error = await trove
      .upload(file(png, "changed.png", "image/png"), { sha256: await sha256Hex(new Uint8Array([1, 2, 3])) })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ failure: "checksum_mismatch", storageCode: "BadDigest" });
    expect((error as StorageError).message).toMatch(/SHA-256/);
  });

  it("ends rejected, with the processor's reason, for HTML declared as a PNG", async () => {
    const state = await trove.upload(file(HTML_PAGE, "photo.png", "image/png"));
    expect(state.status).toBe("rejected");
    expect(state.reason).toMatch(/\S/);
  });

  it("generates text and an image, each with a signed link to its stored output", async () => {
    const text = await trove.generate({ kind: "text", prompt: "A one-line product summary" });
    expect(text).toMatchObject({ status: "ready", kind: "text" });
    const body = await (await trove.readDownload(text.download!.url)).text();
    expect(body.length).toBeGreaterThan(0);

    const image = await trove.generate({ kind: "image", prompt: "A thumbnail of a teapot" });
    expect(image.contentType).toMatch(/^image\//);
    const bytes = await trove.readDownload(image.download!.url);
    expect(bytes.size).toBe(image.size);
  });

  it("generates a JSON object, downloaded as application/json", async () => {
    const generation = await trove.generate({ kind: "json", prompt: "Three moons of Jupiter" });
    expect(generation).toMatchObject({ status: "ready", kind: "json", contentType: "application/json" });

    const blob = await trove.readDownload(generation.download!.url);
    expect(blob.type).toBe("application/json");
    expect(JSON.parse(await blob.text())).toMatchObject({ echo: true, prompt: "Three moons of Jupiter" });
  });
});

describe("cancel", () => {
  it("aborts the PUT mid-transfer with a CancelledError and cancels the upload", async () => {
    const controller = new AbortController();
    let uploadId = "";
    const text = makeText(2 * 1024 * 1024);
    const outcome = await trove
      .upload(new Blob([text], { type: "text/plain" }), {
        filename: "big.txt",
        signal: controller.signal,
        onCreated: (created) => (uploadId = created.id),
        onProgress: ({ loaded }) => {
          if (loaded > 256 * 1024) controller.abort();
        },
      })
      .catch((error: unknown) => error);

    expect(outcome).toBeInstanceOf(CancelledError);
    // upload() cancelled it on the server before rejecting; waiting ends at once.
    expect((await trove.getUpload(uploadId)).status).toBe("cancelled");
    expect((await trove.waitForUpload(uploadId, { timeoutMs: 2_000 })).status).toBe("cancelled");
  });

  it("rejects at once, sending nothing, when the signal is already aborted", async () => {
    const before = (await trove.listFiles({ limit: 100 })).items.length;
    const outcome = await trove
      .upload(file(png, "never.png", "image/png"), { signal: AbortSignal.abort() })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(CancelledError);
    expect((await trove.listFiles({ limit: 100 })).items.length).toBe(before);
  });

  it("gives up waiting with a ProcessingTimeoutError while no object arrives", async () => {
    const created = await trove.createUpload({ filename: "never-sent.png", contentType: "image/png", size: 10 });
    const waited = await trove.waitForUpload(created.id, { timeoutMs: 1_000 }).catch((error: unknown) => error);
    expect(waited).toBeInstanceOf(ProcessingTimeoutError);
    expect((await trove.getUpload(created.id)).status).toBe("pending");
  });

  it("stops waiting for processing when aborted during the wait", async () => {
    const created = await trove.createUpload({ filename: "later.png", contentType: "image/png", size: 10 });
    const controller = new AbortController();
    const outcome = await trove
      .waitForUpload(created.id, { signal: controller.signal, onStatus: () => controller.abort() })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(CancelledError);
  });
});

describe("API errors carry the problem document", () => {
  it.each([
    ["a type the policy does not allow", { filename: "page.html", contentType: "text/html", size: 10 }, 415],
    ["a size over the limit", { filename: "big.png", contentType: "image/png", size: 11 * 1024 * 1024 }, 413],
    ["a filename that is a path", { filename: "../etc/passwd", contentType: "image/png", size: 10 }, 400],
  ])("%s", async (_, intent, status) => {
    const error = await trove.createUpload(intent).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TroveApiError);
    const problem = (error as TroveApiError).problem;
    expect(problem.status).toBe(status);
    expect(problem).toMatchObject({ type: expect.any(String), title: expect.any(String), code: expect.any(String) });
    expect((error as TroveApiError).message).toBe(problem.detail);
    if (status === 400) expect(problem.errors?.[0]?.path).toBe("filename");
  });

  it("a bad token is a 401 problem", async () => {
    const stranger = createTroveClient({ baseUrl: stack.url, token: "not.a.token" });
    const error = await stranger.listFiles().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 401, code: "unauthorized" });
  });

  it("another user's upload or an unknown one is a 404 problem", async () => {
    const error = await trove.getUpload(randomUUID()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TroveApiError);
    expect((error as TroveApiError).status).toBe(404);
  });
});

describe("storage refusals are translated", () => {
  async function intent(size: number, contentType = "image/png") {
    return trove.createUpload({ filename: "card.png", contentType, size });
  }
  const signedOf = (headers: Record<string, string>) => ({
    contentType: headers["content-type"],
    size: Number(headers["content-length"]),
  });

  it("a changed signature: SignatureDoesNotMatch", async () => {
    const created = await intent(png.byteLength);
    const url = new URL(created.upload.url);
    const signature = url.searchParams.get("X-Amz-Signature")!;
    url.searchParams.set("X-Amz-Signature", (signature[0] === "a" ? "b" : "a") + signature.slice(1));

    const error = await putToStorage({ url: url.href, headers: created.upload.headers, body: new Blob([png]), signed: signedOf(created.upload.headers) }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ status: 403, storageCode: "SignatureDoesNotMatch", failure: "signature_mismatch" });
    expect((error as StorageError).message).toMatch(/no longer matches what the server signed/);
  });

  it("a different content type than was signed: a type mismatch", async () => {
    const created = await intent(png.byteLength);
    const headers = { ...created.upload.headers, "content-type": "image/jpeg" };
    const error = await putToStorage({ url: created.upload.url, headers, body: new Blob([png]), signed: signedOf(created.upload.headers) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ storageCode: "SignatureDoesNotMatch", failure: "type_mismatch" });
    expect((error as StorageError).message).toContain("sent as image/jpeg but the upload was approved for image/png");
  });

  it("a different length than was signed: a length mismatch", async () => {
    const created = await intent(png.byteLength);
    const longer = new Blob([png, new Uint8Array(100)]);
    const headers = { ...created.upload.headers, "content-length": String(longer.size) };
    const error = await putToStorage({ url: created.upload.url, headers, body: longer, signed: signedOf(created.upload.headers) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ failure: "length_mismatch" });
    expect((error as StorageError).message).toContain(`${longer.size.toLocaleString("en")} bytes arrived`);
  });

  it("an unknown access key: AccessDenied-style refusal explained", async () => {
    const created = await intent(png.byteLength);
    const url = new URL(created.upload.url);
    url.searchParams.set("X-Amz-Credential", url.searchParams.get("X-Amz-Credential")!.replace(/^[^/]+/, "NOSUCHKEY"));
    const error = await putToStorage({ url: url.href, headers: created.upload.headers, body: new Blob([png]) }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 403, storageCode: "InvalidAccessKeyId", failure: "access_denied" });
    expect((error as StorageError).message).toMatch(/^Storage refused access: .*Ask for a new link/);
  });

  it("links that have expired, for an upload and for a download", async () => {
    const created = await intent(png.byteLength);
    const ready = await trove.upload(file(png, "soon-stale.png", "image/png"));
    const link = await trove.download(ready.id);

    await sleep((URL_TTL_SECONDS + 1.5) * 1000);

    const put = await putToStorage({ url: created.upload.url, headers: created.upload.headers, body: new Blob([png]) }).catch((caught: unknown) => caught);
    expect(put).toMatchObject({ status: 403, storageCode: "AccessDenied", storageMessage: "Request has expired", failure: "expired" });
    expect((put as StorageError).message).toMatch(/upload link expired before the file was sent/);

    const get = await readFromStorage(link.url).catch((caught: unknown) => caught);
    expect(get).toMatchObject({ failure: "expired" });
    expect((get as StorageError).message).toMatch(/download link has expired/);
  });
});

describe("network failures and answers outside the contract", () => {
  it("an unreachable API or storage is a NetworkError that names the likely causes", async () => {
    const odd = await startOddServer(ODD_PORT);
    await odd.close(); // nothing listens on the port now: the connection is refused

    const offline = createTroveClient({ baseUrl: odd.url, token: "t" });
    const api = await offline.listFiles().catch((caught: unknown) => caught);
    expect(api).toBeInstanceOf(NetworkError);
    expect((api as NetworkError).message).toMatch(/Could not reach the Trove API/);

    const storage = await putToStorage({ url: `${odd.url}/trove-uploads/x`, headers: { "content-type": "image/png" }, body: new Blob([png]) }).catch((caught: unknown) => caught);
    expect(storage).toBeInstanceOf(NetworkError);
    expect((storage as NetworkError).message).toMatch(/CORS policy/);
  });

  it("a 2xx body that breaks the contract, or an error without a problem document", async () => {
    // The local server stands in for what the real stack never answers.
    const odd = await startOddServer(ODD_PORT);
    try {
      const client = createTroveClient({ baseUrl: odd.url, token: "t" });
      const shape = await client.getUpload("x").catch((caught: unknown) => caught);
      expect(shape).toBeInstanceOf(UnexpectedResponseError);
      expect((shape as UnexpectedResponseError).issues.join("\n")).toMatch(/^id: /m);

      const bare = await client.listFiles().catch((caught: unknown) => caught);
      expect(bare).toBeInstanceOf(TroveApiError);
      expect(bare).toMatchObject({ status: 502, code: "unexpected_response" });
    } finally {
      await odd.close();
    }
  });
});

describe("the web Worker's /v1 forwarding", () => {
  it("passes method, Authorization, body and the request id through to the API", async () => {
    const requestId = `client-test-${randomUUID()}`;
    const response = await fetch(`${stack.url}/v1/uploads`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${stack.token("forwarding")}`,
        "content-type": "application/json",
        "x-request-id": requestId,
      },
      body: JSON.stringify({ filename: "échantillon.png", contentType: "image/png", size: 123 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-request-id")).toBe(requestId);
    const created = (await response.json()) as { id: string };

    const state = await createTroveClient({ baseUrl: stack.url, token: stack.token("forwarding") }).getUpload(created.id);
    expect(state).toMatchObject({ filename: "échantillon.png", size: 123, status: "pending" });
  });

  it("gives every forwarded request an id when the caller sent none", async () => {
    const response = await fetch(`${stack.url}/v1/files`, { headers: { authorization: "Bearer nope" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._:-]{8,}$/);
  });
});
