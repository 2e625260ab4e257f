/**
 * The HTCondor ClassAd language: parse (new syntax, old long form, JSON), print, evaluate with HTCondor 23.9
 * semantics (MY/TARGET scoping, UNDEFINED/ERROR, 64-bit integers, the built-in functions), and match.
 *
 * Expressions compile once to closures and are cached on the expression, so evaluating the same ads many times (as
 * matchmaking does) is cheap.
 *
 * @packageDocumentation
 */

import { ClassAd, Expr } from "./classad.js";
import { ClassAdSyntaxError } from "./errors.js";
import { compileExpr, evaluateExpr } from "./evaluator.js";
import { classAdsFromJsonText } from "./json.js";
import { parseLongFormAds } from "./longform.js";
import { parseExpressionText, parseNewAdsText, parseNewAdText } from "./parser.js";
import { quoteNew } from "./printer.js";
import type { ClassAdValue } from "./public-value.js";

export { ClassAd, type ClassAdInput, Expr } from "./classad.js";
export { ClassAdSyntaxError, ClassAdValueError } from "./errors.js";
export { classAdsFromJsonText, classAdsToJsonText, classAdToJsonText } from "./json.js";
export { matchAds, rankOf } from "./match.js";
export type { ClassAdValue } from "./public-value.js";

/** Parses an expression in new ClassAd syntax (the syntax of `[...]` ads, the Python bindings and JSON bodies). */
export function parseExpr(text: string): Expr {
  return new Expr(parseExpressionText(text, false));
}

/**
 * Parses an expression in old ClassAd syntax: the values of `condor_q -long`, `-constraint` arguments, submit and
 * config files. Strings differ from new syntax: a backslash only escapes a double quote.
 */
export function parseOldExpr(text: string): Expr {
  return new Expr(parseExpressionText(text, true));
}

type Format = "new" | "old" | "json";

/** The first significant character and its offset, skipping white space and comments. */
function firstSignificant(text: string, from = 0): { ch: string | undefined; at: number } {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (text.startsWith("/*", i)) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) return { ch: undefined, at: text.length };
      i = close + 2;
    } else if (text.startsWith("//", i) || (text[i] === "#" && from === 0)) {
      const nl = text.indexOf("\n", i);
      if (nl < 0) return { ch: undefined, at: text.length };
      i = nl + 1;
    } else return { ch: text[i], at: i };
  }
}

/** Tells the three text forms apart: `{` or `[{` is JSON, `[` is new syntax, anything else is the long form. */
function detect(text: string, emptyBracketIsJson: boolean): Format {
  const first = firstSignificant(text);
  if (first.ch === "{") return "json";
  if (first.ch === "[") {
    const next = firstSignificant(text, first.at + 1);
    if (next.ch === "{") return "json";
    if (next.ch === "]" && emptyBracketIsJson) {
      const after = firstSignificant(text, next.at + 1);
      if (after.ch === undefined) return "json";
    }
    return "new";
  }
  return "old";
}

/**
 * Parses one ad, recognising its form: new syntax `[ a = 1; ... ]`, the old long form (`Name = value` lines) or a
 * JSON object (or an array holding exactly one object).
 */
export function parseAd(text: string): ClassAd {
  const format = detect(text, false);
  if (format === "new") return parseNewAdText(text);
  if (format === "json") {
    const ads = classAdsFromJsonText(text);
    if (ads.length !== 1) {
      throw new ClassAdSyntaxError(text, 0, `expected one ad but the JSON holds ${ads.length}`, {
        hint: "Use parseAds() for several ads.",
      });
    }
    return ads[0] as ClassAd;
  }
  const ads = parseLongFormAds(text);
  if (ads.length > 1) {
    throw new ClassAdSyntaxError(
      text,
      0,
      `expected one ad but the text holds ${ads.length} (separated by blank lines)`,
      {
        hint: "Use parseAds() for several ads.",
      },
    );
  }
  return ads[0] ?? new ClassAd();
}

/**
 * Parses several ads: old long form separated by blank lines, new-syntax ads back to back, or a JSON array of
 * objects (as condor_q -json prints).
 */
export function parseAds(text: string): ClassAd[] {
  const format = detect(text, true);
  if (format === "new") return parseNewAdsText(text);
  if (format === "json") return classAdsFromJsonText(text);
  return parseLongFormAds(text);
}

/**
 * Evaluates an expression (an Expr, or new-syntax text) with `my` as MY and `target` as TARGET. Unscoped names are
 * looked up in MY, then TARGET.
 */
export function evaluate(expr: Expr | string, scope: { my?: ClassAd; target?: ClassAd } = {}): ClassAdValue {
  const e = typeof expr === "string" ? parseExpr(expr) : expr;
  return evaluateExpr(e, scope.my, scope.target);
}

/** A string literal in new ClassAd syntax, with C escapes (`quoteString('a"b')` is `"a\"b"`). */
export function quoteString(s: string): string {
  return quoteNew(s);
}

/** Compiles an expression now instead of at its first evaluation (useful before timing-sensitive loops). */
export function precompile(expr: Expr): void {
  compileExpr(expr);
}
