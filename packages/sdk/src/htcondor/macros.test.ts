import { describe, expect, it } from "vitest";
import {
  ALL_FUNCTION_MACROS,
  fileNameFunction,
  findMacro,
  formatG16,
  isDollarMacro,
  isIdChar,
  isValidParamName,
  type MacroRef,
  type MacroSyntax,
  splitDefault,
} from "./macros.js";

/** Every macro of `text`, left to right, the way a caller that skips nothing but keeps scanning would see them. */
function allMacros(text: string, syntax?: MacroSyntax): MacroRef[] {
  const out: MacroRef[] = [];
  for (let ref = findMacro(text, 0, { syntax }); ref; ref = findMacro(text, ref.end, { syntax }))
    out.push(ref);
  return out;
}

const bodies = (text: string, syntax?: MacroSyntax) =>
  allMacros(text, syntax).map((m) => `${m.func}|${m.body}`);

const NO_EVAL: MacroSyntax = {
  functions: new Set([...ALL_FUNCTION_MACROS].filter((kind) => kind !== "EVAL")),
  fileNameLetters: "pnxdq",
};

describe("findMacro", () => {
  it("reports kind, offsets, prefix and body", () => {
    expect(findMacro("ab $(NAME) cd")).toEqual({ kind: "normal", start: 3, end: 10, body: "NAME", func: "" });
    expect(findMacro("x$ENV(HOME:/tmp)")).toEqual({
      kind: "ENV",
      start: 1,
      end: 16,
      body: "HOME:/tmp",
      func: "ENV",
    });
    expect(findMacro("$Fpn(p)")).toMatchObject({ kind: "FILENAME", func: "Fpn", body: "p" });
    expect(findMacro("$INT(a,%03d)")).toMatchObject({ kind: "INT", body: "a,%03d" });
  });

  it("starts at `from`", () => {
    expect(findMacro("$(a) $(b)", 1)).toMatchObject({ body: "b", start: 5 });
    expect(findMacro("$(a)", 1)).toBeUndefined();
  });

  it("splits defaults and allows `$ , \\ :` and a (...) group after the colon", () => {
    expect(findMacro("$(X:a b,c\\d:e$)")?.body).toBe("X:a b,c\\d:e$");
    expect(splitDefault("X:a:b")).toEqual({ name: "X", def: "a:b" });
    expect(splitDefault("X:")).toEqual({ name: "X", def: "" });
    expect(splitDefault("X")).toEqual({ name: "X", def: undefined });
  });

  it("takes one nested (...) group in a default, so $(X:$(Y)) ends at the outer parenthesis", () => {
    expect(findMacro("$(X:$(Y)) tail")).toMatchObject({ body: "X:$(Y)", start: 0, end: 9 });
    expect(findMacro("$(X:a(b)c)")?.body).toBe("X:a(b)c");
    // a function body stops at the first ")": nesting is not counted there
    expect(findMacro("$INT($(N))")).toMatchObject({ kind: "INT", body: "$(N", start: 0, end: 9 });
  });

  it("does not take a body with characters outside the identifier rules, and rescans inside it", () => {
    expect(bodies("$(a b) $(a-b) $(x:100%) $ (x) $x")).toEqual([]);
    expect(findMacro("$(a b $(c)")).toMatchObject({ body: "c", start: 6, end: 10 });
    // before the colon even a "(" is not allowed
    expect(findMacro("$(a(b))")).toBeUndefined();
  });

  it("leaves $$(...) and $$NAME(...) alone", () => {
    expect(bodies("$$(Memory) $$ENV(x) $$(x:y)")).toEqual([]);
    expect(findMacro("$$(A)$(B)")).toMatchObject({ body: "B", start: 5 });
  });

  it("ignores unknown or lower-case prefixes and continues after them", () => {
    expect(bodies("$env(A) $NOPE(B) $F_x(C) $Fz(D) $(E)")).toEqual(["|E"]);
    expect(findMacro("cost $5 then $(x)")).toMatchObject({ start: 13, body: "x" });
  });

  it("returns undefined for an unterminated macro, and still finds a later one after its opening", () => {
    expect(findMacro("$(NAME")).toBeUndefined();
    expect(findMacro("$INT(x")).toBeUndefined();
    expect(findMacro("$(X:$(Y)")).toMatchObject({ body: "Y", start: 4, end: 8 });
    expect(findMacro("abc $(A $ENV(B)")).toMatchObject({ kind: "ENV", body: "B", start: 8, end: 15 });
  });

  it("honours the syntax option: function names and $F letters", () => {
    expect(bodies("$EVAL(1+2) $Fb(p) $Fqn(p)")).toEqual(["EVAL|1+2", "Fb|p", "Fqn|p"]);
    expect(bodies("$EVAL(1+2) $Fb(p) $Fqn(p) $FQN(p)", NO_EVAL)).toEqual(["Fqn|p", "FQN|p"]);
  });

  it("steps over skipped macros (their whole body) and returns the next one", () => {
    const notDollar = (m: MacroRef) => !isDollarMacro(m);
    expect(findMacro("$(A) $(dollar) $(DOLLAR)", 0, { skip: notDollar })).toMatchObject({ start: 5 });
    expect(findMacro("$(A) $(Dollar)", 0, { skip: isDollarMacro })).toMatchObject({ body: "A" });
    expect(findMacro("$(DOLLAR)", 0, { skip: isDollarMacro })).toBeUndefined();
    expect(isDollarMacro({ kind: "normal", start: 0, end: 0, body: "DOLLAR:x", func: "" })).toBe(false);
  });
});

