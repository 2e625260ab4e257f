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

/** Small deterministic PRNG (mulberry32), so every run measures the same data. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random helpers over {@link prng}: numbers in a range, a pick from a list, hex strings and UUIDs. */
export function randomTools(seed) {
  const rand = prng(seed);
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[int(0, 15)]).join("");
  const uuid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
  return { rand, int, pick, hex, uuid };
}

/** Wall time of one call of `fn` (awaited when it returns a promise), in milliseconds. */
export async function timeFn(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Times each case `runs` times after `warmups` untimed rounds, interleaving the cases in every round so that machine
 * noise hits them alike. Resolves with the {@link stats} of each case by name.
 */
export async function interleave(cases, { runs, warmups = 0 }) {
  const names = Object.keys(cases);
  for (let i = 0; i < warmups; i++) for (const name of names) await timeFn(cases[name]);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < runs; i++) for (const name of names) times[name].push(await timeFn(cases[name]));
  return Object.fromEntries(names.map((n) => [n, stats(times[n])]));
}
