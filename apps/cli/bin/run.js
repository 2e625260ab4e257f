#!/usr/bin/env node
// The CLI is bundled into dist/ by `npm run build` (see tsup.config.ts); a clear message beats a module-not-found stack.
const entry = new URL("../dist/run.js", import.meta.url);
let execute;
try {
  ({ execute } = await import(entry));
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes(entry.pathname)) throw error;
  process.stderr.write(
    "bsaas is not built yet: run `npm run build` (or `npm start`) in the bsaas repository first.\n",
  );
  process.exit(1);
}
await execute({ dir: import.meta.url });
