import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseJsonc } from "./jsonc.ts";

/** The repository root, which wrangler runs from and config paths are relative to. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Apps that only exist for local development: R2's S3 API and events are Cloudflare's in production. */
export const DEV_ONLY_APPS = new Set(["local-storage"]);

/** The parts of a wrangler.jsonc that provisioning and deploying read. */
export interface WorkerConfig {
  name: string;
  vars?: Record<string, string>;
  secrets?: { required?: string[] };
  services?: { binding: string; service: string }[];
  r2_buckets?: { binding: string; bucket_name: string }[];
  d1_databases?: {
    binding: string;
    database_name: string;
    database_id: string;
    migrations_dir?: string;
  }[];
  queues?: {
    producers?: { binding: string; queue: string }[];
    consumers?: { queue: string; dead_letter_queue?: string }[];
  };
}

export interface App {
  /** Folder name under apps/. */
  folder: string;
  /** wrangler.jsonc path relative to the repository root, as passed to `wrangler -c`. */
  configPath: string;
  config: WorkerConfig;
}

/** Every app with a wrangler.jsonc that is deployed to Cloudflare, sorted by folder name. */
export function readDeployableApps(root = REPO_ROOT): App[] {
  const appsDir = path.join(root, "apps");
  return readdirSync(appsDir)
    .filter((folder) => !DEV_ONLY_APPS.has(folder))
    .filter((folder) => existsSync(path.join(appsDir, folder, "wrangler.jsonc")))
    .sort()
    .map((folder) => {
      const configPath = `apps/${folder}/wrangler.jsonc`;
      const config = parseJsonc(readFileSync(path.join(root, configPath), "utf8")) as WorkerConfig;
      return { folder, configPath, config };
    });
}
