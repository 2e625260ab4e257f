import { defineConfig } from "tsup";

// Everything (oclif, the SDK, zod, yaml) is bundled: bin/run.js loads dist/run.js, commands are separate entries
// loaded lazily through oclif's manifest, and code they share lives in chunks. Start-up reads a few files instead of
// resolving hundreds of modules (`npm run bench -- cli-start` measures it).
export default defineConfig({
  // Paths below src/ are kept: src/commands/marathon/apps.ts → dist/commands/marathon/apps.js.
  entry: ["src/run.ts", "src/commands/**/*.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  noExternal: [/^(?!typescript$|ts-node|tsx|react-devtools-core)/],
  // oclif looks for a TypeScript compiler only to run uncompiled .ts commands in development; never bundle it.
  // Ink (`bsaas tui`) imports React's devtools only when DEV=true; they are not installed, so leave that import alone.
  external: ["typescript", "ts-node", "tsx", "react-devtools-core"],
  splitting: true,
  minify: true,
  clean: true,
  sourcemap: true,
  // Bundled CommonJS dependencies call require() for Node built-ins.
  // The SDK declares "sideEffects": false; its chunks' ordering-only imports are safe to drop, so don't warn about it.
  esbuildOptions(options) {
    options.logOverride = { "ignored-bare-import": "silent" };
  },
  banner: {
    js: 'import { createRequire as __bsaasCreateRequire } from "node:module"; const require = __bsaasCreateRequire(import.meta.url);',
  },
});
