import type { ProviderName } from "../config";

/** What a model produced, as the bytes to store and their real content type. */
export interface ModelOutput {
  bytes: Uint8Array;
  contentType: string;
}

/** One model call: the model already checked against the allow-list, and its limits. */
export interface ModelCall {
  model: string;
  /** Aborts when the provider timeout passes. */
  signal: AbortSignal;
  /** Largest output accepted; a provider stops reading past it. */
  maxBytes: number;
}

/** An image to describe, for captions and alt text. */
export interface ImageInput {
  bytes: Uint8Array;
  contentType: string;
}

/**
 * A model provider. Each method answers what the model returned or throws a ProviderError;
 * none of them writes anything, so a failure leaves nothing to clean up.
 */
export interface Provider {
  readonly name: ProviderName;
  /** Said in the response and stored metadata when the output is not a model's. */
  readonly notice?: string;
  text(prompt: string, call: ModelCall): Promise<ModelOutput>;
  image(prompt: string, call: ModelCall): Promise<ModelOutput>;
  /** A JSON object, stored as `application/json`. */
  json(prompt: string, call: ModelCall): Promise<ModelOutput>;
  caption(image: ImageInput, call: ModelCall): Promise<string>;
}

/**
 * Why a provider call failed: `unavailable` (unreachable or an error answer, 502), `timeout`
 * (504), `malformed` (an answer that is empty or not what the API promises, 502) and
 * `too_large` (over MAX_OUTPUT_BYTES, 502).
 */
export type ProviderFailure = "unavailable" | "timeout" | "malformed" | "too_large";

export class ProviderError extends Error {
  readonly provider: ProviderName;
  readonly failure: ProviderFailure;
  /** For `too_large`: the configured limit the output went over, which the caller may be told. */
  readonly limitBytes: number | undefined;

  /** `message` is for logs only: it may carry the upstream's own words. */
  constructor(provider: ProviderName, failure: ProviderFailure, message: string, limitBytes?: number) {
    super(message);
    this.name = "ProviderError";
    this.provider = provider;
    this.failure = failure;
    this.limitBytes = limitBytes;
  }
}
