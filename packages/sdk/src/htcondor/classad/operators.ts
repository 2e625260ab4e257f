// Operator semantics (HTCondor operators.cpp): strict operators propagate ERROR then UNDEFINED, booleans take part
// in arithmetic and comparisons as 0/1, integers are 64-bit with wraparound, int/real mixes promote to real, strings
// compare case-insensitively except for =?= / =!=, and a +infinity real result is ERROR.

import type { BinaryOp } from "./ast.js";
import { ClassAd } from "./classad.js";
import { caseCompare } from "./text.js";
import {
  AbsTimeValue,
  booleanEquiv,
  ERROR,
  INT64_MAX,
  INT64_MIN,
  intFromBig,
  intToDouble,
  ListValue,
  RealValue,
  RelTimeValue,
  type Val,
} from "./value.js";

/** Value types as HTCondor orders them for coercion decisions. */
export enum VT {
  Undefined,
  Error,
  Boolean,
  Integer,
  Real,
  String,
  List,
  ClassAd,
  AbsTime,
  RelTime,
}

export function typeOf(v: Val): VT {
  switch (typeof v) {
    case "undefined":
      return VT.Undefined;
    case "boolean":
      return VT.Boolean;
    case "number":
    case "bigint":
      return VT.Integer;
    case "string":
      return VT.String;
    default:
      if (v instanceof RealValue) return VT.Real;
      if (v instanceof ListValue) return VT.List;
      if (v instanceof ClassAd) return VT.ClassAd;
      if (v instanceof AbsTimeValue) return VT.AbsTime;
      if (v instanceof RelTimeValue) return VT.RelTime;
      return VT.Error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Integers

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Integer + - * / % with C semantics and 64-bit wraparound. */
export function intArith(op: "+" | "-" | "*" | "/" | "%", x: number | bigint, y: number | bigint): Val {
  if (typeof x === "number" && typeof y === "number") {
    switch (op) {
      case "+": {
        const r = x + y;
        if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
        break;
      }
      case "-": {
        const r = x - y;
        if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
        break;
      }
      case "*": {
        const r = x * y;
        if (r <= MAX_SAFE && r >= -MAX_SAFE) return r === 0 ? 0 : r;
        break;
      }
      case "/": {
        if (y === 0) return ERROR;
        const r = Math.trunc(x / y);
        return r === 0 ? 0 : r;
      }
      case "%": {
        if (y === 0) return ERROR;
        const r = x % y;
        return r === 0 ? 0 : r;
      }
    }
  }
  const a = BigInt(x);
  const b = BigInt(y);
  switch (op) {
    case "+":
      return intFromBig(a + b);
    case "-":
      return intFromBig(a - b);
    case "*":
      return intFromBig(a * b);
    case "/":
      if (b === 0n) return ERROR;
      if (a === INT64_MIN && b === -1n) return INT64_MAX;
      return intFromBig(a / b);
    default:
      if (b === 0n) return ERROR;
      if (a === INT64_MIN && b === -1n) return 0;
      return intFromBig(a % b);
  }
}

export function intNegate(x: number | bigint): number | bigint {
  if (typeof x === "number") return x === 0 ? 0 : -x;
  return intFromBig(-x);
}

function bitwise(op: BinaryOp, x: number | bigint, y: number | bigint): Val {
  const a = BigInt(x);
  const b = BigInt(y);
  switch (op) {
    case "&":
      return intFromBig(a & b);
    case "|":
      return intFromBig(a | b);
    case "^":
      return intFromBig(a ^ b);
    case "<<":
      return intFromBig(a << (b & 63n));
    case ">>": {
      if (a >= 0n) return intFromBig(a >> (b & 63n));
      // HTCondor shifts a negative value one bit at a time, min(64, count) times (none for a negative count).
      const n = b < 0n ? 0n : b > 64n ? 64n : b;
      return intFromBig(a >> n);
    }
    default: {
      // >>>: logical shift right.
      if (a >= 0n) return intFromBig(a >> (b & 63n));
      const cleared = (a >> 1n) & INT64_MAX;
      return intFromBig(cleared >> ((b - 1n) & 63n));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Arithmetic

function isArithmetic(v: Val): boolean {
  return (
    typeof v === "number" ||
    typeof v === "bigint" ||
    typeof v === "boolean" ||
    v instanceof RealValue ||
    v instanceof AbsTimeValue ||
    v instanceof RelTimeValue
  );
}

/** Numeric value of an integer, real or boolean (for promotion to real). */
export function toDouble(v: Val): number {
  if (typeof v === "number") return v;
  if (v instanceof RealValue) return v.v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  return Number.NaN;
}

/** A real result; +infinity is ERROR (HTCondor's HUGE_VAL check). */
export function realResult(r: number): Val {
  return r === Number.POSITIVE_INFINITY ? ERROR : new RealValue(r);
}

/** Binary + - * / % on any values (strictness included). */
export function arith(op: "+" | "-" | "*" | "/" | "%", a: Val, b: Val): Val {
  if (a === ERROR || b === ERROR) return ERROR;
  if (a === undefined || b === undefined) return undefined;
  if (!isArithmetic(a) || !isArithmetic(b)) return ERROR;
  let x = a;
  let y = b;
  if (
    x instanceof AbsTimeValue ||
    y instanceof AbsTimeValue ||
    x instanceof RelTimeValue ||
    y instanceof RelTimeValue
  ) {
    return timeArith(op, x, y);
  }
  if (typeof x === "boolean") x = x ? 1 : 0;
  if (typeof y === "boolean") y = y ? 1 : 0;
  if ((typeof x === "number" || typeof x === "bigint") && (typeof y === "number" || typeof y === "bigint")) {
    return intArith(op, x, y);
  }
  const r1 = toDouble(x);
  const r2 = toDouble(y);
  switch (op) {
    case "+":
      return realResult(r1 + r2);
    case "-":
      return realResult(r1 - r2);
    case "*":
      return realResult(r1 * r2);
    case "/":
      return realResult(r1 / r2);
    default:
      return ERROR;
  }
}

function timeArith(op: string, a: Val, b: Val): Val {
  const abs1 = a instanceof AbsTimeValue ? a : undefined;
  const abs2 = b instanceof AbsTimeValue ? b : undefined;
  const rel1 = a instanceof RelTimeValue ? a : undefined;
  const rel2 = b instanceof RelTimeValue ? b : undefined;
  const trunc32 = (n: number): number => Math.trunc(n) | 0;
  if (op === "+") {
    if (abs1 && rel2) return new AbsTimeValue(abs1.secs + trunc32(rel2.secs), abs1.offset);
    if (rel1 && abs2) return new AbsTimeValue(abs2.secs + trunc32(rel1.secs), abs2.offset);
    if (rel1 && rel2) return new RelTimeValue(rel1.secs + rel2.secs);
  }
  if (op === "-") {
    if (abs1 && abs2) return new RelTimeValue(abs1.secs - abs2.secs);
    if (abs1 && rel2) return new AbsTimeValue(abs1.secs - trunc32(rel2.secs), abs1.offset);
    if (rel1 && rel2) return new RelTimeValue(rel1.secs - rel2.secs);
  }
  if (op === "*" || op === "/") {
    if (rel1 && (typeof b === "number" || typeof b === "bigint" || b instanceof RealValue)) {
      const n = toDouble(b);
      return new RelTimeValue(op === "*" ? rel1.secs * n : rel1.secs / n);
    }
    if (rel2 && op === "*" && (typeof a === "number" || typeof a === "bigint" || a instanceof RealValue)) {
      return new RelTimeValue(toDouble(a) * rel2.secs);
    }
  }
  return ERROR;
}

/** Unary minus. */
export function negate(a: Val): Val {
  if (a === undefined || a === ERROR) return a;
  if (typeof a === "number" || typeof a === "bigint") return intNegate(a);
  if (a instanceof RealValue) return new RealValue(-a.v);
  if (a instanceof RelTimeValue) return new RelTimeValue(-a.secs);
  return ERROR;
}

/** Unary plus: numbers, relative times and exceptional values pass; other types are ERROR. */
export function unaryPlus(a: Val): Val {
  if (a === undefined || a === ERROR) return a;
  if (typeof a === "number" || typeof a === "bigint" || a instanceof RealValue || a instanceof RelTimeValue)
    return a;
  return ERROR;
}

/** Logical not: booleans and numbers (as booleans); strings and others are ERROR. */
export function logicalNot(a: Val): Val {
  if (a === undefined || a === ERROR) return a;
  const b = booleanEquiv(a);
  return b === undefined ? ERROR : !b;
}

export function bitNot(a: Val): Val {
  if (a === undefined || a === ERROR) return a;
  if (typeof a === "number" || typeof a === "bigint") return intFromBig(~BigInt(a));
  return ERROR;
}

/** Bitwise and shift operators: integers only. */
export function bitOp(op: BinaryOp, a: Val, b: Val): Val {
  if (a === ERROR || b === ERROR) return ERROR;
  if (a === undefined || b === undefined) return undefined;
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint")) {
    return bitwise(op, a, b);
  }
  return ERROR;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison

function cmpResult(op: BinaryOp, c: number): boolean {
  switch (op) {
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
    case "==":
    case "=?=":
      return c === 0;
    default:
      return c !== 0;
  }
}

function numCompare(op: BinaryOp, x: number, y: number): boolean {
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
    case "==":
    case "=?=":
      return x === y;
    default:
      return x !== y;
  }
}

function intCompare(op: BinaryOp, x: number | bigint, y: number | bigint): boolean {
  switch (op) {
    case "<":
      return x < y;
    case "<=":
      return x <= y;
    case ">":
      return x > y;
    case ">=":
      return x >= y;
    case "==":
    case "=?=":
      return x === y;
    default:
      return x !== y;
  }
}

/** `=?=` (is): same type and same value; never UNDEFINED; lists and ads give ERROR. */
export function metaEqual(a: Val, b: Val): Val {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return false;
  switch (ta) {
    case VT.List:
      // A literal list and a function-made one (SLIST_VALUE) are different types to HTCondor.
      return (a as ListValue).shared === (b as ListValue).shared ? ERROR : false;
    case VT.Undefined:
    case VT.Error:
      return true;
    case VT.String:
      return a === b;
    case VT.Integer:
    case VT.Boolean:
      return a === b;
    case VT.Real:
      return (a as RealValue).v === (b as RealValue).v;
    case VT.AbsTime:
      return (
        (a as AbsTimeValue).secs === (b as AbsTimeValue).secs &&
        (a as AbsTimeValue).offset === (b as AbsTimeValue).offset
      );
    case VT.RelTime:
      return (a as RelTimeValue).secs === (b as RelTimeValue).secs;
    default:
      return ERROR;
  }
}

/** Any comparison operator, with strictness and HTCondor's coercions. */
export function compare(op: BinaryOp, a: Val, b: Val): Val {
  if (op === "=?=") return metaEqual(a, b);
  if (op === "=!=") {
    const r = metaEqual(a, b);
    return r === ERROR ? ERROR : !r;
  }
  if (a === ERROR || b === ERROR) return ERROR;
  if (a === undefined || b === undefined) return undefined;
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta === VT.ClassAd || tb === VT.ClassAd || ta === VT.List || tb === VT.List) return ERROR;
  if (ta === VT.String || tb === VT.String) {
    if (ta !== tb) return ERROR;
    return cmpResult(op, caseCompare(a as string, b as string));
  }
  if (ta === VT.AbsTime || tb === VT.AbsTime) {
    if (ta !== tb) return ERROR;
    return numCompare(op, (a as AbsTimeValue).secs, (b as AbsTimeValue).secs);
  }
  if (ta === VT.RelTime || tb === VT.RelTime) {
    if (ta !== tb) return ERROR;
    return numCompare(op, (a as RelTimeValue).secs, (b as RelTimeValue).secs);
  }
  // Numbers and booleans: booleans become 0/1; int/real mixes compare as reals.
  const x = typeof a === "boolean" ? (a ? 1 : 0) : a;
  const y = typeof b === "boolean" ? (b ? 1 : 0) : b;
  if ((typeof x === "number" || typeof x === "bigint") && (typeof y === "number" || typeof y === "bigint")) {
    return intCompare(op, x, y);
  }
  return numCompare(op, toDouble(x), toDouble(y));
}

/** strcmp-style comparison result normalised to -1/0/1. */
export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/**
 * HTCondor's coerceToNumber applied in place to a pair, as the list functions (sum/avg/min/max) experience it:
 * booleans become integers, and when one side is real the other becomes real too.
 */
export function coercePair(a: Val, b: Val): [Val, Val] {
  if (
    typeOf(a) > VT.Real ||
    typeOf(b) > VT.Real ||
    a === undefined ||
    b === undefined ||
    a === ERROR ||
    b === ERROR
  ) {
    return [a, b];
  }
  let x = typeof a === "boolean" ? (a ? 1 : 0) : a;
  let y = typeof b === "boolean" ? (b ? 1 : 0) : b;
  if (x instanceof RealValue && !(y instanceof RealValue))
    y = new RealValue(intToDouble(y as number | bigint));
  else if (y instanceof RealValue && !(x instanceof RealValue))
    x = new RealValue(intToDouble(x as number | bigint));
  return [x, y];
}
