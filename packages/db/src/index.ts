import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export * from "./schema";

/** A drizzle client over a D1 binding, typed with Trove's schema. */
export function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Db = ReturnType<typeof createDb>;
export * from "./queries/uploads";
export * from "./queries/usage";
export * from "./queries/generations";
export * from "./queries/transitions";
export * from "./queries/outbox";
