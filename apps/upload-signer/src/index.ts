import { createApiRouter } from "@trove/http";
import { methodNotAllowed } from "./responses";
import { deleteFile, downloadFile, listFiles } from "./routes/files";
import { cancelUpload, createUpload, getUpload } from "./routes/uploads";

const router = createApiRouter<[Env, ExecutionContext]>("upload-signer");

router
  .get("/healthz", () => Response.json({ ok: true, worker: "upload-signer" }))
  .post("/v1/uploads", createUpload)
  .get("/v1/uploads/:id", getUpload)
  .delete("/v1/uploads/:id", cancelUpload)
  .get("/v1/files", listFiles)
  .get("/v1/files/:id/download", downloadFile)
  .delete("/v1/files/:id", deleteFile)
  // Known paths asked with another method: 405 with Allow, not the 404 of an unknown path.
  .all("/healthz", methodNotAllowed("GET"))
  .all("/v1/uploads", methodNotAllowed("POST"))
  .all("/v1/uploads/:id", methodNotAllowed("GET, DELETE"))
  .all("/v1/files", methodNotAllowed("GET"))
  .all("/v1/files/:id/download", methodNotAllowed("GET"))
  .all("/v1/files/:id", methodNotAllowed("DELETE"));

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
