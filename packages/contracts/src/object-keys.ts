/**
 * Where Trove keeps objects in the bucket. Keys are made by the server, never from a filename:
 * uploads at `u/<user-id>/<upload-id>`, model output at `g/<user-id>/<generation-id>`. The
 * upload API, the generator, the event processor and provisioning all read this one layout.
 */
export const UPLOAD_PREFIX = "u/";
export const GENERATION_PREFIX = "g/";

export function uploadKey(userId: string, uploadId: string): string {
  return `${UPLOAD_PREFIX}${userId}/${uploadId}`;
}

export function generationKey(userId: string, generationId: string): string {
  return `${GENERATION_PREFIX}${userId}/${generationId}`;
}

const UPLOAD_KEY = /^u\/[^/]+\/[^/]+$/;

/** Whether a key has the shape the upload API gives objects. */
export function isUploadKey(key: string): boolean {
  return UPLOAD_KEY.test(key);
}
