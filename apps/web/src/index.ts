export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/v1/generations")) return env.GENERATOR.fetch(request);
    if (pathname.startsWith("/v1/")) return env.UPLOADS.fetch(request);
    if (pathname === "/healthz") return Response.json({ ok: true, worker: "web" });
    return env.ASSETS.fetch(request);
  },
} satisfies ExportedHandler<Env>;
