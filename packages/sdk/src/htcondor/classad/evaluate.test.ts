import { describe, expect, it } from "vitest";
import { BsaasError } from "../../errors.js";
import {
  ClassAd,
  type ClassAdValue,
  ClassAdValueError,
  classAdToJsonText,
  evaluate,
  parseAd,
  parseExpr,
} from "./index.js";

const ad = (text: string): ClassAd => parseAd(text);
const val = (v: ClassAdValue): unknown => ("value" in v ? v.value : v.type);

describe("ClassAd API", () => {
  it("looks names up case-insensitively and keeps the first spelling", () => {
    const a = new ClassAd({ Memory: 1024 });
    expect(a.get("MEMORY")?.toString()).toBe("1024");
    expect(a.has("memory")).toBe(true);
    a.set("memory", 2048);
    expect(a.keys()).toEqual(["Memory"]);
    expect(a.evaluate("Memory")).toEqual({ type: "integer", value: 2048 });
    expect(a.size).toBe(1);
    expect(a.delete("MeMoRy")).toBe(true);
    expect(a.delete("memory")).toBe(false);
    expect(a.size).toBe(0);
  });

  it("turns JS inputs into literals", () => {
    const a = new ClassAd([
      ["i", 3],
      ["r", 2.5],
      ["b", true],
      ["s", 'x"y'],
      ["u", null],
      ["big", 2n ** 60n],
      ["l", [1, "a", [true]]],
      ["n", new ClassAd({ q: 1 })],
      ["e", parseExpr("i + 1")],
    ]);
    expect(a.toString()).toBe(
      '[ i = 3; r = 2.500000000000000E+00; b = true; s = "x\\"y"; u = undefined; big = 1152921504606846976; l = { 1,"a",{ true } }; n = [ q = 1 ]; e = i + 1 ]',
    );
    expect(a.evaluate("e")).toEqual({ type: "integer", value: 4 });
    expect([...a].map(([name]) => name)).toEqual(["i", "r", "b", "s", "u", "big", "l", "n", "e"]);
    expect(() => a.set("x", 2n ** 64n)).toThrow(ClassAdValueError);
    expect(() => a.set("", 1)).toThrow(BsaasError);
  });

  it("sees changes made after an evaluation (cached layouts and constants follow set and delete)", () => {
    const job = ad("[ Requirements = TARGET.Memory >= 100 && x ]");
    const slot = ad("[ Memory = 50; x = true ]");
    expect(job.evaluate("Requirements", { target: slot })).toEqual({ type: "boolean", value: false });
    slot.set("Memory", 200);
    expect(job.evaluate("Requirements", { target: slot })).toEqual({ type: "boolean", value: true });
    job.set("x", false);
    expect(job.evaluate("Requirements", { target: slot })).toEqual({ type: "boolean", value: false });
    job.delete("x");
    expect(job.evaluate("Requirements", { target: slot })).toEqual({ type: "boolean", value: true });
    slot.delete("Memory");
    expect(job.evaluate("Requirements", { target: slot })).toEqual({ type: "undefined" });
  });
});

describe("64-bit integers", () => {
  it("keeps integers beyond 2^53 exact and wraps around at 64 bits like HTCondor", () => {
    expect(evaluate("9007199254740993 + 0")).toEqual({ type: "integer", value: 9007199254740993n });
    expect(evaluate("9007199254740991 + 2")).toEqual({ type: "integer", value: 9007199254740993n });
    expect(evaluate("9223372036854775807 + 1")).toEqual({ type: "integer", value: -9223372036854775808n });
    expect(evaluate("9223372036854775807 * 2")).toEqual({ type: "integer", value: -2 });
    expect(evaluate("(-9223372036854775807 - 1) / -1")).toEqual({
      type: "integer",
      value: 9223372036854775807n,
    });
    expect(evaluate("(-9223372036854775807 - 1) % -1")).toEqual({ type: "integer", value: 0 });
    expect(evaluate("-8 >>> 1")).toEqual({ type: "integer", value: 9223372036854775804n });
    expect(evaluate("1 << 65")).toEqual({ type: "integer", value: 2 });
    expect(evaluate("int(1e30)")).toEqual({ type: "integer", value: -9223372036854775808n });
    expect(evaluate("9007199254740993 == 9007199254740992")).toEqual({ type: "boolean", value: false });
  });

  it("prints and writes JSON for big integers exactly", () => {
    const a = new ClassAd({ n: 9007199254740993n });
    expect(a.toString()).toBe("[ n = 9007199254740993 ]");
    expect(classAdToJsonText(a)).toBe('{\n  "n": 9007199254740993\n}');
    expect(parseAd(classAdToJsonText(a)).evaluate("n")).toEqual({
      type: "integer",
      value: 9007199254740993n,
    });
  });
});

