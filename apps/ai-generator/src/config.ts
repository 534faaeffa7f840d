import * as v from "valibot";
import { AuthEnvSchema, readAuthConfig, serviceKey, type AuthConfig } from "@trove/auth";
import type { GenerationKind } from "@trove/contracts";
import { describeSettingIssues, settingsReader, type ParsedSettings } from "@trove/http";

export const PROVIDER_NAMES = ["echo", "workers-ai", "openai"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** What a model is asked for: the generation kinds, and captions of uploaded images. */
export type ModelTask = GenerationKind | "caption";

/**
 * Models each provider allows when the deployment names none. The first of each list is the
 * default; a request for any other model is refused before a provider is called.
 */
const DEFAULT_MODELS: Record<ProviderName, Record<ModelTask, string[]>> = {
  echo: { text: ["echo-text"], image: ["echo-image"], json: ["echo-json"], caption: ["echo-caption"] },
  "workers-ai": {
    text: ["@cf/meta/llama-3.1-8b-instruct"],
    json: ["@cf/meta/llama-3.1-8b-instruct"],
    image: ["@cf/black-forest-labs/flux-1-schnell"],
    caption: ["@cf/llava-hf/llava-1.5-7b-hf"],
  },
  openai: { text: ["gpt-4o-mini"], image: ["gpt-image-1"], json: ["gpt-4o-mini"], caption: ["gpt-4o-mini"] },
};

/** A model call that answers only through Cloudflare's `AI` binding; shaped for a test double. */
export interface AiBinding {
  run(model: string, inputs: Record<string, unknown>): Promise<unknown>;
}

// Messages name the rule, never the value: they reach a log line, and some settings are secrets.
const integer = (fallback: number, min: number, max: number) =>
  v.optional(
    v.pipe(
      v.string("must be a string"),
      v.regex(/^\d{1,16}$/, "must be a whole number"),
      v.transform(Number),
      v.minValue(min, `must be at least ${min}`),
      v.maxValue(max, `must be at most ${max}`),
    ),
    String(fallback),
  );

const modelList = v.optional(
  v.pipe(
    v.string("must be a comma-separated list"),
    v.transform((list) => list.split(",").map((model) => model.trim()).filter(Boolean)),
  ),
);

const setString = v.pipe(v.string("must be set"), v.minLength(1, "must not be empty"));

const EnvSchema = v.object({
  AI_PROVIDER: v.optional(v.picklist(PROVIDER_NAMES, "must be echo, workers-ai or openai"), "echo"),
  AI_TEXT_MODELS: modelList,
  AI_IMAGE_MODELS: modelList,
  AI_JSON_MODELS: modelList,
  AI_CAPTION_MODELS: modelList,
  AI_TIMEOUT_MS: integer(60_000, 100, 600_000),
  OPENAI_BASE_URL: v.optional(v.pipe(v.string("must be a URL"), v.url("must be a URL"))),
  OPENAI_API_KEY: v.optional(v.string("must be a string")),
  MAX_OUTPUT_BYTES: integer(10 * 1024 * 1024, 1, 100 * 1024 * 1024),
  MAX_CAPTION_IMAGE_BYTES: integer(1024 * 1024, 1, 20 * 1024 * 1024),
  USER_QUOTA_BYTES: integer(1024 ** 3, 0, Number.MAX_SAFE_INTEGER),
  DOWNLOAD_URL_TTL_SECONDS: integer(300, 1, 7 * 24 * 3600),
  R2_ENDPOINT: v.pipe(v.string("must be set"), v.url("must be a URL")),
  R2_BUCKET_NAME: setString,
  R2_ACCESS_KEY_ID: setString,
  R2_SECRET_ACCESS_KEY: setString,
  SERVICE_SECRET: v.pipe(
    v.string("must be set"),
    v.check(isServiceKey, "is too short for HS256 (at least 32 bytes)"),
  ),
});

/** The generator's settings, parsed once per environment at the Worker's edge. */
export interface Config {
  provider: ProviderName;
  models: Record<ModelTask, string[]>;
  timeoutMs: number;
  openai: { baseUrl: string; apiKey: string | undefined } | undefined;
  ai: AiBinding | undefined;
  maxOutputBytes: number;
  /**
   * Largest image sent to a caption model. Kept well under maxOutputBytes: the image is held
   * in memory and, for Workers AI, copied into an array of numbers (several bytes per byte).
   */
  maxCaptionImageBytes: number;
  quotaBytes: number;
  downloadTtlSeconds: number;
  storage: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };
  serviceSecret: string;
  auth: AuthConfig;
}

type Parsed = ParsedSettings<Config>;

/** The Worker's settings, or a 500 `misconfigured` problem naming the wrong ones in the log. */
export const readConfig = settingsReader(parse, "The generation service");

function parse(env: Record<string, unknown>): Parsed {
  const result = v.safeParse(EnvSchema, env);
  const auth = v.safeParse(AuthEnvSchema, env);
  const settings = [...(result.success ? [] : describeSettingIssues(result.issues)), ...(auth.success ? [] : describeSettingIssues(auth.issues))];
  if (!result.success || !auth.success) return { ok: false, settings };
  const parsed = result.output;

  const provider = parsed.AI_PROVIDER;
  const ai = isAiBinding(env.AI) ? env.AI : undefined;
  if (provider === "workers-ai" && !ai) {
    return { ok: false, settings: ['AI: AI_PROVIDER is "workers-ai" but the Worker has no AI binding'] };
  }
  if (provider === "openai" && !parsed.OPENAI_BASE_URL) {
    return { ok: false, settings: ['OPENAI_BASE_URL: must be set when AI_PROVIDER is "openai"'] };
  }

  const defaults = DEFAULT_MODELS[provider];
  const config: Config = {
    provider,
    models: {
      text: nonEmpty(parsed.AI_TEXT_MODELS) ?? defaults.text,
      image: nonEmpty(parsed.AI_IMAGE_MODELS) ?? defaults.image,
      json: nonEmpty(parsed.AI_JSON_MODELS) ?? defaults.json,
      caption: nonEmpty(parsed.AI_CAPTION_MODELS) ?? defaults.caption,
    },
    timeoutMs: parsed.AI_TIMEOUT_MS,
    openai: parsed.OPENAI_BASE_URL
      ? { baseUrl: parsed.OPENAI_BASE_URL.replace(/\/+$/, ""), apiKey: parsed.OPENAI_API_KEY || undefined }
      : undefined,
    ai,
    maxOutputBytes: parsed.MAX_OUTPUT_BYTES,
    maxCaptionImageBytes: parsed.MAX_CAPTION_IMAGE_BYTES,
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
  return { ok: true, config };
}


/** @trove/auth's own rule for service secrets, so the two cannot drift apart. */
function isServiceKey(secret: string): boolean {
  try {
    serviceKey(secret);
    return true;
  } catch {
    return false;
  }
}

function nonEmpty(list: string[] | undefined): string[] | undefined {
  return list && list.length > 0 ? list : undefined;
}

function isAiBinding(value: unknown): value is AiBinding {
  return typeof value === "object" && value !== null && typeof (value as AiBinding).run === "function";
}
