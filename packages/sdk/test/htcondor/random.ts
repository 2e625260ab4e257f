// A small seeded PRNG for generated tests, so that a failing case can be reproduced from its seed.

/** Random choices drawn from one seeded stream (mulberry32: 32-bit state, fast, good enough for test data). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }

  /** One element of a non-empty list of `[weight, value]` pairs, chosen in proportion to the weights. */
  weighted<T>(list: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of list) total += w;
    let r = this.next() * total;
    for (const [w, v] of list) {
      r -= w;
      if (r < 0) return v;
    }
    return (list[list.length - 1] as readonly [number, T])[1];
  }

  /** The name with each letter upper- or lower-cased at random (ClassAd names and keywords ignore case). */
  randomCase(name: string): string {
    let out = "";
    for (const c of name) out += this.chance(0.5) ? c.toUpperCase() : c.toLowerCase();
    return out;
  }
}
