import { HttpError } from "@trove/http";
import { ProviderError } from "./providers";

const STATUS = { unavailable: 502, timeout: 504, malformed: 502, too_large: 502 } as const;
const CODE = {
  unavailable: "provider_error",
  timeout: "provider_timeout",
  malformed: "provider_bad_output",
  too_large: "output_too_large",
} as const;

/** A provider failure as the problem the caller sees: 502 or 504, naming the provider. */
export function providerProblem(error: ProviderError): HttpError {
  return new HttpError(STATUS[error.failure], CODE[error.failure], `The ${error.provider} provider failed: ${error.message}`);
}
