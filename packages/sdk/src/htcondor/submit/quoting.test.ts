import { describe, expect, it } from "vitest";
import {
  formatArgumentsValue,
  formatEnvironmentValue,
  joinArgsV2Raw,
  parseArgumentsValue,
  parseEnvironmentValue,
  SubmitQuotingError,
  splitArgsV2Raw,
} from "./quoting.js";

describe("arguments quoting", () => {
  it.each([
    [["a", "b"], "a b"],
    [["big world"], "big' 'world"],
    [["it's"], "it''''s"],
    [[""], "''"],
    [["a  b"], "a'  'b"],
    [["tab\there"], "tab'\t'here"],
    [['x"y'], 'x"y'],
    [["'"], "''''"],
    [["a", "", "b"], "a '' b"],
  ])("joins %j into the V2 raw form %j (as condor_submit stores it) and splits it back", (args, raw) => {
    expect(joinArgsV2Raw(args)).toBe(raw);
    expect(splitArgsV2Raw(raw)).toEqual(args);
  });

  it("writes the quoted submit form, doubling double quotes, and reads it back", () => {
    const args = ["-c", 'echo "hi there"', "it's", "$(Process)"];
    const value = formatArgumentsValue(args);
    expect(value).toBe(`"-c 'echo ""hi there""' 'it''s' $(Process)"`);
    expect(parseArgumentsValue(value)).toEqual({ args, syntax: "v2" });
  });

  it("round-trips awkward arguments", () => {
    const samples = [
      ["a b", "c'd", 'e"f', "", "  ", "\\", "x\ty"],
      ["''", '""'],
      ["$$(Foo)", "a,b;c"],
    ];
    for (const args of samples) expect(parseArgumentsValue(formatArgumentsValue(args)).args).toEqual(args);
  });

  it('reads old (V1) arguments: whitespace separated, \\" is a quote', () => {
    expect(parseArgumentsValue('one two\\"three')).toEqual({ args: ["one", 'two"three'], syntax: "v1" });
  });

  it("reports an unterminated double quote at the opening quote", () => {
    const err = (() => {
      try {
        parseArgumentsValue('  "a b');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SubmitQuotingError);
    expect((err as SubmitQuotingError).index).toBe(2);
    expect((err as SubmitQuotingError).message).toMatch(/unterminated double quote/);
  });

  it("reports an unbalanced single quote at its position in the submit value", () => {
    try {
      parseArgumentsValue(`"a ""x"" 'b c"`);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SubmitQuotingError);
      // The single quote is the 10th character of the value (index 9).
      expect((e as SubmitQuotingError).index).toBe(9);
    }
  });

  it("rejects text after the closing quote and bare quotes in V1", () => {
    expect(() => parseArgumentsValue('"a" b')).toThrow(/after the closing double quote/);
    expect(() => parseArgumentsValue('a "b')).toThrow(/unescaped double quote/);
  });
});

describe("environment quoting", () => {
  it("writes entries in the new syntax and reads them back", () => {
    const value = formatEnvironmentValue(Object.entries({ A: "1", B: "x y", C: "it's", D: "" }));
    expect(value).toBe(`"A=1 B='x y' C='it''s' D="`);
    expect(Object.fromEntries(parseEnvironmentValue(value).env)).toEqual({
      A: "1",
      B: "x y",
      C: "it's",
      D: "",
    });
  });

  it("reads the old syntax with ; (or a leading delimiter character)", () => {
    expect(parseEnvironmentValue("A=1;B=2")).toMatchObject({ syntax: "v1" });
    expect(Object.fromEntries(parseEnvironmentValue("A=1;B=2").env)).toEqual({ A: "1", B: "2" });
    expect(Object.fromEntries(parseEnvironmentValue("|A=1|B=x;y").env)).toEqual({ A: "1", B: "x;y" });
  });

  it("rejects an entry without =", () => {
    expect(() => parseEnvironmentValue('"A=1 B"')).toThrow(/missing '=' after environment variable 'B'/);
  });
});
