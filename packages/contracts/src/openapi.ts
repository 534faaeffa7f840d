/**
 * The OpenAPI 3.1 document of Trove's HTTP API, built from the valibot contracts so that the
 * document cannot say something the Workers do not check. `pnpm openapi` writes it to
 * packages/contracts/openapi.json; a test fails when that file is stale.
 *
 * Imports name their `.ts` files because the generator runs in plain Node (type stripping),
 * which resolves no extensionless paths. Not exported from the package index: the Workers
 * have no use for it and it pulls in the JSON Schema converter.
 */
import { toJsonSchemaDefs, type ConversionConfig, type JsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import {
  DownloadLinkSchema,
  FileItemSchema,
  FileListQuerySchema,
  FileListSchema,
  MAX_FILE_PAGE_SIZE,
} from "./files.ts";
import {
  GenerationRequestSchema,
  GenerationSchema,
  IdempotencyKeySchema,
  SignedDownloadSchema,
} from "./generations.ts";
import { FieldIssueSchema, PROBLEM_CONTENT_TYPE, ProblemSchema } from "./problem.ts";
import { R2EventSchema } from "./r2-event.ts";
import { UploadCreatedSchema, UploadIntentSchema, UploadStateSchema } from "./uploads.ts";

/** `GET /healthz` answer. The Workers write it inline; it is described here for the document. */
export const HealthSchema = v.object({ ok: v.literal(true), worker: v.string() });

type Json = { [key: string]: unknown };

const SCHEMA_REF = "#/components/schemas/";
const ref = (group: string, name: string) => ({ $ref: `#/components/${group}/${name}` });

// Transforms and `check` predicates have no JSON Schema form; the Workers still run them.
const common: ConversionConfig = {
  target: "draft-2020-12",
  ignoreActions: ["check", "to_lower_case"],
  overrideRef: (context) => SCHEMA_REF + context.referenceId,
};

/** Request schemas describe what a client sends: the input side of each pipeline. */
function requestSchemas(): Record<string, JsonSchema> {
  return toJsonSchemaDefs(
    {
      UploadIntent: UploadIntentSchema,
      GenerationRequest: GenerationRequestSchema,
      FileListQuery: FileListQuerySchema,
      IdempotencyKey: IdempotencyKeySchema,
    },
    { ...common, typeMode: "input" },
  );
}

/** Response and message schemas describe what Trove produces: the output side. */
function responseSchemas(): Record<string, JsonSchema> {
  return toJsonSchemaDefs(
    {
      UploadCreated: UploadCreatedSchema,
      UploadState: UploadStateSchema,
      FileList: FileListSchema,
      FileItem: FileItemSchema,
      DownloadLink: DownloadLinkSchema,
      Generation: GenerationSchema,
      SignedDownload: SignedDownloadSchema,
      Problem: ProblemSchema,
      FieldIssue: FieldIssueSchema,
      Health: HealthSchema,
      R2Event: R2EventSchema,
    },
    { ...common, typeMode: "output" },
  );
}

/** Error answers, each an RFC 9457 problem document, keyed by the status they carry. */
const PROBLEMS: Record<string, { name: string; description: string; headers?: string[] }> = {
  "400": { name: "BadRequest", description: "The request is not valid; `errors` lists the fields." },
  "401": {
    name: "Unauthorized",
    description: "No bearer token, or one that is expired, badly signed or for another audience.",
    headers: ["WWW-Authenticate"],
  },
  "403": { name: "Forbidden", description: "The token lacks the scope this operation needs." },
  "404": {
    name: "NotFound",
    description: "No such resource for this user (another user's looks the same).",
  },
  "409": {
    name: "Conflict",
    description:
      "The resource's state does not allow this: a request with this Idempotency-Key is still " +
      "running (`generation_in_progress`, retry after Retry-After), or the upload is no longer " +
      "pending (`not_pending`).",
    headers: ["Retry-After"],
  },
  "413": { name: "ContentTooLarge", description: "The declared size or the JSON body is too large." },
  "415": {
    name: "UnsupportedMediaType",
    description: "The body is not JSON, or the file type is not allowed by the upload policy.",
  },
  "422": {
    name: "UnprocessableContent",
    description: "The model is not allowed here, or the Idempotency-Key was used for another request.",
  },
  "429": {
    name: "TooManyRequests",
    description:
      "The rate limit (`rate_limited`, with Retry-After) or the storage quota (`quota_exceeded`) is reached.",
    headers: ["Retry-After"],
  },
  "500": { name: "InternalError", description: "A fault on Trove's side." },
  "502": { name: "BadGateway", description: "The model provider failed or answered unusable output." },
  "504": { name: "GatewayTimeout", description: "The model provider did not answer in time." },
};

const HEADERS: Json = {
  "X-Request-Id": {
    description: "The request's id, also in the problem's `requestId` and in Trove's logs.",
    schema: { type: "string" },
  },
  "Retry-After": {
    description: "Seconds to wait before retrying; sent with rate limits, not with quota errors.",
    schema: { type: "integer", minimum: 0 },
  },
  "WWW-Authenticate": { description: "The bearer challenge.", schema: { type: "string" } },
  Location: { description: "The new generation's path.", schema: { type: "string" } },
  "Idempotent-Replayed": {
    description: "`true` when the answer is an earlier generation for the same Idempotency-Key.",
    schema: { const: "true" },
  },
};

function problemResponses(): Json {
  const responses: Json = {};
  for (const { name, description, headers = [] } of Object.values(PROBLEMS)) {
    const headerRefs: Json = { "X-Request-Id": ref("headers", "X-Request-Id") };
    for (const header of headers) headerRefs[header] = ref("headers", header);
    responses[name] = {
      description,
      headers: headerRefs,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ref("schemas", "Problem") } },
    };
  }
  return responses;
}

