import { FILE_ORIGINS as DB_ORIGINS, FILE_STATUSES as DB_STATUSES } from "@trove/db/schema";
import { describe, expect, it } from "vitest";
import { FILE_ORIGINS } from "../src/files";
import { UPLOAD_STATUSES } from "../src/uploads";

// The database's enums and the API's picklists are written twice (drizzle-kit loads the schema
// on its own, without the workspace's TypeScript packages); this keeps them from drifting apart.
describe("statuses and origins", () => {
  it("the API lists exactly the statuses the database stores", () => {
    expect([...UPLOAD_STATUSES].sort()).toEqual([...DB_STATUSES].sort());
  });

  it("the API lists exactly the origins the database stores", () => {
    expect([...FILE_ORIGINS].sort()).toEqual([...DB_ORIGINS].sort());
  });
});
