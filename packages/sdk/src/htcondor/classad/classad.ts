import type { Node } from "./ast.js";
import { inputToNode } from "./convert.js";
import { ClassAdValueError } from "./errors.js";
import { evaluateAttribute, evaluateExpr, type Fn } from "./evaluator.js";
import { adFromJsonObject, adToJsonObject } from "./json.js";
import type { MatchSite } from "./matchtest.js";
import { printAdNew, printAdOld, printNode } from "./printer.js";
import type { ClassAdValue } from "./public-value.js";
import { Shape } from "./shape.js";
import { sameNode } from "./structural.js";
import { asciiLower } from "./text.js";
import type { Val } from "./value.js";

/**
 * Marker for "this expression is not a constant". `null` is never a ClassAd value, and comparing with the null
 * literal compiles to a single pointer compare (a symbol or object sentinel would not, in hot paths).
 */
export const NOT_CONST = null;

/**
 * A ClassAd expression (immutable). It keeps the parsed tree for printing and compiles to a closure the first time
 * it is evaluated; literal attribute values are available without evaluation.
 */
export class Expr {
  /** @internal The expression tree. */
  readonly node: Node;
  /** @internal The compiled form, built on first evaluation. */
  fn: Fn | undefined = undefined;
  /** @internal The match test (whether the value holds), built on first use by matchAds. */
  mt: MatchSite | undefined = undefined;
  /** @internal The value when the expression is constant (a literal, or folded at compile time). */
  constant: Val | typeof NOT_CONST;

  /** @internal Use parseExpr() or the ClassAd API to make expressions. */
  constructor(node: Node) {
    this.node = node;
    this.constant = node.k === "lit" ? node.v : NOT_CONST;
  }

  /** The expression in new ClassAd syntax; reals print so they reparse to the same double. */
  toString(): string {
    return printNode(this.node, { old: false, reals: "exact" });
  }

  /** The expression in old ClassAd syntax (as `condor_q -long` prints values). */
  toOldString(): string {
    return printNode(this.node, { old: true, reals: "exact" });
  }

  /** Structural equality: same tree (same operators, parentheses, names, literal types and values). */
  equals(other: Expr): boolean {
    return sameNode(this.node, other.node);
  }

  /** True when the expression is a literal (no references, operators or calls). */
  get isLiteral(): boolean {
    return this.node.k === "lit";
  }

  /** Evaluates the expression with `my` as MY (and the scope of unscoped names) and `target` as TARGET. */
  evaluate(scope: { my?: ClassAd; target?: ClassAd } = {}): ClassAdValue {
    return evaluateExpr(this, scope.my, scope.target);
  }
}

/** Inputs accepted where a ClassAd value is expected: JS values become literals, an Expr is used as is. */
export type ClassAdInput =
  | Expr
  | string
  | number
  | bigint
  | boolean
  | null
  | ClassAd
  | readonly ClassAdInput[];

/**
 * A ClassAd: attribute names (case-insensitive, spelling kept) bound to expressions. Iterating gives
 * `[name, expr]` pairs in insertion order.
 */
export class ClassAd implements Iterable<[string, Expr]> {
  /** @internal Attribute layout (lower-case names -> slots). */
  shape: Shape = Shape.EMPTY;
  /** @internal Attribute names as written, by slot. */
  names: string[] = [];
  /** @internal Expressions by slot. */
  exprs: Expr[] = [];
  /** @internal Constant values by slot (NOT_CONST when the expression must be evaluated): the fast path of lookups. */
  vals: (Val | typeof NOT_CONST)[] = [];
  /** @internal Per-slot evaluation marks, for detecting circular references. */
  busy: number[] = [];
  /** @internal The ad this one is nested in (lexical scope), if any. */
  parent: ClassAd | undefined = undefined;
  /** @internal The test of this ad's Requirements for matchmaking (match.ts prepare), until the ad changes. */
  matchSite: MatchSite | undefined = undefined;
  /** @internal The slot matchmaking marks as under evaluation while it runs `matchSite` (-1: none). */
  matchMark = -1;

  /**
   * Creates an ad from `{ name: value }` or `[name, value]` pairs. JS strings, numbers (integers when integral, reals
   * otherwise), bigints, booleans, null (UNDEFINED), arrays and ClassAds become literals; an Expr is used as is.
   */
  constructor(entries?: Record<string, ClassAdInput> | Iterable<[string, ClassAdInput]>) {
    if (entries === undefined) return;
    const pairs: Iterable<[string, ClassAdInput]> =
      Symbol.iterator in entries && typeof (entries as Iterable<unknown>)[Symbol.iterator] === "function"
        ? (entries as Iterable<[string, ClassAdInput]>)
        : Object.entries(entries as Record<string, ClassAdInput>);
    for (const [name, value] of pairs) this.set(name, value);
  }

  /** Number of attributes. */
  get size(): number {
    return this.exprs.length;
  }

  /** @internal Slot of a lower-case name, or -1. */
  slotOf(lname: string): number {
    return this.shape.index.get(lname) ?? -1;
  }

  /** The expression bound to `name` (case-insensitive), or undefined. */
  get(name: string): Expr | undefined {
    const slot = this.slotOf(asciiLower(name));
    return slot < 0 ? undefined : this.exprs[slot];
  }

  /** True when the ad has an attribute `name` (case-insensitive). */
  has(name: string): boolean {
    return this.slotOf(asciiLower(name)) >= 0;
  }

