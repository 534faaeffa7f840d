import * as v from "valibot";
import { readAuthConfig, serviceKey, type AuthConfig } from "@trove/auth";
import type { GenerationKind } from "@trove/contracts";

export const PROVIDER_NAMES = ["echo", "workers-ai", "openai"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** What a model is asked for: the two generation kinds, and captions of uploaded images. */
export type ModelTask = GenerationKind | "caption";

/**
 * Models each provider allows when the deployment names none. The first of each list is the
 * default; a request for any other model is refused before a provider is called.
 */
const DEFAULT_MODELS: Record<ProviderName, Record<ModelTask, string[]>> = {
  echo: { text: ["echo-text"], image: ["echo-image"], caption: ["echo-caption"] },
  "workers-ai": {
    text: ["@cf/meta/llama-3.1-8b-instruct"],
    image: ["@cf/black-forest-labs/flux-1-schnell"],
    caption: ["@cf/llava-hf/llava-1.5-7b-hf"],
  },
  openai: { text: ["gpt-4o-mini"], image: ["gpt-image-1"], caption: ["gpt-4o-mini"] },
};

/** A model call that answers only through Cloudflare's `AI` binding; shaped for a test double. */
export interface AiBinding {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

const integer = (fallback: number, min: number, max: number) =>
  v.optional(
    v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(min), v.maxValue(max)),
    String(fallback),
  );

const modelList = v.optional(
  v.pipe(
    v.string(),
    v.transform((list) => list.split(",").map((model) => model.trim()).filter(Boolean)),
  ),
);

const EnvSchema = v.object({
  AI_PROVIDER: v.optional(v.picklist(PROVIDER_NAMES, "AI_PROVIDER must be echo, workers-ai or openai."), "echo"),
  AI_TEXT_MODELS: modelList,
  AI_IMAGE_MODELS: modelList,
  AI_CAPTION_MODELS: modelList,
  AI_TIMEOUT_MS: integer(60_000, 100, 600_000),
  OPENAI_BASE_URL: v.optional(v.pipe(v.string(), v.url("OPENAI_BASE_URL must be a URL."))),
  OPENAI_API_KEY: v.optional(v.string()),
  MAX_OUTPUT_BYTES: integer(10 * 1024 * 1024, 1, 100 * 1024 * 1024),
  USER_QUOTA_BYTES: integer(1024 ** 3, 0, Number.MAX_SAFE_INTEGER),
  DOWNLOAD_URL_TTL_SECONDS: integer(300, 1, 7 * 24 * 3600),
  R2_ENDPOINT: v.pipe(v.string(), v.url()),
  R2_BUCKET_NAME: v.pipe(v.string(), v.minLength(1)),
  R2_ACCESS_KEY_ID: v.pipe(v.string(), v.minLength(1)),
  R2_SECRET_ACCESS_KEY: v.pipe(v.string(), v.minLength(1)),
  SERVICE_SECRET: v.string(),
});

/** The generator's settings, parsed once per environment at the Worker's edge. */
export interface Config {
  provider: ProviderName;
  models: Record<ModelTask, string[]>;
  timeoutMs: number;
  openai: { baseUrl: string; apiKey: string | undefined } | undefined;
  ai: AiBinding | undefined;
  maxOutputBytes: number;
  quotaBytes: number;
  downloadTtlSeconds: number;
  storage: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  serviceSecret: string;
  auth: AuthConfig;
}

const cache = new WeakMap<object, Config>();

/** Reads the Worker's env into a Config; throws one clear message when it is wrong. */
export function readConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const config = parse(env as unknown as Record<string, unknown>);
  cache.set(env, config);
  return config;
}

function parse(env: Record<string, unknown>): Config {
  const result = v.safeParse(EnvSchema, env);
  if (!result.success) {
    const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? "env"}: ${issue.message}`);
    throw new Error(`ai-generator configuration is invalid: ${problems.join("; ")}`);
  }
  const parsed = result.output;
  serviceKey(parsed.SERVICE_SECRET);

  const provider = parsed.AI_PROVIDER;
  const ai = isAiBinding(env.AI) ? env.AI : undefined;
  if (provider === "workers-ai" && !ai) {
    throw new Error('AI_PROVIDER is "workers-ai" but the Worker has no AI binding: add "ai": { "binding": "AI" }.');
  }
  if (provider === "openai" && !parsed.OPENAI_BASE_URL) {
    throw new Error('AI_PROVIDER is "openai" but OPENAI_BASE_URL is not set.');
  }

  const defaults = DEFAULT_MODELS[provider];
  return {
    provider,
    models: {
      text: nonEmpty(parsed.AI_TEXT_MODELS) ?? defaults.text,
      image: nonEmpty(parsed.AI_IMAGE_MODELS) ?? defaults.image,
      caption: nonEmpty(parsed.AI_CAPTION_MODELS) ?? defaults.caption,
    },
    timeoutMs: parsed.AI_TIMEOUT_MS,
    openai: parsed.OPENAI_BASE_URL
      ? { baseUrl: parsed.OPENAI_BASE_URL.replace(/\/+$/, ""), apiKey: parsed.OPENAI_API_KEY || undefined }
      : undefined,
    ai,
    maxOutputBytes: parsed.MAX_OUTPUT_BYTES,
    quotaBytes: parsed.USER_QUOTA_BYTES,
    downloadTtlSeconds: parsed.DOWNLOAD_URL_TTL_SECONDS,
    storage: {
      endpoint: parsed.R2_ENDPOINT,
      bucket: parsed.R2_BUCKET_NAME,
      accessKeyId: parsed.R2_ACCESS_KEY_ID,
      secretAccessKey: parsed.R2_SECRET_ACCESS_KEY,
    },
    serviceSecret: parsed.SERVICE_SECRET,
    auth: readAuthConfig(env),
  };
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function isAiBinding(value: unknown): value is AiBinding {
  return typeof value === "object" && value !== null && typeof (value as AiBinding).run === "function";
}
