// Runtime values of the evaluator. They are chosen so the hot paths of matchmaking allocate nothing:
//   UNDEFINED -> JS undefined           boolean -> JS boolean       string -> JS string
//   integer   -> JS number (always a safe integer, never -0), or bigint outside the safe range (always int64)
//   real      -> RealValue box          ERROR -> the ERROR singleton
//   list      -> ListValue              classad -> ClassAd
//   absolute / relative time -> AbsTimeValue / RelTimeValue
// A `number` is therefore always an integer; reals are always boxed, so `typeof v === "number"` is the integer test.

import type { Node } from "./ast.js";
import type { ClassAd } from "./classad.js";
import type { Fn } from "./evaluator.js";

/** A real (IEEE double) value. */
export class RealValue {
  constructor(readonly v: number) {}
}

/** The ERROR value (a singleton). */
export class ErrorValue {
  static readonly instance = new ErrorValue();
  private constructor() {}
}

export const ERROR: ErrorValue = ErrorValue.instance;

/** An absolute time: seconds since the epoch (UTC) and the time zone offset it was written in. */
export class AbsTimeValue {
  constructor(
    readonly secs: number,
    readonly offset: number,
  ) {}
}

/** A relative time in seconds. */
export class RelTimeValue {
  constructor(readonly secs: number) {}
}

/**
 * A list. Lists from literals keep their element expressions unevaluated (like HTCondor, so `string({x})` prints
 * `{ x }`) together with compiled element functions and the ad they are evaluated in; lists made by functions hold
 * values.
 */
export class ListValue {
  constructor(
    /** Element expressions, when the list comes from a literal (kept for printing). */
    readonly nodes: readonly Node[] | undefined,
    /** Compiled element expressions (parallel to `nodes`). */
    readonly fns: readonly Fn[] | undefined,
    /** Element values, when the list was computed. */
    readonly values: readonly Val[] | undefined,
    /** The ad that element expressions are evaluated in. */
    readonly scope: ClassAd | undefined,
    /**
     * HTCondor's SLIST_VALUE: a list made by a function (split, splitUserName, argsToList, evalInEachContext, ...)
     * rather than written as a literal. It behaves like any list except that `=?=` / `=!=` treat it as another type.
     */
    readonly shared = false,
  ) {}

  get length(): number {
    return this.fns ? this.fns.length : (this.values as readonly Val[]).length;
  }

  static of(values: readonly Val[]): ListValue {
    return new ListValue(undefined, undefined, values, undefined);
  }

  /** A computed list with HTCondor's SLIST_VALUE type (see `shared`). */
  static sharedOf(values: readonly Val[]): ListValue {
    return new ListValue(undefined, undefined, values, undefined, true);
  }
}

/** Any runtime value. `undefined` is UNDEFINED. */
export type Val =
  | undefined
  | ErrorValue
  | boolean
  | number
  | bigint
  | string
  | RealValue
  | ListValue
  | ClassAd
  | AbsTimeValue
  | RelTimeValue;

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
/** 2^63 as a double (exactly representable). */
const TWO_TO_63 = 2 ** 63;

/** Normalises an int64 bigint: a JS number when it is safe, else the bigint. */
export function intFromBig(b: bigint): number | bigint {
  const w = BigInt.asIntN(64, b);
  if (w >= -9007199254740991n && w <= 9007199254740991n) return Number(w);
  return w;
}

/** Converts a JS number that is known to be integral (maybe unsafe) into the canonical integer representation. */
export function intFromNumber(n: number): number | bigint {
  if (Number.isSafeInteger(n)) return n === 0 ? 0 : n;
  return intFromBig(BigInt(n));
}

/** C's (long long) cast of a double on x86-64: truncation, and INT64_MIN for NaN and out-of-range values. */
export function doubleToInt64(d: number): number | bigint {
  if (Number.isNaN(d) || d >= TWO_TO_63 || d < -TWO_TO_63) return INT64_MIN;
  const t = Math.trunc(d);
  return intFromNumber(t);
}

/** C's (int) cast of a double on x86-64: truncation, and INT_MIN for NaN and out-of-range values. */
export function doubleToInt32(d: number): number {
  if (Number.isNaN(d) || d >= 2147483648 || d <= -2147483649) return -2147483648;
  return Math.trunc(d) | 0;
}

/** C's (int) truncation of an int64 (keeps the low 32 bits). */
export function toInt32(i: number | bigint): number {
  if (typeof i === "number" && i >= -2147483648 && i <= 2147483647) return i;
  return Number(BigInt.asIntN(32, BigInt(i)));
}

/** The numeric value of an integer as a double. */
export function intToDouble(i: number | bigint): number {
  return typeof i === "number" ? i : Number(i);
}

export function isInteger(v: Val): v is number | bigint {
  return typeof v === "number" || typeof v === "bigint";
}

/** HTCondor's IsNumber: booleans, integers and reals. */
export function isNumberLike(v: Val): boolean {
  return typeof v === "number" || typeof v === "bigint" || typeof v === "boolean" || v instanceof RealValue;
}

/** HTCondor's IsBooleanValueEquiv: booleans, and numbers compared with zero. Returns undefined for other types. */
export function booleanEquiv(v: Val): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (v instanceof RealValue) return v.v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  return undefined;
}
