export * from "./body";
export * from "./errors";
export * from "./json";
export * from "./log";
export * from "./problem";
export * from "./rate-limit";
export * from "./router";
export * from "./stream";
