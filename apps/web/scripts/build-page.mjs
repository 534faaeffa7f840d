#!/usr/bin/env node
// Builds the page into site/, the assets directory wrangler.jsonc serves: page/main.ts and the
// packages it imports (the client is TypeScript source) bundled by esbuild, plus the static
// HTML and CSS copied as they are.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const app = path.resolve(import.meta.dirname, "..");
const page = path.join(app, "page");
const site = path.join(app, "site");

rmSync(site, { recursive: true, force: true });
mkdirSync(site, { recursive: true });

await build({
  entryPoints: [path.join(page, "main.ts")],
  outfile: path.join(site, "app.js"),
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
});

for (const file of ["index.html", "styles.css"]) {
  cpSync(path.join(page, file), path.join(site, file));
}
