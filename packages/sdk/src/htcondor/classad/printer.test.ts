import { describe, expect, it } from "vitest";
import {
  ClassAd,
  classAdToJsonText,
  evaluate,
  parseAd,
  parseExpr,
  parseOldExpr,
  quoteString,
} from "./index.js";

describe("printer: strings", () => {
  it("escapes new-syntax strings C-style, non-printable bytes in octal", () => {
    expect(quoteString('a"b\\c')).toBe(String.raw`"a\"b\\c"`);
    expect(quoteString("\n\t\r\x07\b\f\v")).toBe(String.raw`"\n\t\r\a\b\f\v"`);
    expect(quoteString("\x01\x7f\x1b")).toBe(String.raw`"\001\177\033"`);
    expect(quoteString("é ✓ 𝄞")).toBe(String.raw`"\303\251 \342\234\223 \360\235\204\236"`);
    expect(quoteString("it's")).toBe(`"it's"`);
  });

  it("reads back every escaped string to the same text", () => {
    for (const s of ['a"b\\c', "\n\t\r\x07\b\f\v", "\x01\x7f\x1b", "é ✓ 𝄞", "it's", "", "\\", '"']) {
      expect(evaluate(quoteString(s))).toEqual({ type: "string", value: s });
      expect(evaluate(parseExpr(parseExpr(quoteString(s)).toString()))).toEqual({ type: "string", value: s });
    }
  });

  it("prints old-syntax strings with only the quote escaped", () => {
    const e = parseExpr(String.raw`"C:\\dir \"x\"	tab"`);
    expect(e.toOldString()).toBe('"C:\\dir \\"x\\"\ttab"');
    expect(parseOldExpr(e.toOldString()).equals(e)).toBe(true);
  });

  it("quotes attribute names that are not plain identifiers or are reserved words", () => {
    const ad = new ClassAd([
      ["true", 1],
      ["Parent", 2],
      ["a b", 3],
      ["it's", 4],
      ["_ok9", 5],
    ]);
    expect(ad.toString()).toBe(String.raw`[ 'true' = 1; 'Parent' = 2; 'a b' = 3; 'it\'s' = 4; _ok9 = 5 ]`);
    expect(ad.toOldString()).toBe("'true' = 1\n'Parent' = 2\n'a b' = 3\n'it\\'s' = 4\n_ok9 = 5\n");
    expect(parseAd(ad.toString()).keys()).toEqual(ad.keys());
    expect(parseAd(ad.toOldString()).keys()).toEqual(ad.keys());
  });
});

describe("printer: numbers and operators", () => {
  it("prints reals as HTCondor does, widening only when the double would not survive", () => {
    expect(parseExpr("1.5").toString()).toBe("1.500000000000000E+00");
    expect(parseExpr("1.5").toOldString()).toBe("1.5");
    expect(parseExpr("16190387.0").toOldString()).toBe("16190387.0");
    expect(parseExpr("1e17").toOldString()).toBe("1E+17");
    expect(parseExpr("0.0").toString()).toBe("0.0");
    expect(parseExpr("-0.0").toString()).toBe("-0.0");
    expect(parseExpr('real("NaN")').toString()).toBe('real("NaN")');
    const sum = evaluate("0.1 + 0.2");
    expect(sum).toEqual({ type: "real", value: 0.1 + 0.2 });
    const printed = new ClassAd({ x: 0.1 + 0.2 }).toString();
    expect(printed).toBe("[ x = 3.0000000000000004E-01 ]");
    expect(parseAd(printed).evaluate("x")).toEqual(sum);
    expect(new ClassAd({ x: 0.1 + 0.2 }).toOldString()).toBe("x = 0.30000000000000004\n");
    // string() keeps HTCondor's exact 16-digit text.
    expect(evaluate("string(0.1 + 0.2)")).toEqual({ type: "string", value: "3.000000000000000E-01" });
  });

  it("prints operators with HTCondor's spacing and keeps parentheses", () => {
    expect(parseExpr("a+b*(c-d)").toString()).toBe("a + b * (c - d)");
    expect(parseExpr("-x").toString()).toBe(" -x");
    expect(parseExpr("!x && ~y").toString()).toBe(" !x &&  ~y");
    expect(parseExpr("a =?= b || a =!= c").toString()).toBe("a is b || a isnt c");
    expect(parseExpr("a is b").toOldString()).toBe("a =?= b");
    expect(parseExpr("f( a , b )").toString()).toBe("f(a,b)");
    expect(parseExpr("{ 1 , 2 }").toString()).toBe("{ 1,2 }");
    expect(parseExpr("{}").toString()).toBe("{  }");
    expect(parseExpr("[]").toString()).toBe("[  ]");
    expect(parseExpr("c ? a : b ?: d").toString()).toBe("c ? a : b ?: d");
  });

  it("keeps a unary minus apart from a following number so the text reads back the same", () => {
    const e = parseExpr("- 1");
    expect(e.toString()).toBe(" - 1");
    expect(parseExpr(e.toString()).equals(e)).toBe(true);
    expect(parseExpr("a - -1").toString()).toBe("a - -1");
  });
});

describe("printer: JSON", () => {
  it("escapes like HTCondor's JSON sink and writes expressions as \\/Expr(...)\\/", () => {
    const ad = new ClassAd([
      ["s", 'q"\\\n\t\x01\x7f/é'],
      ["e", parseExpr('a + "x"')],
      ["big", 2n ** 62n],
      ["r", parseExpr("2.0")],
      ["nan", parseExpr('real("NaN")')],
      ["l", [1, [], null]],
      ["n", new ClassAd()],
    ]);
    expect(classAdToJsonText(ad)).toBe(
      [
        "{",
        '  "s": "q\\"\\\\\\n\\t\\u0001\x7f/é",',
        '  "e": "\\/Expr(a + \\"x\\")\\/",',
        '  "big": 4611686018427387904,',
        '  "r": 2.0,',
        '  "nan": "\\/Expr(real(\\"NaN\\"))\\/",',
        '  "l": [',
        "    1,",
        "    [",
        "    ],",
        "    null",
        "  ],",
        '  "n": {',
        "  }",
        "}",
      ].join("\n"),
    );
    expect(ad.toJSON()).toEqual({
      s: 'q"\\\n\t\x01\x7f/é',
      e: '/Expr(a + "x")/',
      big: "/Expr(4611686018427387904)/",
      r: 2,
      nan: '/Expr(real("NaN"))/',
      l: [1, [], null],
      n: {},
    });
  });
});
