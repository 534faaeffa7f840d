import http from "node:http";

/** Serves one plain page from an origin the bucket's CORS policy does not list. */
export async function startForeignOrigin(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><title>Elsewhere</title><h1>A page on another origin</h1>");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}/`,
    // A browser keeps connections open; close them too, or close() waits for them to time out.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
