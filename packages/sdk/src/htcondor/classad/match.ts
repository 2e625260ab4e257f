// Matchmaking: HTCondor's symmetric match and rank (matchClassad.cpp, the negotiator's use of Rank).

import type { ClassAd, Expr } from "./classad.js";
import {
  abandonEvaluation,
  acquireContext,
  compileMatchSlot,
  type EvalContext,
  newContext,
  releaseContext,
  slotValue,
} from "./evaluator.js";
import { holds, type MatchSite } from "./matchtest.js";
import { asciiLower } from "./text.js";
import { RealValue, type Val } from "./value.js";

/**
 * The contexts of matchmaking: `forA` evaluates the first ad's Requirements (MY = a, TARGET = b), `forB` the
 * second's. Evaluation never calls back into user code, so matchAds cannot re-enter and these
 * serve every call. A context keeps its ads between calls, so a loop over one job and many slots only stores what
 * changed. (Made when the module loads: nothing in the evaluator imports this module.)
 */
const forA = newContext();
const forB = newContext();

/** Points `ctx` at `ad` (as MY and scope) and `other` (as TARGET). */
function use(ctx: EvalContext, ad: ClassAd, other: ClassAd): EvalContext {
  if (ctx.my !== ad) {
    ctx.scope = ad;
    ctx.my = ad;
  }
  if (ctx.target !== other) ctx.target = other;
  return ctx;
}

/** After an evaluation threw: forget the contexts' state (scope and depth may have been left mid-evaluation). */
function resetContexts(): void {
  for (const ctx of [forA, forB]) {
    ctx.my = undefined;
    ctx.target = undefined;
    ctx.depth = 0;
  }
}

/**
 * Which side to evaluate first. Both Requirements must hold and evaluation has no side effects, so the order only
 * changes speed: the side that holds less often should go first (in a negotiation-like loop the job's Requirements
 * rejects far more slots than START rejects jobs). Every SAMPLE_EVERY-th call evaluates both sides and counts how
 * often each held; every SAMPLES_PER_CHOICE samples the order is chosen again and the counts are halved, so they
 * follow the current workload. Other calls pay one counter decrement.
 */
const SAMPLE_EVERY = 256;
const SAMPLES_PER_CHOICE = 16;
let countdown = SAMPLE_EVERY;
let samples = 0;
let heldA = 0;
let heldB = 0;
let aFirst = true;

/** A sampled call: both sides evaluated and counted. */
function sampleBoth(a: ClassAd, b: ClassAd, sa: MatchSite, sb: MatchSite): boolean {
  countdown = SAMPLE_EVERY;
  let ha = false;
  let hb = false;
  try {
    ha = holdsA(a, b, sa);
  } catch (e) {
    failed(e);
  }
  try {
    hb = holdsB(b, a, sb);
  } catch (e) {
    failed(e);
  }
  if (ha) heldA++;
  if (hb) heldB++;
  if (++samples >= SAMPLES_PER_CHOICE) {
    aFirst = heldA <= heldB;
    samples = 0;
    heldA >>= 1;
    heldB >>= 1;
  }
  return ha && hb;
}

/** Handles an exception from an evaluation: a runaway recursion is a failed match, anything else a bug. */
function failed(e: unknown): void {
  abandonEvaluation();
  resetContexts();
  if (!(e instanceof RangeError)) throw e;
}

const never: MatchSite = { fn: () => false, gen: 0 };

/**
 * Prepares an ad for matchmaking, kept on the ad until it changes: the test of its Requirements (with the ad as MY
 * and scope) in `matchSite`, and in `matchMark` a slot to mark as under evaluation meanwhile (-1: none). That is the
 * match test of the Requirements expression (see evaluator.ts compileMatchSlot), or for `Requirements = START` (a
 * bare reference to another attribute of the same ad) START's test, with START marked as the reference would mark
 * it. A missing Requirements never holds.
 */
function prepare(ad: ClassAd): MatchSite {
  const slot = ad.shape.requirementsSlot;
  let site = never;
  let mark = -1;
  if (slot >= 0) {
    const expr = ad.exprs[slot] as Expr;
    let node = expr.node;
    while (node.k === "paren") node = node.e;
    const alias = node.k === "ref" && !node.abs ? ad.slotOf(asciiLower(node.name)) : -1;
    if (alias < 0) site = expr.mt ?? compileMatchSlot(ad, slot);
    else {
      const k = ad.vals[alias];
      if (k !== null) {
        const result = holds(k as Val);
        site = { fn: () => result, gen: 0 };
      } else {
        site = (ad.exprs[alias] as Expr).mt ?? compileMatchSlot(ad, alias);
        mark = alias;
      }
    }
  }
  ad.matchMark = mark;
  ad.matchSite = site;
  return site;
}

/**
 * HTCondor's symmetric match: `a`'s Requirements is true with MY=a, TARGET=b, and `b`'s Requirements is true with
 * MY=b, TARGET=a. A missing Requirements, UNDEFINED, ERROR or a non-boolean value means no match (a non-zero number
 * counts as true, as `&&` takes it in HTCondor's symmetricMatch).
 */
export function matchAds(a: ClassAd, b: ClassAd): boolean {
  const sa = a.matchSite ?? prepare(a);
  const sb = b.matchSite ?? prepare(b);
  if (--countdown === 0) return sampleBoth(a, b, sa, sb);
  try {
    if (aFirst) return holdsA(a, b, sa) && holdsB(b, a, sb);
    return holdsB(b, a, sb) && holdsA(a, b, sa);
  } catch (e) {
    failed(e);
    return false;
  }
}

// holdsA and holdsB are the same code on purpose: each call site of `site.fn` keeps its own type feedback and sees one
// kind of ad (all slots share a START test, jobs a few Requirements tests), so V8 can inline the generated code there.

/** Whether the first ad's Requirements holds (see prepare). */
function holdsA(ad: ClassAd, other: ClassAd, site: MatchSite): boolean {
  const ctx = use(forA, ad, other);
  const mark = ad.matchMark;
  if (mark < 0) return site.fn(ctx);
  const busy = ad.busy;
  const epoch = ctx.epoch;
  if (busy[mark] === epoch) return false;
  busy[mark] = epoch;
  const r = site.fn(ctx);
  busy[mark] = 0;
  return r;
}

/** Whether the second ad's Requirements holds (see prepare). */
function holdsB(ad: ClassAd, other: ClassAd, site: MatchSite): boolean {
  const ctx = use(forB, ad, other);
  const mark = ad.matchMark;
  if (mark < 0) return site.fn(ctx);
  const busy = ad.busy;
  const epoch = ctx.epoch;
  if (busy[mark] === epoch) return false;
  busy[mark] = epoch;
  const r = site.fn(ctx);
  busy[mark] = 0;
  return r;
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
