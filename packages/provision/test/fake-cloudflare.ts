import { readFileSync } from "node:fs";
import type { CorsRule } from "../src/cors.ts";
import type { WranglerResult, WranglerRunner } from "../src/wrangler.ts";

/**
 * A stand-in for Cloudflare's API behind wrangler: it keeps an account's state and answers
 * each command with the output wrangler prints for it (labelled values, a box table, JSON).
 */
export interface FakeAccount {
  buckets: Map<string, { cors?: CorsRule[]; rules: { ruleId: string; queue: string; prefix: string; actions: string[] }[] }>;
  queues: Set<string>;
  databases: { uuid: string; name: string }[];
  secrets: Map<string, string[]>;
  migrationsApplied: number;
}

export function emptyAccount(): FakeAccount {
  return { buckets: new Map(), queues: new Set(), databases: [], secrets: new Map(), migrationsApplied: 0 };
}

const ok = (stdout = ""): WranglerResult => ({ code: 0, stdout, stderr: "" });
const fail = (stderr: string): WranglerResult => ({ code: 1, stdout: "", stderr });
const labelled = (entries: Record<string, string>[]) =>
  entries.map((entry) => Object.entries(entry).map(([k, v]) => `${k}:`.padEnd(18) + v).join("\n")).join("\n\n");

const ACTIONS: Record<string, string[]> = {
  "object-create": ["PutObject", "CompleteMultipartUpload", "CopyObject"],
  "object-delete": ["DeleteObject", "LifecycleDeletion"],
};

export function fakeWrangler(account: FakeAccount): { runner: WranglerRunner; calls: string[][] } {
  const calls: string[][] = [];
  const runner: WranglerRunner = async (args) => {
    calls.push([...args]);
    const [a, b, c, d, e] = args;
    const key = [a, b, c, d].join(" ");
    const flag = (name: string) => args[args.indexOf(name) + 1] as string;

    if (key.startsWith("r2 bucket list")) {
      return ok(`Listing buckets...\n${labelled([...account.buckets.keys()].map((name) => ({ name, creation_date: "2026-01-01T00:00:00.000Z" })))}`);
    }
    if (key.startsWith("r2 bucket create")) {
      if (account.buckets.has(d as string)) return fail("The bucket you tried to create already exists");
      account.buckets.set(d as string, { rules: [] });
      return ok();
    }
    const bucket = account.buckets.get(e as string);
    if (key === "r2 bucket cors list") {
      if (!bucket?.cors) return fail("The CORS configuration does not exist. [code: 10059]");
      return ok(labelled(bucket.cors.map((rule) => ({
        allowed_origins: rule.allowed.origins.join(", "),
        allowed_methods: rule.allowed.methods.join(", "),
        allowed_headers: rule.allowed.headers?.join(", ") || "(no headers)",
        exposed_headers: rule.exposeHeaders?.join(", ") || "(no exposed headers)",
        max_age_seconds: String(rule.maxAgeSeconds ?? "(0 seconds)"),
      }))));
    }
    if (key === "r2 bucket cors set") {
      const file = JSON.parse(readFileSync(flag("--file"), "utf8")) as { rules?: CorsRule[] };
      // wrangler's own checks: a `rules` array with R2's lower-case keys.
      if (!Array.isArray(file.rules) || JSON.stringify(file).includes("AllowedOrigins")) return fail("bad CORS file");
      bucket!.cors = file.rules;
      return ok();
    }
    if (key === "r2 bucket notification list") {
      if (!bucket) return fail("bucket not found");
      return ok(labelled(bucket.rules.map((rule) => ({
        rule_id: rule.ruleId, created_at: "", queue_name: rule.queue,
        prefix: rule.prefix || "(all prefixes)", suffix: "(all suffixes)", event_type: rule.actions.join(","),
      }))));
    }
    if (key === "r2 bucket notification create") {
      const queue = flag("--queue");
      if (!account.queues.has(queue)) return fail(`queue ${queue} does not exist`);
      const types = args.slice(args.indexOf("--event-types") + 1, args.indexOf("--prefix"));
      bucket!.rules.push({ ruleId: `rule-${bucket!.rules.length + 1}`, queue, prefix: flag("--prefix"), actions: types.flatMap((t) => ACTIONS[t] ?? []) });
      return ok();
    }
    if (key === "r2 bucket notification delete") {
      bucket!.rules = bucket!.rules.filter((rule) => rule.ruleId !== flag("--rule"));
      return ok();
    }
    if (key.startsWith("queues list")) {
      const rows = [...account.queues].map((name, i) => `│ q${i} │ ${name} │ 2026-01-01 │`);
      return ok(["┌────┬──────┬────────────┐", "│ id │ name │ created_on │", "├────┼──────┼────────────┤", ...rows, "└────┴──────┴────────────┘"].join("\n"));
    }
    if (key.startsWith("queues create")) {
      account.queues.add(c as string);
      return ok();
    }
    if (key.startsWith("d1 list --json")) return ok(JSON.stringify(account.databases));
    if (key.startsWith("d1 create")) {
      account.databases.push({ uuid: `0000000${account.databases.length}-1111-2222-3333-444444444444`, name: c as string });
      return ok();
    }
    if (key.startsWith("d1 migrations apply")) {
      const config = JSON.parse(readFileSync(flag("-c"), "utf8")) as { d1_databases: { database_id: string }[] };
      if (!account.databases.some((db) => db.uuid === config.d1_databases[0]?.database_id)) return fail("no such database id");
      account.migrationsApplied++;
      return ok();
    }
    if (key.startsWith("secret list")) {
      const secrets = account.secrets.get(flag("-c"));
      return secrets ? ok(JSON.stringify(secrets.map((name) => ({ name, type: "secret_text" })))) : fail("This Worker does not exist [code: 10007]");
    }
    return fail(`the fake does not know: wrangler ${args.join(" ")}`);
  };
  return { runner, calls };
}
