import {
  DownloadLinkSchema,
  FileListSchema,
  GenerationSchema,
  UploadCreatedSchema,
  UploadStateSchema,
  type DownloadLink,
  type FileList,
  type Generation,
  type GenerationRequest,
  type UploadCreated,
  type UploadIntent,
  type UploadState,
} from "@trove/contracts";
import { callApi, callApiNoContent, type ApiTransport } from "./api";
import { discardAfterCancel } from "./cancel";
import { readFromStorage } from "./download";
import { CancelledError } from "./errors";
import { putToStorage, type UploadProgress } from "./transfer";
import { waitUntilSettled, type WaitOptions } from "./wait";

export interface TroveClientOptions {
  /** The API's origin, e.g. `http://127.0.0.1:8787`; "" means the page's own origin. */
  baseUrl: string;
  /** A bearer token, or a function that returns a current one (called for every request). */
  token?: string;
  getToken?: () => string | Promise<string>;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface UploadOptions {
  /** Bytes sent so far; in browsers straight from XMLHttpRequest's upload events. */
  onProgress?: (progress: UploadProgress) => void;
  /** Each new status seen while waiting for processing (`pending`, then the final one). */
  onStatus?: (state: UploadState) => void;
  /** Called once storage has been granted, before any byte is sent. */
  onCreated?: (created: UploadCreated) => void;
  /**
   * Aborts the request, the transfer or the wait; the promise rejects with CancelledError.
   * Once the upload exists, it is cancelled on the server first (see `discardAfterCancel`),
   * so bytes that reached storage anyway neither become a file nor count against the quota.
   */
  signal?: AbortSignal;
  /** Defaults to the File's name; required for a bare Blob. */
  filename?: string;
  /** Defaults to the Blob's type. */
  contentType?: string;
  /**
   * The body's SHA-256 as hex. Storage then refuses bytes with another digest (a StorageError
   * with failure `checksum_mismatch`); the signed checksum header comes back in upload.headers.
   */
  sha256?: string;
  /** Bounds and pacing of the wait for processing. */
  wait?: Omit<WaitOptions, "signal" | "onStatus">;
}

export interface ListFilesOptions {
  limit?: number;
  cursor?: string;
  signal?: AbortSignal;
}

export type TroveClient = ReturnType<typeof createTroveClient>;

/**
 * A typed client for Trove's API. Every answer is checked against `@trove/contracts`; every
 * failure is a TroveError subclass (TroveApiError, StorageError, NetworkError,
 * CancelledError, ProcessingTimeoutError, UnexpectedResponseError).
 *
 * @example
 * const trove = createTroveClient({ baseUrl: "", getToken: () => session.token });
 * const state = await trove.upload(file, { onProgress: ({ loaded, total }) => bar.value = loaded / total });
 * if (state.status === "rejected") show(state.reason);
 */
export function createTroveClient(options: TroveClientOptions) {
  // Called as a plain function: a browser's fetch throws "Illegal invocation" as a method.
  const given = options.fetch;
  const doFetch: typeof fetch = given
    ? (input, init) => given(input, init)
    : (input, init) => globalThis.fetch(input, init);
  const transport: ApiTransport = { baseUrl: options.baseUrl, getToken: tokenSource(options), fetch: doFetch };

  const getUpload = (id: string, signal?: AbortSignal) =>
    callApi(transport, { method: "GET", path: `/v1/uploads/${encodeURIComponent(id)}`, signal }, UploadStateSchema);

  /** Asks for permission to upload: records a pending upload and returns where to PUT it. */
  const createUpload = (intent: UploadIntent, signal?: AbortSignal) =>
    callApi(transport, { method: "POST", path: "/v1/uploads", body: intent, signal }, UploadCreatedSchema);

  /** Polls an upload until it is ready, rejected, expired, failed or deleted. */
  const waitForUpload = (id: string, wait: WaitOptions = {}) =>
    waitUntilSettled(id, (signal) => getUpload(id, signal), wait);

  /**
   * Uploads a file straight to storage and waits for it to be processed. Resolves with the
   * final state (check `status`: `ready`, or `rejected` with a `reason`); rejects with a typed
   * error when the API or storage refuses, the network fails or the signal aborts.
   */
  async function upload(file: Blob, upload: UploadOptions = {}): Promise<UploadState> {
    const filename = upload.filename ?? ("name" in file && typeof file.name === "string" ? file.name : "");
    if (!filename) throw new TypeError("upload(): pass `filename` when uploading a Blob.");
    const contentType = upload.contentType || file.type || "application/octet-stream";

    const intent: UploadIntent = { filename, contentType, size: file.size };
    if (upload.sha256 !== undefined) intent.sha256 = upload.sha256;
    // An abort while this request is under way may leave a pending upload whose id never
    // arrived; nothing can name it, so it expires with its URL and its reservation is released.
    const created = await createUpload(intent, upload.signal);
    try {
      upload.onCreated?.(created);

      // Sent exactly as given (x-amz-checksum-sha256 among them when asked for): all are signed.
      const signed = created.upload.headers;
      await putToStorage({
        url: created.upload.url,
        headers: { ...signed },
        body: file,
        onProgress: upload.onProgress,
        signal: upload.signal,
        signed: { contentType: signed["content-type"], size: Number(signed["content-length"]) },
        fetch: doFetch,
      });

      return await waitForUpload(created.id, { ...upload.wait, signal: upload.signal, onStatus: upload.onStatus });
    } catch (error) {
      if (error instanceof CancelledError) await discardAfterCancel(transport, created.id);
      throw error;
    }
  }

  return {
    upload,
    createUpload,
    getUpload,
    waitForUpload,

    /**
     * Cancels a pending upload: it becomes `cancelled`, its reservation is released and its
     * object, if any arrived or arrives later, is deleted. Resolves again for an upload that
     * is already cancelled; any other state is a TroveApiError 409 with code `not_pending`
     * (a ready file is removed with `deleteFile`).
     */
    cancelUpload: (id: string, signal?: AbortSignal): Promise<void> =>
      callApiNoContent(transport, { method: "DELETE", path: `/v1/uploads/${encodeURIComponent(id)}`, signal }),

    /** The caller's ready files, newest first; pass `nextCursor` back for the next page. */
    listFiles: (list: ListFilesOptions = {}): Promise<FileList> => {
      const query = new URLSearchParams();
      if (list.limit !== undefined) query.set("limit", String(list.limit));
      if (list.cursor !== undefined) query.set("cursor", list.cursor);
      const suffix = query.size > 0 ? `?${query}` : "";
      return callApi(transport, { method: "GET", path: `/v1/files${suffix}`, signal: list.signal }, FileListSchema);
    },

    /** A short-lived signed URL that downloads the file as an attachment. */
    download: (id: string, signal?: AbortSignal): Promise<DownloadLink> =>
      callApi(
        transport,
        { method: "GET", path: `/v1/files/${encodeURIComponent(id)}/download`, signal },
        DownloadLinkSchema,
      ),

    /** Fetches the bytes behind a signed URL; storage refusals become StorageErrors. */
    readDownload: (url: string, signal?: AbortSignal): Promise<Blob> =>
      readFromStorage(url, signal ? { signal, fetch: doFetch } : { fetch: doFetch }),

    /** Deletes the object and marks the file deleted. */
    deleteFile: (id: string, signal?: AbortSignal): Promise<void> =>
      callApiNoContent(transport, { method: "DELETE", path: `/v1/files/${encodeURIComponent(id)}`, signal }),

    /**
     * Generates text, an image or a JSON object, stored as a file. Sends an Idempotency-Key (given or new) so
     * a retried request cannot generate twice.
     */
    generate: (
      request: GenerationRequest,
      extra: { signal?: AbortSignal; idempotencyKey?: string } = {},
    ): Promise<Generation> =>
      callApi(
        transport,
        {
          method: "POST",
          path: "/v1/generations",
          body: request,
          headers: { "idempotency-key": extra.idempotencyKey ?? crypto.randomUUID() },
          signal: extra.signal,
        },
        GenerationSchema,
      ),

    getGeneration: (id: string, signal?: AbortSignal): Promise<Generation> =>
      callApi(transport, { method: "GET", path: `/v1/generations/${encodeURIComponent(id)}`, signal }, GenerationSchema),
  };
}

function tokenSource(options: TroveClientOptions): () => string | Promise<string> {
  if (options.getToken) return options.getToken;
  const token = options.token;
  if (token === undefined) throw new TypeError("createTroveClient(): pass `token` or `getToken`.");
  return () => token;
}
