#!/usr/bin/env node
// `npm start`: build everything, then `bsaas up`: the emulated Mesos and Marathon with a real HTCondor pool from
// examples/local.yaml on this machine, sample jobs, the status; running until Ctrl-C (or SIGTERM), which drains and
// stops everything. Arguments go to `bsaas up`: `npm start -- --once --json`.
import { spawn, spawnSync } from "node:child_process";
import { ensureDependencies } from "./ensure-deps.mjs";

const root = new URL("..", import.meta.url).pathname;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };

ensureDependencies(root);
const build = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
  cwd: root,
  env,
  stdio: "inherit",
});
if (build.status !== 0) process.exit(build.status ?? 1);

const child = spawn(process.execPath, ["apps/cli/bin/run.js", "up", ...process.argv.slice(2)], {
  cwd: root,
  env,
  stdio: "inherit",
});
// Ctrl-C reaches the child through the terminal; SIGTERM is passed on. Either way this process waits for the
// child's teardown (drain, stop, no process left) and exits with its status.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
