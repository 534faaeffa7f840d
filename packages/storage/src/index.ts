export * from "./content-type";
export * from "./disposition";
export * from "./download";
export * from "./presign";
export * from "./storage";
