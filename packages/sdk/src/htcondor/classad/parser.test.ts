import { describe, expect, it } from "vitest";
import { BsaasError } from "../../errors.js";
import {
  ClassAdSyntaxError,
  classAdsFromJsonText,
  evaluate,
  parseAd,
  parseAds,
  parseExpr,
  parseOldExpr,
} from "./index.js";

/** The syntax error thrown by `fn`. */
function syntaxError(fn: () => unknown): ClassAdSyntaxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ClassAdSyntaxError) return e;
    throw e;
  }
  throw new Error("expected a ClassAdSyntaxError");
}

const value = (text: string): unknown => {
  const v = evaluate(text);
  return "value" in v ? v.value : v.type;
};

describe("parser: precedence and structure", () => {
  it.each([
    ["1 + 2 * 3", 7],
    ["(1 + 2) * 3", 9],
    ["10 - 4 - 3", 3],
    ["2 * 3 % 4", 2],
    ["1 << 2 + 1", 8],
    ["6 & 3 ^ 1 | 8", 11],
    ["true || false && false", true],
    ["1 < 2 == true", true],
    ["true ? 1 : 2 + 10", 1],
    ["false ? 1 : true ? 2 : 3", 2],
    // HTCondor 23.9: the elvis operator is a ternary with an empty middle (lowest precedence, right associative).
    ["4 ?: 2 * 3", 4],
    ["undefined ?: 2 * 3", 6],
    ["undefined ?: undefined ?: 3", 3],
    ["4 ? : 5", 4],
    ["- - 1", 1],
    ["!!true", true],
    ["-2 * -3", 6],
    ["3--1", 4],
    ["[a = [b = 7]].a.b", 7],
    ["{10, {20, 30}}[1][0]", 20],
  ])("%s", (text, expected) => {
    expect(value(text)).toBe(expected);
  });

  it("reads a leading minus before digits as part of the number, like HTCondor", () => {
    expect(parseExpr("-1").isLiteral).toBe(true);
    expect(parseExpr("- 1").isLiteral).toBe(false);
    expect(parseExpr("a -1").toString()).toBe("a - 1");
    expect(parseExpr("-.5").toString()).toBe("-5.000000000000000E-01");
  });

  it("parses references, selections, subscripts and absolute references", () => {
    expect(parseExpr("MY.a.b[1]['x y'].c").toString()).toBe("MY.a.b[1]['x y'].c");
    expect(parseExpr("a.'x y'").toString()).toBe("a.'x y'");
    expect(parseExpr(".root").toString()).toBe(".root");
    expect(parseExpr("f(1; 2)").toString()).toBe("f(1,2)");
  });

  it("treats keywords case-insensitively and `'quoted'` text as a name", () => {
    expect(parseExpr("TRUE && False || UNDEFINED =?= Error").toString()).toBe(
      "true && false || undefined is error",
    );
    expect(parseExpr("a IS b ISNT c").toString()).toBe("a is b isnt c");
    expect(parseExpr("'b.##$%'").toString()).toBe("'b.##$%'");
  });

  it("reads numbers as HTCondor does", () => {
    expect(evaluate("1e3")).toEqual({ type: "real", value: 1000 });
    expect(evaluate(".5")).toEqual({ type: "real", value: 0.5 });
    expect(evaluate("9223372036854775807")).toEqual({ type: "integer", value: 9223372036854775807n });
    expect(evaluate("-9223372036854775808")).toEqual({ type: "integer", value: -9223372036854775808n });
    // std::from_chars leaves 0 on overflow.
    expect(evaluate("9223372036854775808")).toEqual({ type: "integer", value: 0 });
    expect(evaluate("1e400")).toEqual({ type: "real", value: Number.POSITIVE_INFINITY });
    expect(evaluate("09.5")).toEqual({ type: "real", value: 9.5 });
  });

  it("reads new-syntax strings with C escapes, octal bytes as UTF-8, and joins adjacent literals", () => {
    expect(value(String.raw`"a\tb\\c\"d\'e\?f"`)).toBe("a\tb\\c\"d'e?f");
    expect(value(String.raw`"\101\x"`)).toBe("Ax");
    expect(value(String.raw`"\303\251t\303\251"`)).toBe("été");
    expect(value(String.raw`"\400"`)).toBe(" 0");
    expect(value(`"a" "b"  "c"`)).toBe("abc");
    expect(value(`"é"`)).toBe("é");
  });

  it("reads old-syntax strings: a backslash only escapes a quote", () => {
    expect(parseOldExpr(String.raw`"\.edu$"`).toString()).toBe(String.raw`"\\.edu$"`);
    expect(evaluate(parseOldExpr(String.raw`"say \"hi\""`))).toEqual({ type: "string", value: 'say "hi"' });
    expect(evaluate(parseOldExpr(String.raw`"ends\"`))).toEqual({ type: "string", value: "ends\\" });
    expect(evaluate(parseOldExpr(String.raw`regexp("\.edu$", "cs.wisc.edu")`))).toEqual({
      type: "boolean",
      value: true,
    });
  });

  it("turns absTime/relTime of a literal string into time literals at parse time", () => {
    expect(parseExpr('absTime("2020-01-01T00:00:00Z")').isLiteral).toBe(true);
    expect(evaluate('int(absTime("2020-01-01T01:00:00+01:00"))')).toEqual({
      type: "integer",
      value: 1577836800,
    });
    expect(evaluate('relTime("1d 2h 3m 4s")')).toEqual({ type: "reltime", value: 93784 });
    expect(syntaxError(() => parseExpr('absTime("not a time")')).problem).toMatch(
      /not a valid absolute time/,
    );
  });

  it("skips comments", () => {
    expect(value("1 /* two */ + // three\n 2")).toBe(3);
  });
});

