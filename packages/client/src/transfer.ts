import { CancelledError, NetworkError } from "./errors";
import { storageErrorFrom, type StorageRequestContext } from "./storage-errors";

/** Bytes sent so far out of the body's total. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

export interface StoragePut {
  url: string;
  /** Sent exactly as given: the URL's signature covers them. */
  headers: Record<string, string>;
  body: Blob;
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** What the upload was approved for, to explain a refusal. */
  signed?: StorageRequestContext["signed"];
  /** The fetch used where XMLHttpRequest does not exist (Node); defaults to the global one. */
  fetch?: typeof fetch | undefined;
  /** Use fetch even where XMLHttpRequest exists (progress then counts bytes handed over). */
  useFetch?: boolean | undefined;
}

export interface StoragePutResult {
  status: number;
  etag: string | undefined;
}

/** Headers a browser sets itself and refuses from scripts; it derives them from the body. */
const BROWSER_OWNED = new Set(["content-length", "host", "connection"]);

/** Progress arrives in slices this size when the body is streamed with fetch. */
const SLICE_BYTES = 64 * 1024;

/**
 * Sends a body to a presigned storage URL with exactly the signed headers. In a browser it
 * uses XMLHttpRequest, the only API that reports bytes sent; elsewhere (Node) fetch with a
 * streamed body. A refusal becomes a StorageError, an abort a CancelledError, and no answer
 * at all (CORS, connection refused) a NetworkError.
 */
export function putToStorage(put: StoragePut): Promise<StoragePutResult> {
  if (put.signal?.aborted) return Promise.reject(cancelled());
  if (typeof XMLHttpRequest === "function" && !put.useFetch) return putWithXhr(put);
  return putWithFetch(put);
}

function putWithXhr(put: StoragePut): Promise<StoragePutResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const settle = () => put.signal?.removeEventListener("abort", onAbort);

    xhr.open("PUT", put.url);
    for (const [name, value] of Object.entries(put.headers)) {
      if (!BROWSER_OWNED.has(name.toLowerCase())) xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => {
      put.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : put.body.size });
    };
    xhr.onload = () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ status: xhr.status, etag: xhr.getResponseHeader("etag") ?? undefined });
      } else {
        reject(storageErrorFrom(xhr.status, xhr.responseText, contextOf(put)));
      }
    };
    xhr.onerror = () => {
      settle();
      reject(unreachable(put.url));
    };
    xhr.onabort = () => {
      settle();
      reject(cancelled());
    };
    put.signal?.addEventListener("abort", onAbort, { once: true });
    xhr.send(put.body);
  });
}

async function putWithFetch(put: StoragePut): Promise<StoragePutResult> {
  const doFetch = put.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const total = put.body.size;
  let loaded = 0;
  let offset = 0;
  // Slices are read only as the connection takes them, so the count follows the bytes sent.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (offset >= total) {
        controller.close();
        return;
      }
      const chunk = new Uint8Array(await put.body.slice(offset, offset + SLICE_BYTES).arrayBuffer());
      offset += chunk.byteLength;
      controller.enqueue(chunk);
      loaded += chunk.byteLength;
      put.onProgress?.({ loaded, total });
    },
  });

  let response: Response;
  try {
    // A browser sets content-length from the body; a streamed fetch body needs it said.
    const headers = new Headers(put.headers);
    if (!headers.has("content-length")) headers.set("content-length", String(total));
    const init: RequestInit & { duplex: "half" } = {
      method: "PUT",
      headers,
      body: total === 0 ? null : body,
      duplex: "half",
    };
    if (put.signal) init.signal = put.signal;
    response = await doFetch(put.url, init);
  } catch (error) {
    if (put.signal?.aborted) throw cancelled();
    throw unreachable(put.url, error);
  }

  if (!response.ok) {
    throw storageErrorFrom(response.status, await response.text(), contextOf(put));
  }
  // The bytes are stored; a body that errored since (an abort just now) changes nothing here.
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status, etag: response.headers.get("etag") ?? undefined };
}

function contextOf(put: StoragePut): StorageRequestContext {
  const header = (name: string) =>
    Object.entries(put.headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return {
    method: "PUT",
    signed: put.signed,
    sent: { contentType: header("content-type") ?? (put.body.type || undefined), size: put.body.size },
  };
}

function cancelled(): CancelledError {
  return new CancelledError("The upload was cancelled.");
}

/** What a browser's status 0 / TypeError means for a storage request. */
export function unreachable(url: string, cause?: unknown): NetworkError {
  const origin = safeOrigin(url);
  return new NetworkError(
    `Could not reach storage at ${origin}. Either it is down or unreachable, or the browser ` +
      "blocked the request because storage's CORS policy does not allow this page's origin " +
      "(browsers do not say which; the developer console shows the CORS message).",
    origin,
    cause,
  );
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(an invalid URL)";
  }
}
