export * from "./content-type";
export * from "./disposition";
export * from "./presign";
export * from "./storage";
