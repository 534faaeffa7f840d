import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Applies only what is not applied yet, so running once per test file is safe.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
