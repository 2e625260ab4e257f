// The evaluator: expression trees compile once into closures `(ctx) => value`. Attribute references resolve through
// per-site caches keyed by the ad's Shape (so a reference costs a pointer compare and an array read), literal
// attributes are returned without evaluation, common operator cases (integer arithmetic and comparison, string
// equality, boolean logic) run inline, and nothing allocates on those paths.
//
// Scoping follows HTCondor (attrrefs.cpp, classad.cpp LookupInScope, matchClassad.cpp):
//  * an unscoped name is looked up in the current ad, then in the ads it is nested in; special names (self, my,
//    parent, root/toplevel, CurrentTime) are answered by the innermost ad; at the top of a match the context names
//    target/other/ad/left/right exist; finally a top-level ad falls back to its partner in the match (old-ClassAd
//    "alternate scope": MY, then TARGET);
//  * `expr.name` looks `name` up in the ad `expr` evaluates to (and the ads enclosing it), or in every ad of a list;
//  * an attribute that (indirectly) refers to itself evaluates to ERROR.

import type { BinaryOp, Node } from "./ast.js";
import { ClassAd, constantValue, type Expr, NOT_CONST } from "./classad.js";
import { type CodegenHelpers, generate, generateMatch } from "./codegen.js";
import { compileCall, stringListContains } from "./functions.js";
import { holds, type MatchFn, type MatchSite } from "./matchtest.js";
import {
  arith,
  bitNot,
  bitOp,
  compare,
  intArith,
  logicalNot,
  metaEqual,
  negate,
  unaryPlus,
} from "./operators.js";
import { NEW_EXACT, printNode } from "./printer.js";
import { type ClassAdValue, toPublicValue } from "./public-value.js";
import type { Shape } from "./shape.js";
import { asciiLower, caseEquals } from "./text.js";
import { booleanEquiv, ERROR, ListValue, toInt32, type Val } from "./value.js";

/** A compiled expression. */
export type Fn = (ctx: EvalContext) => Val;

/**
 * Marks of attributes under evaluation hold this number; it changes only when an evaluation is abandoned by an
 * exception (which leaves marks behind), so stale marks never look current.
 */
export let currentEpoch = 1;

const contexts: EvalContext[] = [];

/** Invalidates marks left by an evaluation that threw. */
export function abandonEvaluation(): void {
  currentEpoch++;
  for (const ctx of contexts) ctx.epoch = currentEpoch;
}

/** Evaluation state: the current ad and the match pair. Reused between evaluations to avoid allocation. */
export class EvalContext {
  /** The ad unscoped names are looked up in (HTCondor's curAd). */
  scope: ClassAd;
  /** MY: the ad the evaluation started in (LEFT of a match). */
  my: ClassAd | undefined;
  /** TARGET: the other ad of a match (RIGHT). */
  target: ClassAd | undefined;
  depth = 0;
  /** Marks attributes being evaluated in this evaluation (circular reference detection). */
  epoch = 0;
  inUse = false;

  /** The ad for absolute references `.name` and `root` (HTCondor's rootAd): MY, or the scope of a lone expression. */
  get root(): ClassAd {
    return this.my ?? this.scope;
  }

  constructor(scope: ClassAd) {
    this.scope = scope;
    this.my = undefined;
    this.target = undefined;
  }

