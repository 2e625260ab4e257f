// Expression trees produced by the parser. Trees are immutable once built; they keep everything the printer needs to
// reproduce the source (parentheses, spelling of names), so `parse(print(t))` gives back the same tree.

import type { ClassAd } from "./classad.js";
import { AbsTimeValue, ERROR, type ErrorValue, RealValue, RelTimeValue } from "./value.js";

export type UnaryOp = "-" | "+" | "!" | "~";

export type BinaryOp =
  | "*"
  | "/"
  | "%"
  | "+"
  | "-"
  | "<<"
  | ">>"
  | ">>>"
  | "<"
  | "<="
  | ">"
  | ">="
  | "=="
  | "!="
  | "=?="
  | "=!="
  | "&"
  | "^"
  | "|"
  | "&&"
  | "||";

/** A scalar literal value: undefined, error, boolean, integer, real, string, absolute or relative time. */
export type LiteralValue =
  | undefined
  | ErrorValue
  | boolean
  | number
  | bigint
  | string
  | RealValue
  | AbsTimeValue
  | RelTimeValue;

export interface LitNode {
  readonly k: "lit";
  readonly v: LiteralValue;
}
/** `name` (or `.name` when `abs`): an attribute reference. */
export interface RefNode {
  readonly k: "ref";
  readonly name: string;
  readonly abs: boolean;
}
/** `base.name`: attribute selection. */
export interface SelNode {
  readonly k: "sel";
  readonly base: Node;
  readonly name: string;
}
/** `base[index]`. */
export interface SubNode {
  readonly k: "sub";
  readonly base: Node;
  readonly index: Node;
}
export interface UnNode {
  readonly k: "un";
  readonly op: UnaryOp;
  readonly e: Node;
}
export interface BinNode {
  readonly k: "bin";
  readonly op: BinaryOp;
  readonly l: Node;
  readonly r: Node;
}
/** `c ? t : f`. */
export interface CondNode {
  readonly k: "cond";
  readonly c: Node;
  readonly t: Node;
  readonly f: Node;
}
/** `l ?: r`. */
export interface ElvisNode {
  readonly k: "elvis";
  readonly l: Node;
  readonly r: Node;
}
export interface ParenNode {
  readonly k: "paren";
  readonly e: Node;
}
/** A function call; `name` keeps the source spelling (function lookup is case-insensitive). */
export interface CallNode {
  readonly k: "call";
  readonly name: string;
  readonly args: readonly Node[];
}
export interface ListNode {
  readonly k: "list";
  readonly items: readonly Node[];
}
/** A nested ad literal `[ a = 1; ... ]`. */
export interface AdNode {
  readonly k: "ad";
  readonly ad: ClassAd;
}

export type Node =
  | LitNode
  | RefNode
  | SelNode
  | SubNode
  | UnNode
  | BinNode
  | CondNode
  | ElvisNode
  | ParenNode
  | CallNode
  | ListNode
  | AdNode;

export function lit(v: LiteralValue): LitNode {
  return { k: "lit", v };
}

const UNDEFINED_LIT: LitNode = lit(undefined);
const ERROR_LIT: LitNode = lit(ERROR);
const TRUE_LIT: LitNode = lit(true);
const FALSE_LIT: LitNode = lit(false);

/** Shared literal nodes for the constants (saves memory on big ads). */
export function constLit(v: undefined | ErrorValue | boolean): LitNode {
  if (v === undefined) return UNDEFINED_LIT;
  if (v === true) return TRUE_LIT;
  if (v === false) return FALSE_LIT;
  return ERROR_LIT;
}

/** Structural equality of literal values: same type and same value (reals by bit pattern, so NaN equals NaN). */
export function sameLiteral(a: LiteralValue, b: LiteralValue): boolean {
  if (a instanceof RealValue) return b instanceof RealValue && Object.is(a.v, b.v);
  if (a instanceof AbsTimeValue)
    return b instanceof AbsTimeValue && a.secs === b.secs && a.offset === b.offset;
  if (a instanceof RelTimeValue) return b instanceof RelTimeValue && Object.is(a.secs, b.secs);
  if (typeof a === "bigint" || typeof b === "bigint") return typeof a === typeof b && a === b;
  return a === b;
}