interface Operation {
  operationId: string;
  summary: string;
  tags: string[];
  /** The scope a token must carry; absent for unauthenticated routes. */
  scope?: string;
  parameters?: Json[];
  body?: string;
  success: { status: string; description: string; schema?: string; headers?: string[] };
  errors: string[];
}

function operation(op: Operation): Json {
  const responses: Json = {};
  const { status, description, schema, headers = [] } = op.success;
  const successHeaders: Json = {};
  for (const header of headers) successHeaders[header] = ref("headers", header);
  responses[status] = {
    description,
    ...(headers.length > 0 ? { headers: successHeaders } : {}),
    ...(schema ? { content: { "application/json": { schema: ref("schemas", schema) } } } : {}),
  };
  for (const code of [...op.errors, "500"]) {
    const problem = PROBLEMS[code];
    if (!problem) throw new Error(`No problem response for status ${code}`);
    responses[code] = ref("responses", problem.name);
  }

  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: op.tags,
    ...(op.scope
      ? {
          description: `Needs a token with the \`${op.scope}\` scope.`,
          security: [{ bearerAuth: [op.scope] }],
        }
      : { security: [] }),
    ...(op.parameters ? { parameters: op.parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("schemas", op.body) } },
          },
        }
      : {}),
    responses,
  };
}

const AUTH_ERRORS = ["401", "403"];

function idParameter(what: string, schema: Json): Json {
  return { name: "id", in: "path", required: true, description: `The ${what}'s id.`, schema };
}

