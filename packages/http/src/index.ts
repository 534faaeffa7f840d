export * from "./body";
export * from "./errors";
export * from "./log";
export * from "./problem";
export * from "./router";
export * from "./stream";
