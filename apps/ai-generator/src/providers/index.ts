import type { Config } from "../config";
import { createEchoProvider } from "./echo";
import { createOpenAiProvider } from "./openai";
import type { Provider } from "./provider";
import { createWorkersAiProvider } from "./workers-ai";

export * from "./provider";

/** The provider the configuration names; config.ts has already checked what it needs. */
export function providerFor(config: Config): Provider {
  switch (config.provider) {
    case "workers-ai":
      return createWorkersAiProvider(config.ai as NonNullable<Config["ai"]>);
    case "openai":
      return createOpenAiProvider(config.openai as NonNullable<Config["openai"]>);
    case "echo":
      return createEchoProvider();
  }
}
