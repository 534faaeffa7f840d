export * from "./problem";
export * from "./r2-event";
export * from "./uploads";
export * from "./files";
