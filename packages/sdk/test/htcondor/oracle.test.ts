// Checks the reference side of the differential test: classad2 through classad2-oracle.py must reproduce the
// conformance cases (verified against HTCondor 23.9.6) and report every value shape exactly.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeTagged, difference } from "./compare.js";
import { type OracleInput, runOracle, type Tagged } from "./oracle.js";

interface ConformanceCase {
  id: string;
  expr: string;
  ad?: Record<string, string>;
  target?: Record<string, string>;
  expect: Tagged;
  /** Set on cases the spec's author could not confirm with HTCondor. */
  unverified?: string;
}

/** Cases where classad2 23.9.6 itself disagrees with the spec file, and why. */
const KNOWN_SPEC_DIFFERENCES: Record<string, string> = {
  "ca-390":
    'unresolved() lists names in HTCondor\'s hash-set order (classad2 gives "Cpus,OpSys,Arch"), the case expects them sorted',
};

const casesPath = new URL("../../../../../shared/specs/htcondor/classad-cases.json", import.meta.url);

describe("classad2 oracle", () => {
  it("reproduces the conformance cases of shared/specs/htcondor/classad-cases.json", () => {
    const { cases } = JSON.parse(readFileSync(casesPath, "utf8")) as { cases: ConformanceCase[] };
    expect(cases.length).toBeGreaterThan(400);
    const inputs: OracleInput[] = cases.map((c) => ({
      expr: c.expr,
      ...(c.ad ? { my: c.ad } : {}),
      ...(c.target ? { target: c.target } : {}),
    }));
    const { results } = runOracle(inputs);
    const wrong = cases.flatMap((c, i) => {
      if (c.unverified !== undefined || c.id in KNOWN_SPEC_DIFFERENCES) return [];
      const got = results[i] as Tagged;
      const d = difference(got, c.expect);
      return d === undefined ? [] : [`${c.id} ${c.expr}: ${d} (expected ${describeTagged(c.expect)})`];
    });
    expect(wrong).toEqual([]);
  }, 60_000);

  it("reports big integers exactly, special reals, nested lists, ads and exceptions", () => {
    const { results, classadVersion } = runOracle([
      { expr: "9223372036854775807" },
      { expr: "-9223372036854775807 - 1" },
      { expr: 'real("NaN")' },
      { expr: "-1e400" },
      { expr: "0.1 + 0.2" },
      { expr: '{1, {"a", undefined}, error, [x = 1]}' },
      { expr: "{[a = 1], [a = 2]}.a" },
      { expr: "[x = 1; y = x + A]", my: { A: "2" } },
      { expr: "A + TARGET.A + B", my: { A: "1" }, target: { A: "10", B: "100" } },
      { expr: "TARGET.A", target: { A: "10" } },
      { expr: "1 +" },
      { expr: 'stringListMember("b", "a, b")' },
    ]);
    expect(classadVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(results).toEqual([
      { type: "integer", value: "9223372036854775807" },
      { type: "integer", value: "-9223372036854775808" },
      { type: "real", value: "NaN" },
      { type: "real", value: "-Infinity" },
      { type: "real", value: 0.30000000000000004 },
      {
        type: "list",
        value: [
          { type: "integer", value: 1 },
          { type: "list", value: [{ type: "string", value: "a" }, { type: "undefined" }] },
          { type: "error" },
          { type: "classad" },
        ],
      },
      {
        type: "list",
        value: [
          { type: "integer", value: 1 },
          { type: "integer", value: 2 },
        ],
      },
      { type: "classad" },
      { type: "integer", value: 111 },
      // classad2 ignores the target ad when there is no MY ad.
      { type: "undefined" },
      { type: "exception", message: expect.stringContaining("SyntaxError") },
      { type: "boolean", value: true },
    ]);
  }, 30_000);

  it("goes on after an input that crashes the interpreter", () => {
    // 100,000 nested unary minus signs overflow the C++ parser's stack (SIGSEGV) in HTCondor 23.9.6.
    const { results, crashes } = runOracle([
      { expr: "1" },
      { expr: `${"-".repeat(100_000)}1` },
      { expr: "2" },
    ]);
    expect(crashes).toBe(1);
    expect(results).toEqual([
      { type: "integer", value: 1 },
      { type: "exception", message: expect.stringContaining("crashed") },
      { type: "integer", value: 2 },
    ]);
  }, 30_000);

  it("goes on after an input that classad2 never finishes", () => {
    // A circular reference behind `?:` makes HTCondor 23.9.6 loop; the oracle's per-input alarm ends it.
    const { results, crashes } = runOracle([
      { expr: "1" },
      { expr: "[v = false ? 1 : MY.u; u = v].u" },
      { expr: "2" },
    ]);
    expect(crashes).toBe(1);
    expect(results).toEqual([
      { type: "integer", value: 1 },
      { type: "exception", message: expect.stringContaining("did not finish") },
      { type: "integer", value: 2 },
    ]);
  }, 30_000);
});

describe("difference", () => {
  it("accepts equal values and tolerates real rounding, NaN and big integers in either form", () => {
    expect(difference({ type: "real", value: 1 + 1e-12 }, { type: "real", value: 1 })).toBeUndefined();
    expect(difference({ type: "real", value: Number.NaN }, { type: "real", value: "NaN" })).toBeUndefined();
    expect(
      difference({ type: "real", value: Number.NEGATIVE_INFINITY }, { type: "real", value: "-Infinity" }),
    ).toBeUndefined();
    expect(
      difference(
        { type: "integer", value: 9223372036854775807n },
        { type: "integer", value: "9223372036854775807" },
      ),
    ).toBeUndefined();
    expect(difference({ type: "classad" }, { type: "classad" })).toBeUndefined();
  });

  it("reports type, value and list differences with where they are", () => {
    expect(difference({ type: "integer", value: 1 }, { type: "real", value: 1 })).toBe(
      "value: integer 1 vs real 1",
    );
    expect(difference({ type: "real", value: 1.001 }, { type: "real", value: 1 })).toBe(
      "value: real 1.001 vs real 1",
    );
    expect(difference({ type: "real", value: 1 }, { type: "real", value: "NaN" })).toBe(
      "value: real 1 vs real NaN",
    );
    expect(difference({ type: "string", value: "A" }, { type: "string", value: "a" })).toBe(
      'value: string "A" vs string "a"',
    );
    expect(
      difference(
        {
          type: "list",
          value: [
            { type: "integer", value: 1 },
            { type: "boolean", value: true },
          ],
        },
        {
          type: "list",
          value: [
            { type: "integer", value: 1 },
            { type: "boolean", value: false },
          ],
        },
      ),
    ).toBe("[1]: boolean true vs boolean false");
    expect(difference({ type: "list", value: [] }, { type: "list", value: [{ type: "undefined" }] })).toMatch(
      /^value: list of 0 vs list of 1/,
    );
  });
});
