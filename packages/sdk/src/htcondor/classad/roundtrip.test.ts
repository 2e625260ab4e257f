// Round trips on the example files of shared/specs/htcondor/examples: each file parses (old long form, new syntax or
// JSON, auto-detected), every ad prints in the three forms, and each printed form parses back to the same ad.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ClassAd,
  classAdsFromJsonText,
  classAdToJsonText,
  type Expr,
  parseAd,
  parseAds,
  parseExpr,
} from "./index.js";

const dir = new URL("../../../../../../shared/specs/htcondor/examples/", import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, dir), "utf8");
const files = readdirSync(dir).filter((f) => !f.endsWith(".md"));

/** Same attributes (names as written, in order) with structurally equal expressions. */
function expectSameAd(got: ClassAd, want: ClassAd): void {
  expect(got.keys()).toEqual(want.keys());
  for (const name of want.keys()) {
    const g = got.get(name) as Expr;
    const w = want.get(name) as Expr;
    expect(g.equals(w), `${name}: ${g.toString()} vs ${w.toString()}`).toBe(true);
  }
}

/** Expected number of ads and attributes per file (counted by hand from the files). */
const SHAPES: Record<string, number[]> = {
  "condor_status-long-startd-ads.old.txt": [144, 145, 145, 145, 145, 145, 145, 145],
  "job-ad-long.old.txt": [96],
  "job-ad-long.derived.json": [96],
  "two-ads.old.txt": [2, 2],
  "two-ads.new.txt": [2, 1],
  "one-ad.new.txt": [2],
  "submit-ad.new.txt": [4],
  "job-ad.new.txt": [91],
  "startd-ad.new.txt": [133],
  "json-printJson-expected.json": [6],
};

describe("example files", () => {
  it("covers every example file", () => {
    expect(files.sort()).toEqual(Object.keys(SHAPES).sort());
  });

  for (const file of files) {
    describe(file, () => {
      const ads = parseAds(read(file));

      it("parses into the expected ads", () => {
        expect(ads.map((ad) => ad.size)).toEqual(SHAPES[file]);
      });

      it("reparses its new-syntax, old long form and JSON printings to the same ads", () => {
        for (const ad of ads) {
          expectSameAd(parseAd(ad.toString()), ad);
          expectSameAd(parseAd(ad.toOldString()), ad);
          expectSameAd(parseAd(classAdToJsonText(ad)), ad);
          // The plain-object form cannot tell 0.0 from 0 (both are JS numbers), so it is checked for stability.
          const plain = JSON.stringify(ad);
          expect(JSON.stringify(ClassAd.fromJSON(JSON.parse(plain)))).toBe(plain);
        }
      });

      it("reparses every expression from its own printing", () => {
        for (const ad of ads) {
          for (const [, expr] of ad)
            expect(parseExpr(expr.toString()).equals(expr), expr.toString()).toBe(true);
        }
      });
    });
  }

  it("prints the printJson() example exactly as HTCondor does", () => {
    const expected = read("json-printJson-expected.json").replace(/\n$/, "");
    // The ad of test_python_bindings_classad.py test_output_of_printJson_can_be_parsed.
    const ad = new ClassAd([
      ["int", 5],
      ["float", 6.5],
      ["string", "foo"],
      ["expr", parseExpr("2 + 3")],
      ["undefined", null],
      ["error", parseExpr("error")],
    ]);
    expect(classAdToJsonText(ad)).toBe(expected);
    expect(classAdToJsonText(parseAd(expected))).toBe(expected);
  });

  it("reads job-ad-long.derived.json as the ad of job-ad-long.old.txt", () => {
    const fromJson = classAdsFromJsonText(read("job-ad-long.derived.json"));
    const fromLong = parseAd(read("job-ad-long.old.txt"));
    expect(fromJson).toHaveLength(1);
    const json = fromJson[0] as ClassAd;
    expect(json.keys()).toEqual(fromLong.keys());
    // Structural equality: the derived file writes `=!=` where the long form has `isnt` (the same operator) and
    // may space expressions differently.
    for (const name of fromLong.keys()) {
      const a = json.get(name) as Expr;
      const b = fromLong.get(name) as Expr;
      expect(a.equals(b), `${name}: ${a.toString()} vs ${b.toString()}`).toBe(true);
    }
    expect(json.evaluate("RequestMemory")).toEqual({ type: "integer", value: 1 });
    expect(json.evaluate("LeaveJobInQueue")).toEqual({ type: "boolean", value: true });
  });

  it("keeps values of the long form: old-syntax strings, reals, undefined, expressions", () => {
    const [slot] = parseAds(read("condor_status-long-startd-ads.old.txt"));
    const ad = slot as ClassAd;
    expect(ad.evaluate("AddressV1")).toEqual({
      type: "string",
      value:
        '{[ p="primary"; a="10.0.0.3"; port=36347; n="Internet"; alias="gthain.localdomain"; spid="startd_888024_2e07"; noUDP=true; ], [ p="IPv4"; a="10.0.0.3"; port=36347; n="Internet"; alias="gthain.localdomain"; spid="startd_888024_2e07"; noUDP=true; ]}',
    });
    expect(ad.evaluate("TotalCpus")).toEqual({ type: "real", value: 8 });
    expect(ad.evaluate("MachineMaxVacateTime")).toEqual({ type: "integer", value: 600 });
    expect(ad.evaluate("Requirements")).toEqual({ type: "boolean", value: true });
    expect(ad.get("Unhibernate")?.toOldString()).toBe("MY.MachineLastMatchTime =!= undefined");
    expect(ad.get("Unhibernate")?.toString()).toBe("MY.MachineLastMatchTime isnt undefined");
    const job = parseAd(read("job-ad-long.old.txt"));
    expect(job.evaluate("HoldReason")).toEqual({ type: "undefined" });
    expect(job.evaluate("RequestMemory")).toEqual({ type: "integer", value: 1 });
  });
});
