import { describe, expect, it } from "vitest";
import { parseSizeWithUnits } from "./units.js";

const MB = 1024 * 1024;

describe("sizes with units (condor_submit's parse_int64_bytes)", () => {
  it.each([
    // request_memory: base MiB
    ["2048", MB, 2048, undefined],
    ["2G", MB, 2048, "G"],
    ["2.5G", MB, 2560, "G"],
    ["1024K", MB, 1, "K"],
    ["1025K", MB, 2, "K"],
    ["3 GB", MB, 3072, "G"],
    ["2.5m", MB, 3, "M"],
    ["1T", MB, 1048576, "T"],
    ["  64M", MB, 64, "M"],
    ["1.0005G", MB, 1024, "G"],
    // request_disk: base KiB
    ["512", 1024, 512, undefined],
    ["1G", 1024, 1048576, "G"],
    ["1.5M", 1024, 1536, "M"],
    ["100k", 1024, 100, "K"],
  ])("%j in units of %d bytes is %d", (text, base, value, unit) => {
    expect(parseSizeWithUnits(text, base)).toEqual({ value, unit });
  });

  it.each(["64M  ", "1e3", "RequestCpus * 1024", "2GX", "G", "", "2 G B", "0x10"])(
    "%j is not a size (condor_submit uses it as an expression)",
    (text) => {
      expect(parseSizeWithUnits(text, MB)).toBeUndefined();
    },
  );
});