describe("scoping", () => {
  const my = ad(
    "[ x = 1; both = 10; n = [ a = x; b = TARGET.t; c = parent.x; d = MY.x; e = MY.inner; inner = 2 ]; r = self.x ]",
  );
  const target = ad("[ t = 5; both = 20; onlyT = both; loop = TARGET.onlyT ]");

  it.each([
    ["x", 1],
    ["MY.x", 1],
    ["TARGET.t", 5],
    ["t", 5],
    ["both", 10],
    ["TARGET.both", 20],
    ["TARGET.onlyT", 20],
    ["onlyT", 20],
    // TARGET.loop is evaluated in TARGET, whose TARGET is MY, which has no onlyT (selection does not fall back).
    ["TARGET.loop", "undefined"],
    ["n.a", 1],
    ["n.b", 5],
    ["n.c", 1],
    ["n.d", 1],
    ["n.e", 2],
    ["n.inner", 2],
    ["n.x", 1],
    ["r", 1],
    ["other.t", 5],
    ["missing", "undefined"],
    ["TARGET.missing", "undefined"],
  ])("%s", (text, expected) => {
    expect(val(evaluate(text, { my, target }))).toEqual(expected);
  });

  it("has no TARGET without a target ad", () => {
    expect(evaluate("TARGET.t", { my })).toEqual({ type: "undefined" });
    expect(evaluate("t", { my })).toEqual({ type: "undefined" });
  });

  it("evaluates list elements in the ad that holds the list", () => {
    expect(evaluate("l[0] + size(l)", { my: ad("[ l = { x, 2 }; x = 40 ]") })).toEqual({
      type: "integer",
      value: 42,
    });
    expect(evaluate("string(l)", { my: ad("[ l = { x, x + 1 }; x = 1 ]") })).toEqual({
      type: "string",
      value: "{ x,x + 1 }",
    });
    expect(evaluate("{[a = 1], [a = x], 3}.a", { my: ad("[ x = 7 ]") })).toEqual({
      type: "list",
      value: [{ type: "integer", value: 1 }, { type: "integer", value: 7 }, { type: "error" }],
    });
  });

  it("makes circular references ERROR instead of recursing forever", () => {
    const a = ad("[ a = b; b = a; c = c + 1; d = isError(a); e = [ f = g; g = f ].f ]");
    expect(a.evaluate("a")).toEqual({ type: "error" });
    expect(a.evaluate("c")).toEqual({ type: "error" });
    expect(a.evaluate("d")).toEqual({ type: "boolean", value: true });
    expect(a.evaluate("e")).toEqual({ type: "error" });
    expect(evaluate("x", { my: ad('[ x = eval("x") ]') })).toEqual({ type: "error" });
    // A deep but finite chain still works.
    const chain = new ClassAd();
    for (let i = 0; i < 200; i++) chain.set(`a${i}`, parseExpr(`a${i + 1} + 1`));
    chain.set("a200", 0);
    expect(chain.evaluate("a0")).toEqual({ type: "integer", value: 200 });
  });

  it("turns runaway recursion into ERROR", () => {
    const chain = new ClassAd();
    for (let i = 0; i < 30000; i++) chain.set(`a${i}`, parseExpr(`a${i + 1} + 1`));
    chain.set("a30000", 0);
    expect(chain.evaluate("a0")).toEqual({ type: "error" });
    expect(chain.evaluate("a29990")).toEqual({ type: "integer", value: 10 });
  });
});

