import type { UploadIntent } from "@trove/contracts";
import { HttpError } from "@trove/http";
import type { Config } from "./config";

/** The deployment's upload policy: what size and which types it accepts. */
export function checkUploadPolicy(intent: UploadIntent, config: Config): void {
  if (intent.size > config.maxUploadBytes) {
    throw new HttpError(
      413,
      "too_large",
      `The file is ${intent.size} bytes; the largest upload allowed is ${config.maxUploadBytes} bytes.`,
    );
  }
  if (!config.allowedTypes.has(intent.contentType)) {
    throw new HttpError(
      415,
      "unsupported_type",
      `Files of type ${intent.contentType} cannot be uploaded; allowed: ${[...config.allowedTypes].join(", ")}.`,
    );
  }
}
