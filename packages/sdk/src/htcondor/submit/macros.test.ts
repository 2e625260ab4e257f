import { describe, expect, it } from "vitest";
import { findMacro, formatC } from "../macros.js";
import { MacroError } from "./errors.js";
import { expandMacros, expandSelfReferences, type MacroContext, splitTokens } from "./macros.js";

function context(
  macros: Record<string, string>,
  env: Record<string, string> = {},
  cwd = "/home/u/run",
): MacroContext {
  const lower = new Map(Object.entries(macros).map(([k, v]) => [k.toLowerCase(), v]));
  return { lookup: (name) => lower.get(name.toLowerCase()), env: (name) => env[name], cwd };
}

const expand = (text: string, macros: Record<string, string> = {}, env: Record<string, string> = {}) =>
  expandMacros(text, context(macros, env));

describe("macro expansion", () => {
  it("expands $(NAME) case-insensitively, recursively, and undefined to empty", () => {
    expect(expand("a $(X) b", { x: "1" })).toBe("a 1 b");
    expect(expand("$(A)", { a: "$(B)-$(b)", B: "z" })).toBe("z-z");
    expect(expand("[$(nope)]")).toBe("[]");
  });

  it("uses the default of $(NAME:default) when the macro is undefined or empty", () => {
    expect(expand("$(x:dflt)")).toBe("dflt");
    expect(expand("$(x:dflt)", { x: "" })).toBe("dflt");
    expect(expand("$(x:dflt)", { x: "set" })).toBe("set");
    expect(expand("$(x:a $(y))", { y: "Y" })).toBe("a Y");
  });

  it("leaves $$(...) for the schedd and turns $(DOLLAR) into $ at the end", () => {
    expect(expand("$$(Memory) $(DOLLAR)(x) $(dollar)")).toBe("$$(Memory) $(x) $");
  });

  it("does not take text that is not a macro body for a macro", () => {
    expect(expand("$(a b) $(a-b) $ (x) $x")).toBe("$(a b) $(a-b) $ (x) $x");
    expect(findMacro("cost $5 then $(x)")).toMatchObject({ kind: "normal", body: "x", start: 13 });
  });

  it("reads $ENV(NAME[:default]) from the given environment", () => {
    expect(expand("$ENV(HOME) $ENV(NOPE) $ENV(NOPE:zz)", {}, { HOME: "/home/u" })).toBe(
      "/home/u UNDEFINED zz",
    );
  });

  it("formats $INT and $REAL", () => {
    const m = { n: "7", x: "2.5", big: "1e3" };
    expect(expand("$INT(n) $INT(n,%03d) $INT(x) $INT(n,job%x) $INT(12)", m)).toBe("7 007 2 job7 12");
    expect(expand("$REAL(x) $REAL(n,%.3f) $REAL(big) $REAL(n,%g)", m)).toBe("2.5 7.000 1000 7.0");
    expect(() => expand("$INT(x,%s)", m)).toThrow(MacroError);
    expect(() => expand("$INT(word)", m)).toThrow(/does not evaluate to an integer/);
  });

  it("picks items with $CHOICE and substrings with $SUBSTR", () => {
    const m = { i: "2", list: "a, b ,c", path: "/a/b/c/file.tar.gz" };
    expect(expand("$CHOICE(1,x,y,z) $CHOICE(i,list)", m)).toBe("y c");
    expect(expand("$SUBSTR(path,2,3) $SUBSTR(path,-6) $SUBSTR(path,1,-3) $SUBSTR(nope,1)", m)).toBe(
      "/b/ tar.gz a/b/c/file.tar ",
    );
    expect(() => expand("$CHOICE(5,a,b)")).toThrow(/out of range/);
  });

  it("takes file name parts with $F, $BASENAME and $DIRNAME", () => {
    const m = { path: "/a/b/c/file.tar.gz", rel: "./in.txt", q: '"x y/z.dat"' };
    const cases: [string, string][] = [
      ["$Fp(path)", "/a/b/c/"],
      ["$Fpb(path)", "/a/b/c"],
      ["$Fn(path)", "file.tar"],
      ["$Fx(path)", ".gz"],
      ["$Fxb(path)", "gz"],
      ["$Fnx(path)", "file.tar.gz"],
      ["$Fd(path)", "c/"],
      ["$Fdd(path)", "b/c/"],
      ["$Fdn(path)", "c/file.tar"],
      ["$Fqn(path)", '"file.tar"'],
      ["$Fqa(path)", "'/a/b/c/file.tar.gz'"],
      ["$BASENAME(path)", "file.tar.gz"],
      ["$DIRNAME(path)", "/a/b/c/"],
      ["$Ff(rel)", "/home/u/run/in.txt"],
      ["$Fn(q)", "z"],
    ];
    for (const [text, expected] of cases) expect(expand(text, m), text).toBe(expected);
  });

  it("expands only self references when a command refers to its own previous value", () => {
    const ctx = context({ requirements: "Memory > 1" });
    expect(expandSelfReferences("$(requirements) && $(other)", "Requirements", ctx)).toBe(
      "Memory > 1 && $(other)",
    );
  });

  it("stops runaway recursion with an error", () => {
    expect(() => expand("$(a)", { a: "x$(a)" })).toThrow(/does not end/);
  });

  it("asks for ClassAd evaluation where it is needed", () => {
    expect(() => expand("$EVAL(1+2)")).toThrow(/needs ClassAd evaluation/);
    const ctx: MacroContext = {
      ...context({}),
      evaluate: (text) => (text === "1+2" ? { type: "integer", value: 3 } : undefined),
    };
    expect(expandMacros("$EVAL(1+2) $INT(1+2)", ctx)).toBe("3 3");
  });
});

describe("helpers", () => {
  it("splits lists like HTCondor's StringTokenIterator", () => {
    expect(splitTokens(" a, b ,,c\td ")).toEqual(["a", "b", "c", "d"]);
    expect(splitTokens("x y, z w", ",")).toEqual(["x y", "z w"]);
  });

  it("formats like C printf", () => {
    expect(formatC(1000, { flags: "", width: 0, precision: 16, conversion: "G" })).toBe("1000");
    expect(formatC(0.1, { flags: "", width: 0, precision: 16, conversion: "G" })).toBe("0.1");
    expect(formatC(1.5e20, { flags: "", width: 0, precision: 16, conversion: "G" })).toBe("1.5E+20");
    expect(formatC(0.00001, { flags: "", width: 0, precision: 6, conversion: "g" })).toBe("1e-05");
    expect(formatC(42, { flags: "-", width: 5, precision: undefined, conversion: "d" })).toBe("42   ");
    expect(formatC(-42, { flags: "0", width: 5, precision: undefined, conversion: "d" })).toBe("-0042");
  });
});