  /** Binds `name` to `value` (replacing any attribute with the same name in any case; the first spelling is kept). */
  set(name: string, value: ClassAdInput): this {
    if (typeof name !== "string" || name.length === 0) {
      throw new ClassAdValueError("A ClassAd attribute name must be a non-empty string.");
    }
    this.setExpr(name, value instanceof Expr ? value : new Expr(inputToNode(value)));
    return this;
  }

  /**
   * @internal Builds an ad from parsed attributes in one go (one shared shape per distinct name list, no
   * intermediate shapes). A repeated name replaces the earlier value and keeps the first spelling and position.
   */
  static fromEntries(names: readonly string[], exprs: readonly Expr[]): ClassAd {
    const ad = new ClassAd();
    const seen = new Map<string, number>();
    const lkeys: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const expr = exprs[i] as Expr;
      const lname = asciiLower(name);
      const slot = seen.get(lname);
      if (slot !== undefined) {
        ad.exprs[slot] = expr;
        ad.vals[slot] = constantValue(expr);
        continue;
      }
      seen.set(lname, lkeys.length);
      lkeys.push(lname);
      ad.names.push(name);
      ad.exprs.push(expr);
      ad.vals.push(constantValue(expr));
      ad.busy.push(0);
    }
    ad.shape = Shape.forKeys(lkeys);
    for (const expr of ad.exprs) adoptNested(expr.node, ad);
    return ad;
  }

  /** @internal Binds an expression without conversion. */
  setExpr(name: string, expr: Expr): void {
    this.matchSite = undefined;
    const lname = asciiLower(name);
    const slot = this.slotOf(lname);
    adoptNested(expr.node, this);
    if (slot >= 0) {
      this.exprs[slot] = expr;
      this.vals[slot] = constantValue(expr);
      return;
    }
    this.shape = this.shape.extend(lname);
    this.names.push(name);
    this.exprs.push(expr);
    this.vals.push(constantValue(expr));
    this.busy.push(0);
  }

  /** Removes `name`; returns whether it was there. */
  delete(name: string): boolean {
    const slot = this.slotOf(asciiLower(name));
    if (slot < 0) return false;
    this.matchSite = undefined;
    this.shape = this.shape.without(slot);
    this.names.splice(slot, 1);
    this.exprs.splice(slot, 1);
    this.vals.splice(slot, 1);
    this.busy.splice(slot, 1);
    return true;
  }

  /** Attribute names as written, in insertion order. */
  keys(): string[] {
    return [...this.names];
  }

  /** `[name, expr]` pairs in insertion order. */
  entries(): [string, Expr][] {
    return this.names.map((n, i) => [n, this.exprs[i] as Expr]);
  }

  [Symbol.iterator](): Iterator<[string, Expr]> {
    return this.entries()[Symbol.iterator]();
  }

  /**
   * Evaluates attribute `name` with this ad as MY and `options.target` as TARGET. A name the ad lacks is looked up
   * like an unscoped reference (in TARGET, then UNDEFINED).
   */
  evaluate(name: string, options: { target?: ClassAd } = {}): ClassAdValue {
    return evaluateAttribute(this, name, options.target);
  }

  /** A shallow copy (expressions are immutable and shared). */
  copy(): ClassAd {
    const ad = new ClassAd();
    ad.shape = this.shape.forCopy();
    ad.names = [...this.names];
    ad.exprs = [...this.exprs];
    ad.vals = [...this.vals];
    ad.busy = this.exprs.map(() => 0);
    return ad;
  }

  /** New-syntax form `[ a = 1; b = "x" ]`. */
  toString(): string {
    return printAdNew(this, { old: false, reals: "exact" });
  }

  /** Old long form: one `Name = value` line per attribute, each ending with a newline (as `condor_q -long`). */
  toOldString(): string {
    return printAdOld(this, { old: true, reals: "exact" });
  }

  /**
   * The JSON form as a plain object (HTCondor's `-json` conventions): literals become JSON values, UNDEFINED becomes
   * null, lists and nested ads become arrays and objects, any other expression becomes the string "/Expr(<text>)/".
   * Integers beyond 2^53 and integral reals cannot be told apart in JS numbers, so they become "/Expr(...)/" and
   * numbers respectively; use classAdToJsonText() for HTCondor's exact text.
   */
  toJSON(): Record<string, unknown> {
    return adToJsonObject(this);
  }

  /** Builds an ad from a parsed JSON object (the inverse of toJSON(); "/Expr(...)/" strings are parsed). */
  static fromJSON(obj: Record<string, unknown>): ClassAd {
    return adFromJsonObject(obj);
  }
}

/** The value a slot can return without evaluation (nested ads and lists are never cached: they carry a scope). */
export function constantValue(expr: Expr): Val | typeof NOT_CONST {
  const k = expr.constant;
  return k instanceof ClassAd ? NOT_CONST : k;
}

/** Makes nested ad literals in a freshly bound expression point at their enclosing ad (their lexical scope). */
export function adoptNested(node: Node, owner: ClassAd): void {
  switch (node.k) {
    case "ad":
      node.ad.parent = owner;
      return;
    case "list":
      for (const item of node.items) adoptNested(item, owner);
      return;
    case "un":
    case "paren":
      adoptNested(node.e, owner);
      return;
    case "bin":
    case "elvis":
      adoptNested(node.l, owner);
      adoptNested(node.r, owner);
      return;
    case "cond":
      adoptNested(node.c, owner);
      adoptNested(node.t, owner);
      adoptNested(node.f, owner);
      return;
    case "sel":
      adoptNested(node.base, owner);
      return;
    case "sub":
      adoptNested(node.base, owner);
      adoptNested(node.index, owner);
      return;
    case "call":
      for (const a of node.args) adoptNested(a, owner);
      return;
    default:
      return;
  }
}
