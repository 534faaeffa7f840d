#!/usr/bin/env node
// Benchmarks against the real local stack. Each figure is printed beside a baseline measured in
// the same run on the same stack, as a ratio, so machines of different speeds compare.
// Bounded: fixed request counts and a time limit per figure; traffic only to 127.0.0.1.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { crc32 } from "node:zlib";

const root = path.resolve(import.meta.dirname, "..");
const ROUNDS = Number(process.env.TROVE_BENCH_ROUNDS ?? 200);
const TIME_LIMIT_MS = 60_000;
const PAYLOAD_BYTES = 1024 * 1024;

const stack = await startStack();
try {
  // The upload API allows 60 requests a user a minute, so the load is spread over users.
  const users = Array.from({ length: Math.ceil((3 * ROUNDS + 20) / 40) + 2 }, (_, i) => tokenFor(`bench-${i}`));
  let turn = 0;
  const nextAuth = () => ({ authorization: `Bearer ${users[turn++ % users.length]}` });
  const rows = [];

  const health = await sample(ROUNDS, () => fetch(`${stack.url}/healthz`));
  const intents = await sample(ROUNDS, () => createIntent(stack.url, nextAuth(), 1024));
  rows.push(row("POST /v1/uploads p50 (ms)", intents.p50, "GET /healthz p50", health.p50));
  rows.push(row("POST /v1/uploads p95 (ms)", intents.p95, "GET /healthz p95", health.p95));

  const png = pngOfSize(PAYLOAD_BYTES);
  const puts = [];
  const readies = [];
  for (let i = 0; i < 20; i++) {
    const auth = nextAuth();
    const created = await createIntent(stack.url, auth, png.byteLength, "image/png");
    const startPut = performance.now();
    await putBytes(created, png);
    puts.push(performance.now() - startPut);
    await waitReady(stack.url, auth, created.id);
    readies.push(performance.now() - startPut);
  }
  rows.push(
    row("1 MiB PUT → ready p50 (ms)", percentile(readies, 50), "1 MiB presigned PUT p50", percentile(puts, 50)),
  );

  // workerd's memory grows while caches warm up, then should stay flat: compare its size after
  // a warm-up of uploads with its size after as many again.
  const batch = Math.min(ROUNDS, 100);
  for (let i = 0; i < batch; i++) await putBytes(await createIntent(stack.url, nextAuth(), png.byteLength, "image/png"), png);
  const rssWarm = workerdRssMiB(stack.pid);
  for (let i = 0; i < batch; i++) await putBytes(await createIntent(stack.url, nextAuth(), png.byteLength, "image/png"), png);
  const rssAfter = workerdRssMiB(stack.pid);
  rows.push(
    row(`workerd RSS after ${2 * batch} uploads (MiB)`, rssAfter, `RSS after ${batch} (warm)`, rssWarm),
  );

  printTable(rows);
} finally {
  await stack.stop();
}

function tokenFor(user) {
  return execFileSync(process.execPath, [path.join(root, "scripts/token.mjs"), user], { encoding: "utf8" }).trim();
}

function row(name, value, baselineName, baseline) {
  return { name, value, baselineName, baseline, ratio: value / baseline };
}

function printTable(rows) {
  console.log("figure | value | baseline | baseline value | ratio");
  console.log("--- | ---: | --- | ---: | ---:");
  for (const r of rows) {
    console.log(`${r.name} | ${r.value.toFixed(2)} | ${r.baselineName} | ${r.baseline.toFixed(2)} | ${r.ratio.toFixed(2)}x`);
  }
}

async function sample(count, action) {
  const times = [];
  const deadline = Date.now() + TIME_LIMIT_MS;
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const start = performance.now();
    const response = await action();
    if (response instanceof Response) await response.arrayBuffer();
    times.push(performance.now() - start);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function createIntent(url, auth, size, contentType = "text/plain") {
  const response = await fetch(`${url}/v1/uploads`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ filename: "bench.bin", contentType, size }),
  });
  if (response.status !== 201) throw new Error(`POST /v1/uploads: ${response.status} ${await response.text()}`);
  return response.json();
}

async function putBytes(created, bytes) {
  const put = await fetch(created.upload.url, { method: "PUT", headers: created.upload.headers, body: bytes });
  if (put.status !== 200) throw new Error(`PUT failed: ${put.status} ${await put.text()}`);
}

async function waitReady(url, auth, id) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const state = await (await fetch(`${url}/v1/uploads/${id}`, { headers: auth })).json();
    if (state.status === "ready") return;
    if (state.status !== "pending") throw new Error(`upload ${id} ended ${state.status}: ${state.reason}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`upload ${id} not ready in 20 s`);
}

/**
 * An object of the requested size that starts as a PNG (signature and a checksummed IHDR
 * chunk), which is all the processor's sniffing reads; the rest is padding.
 */
function pngOfSize(size) {
  const ihdr = Buffer.alloc(17);
  ihdr.write("IHDR", 0, "latin1");
  ihdr.writeUInt32BE(64, 4);
  ihdr.writeUInt32BE(64, 8);
  ihdr.set([8, 6, 0, 0, 0], 12);
  const chunk = Buffer.alloc(25);
  chunk.writeUInt32BE(13, 0);
  ihdr.copy(chunk, 4);
  chunk.writeUInt32BE(crc32(ihdr), 21);
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  bytes.set(chunk, 8);
  return bytes;
}

/** Resident memory of the workerd processes started under the launcher's process. */
function workerdRssMiB(parentPid) {
  let total = 0;
  for (const pid of descendants(parentPid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "";
      const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
      if (name.startsWith("workerd") && rss) total += Number(rss) / 1024;
    } catch {}
  }
  return total;
}

function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const found = [];
  const queue = [pid];
  while (queue.length) {
    const next = queue.shift();
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

async function startStack() {
  const persistTo = mkdtempSync(path.join(tmpdir(), "trove-bench-"));
  const child = spawn(
    process.execPath,
    [path.join(root, "scripts/dev.mjs"), "--port", "9710", "--storage-port", "9711", "--persist-to", persistTo, "--quiet",
      "--vars", "USER_QUOTA_BYTES=10737418240"],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`stack exited with ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.includes('"trove ready"')) resolve(JSON.parse(line).url);
    });
  });
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
