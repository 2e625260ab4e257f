import { describe, expect, it } from "vitest";
import { shrinkCases, subexpressions } from "./shrink.js";

describe("subexpressions", () => {
  it("finds group insides, arguments, list items, ad attribute values and operands", () => {
    const parts = subexpressions('strcat("a, (b", {1, 2}[0], [x = 1 + 2; y = "]"].y) == toUpper(Name)');
    for (const p of [
      '"a, (b"',
      "{1, 2}",
      "{1, 2}[0]",
      "1",
      "2",
      "0",
      "1 + 2",
      '"]"',
      '[x = 1 + 2; y = "]"]',
      "Name",
      "toUpper(Name)",
      'strcat("a, (b", {1, 2}[0], [x = 1 + 2; y = "]"].y)',
    ]) {
      expect(parts, p).toContain(p);
    }
    expect(parts).not.toContain("(b");
    expect(parts.every((p, i) => i === 0 || (parts[i - 1] as string).length >= p.length)).toBe(true);
  });

  it("gives nothing for a literal", () => {
    expect(subexpressions("42")).toEqual([]);
  });
});

describe("shrinkCases", () => {
  it("shrinks to the smallest piece and the fewest attributes that still fail", () => {
    const fails = (batch: { expr: string; my?: Record<string, string> }[]) =>
      batch.map((c) => c.expr.includes("A / 0") && c.my?.A !== undefined);
    const [small] = shrinkCases(
      [{ expr: "strcat(1, (2 + (A / 0)) * 3, {4})", my: { A: "1", B: "2", C: "3" }, target: { A: "4" } }],
      fails,
    );
    expect(small).toEqual({ expr: "A / 0", my: { A: "1" } });
  });

  it("keeps a case that does not shrink", () => {
    const [same] = shrinkCases([{ expr: "1 + 2" }], (batch) => batch.map(() => false));
    expect(same).toEqual({ expr: "1 + 2" });
  });
});
