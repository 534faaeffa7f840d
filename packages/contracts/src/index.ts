export * from "./problem";
export * from "./r2-event";
export * from "./generations";
export * from "./uploads";
export * from "./files";
export * from "./notifications";
export * from "./object-keys";