describe("values and functions", () => {
  it("returns tagged values, lists evaluated and nested ads as ClassAds", () => {
    const v = evaluate('{1, 2.5, "x", true, undefined, error, [a = 1], {}}');
    expect(v.type).toBe("list");
    const items = (v as { value: ClassAdValue[] }).value;
    expect(items.map((i) => i.type)).toEqual([
      "integer",
      "real",
      "string",
      "boolean",
      "undefined",
      "error",
      "classad",
      "list",
    ]);
    expect((items[6] as { value: ClassAd }).value.evaluate("a")).toEqual({ type: "integer", value: 1 });
    expect(evaluate('absTime("2020-01-01T00:00:00Z")')).toEqual({
      type: "abstime",
      value: 1577836800,
      offset: 0,
    });
  });

  it("formats times in UTC", () => {
    expect(evaluate('formatTime(0, "%Y-%m-%d %H:%M:%S %a %j")')).toEqual({
      type: "string",
      value: "1970-01-01 00:00:00 Thu 001",
    });
    expect(evaluate("formatTime(0)")).toEqual({ type: "string", value: "Thu Jan  1 00:00:00 1970" });
    expect(evaluate('string(absTime("2003-01-25T09:00:00-06:00"))')).toEqual({
      type: "string",
      value: "2003-01-25T09:00:00-06:00",
    });
    expect(evaluate("interval(90061)")).toEqual({ type: "string", value: "1+01:01:01" });
  });

  it("translates PCRE patterns (POSIX classes, \\A, \\z) and treats bad ones as ERROR", () => {
    expect(evaluate('regexp("^[[:digit:]]+$", "123")')).toEqual({ type: "boolean", value: true });
    expect(evaluate('regexp("\\\\Aab\\\\z", "ab")')).toEqual({ type: "boolean", value: true });
    expect(evaluate('regexp("a$", "a\\n")')).toEqual({ type: "boolean", value: true });
    expect(evaluate('regexp("(", "x")')).toEqual({ type: "error" });
    expect(evaluate('regexps("(\\\\w+)@(\\\\w+)", "me@host", "\\\\2:\\\\1")')).toEqual({
      type: "string",
      value: "host:me",
    });
    expect(evaluate('replaceall("o", "foo boo", "0")')).toEqual({ type: "string", value: "f00 b00" });
  });

  it("follows HTCondor's quirks in the list functions", () => {
    expect(evaluate("min({2, 2.0})")).toEqual({ type: "real", value: 2 });
    expect(evaluate("sum({true})")).toEqual({ type: "boolean", value: true });
    expect(evaluate("avg({})")).toEqual({ type: "integer", value: 0 });
    expect(evaluate('stringListMax("-5,-3")')).toEqual({ type: "integer", value: 0 });
    expect(evaluate("pow(-2, 3)")).toEqual({ type: "integer", value: -7 });
    expect(evaluate('versionle("1.0", "2.0")')).toEqual({ type: "error" });
    expect(evaluate('versionLE("1.0", "2.0")')).toEqual({ type: "boolean", value: true });
  });

  it("evaluates unknown functions to ERROR without evaluating their arguments", () => {
    expect(evaluate("noSuchFunction(1/0)")).toEqual({ type: "error" });
    expect(evaluate("isError(noSuchFunction())")).toEqual({ type: "boolean", value: true });
  });

  it("works on environment and argument strings", () => {
    // HTCondor's V2 quoting wraps only the special characters.
    expect(evaluate('envV1ToV2("A=1;B=two words")')).toEqual({ type: "string", value: "A=1 B=two' 'words" });
    expect(evaluate('mergeEnvironment("A=1 B=2", "B=3")')).toEqual({ type: "string", value: "A=1 B=3" });
    expect(evaluate("argsToList(\"a 'b c' d\")")).toEqual({
      type: "list",
      value: [
        { type: "string", value: "a" },
        { type: "string", value: "b c" },
        { type: "string", value: "d" },
      ],
    });
    expect(evaluate('listToArgs({"a", "b c", "it\'s", ""})')).toEqual({
      type: "string",
      value: "a b' 'c it''''s ''",
    });
  });

  // The cases below were found by the differential test against classad2 23.9.6; expected values are classad2's.
  it("unparses nested ads in HTCondor's attribute order (length, then case-insensitive) during evaluation", () => {
    expect(val(evaluate("string([bb = 1; a = 2; C = [zz = 1; y = 2]])"))).toBe(
      "[ a = 2; C = [ y = 2; zz = 1 ]; bb = 1 ]",
    );
    expect(val(evaluate("strcat({[b = 1; a = 2]})"))).toBe("{ [ a = 2; b = 1 ] }");
    expect(val(evaluate("string([ac = 1; Ab = 2; aB = 3])"))).toBe("[ Ab = 3; ac = 1 ]");
    // The API keeps the ad's own order.
    expect(ad("[bb = 1; a = 2]").toString()).toBe("[ bb = 1; a = 2 ]");
  });

  it("treats lists made by functions as another type for =?= (SLIST_VALUE)", () => {
    expect(val(evaluate('split("a b") =?= {"a", "b"}'))).toBe(false);
    expect(val(evaluate('split("a b") =!= {"a", "b"}'))).toBe(true);
    expect(val(evaluate('split("a b") =?= split("a b")'))).toBe("error");
    expect(val(evaluate('{"a"} =?= {"a"}'))).toBe("error");
    expect(val(evaluate('size(split("a b"))'))).toBe(2);
  });

  it("wraps quantize of integers in 64 bits", () => {
    expect(val(evaluate("quantize(pow(521678, 21), 48)"))).toBe(-9223372036854775728n);
    expect(val(evaluate("quantize(9223372036854775807, 2)"))).toBe(-9223372036854775808n);
    expect(val(evaluate("quantize(-7, 3)"))).toBe(-3);
  });

  it("computes integer powers correctly rounded (pow(5, 26) is not 5 ** 26 in V8)", () => {
    expect(val(evaluate("pow(5, 26)"))).toBe(1490116119384765696n);
    expect(val(evaluate("pow(0.1, 7)"))).toBe(1.0000000000000004e-7);
    expect(val(evaluate("pow(2, -1074)"))).toBe(5e-324);
    expect(val(evaluate('real("0x1.fffffffffffff8p0")'))).toBe(2);
  });

  it("follows HTCondor's regular expression details", () => {
    // An invalid pattern never matches in regexpMember (but is ERROR in regexp).
    expect(val(evaluate('regexpMember("(", {"a", "b"})'))).toBe(false);
    expect(val(evaluate('regexp("(", "a")'))).toBe("error");
    // Global replacement: an empty match at the end of the target steps past it, which is ERROR.
    expect(val(evaluate('replaceAll("b*", "abc", "x")'))).toBe("error");
    expect(val(evaluate('regexps("^", "ab", "x", "g")'))).toBe("xa");
    expect(val(evaluate('replaceAll("b", "abcb", "<\\\\0>")'))).toBe("a<b>c<b>");
    // The newline is LF only.
    expect(val(evaluate('regexp("1$", "a1\\r", "m")'))).toBe(false);
    expect(val(evaluate('regexp("a.b", "a\\rb")'))).toBe(true);
    expect(val(evaluate('regexp("a.b", "a\\nb")'))).toBe(false);
  });

  it("keeps bytes that substr() cuts out of a UTF-8 character", () => {
    expect(val(evaluate('size(substr("\\nééx", 0, 4))'))).toBe(4);
    expect(val(evaluate('strcmp(substr("éé", 0, 1), "\\303")'))).toBe(0);
    expect(val(evaluate('substr("éé", 1, 1)'))).toBe("\udca9");
    expect(parseExpr('"\\303"').toString()).toBe('"\\303"');
  });
});
