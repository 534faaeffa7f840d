import * as v from "valibot";
import { HttpError } from "./errors";
import type { Logger } from "./log";

/** A Worker's settings, or the names of the ones that are wrong and why. */
export type ParsedSettings<T> = { ok: true; config: T } | { ok: false; settings: string[] };

/**
 * "NAME: rule" for each issue. Only our own messages are used, since valibot's quote the input
 * and settings include secrets. An issue about the whole env (a cross-field check) is named
 * by `whole`.
 */
export function describeSettingIssues(
  issues: readonly v.BaseIssue<unknown>[],
  whole = "AUTH_SECRET or AUTH_JWKS_URL",
): string[] {
  return issues.map((issue) => {
    const name = v.getDotPath(issue) ?? whole;
    const own = issue.message.startsWith("Invalid ") ? "is not valid" : issue.message;
    return `${name}: ${own}`;
  });
}

/**
 * A reader of a Worker's settings that parses each env object once (bindings do not change
 * while an isolate lives). A wrong setting is a 500 `misconfigured` problem, logged with the
 * settings' names and rules, never their values.
 */
export function settingsReader<T>(
  parse: (env: Record<string, unknown>) => ParsedSettings<T>,
  service: string,
): (env: object, log: Logger) => T {
  const parsedByEnv = new WeakMap<object, ParsedSettings<T>>();
  return (env, log) => {
    let parsed = parsedByEnv.get(env);
    if (!parsed) {
      parsed = parse(env as Record<string, unknown>);
      parsedByEnv.set(env, parsed);
    }
    if (parsed.ok) return parsed.config;

    log.error("misconfigured", { settings: parsed.settings.join(", ") });
    throw new HttpError(500, "misconfigured", `${service} is not configured correctly.`);
  };
}
