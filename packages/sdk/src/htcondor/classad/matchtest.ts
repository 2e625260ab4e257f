// Match tests (codegen.ts generateMatch): the types matchmaking calls them through, and how a kind of match test
// learns the order to try the terms of an `&&` chain in. Whether every term holds does not depend on their order, so
// the terms that fail most often go first; the counts come from sampled calls that try every term.

import type { EvalContext, Fn } from "./evaluator.js";
import { booleanEquiv, type Val } from "./value.js";

/**
 * A match test: whether an expression's value holds (true, or a non-zero number). Called only by matchmaking, with
 * the expression's ad as both MY and scope and the partner ad as TARGET (generated tests rely on that).
 */
export type MatchFn = (ctx: EvalContext) => boolean;

/**
 * Where a match test is called through: `site.fn(ctx)`. The function is replaced when its expression's kind learns a
 * better order for its terms (see matchSampled); callers keep the site, so they follow.
 */
export interface MatchSite {
  fn: MatchFn;
  /** The generation of its kind's order the function was made for. */
  gen: number;
}

/** A factory of generated code: constants (and for a match test its state and site) in, a function out. */
export type Make = (consts: unknown[], state?: MatchState, site?: MatchSite) => Fn;

/** Whether a value holds as a Requirements does: true, or a non-zero number (HTCondor's IsBooleanValueEquiv). */
export function holds(v: Val): boolean {
  return booleanEquiv(v) === true;
}

/**
 * Calls between two samples of a match test (more often until its order is first chosen, so a new expression soon
 * runs in a good order); samples between two considerations of its order (the interval doubles after every change,
 * up to the maximum, so a test whose terms are about equally selective settles instead of being regenerated again
 * and again).
 */
const MATCH_SAMPLE_EVERY = 256;
const MATCH_SAMPLE_EVERY_FIRST = 16;
const MATCH_SAMPLES_PER_ORDER = 16;
const MATCH_SAMPLES_PER_ORDER_MAX = 1024;
/** A new order must cut the expected number of terms tried by this factor. */
const MATCH_REORDER_GAIN = 0.85;

/** The learning state of a kind of match test (see codegen.ts matchStates): its order and how often each term held. */
export interface MatchState {
  order: number[];
  /** Samples in which each term held, and samples; both halved at every consideration so they follow the workload. */
  held: number[];
  samples: number;
  /** Samples since the order was last considered, and samples between two considerations. */
  pending: number;
  interval: number;
  /** Calls between samples (each instance counts its own calls). */
  every: number;
  /** Generation of the order, and the factory of code in that order. */
  gen: number;
  make: Make;
  rebuild: (order: readonly number[]) => Make;
}

/** A new learning state: the written order, no counts, samples taken often until the order is first considered. */
export function newMatchState(
  terms: number,
  make: Make,
  rebuild: (order: readonly number[]) => Make,
): MatchState {
  const natural = Array.from({ length: terms }, (_, i) => i);
  return {
    order: natural,
    held: natural.map(() => 0),
    samples: 0,
    pending: 0,
    interval: MATCH_SAMPLES_PER_ORDER,
    every: MATCH_SAMPLE_EVERY_FIRST,
    gen: 0,
    make,
    rebuild,
  };
}

/** The expected number of terms tried in `order`, from each term's share of samples in which it held. */
function expectedTries(order: readonly number[], held: readonly number[], samples: number): number {
  let reach = 1;
  let tries = 0;
  for (const k of order) {
    tries += reach;
    reach *= (held[k] as number) / samples;
  }
  return tries;
}

/**
 * Records a sampled call of a match test (every term evaluated; bit k of `fails` set when term k did not hold) and
 * returns its result. Every `interval` samples the terms are ordered by how often they held, fewest first (ties keep
 * the written order); when that order is clearly better, code in it is made for the kind. A site whose code is of an
 * older order gets the current one at its next sample.
 */
export function matchSampled(st: MatchState, fails: number, site: MatchSite, consts: unknown[]): boolean {
  const held = st.held;
  for (let k = 0; k < held.length; k++) if (((fails >> k) & 1) === 0) held[k] = (held[k] as number) + 1;
  st.samples++;
  if (++st.pending >= st.interval) {
    st.pending = 0;
    st.every = MATCH_SAMPLE_EVERY;
    const next = held.map((_, k) => k).sort((x, y) => (held[x] as number) - (held[y] as number));
    if (
      next.some((k, i) => k !== st.order[i]) &&
      expectedTries(next, held, st.samples) < MATCH_REORDER_GAIN * expectedTries(st.order, held, st.samples)
    ) {
      st.make = st.rebuild(next);
      st.order = next;
      st.gen++;
      st.interval = Math.min(2 * st.interval, MATCH_SAMPLES_PER_ORDER_MAX);
    }
    for (let k = 0; k < held.length; k++) held[k] = (held[k] as number) >> 1;
    st.samples >>= 1;
  }
  if (site.gen !== st.gen) {
    site.gen = st.gen;
    site.fn = st.make(consts, st, site) as unknown as MatchFn;
  }
  return fails === 0;
}