  /** Prepares for a new top-level evaluation. */
  begin(scope: ClassAd, my: ClassAd | undefined, target: ClassAd | undefined): void {
    this.scope = scope;
    this.my = my;
    this.target = target;
    this.depth = 0;
    this.epoch = currentEpoch;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Attribute access

/** Evaluates slot `slot` of `ad` with `ad` as the current scope; ERROR on circular references. */
export function evalSlot(ctx: EvalContext, ad: ClassAd, slot: number): Val {
  const k = ad.vals[slot];
  if (k !== null) return k as Val;
  const expr = ad.exprs[slot] as Expr;
  const busy = ad.busy;
  const epoch = ctx.epoch;
  if (busy[slot] === epoch) return ERROR;
  busy[slot] = epoch;
  const saved = ctx.scope;
  ctx.scope = ad;
  // Runaway (non-circular) recursion ends in a RangeError, which the entry points turn into ERROR.
  const v = (expr.fn ?? compileSlot(ad, slot))(ctx);
  ctx.scope = saved;
  busy[slot] = 0;
  return v;
}

/** The value of slot `slot` of `ad`: its constant, or its evaluation. Small enough for V8 to inline. */
export function slotValue(ctx: EvalContext, ad: ClassAd, slot: number): Val {
  const k = ad.vals[slot];
  return k !== null ? (k as Val) : evalSlot(ctx, ad, slot);
}

/** Compiles the expression of a slot and caches its value there when it turns out to be constant. */
export function compileSlot(ad: ClassAd, slot: number): Fn {
  const expr = ad.exprs[slot] as Expr;
  const fn = compileExpr(expr);
  ad.vals[slot] = constantValue(expr);
  return fn;
}

/** Whether slot `slot` of `ad` holds (is true or a non-zero number), evaluated with its match test. */
function slotHolds(ctx: EvalContext, ad: ClassAd, slot: number): boolean {
  return ((ad.exprs[slot] as Expr).mt ?? compileMatchSlot(ad, slot)).fn(ctx);
}

const sharedMatch = new Map<string, MatchSite>();

/**
 * Compiles the match test of a slot's expression (and the expression itself, as compileSlot does): an alias test for
 * a bare reference (the `Requirements = START` idiom), else generated code (see codegen.ts generateMatch), else a
 * test of the value. Identical expressions share one test, and with it the order its terms are tried in.
 */
export function compileMatchSlot(ad: ClassAd, slot: number): MatchSite {
  const expr = ad.exprs[slot] as Expr;
  if (expr.fn === undefined) compileSlot(ad, slot);
  if (expr.mt !== undefined) return expr.mt;
  const node = expr.node;
  const key = holdsAd(node) ? undefined : printNode(node, NEW_EXACT);
  let m = key === undefined ? undefined : sharedMatch.get(key);
  if (m === undefined) {
    let bare = node;
    while (bare.k === "paren") bare = bare.e;
    if (bare.k === "ref" && !bare.abs) m = aliasMatch(bare.name);
    else m = (codegenEnabled ? generateMatch(node, codegenHelpers()) : undefined) ?? valueMatch(expr);
    if (key !== undefined) {
      if (sharedMatch.size >= SHARED_CODE_LIMIT) sharedMatch.clear();
      sharedMatch.set(key, m);
    }
  }
  expr.mt = m;
  return m;
}

/** The match test of an expression without generated code: whether its value holds. */
function valueMatch(expr: Expr): MatchSite {
  const fn = expr.fn ?? compileExpr(expr);
  return { fn: (ctx) => holds(fn(ctx)), gen: 0 };
}

/**
 * The match test of a bare attribute reference: the referenced attribute's own match test when it is an expression
 * of the same ad (marked as under evaluation, as a reference does), else whether the referenced value holds.
 */
function aliasMatch(name: string): MatchSite {
  const lname = asciiLower(name);
  const shapes: (Shape | undefined)[] = [undefined, undefined, undefined, undefined];
  const slots = [-1, -1, -1, -1];
  let next = 0;
  const fn: MatchFn = (ctx) => {
    const scope = ctx.scope;
    const sh = scope.shape;
    let slot: number;
    if (sh === shapes[0]) slot = slots[0] as number;
    else if (sh === shapes[1]) slot = slots[1] as number;
    else if (sh === shapes[2]) slot = slots[2] as number;
    else if (sh === shapes[3]) slot = slots[3] as number;
    else {
      slot = sh.index.get(lname) ?? -1;
      shapes[next] = sh;
      slots[next] = slot;
      next = (next + 1) & 3;
    }
    if (slot < 0) return holds(resolveFrom(ctx, scope, lname, true));
    const k = scope.vals[slot];
    if (k !== null) return holds(k as Val);
    const busy = scope.busy;
    const epoch = ctx.epoch;
    if (busy[slot] === epoch) return false;
    busy[slot] = epoch;
    const r = slotHolds(ctx, scope, slot);
    busy[slot] = 0;
    return r;
  };
  return { fn, gen: 0 };
}

/** A two-entry inline cache from shapes to the slot of one name (-1 when absent). */
function makeLookup(lname: string): (ad: ClassAd) => number {
  let s0: Shape | undefined;
  let i0 = -1;
  let s1: Shape | undefined;
  let i1 = -1;
  let next = 0;
  return (ad: ClassAd): number => {
    const sh = ad.shape;
    if (sh === s0) return i0;
    if (sh === s1) return i1;
    const i = sh.index.get(lname) ?? -1;
    if (next === 0) {
      s0 = sh;
      i0 = i;
      next = 1;
    } else {
      s1 = sh;
      i1 = i;
      next = 0;
    }
    return i;
  };
}

/** The other ad of the match for an ad at the top of a scope chain. */
function partnerOf(ctx: EvalContext, top: ClassAd): ClassAd | undefined {
  if (top === ctx.my) return ctx.target;
  if (top === ctx.target) return ctx.my;
  return undefined;
}

function currentTime(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Resolves `lname` after it was not found in `start` itself: special names, enclosing ads, match context names and
 * (for unscoped references from a top-level ad) the partner ad.
 */
export function resolveFrom(ctx: EvalContext, start: ClassAd, lname: string, alternate: boolean): Val {
  switch (lname) {
    case "self":
    case "my":
      return start;
    case "parent":
      return start.parent;
    case "root":
    case "toplevel":
      return ctx.root;
    case "currenttime":
      return currentTime();
    default:
      break;
  }
  let top = start;
  while (top.parent !== undefined) {
    top = top.parent;
    const slot = top.slotOf(lname);
    if (slot >= 0) return evalSlot(ctx, top, slot);
  }
  const partner = partnerOf(ctx, top);
  if (ctx.target !== undefined && (top === ctx.my || top === ctx.target)) {
    switch (lname) {
      case "target":
      case "other":
        return partner;
      case "ad":
        return top;
      case "left":
        return ctx.my;
      case "right":
        return ctx.target;
      default:
        break;
    }
  }
  if (alternate && start.parent === undefined && partner !== undefined) {
    const slot = partner.slotOf(lname);
    if (slot >= 0) return evalSlot(ctx, partner, slot);
  }
  return undefined;
}

/** Looks `lname` up starting at `ad` (own attributes first), as `expr.name` does. */
export function lookupIn(ctx: EvalContext, ad: ClassAd, lname: string): Val {
  const slot = ad.slotOf(lname);
  if (slot >= 0) return evalSlot(ctx, ad, slot);
  return resolveFrom(ctx, ad, lname, false);
}

/** Element `i` of a list (evaluated in the list's scope). */
export function listItem(ctx: EvalContext, list: ListValue, i: number): Val {
  if (list.values) return list.values[i];
  const fn = (list.fns as readonly Fn[])[i] as Fn;
  const saved = ctx.scope;
  if (list.scope) ctx.scope = list.scope;
  const v = fn(ctx);
  ctx.scope = saved;
  return v;
}

/** All elements of a list, evaluated. */
export function listItems(ctx: EvalContext, list: ListValue): Val[] {
  if (list.values) return [...list.values];
  const out: Val[] = [];
  for (let i = 0; i < list.length; i++) out.push(listItem(ctx, list, i));
  return out;
}

/** `value.name` for a value that is an ad, a list of ads, UNDEFINED or anything else (ERROR). */
export function selectFrom(ctx: EvalContext, base: Val, lname: string): Val {
  if (base instanceof ClassAd) return lookupIn(ctx, base, lname);
  if (base === undefined) return undefined;
  if (base instanceof ListValue) {
    const out: Val[] = [];
    for (let i = 0; i < base.length; i++) {
      const item = listItem(ctx, base, i);
      if (item instanceof ClassAd) out.push(lookupIn(ctx, item, lname));
      else if (item === undefined) out.push(undefined);
      else out.push(ERROR);
    }
    return ListValue.of(out);
  }
  return ERROR;
}

// ---------------------------------------------------------------------------------------------------------------
// Compilation

interface Compiled {
  fn: Fn;
  /** The value when the expression is constant. */
  k: Val | typeof NOT_CONST;
}

const constant = (v: Val): Compiled => ({ fn: () => v, k: v });

/** Compiles an attribute's expression (once) and records its constant value when it folds to one. */
export function compileExpr(expr: Expr): Fn {
  if (expr.fn) return expr.fn;
  const c = compileShared(expr.node);
  expr.fn = c.fn;
  if (c.k !== null && !(c.k instanceof ClassAd) && !(c.k instanceof ListValue)) expr.constant = c.k;
  return c.fn;
}

/** Compiles a tree into a function (generated code when the platform allows it, else closures). */
export function compile(node: Node): Fn {
  return compileShared(node).fn;
}

/** Compiles with the closure compiler only. */
export function compileClosure(node: Node): Fn {
  return compileNode(node).fn;
}

/** The constant value of a tree, or NOT_CONST. */
export function constantOf(node: Node): Val | typeof NOT_CONST {
  return compileNode(node).k;
}

const sharedCode = new Map<string, Compiled>();
const SHARED_CODE_LIMIT = 20000;

/** True when a tree holds a nested ad literal (those have an identity: their enclosing ad). */
function holdsAd(node: Node): boolean {
  switch (node.k) {
    case "ad":
      return true;
    case "lit":
    case "ref":
      return false;
    case "list":
      return node.items.some(holdsAd);
    case "call":
      return node.args.some(holdsAd);
    case "un":
    case "paren":
      return holdsAd(node.e);
    case "bin":
    case "elvis":
      return holdsAd(node.l) || holdsAd(node.r);
    case "cond":
      return holdsAd(node.c) || holdsAd(node.t) || holdsAd(node.f);
    case "sel":
      return holdsAd(node.base);
    case "sub":
      return holdsAd(node.base) || holdsAd(node.index);
  }
}

let helpers: CodegenHelpers | undefined;

function codegenHelpers(): CodegenHelpers {
  helpers ??= {
    slotValue,
    resolveFrom,
    selectFrom,
    compare,
    arith,
    intArith,
    metaEqual,
    bitOp,
    negate,
    unaryPlus,
    logicalNot,
    bitNot,
    andPair,
    orPair,
    caseEquals,
    stringListContains,
    compileSlot,
    evalSlot,
    compile,
    compileClosure,
    constantOf,
  };
  return helpers;
}

/**
 * Compiles a tree, sharing the result between structurally identical trees (same printed form), so identical
 * expressions of many ads run the same (optimised) function.
 */
let codegenEnabled = true;

/**
 * @internal Turns code generation off (or back on) and forgets shared compiled code: tests use it to check the
 * closure compiler, which is what runs where `new Function` is forbidden. Expressions already compiled keep theirs.
 */
export function setCodegenForTests(enabled: boolean): void {
  codegenEnabled = enabled;
  sharedCode.clear();
  sharedMatch.clear();
}

function compileShared(node: Node): Compiled {
  if (node.k === "lit") return constant(node.v);
  // Identical expressions share one function object (so call sites stay monomorphic and V8 inlines them);
  // expressions differing only in literal values share the generated code (see codegen.ts) with their own constants.
  const key = holdsAd(node) ? undefined : printNode(node, NEW_EXACT);
  if (key !== undefined) {
    const hit = sharedCode.get(key);
    if (hit) return hit;
  }
  const c: Compiled = (codegenEnabled ? generate(node, codegenHelpers()) : undefined) ?? compileNode(node);
  if (key !== undefined) {
    if (sharedCode.size >= SHARED_CODE_LIMIT) sharedCode.clear();
    sharedCode.set(key, c);
  }
  return c;
}

function compileNode(node: Node): Compiled {
  switch (node.k) {
    case "lit":
      return constant(node.v);
    case "paren":
      return compileNode(node.e);
    case "ref":
      return { fn: compileRef(node.name, node.abs), k: NOT_CONST };
    case "sel":
      return { fn: compileSelect(node.base, node.name), k: NOT_CONST };
    case "sub":
      return { fn: compileSubscript(node.base, node.index), k: NOT_CONST };
    case "un":
      return compileUnary(node.op, compileNode(node.e));
    case "bin":
      return compileBinary(node.op, compileNode(node.l), compileNode(node.r));
    case "cond":
      return compileCond(compileNode(node.c), compileNode(node.t), compileNode(node.f));
    case "elvis": {
      const l = compileNode(node.l);
      const r = compileNode(node.r);
      if (l.k !== null && l.k !== undefined) return l;
      if (l.k === undefined) return r;
      const lf = l.fn;
      const rf = r.fn;
      return {
        fn: (ctx) => {
          const a = lf(ctx);
          return a === undefined ? rf(ctx) : a;
        },
        k: NOT_CONST,
      };
    }
    case "call":
      return { fn: compileCall(node.name, node.args), k: NOT_CONST };
    case "list": {
      const nodes = node.items;
      const items = nodes.map(compileNode);
      const fns = items.map((c) => c.fn);
      if (items.every((c) => c.k !== null && !(c.k instanceof ClassAd) && !(c.k instanceof ListValue))) {
        // A list of literals does not depend on its scope: build it once.
        const list = new ListValue(
          nodes,
          fns,
          items.map((c) => c.k as Val),
          undefined,
        );
        return { fn: () => list, k: NOT_CONST };
      }
      return { fn: (ctx) => new ListValue(nodes, fns, undefined, ctx.scope), k: NOT_CONST };
    }
    case "ad": {
      const ad = node.ad;
      return {
        fn: (ctx) => {
          // A nested ad's lexical parent is the ad its literal is evaluated in.
          if (ad !== ctx.scope) ad.parent = ctx.scope;
          return ad;
        },
        k: NOT_CONST,
      };
    }
  }
}

function compileRef(name: string, abs: boolean): Fn {
  const lname = asciiLower(name);
  if (abs) {
    return (ctx) => {
      if (ctx.target !== undefined) {
        // With a match the root is the match ad itself, which only holds LEFT and RIGHT.
        if (lname === "left") return ctx.my;
        if (lname === "right") return ctx.target;
        return undefined;
      }
      const root = ctx.root;
      return root === undefined ? undefined : lookupIn(ctx, root, lname);
    };
  }
  const look = makeLookup(lname);
  return (ctx) => {
    const scope = ctx.scope;
    const slot = look(scope);
    if (slot >= 0) return evalSlot(ctx, scope, slot);
    return resolveFrom(ctx, scope, lname, true);
  };
}

function compileSelect(baseNode: Node, name: string): Fn {
  const lname = asciiLower(name);
  const look = makeLookup(lname);
  const base = compileNode(baseNode).fn;
  const generic: Fn = (ctx) => {
    const b = base(ctx);
    if (b instanceof ClassAd) {
      const slot = look(b);
      if (slot >= 0) return evalSlot(ctx, b, slot);
      return resolveFrom(ctx, b, lname, false);
    }
    return selectFrom(ctx, b, lname);
  };
  if (baseNode.k !== "ref" || baseNode.abs) return generic;
  const scopeName = asciiLower(baseNode.name);
  const lookScope = makeLookup(scopeName);
  if (scopeName === "target") {
    // TARGET.name from a top-level ad whose own attributes do not shadow "target".
    return (ctx) => {
      const scope = ctx.scope;
      if (scope.parent !== undefined || lookScope(scope) >= 0) return generic(ctx);
      const t = scope === ctx.my ? ctx.target : scope === ctx.target ? ctx.my : undefined;
      if (t === undefined) return undefined;
      const slot = look(t);
      if (slot >= 0) return evalSlot(ctx, t, slot);
      return resolveFrom(ctx, t, lname, false);
    };
  }
  if (scopeName === "my" || scopeName === "self") {
    return (ctx) => {
      const scope = ctx.scope;
      if (lookScope(scope) >= 0) return generic(ctx);
      const slot = look(scope);
      if (slot >= 0) return evalSlot(ctx, scope, slot);
      return resolveFrom(ctx, scope, lname, false);
    };
  }
  return generic;
}

function compileSubscript(baseNode: Node, indexNode: Node): Fn {
  const base = compileNode(baseNode).fn;
  const index = compileNode(indexNode).fn;
  return (ctx) => subscript(ctx, base(ctx), index(ctx));
}

/** `base[index]`: an attribute of an ad by name, or a list element by 0-based position. */
export function subscript(ctx: EvalContext, b: Val, i: Val): Val {
  if (b === ERROR || i === ERROR) return ERROR;
  if (b === undefined || i === undefined) return undefined;
  if (b instanceof ClassAd && typeof i === "string") {
    const slot = b.slotOf(asciiLower(i));
    return slot < 0 ? undefined : evalSlot(ctx, b, slot);
  }
  if (b instanceof ListValue && (typeof i === "number" || typeof i === "bigint")) {
    const n = toInt32(i);
    if (n < 0 || n >= b.length) return ERROR;
    return listItem(ctx, b, n);
  }
  return ERROR;
}

function compileUnary(op: string, e: Compiled): Compiled {
  const f = e.fn;
  let apply: (v: Val) => Val;
  switch (op) {
    case "-":
      apply = negate;
      break;
    case "+":
      apply = unaryPlus;
      break;
    case "!":
      apply = logicalNot;
      break;
    default:
      apply = bitNot;
  }
  if (e.k !== null) return constant(apply(e.k));
  if (op === "!") {
    return {
      fn: (ctx) => {
        const v = f(ctx);
        if (typeof v === "boolean") return !v;
        return logicalNot(v);
      },
      k: NOT_CONST,
    };
  }
  return { fn: (ctx) => apply(f(ctx)), k: NOT_CONST };
}

/** `a && b` given both values (see andValues). */
export function andPair(a: Val, b: Val): Val {
  const ab = booleanEquiv(a);
  if (ab === false) return false;
  if (a === ERROR) return ERROR;
  if (ab === undefined && a !== undefined) return ERROR;
  const bb = booleanEquiv(b);
  if (bb === undefined && b !== undefined && b !== ERROR) return ERROR;
  if (ab === true) return bb ?? b;
  if (bb === undefined) return b;
  return bb ? undefined : false;
}

/** `a || b` given both values (see orValues). */
export function orPair(a: Val, b: Val): Val {
  const ab = booleanEquiv(a);
  if (ab === true) return true;
  if (a === ERROR) return ERROR;
  if (ab === undefined && a !== undefined) return ERROR;
  const bb = booleanEquiv(b);
  if (bb === undefined && b !== undefined && b !== ERROR) return ERROR;
  if (ab === false) return bb ?? b;
  if (bb === undefined) return b;
  return bb ? true : undefined;
}

/** `&&` with HTCondor's three-valued logic (left operand first, short-circuit on false and ERROR). */
export function andValues(a: Val, rhs: () => Val): Val {
  const ab = booleanEquiv(a);
  if (ab === false) return false;
  if (a === ERROR) return ERROR;
  if (ab === undefined && a !== undefined) return ERROR;
  const b = rhs();
  const bb = booleanEquiv(b);
  if (bb === undefined && b !== undefined && b !== ERROR) return ERROR;
  if (ab === true) return bb ?? b;
  if (bb === undefined) return b;
  return bb ? undefined : false;
}

/** `||` with HTCondor's three-valued logic (left operand first, short-circuit on true and ERROR). */
export function orValues(a: Val, rhs: () => Val): Val {
  const ab = booleanEquiv(a);
  if (ab === true) return true;
  if (a === ERROR) return ERROR;
  if (ab === undefined && a !== undefined) return ERROR;
  const b = rhs();
  const bb = booleanEquiv(b);
  if (bb === undefined && b !== undefined && b !== ERROR) return ERROR;
  if (ab === false) return bb ?? b;
  if (bb === undefined) return b;
  return bb ? true : undefined;
}

function compileBinary(op: BinaryOp, l: Compiled, r: Compiled): Compiled {
  const lf = l.fn;
  const rf = r.fn;
  const bothConst = l.k !== null && r.k !== null;
  switch (op) {
    case "&&": {
      if (bothConst) return constant(andValues(l.k as Val, () => r.k as Val));
      return {
        fn: (ctx) => {
          const a = lf(ctx);
          if (a === false) return false;
          if (a === true) {
            const b = rf(ctx);
            if (typeof b === "boolean") return b;
            return andValues(true, () => b);
          }
          return andValues(a, () => rf(ctx));
        },
        k: NOT_CONST,
      };
    }
    case "||": {
      if (bothConst) return constant(orValues(l.k as Val, () => r.k as Val));
      return {
        fn: (ctx) => {
          const a = lf(ctx);
          if (a === true) return true;
          if (a === false) {
            const b = rf(ctx);
            if (typeof b === "boolean") return b;
            return orValues(false, () => b);
          }
          return orValues(a, () => rf(ctx));
        },
        k: NOT_CONST,
      };
    }
    case "+":
    case "-":
    case "*":
    case "/":
    case "%": {
      const aop = op;
      if (bothConst) return constant(arith(aop, l.k as Val, r.k as Val));
      return {
        fn: (ctx) => {
          const a = lf(ctx);
          const b = rf(ctx);
          if (typeof a === "number" && typeof b === "number") return intArith(aop, a, b);
          return arith(aop, a, b);
        },
        k: NOT_CONST,
      };
    }
    case "<":
    case "<=":
    case ">":
    case ">=":
      if (bothConst) return constant(compare(op, l.k as Val, r.k as Val));
      return { fn: relational(op, lf, rf), k: NOT_CONST };
    case "==":
    case "!=": {
      if (bothConst) return constant(compare(op, l.k as Val, r.k as Val));
      const negated = op === "!=";
      if (typeof r.k === "string") {
        const s = r.k;
        return {
          fn: (ctx) => {
            const a = lf(ctx);
            if (typeof a === "string") return caseEquals(a, s) !== negated;
            return compare(op, a, s);
          },
          k: NOT_CONST,
        };
      }
      return {
        fn: (ctx) => {
          const a = lf(ctx);
          const b = rf(ctx);
          if (typeof a === "number" && typeof b === "number") return (a === b) !== negated;
          if (typeof a === "string" && typeof b === "string") return caseEquals(a, b) !== negated;
          return compare(op, a, b);
        },
        k: NOT_CONST,
      };
    }
    case "=?=":
    case "=!=": {
      if (bothConst) return constant(compare(op, l.k as Val, r.k as Val));
      const negated = op === "=!=";
      return {
        fn: (ctx) => {
          const a = lf(ctx);
          const b = rf(ctx);
          if (typeof a === "string" && typeof b === "string") return (a === b) !== negated;
          const m = metaEqual(a, b);
          return m === ERROR ? ERROR : m !== negated;
        },
        k: NOT_CONST,
      };
    }
    default: {
      // & | ^ << >> >>>
      const bop = op as "&";
      if (bothConst) return constant(bitOp(bop, l.k as Val, r.k as Val));
      return { fn: (ctx) => bitOp(bop, lf(ctx), rf(ctx)), k: NOT_CONST };
    }
  }
}

function relational(op: "<" | "<=" | ">" | ">=", lf: Fn, rf: Fn): Fn {
  switch (op) {
    case "<":
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        if (typeof a === "number" && typeof b === "number") return a < b;
        return compare(op, a, b);
      };
    case "<=":
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        if (typeof a === "number" && typeof b === "number") return a <= b;
        return compare(op, a, b);
      };
    case ">":
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        if (typeof a === "number" && typeof b === "number") return a > b;
        return compare(op, a, b);
      };
    default:
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        if (typeof a === "number" && typeof b === "number") return a >= b;
        return compare(op, a, b);
      };
  }
}

