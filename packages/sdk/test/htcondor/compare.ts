// Comparison of evaluation results from the SDK and from classad2, in the tagged shape of oracle.ts.
import type { Tagged } from "./oracle.js";

/** Relative tolerance for reals: the two sides may round differently in the last bits of long computations. */
export const REAL_TOLERANCE = 1e-9;

function integerOf(value: number | string | bigint): bigint | undefined {
  try {
    return BigInt(value);
  } catch {
    return undefined;
  }
}

function realOf(value: number | string): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  return Number(value);
}

function realsEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true; // also equal infinities, and 0 against -0
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= REAL_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

/** A short text of a tagged value for messages: `integer 3`, `string "a"`, `list [integer 1, undefined]`. */
export function describeTagged(v: Tagged): string {
  switch (v.type) {
    case "undefined":
    case "error":
    case "classad":
      return v.type;
    case "exception":
      return `exception (${v.message})`;
    case "list":
      return `list [${v.value.map(describeTagged).join(", ")}]`;
    case "string":
      return `string ${JSON.stringify(v.value)}`;
    default:
      return `${v.type} ${String(v.value)}`;
  }
}

/**
 * Where `sdk` and `oracle` differ, as a short text (`[1]: integer 2 vs real 2`), or undefined when they agree: same type,
 * integers exactly, reals within {@link REAL_TOLERANCE} (NaN equals NaN), strings and booleans exactly, lists element by
 * element. Ads are compared by type only (classad2 cannot hand their values back safely, see classad2-oracle.py).
 */
export function difference(sdk: Tagged, oracle: Tagged, path = ""): string | undefined {
  const here = path || "value";
  if (sdk.type !== oracle.type) return `${here}: ${describeTagged(sdk)} vs ${describeTagged(oracle)}`;
  switch (oracle.type) {
    case "integer": {
      const a = integerOf((sdk as typeof oracle).value);
      const b = integerOf(oracle.value);
      return a !== undefined && a === b
        ? undefined
        : `${here}: ${describeTagged(sdk)} vs ${describeTagged(oracle)}`;
    }
    case "real":
      return realsEqual(realOf((sdk as typeof oracle).value), realOf(oracle.value))
        ? undefined
        : `${here}: ${describeTagged(sdk)} vs ${describeTagged(oracle)}`;
    case "string":
    case "boolean":
      return (sdk as typeof oracle).value === oracle.value
        ? undefined
        : `${here}: ${describeTagged(sdk)} vs ${describeTagged(oracle)}`;
    case "list": {
      const items = (sdk as typeof oracle).value;
      if (items.length !== oracle.value.length) {
        return `${here}: list of ${items.length} vs list of ${oracle.value.length}: ${describeTagged(sdk)} vs ${describeTagged(oracle)}`;
      }
      for (let i = 0; i < items.length; i++) {
        const d = difference(items[i] as Tagged, oracle.value[i] as Tagged, `${path}[${i}]`);
        if (d !== undefined) return d;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}
