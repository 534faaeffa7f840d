import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

/** The repository root, found from this file's place in packages/local-stack/src. */
export const ROOT = path.resolve(import.meta.dirname, "..", "..", "..");

export interface LocalStack {
  /** The web Worker's origin: the page and /v1/*. */
  url: string;
  /** The local storage endpoint's origin (R2's S3 API). */
  storage: string;
  /** Where this run keeps D1, R2 and Queue state. */
  persistTo: string;
  /** A development token for a user, made by `pnpm token`'s script. */
  token(userId: string, scopes?: string[]): string;
  /** Values from .dev.vars that tests need (R2 credentials for a real S3 client). */
  secrets: Record<string, string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  port: number;
  storagePort: number;
  /** Extra `NAME=value` bindings for every Worker (scripts/dev.mjs --vars). */
  vars?: string[];
  timeoutMs?: number;
}

/**
 * Starts the real local stack (scripts/dev.mjs: one Miniflare with every Worker) on the given
 * ports with fresh state in a temporary folder, and resolves once it says it is ready.
 * The apps must be built (turbo's `test` task depends on `build`).
 */
export async function startLocalStack(options: StartOptions): Promise<LocalStack> {
  const persistTo = mkdtempSync(path.join(tmpdir(), "trove-stack-"));
  const args = [
    path.join(ROOT, "scripts", "dev.mjs"),
    "--port",
    String(options.port),
    "--storage-port",
    String(options.storagePort),
    "--persist-to",
    persistTo,
    "--quiet",
    ...(options.vars ?? []).flatMap((pair) => ["--vars", pair]),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));

  const ready = await waitForReady(child, output, options.timeoutMs ?? 60_000);

  return {
    url: ready.url,
    storage: ready.storage,
    persistTo,
    secrets: readDevVars(),
    token: (userId, scopes = []) =>
      execFileSync(process.execPath, [path.join(ROOT, "scripts", "token.mjs"), userId, ...scopes], {
        cwd: ROOT,
        encoding: "utf8",
      }).trim(),
    stop: async () => {
      await stopChild(child);
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}

function waitForReady(
  child: ChildProcess,
  output: string[],
  timeoutMs: number,
): Promise<{ url: string; storage: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`The local stack did not start in ${timeoutMs} ms:\n${output.join("")}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The local stack exited with code ${code}:\n${output.join("")}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (!line.includes('"trove ready"')) return;
      clearTimeout(timer);
      const parsed = JSON.parse(line) as { url: string; storage: string };
      resolve(parsed);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timeout = new Promise((resolve) => setTimeout(resolve, 5_000, "timeout"));
  if ((await Promise.race([exited, timeout])) === "timeout") child.kill("SIGKILL");
}

function readDevVars(): Record<string, string> {
  const text = readFileSync(path.join(ROOT, ".dev.vars"), "utf8");
  const pairs = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#") && line.includes("="))
    .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]);
  return Object.fromEntries(pairs);
}
