import { HttpError } from "@trove/http";
import type { Config, ModelTask } from "./config";

/**
 * The model to call for a task: the requested one when the deployment allows it, else the
 * first allowed. A model outside the allow-list is refused (422) before any provider call.
 */
export function resolveModel(config: Config, task: ModelTask, requested: string | undefined): string {
  const allowed = config.models[task];
  if (requested === undefined) return allowed[0] as string;
  if (allowed.includes(requested)) return requested;
  throw new HttpError(422, "model_not_allowed", `The model ${requested} is not allowed for ${task} here; allowed: ${allowed.join(", ")}.`, {
    errors: [{ path: "model", message: `Allowed models: ${allowed.join(", ")}.` }],
  });
}
