#!/usr/bin/env node
// `npm run bench` runs every benchmark in bench/ (each `bench/NAME.bench.mjs`), `npm run bench -- NAME [NAME...]` the
// named ones. Each runs in its own process after a (cached) build, prints its figures, and ends with
//   NAME: ratio R (baseline ..., goal ...)
// Ratios compare against a baseline measured in the same run, because these machines are noisy.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const benchDir = join(root, "bench");
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .map((f) => f.slice(0, -".bench.mjs".length))
  .sort();
const requested = process.argv.slice(2);
const unknown = requested.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(", ")} (available: ${available.join(", ")})`);
  process.exit(2);
}
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };
const build = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (build.status !== 0) process.exit(build.status ?? 1);

let failed = false;
for (const name of requested.length > 0 ? requested : available) {
  console.log(`\n▶ ${name}`);
  const result = spawnSync(process.execPath, [join(benchDir, `${name}.bench.mjs`)], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    console.error(`${name}: failed (exit ${result.status})`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