function compileCond(c: Compiled, t: Compiled, f: Compiled): Compiled {
  const cf = c.fn;
  const tf = t.fn;
  const ff = f.fn;
  if (c.k !== null) {
    const b = booleanEquiv(c.k);
    if (b === true) return t;
    if (b === false) return f;
    return constant(c.k === undefined ? undefined : ERROR);
  }
  return {
    fn: (ctx) => {
      const v = cf(ctx);
      if (v === true) return tf(ctx);
      if (v === false) return ff(ctx);
      const b = booleanEquiv(v);
      if (b === true) return tf(ctx);
      if (b === false) return ff(ctx);
      return v === undefined ? undefined : ERROR;
    },
    k: NOT_CONST,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points

let emptyScope: ClassAd | undefined;
/** An empty ad used as the scope of expressions evaluated without one. */
function scopeless(): ClassAd {
  emptyScope ??= new ClassAd();
  return emptyScope;
}

let pooled: EvalContext | undefined;

/** Borrows the shared context (or a new one when evaluation re-enters). */
export function acquireContext(): EvalContext {
  if (pooled && !pooled.inUse) {
    pooled.inUse = true;
    return pooled;
  }
  const ctx = new EvalContext(scopeless());
  if (!pooled) pooled = ctx;
  ctx.inUse = true;
  return ctx;
}

/** A context of its own (for callers that keep one, like matchmaking). */
export function newContext(): EvalContext {
  const ctx = new EvalContext(scopeless());
  ctx.epoch = currentEpoch;
  // Long-lived contexts follow epoch changes without a store per evaluation.
  contexts.push(ctx);
  return ctx;
}

export function releaseContext(ctx: EvalContext): void {
  ctx.inUse = false;
  ctx.my = undefined;
  ctx.target = undefined;
}

/** Runs `fn` in a fresh top-level evaluation; a runaway recursion in the JS engine becomes ERROR. */
export function runTopLevel(ctx: EvalContext, fn: Fn): Val {
  try {
    return fn(ctx);
  } catch (e) {
    abandonEvaluation();
    if (e instanceof RangeError) return ERROR;
    throw e;
  }
}

/** Evaluates an expression to an internal value and converts it to the public form. */
export function evaluateExpr(expr: Expr, my: ClassAd | undefined, target: ClassAd | undefined): ClassAdValue {
  const ctx = acquireContext();
  try {
    const scope = my ?? scopeless();
    ctx.begin(scope, my, target);
    const fn = expr.fn ?? compileExpr(expr);
    const v = expr.constant !== null ? (expr.constant as Val) : runTopLevel(ctx, fn);
    return toPublicValue(ctx, v);
  } finally {
    releaseContext(ctx);
  }
}

/** Evaluates attribute `name` of `ad` (an unscoped reference from `ad`) against `target`. */
export function evaluateAttribute(ad: ClassAd, name: string, target: ClassAd | undefined): ClassAdValue {
  const ctx = acquireContext();
  try {
    ctx.begin(ad, ad, target);
    const lname = asciiLower(name);
    const v = runTopLevel(ctx, (c) => {
      const slot = ad.slotOf(lname);
      return slot >= 0 ? evalSlot(c, ad, slot) : resolveFrom(c, ad, lname, true);
    });
    return toPublicValue(ctx, v);
  } finally {
    releaseContext(ctx);
  }
}
