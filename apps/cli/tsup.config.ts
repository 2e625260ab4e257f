import { defineConfig } from "tsup";

// Everything (oclif, the SDK, zod, yaml) is bundled: bin/run.js loads dist/run.js, commands are separate entries
// loaded lazily through oclif's manifest, and code they share lives in chunks. Start-up reads a few files instead of
// resolving hundreds of modules (`npm run bench -- cli-start` measures it).
export default defineConfig({
  entry: {
    run: "src/run.ts",
    "commands/validate": "src/commands/validate.ts",
    "commands/schema": "src/commands/schema.ts",
  },
  format: ["esm"],
  target: "node20",
  platform: "node",
  noExternal: [/^(?!typescript$|ts-node|tsx)/],
  // oclif looks for a TypeScript compiler only to run uncompiled .ts commands in development; never bundle it.
  external: ["typescript", "ts-node", "tsx"],
  splitting: true,
  minify: true,
  clean: true,
  sourcemap: true,
  // Bundled CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __bsaasCreateRequire } from "node:module"; const require = __bsaasCreateRequire(import.meta.url);',
  },
});
