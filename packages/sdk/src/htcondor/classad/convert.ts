// Conversion of JS inputs (ClassAdInput) into expression trees.

import { lit, type Node } from "./ast.js";
import { ClassAd, type ClassAdInput, Expr } from "./classad.js";
import { ClassAdValueError } from "./errors.js";
import { INT64_MAX, INT64_MIN, intFromBig, intFromNumber, RealValue } from "./value.js";

/** Converts a JS number: integral values within 64 bits are integers, anything else is a real. */
export function numberToLiteral(n: number): Node {
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63) return lit(intFromNumber(n));
  return lit(new RealValue(n));
}

/** Converts a bigint, which must fit in 64 bits. */
export function bigintToLiteral(b: bigint): Node {
  if (b < INT64_MIN || b > INT64_MAX) {
    throw new ClassAdValueError(`The integer ${b} does not fit in a 64-bit ClassAd integer.`, {
      hint: "ClassAd integers are signed 64-bit; pass a smaller value or a real (number).",
    });
  }
  return lit(intFromBig(b));
}

/** Converts any accepted input into an expression tree. */
export function inputToNode(value: ClassAdInput | undefined): Node {
  if (value === null || value === undefined) return lit(undefined);
  if (value instanceof Expr) return value.node;
  if (value instanceof ClassAd) return { k: "ad", ad: value.copy() };
  switch (typeof value) {
    case "string":
      return lit(value);
    case "number":
      return numberToLiteral(value);
    case "bigint":
      return bigintToLiteral(value);
    case "boolean":
      return lit(value);
    default:
      break;
  }
  if (Array.isArray(value)) return { k: "list", items: value.map((v: ClassAdInput) => inputToNode(v)) };
  throw new ClassAdValueError(`Cannot use a ${typeof value} as a ClassAd value.`, {
    hint: "Use a string, number, bigint, boolean, null, array, ClassAd or Expr.",
  });
}
