// A stand-in for an OpenAI-compatible API, run in Node by vitest's globalSetup on 127.0.0.1.
// It speaks the wire format of chat completions and image generations, and the model named in
// a request picks its behaviour (an answer, an error answer, a slow answer, a malformed one).
// GET /__calls?marker=X counts the requests whose body contains X, so a test can show that a
// refused request never reached the model.
import http from "node:http";
import zlib from "node:zlib";

const calls = [];

export default async function setup({ provide }) {
  const server = http.createServer(handle);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  provide("openaiStubUrl", `http://127.0.0.1:${port}/v1`);
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
}

async function handle(request, response) {
  const url = new URL(request.url, "http://stub");
  if (request.method === "GET" && url.pathname === "/__calls") {
    const marker = url.searchParams.get("marker") ?? "";
    const matching = calls.filter((call) => call.body.includes(marker));
    return json(response, 200, { calls: matching });
  }

  const body = await readBody(request);
  calls.push({ path: url.pathname, authorization: request.headers.authorization ?? null, body });
  let payload;
  try {
    payload = JSON.parse(body);
  } catch {
    return json(response, 400, { error: { message: "body is not JSON", type: "invalid_request_error" } });
  }

  const model = String(payload.model ?? "");
  if (model === "stub-error-500") return json(response, 500, { error: { message: "The server had an error", type: "server_error" } });
  if (model === "stub-error-401") return json(response, 401, { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } });
  if (model === "stub-error-429") return json(response, 429, { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } });
  if (model === "stub-slow") await new Promise((resolve) => setTimeout(resolve, 3000));
  if (model === "stub-not-json") {
    response.writeHead(200, { "content-type": "text/html" });
    return response.end("<html>gateway error</html>");
  }

  if (url.pathname === "/v1/chat/completions") return chat(response, model, payload);
  if (url.pathname === "/v1/images/generations") return images(response, model, payload);
  return json(response, 404, { error: { message: `no route ${url.pathname}`, type: "invalid_request_error" } });
}

function chat(response, model, payload) {
  const message = payload.messages?.findLast?.((each) => each.role === "user")?.content;
  let content;
  if (model === "stub-empty") content = "";
  // JSON mode: content is a JSON text, as OpenAI sends it; only when response_format asks for it.
  else if (model === "stub-json" && payload.response_format?.type === "json_object") content = JSON.stringify({ answer: "stub", to: message });
  else if (model === "stub-json-array") content = "[1, 2, 3]";
  else if (model === "stub-huge") content = "x".repeat(20_000);
  // Larger than any test's MAX_OUTPUT_BYTES plus the room the provider leaves for the JSON.
  else if (model === "stub-flood") content = "x".repeat(200_000);
  else if (Array.isArray(message)) content = "A small square picture, as described by the stub vision model.";
  else content = `stub answer to: ${message}`;
  if (model === "stub-no-choices") return json(response, 200, { id: "chatcmpl-stub", object: "chat.completion", choices: [] });
  return json(response, 200, {
    id: "chatcmpl-stub",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}

function images(response, model, payload) {
  const item = {};
  if (model === "stub-image-text") item.b64_json = Buffer.from("just some text, not an image").toString("base64");
  else if (model === "stub-image-svg") item.b64_json = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString("base64");
  else if (model === "stub-image-bad-b64") item.b64_json = "!!! not base64 !!!";
  else if (model === "stub-image-url") item.url = "https://images.example/one.png";
  else item.b64_json = png(4, 3).toString("base64");
  return json(response, 200, { created: 1, data: [item], prompt: payload.prompt });
}

/** A real RGB PNG of the given size, so the generator's sniffing sees image/png. */
function png(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc(height * (width * 3 + 1), 0x7f);
  for (let y = 0; y < height; y++) raw[y * (width * 3 + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function json(response, status, value) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}
