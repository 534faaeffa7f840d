import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { describeError } from "../src/log";

describe("describeError", () => {
  it("keeps a failed query's bound values out of the log", () => {
    const cause = new Error("D1_ERROR: no such table: usage: SQLITE_ERROR");
    const error = new DrizzleQueryError(
      "update files set caption = ? where id = ?",
      ["a photo of alice's passport", "file-1"],
      cause,
    );

    const fields = describeError(error);

    expect(JSON.stringify(fields)).not.toContain("passport");
    expect(fields).toEqual({
      errorName: "DrizzleQueryError",
      errorMessage: "D1_ERROR: no such table: usage: SQLITE_ERROR",
      errorQuery: "update files set caption = ? where id = ?",
    });
  });

  it("describes other errors by name and message", () => {
    expect(describeError(new TypeError("bad"))).toEqual({ errorName: "TypeError", errorMessage: "bad" });
    expect(describeError("plain")).toEqual({ errorName: "unknown", errorMessage: "plain" });
  });
});
