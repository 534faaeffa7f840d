import "vitest";

// Values vitest's globalSetup hands to the config (test/openai-stub.mjs).
declare module "vitest" {
  interface ProvidedContext {
    openaiStubUrl: string;
  }
}
