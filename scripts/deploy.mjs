// `pnpm run deploy [--dry-run]`: builds every Worker, then deploys each but the dev-only local
// storage endpoint with `wrangler deploy`, bound Workers first. The logic lives in
// packages/provision (src/deploy.ts), where it is tested; Node 22 strips its types.
import { main } from "../packages/provision/src/deploy.ts";

process.exitCode = main(process.argv.slice(2));
