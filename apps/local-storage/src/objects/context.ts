import type { Logger } from "@trove/http";
import type { Authenticated } from "../authenticate";
import type { StorageConfig } from "../config";
import type { ReceivedRequest } from "../sigv4/claim";

/** Everything an object operation needs about one authenticated request. */
export interface ObjectRequest {
  request: Request;
  received: ReceivedRequest;
  key: string;
  auth: Authenticated;
  config: StorageConfig;
  env: Env;
  now: Date;
  log: Logger;
}
