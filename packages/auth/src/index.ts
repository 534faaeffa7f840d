export * from "./config";
export * from "./issue";
export * from "./scopes";
export * from "./verify";
export * from "./service";
