// Bundles the widget and socket.io-client into one file, dist/advisor-widget.js, and copies the
// demo page beside it. Nothing is loaded from elsewhere at run time.
import { copyFile, mkdir } from "node:fs/promises";
import { build } from "esbuild";

await mkdir("dist", { recursive: true });
await build({
  entryPoints: ["src/widget.js"],
  outfile: "dist/advisor-widget.js",
  bundle: true,
  format: "iife",
  minify: true,
  target: ["es2020"],
  loader: { ".css": "text" },
  logLevel: "warning",
});
await copyFile("src/index.html", "dist/index.html");
