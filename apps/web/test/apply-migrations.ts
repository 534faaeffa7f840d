import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The API Workers share this database; apply what is not applied yet (safe once per file).
await applyD1Migrations(env.TEST_DB, env.TEST_MIGRATIONS);
