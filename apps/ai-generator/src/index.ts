import { router } from "./routes";

export { GeneratorEntrypoint } from "./entrypoint";

export default {
  fetch: (request, env, ctx) => router.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
