export * from "./problem";
export * from "./r2-event";
