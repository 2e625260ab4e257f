#!/usr/bin/env node
// `npm start`: build everything, then run bsaas on examples/local.yaml.
import { spawnSync } from "node:child_process";
import { ensureDependencies } from "./ensure-deps.mjs";

const root = new URL("..", import.meta.url).pathname;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1" };
const run = (command, args) => spawnSync(command, args, { cwd: root, env, stdio: "inherit" }).status ?? 1;

ensureDependencies(root);
if (run("npx", ["turbo", "run", "build", "--output-logs=errors-only"]) !== 0) process.exit(1);
const status = run(process.execPath, ["apps/cli/bin/run.js", "validate", "-f", "examples/local.yaml"]);
console.log(
  "\nThis checks the cluster file and shows what it deploys. Deploying it (`bsaas up`: the emulated Mesos and Marathon\n" +
    "with a real HTCondor pool on this machine) is not implemented yet; see README.md for what works today.",
);
process.exit(status);
