// matchAds runs each Requirements through a match test (codegen.ts generateMatch): the terms of an `&&` chain in a
// learned order, `Requirements = START` through START's test, a per-ad cache of the test. These tests check that all
// of that gives exactly what evaluating both Requirements gives, on random ads and expressions (every value type,
// references between attributes, circular ones, TARGET names that are missing), with the learned orders changing
// while they run; and that the slot tables shapes keep for generated code stay bounded however many expressions and
// layouts a long-running process sees.

import { afterAll, describe, expect, it } from "vitest";
import type { Expr } from "./classad.js";
import { setCodegenForTests } from "./evaluator.js";
import { ClassAd, type ClassAdValue, evaluate, matchAds, parseAd, parseExpr } from "./index.js";

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether a value holds as matchmaking takes it: true, or a non-zero number. */
function holds(v: ClassAdValue): boolean {
  if (v.type === "boolean") return v.value;
  if (v.type === "integer") return v.value !== 0 && v.value !== 0n;
  if (v.type === "real") return v.value !== 0;
  return false;
}

/** The symmetric match by plain evaluation of both Requirements (no match tests involved). */
function referenceMatch(a: ClassAd, b: ClassAd): boolean {
  const ra = a.get("Requirements");
  const rb = b.get("Requirements");
  if (ra === undefined || rb === undefined) return false;
  return holds(evaluate(ra, { my: a, target: b })) && holds(evaluate(rb, { my: b, target: a }));
}

const VALUES = [
  "true",
  "false",
  "undefined",
  "error",
  "0",
  "1",
  "7",
  "0.0",
  "2.5",
  '"x86_64"',
  '"X86_64"',
  '"LINUX"',
  '"a,b"',
  "{1, 2}",
  "[q = 1]",
];
const NAMES = ["A", "B", "C", "D", "Site", "Memory"];

function randomAds(seed: number, count: number): string[] {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const ref = () => pick(["", "", "MY.", "TARGET.", "TARGET."]) + pick([...NAMES, "Missing"]);
  const term = (): string => {
    switch (Math.floor(rand() * 9)) {
      case 0:
        return `${ref()} >= ${pick(["1", "2.5", ref()])}`;
      case 1:
        return `${ref()} == ${pick(['"x86_64"', '"LINUX"', ref()])}`;
      case 2:
        return `${ref()} =!= ${pick(['"x86_64"', "undefined", ref()])}`;
      case 3:
        return ref();
      case 4:
        return `(${ref()} || ${ref()})`;
      case 5:
        return `stringListMember(${ref()}, ${pick(['"a,b"', '"LINUX, x86_64"', ref()])})`;
      case 6:
        return `(${ref()} && ${ref()})`;
      case 7:
        return pick(["true", "1", "0.0", "undefined", "error", '"s"']);
      default:
        return `isUndefined(${ref()})`;
    }
  };
  const ads: string[] = [];
  for (let i = 0; i < count; i++) {
    const attrs = NAMES.filter(() => rand() < 0.8).map((n) =>
      rand() < 0.2 ? `${n} = ${term()}` : `${n} = ${pick(VALUES)}`,
    );
    const chain = Array.from({ length: 2 + Math.floor(rand() * 5) }, term).join(" && ");
    switch (Math.floor(rand() * 6)) {
      case 0:
        attrs.push("Requirements = START", `START = ${chain}`);
        break;
      case 1:
        // Circular through the alias (and ERROR-sensitive), or an alias to a constant.
        attrs.push(
          "Requirements = START",
          pick(["START = !isError(Requirements)", "START = Requirements", "START = 1"]),
        );
        break;
      case 2:
        attrs.push(`Requirements = ${term()}`);
        break;
      default:
        attrs.push(`Requirements = ${chain}`);
    }
    ads.push(`[${attrs.join("; ")}]`);
  }
  return ads;
}

