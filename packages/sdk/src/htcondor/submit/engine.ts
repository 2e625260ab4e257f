/**
 * The bridge to the ClassAd engine (`../classad`): evaluation of the expressions condor_submit evaluates while
 * expanding (`queue 2*3`, `$INT(expr)`, `$EVAL()`, boolean commands written as expressions), validation of the
 * expressions that go into job ads, and the conversion of the built ads into `ClassAd` objects.
 */
import { ClassAd, ClassAdSyntaxError, type Expr, parseOldExpr } from "../classad/index.js";
import { SubmitExpansionError } from "./errors.js";
import { type AdValue, adValueText } from "./jobad.js";
import type { ExpressionEvaluator, SimpleValue } from "./macros.js";

/** Evaluates old-syntax expression text in an empty ad; undefined when the text does not parse. */
export function classAdEvaluator(): ExpressionEvaluator {
  return (text) => {
    let expr: Expr;
    try {
      expr = parseOldExpr(text);
    } catch {
      return undefined;
    }
    const value = expr.evaluate({ my: new ClassAd() });
    switch (value.type) {
      case "integer":
        return { type: "integer", value: Number(value.value) } satisfies SimpleValue;
      case "real":
        return { type: "real", value: value.value };
      case "boolean":
        return { type: "boolean", value: value.value };
      case "string":
        return { type: "string", value: value.value };
      case "undefined":
        return { type: "undefined" };
      case "error":
        return { type: "error" };
      default:
        return { type: "other", text: expr.toString() };
    }
  };
}

/** Parses the expression text of a job attribute, reporting a bad one the way condor_submit does. */
export function parseAttributeExpression(name: string, text: string, job: string): Expr {
  try {
    return parseOldExpr(text);
  } catch (error) {
    const problem = error instanceof ClassAdSyntaxError ? error.problem : (error as Error).message;
    throw new SubmitExpansionError(
      `Parse error in expression: ${name} = ${text} (${problem}); strings must be quoted, e.g. +${name} = "text"`,
      { command: name, job },
      { cause: error },
    );
  }
}

/** Converts one built job ad into a ClassAd: literals directly, expressions through the old-syntax parser. */
export function toClassAd(attributes: readonly (readonly [string, AdValue])[], job: string): ClassAd {
  const ad = new ClassAd();
  for (const [name, value] of attributes) {
    switch (value.kind) {
      case "string":
        ad.set(name, value.value);
        break;
      case "int":
        ad.set(name, value.value);
        break;
      case "bool":
        ad.set(name, value.value);
        break;
      case "undefined":
        ad.set(name, null);
        break;
      default:
        ad.set(name, parseAttributeExpression(name, adValueText(value), job));
    }
  }
  return ad;
}
