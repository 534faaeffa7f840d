import { startLocalStack, type LocalStack } from "@trove/local-stack";

/**
 * The real local stack on :8787/:8790, the origins the bucket's CORS policy allows, with
 * development sign-in on (it is off unless local config says otherwise).
 */
export function startStack(): Promise<LocalStack> {
  return startLocalStack({ port: 8787, storagePort: 8790, vars: ["DEV_TOKENS=on"] });
}
