import { describe, expect, it } from "vitest";
import { parseMesosJson, stringifyMesosJson } from "./json.js";

describe("parseMesosJson", () => {
  it("returns exactly what JSON.parse returns when there is no unsafe integer", () => {
    const text =
      '{"a":1,"b":[1.5,-2,"x",null,true,false],"c":{"d":9007199254740991,"e":-9007199254740991},"f":"1234567890123456789012"}';
    expect(parseMesosJson(text)).toEqual(JSON.parse(text));
  });

  it("keeps integers beyond MAX_SAFE_INTEGER exact as bigint", () => {
    const text =
      '{"registered_time":{"nanoseconds":1470820172046531840},"n":[9007199254740992, -9007199254740993 ,18446744073709551615],"safe":9007199254740991}';
    expect(parseMesosJson(text)).toEqual({
      registered_time: { nanoseconds: 1470820172046531840n },
      n: [9007199254740992n, -9007199254740993n, 18446744073709551615n],
      safe: 9007199254740991,
    });
  });

  it("keeps floats and exponents as numbers, however many digits", () => {
    expect(
      parseMesosJson('{"t":1470820172046531840.5,"u":12345678901234567890e2,"v":0.12345678901234567890}'),
    ).toEqual({
      t: Number("1470820172046531840.5"),
      u: Number("12345678901234567890e2"),
      v: Number("0.12345678901234567890"),
    });
  });

  it("handles a top-level unsafe integer and whitespace around literals", () => {
    expect(parseMesosJson("12345678901234567890")).toBe(12345678901234567890n);
    expect(parseMesosJson(" -12345678901234567890\n")).toBe(-12345678901234567890n);
    expect(parseMesosJson('{ "a" :\n\t12345678901234567890\r\n}')).toEqual({ a: 12345678901234567890n });
  });

  it("does not touch digits inside strings, even ones that look like values", () => {
    const text =
      '{"a":"12345678901234567890","b":"x: 12345678901234567890, y","c":"[12345678901234567890]","n":12345678901234567891}';
    expect(parseMesosJson(text)).toEqual({
      a: "12345678901234567890",
      b: "x: 12345678901234567890, y",
      c: "[12345678901234567890]",
      n: 12345678901234567891n,
    });
  });

  it("is exact when the text contains the placeholder escape", () => {
    const text = '{"s":"\\u0001","m":"\\u00010","n":12345678901234567890,"__proto__":12345678901234567891}';
    const parsed = parseMesosJson(text) as Record<string, unknown>;
    expect(parsed.s).toBe("\u0001");
    expect(parsed.m).toBe("\u00010");
    expect(parsed.n).toBe(12345678901234567890n);
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value).toBe(12345678901234567891n);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it("keeps a __proto__ key as an own property on the fast path", () => {
    const parsed = parseMesosJson('{"__proto__":12345678901234567890}') as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")?.value).toBe(12345678901234567890n);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it("throws JSON.parse's SyntaxError on invalid JSON", () => {
    expect(() => parseMesosJson("{")).toThrow(SyntaxError);
    expect(() => parseMesosJson('{"a":12345678901234567890')).toThrow(SyntaxError);
    expect(() => parseMesosJson('{"a":012345678901234567890}')).toThrow(SyntaxError);
  });

  it("agrees with an exact reading on many generated documents", () => {
    for (let i = 0; i < 200; i++) {
      const big = BigInt(2 ** 53) + BigInt(i) * 7919n;
      const text = `{"k${i}":[${big},"${big}",{"v":-${big}}, ${i}.5, "s:${big},"]}`;
      expect(parseMesosJson(text)).toEqual({ [`k${i}`]: [big, `${big}`, { v: -big }, i + 0.5, `s:${big},`] });
    }
  });
});

describe("stringifyMesosJson", () => {
  it("writes bigints as bare numbers and round-trips with parseMesosJson", () => {
    const value = {
      t: { nanoseconds: 1470820172046531840n },
      l: [1n, -18446744073709551615n],
      s: "x",
      n: 1.5,
    };
    const text = stringifyMesosJson(value);
    expect(text).toBe(
      '{"t":{"nanoseconds":1470820172046531840},"l":[1,-18446744073709551615],"s":"x","n":1.5}',
    );
    expect(parseMesosJson(text)).toEqual({ ...value, l: [1, -18446744073709551615n] });
  });

  it("is JSON.stringify without bigints, spacing included", () => {
    const value = { a: [1, "\u0001x"], b: { c: null } };
    expect(stringifyMesosJson(value)).toBe(JSON.stringify(value));
    expect(stringifyMesosJson({ a: 1n }, 2)).toBe('{\n  "a": 1\n}');
  });
});
