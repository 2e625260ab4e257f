import { describe, expect, it } from "vitest";
import {
  AppConstraintDefinitionSchema,
  AppConstraintListSchema,
  EnvVarsSchema,
  LegacyEnvVarsDefinitionSchema,
  MARATHON_CONSTRAINT_OPERATORS,
  NumberListSchema,
  PATH_ID_PATTERN,
  PathIdSchema,
  StringListSchema,
  StringMapSchema,
  UnreachableStrategyDefinitionSchema,
  UnreachableStrategySchema,
  UPSTREAM_PATH_ID_PATTERN,
} from "./common.js";

describe("PATH_ID_PATTERN", () => {
  it("accepts exactly the strings upstream's AppDefinition.json pattern accepts (all strings up to 6 chars)", () => {
    const alphabet = ["a", "0", "-", ".", "/", "A", "_"];
    let checked = 0;
    const mismatches: string[] = [];
    const visit = (prefix: string, depth: number) => {
      if (UPSTREAM_PATH_ID_PATTERN.test(prefix) !== PATH_ID_PATTERN.test(prefix)) mismatches.push(prefix);
      checked++;
      if (depth === 0) return;
      for (const c of alphabet) visit(prefix + c, depth - 1);
    };
    visit("", 6);
    expect(checked).toBeGreaterThan(100_000);
    expect(mismatches).toEqual([]);
  });

  it("agrees with upstream on longer random ids", () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = "ab9-./..//x-";
    const mismatches: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const length = 7 + Math.floor(next() * 14);
      let s = "";
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(next() * alphabet.length)];
      if (UPSTREAM_PATH_ID_PATTERN.test(s) !== PATH_ID_PATTERN.test(s)) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
  });

  it("does not backtrack on long hostile input (upstream's pattern does)", () => {
    const hostile = `${"/".repeat(10_000)}A`;
    const start = performance.now();
    expect(PathIdSchema.safeParse(hostile).success).toBe(false);
    expect(performance.now() - start).toBeLessThan(200);
  });
});

describe("PathIdSchema", () => {
  it.each(["/foo", "/hpc/condor/schedd", "foo", "/a.b/c-d", "../sibling", "/prod/group", "/"])(
    "accepts %s",
    (id) => {
      expect(PathIdSchema.safeParse(id).success).toBe(true);
    },
  );

  it.each(["", "/Foo", "/foo_bar", "/-foo", "/foo-", "/foo.", "/.foo", "/foo bar", "/é"])(
    "rejects %j",
    (id) => {
      expect(PathIdSchema.safeParse(id).success).toBe(false);
    },
  );
});

describe("constraints", () => {
  it("exports the seven upstream operators", () => {
    expect([...MARATHON_CONSTRAINT_OPERATORS]).toEqual([
      "UNIQUE",
      "CLUSTER",
      "GROUP_BY",
      "LIKE",
      "UNLIKE",
      "MAX_PER",
      "IS",
    ]);
  });

  it("a request constraint is a 2- or 3-element string array with a known operator", () => {
    expect(AppConstraintDefinitionSchema.safeParse(["hostname", "UNIQUE"]).success).toBe(true);
    expect(AppConstraintDefinitionSchema.safeParse(["rack", "GROUP_BY", "2"]).success).toBe(true);
    expect(AppConstraintDefinitionSchema.safeParse(["hostname"]).success).toBe(false);
    expect(AppConstraintDefinitionSchema.safeParse(["a", "LIKE", "b", "c"]).success).toBe(false);
    expect(AppConstraintDefinitionSchema.safeParse(["a", "NEAR", "b"]).success).toBe(false);
    expect(AppConstraintDefinitionSchema.safeParse(["a", "MAX_PER", 2]).success).toBe(false);
  });

  it("a response constraint list accepts unknown operators (newer servers) but not non-strings", () => {
    expect(AppConstraintListSchema.safeParse([["a", "NEAR", "b"]]).success).toBe(true);
    expect(AppConstraintListSchema.safeParse([["a", 1]]).success).toBe(false);
    expect(AppConstraintListSchema.safeParse(["a"]).success).toBe(false);
  });
});

describe("leaf collections of responses", () => {
  it("StringMapSchema checks values and returns the input unchanged (no copy)", () => {
    const labels = { a: "1", "b.c/d": "" };
    expect(StringMapSchema.parse(labels)).toBe(labels);
    expect(StringMapSchema.safeParse({ a: 1 }).success).toBe(false);
    expect(StringMapSchema.safeParse(["a"]).success).toBe(false);
    expect(StringMapSchema.safeParse(null).success).toBe(false);
  });

  it("EnvVarsSchema accepts strings and { secret } references, keeping extra fields", () => {
    const env = { A: "x", B: { secret: "s", extra: true } };
    expect(EnvVarsSchema.parse(env)).toBe(env);
    expect(EnvVarsSchema.safeParse({ A: 1 }).success).toBe(false);
    expect(EnvVarsSchema.safeParse({ A: { secret: 1 } }).success).toBe(false);
    expect(EnvVarsSchema.safeParse({ A: null }).success).toBe(false);
  });

  it("StringListSchema and NumberListSchema check element types", () => {
    expect(StringListSchema.safeParse(["a", "b"]).success).toBe(true);
    expect(StringListSchema.safeParse(["a", 1]).success).toBe(false);
    expect(StringListSchema.safeParse("a").success).toBe(false);
    expect(NumberListSchema.safeParse([1, 2.5]).success).toBe(true);
    expect(NumberListSchema.safeParse(["1"]).success).toBe(false);
  });
});

describe("environment variables as sent", () => {
  it("accepts strings and strict { secret } references", () => {
    expect(LegacyEnvVarsDefinitionSchema.safeParse({ "any name": "x", B: { secret: "db" } }).success).toBe(
      true,
    );
    expect(LegacyEnvVarsDefinitionSchema.safeParse({ B: { secret: "db", key: "x" } }).success).toBe(false);
    expect(LegacyEnvVarsDefinitionSchema.safeParse({ B: { secret: "" } }).success).toBe(false);
    expect(LegacyEnvVarsDefinitionSchema.safeParse({ B: 1 }).success).toBe(false);
  });
});

describe("unreachable strategy", () => {
  it("request: 'disabled' or non-negative timings, nothing else", () => {
    expect(UnreachableStrategyDefinitionSchema.safeParse("disabled").success).toBe(true);
    expect(
      UnreachableStrategyDefinitionSchema.safeParse({ inactiveAfterSeconds: 60, expungeAfterSeconds: 120 })
        .success,
    ).toBe(true);
    expect(UnreachableStrategyDefinitionSchema.safeParse("enabled").success).toBe(false);
    expect(UnreachableStrategyDefinitionSchema.safeParse({ inactiveAfterSeconds: -1 }).success).toBe(false);
    expect(UnreachableStrategyDefinitionSchema.safeParse({ inactiveAfter: 1 }).success).toBe(false);
  });

  it("response: either form, unknown fields kept", () => {
    expect(UnreachableStrategySchema.parse("disabled")).toBe("disabled");
    const value = { inactiveAfterSeconds: 0, expungeAfterSeconds: 0, future: 1 };
    expect(UnreachableStrategySchema.parse(value)).toStrictEqual(value);
    expect(UnreachableStrategySchema.safeParse(3).success).toBe(false);
  });
});
