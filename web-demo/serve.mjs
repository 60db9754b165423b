// Serves web-demo/dist/ on 127.0.0.1.
//   node web-demo/serve.mjs [PORT]     (or PORT=... ; default 8080; 0 picks a free port)
// Prints the URL once listening, e.g. "vaultcrm demo: http://127.0.0.1:8080/".
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "dist");
const port = Number.parseInt(process.argv[2] ?? process.env.PORT ?? "8080", 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve.mjs: bad port ${process.argv[2] ?? process.env.PORT}`);
  process.exit(1);
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

const server = createServer(async (req, res) => {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    res.writeHead(400).end("Bad request");
    return;
  }
  if (pathname.endsWith("/")) pathname += "index.html";
  const file = normalize(join(dist, pathname));
  if (file !== dist && !file.startsWith(dist + sep)) {
    res.writeHead(403).end("Forbidden");
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": types[extname(file)] ?? "application/octet-stream",
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found");
  }
});

server.on("error", (err) => {
  console.error(`serve.mjs: ${err.message}`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  const { port: actual } = server.address();
  console.log(`vaultcrm demo: http://127.0.0.1:${actual}/`);
});
