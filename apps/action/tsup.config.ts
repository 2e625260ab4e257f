import { defineConfig } from "tsup";

// The runner executes dist/index.js with no node_modules: bundle everything into that one committed file.
// Reproducible: the same sources and lockfile give the same bytes (no source map, no timestamps), and a test fails
// while the committed file differs from a fresh build.
export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  noExternal: [/.*/],
  splitting: false,
  minify: false,
  sourcemap: false,
  clean: true,
  outExtension: () => ({ js: ".js" }),
  banner: {
    js: 'import { createRequire as __bsaasCreateRequire } from "node:module"; const require = __bsaasCreateRequire(import.meta.url);',
  },
});