describe("identifier characters", () => {
  it("accepts A-Za-z0-9_./ only", () => {
    expect([..."aZ09_./"].every(isIdChar)).toBe(true);
    expect([..."-:$ ()é"].some(isIdChar)).toBe(false);
    expect(isIdChar(undefined)).toBe(false);
    expect(isValidParamName("STARTD.Foo_1/x")).toBe(true);
    expect(isValidParamName("")).toBe(false);
    expect(isValidParamName("A-B")).toBe(false);
  });
});

describe("fileNameFunction", () => {
  // Values checked with condor_config_val (HTCondor 23.9.6) in the provisioned rootfs.
  it("splits paths as HTCondor does", () => {
    expect(fileNameFunction("FILENAME", "Fn", "/x/y/.bashrc")).toBe(".bashrc");
    expect(fileNameFunction("FILENAME", "Fx", "/x/y/.bashrc")).toBe("");
    expect(fileNameFunction("FILENAME", "Fn", "/x/y\\z.txt")).toBe("y\\z");
    expect(fileNameFunction("FILENAME", "Fp", "/x/y\\z.txt")).toBe("/x/");
    expect(fileNameFunction("FILENAME", "Fd", "/p/q/r/s.txt")).toBe("r/");
    expect(fileNameFunction("FILENAME", "Fdd", "/p/q/r/s.txt")).toBe("q/r/");
    expect(fileNameFunction("FILENAME", "Fddn", "/p/q/r/s.txt")).toBe("q/r/s");
    expect(fileNameFunction("FILENAME", "Fpb", "/a/b/c.txt")).toBe("/a/b");
    expect(fileNameFunction("FILENAME", "Fw", "/a/b")).toBe("\\a\\b");
    expect(fileNameFunction("BASENAME", "BASENAME", "/a/b/c.txt")).toBe("c.txt");
    expect(fileNameFunction("DIRNAME", "DIRNAME", "/a/b/c.txt")).toBe("/a/b/");
    expect(fileNameFunction("FILENAME", "Fqn", "/a/b/c.txt")).toBe('"c"');
  });

  it("makes relative paths absolute against cwd for $Ff", () => {
    expect(fileNameFunction("FILENAME", "Ff", "./in.txt", "/home/u/run/")).toBe("/home/u/run/in.txt");
    expect(fileNameFunction("FILENAME", "Ff", "/abs/in.txt", "/home/u")).toBe("/abs/in.txt");
  });
});

describe("formatG16", () => {
  it("prints like C's %.16G", () => {
    expect(formatG16(8)).toBe("8");
    expect(formatG16(0.5)).toBe("0.5");
    expect(formatG16(0.1 + 0.2)).toBe("0.3");
    expect(formatG16(1 / 3)).toBe("0.3333333333333333");
    expect(formatG16(1e16)).toBe("1E+16");
    expect(formatG16(1e-5)).toBe("1E-05");
    expect(formatG16(0.0009999999999999998)).toBe("0.0009999999999999998");
    expect(formatG16(-0)).toBe("-0");
    expect(formatG16(Number.NaN)).toBe("NAN");
    expect(formatG16(Number.NEGATIVE_INFINITY)).toBe("-INF");
  });
});
