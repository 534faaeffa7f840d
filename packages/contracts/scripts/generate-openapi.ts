// Writes openapi.json from the valibot contracts. Run from the root with `pnpm openapi`.
import { writeFileSync } from "node:fs";
import { buildOpenApiDocument } from "../src/openapi.ts";
import { OPENAPI_PATH, serialize } from "./openapi-file.ts";

writeFileSync(OPENAPI_PATH, serialize(buildOpenApiDocument()));
console.log(`wrote ${OPENAPI_PATH}`);
