import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import type { SigV4Vectors, SuiteCase, SuiteMode } from "./test/vectors/types";

const projectRoot = path.resolve(import.meta.dirname, "../..");
// The shared SigV4 vectors sit beside the clone (../shared), here and in CI; never copied in.
const vectorsRoot = path.resolve(projectRoot, "../shared/sigv4-vectors");

/** Test-only credentials; the real development ones live in .dev.vars. */
const TEST_CREDENTIALS = {
  R2_ACCESS_KEY_ID: "test-access-key-id",
  R2_SECRET_ACCESS_KEY: "test-secret-access-key-0123456789abcdef",
};

export default defineConfig({
  // The endpoint logs a JSON line per request; show them for failing tests only.
  test: { silent: "passed-only" },
  plugins: [
    cloudflareTest({
      // Our Worker plus a consumer of its event Queue, so tests observe what it sends.
      main: "./test/observer-worker.ts",
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: { ...TEST_CREDENTIALS, SIGV4_VECTORS: loadVectors() },
        queueConsumers: { "trove-r2-events": { maxBatchTimeout: 0.05 } },
      },
    }),
  ],
});

/** Reads the vector files on the Node side: tests inside workerd cannot read the filesystem. */
function loadVectors(): SigV4Vectors {
  if (!existsSync(vectorsRoot)) {
    throw new Error(`SigV4 test vectors not found at ${vectorsRoot} (expected ../shared beside the project).`);
  }
  const read = (...parts: string[]) => readFileSync(path.join(vectorsRoot, ...parts), "utf8");
  const suiteDir = path.join("aws-c-auth__aws-signing-test-suite", "v4");

  const mode = (name: string, prefix: "header" | "query"): SuiteMode => ({
    canonicalRequest: read(suiteDir, name, `${prefix}-canonical-request.txt`),
    stringToSign: read(suiteDir, name, `${prefix}-string-to-sign.txt`),
    signature: read(suiteDir, name, `${prefix}-signature.txt`).trim(),
    signedRequest: read(suiteDir, name, `${prefix}-signed-request.txt`),
  });
  const suite: SuiteCase[] = readdirSync(path.join(vectorsRoot, suiteDir))
    .sort()
    .map((name) => ({
      name,
      context: JSON.parse(read(suiteDir, name, "context.json")),
      request: read(suiteDir, name, "request.txt"),
      header: mode(name, "header"),
      query: mode(name, "query"),
    }));

  const docs = (name: string, file: string) => read("s3-docs-examples", name, file);
  return {
    suite,
    presignedGet: {
      context: JSON.parse(docs("presigned-get-object", "context.json")),
      canonicalRequest: docs("presigned-get-object", "query-canonical-request.txt"),
      stringToSign: docs("presigned-get-object", "query-string-to-sign.txt"),
      signature: docs("presigned-get-object", "query-signature.txt").trim(),
      signedUrl: docs("presigned-get-object", "query-signed-url.txt").trim(),
    },
    putHeaderAuth: {
      body: docs("put-object-header-auth", "body.bin"),
      canonicalRequest: docs("put-object-header-auth", "header-canonical-request.txt"),
      stringToSign: docs("put-object-header-auth", "header-string-to-sign.txt"),
      signature: docs("put-object-header-auth", "header-signature.txt").trim(),
    },
  };
}