describe.each([
  ["generated code", true],
  ["closure compiler", false],
])("matchAds with %s", (_mode, codegen) => {
  afterAll(() => setCodegenForTests(true));

  it("agrees with evaluating both Requirements, while the learned orders change", () => {
    setCodegenForTests(codegen);
    const texts = randomAds(codegen ? 20_240_601 : 7, 60);
    // The reference evaluates its own copies of the ads, so nothing the match tests cache is shared with it.
    const ads = texts.map(parseAd);
    const copies = texts.map(parseAd);
    const expected = copies.map((a) => copies.map((b) => referenceMatch(a, b)));
    expect(expected.flat().filter(Boolean).length).toBeGreaterThan(0);
    const tests = ads.map((ad) => ad.get("Requirements") as Expr);
    const firstFns = new Map<Expr, unknown>();
    let regenerated = false;
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < ads.length; i++) {
        for (let j = 0; j < ads.length; j++) {
          if (matchAds(ads[i] as ClassAd, ads[j] as ClassAd) !== expected[i]?.[j]) {
            throw new Error(`round ${round}: matchAds disagrees on\n  ${texts[i]}\n  ${texts[j]}`);
          }
        }
      }
      for (const t of tests) {
        const fn = t.mt?.fn;
        if (fn === undefined) continue;
        if (!firstFns.has(t)) firstFns.set(t, fn);
        else if (firstFns.get(t) !== fn) regenerated = true;
      }
    }
    // With generated code the match tests of the chains are regenerated in better orders meanwhile.
    expect(regenerated).toBe(codegen);
  });

  it("follows changes to an ad's Requirements and to the attribute it aliases", () => {
    setCodegenForTests(codegen);
    const job = parseAd('[ Requirements = TARGET.Memory >= 2048 && TARGET.Arch == "X86_64"; Memory = 1 ]');
    const slot = parseAd(
      '[ Memory = 4096; Arch = "x86_64"; START = TARGET.Memory < 10; Requirements = START ]',
    );
    expect(matchAds(job, slot)).toBe(true);
    slot.set("START", parseExpr("TARGET.Memory > 10"));
    expect(matchAds(job, slot)).toBe(false);
    slot.set("Requirements", parseExpr("true"));
    expect(matchAds(job, slot)).toBe(true);
    job.delete("Requirements");
    expect(matchAds(job, slot)).toBe(false);
    job.set("Requirements", parseExpr("TARGET.Memory >= 4096"));
    expect(matchAds(job, slot)).toBe(true);
    slot.set("Memory", 1024);
    expect(matchAds(job, slot)).toBe(false);
  });
});

describe("slot tables of generated code", () => {
  it("stay bounded and correct over many distinct expressions and layouts", () => {
    // 700 expressions with distinct attribute names (so distinct generated code: more than the 256 table lines
    // shapes keep, so lines are shared and evicted) over 40 target layouts (attribute subsets in different orders).
    const rand = prng(99);
    const targets: ClassAd[] = [];
    for (let t = 0; t < 40; t++) {
      const names = Array.from({ length: 60 }, (_, i) => `w${i}`).filter(() => rand() < 0.7);
      names.sort(() => rand() - 0.5);
      targets.push(new ClassAd(names.map((n) => [n, Number(n.slice(1)) * 10 + t] as [string, number])));
    }
    const my = new ClassAd(Array.from({ length: 50 }, (_, i) => [`v${i}`, i] as [string, number]));
    for (let round = 0; round < 2; round++) {
      for (let e = 0; e < 700; e++) {
        const w = `w${e % 60}`;
        const v = `v${e % 50}`;
        const name = `x${e}`;
        // `x<e>` is in neither ad: it comes out UNDEFINED, and makes every expression's generated code distinct.
        const expr = parseExpr(`TARGET.${w} + ${v} + (isUndefined(TARGET.${name}) ? 0 : 1000)`);
        for (const target of targets) {
          const got = evaluate(expr, { my, target });
          const base = target.get(w);
          if (base === undefined) expect(got.type).toBe("undefined");
          else
            expect(got).toEqual({
              type: "integer",
              value: (e % 60) * 10 + targets.indexOf(target) + (e % 50),
            });
        }
      }
    }
    for (const ad of [my, ...targets]) expect(ad.shape.tables.length).toBeLessThanOrEqual(2 * 256);
  });
});
