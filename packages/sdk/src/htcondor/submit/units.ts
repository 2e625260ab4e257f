/**
 * Sizes with unit suffixes as condor_submit reads them (HTCondor's parse_int64_bytes, metric_units.cpp):
 * `request_memory = 2G` is 2048 (MiB), `request_disk = 1.5M` is 1536 (KiB).
 */

/** A size read by {@link parseSizeWithUnits}: the value in the target unit, and the suffix letter that was used. */
export interface ParsedSize {
  value: number;
  /** `K`, `M`, `G`, `T` (upper case) or undefined when the number had no suffix and was taken in the target unit. */
  unit: "K" | "M" | "G" | "T" | undefined;
}

const MULTIPLIERS = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 } as const;

/**
 * Reads `<number>[.fraction][ ]<K|M|G|T>[B]` and returns it in units of `base` bytes, rounded up. A bare number is
 * already in the target unit. Returns undefined when the text is not of that form (condor_submit then uses it as a
 * ClassAd expression). Up to three fraction digits count, as in HTCondor.
 */
export function parseSizeWithUnits(text: string, base: number): ParsedSize | undefined {
  const match = /^\s*([+-]?\d+)(?:\.(\d*))?\s*(.*)$/s.exec(text);
  if (!match) return undefined;
  const [, intPart, fractionDigits = "", rest = ""] = match;
  const integer = Number.parseInt(intPart as string, 10);
  let fraction = 0;
  const digits = fractionDigits.slice(0, 3);
  for (let i = 0; i < digits.length; i++) fraction += Number(digits[i]) / 10 ** (i + 1);

  let multiplier: number;
  let unit: ParsedSize["unit"];
  const suffix = rest[0];
  if (suffix === undefined) {
    multiplier = base;
    unit = undefined;
  } else {
    const upper = suffix.toUpperCase();
    if (upper !== "K" && upper !== "M" && upper !== "G" && upper !== "T") return undefined;
    unit = upper;
    multiplier = MULTIPLIERS[upper];
  }
  // (val + fract) * mult + base - 1, truncated to an integer, then integer-divided by base.
  const scaled = Math.trunc((integer + fraction) * multiplier + base - 1);
  const value = Math.trunc(scaled / base);
  const tail = rest.slice(1);
  if (tail.length === 0) return { value, unit };
  if (/^[bB]\s*$/.test(tail)) return { value, unit };
  return undefined;
}
