import * as v from "valibot";

/**
 * What a generation can produce: text (`text/plain`), an image (its sniffed type) or a JSON
 * object (`application/json`).
 */
export const GENERATION_KINDS = ["text", "image", "json"] as const;
export type GenerationKind = (typeof GENERATION_KINDS)[number];

/** Longest prompt accepted, in UTF-16 code units (what `String.length` counts). */
export const PROMPT_MAX_CHARS = 4000;

/** Model names as providers spell them: `@cf/meta/llama-3.1-8b-instruct`, `llama3.2:3b`, `gpt-4o-mini`. */
const MODEL_NAME = /^[A-Za-z0-9@][A-Za-z0-9@/._:-]{0,199}$/;

/** A UTF-16 surrogate without its partner: no character, and U+FFFD once encoded as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A prompt: text of 1 to PROMPT_MAX_CHARS characters, not only whitespace, without NUL, and
 * well-formed Unicode (a lone surrogate would reach the model and the prompt's hash as U+FFFD,
 * so two different prompts could share a hash and an Idempotency-Key replay).
 */
export const PromptSchema = v.pipe(
  v.string("The prompt must be a string."),
  v.minLength(1, "The prompt is empty."),
  v.maxLength(PROMPT_MAX_CHARS, `The prompt is longer than ${PROMPT_MAX_CHARS} characters.`),
  v.check((prompt) => prompt.trim().length > 0, "The prompt is only whitespace."),
  v.check((prompt) => !prompt.includes("\u0000"), "The prompt contains a NUL character."),
  v.check((prompt) => !LONE_SURROGATE.test(prompt), "The prompt is not well-formed Unicode text."),
);

export const ModelNameSchema = v.pipe(
  v.string("The model must be a string."),
  v.regex(MODEL_NAME, "The model name is not valid."),
);

/** Body of `POST /v1/generations`. Unknown fields are refused so typos do not pass silently. */
export const GenerationRequestSchema = v.strictObject({
  kind: v.picklist(GENERATION_KINDS, 'The kind must be "text", "image" or "json".'),
  prompt: PromptSchema,
  model: v.optional(ModelNameSchema),
});
export type GenerationRequest = v.InferOutput<typeof GenerationRequestSchema>;

/** `Idempotency-Key` header: a retry with the same key returns the same generation. */
export const IdempotencyKeySchema = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7e]{8,200}$/, "The Idempotency-Key must be 8 to 200 visible ASCII characters."),
);

export const SignedDownloadSchema = v.object({
  url: v.pipe(v.string(), v.url()),
  expiresAt: v.pipe(v.string(), v.isoTimestamp()),
});
export type SignedDownload = v.InferOutput<typeof SignedDownloadSchema>;

/**
 * A generation as the API answers it. `status` is the status of the file holding its output;
 * `download` is present while that file is `ready`. `notice` says when the output is not a
 * model's (the offline `echo` provider).
 */
export const GenerationSchema = v.object({
  id: v.string(),
  status: v.picklist(["ready", "deleted"]),
  kind: v.picklist(GENERATION_KINDS),
  key: v.string(),
  contentType: v.string(),
  size: v.pipe(v.number(), v.integer(), v.minValue(1)),
  provider: v.string(),
  model: v.string(),
  promptSha256: v.pipe(v.string(), v.hexadecimal(), v.length(64)),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  notice: v.optional(v.string()),
  download: v.optional(SignedDownloadSchema),
});
export type Generation = v.InferOutput<typeof GenerationSchema>;

/** Arguments of the generator's `generate` RPC method (service binding). */
export interface GenerateCall {
  /** A service assertion (`@trove/auth` signServiceAssertion) naming the user. */
  assertion: string;
  kind: GenerationKind;
  prompt: string;
  model?: string;
  idempotencyKey?: string;
}

/** Arguments of the generator's `caption` RPC method: an image file of the asserted user. */
export interface CaptionCall {
  assertion: string;
  fileId: string;
}

export interface Caption {
  fileId: string;
  caption: string;
  provider: string;
  model: string;
}

/**
 * What an RPC method answers. Failures come back as data with the HTTP status the same fault
 * would get on the API, so a caller can tell its own fault (4xx: give up) from the
 * generator's (5xx: retry later) without parsing messages.
 */
export type RpcResult<T> =
  | { ok: true; value: T }
  | { ok: false; status: number; code: string; detail: string; retryAfterSeconds?: number };

/** The generator's RPC surface, for Workers that hold a service binding to it. */
export interface GeneratorRpc {
  generate(call: GenerateCall): Promise<RpcResult<Generation>>;
  caption(call: CaptionCall): Promise<RpcResult<Caption>>;
}
