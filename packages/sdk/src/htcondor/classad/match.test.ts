import { describe, expect, it } from "vitest";
import { ClassAd, matchAds, parseAd, rankOf } from "./index.js";

const job = parseAd(`[
  Owner = "alice"; RequestMemory = 2048; RequestCpus = 2; Sites = "T2_A, T2_B";
  Requirements = TARGET.Memory >= RequestMemory && TARGET.Cpus >= RequestCpus && TARGET.Arch == "X86_64"
    && stringListMember(TARGET.Site, Sites);
  Rank = TARGET.Memory / 1024
]`);

function slot(attrs: string): ClassAd {
  return parseAd(`[ Arch = "x86_64"; Memory = 4096; Cpus = 4; Site = "T2_B"; KeyboardIdle = 1000;
    START = TARGET.RequestMemory <= Memory && (Owner =!= "bad") && KeyboardIdle > 15 * 60;
    Requirements = START; ${attrs} ]`);
}

describe("matchAds", () => {
  it("needs both Requirements to be true, each evaluated with its own ad as MY", () => {
    expect(matchAds(job, slot(""))).toBe(true);
    expect(matchAds(slot(""), job)).toBe(true);
    expect(matchAds(job, slot("Memory = 1024"))).toBe(false);
    expect(matchAds(job, slot("KeyboardIdle = 10"))).toBe(false);
    expect(matchAds(job, slot('Site = "T2_C"'))).toBe(false);
  });

  it("looks unscoped names missing from MY up in TARGET (Owner in START comes from the job)", () => {
    const bad = parseAd(job.toString());
    bad.set("Owner", "bad");
    expect(matchAds(bad, slot(""))).toBe(false);
    expect(matchAds(job, slot(""))).toBe(true);
  });

  it("treats UNDEFINED, ERROR, strings and a missing Requirements as no match, non-zero numbers as a match", () => {
    expect(matchAds(job, slot("Cpus = undefined"))).toBe(false);
    expect(matchAds(job, slot("Requirements = error"))).toBe(false);
    expect(matchAds(job, slot('Requirements = "yes"'))).toBe(false);
    expect(matchAds(job, slot("Requirements = 1"))).toBe(true);
    expect(matchAds(job, slot("Requirements = 0.0"))).toBe(false);
    expect(matchAds(new ClassAd({ Requirements: true }), new ClassAd())).toBe(false);
  });

  it("follows changes to the ads between matches", () => {
    const s = slot("");
    expect(matchAds(job, s)).toBe(true);
    s.set("Memory", 1000);
    expect(matchAds(job, s)).toBe(false);
    s.set("Memory", 8000);
    s.delete("KeyboardIdle");
    expect(matchAds(job, s)).toBe(false);
    s.set("keyboardidle", 5000);
    expect(matchAds(job, s)).toBe(true);
  });

  it("is ERROR-safe for circular Requirements", () => {
    expect(matchAds(job, slot("START = START"))).toBe(false);
  });

  it("gives the same answers whichever side it learns to evaluate first", () => {
    const picky = parseAd("[ Requirements = TARGET.Memory > 100000 ]");
    const easy = parseAd("[ Requirements = TARGET.Memory > 0; Memory = 1 ]");
    const unsure = parseAd("[ Requirements = TARGET.Nope; Memory = 1 ]");
    const big = parseAd("[ Requirements = MY.Memory > 0; Memory = 200000 ]");
    // Thousands of rejections by the first argument, then by the second: the evaluation order flips each time.
    for (const [a, b] of [
      [picky, slot("")],
      [slot(""), picky],
    ] as const) {
      for (let i = 0; i < 5000; i++) expect(matchAds(a, b)).toBe(false);
      expect(matchAds(easy, big)).toBe(true);
      expect(matchAds(big, easy)).toBe(true);
      expect(matchAds(unsure, big)).toBe(false);
      expect(matchAds(big, unsure)).toBe(false);
      expect(matchAds(job, slot(""))).toBe(true);
    }
  });
});

describe("rankOf", () => {
  it("evaluates Rank with MY = the first ad and TARGET = the second, as a number", () => {
    expect(rankOf(job, slot(""))).toBe(4);
    expect(rankOf(job, slot("Memory = 3072"))).toBe(3);
    expect(rankOf(parseAd("[ Rank = TARGET.Memory > 2000 ]"), slot(""))).toBe(1);
    expect(rankOf(parseAd("[ Rank = 2.5 ]"), slot(""))).toBe(2.5);
  });

  it("counts a missing or non-numeric Rank as 0", () => {
    expect(rankOf(new ClassAd(), slot(""))).toBe(0);
    expect(rankOf(parseAd('[ Rank = "high" ]'), slot(""))).toBe(0);
    expect(rankOf(parseAd("[ Rank = TARGET.Nope ]"), slot(""))).toBe(0);
  });
});
