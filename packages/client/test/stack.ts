import { startLocalStack, type LocalStack } from "@trove/local-stack";

/** The real local stack on the ports reserved for the client and browser tests. */
export function startStack(vars: string[] = []): Promise<LocalStack> {
  return startLocalStack({ port: 8787, storagePort: 8790, vars });
}
