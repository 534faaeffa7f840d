import { HttpError, type Logger } from "@trove/http";
import { ProviderError, type ProviderFailure } from "./providers";

const STATUS = { unavailable: 502, timeout: 504, malformed: 502, too_large: 502 } as const;
const CODE = {
  unavailable: "provider_error",
  timeout: "provider_timeout",
  malformed: "provider_bad_output",
  too_large: "output_too_large",
} as const;

/**
 * What a caller is told: the provider and the kind of failure in a fixed sentence. The
 * provider's own words (transport errors, Workers AI messages, addresses) go to the log only.
 */
function detailOf(error: ProviderError): string {
  const details: Record<ProviderFailure, string> = {
    unavailable: `The ${error.provider} provider failed or could not be reached.`,
    timeout: `The ${error.provider} provider did not answer in time.`,
    malformed: `The ${error.provider} provider answered with output that is empty or not what was asked for.`,
    too_large: `The ${error.provider} provider's output is over the ${error.limitBytes ?? "configured"}-byte limit.`,
  };
  return details[error.failure];
}

/** A provider failure as the problem the caller sees: 502 or 504, naming the provider. */
export function providerProblem(error: ProviderError): HttpError {
  return new HttpError(STATUS[error.failure], CODE[error.failure], detailOf(error));
}

/**
 * Logs a provider failure with the upstream detail, which stays out of answers. An upstream
 * message may quote its input, so the prompt is cut out of it: prompts are never logged.
 */
export function logProviderFailure(log: Logger, message: string, error: ProviderError, model: string, prompt?: string): void {
  const detail = prompt ? error.message.split(prompt).join("[prompt]") : error.message;
  log.warn(message, { provider: error.provider, model, failure: error.failure, detail });
}
