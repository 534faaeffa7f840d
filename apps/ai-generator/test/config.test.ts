import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signServiceAssertion } from "@trove/auth";
import { GeneratorEntrypoint } from "../src/index";
import { envWith, newUser, readProblem, requestGeneration } from "./helpers";

/** The error lines the Worker logged while `work` ran. */
async function errorLines(work: () => Promise<unknown>): Promise<string[]> {
  const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
  await work();
  return spy.mock.calls.map((call) => String(call[0]));
}

afterEach(() => vi.restoreAllMocks());

// Settings a deployment can get wrong, with a value that must never reach a log or an answer.
const cases: [string, Record<string, unknown>, string, string][] = [
  ["an unknown provider", { AI_PROVIDER: "gpt-secret-provider" }, "AI_PROVIDER", "gpt-secret-provider"],
  ["a timeout that is not a number", { AI_TIMEOUT_MS: "soon-secret" }, "AI_TIMEOUT_MS", "soon-secret"],
  ["an OpenAI base URL that is no URL", { AI_PROVIDER: "openai", OPENAI_BASE_URL: "nowhere-secret" }, "OPENAI_BASE_URL", "nowhere-secret"],
  ["openai without a base URL", { AI_PROVIDER: "openai", OPENAI_API_KEY: "sk-secret-key" }, "OPENAI_BASE_URL", "sk-secret-key"],
  ["workers-ai without an AI binding", { AI_PROVIDER: "workers-ai" }, "AI", "workers-ai-secret"],
  ["a missing storage secret", { R2_SECRET_ACCESS_KEY: undefined }, "R2_SECRET_ACCESS_KEY", env.R2_ACCESS_KEY_ID],
  ["a short service secret", { SERVICE_SECRET: "short-secret" }, "SERVICE_SECRET", "short-secret"],
];

describe("a misconfigured generator", () => {
  it.each(cases)("answers 500 misconfigured for %s and logs the setting, not its value", async (_what, overrides, setting, value) => {
    let response: Response | undefined;
    const lines = await errorLines(async () => {
      response = await requestGeneration(newUser(), { kind: "text", prompt: "hello" }, { env: envWith(overrides) });
    });

    expect(response?.status).toBe(500);
    const problem = await readProblem(response!);
    expect(problem.code).toBe("misconfigured");
    expect(problem.detail).not.toContain(setting);
    const logged = lines.find((line) => line.includes('"misconfigured"'));
    expect(logged).toContain(setting);
    expect(lines.join("\n")).not.toContain(value);
  });

  it("answers an RPC call with status 500 misconfigured", async () => {
    const bad = envWith({ AI_PROVIDER: "gpt-secret-provider" });
    const entrypoint = new GeneratorEntrypoint(createExecutionContext(), bad);
    const assertion = await signServiceAssertion(env.SERVICE_SECRET, {
      caller: "trove-event-processor",
      audience: "trove-ai-generator",
      userId: newUser(),
    });

    let result: Awaited<ReturnType<GeneratorEntrypoint["generate"]>> | undefined;
    const lines = await errorLines(async () => {
      result = await entrypoint.generate({ assertion, kind: "text", prompt: "hello" });
    });

    expect(result).toMatchObject({ ok: false, status: 500, code: "misconfigured" });
    expect(lines.join("\n")).toContain("AI_PROVIDER");
    expect(lines.join("\n")).not.toContain("gpt-secret-provider");
  });
});
