import { readdirSync, readFileSync } from "node:fs";

/** Whether a pid is a live process; zombies count as gone (test helper). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Polls `predicate` until it holds; rejects after `timeoutMs` (test helper). */
export async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A port range start unlikely to collide with other tests running at the same time (test helper). */
export function randomPortBase(span = 3000): number {
  return 35000 + Math.floor(Math.random() * ((60000 - span - 35000) / 1000)) * 1000;
}

/**
 * Pids of live processes whose environment holds `name=value` (test helper; reads /proc, needs the right to read
 * other processes' environ, e.g. root or the same user).
 */
export function processesWithEnv(name: string, value: string): number[] {
  const marker = `\0${name}=${value}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (
        `\0${readFileSync(`/proc/${entry}/environ`, "latin1")}\0`.includes(marker) &&
        isAlive(Number(entry))
      )
        pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Lines of this process's mount table (/proc/self/mountinfo) that mention `text` (test helper). */
export function hostMountsOf(text: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((line) => line.includes(text));
}
