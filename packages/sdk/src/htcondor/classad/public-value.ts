// The public, tagged form of evaluation results.

import { ClassAd } from "./classad.js";
import { type EvalContext, listItem } from "./evaluator.js";
import { AbsTimeValue, ERROR, ListValue, RealValue, RelTimeValue, type Val } from "./value.js";

/**
 * The value of an evaluated ClassAd expression. Integers are JS numbers when they are safe integers and bigints
 * otherwise (always within 64 bits). Lists hold evaluated elements; a classad value is the (nested) ad itself.
 * Absolute times carry epoch seconds and the zone offset they were written in; relative times are seconds.
 */
export type ClassAdValue =
  | { type: "undefined" }
  | { type: "error" }
  | { type: "boolean"; value: boolean }
  | { type: "integer"; value: number | bigint }
  | { type: "real"; value: number }
  | { type: "string"; value: string }
  | { type: "list"; value: ClassAdValue[] }
  | { type: "classad"; value: ClassAd }
  | { type: "abstime"; value: number; offset: number }
  | { type: "reltime"; value: number };

/** Converts an internal value to the public form, evaluating list elements in `ctx`. */
export function toPublicValue(ctx: EvalContext, v: Val): ClassAdValue {
  switch (typeof v) {
    case "undefined":
      return { type: "undefined" };
    case "boolean":
      return { type: "boolean", value: v };
    case "number":
    case "bigint":
      return { type: "integer", value: v };
    case "string":
      return { type: "string", value: v };
    default:
      break;
  }
  if (v instanceof RealValue) return { type: "real", value: v.v };
  if (v instanceof ListValue) {
    const out: ClassAdValue[] = [];
    for (let i = 0; i < v.length; i++) out.push(toPublicValue(ctx, listItem(ctx, v, i)));
    return { type: "list", value: out };
  }
  if (v instanceof ClassAd) return { type: "classad", value: v };
  if (v instanceof AbsTimeValue) return { type: "abstime", value: v.secs, offset: v.offset };
  if (v instanceof RelTimeValue) return { type: "reltime", value: v.secs };
  if (v === ERROR) return { type: "error" };
  return { type: "error" };
}
