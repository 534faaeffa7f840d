import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../src/openapi.ts";
import { OPENAPI_PATH, serialize } from "../scripts/openapi-file.ts";

type Json = Record<string, any>;

const committed = readFileSync(OPENAPI_PATH, "utf8");
const document = JSON.parse(committed) as Json;

/** PRODUCT.md's API table, with the scope each route's handler asks `authenticate` for. */
const ROUTES = [
  ["post", "/v1/uploads", "uploads:write", "201"],
  ["get", "/v1/uploads/{id}", "uploads:read", "200"],
  ["delete", "/v1/uploads/{id}", "uploads:write", "204"],
  ["get", "/v1/files", "files:read", "200"],
  ["get", "/v1/files/{id}/download", "files:read", "200"],
  ["delete", "/v1/files/{id}", "files:write", "204"],
  ["post", "/v1/generations", "generations:write", "201"],
  ["get", "/v1/generations/{id}", "generations:read", "200"],
  ["get", "/healthz", undefined, "200"],
] as const;

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

function operations(): [string, string, Json][] {
  return Object.entries(document.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, string, Json] => [method, path, op as Json]),
  );
}

/** Follows a local `#/a/b` pointer, or returns undefined when it leads nowhere. */
function resolve(pointer: string): unknown {
  if (!pointer.startsWith("#/")) return undefined;
  let node: unknown = document;
  for (const raw of pointer.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Json)[key];
  }
  return node;
}

function refsIn(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => refsIn(child, found));
  else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") found.push(value);
      else refsIn(value, found);
    }
  }
  return found;
}

/** An inline object or the component a `$ref` names. */
const deref = (node: Json): Json => (typeof node.$ref === "string" ? (resolve(node.$ref) as Json) : node);

describe("openapi.json", () => {
  it("is what the contracts generate now (run `pnpm openapi` when this fails)", () => {
    expect(committed).toBe(serialize(buildOpenApiDocument()));
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("resolves every $ref", () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(20);
    expect(refs.filter((pointer) => resolve(pointer) === undefined)).toEqual([]);
  });

  it("describes exactly the API table's routes, each with its scope and success status", () => {
    const described = operations().map(([method, path, op]) => {
      const scopes = (op.security as Json[]).flatMap((requirement) => requirement.bearerAuth ?? []);
      const success = Object.keys(op.responses).find((status) => status.startsWith("2"));
      return [method, path, scopes[0], success];
    });
    expect(described).toEqual(ROUTES.map((route) => [...route]));
  });

  it("answers every error with a problem document and every operation with a 2xx", () => {
    for (const [method, path, op] of operations()) {
      const statuses = Object.keys(op.responses);
      expect(statuses.some((status) => status.startsWith("2")), `${method} ${path}`).toBe(true);
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        const response = deref(op.responses[status]);
        expect(Object.keys(response.content), `${method} ${path} ${status}`).toEqual([
          "application/problem+json",
        ]);
        expect(response.content["application/problem+json"].schema).toEqual({
          $ref: "#/components/schemas/Problem",
        });
      }
    }
  });

  it("needs a token everywhere but /healthz, with 401 and 403 described", () => {
    for (const [method, path, op] of operations()) {
      if (path === "/healthz") {
        expect(op.security).toEqual([]);
        continue;
      }
      expect(Object.keys(op.responses), `${method} ${path}`).toEqual(
        expect.arrayContaining(["401", "403"]),
      );
    }
  });

  it("gives policy and provider failures their statuses, and 429 a Retry-After header", () => {
    const statuses = (method: string, path: string) =>
      Object.keys(document.paths[path][method].responses);
    expect(statuses("post", "/v1/uploads")).toEqual(
      expect.arrayContaining(["400", "413", "415", "429"]),
    );
    expect(statuses("post", "/v1/generations")).toEqual(
      expect.arrayContaining(["400", "413", "415", "422", "429", "502", "504"]),
    );
    for (const [, , op] of operations()) {
      if (!op.responses["429"]) continue;
      expect(Object.keys(deref(op.responses["429"]).headers)).toContain("Retry-After");
    }
  });

  it("carries the contracts' constraints into the request schemas", () => {
    const intent = document.components.schemas.UploadIntent;
    expect(intent.required).toEqual(["filename", "contentType", "size"]);
    expect(intent.properties.sha256.pattern).toBe("^[0-9a-fA-F]{64}$");
    const generation = document.components.schemas.GenerationRequest;
    expect(generation.additionalProperties).toBe(false);
    expect(generation.properties.kind.enum).toEqual(["text", "image", "json"]);
  });
});
