import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, startLocalStack, type LocalStack } from "@trove/local-stack";

/** The real local stack on the ports reserved for the client and browser tests. */
export function startStack(vars: string[] = []): Promise<LocalStack> {
  return startLocalStack({ port: 8787, storagePort: 8790, vars: [...vars, ...authSecretWorkaround()] });
}

// TODO(#4): wrangler loads only the secrets a config declares in `secrets.required` from
// .dev.vars, and the API Workers' configs do not declare AUTH_SECRET (it is optional there),
// so they start without it and answer 500 `misconfigured`. Passing it as a var hides that;
// remove this once their configs or scripts/dev.mjs supply it.
function authSecretWorkaround(): string[] {
  const line = readFileSync(path.join(ROOT, ".dev.vars"), "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("AUTH_SECRET="));
  return line ? [line] : [];
}
