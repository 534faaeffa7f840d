#!/usr/bin/env node
// Starts Trove's whole local stack in one Miniflare: the web Worker on :8787 (page and /v1/*),
// the API Workers behind it over service bindings, the event processor on the Queue, and the
// local storage endpoint (R2's S3 API) on its own origin, :8790. D1, R2 and Queues are
// Miniflare's, persisted under .wrangler/state, so `wrangler d1 ...` commands see the same data.
//
// wrangler's command line gives a port to the first config only; the storage endpoint needs a
// second origin, so this launcher builds Miniflare's options from each wrangler config and
// gives the storage Worker a direct socket of its own.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { builtWorkerOptions } from "./built-worker.mjs";

const root = path.resolve(import.meta.dirname, "..");

/** In start-up order; the first is the one the main port serves. */
export const APPS = ["web", "upload-signer", "ai-generator", "event-processor", "local-storage"];

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: process.env.TROVE_PORT ?? "8787" },
    "storage-port": { type: "string", default: process.env.TROVE_STORAGE_PORT ?? "8790" },
    "persist-to": { type: "string", default: path.join(root, ".wrangler", "state") },
    vars: { type: "string", multiple: true, default: [] },
    quiet: { type: "boolean", default: false },
  },
});

const port = Number(args.port);
const storagePort = Number(args["storage-port"]);
const persistTo = path.resolve(args["persist-to"]);

const devVarsFile = ensureDevVars();
const overrides = Object.fromEntries(args.vars.map((pair) => splitOnce(pair, "=")));
const storageOrigin = `http://127.0.0.1:${storagePort}`;

applyMigrations();

const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port,
    cf: false,
    resourcePersistencePath: path.join(persistTo, "v3"),
    unsafeTriggerHandlers: true,
    logRequests: false,
    workers: APPS.map(workerOptions),
  }),
);
const url = await mf.ready;

printBanner(url);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await mf.dispose();
    process.exit(0);
  });
}

function workerOptions(app) {
  let worker;
  try {
    worker = builtWorkerOptions(app, {
      envFiles: [path.relative(path.join(root, "apps", app), devVarsFile)],
      bindings: overrides,
      notBuilt: `apps/${app} is not built: run \`pnpm build\` (or \`pnpm dev\`, which builds first).`,
    });
  } catch (error) {
    fail(error.message);
  }
  if ("R2_ENDPOINT" in worker.bindings && !("R2_ENDPOINT" in overrides)) {
    worker.bindings.R2_ENDPOINT = storageOrigin;
  }
  if (app === "local-storage") {
    worker.unsafeDirectSockets = [{ host: "127.0.0.1", port: storagePort }];
  }
  return worker;
}

/** Secrets for local development: .dev.vars, made from .dev.vars.example on first run. */
function ensureDevVars() {
  const file = path.join(root, ".dev.vars");
  if (!existsSync(file)) {
    copyFileSync(path.join(root, ".dev.vars.example"), file);
    log("created .dev.vars from .dev.vars.example");
  }
  return file;
}

/** D1 migrations, applied by wrangler itself to the same state Miniflare serves. */
function applyMigrations() {
  const wrangler = path.join(root, "node_modules", ".bin", "wrangler");
  execFileSync(
    wrangler,
    [
      "d1",
      "migrations",
      "apply",
      "trove",
      "--local",
      "--persist-to",
      persistTo,
      "-c",
      path.join(root, "apps", "upload-signer", "wrangler.jsonc"),
    ],
    {
      stdio: args.quiet ? "ignore" : ["ignore", "inherit", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    },
  );
}

function printBanner(mainUrl) {
  const origin = mainUrl.origin;
  log(
    [
      "",
      "Trove is running:",
      `  web page          ${origin}/`,
      `  upload API        ${origin}/v1/uploads, ${origin}/v1/files`,
      `  generation API    ${origin}/v1/generations`,
      `  storage (S3 API)  ${storageOrigin}/trove-uploads/<key>`,
      `  local state       ${path.relative(root, persistTo) || "."}`,
      "",
      "Get a token:        pnpm --silent token alice",
      "Stop:               Ctrl-C",
      "",
    ].join("\n"),
  );
  // A line for programs that start the stack (the end-to-end tests) to wait for.
  console.log(JSON.stringify({ message: "trove ready", url: origin, storage: storageOrigin }));
}

function splitOnce(text, separator) {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

function log(message) {
  if (!args.quiet) console.error(message);
}

function fail(message) {
  console.error(`trove dev: ${message}`);
  process.exit(1);
}
