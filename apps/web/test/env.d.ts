declare namespace Cloudflare {
  interface Env {
    // Test-only bindings from vitest.config.ts.
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    TEST_DB: D1Database;
    AUTH_SECRET: string;
  }
}
