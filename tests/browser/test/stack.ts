import { readFileSync } from "node:fs";
import path from "node:path";
import { ROOT, startLocalStack, type LocalStack } from "@trove/local-stack";

/**
 * The real local stack on :8787/:8790, the origins the bucket's CORS policy allows, with
 * development sign-in on (it is off unless local config says otherwise).
 */
export function startStack(): Promise<LocalStack> {
  return startLocalStack({ port: 8787, storagePort: 8790, vars: ["DEV_TOKENS=on", ...authSecretWorkaround()] });
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
