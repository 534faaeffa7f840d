import type { Caption } from "@trove/contracts";
import { createDb, findReadyFile, setFileCaption } from "@trove/db";
import { HttpError, readBytesUpTo } from "@trove/http";
import { logProviderFailure, providerProblem } from "./errors";
import type { GeneratorContext } from "./generate";
import { checkRate } from "./limits";
import { resolveModel } from "./models";
import { ProviderError, providerFor } from "./providers";

const CAPTIONABLE = new Set(["image/png", "image/jpeg", "image/webp", "image/gif", "image/avif"]);
const FILE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_CAPTION_CHARS = 1000;

/**
 * Writes a caption (alt text) for one of the user's ready images and stores it in
 * `files.caption`. The same limits as a generation apply: the caption model must be allowed
 * and the call counts against the user's generation rate. Images over MAX_CAPTION_IMAGE_BYTES
 * get no caption (413 `image_too_large`, logged with the reason): the whole image is held in
 * memory to send it to the model.
 */
export async function captionFile(ctx: GeneratorContext, userId: string, fileId: unknown): Promise<Caption> {
  const { env, config, log } = ctx;
  if (typeof fileId !== "string" || !FILE_ID.test(fileId)) {
    throw new HttpError(400, "invalid_request", "The file id is not valid.");
  }
  const db = createDb(env.DB);
  const file = await findReadyFile(db, userId, fileId);
  if (!file) throw new HttpError(404, "not_found", "No ready file with this id.");
  if (!CAPTIONABLE.has(file.contentType)) {
    throw new HttpError(415, "not_an_image", `Only images get captions; this file is ${file.contentType}.`);
  }
  if (file.size > config.maxCaptionImageBytes) throw tooLargeToCaption(ctx, fileId, file.size);

  const model = resolveModel(config, "caption", undefined);
  await checkRate(env, userId);

  const object = await env.BUCKET.get(file.key);
  if (!object) throw new HttpError(404, "not_found", "The file's object is gone.");
  const provider = providerFor(config);
  const call = { model, signal: AbortSignal.timeout(config.timeoutMs), maxBytes: config.maxOutputBytes };

  // The row's size is what the event processor checked; the object is read to the cap all the same.
  const bytes = await readBytesUpTo(object.body, config.maxCaptionImageBytes);
  if (!bytes) throw tooLargeToCaption(ctx, fileId, object.size);

  let caption: string;
  try {
    caption = (await provider.caption({ bytes, contentType: file.contentType }, call)).slice(0, MAX_CAPTION_CHARS);
  } catch (error) {
    if (error instanceof ProviderError) {
      logProviderFailure(log, "caption provider failed", error, model);
      throw providerProblem(error);
    }
    throw error;
  }

  if (!(await setFileCaption(db, userId, fileId, caption))) {
    throw new HttpError(404, "not_found", "The file stopped being ready before its caption was stored.");
  }
  log.info("caption stored", { fileId, provider: provider.name, model });
  return { fileId, caption, provider: provider.name, model };
}

/** The answer for an image over the caption cap, logged (at info: nothing failed) with why. */
function tooLargeToCaption(ctx: GeneratorContext, fileId: string, bytes: number): HttpError {
  const limitBytes = ctx.config.maxCaptionImageBytes;
  ctx.log.info("caption skipped", { reason: "image_too_large", fileId, bytes, limitBytes });
  return new HttpError(413, "image_too_large", `Images over ${limitBytes} bytes get no caption.`);
}
