export { createTroveClient } from "./client";
export type { ListFilesOptions, TroveClient, TroveClientOptions, UploadOptions } from "./client";
export { readFromStorage } from "./download";
export {
  CancelledError,
  NetworkError,
  ProcessingTimeoutError,
  StorageError,
  TroveApiError,
  TroveError,
  UnexpectedResponseError,
} from "./errors";
export type { StorageFailure } from "./errors";
export { parseS3Error, storageErrorFrom } from "./storage-errors";
export type { StorageRequestContext } from "./storage-errors";
export { putToStorage } from "./transfer";
export type { StoragePut, StoragePutResult, UploadProgress } from "./transfer";
export { SETTLED_STATUSES, waitUntilSettled } from "./wait";
export type { WaitOptions } from "./wait";
