declare namespace Cloudflare {
  interface Env {
    /** Test-only: the D1 migrations, read in vitest.config.ts. */
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Test-only: what test/sink consumed from `trove-notifications` (test/notifications.ts). */
    NOTIFIED: KVNamespace;
  }
}
