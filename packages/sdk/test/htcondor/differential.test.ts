// Differential test of the SDK's ClassAd evaluator against HTCondor's own (classad2 23.9.6 in the HTCondor rootfs):
// thousands of random expressions from a fixed seed, each evaluated by both in the same MY/TARGET ads, must give the same
// type and value. Cases where classad2 raises (syntax it rejects, circular references, crashes) are counted, not compared.
// Needs the HTCondor rootfs (scripts/provision-htcondor) or HTCondor on PATH; without it the test fails and says so.
import { describe, expect, it } from "vitest";
import { evaluate, parseAd } from "../../src/htcondor/classad/index.js";
import { describeTagged, difference } from "./compare.js";
import { adText, type GeneratedCase, generateCases } from "./generator.js";
import { runOracle, type Tagged } from "./oracle.js";
import { shrinkCases } from "./shrink.js";

// formatTime() and friends must see the same zone on both sides; the oracle runs with TZ=UTC.
process.env.TZ = "UTC";

const SEED = 20_240_601;
const COUNT = 12_000;
/** Disagreements shrunk to reproductions (the shortest), and kinds of them shown. */
const SHRUNK = 60;
const SHOWN = 20;

/**
 * The SDK's tagged value, structurally (integer: number or bigint; list: tagged values; classad: a ClassAd). Absolute
 * and relative times have no counterpart in classad2's Python values (datetime and float); the generator only uses
 * them inside conversions, and `fromSdk` reports them as not comparable.
 */
interface SdkValue {
  type: string;
  value?: unknown;
}

function fromSdk(v: SdkValue): Tagged {
  switch (v.type) {
    case "list":
      return { type: "list", value: (v.value as SdkValue[]).map(fromSdk) };
    case "classad":
    case "undefined":
    case "error":
      return { type: v.type };
    case "integer":
      return { type: "integer", value: v.value as number | bigint };
    case "real":
      return { type: "real", value: v.value as number };
    case "boolean":
      return { type: "boolean", value: v.value as boolean };
    case "string":
      return { type: "string", value: v.value as string };
    default:
      return {
        type: "exception",
        message: `SDK returned ${JSON.stringify(v.type)}, which classad2 cannot report`,
      };
  }
}

