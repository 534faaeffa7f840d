import type { SigV4Vectors } from "./vectors/types";

// Test-only bindings that vitest.config.ts adds beside the Worker's own (which `wrangler types` generates).
declare global {
  namespace Cloudflare {
    interface Env {
      SIGV4_VECTORS: SigV4Vectors;
    }
  }
}
