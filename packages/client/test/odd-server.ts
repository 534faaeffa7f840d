import http from "node:http";

/**
 * A server on 127.0.0.1 for answers the real stack never gives: a 2xx body that breaks the
 * contract, and an error that is not a problem document (as a misconfigured proxy would send).
 */
export async function startOddServer(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.url?.startsWith("/v1/uploads/")) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ id: 42, status: "somewhere" }));
      return;
    }
    response.writeHead(502, { "content-type": "text/html" });
    response.end("<html><body>Bad gateway</body></html>");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    // A browser keeps connections open; close them too, or close() waits for them to time out.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
