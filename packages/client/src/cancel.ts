import { UploadStateSchema } from "@trove/contracts";
import { callApi, callApiNoContent, type ApiTransport } from "./api";
import { TroveApiError } from "./errors";

/** How long cleaning up after a cancel may take before `upload()` rejects anyway. */
export const CANCEL_CLEANUP_MS = 5_000;

/**
 * Removes on the server an upload whose `upload()` was aborted, so that what the user
 * cancelled does not turn up later as a file. The abort stops only this side: bytes already
 * sent may be stored, and the PUT URL stays valid. The pending upload is cancelled (the API
 * then deletes its object, and the processor deletes one that arrives later). When processing
 * won the race and the upload is already `ready`, the file is deleted instead: `upload()`
 * never handed it to the caller, who asked for it to be gone.
 *
 * Best effort and bounded by CANCEL_CLEANUP_MS: every failure is swallowed, as the caller's
 * answer is CancelledError either way. What is left behind then (a pending upload) expires
 * with its URL and its reservation is released by the processor's sweep.
 */
export async function discardAfterCancel(transport: ApiTransport, id: string): Promise<void> {
  const signal = AbortSignal.timeout(CANCEL_CLEANUP_MS);
  const path = encodeURIComponent(id);
  try {
    await callApiNoContent(transport, { method: "DELETE", path: `/v1/uploads/${path}`, signal });
  } catch (error) {
    if (!(error instanceof TroveApiError) || error.code !== "not_pending") return;
    await deleteIfReady(transport, path, signal).catch(() => undefined);
  }
}

async function deleteIfReady(transport: ApiTransport, path: string, signal: AbortSignal) {
  const read = { method: "GET", path: `/v1/uploads/${path}`, signal } as const;
  const state = await callApi(transport, read, UploadStateSchema);
  if (state.status !== "ready") return;
  await callApiNoContent(transport, { method: "DELETE", path: `/v1/files/${path}`, signal });
}