const ID_SCHEMA = { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$" };

/** Query parameters of `GET /v1/files`, taken from FileListQuerySchema's properties. */
function fileListParameters(requests: Record<string, JsonSchema>): Json[] {
  const query = requests.FileListQuery as { properties: Record<string, JsonSchema> };
  return Object.entries(query.properties).map(([name, schema]) => ({
    name,
    in: "query",
    required: false,
    description:
      name === "limit"
        ? `Page size, 1 to ${MAX_FILE_PAGE_SIZE}.`
        : "The `nextCursor` of the previous page, unchanged.",
    schema,
  }));
}

function paths(requests: Record<string, JsonSchema>): Json {
  const uploads = ["Uploads"];
  const files = ["Files"];
  const generations = ["Generations"];
  return {
    "/v1/uploads": {
      post: operation({
        operationId: "createUpload",
        summary: "Ask to upload a file: checks policy and quota, answers a presigned PUT.",
        tags: uploads,
        scope: "uploads:write",
        body: "UploadIntent",
        success: {
          status: "201",
          description: "A pending upload. Send the bytes with `upload.method` to `upload.url` with exactly `upload.headers`.",
          schema: "UploadCreated",
        },
        errors: ["400", ...AUTH_ERRORS, "413", "415", "429"],
      }),
    },
    "/v1/uploads/{id}": {
      get: operation({
        operationId: "getUpload",
        summary: "The upload's place in its lifecycle.",
        tags: uploads,
        scope: "uploads:read",
        parameters: [idParameter("upload", ID_SCHEMA)],
        success: { status: "200", description: "The upload.", schema: "UploadState" },
        errors: [...AUTH_ERRORS, "404"],
      }),
      delete: operation({
        operationId: "cancelUpload",
        summary:
          "Cancels a pending upload: it becomes `cancelled`, its reservation is released and " +
          "any object already at its key is deleted (so is one that arrives later).",
        tags: uploads,
        scope: "uploads:write",
        parameters: [idParameter("upload", ID_SCHEMA)],
        success: {
          status: "204",
          description: "Cancelled, also when it already was (a repeated cancel changes nothing).",
        },
        errors: [...AUTH_ERRORS, "404", "409"],
      }),
    },
    "/v1/files": {
      get: operation({
        operationId: "listFiles",
        summary: "The caller's ready files, newest first.",
        tags: files,
        scope: "files:read",
        parameters: fileListParameters(requests),
        success: { status: "200", description: "A page of files.", schema: "FileList" },
        errors: ["400", ...AUTH_ERRORS],
      }),
    },
    "/v1/files/{id}/download": {
      get: operation({
        operationId: "downloadFile",
        summary: "A short-lived signed GET URL that downloads the file as an attachment.",
        tags: files,
        scope: "files:read",
        parameters: [idParameter("file", ID_SCHEMA)],
        success: { status: "200", description: "The download link.", schema: "DownloadLink" },
        errors: [...AUTH_ERRORS, "404"],
      }),
    },
    "/v1/files/{id}": {
      delete: operation({
        operationId: "deleteFile",
        summary: "Deletes the file's object and marks the file deleted.",
        tags: files,
        scope: "files:write",
        parameters: [idParameter("file", ID_SCHEMA)],
        success: { status: "204", description: "Deleted." },
        errors: [...AUTH_ERRORS, "404"],
      }),
    },
    "/v1/generations": {
      post: operation({
        operationId: "createGeneration",
        summary: "Generates text, an image or a JSON object with a model, stores and records it.",
        tags: generations,
        scope: "generations:write",
        parameters: [
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description: "A retry with the same key answers the same generation.",
            schema: ref("schemas", "IdempotencyKey"),
          },
        ],
        body: "GenerationRequest",
        success: {
          status: "201",
          description: "The stored generation with a download link.",
          schema: "Generation",
          headers: ["Location", "Idempotent-Replayed"],
        },
        errors: ["400", ...AUTH_ERRORS, "409", "413", "415", "422", "429", "502", "504"],
      }),
    },
    "/v1/generations/{id}": {
      get: operation({
        operationId: "getGeneration",
        summary: "A generation, with a fresh download link while its file is ready.",
        tags: generations,
        scope: "generations:read",
        parameters: [idParameter("generation", ID_SCHEMA)],
        success: { status: "200", description: "The generation.", schema: "Generation" },
        errors: [...AUTH_ERRORS, "404"],
      }),
    },
    "/healthz": {
      get: operation({
        operationId: "health",
        summary: "Liveness. Each Worker answers it with its own name.",
        tags: ["Health"],
        success: { status: "200", description: "The Worker is up.", schema: "Health" },
        errors: [],
      }),
    },
  };
}

/** Builds the whole document; deterministic, so the committed file can be compared with it. */
export function buildOpenApiDocument(): Json {
  const requests = requestSchemas();
  const { FileListQuery: _query, ...requestBodies } = requests;
  return {
    openapi: "3.1.0",
    info: {
      title: "Trove API",
      version: "1.0.0",
      description:
        "Uploads, files and AI generations. Every error is an RFC 9457 problem document " +
        "(application/problem+json) with a stable `code`. Generated from @trove/contracts.",
    },
    servers: [{ url: "http://127.0.0.1:8787", description: "The local stack (`pnpm dev`)." }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "Uploads", description: "Direct uploads to storage with presigned PUTs." },
      { name: "Files", description: "Ready files: list, download, delete." },
      { name: "Generations", description: "AI-generated content." },
      { name: "Health", description: "Liveness of each Worker." },
    ],
    paths: paths(requests),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A JWT whose space-separated `scope` claim lists what it may do; each operation's " +
            "security requirement names the scope it needs.",
        },
      },
      schemas: { ...requestBodies, ...responseSchemas() },
      responses: problemResponses(),
      headers: HEADERS,
    },
  };
}
