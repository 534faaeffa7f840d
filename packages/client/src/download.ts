import { CancelledError } from "./errors";
import { storageErrorFrom } from "./storage-errors";
import { unreachable } from "./transfer";

/**
 * GETs a signed storage URL and returns its bytes. An expired or refused link becomes a
 * StorageError that says so; a CORS refusal or an unreachable endpoint a NetworkError.
 */
export async function readFromStorage(
  url: string,
  options: { signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<Blob> {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let response: Response;
  try {
    response = await doFetch(url, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError("The download was cancelled.");
    throw unreachable(url, error);
  }
  if (!response.ok) {
    throw storageErrorFrom(response.status, await response.text(), { method: "GET" });
  }
  return response.blob();
}
