import { describe, expect, it } from "vitest";
import { adText, escapeString, generateCases } from "./generator.js";
import { runOracle } from "./oracle.js";
import { Random } from "./random.js";

describe("Random", () => {
  it("gives the same stream for the same seed and another for another seed", () => {
    const draw = (seed: number) => {
      const r = new Random(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    for (const x of draw(3)) expect(x >= 0 && x < 1).toBe(true);
  });

  it("keeps int() within its bounds and weighted() within its choices", () => {
    const r = new Random(9);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(r.int(-2, 2));
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
    const picks = new Set(
      Array.from({ length: 200 }, () =>
        r.weighted([
          [1, "a"],
          [3, "b"],
          [0, "never"],
        ] as const),
      ),
    );
    expect([...picks].sort()).toEqual(["a", "b"]);
  });
});

describe("generateCases", () => {
  const cases = generateCases(20_240_601, 10_000);
  const text = cases.map((c) => c.expr).join("\n");

  it("is deterministic for a seed", () => {
    expect(generateCases(5, 50)).toEqual(generateCases(5, 50));
    expect(generateCases(5, 50)).not.toEqual(generateCases(6, 50));
  });

  it("uses every operator", () => {
    const operators = [
      " + ",
      " - ",
      " * ",
      " / ",
      " % ",
      " < ",
      " <= ",
      " > ",
      " >= ",
      " == ",
      " != ",
      " =?= ",
      " =!= ",
      " && ",
      " || ",
      " & ",
      " | ",
      " ^ ",
      " << ",
      " >> ",
      " >>> ",
      " ? ",
      " : ",
      " ?: ",
      "!",
      "~",
      "[",
      ".",
    ];
    for (const op of operators) expect(text, op).toContain(op);
    expect(text).toMatch(/ is /i);
    expect(text).toMatch(/ isnt /i);
    expect(text).toMatch(/(^|[( ])-[(\w]/); // unary minus
    expect(text).toMatch(/(^|[( ])\+[(\w]/); // unary plus
  });

  it("calls the built-in functions of CLASSAD.md section 7 and none of the non-deterministic ones", () => {
    const functions = [
      "ifThenElse",
      "isUndefined",
      "isError",
      "isString",
      "isInteger",
      "isReal",
      "isBoolean",
      "isList",
      "isClassAd",
      "member",
      "identicalMember",
      "anyCompare",
      "allCompare",
      "size",
      "sum",
      "avg",
      "min",
      "max",
      "strcat",
      "join",
      "substr",
      "strcmp",
      "stricmp",
      "toUpper",
      "toLower",
      "regexp",
      "regexps",
      "replace",
      "replaceall",
      "regexpMember",
      "int",
      "real",
      "string",
      "bool",
      "floor",
      "ceiling",
      "ceil",
      "round",
      "pow",
      "quantize",
      "interval",
      "formatTime",
      "eval",
      "unparse",
      "versioncmp",
      "versionGT",
      "versionLE",
      "version_in_range",
      "stringListMember",
      "stringListIMember",
      "stringListSize",
      "stringListSum",
      "stringListAvg",
      "stringListMin",
      "stringListMax",
      "stringListsIntersect",
      "stringListSubsetMatch",
      "stringListISubsetMatch",
      "stringList_regexpMember",
      "split",
      "splitUserName",
      "splitSlotName",
      "evalInEachContext",
      "countMatches",
      "envV1ToV2",
      "mergeEnvironment",
    ];
    const lower = text.toLowerCase();
    for (const f of functions) expect(lower, f).toContain(`${f.toLowerCase()}(`);
    for (const f of [
      "time(",
      "random(",
      "currenttime",
      "timezoneoffset(",
      "debug(",
      "userhome(",
      "usermap(",
    ]) {
      expect(lower, f).not.toMatch(new RegExp(`(^|[^a-z_])${f.replace("(", "\\(")}`));
    }
  });

  it("writes literals of every kind, references in every scope, lists, nested ads and escapes", () => {
    for (const piece of [
      "9223372036854775807",
      "e-",
      "E+",
      "1e400",
      ".5",
      "\\101",
      '\\"',
      "\\n",
      '" "',
      "undefined",
      "error",
      "TARGET.",
      "MY.",
      "'",
      "{",
      "[x = ",
      "].",
      '["',
    ]) {
      expect(text, piece).toContain(piece);
    }
    expect(text).toMatch(/\btrue\b/i);
    expect(text).toMatch(/\bfalse\b/i);
    expect(cases.some((c) => c.my && c.target)).toBe(true);
    expect(cases.some((c) => c.my && !c.target)).toBe(true);
    expect(cases.some((c) => !c.my && !c.target)).toBe(true);
  });

  it("respects the depth limit", () => {
    const nesting = (s: string) => {
      let depth = 0;
      let deepest = 0;
      for (const c of s) {
        if ("([{".includes(c)) deepest = Math.max(deepest, ++depth);
        else if (")]}".includes(c)) depth--;
      }
      return deepest;
    };
    const shallow = generateCases(1, 2000, { maxDepth: 1 });
    const deep = generateCases(1, 2000, { maxDepth: 6 });
    const most = (list: typeof cases) => Math.max(...list.map((c) => nesting(c.expr)));
    expect(most(shallow)).toBeLessThan(most(deep));
    expect(most(deep)).toBeLessThan(60);
  });

  it("writes expressions and ads HTCondor parses (almost all) and that evaluate to every type", () => {
    const { results } = runOracle(cases.slice(0, 3000));
    const byType = new Map<string, number>();
    for (const r of results) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const syntax = results.filter((r) => r.type === "exception" && r.message.includes("SyntaxError")).length;
    expect(syntax).toBe(0);
    for (const type of ["undefined", "error", "boolean", "integer", "real", "string", "list", "classad"]) {
      expect(byType.get(type) ?? 0, type).toBeGreaterThan(30);
    }
    // Mostly meaningful values, not errors everywhere.
    expect((byType.get("error") ?? 0) / results.length).toBeLessThan(0.3);
  }, 30_000);
});

describe("adText and escapeString", () => {
  it("write new-syntax ads and string bodies", () => {
    expect(adText({ A: "1", B: '"x"' })).toBe('[A = 1; B = "x"]');
    expect(escapeString('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
