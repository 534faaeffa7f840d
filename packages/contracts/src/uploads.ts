import * as v from "valibot";

/** The most a display filename may take, in UTF-8 bytes (the limit of most file systems). */
export const MAX_FILENAME_BYTES = 255;

/**
 * Every state a file or upload can be in; see PRODUCT.md's upload lifecycle. `cancelled` is a
 * pending upload its owner cancelled with `DELETE /v1/uploads/:id`.
 */
export const UPLOAD_STATUSES = [
  "pending",
  "ready",
  "rejected",
  "expired",
  "failed",
  "cancelled",
  "deleted",
] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const PATH_SEPARATOR = /[/\\]/;
// C0, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bidirectional controls can make "gpj.exe" display as "exe.jpg".
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// U+2028 and U+2029 end a line as surely as \n does, in JavaScript strings and in most UIs.
const LINE_SEPARATOR = /[\u2028\u2029]/;

const utf8Length = (text: string) => new TextEncoder().encode(text).byteLength;

/**
 * A file's display name: metadata only, never part of a storage key. The only rewrites are
 * Unicode NFC and trimming surrounding white space; anything else that is unsafe to show or
 * save (a path, control or bidirectional characters, over 255 bytes, "." or "..") is refused
 * with a message rather than silently changed into a name the user did not choose.
 */
export const FilenameSchema = v.pipe(
  v.string("filename must be a string."),
  v.check((name) => !LONE_SURROGATE.test(name), "filename is not valid Unicode."),
  v.transform((name) => name.normalize("NFC").trim()),
  v.minLength(1, "filename must not be empty."),
  v.check((name) => name !== "." && name !== "..", 'filename must not be "." or "..".'),
  v.check(
    (name) => !PATH_SEPARATOR.test(name),
    "filename must not contain / or \\: send the file's name, not a path.",
  ),
  v.check(
    (name) => !CONTROL.test(name) && !LINE_SEPARATOR.test(name),
    "filename must not contain control characters.",
  ),
  v.check(
    (name) => !BIDI_CONTROL.test(name),
    "filename must not contain bidirectional control characters.",
  ),
  v.check(
    (name) => utf8Length(name) <= MAX_FILENAME_BYTES,
    `filename must be at most ${MAX_FILENAME_BYTES} bytes in UTF-8.`,
  ),
);

/**
 * A media type essence (`type/subtype`, no parameters), lower-cased since media types are
 * case-insensitive. Whether the type is allowed is the deployment's policy (415), not this.
 */
export const MediaTypeSchema = v.pipe(
  v.string("contentType must be a string."),
  v.transform((type) => type.trim().toLowerCase()),
  v.maxLength(127, "contentType must be at most 127 characters."),
  v.regex(
    /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/,
    "contentType must be a media type such as image/png, without parameters.",
  ),
);

/** A positive whole number of bytes. Whether it fits the deployment's limit is policy (413). */
export const ByteSizeSchema = v.pipe(
  v.number("size must be a number of bytes."),
  v.safeInteger("size must be a whole number of bytes."),
  v.minValue(1, "size must be at least 1 byte."),
);

/** A SHA-256 digest as 64 hex digits, lower-cased. */
export const Sha256Schema = v.pipe(
  v.string("sha256 must be a string."),
  v.regex(/^[0-9a-fA-F]{64}$/, "sha256 must be 64 hexadecimal digits."),
  v.toLowerCase(),
);

const IsoTimestamp = v.pipe(v.string(), v.isoTimestamp());
const UploadId = v.pipe(v.string(), v.uuid());

const uploadIntentFields = {
  filename: FilenameSchema,
  contentType: MediaTypeSchema,
  size: ByteSizeSchema,
  sha256: v.optional(Sha256Schema),
};

/**
 * `POST /v1/uploads` body. Unknown fields are refused, each listed in the problem's `errors`,
 * so a misspelt `sha256` never passes silently.
 */
export const UploadIntentSchema = v.objectWithRest(
  uploadIntentFields,
  v.never("This field is not part of an upload intent."),
);
export type UploadIntent = v.InferOutput<v.ObjectSchema<typeof uploadIntentFields, undefined>>;

/** `POST /v1/uploads` answer (201): send exactly `upload.headers` with the PUT. */
export const UploadCreatedSchema = v.object({
  id: UploadId,
  status: v.literal("pending"),
  key: v.string(),
  expiresAt: IsoTimestamp,
  upload: v.object({
    method: v.literal("PUT"),
    url: v.pipe(v.string(), v.url()),
    // `if-none-match: *` makes the URL create-only: it can never overwrite a stored object.
    // `x-amz-checksum-sha256` (base64 of the digest) is there when the intent gave `sha256`:
    // storage then refuses a body with another digest.
    headers: v.object({
      "content-type": v.string(),
      "content-length": v.string(),
      "if-none-match": v.literal("*"),
      "x-amz-checksum-sha256": v.exactOptional(v.pipe(v.string(), v.base64())),
    }),
  }),
});
export type UploadCreated = v.InferOutput<typeof UploadCreatedSchema>;

/** `GET /v1/uploads/:id` answer: where the upload is in its lifecycle. */
export const UploadStateSchema = v.object({
  id: UploadId,
  status: v.picklist(UPLOAD_STATUSES),
  filename: v.string(),
  contentType: v.string(),
  size: v.number(),
  detectedType: v.optional(v.string()),
  reason: v.optional(v.string()),
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
});
export type UploadState = v.InferOutput<typeof UploadStateSchema>;
