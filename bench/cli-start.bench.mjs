// Cold start of `bsaas --version` against bare `node -e 0`: a fresh process each run, the two interleaved so machine
// noise hits both alike; median of BENCH_RUNS (default 15) each, after one warm-up of each (file cache, not process state).
import { join } from "node:path";
import { fmt, report, stats, timeCommand } from "./lib.mjs";

const root = new URL("..", import.meta.url).pathname;
const runs = Number(process.env.BENCH_RUNS ?? 15);
const bare = [process.execPath, ["-e", "0"]];
const cli = [process.execPath, [join(root, "apps/cli/bin/run.js"), "--version"]];

timeCommand(...bare);
timeCommand(...cli);
const bareTimes = [];
const cliTimes = [];
for (let i = 0; i < runs; i++) {
  bareTimes.push(timeCommand(...bare));
  cliTimes.push(timeCommand(...cli));
}
const b = stats(bareTimes);
const c = stats(cliTimes);
console.log(
  `node -e 0        median ${fmt(b.median)}  min ${fmt(b.min)}  p90 ${fmt(b.p90)}  (${b.runs} runs)`,
);
console.log(
  `bsaas --version  median ${fmt(c.median)}  min ${fmt(c.min)}  p90 ${fmt(c.p90)}  (${c.runs} runs)`,
);
report("cli-start", { ratio: c.median / b.median, baseline: `node -e 0 median ${fmt(b.median)}`, goal: 2.0 });
