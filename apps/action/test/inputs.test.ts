// The parsers of the multi-line inputs, on their own (the bundle's use of them is tested in deploy.test.ts).
import { describe, expect, it } from "vitest";
import {
  maskTokens,
  parseBoolean,
  parseEndpoints,
  parseExecutors,
  parseSeconds,
  parseTokens,
  tokenVariable,
} from "../src/inputs.js";

const SECRET = "eyJhbGciOi.secret-Value_123";

describe("tokens", () => {
  it("masks every value before parsing: whole lines, the token field, and a first field that is no site name", () => {
    const masked: string[] = [];
    maskTokens(`\ninfn-to ${SECRET}\n# a comment\n  ${SECRET}X  \nTOKEN-first infn-ba\n`, (s) =>
      masked.push(s),
    );
    expect(masked).toEqual([
      `infn-to ${SECRET}`,
      SECRET,
      `${SECRET}X`,
      `${SECRET}X`,
      "TOKEN-first infn-ba",
      "TOKEN-first",
      "infn-ba",
    ]);
  });

  it("parses one `<site> <token>` line per site, skipping blank lines and comments", () => {
    const tokens = parseTokens(`# sites\ninfn-to ${SECRET}\n\n  infn-ba\tother  \n`);
    expect([...tokens]).toEqual([
      ["infn-to", { token: SECRET, line: 2 }],
      ["infn-ba", { token: "other", line: 4 }],
    ]);
    expect(tokenVariable("infn-ba")).toBe("BSAAS_TOKEN_INFN_BA");
  });

  it.each([
    [`infn-to ${SECRET} extra`, /tokens, line 1: expected "<site> <token>" \(.*3 found\)/],
    [`\n${SECRET}`, /tokens, line 2: expected "<site> <token>"/],
    [`${SECRET} infn-to`, /tokens, line 1: the first field is not a site name/],
    [`a ${SECRET}\na other`, /tokens, line 2: a second token for site a \(the first is on line 1\)/],
  ])("rejects %j naming the line and never the token", (raw, message) => {
    let error: unknown;
    try {
      parseTokens(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect(`${(error as Error).message} ${(error as { hint?: string }).hint ?? ""}`).not.toContain(SECRET);
  });
});

describe("endpoints", () => {
  it("parses `<site> marathon=<url> mesos=<url>` lines, either key optional", () => {
    const endpoints = parseEndpoints(
      "infn-to marathon=https://m.to:8443 mesos=zk://zk1:2181,zk2:2181/mesos\n# x\ninfn-ba mesos=http://127.0.0.1:5050\n",
    );
    expect([...endpoints]).toEqual([
      [
        "infn-to",
        { endpoints: { marathon: "https://m.to:8443", mesos: "zk://zk1:2181,zk2:2181/mesos" }, line: 1 },
      ],
      ["infn-ba", { endpoints: { mesos: "http://127.0.0.1:5050" }, line: 3 }],
    ]);
  });

  it.each([
    ["infn-to", /endpoints, line 1: expected "<site> marathon=<url> mesos=<url>", got "infn-to"/],
    ["marathon=http://x", /endpoints, line 1: expected/],
    ["Infn marathon=http://x", /"Infn" is not a site name/],
    ["a marathon=http://x\na mesos=http://y", /endpoints, line 2: site a again \(it is already on line 1\)/],
    ["a chronos=http://x", /expected marathon=<url> or mesos=<url>, got "chronos=..."/],
    ["a marathon=http://x marathon=http://y", /marathon= is given twice/],
    ["a marathon=ftp://x", /must be an http:\/\/ or https:\/\/ URL/],
    ["a marathon=zk://x:2181/m", /must be an http:\/\/ or https:\/\/ URL$/],
    ["a mesos=not a url", /endpoints, line 1: mesos=not is not a URL/],
    ["a marathon=nope", /marathon=nope is not a URL/],
  ])("rejects %j", (raw, message) => {
    expect(() => parseEndpoints(raw)).toThrow(message);
  });

  it("rejects credentials in a URL without echoing them", () => {
    let error: unknown;
    try {
      parseEndpoints(`a marathon=https://bsaas:${SECRET}@m.example.org`);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toBe("endpoints, line 1: the marathon URL has credentials in it");
    expect((error as { hint?: string }).hint).toContain("tokens");
  });
});

describe("executors", () => {
  it("takes <site>=<count> entries, or a bare count for a one-site cluster", () => {
    expect(parseExecutors("infn-to=10, infn-ba=0", ["infn-to", "infn-ba"])).toEqual([
      { site: "infn-to", executors: 10 },
      { site: "infn-ba", executors: 0 },
    ]);
    expect(parseExecutors("infn-ba=2\n", ["infn-to", "infn-ba"])).toEqual([
      { site: "infn-ba", executors: 2 },
    ]);
    expect(parseExecutors(" 4 ", ["local"])).toEqual([{ site: "local", executors: 4 }]);
  });

  it.each([
    ["", ["local"], /scale needs the number of executors/],
    ["4", ["a", "b"], /"4" does not say which site; the cluster has 2 sites/],
    ["x=1", ["a"], /no site named x/],
    ["a=-1", ["a"], /the count of a must be a whole number ≥ 0, got "-1"/],
    ["a=1 a=2", ["a"], /site a is given twice/],
    ["a=1 2", ["a"], /expected <site>=<count>, got "2"/],
  ])("rejects %j (sites %j)", (raw, sites, message) => {
    expect(() => parseExecutors(raw, sites)).toThrow(message);
  });
});

describe("scalars", () => {
  it("reads seconds as milliseconds and booleans like the toolkit", () => {
    expect(parseSeconds("", "timeout")).toBeUndefined();
    expect(parseSeconds(" 90 ", "timeout")).toBe(90_000);
    expect(() => parseSeconds("0", "timeout")).toThrow(
      'timeout: expected a whole number of seconds > 0, got "0"',
    );
    expect(() => parseSeconds("1m", "deadline")).toThrow(/deadline: expected/);
    expect(parseBoolean("", "wait", true)).toBe(true);
    expect(parseBoolean("False", "wait", true)).toBe(false);
    expect(parseBoolean("TRUE", "force", false)).toBe(true);
    expect(() => parseBoolean("yes", "wait", true)).toThrow('wait: expected true or false, got "yes"');
  });
});
