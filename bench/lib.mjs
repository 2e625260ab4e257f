// Helpers shared by the benchmarks.
import { spawnSync } from "node:child_process";

/** Wall time of one run of a command, in milliseconds. Throws when it fails. */
export function timeCommand(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/** Median, minimum and 90th percentile of a list of numbers. */
export function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], p90: at(0.9), runs: sorted.length };
}

export const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** The closing line every benchmark prints. `lowerIsBetter`: the goal is ratio ≤ goal (else ≥ goal). */
export function report(name, { ratio, baseline, goal, lowerIsBetter = true }) {
  const met = lowerIsBetter ? ratio <= goal : ratio >= goal;
  const goalText = `${lowerIsBetter ? "≤" : "≥"} ${goal}`;
  console.log(
    `${name}: ratio ${ratio.toFixed(2)} (baseline ${baseline}, goal ${goalText}: ${met ? "met" : "missed"})`,
  );
}
