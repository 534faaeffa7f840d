import { handleStorageRequest } from "./handler";

/** Development only: R2's S3 API and event notifications for the local bucket. */
export default {
  fetch: (request, env) => handleStorageRequest(request, env, () => new Date()),
} satisfies ExportedHandler<Env>;
