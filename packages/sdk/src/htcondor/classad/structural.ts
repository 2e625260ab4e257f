// Structural equality of expression trees (what a print/parse round trip must preserve).

import { type Node, sameLiteral } from "./ast.js";
import type { ClassAd } from "./classad.js";

/** True when two ads have the same attributes (names as written, in order) with structurally equal expressions. */
export function sameAd(a: ClassAd, b: ClassAd): boolean {
  if (a.exprs.length !== b.exprs.length) return false;
  for (let i = 0; i < a.exprs.length; i++) {
    if (a.names[i] !== b.names[i]) return false;
    if (!sameNode((a.exprs[i] as { node: Node }).node, (b.exprs[i] as { node: Node }).node)) return false;
  }
  return true;
}

/** True when two trees are equal: same node kinds, operators, names (exact spelling) and literal values. */
export function sameNode(a: Node, b: Node): boolean {
  if (a === b) return true;
  if (a.k !== b.k) return false;
  switch (a.k) {
    case "lit":
      return sameLiteral(a.v, (b as typeof a).v);
    case "ref": {
      const o = b as typeof a;
      return a.name === o.name && a.abs === o.abs;
    }
    case "sel": {
      const o = b as typeof a;
      return a.name === o.name && sameNode(a.base, o.base);
    }
    case "sub": {
      const o = b as typeof a;
      return sameNode(a.base, o.base) && sameNode(a.index, o.index);
    }
    case "un": {
      const o = b as typeof a;
      return a.op === o.op && sameNode(a.e, o.e);
    }
    case "bin": {
      const o = b as typeof a;
      return a.op === o.op && sameNode(a.l, o.l) && sameNode(a.r, o.r);
    }
    case "cond": {
      const o = b as typeof a;
      return sameNode(a.c, o.c) && sameNode(a.t, o.t) && sameNode(a.f, o.f);
    }
    case "elvis": {
      const o = b as typeof a;
      return sameNode(a.l, o.l) && sameNode(a.r, o.r);
    }
    case "paren":
      return sameNode(a.e, (b as typeof a).e);
    case "call": {
      const o = b as typeof a;
      return (
        a.name === o.name &&
        a.args.length === o.args.length &&
        a.args.every((x, i) => sameNode(x, o.args[i] as Node))
      );
    }
    case "list": {
      const o = b as typeof a;
      return a.items.length === o.items.length && a.items.every((x, i) => sameNode(x, o.items[i] as Node));
    }
    case "ad":
      return sameAd(a.ad, (b as typeof a).ad);
  }
}
