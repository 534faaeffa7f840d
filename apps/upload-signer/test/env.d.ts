declare namespace Cloudflare {
  interface Env {
    // A test-only binding from vitest.config.ts.
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