describe("parser: errors carry their location", () => {
  it.each([
    ['"unterminated', 0, "unterminated string"],
    ["1 +", 3, "end of input"],
    ["(1 + 2", 6, "expected ')'"],
    ["a == #", 5, "unexpected character '#'"],
    ["017", 0, "cannot start with 0"],
    ["a =? b", 2, "=?="],
    [String.raw`"a\0b"`, 0, "NUL"],
    ["1.x", 2, "digit after the decimal point"],
    ["a.5", 1, "unexpected a real"],
    ["f(1,)", 4, "expected an expression"],
    ["{1 2}", 3, "expected ',' or '}'"],
    ["1 2", 2, "after the end of the expression"],
    ["/* open", 0, "unterminated /* comment"],
  ])("%s", (text, offset, message) => {
    const e = syntaxError(() => parseExpr(text));
    expect(e).toBeInstanceOf(BsaasError);
    expect(e.code).toBe("CLASSAD_SYNTAX");
    expect(e.offset).toBe(offset);
    expect(e.problem).toContain(message);
  });

  it("reports line and column with a caret excerpt", () => {
    const e = syntaxError(() => parseAd("[\n  a = 1;\n  b = 2 +;\n]"));
    expect(e.line).toBe(3);
    expect(e.column).toBe(10);
    expect(e.message).toContain("line 3, column 10");
    expect(e.message).toContain("  b = 2 +;\n           ^");
  });

  it("locates errors in the old long form and in JSON", () => {
    const long = syntaxError(() => parseAds("A = 1\nB 2\n"));
    expect([long.line, long.column]).toEqual([2, 1]);
    const value = syntaxError(() => parseAds('A = 1\nB = "x\n'));
    expect([value.line, value.column]).toEqual([2, 5]);
    const json = syntaxError(() => classAdsFromJsonText('[{"a": 1,\n "b": }]'));
    expect([json.line, json.column]).toEqual([2, 7]);
    const expr = syntaxError(() => classAdsFromJsonText('{"a": "/Expr(1 +)/"}'));
    expect(expr.problem).toMatch(/does not parse/);
  });

  it("limits nesting depth instead of overflowing the stack", () => {
    const e = syntaxError(() => parseExpr(`${"(".repeat(5000)}1${")".repeat(5000)}`));
    expect(e.problem).toMatch(/nested more than/);
  });
});

describe("reading ads in any form", () => {
  it("reads the old long form: blank lines separate ads, # lines are comments, CRLF is fine", () => {
    const ads = parseAds('# first\r\nA = 1\r\nb = "x"\r\n\r\n\r\nC = A + 1;\r\n');
    expect(ads.map((ad) => ad.keys())).toEqual([["A", "b"], ["C"]]);
    expect(parseAd("'error' = 3\nx.y = 4\n").keys()).toEqual(["error", "x.y"]);
  });

  it("reads new-syntax ads back to back, with comments and stray semicolons", () => {
    const ads = parseAds("[a = 1;; b = 2;] /* c */ [;c = 3] // end\n");
    expect(ads.map((ad) => ad.keys())).toEqual([["a", "b"], ["c"]]);
    expect(parseAd("[]").size).toBe(0);
    expect(parseAds("[]")).toEqual([]);
  });

  it("reads JSON: an object or an array, keeping integer/real types and 64-bit integers", () => {
    const [ad] = parseAds(
      '[{"i": 9007199254740993, "r": 1.0, "e": "\\/Expr(i + 1)\\/", "s": "/Expr(2)/", "n": null}]',
    );
    expect(ad?.evaluate("i")).toEqual({ type: "integer", value: 9007199254740993n });
    expect(ad?.evaluate("r")).toEqual({ type: "real", value: 1 });
    expect(ad?.evaluate("e")).toEqual({ type: "integer", value: 9007199254740994n });
    expect(ad?.evaluate("s")).toEqual({ type: "integer", value: 2 });
    expect(ad?.evaluate("n")).toEqual({ type: "undefined" });
    expect(parseAd('{"a": [1, {"b": true}]}').evaluate("a")).toEqual({
      type: "list",
      value: [
        { type: "integer", value: 1 },
        { type: "classad", value: expect.anything() },
      ],
    });
    expect(classAdsFromJsonText("  ")).toEqual([]);
  });

  it("asks for parseAds when parseAd gets several ads", () => {
    expect(syntaxError(() => parseAd("a = 1\n\nb = 2\n")).problem).toMatch(/2 \(separated by blank lines\)/);
  });
});
