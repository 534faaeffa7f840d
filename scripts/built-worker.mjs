// One of Trove's Workers as Miniflare options, from its own wrangler config and its built
// output (`wrangler deploy --dry-run --outdir dist`). The local stack (scripts/dev.mjs) and
// the vitest configs that run our Workers as auxiliary Workers all start them this way.
import { existsSync } from "node:fs";
import path from "node:path";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = path.resolve(import.meta.dirname, "..");

/**
 * @param {string} app folder name under apps/
 * @param {{ bindings?: Record<string, unknown>, envFiles?: string[], notBuilt?: string }} [options]
 *   bindings added over the config's; .env files (relative to the app) wrangler should read;
 *   the message for a missing build.
 */
export function builtWorkerOptions(app, options = {}) {
  const dir = path.join(root, "apps", app);
  const dist = path.join(dir, "dist");
  if (!existsSync(path.join(dist, "index.js"))) {
    throw new Error(options.notBuilt ?? `apps/${app} is not built: run \`pnpm build\` first.`);
  }

  const { workerOptions } = unstable_getMiniflareWorkerOptions(
    path.join(dir, "wrangler.jsonc"),
    undefined,
    options.envFiles ? { envFiles: options.envFiles } : undefined,
  );
  // Built output is already bundled (auxiliary Workers must be JavaScript with modulesRoot);
  // module rules only apply to unbundled sources.
  const { modulesRules: _rules, ...rest } = workerOptions;
  return {
    ...rest,
    name: `trove-${app}`,
    modules: true,
    scriptPath: path.join(dist, "index.js"),
    modulesRoot: dist,
    bindings: { ...rest.bindings, ...options.bindings },
  };
}
