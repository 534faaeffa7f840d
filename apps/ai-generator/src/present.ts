import type { Generation } from "@trove/contracts";
import type { GenerationRecord } from "@trove/db";
import type { Config } from "./config";
import { signGenerationDownload } from "./download";
import { ECHO_NOTICE } from "./providers/echo";

const EXTENSIONS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/gif": "gif",
  "image/avif": "avif",
  "application/json": "json",
};

/** The name a generated file is listed and downloaded under. */
export function generatedFilename(id: string, contentType: string): string {
  const extension = contentType.startsWith("text/plain") ? "txt" : (EXTENSIONS[contentType] ?? "bin");
  return `generation-${id}.${extension}`;
}

/** A stored generation as the API answers it, with a fresh download URL while it is ready. */
export async function presentGeneration(config: Config, record: GenerationRecord): Promise<Generation> {
  const { generation, file } = record;
  const body: Generation = {
    id: generation.id,
    status: file.status === "ready" ? "ready" : "deleted",
    kind: generation.kind,
    key: file.key,
    contentType: file.contentType,
    size: file.size,
    provider: generation.provider,
    model: generation.model,
    promptSha256: generation.promptSha256,
    createdAt: generation.createdAt.toISOString(),
  };
  if (generation.provider === "echo") body.notice = ECHO_NOTICE;
  if (file.status === "ready") {
    body.download = await signGenerationDownload(config, {
      key: file.key,
      filename: generatedFilename(generation.id, file.contentType),
      contentType: file.contentType,
    });
  }
  return body;
}
