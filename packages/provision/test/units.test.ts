import { describe, expect, it } from "vitest";
import type { App } from "../src/apps.ts";
import { parseOrigins, readS3CorsFile, sameCors, toWranglerCors } from "../src/cors.ts";
import { deployCommands, deployOrder, localOnlySettings } from "../src/deploy.ts";
import { parseJsonc } from "../src/jsonc.ts";
import { parseBucketList, parseCorsList, parseNotificationList, parseQueueList } from "../src/wrangler.ts";

const gray = (text: string) => `\u001b[90m${text}\u001b[39m`;

describe("wrangler output parsers", () => {
  it("read labelled values, with colours, and never mistake a longer name for a shorter", () => {
    const output = `Listing buckets...\n${gray("name:")}           trove-uploads-old\ncreation_date:  2026\n\nname:           trove-uploads\ncreation_date:  2026\n`;
    expect(parseBucketList(output)).toEqual(new Set(["trove-uploads-old", "trove-uploads"]));
  });

  it("read the queues table's name column", () => {
    const table = [
      "┌─────┬─────────────────────┬────────────┐",
      "│ id  │ name                │ created_on │",
      "├─────┼─────────────────────┼────────────┤",
      "│ abc │ trove-r2-events-dlq │ 2026-01-01 │",
      "└─────┴─────────────────────┴────────────┘",
    ].join("\n");
    expect(parseQueueList(table)).toEqual(new Set(["trove-r2-events-dlq"]));
    expect(parseQueueList("")).toEqual(new Set());
  });

  it("read notification rules and CORS rules as wrangler prints them", () => {
    const rules = parseNotificationList(
      "Fetching notification rules for bucket b...\nrule_id:     r1\ncreated_at:  x\nqueue_name:  q\nprefix:      (all prefixes)\nsuffix:      (all suffixes)\nevent_type:  PutObject,DeleteObject\n",
    );
    expect(rules).toEqual([{ ruleId: "r1", queue: "q", prefix: "", suffix: "", actions: ["PutObject", "DeleteObject"] }]);

    const cors = parseCorsList(
      "allowed_origins:  https://a.example, http://127.0.0.1:8787\nallowed_methods:  PUT, GET\nallowed_headers:  (no headers)\nexposed_headers:  etag\nmax_age_seconds:  3600\n",
    );
    expect(cors).toEqual([
      { allowed: { origins: ["https://a.example", "http://127.0.0.1:8787"], methods: ["PUT", "GET"], headers: [] }, exposeHeaders: ["etag"], maxAgeSeconds: 3600 },
    ]);
  });
});

describe("CORS", () => {
  it("turns the S3-style file into wrangler's rules and adds the production origins", () => {
    const { rules } = toWranglerCors(readS3CorsFile(), ["https://app.example.com"]);
    expect(JSON.stringify(rules)).not.toMatch(/Allowed|CORSRules/);
    expect(rules[0]?.allowed.origins).toEqual(["http://127.0.0.1:8787", "http://localhost:8787", "https://app.example.com"]);
    expect(rules[0]?.allowed.methods).toEqual(["PUT", "GET", "HEAD"]);
    expect(sameCors(rules, toWranglerCors(readS3CorsFile(), ["https://app.example.com"]).rules)).toBe(true);
    expect(sameCors(rules, toWranglerCors(readS3CorsFile(), []).rules)).toBe(false);
  });

  it("accepts bare origins only", () => {
    expect(parseOrigins(" https://a.example , https://b.example:8443 ")).toEqual(["https://a.example", "https://b.example:8443"]);
    expect(parseOrigins(undefined)).toEqual([]);
    for (const bad of ["a.example", "https://a.example/", "https://a.example/app", "ftp://a.example"]) {
      expect(() => parseOrigins(bad)).toThrow(/not an origin/);
    }
  });
});

describe("deployOrder", () => {
  const app = (name: string, services: string[] = []): App => ({
    folder: name,
    configPath: `apps/${name}/wrangler.jsonc`,
    config: { name, services: services.map((service) => ({ binding: service.toUpperCase(), service })) },
  });

  it("puts each Worker after the Workers it binds", () => {
    const order = deployOrder([app("web", ["signer", "gen"]), app("processor", ["gen"]), app("signer"), app("gen")]);
    expect(order.map((a) => a.folder)).toEqual(["signer", "gen", "web", "processor"]);
  });

  it("passes a Worker's secrets file to its deploy when the secrets folder has one", () => {
    const commands = deployCommands([app("signer"), app("gen")], "/s", (file) => file === "/s/gen.env");
    expect(commands.map((c) => c.command.join(" "))).toEqual([
      "turbo run build --filter=./apps/signer --filter=./apps/gen",
      "wrangler deploy -c apps/signer/wrangler.jsonc",
      "wrangler deploy -c apps/gen/wrangler.jsonc --secrets-file /s/gen.env",
    ]);
  });

  it("refuses a cycle and a binding to a Worker it does not deploy", () => {
    expect(() => deployOrder([app("a", ["b"]), app("b", ["a"])])).toThrow(/cycle/);
    expect(() => deployOrder([app("a", ["local-storage"])])).toThrow(/not a deployable app/);
  });
});

describe("localOnlySettings", () => {
  const withVars = (vars: Record<string, string>): App => ({
    folder: "signer",
    configPath: "apps/signer/wrangler.jsonc",
    config: { name: "signer", vars },
  });

  it("names each development setting in a config about to be deployed", () => {
    const problems = localOnlySettings([
      withVars({ R2_ENDPOINT: "http://127.0.0.1:8790", AUTH_ISSUER: "trove-dev", DEV_TOKENS: "on" }),
    ]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/R2_ENDPOINT is http:\/\/127\.0\.0\.1:8790/);
    expect(problems[1]).toMatch(/AUTH_ISSUER/);
    expect(problems[2]).toMatch(/DEV_TOKENS/);
  });

  it("passes production settings", () => {
    const problems = localOnlySettings([
      withVars({ R2_ENDPOINT: "https://abc.r2.cloudflarestorage.com", AUTH_ISSUER: "https://id.example.com", DEV_TOKENS: "off" }),
    ]);
    expect(problems).toEqual([]);
  });
});

describe("parseJsonc", () => {
  it("drops comments and trailing commas but keeps // inside strings", () => {
    const text = `{\n  // a comment\n  "url": "https://x.example//y", /* block */\n  "list": [1, 2,],\n}`;
    expect(parseJsonc(text)).toEqual({ url: "https://x.example//y", list: [1, 2] });
  });
});
