// Matchmaking: HTCondor's symmetric match and rank (matchClassad.cpp, the negotiator's use of Rank).

import type { ClassAd, Expr } from "./classad.js";
import {
  abandonEvaluation,
  acquireContext,
  compileSlot,
  type EvalContext,
  newContext,
  releaseContext,
  slotValue,
} from "./evaluator.js";
import { RealValue, type Val } from "./value.js";

function requirementsSlot(ad: ClassAd): number {
  return ad.shape.requirementsSlot;
}

/** `&&`'s view of a Requirements value: true, or a non-zero number. */
function holds(v: Val): boolean {
  if (v === true) return true;
  if (typeof v === "number") return v !== 0;
  if (v instanceof RealValue) return v.v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  return false;
}

let matchContext: EvalContext | undefined;

/**
 * How often each side's Requirements held (a: the first argument of matchAds, b: the second), to evaluate the side
 * that fails more often first. Both must hold and evaluation has no side effects, so the order only changes speed
 * (in a negotiation-like loop the job's Requirements usually rejects far more slots than START rejects jobs).
 * Slots: evaluations of a, of them true, evaluations of b, of them true, calls since the order was last chosen, and
 * the order (1: a first). The order is chosen again every 1024 calls, and the counts are halved now and then so
 * that they follow the current workload.
 */
const stats = new Int32Array([2, 1, 2, 1, 0, 0]);

function chooseOrder(): void {
  const s = stats;
  s[4] = 0;
  s[5] = (s[1] as number) * (s[2] as number) <= (s[3] as number) * (s[0] as number) ? 1 : 0;
  if ((s[0] as number) + (s[2] as number) > 1 << 20) {
    s[0] = ((s[0] as number) >> 1) + 2;
    s[1] = ((s[1] as number) >> 1) + 1;
    s[2] = ((s[2] as number) >> 1) + 2;
    s[3] = ((s[3] as number) >> 1) + 1;
  }
}

/** Evaluates one side's Requirements (when the other side's is a constant true). */
function requirementsHold(ad: ClassAd, other: ClassAd, slot: number): boolean {
  let ctx = matchContext;
  if (ctx === undefined) ctx = matchContext = newContext();
  try {
    ctx.scope = ad;
    ctx.my = ad;
    ctx.target = other;
    return holds(((ad.exprs[slot] as Expr).fn ?? compileSlot(ad, slot))(ctx));
  } catch (e) {
    abandonEvaluation();
    if (e instanceof RangeError) return false;
    throw e;
  }
}

/**
 * Evaluates both Requirements (neither is a constant) in the shared match context, the more selective side first.
 * The four evaluations are written out on purpose (no shared helper): each call site then keeps its own type
 * feedback and sees one kind of ad (all slots share a generated START function, all jobs a Requirements function),
 * so V8 can inline the generated code there.
 */
function matchEvaluated(a: ClassAd, b: ClassAd, slotA: number, slotB: number): boolean {
  // Evaluation never calls back into user code, so matchAds cannot re-enter and one context serves every call.
  let ctx = matchContext;
  if (ctx === undefined) ctx = matchContext = newContext();
  const s = stats;
  if (++(s[4] as number) >= 1024) chooseOrder();
  try {
    if (s[5] === 1) {
      (s[0] as number)++;
      ctx.scope = a;
      ctx.my = a;
      ctx.target = b;
      if (!holds(((a.exprs[slotA] as Expr).fn ?? compileSlot(a, slotA))(ctx))) return false;
      (s[1] as number)++;
      (s[2] as number)++;
      ctx.scope = b;
      ctx.my = b;
      ctx.target = a;
      if (!holds(((b.exprs[slotB] as Expr).fn ?? compileSlot(b, slotB))(ctx))) return false;
      (s[3] as number)++;
      return true;
    }
    (s[2] as number)++;
    ctx.scope = b;
    ctx.my = b;
    ctx.target = a;
    if (!holds(((b.exprs[slotB] as Expr).fn ?? compileSlot(b, slotB))(ctx))) return false;
    (s[3] as number)++;
    (s[0] as number)++;
    ctx.scope = a;
    ctx.my = a;
    ctx.target = b;
    if (!holds(((a.exprs[slotA] as Expr).fn ?? compileSlot(a, slotA))(ctx))) return false;
    (s[1] as number)++;
    return true;
  } catch (e) {
    abandonEvaluation();
    if (e instanceof RangeError) return false;
    throw e;
  }
}

/**
 * HTCondor's symmetric match: `a`'s Requirements is true with MY=a, TARGET=b, and `b`'s Requirements is true with
 * MY=b, TARGET=a. A missing Requirements, UNDEFINED, ERROR or a non-boolean value means no match (a non-zero number
 * counts as true, as `&&` takes it in HTCondor's symmetricMatch).
 */
export function matchAds(a: ClassAd, b: ClassAd): boolean {
  const slotB = requirementsSlot(b);
  if (slotB < 0) return false;
  const slotA = requirementsSlot(a);
  if (slotA < 0) return false;
  const kb = b.vals[slotB];
  const ka = a.vals[slotA];
  if (kb !== null && !holds(kb)) return false;
  if (ka !== null && !holds(ka)) return false;
  if (ka !== null) return kb !== null || requirementsHold(b, a, slotB);
  if (kb !== null) return requirementsHold(a, b, slotA);
  return matchEvaluated(a, b, slotA, slotB);
}

/**
 * `a`'s Rank of `b` (MY=a, TARGET=b) as the negotiator uses it: integers, reals and booleans (1/0) count; a missing
 * Rank or any other value is 0.
 */
export function rankOf(a: ClassAd, b: ClassAd): number {
  const slot = a.shape.index.get("rank") ?? -1;
  if (slot < 0) return 0;
  const ctx = acquireContext();
  try {
    ctx.begin(a, a, b);
    const v = slotValue(ctx, a, slot);
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (v instanceof RealValue) return v.v;
    if (typeof v === "boolean") return v ? 1 : 0;
    return 0;
  } catch (e) {
    abandonEvaluation();
    if (e instanceof RangeError) return 0;
    throw e;
  } finally {
    releaseContext(ctx);
  }
}
