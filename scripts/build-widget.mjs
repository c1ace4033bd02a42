// Builds the reader widget from src/rostra/web/widget into the files the Python package serves
// (src/rostra/web/static/embed.js and count.js). `node scripts/build-widget.mjs OUT_DIR` writes them
// elsewhere, which is how tests/web/test_bundle.py checks that the shipped files match the source.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = path.join(root, "src/rostra/web/widget");
const out = path.resolve(process.argv[2] || path.join(root, "src/rostra/web/static"));

await build({
  entryPoints: { embed: path.join(source, "embed.js"), count: path.join(source, "count.js") },
  outdir: out,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  loader: { ".css": "text" },
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
  banner: { js: "/* Rostra reader widget, AGPL-3.0-or-later; source: src/rostra/web/widget */" },
});
