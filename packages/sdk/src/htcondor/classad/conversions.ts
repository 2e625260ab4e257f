// Value conversions used by int(), real(), string() and the string functions (HTCondor value.cpp).

import { ClassAd } from "./classad.js";
import { strtod } from "./numbers.js";
import { NEW_CONDOR, printValue } from "./printer.js";
import { formatAbsTime, formatRelTime } from "./time.js";
import {
  AbsTimeValue,
  doubleToInt64,
  ERROR,
  intToDouble,
  ListValue,
  RealValue,
  RelTimeValue,
  type Val,
} from "./value.js";

/** convertValueToStringValue: strings as they are, other values unparsed; UNDEFINED and ERROR stay. */
export function toStringValue(v: Val): Val {
  if (typeof v === "string" || v === undefined || v === ERROR) return v;
  if (v instanceof AbsTimeValue) return formatAbsTime(v);
  if (v instanceof RelTimeValue) return formatRelTime(v.secs);
  return printValue(v, NEW_CONDOR);
}

/** convertValueToIntegerValue: reals truncate, strings are read with strtod, booleans are 0/1. */
export function toIntegerValue(v: Val): Val {
  if (typeof v === "number" || typeof v === "bigint") return v;
  if (v === undefined) return undefined;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof RealValue) return doubleToInt64(v.v);
  if (typeof v === "string") {
    const r = strtod(v);
    const i = doubleToInt64(r.value);
    if (r.used === 0 && i === 0) return ERROR;
    return i;
  }
  if (v instanceof AbsTimeValue) return v.secs;
  if (v instanceof RelTimeValue) return doubleToInt64(v.secs);
  return ERROR;
}

/** convertValueToRealValue. */
export function toRealValue(v: Val): Val {
  if (v instanceof RealValue) return v;
  if (typeof v === "number" || typeof v === "bigint") return new RealValue(intToDouble(v));
  if (v === undefined) return undefined;
  if (typeof v === "boolean") return new RealValue(v ? 1 : 0);
  if (typeof v === "string") {
    const r = strtod(v);
    if (r.used === 0 && r.value === 0) return ERROR;
    return new RealValue(r.value);
  }
  if (v instanceof AbsTimeValue) return new RealValue(v.secs);
  if (v instanceof RelTimeValue) return new RealValue(v.secs);
  return ERROR;
}

/** True for lists and ads (the "complex" values most functions reject). */
export function isComplex(v: Val): boolean {
  return v instanceof ListValue || v instanceof ClassAd;
}