function evaluateWithSdk(c: GeneratedCase): Tagged {
  try {
    const my = c.my ? parseAd(adText(c.my)) : undefined;
    const target = c.target ? parseAd(adText(c.target)) : undefined;
    return fromSdk(evaluate(c.expr, { ...(my ? { my } : {}), ...(target ? { target } : {}) }) as SdkValue);
  } catch (error) {
    return {
      type: "exception",
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

interface Disagreement {
  index: number;
  c: GeneratedCase;
  sdk: Tagged;
  classad2: Tagged;
  where: string;
}

/** Whether each case still makes the SDK and classad2 disagree (cases classad2 raises on do not count). */
function stillDisagree(batch: GeneratedCase[]): boolean[] {
  const { results } = runOracle(batch);
  return batch.map((c, i) => {
    const classad2 = results[i] as Tagged;
    const sdk = evaluateWithSdk(c);
    // A bare absTime()/relTime() piece is not comparable (see SdkValue): not a reproduction.
    if (sdk.type === "exception" && sdk.message.includes("classad2 cannot report")) return false;
    return classad2.type !== "exception" && difference(sdk, classad2) !== undefined;
  });
}

function formatCase(c: GeneratedCase, sdk: Tagged, classad2: Tagged, indent: string): string[] {
  const lines = [`${indent}expr:     ${c.expr}`];
  if (c.my) lines.push(`${indent}my:       ${adText(c.my)}`);
  if (c.target) lines.push(`${indent}target:   ${adText(c.target)}`);
  lines.push(`${indent}sdk:      ${describeTagged(sdk)}`, `${indent}classad2: ${describeTagged(classad2)}`);
  return lines;
}

/** The functions an expression calls, in order, or its operators when it calls none: a rough kind of case. */
function skeleton(expr: string): string {
  const calls = [...expr.matchAll(/([A-Za-z_]\w*)\s*\(/g)].map((m) => (m[1] as string).toLowerCase());
  if (calls.length > 0) return [...new Set(calls)].join(",");
  const ops = expr
    .replace(/"(\\.|[^"\\])*"/g, "")
    .match(/=\?=|=!=|\?:|[<>=!]=|<<|>>>?|&&|\|\||\bisnt\b|\bis\b|[-+*/%<>&|^~!?[.]/gi);
  return ops ? [...new Set(ops.map((o) => o.toLowerCase()))].join(" ") : "literal or reference";
}

/**
 * The disagreements shrunk to small reproductions (shrink.ts) and grouped by kind (functions called, result types),
 * the largest groups first, one example each with the generated case it came from.
 */
function formatDisagreements(all: Disagreement[]): string[] {
  const shown = all.slice(0, SHRUNK);
  const reduced = shrinkCases(
    shown.map((d) => d.c),
    stillDisagree,
  );
  const oracle = runOracle(reduced).results;
  const groups = new Map<string, { text: string; count: number }>();
  shown.forEach((d, i) => {
    const small = reduced[i] as GeneratedCase;
    const sdk = evaluateWithSdk(small);
    const classad2 = oracle[i] as Tagged;
    const key = `${skeleton(small.expr)}: ${sdk.type} vs ${classad2.type}`;
    const group = groups.get(key);
    if (group) {
      group.count++;
      return;
    }
    const text = [
      `#${d.index}: ${difference(sdk, classad2) ?? d.where}`,
      ...formatCase(small, sdk, classad2, "  "),
      ...(small === d.c ? [] : ["  generated as:", ...formatCase(d.c, d.sdk, d.classad2, "    ")]),
    ].join("\n");
    groups.set(key, { text, count: 1 });
  });
  return [...groups.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .slice(0, SHOWN)
    .map(([key, g]) => `[${g.count} like this: ${key}]\n${g.text}`);
}

describe("ClassAd evaluation agrees with HTCondor's classad2", () => {
  it(`on ${COUNT} random expressions (seed ${SEED})`, () => {
    const cases = generateCases(SEED, COUNT);
    const oracle = runOracle(cases);
    expect(oracle.results).toHaveLength(cases.length);

    const disagreements: Disagreement[] = [];
    const raised: { c: GeneratedCase; message: string; sdk: Tagged }[] = [];
    cases.forEach((c, index) => {
      const classad2 = oracle.results[index] as Tagged;
      const sdk = evaluateWithSdk(c);
      if (classad2.type === "exception") {
        raised.push({ c, message: classad2.message, sdk });
        return;
      }
      const where = difference(sdk, classad2);
      if (where !== undefined) disagreements.push({ index, c, sdk, classad2, where });
    });

    const compared = cases.length - raised.length;
    const syntax = raised.filter((r) => r.message.startsWith("SyntaxError"));
    const acceptedBySdk = syntax.filter((r) => r.sdk.type !== "exception");
    console.log(
      `classad2 ${oracle.classadVersion}: ${compared} of ${cases.length} cases compared, ` +
        `${disagreements.length} disagreements; classad2 raised on ${raised.length} ` +
        `(${syntax.length} syntax errors, ${acceptedBySdk.length} of them accepted by the SDK; ` +
        `${oracle.crashes} crashes or time-outs; the rest failed evaluations such as circular references)`,
    );

    // Shortest first: they shrink fastest and are usually the root causes of the longer ones.
    disagreements.sort((a, b) => a.c.expr.length - b.c.expr.length || a.index - b.index);
    const report = [
      `${disagreements.length} of ${compared} expressions evaluate differently in the SDK and in classad2` +
        (disagreements.length > SHRUNK ? ` (the ${SHRUNK} shortest reduced and grouped below)` : ""),
      ...(disagreements.length > 0 ? formatDisagreements(disagreements) : []),
    ].join("\n\n");
    expect(compared).toBeGreaterThanOrEqual(10_000);
    expect(disagreements.length, report).toBe(0);
  }, 120_000);
});
