// The unparser (HTCondor sink.cpp): binary operators with one space on each side, unary operators written as
// " -x", function arguments and list items separated by "," without space, ads as "[ a = 1; b = 2 ]", the source's
// parentheses kept. New syntax escapes strings C-style (non-printable bytes as \ooo octal); old syntax only escapes
// the double quote and writes `=?=`/`=!=` for is/isnt.

import type { LiteralValue, Node } from "./ast.js";
import { ClassAd } from "./classad.js";
import { formatRealNew, formatRealOld, type RealStyle } from "./numbers.js";
import { caseCompare, utf8Bytes, utf8Length } from "./text.js";
import { formatAbsTime, formatRelTime } from "./time.js";
import { AbsTimeValue, ERROR, ListValue, RealValue, RelTimeValue, type Val } from "./value.js";

export interface PrintOptions {
  /** Old ClassAd syntax (long form) instead of new syntax. */
  old: boolean;
  /** "condor" prints reals exactly as HTCondor; "exact" widens by a digit when needed to reparse the same double. */
  reals: RealStyle;
  /**
   * Print attributes in the order HTCondor 23.9.6 keeps them (ClassAdFlatMap: by byte length, then strcasecmp)
   * instead of insertion order. Values unparsed inside evaluation (string(), strcat(), unparse(), ...) use it so
   * that they equal HTCondor's; the API printers keep the ad's own order.
   */
  condorOrder?: boolean;
}

export const NEW_EXACT: PrintOptions = { old: false, reals: "exact" };
/** How HTCondor itself unparses values during evaluation. */
export const NEW_CONDOR: PrintOptions = { old: false, reals: "condor", condorOrder: true };

/** Attribute indexes of `ad` in HTCondor's storage order (see `PrintOptions.condorOrder`). */
export function condorAttributeOrder(ad: ClassAd): number[] {
  const names = ad.names;
  const order = names.map((_, i) => i);
  return order.sort((i, j) => {
    const a = names[i] as string;
    const b = names[j] as string;
    return utf8Length(a) - utf8Length(b) || caseCompare(a, b);
  });
}

const RESERVED = new Set(["error", "false", "is", "isnt", "parent", "true", "undefined"]);

function octal(byte: number): string {
  return `\\${byte.toString(8).padStart(3, "0")}`;
}

/** Escapes string content for new syntax with the given delimiter (sink.cpp UnparseString). */
function escapeNew(s: string, delim: '"' | "'"): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) {
      const ch = s[i] as string;
      if (ch === delim) out += `\\${delim}`;
      else if (ch === "\\") out += "\\\\";
      else out += ch;
      continue;
    }
    switch (c) {
      case 7:
        out += "\\a";
        continue;
      case 8:
        out += "\\b";
        continue;
      case 9:
        out += "\\t";
        continue;
      case 10:
        out += "\\n";
        continue;
      case 11:
        out += "\\v";
        continue;
      case 12:
        out += "\\f";
        continue;
      case 13:
        out += "\\r";
        continue;
      default:
        break;
    }
    if (c < 0x80) {
      out += octal(c);
      continue;
    }
    // Non-ASCII: HTCondor prints each byte of the UTF-8 encoding in octal.
    const cp = s.codePointAt(i) ?? c;
    const ch = String.fromCodePoint(cp);
    if (cp > 0xffff) i++;
    for (const b of utf8Bytes(ch)) out += octal(b);
  }
  return out;
}

function escapeOld(s: string, delim: '"' | "'"): string {
  return s.includes(delim) ? s.split(delim).join(`\\${delim}`) : s;
}

/** A string literal in new syntax: `"..."` with C escapes. */
export function quoteNew(s: string): string {
  return `"${escapeNew(s, '"')}"`;
}

/** A string literal in old syntax: `"..."`, only `"` escaped. */
export function quoteOld(s: string): string {
  return `"${escapeOld(s, '"')}"`;
}

/** An attribute name, quoted as `'...'` when it is not a plain identifier or is a reserved word. */
export function printName(name: string, old: boolean): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase())) return name;
  return `'${old ? escapeOld(name, "'") : escapeNew(name, "'")}'`;
}

/** A literal value. */
export function printLiteral(v: LiteralValue, opts: PrintOptions): string {
  switch (typeof v) {
    case "undefined":
      return "undefined";
    case "boolean":
      return v ? "true" : "false";
    case "number":
    case "bigint":
      return String(v);
    case "string":
      return opts.old ? quoteOld(v) : quoteNew(v);
    default:
      break;
  }
  if (v instanceof RealValue)
    return opts.old ? formatRealOld(v.v, opts.reals) : formatRealNew(v.v, opts.reals);
  if (v instanceof AbsTimeValue) return `absTime("${formatAbsTime(v)}")`;
  if (v instanceof RelTimeValue) return `relTime("${formatRelTime(v.secs)}")`;
  return "error";
}

/** Unparses an expression tree. */
export function printNode(node: Node, opts: PrintOptions): string {
  switch (node.k) {
    case "lit":
      return printLiteral(node.v, opts);
    case "ref":
      return (node.abs ? "." : "") + printName(node.name, opts.old);
    case "sel":
      return `${printNode(node.base, opts)}.${printName(node.name, opts.old)}`;
    case "sub":
      return `${printNode(node.base, opts)}[${printNode(node.index, opts)}]`;
    case "un": {
      const operand = printNode(node.e, opts);
      // " -1" would read back as the literal -1; keep the unary minus apart from a following digit.
      const gap = node.op === "-" && /^[0-9]/.test(operand) ? " " : "";
      return ` ${node.op}${gap}${operand}`;
    }
    case "bin": {
      let op: string = node.op;
      if (!opts.old) {
        if (op === "=?=") op = "is";
        else if (op === "=!=") op = "isnt";
      }
      return `${printNode(node.l, opts)} ${op} ${printNode(node.r, opts)}`;
    }
    case "cond":
      return `${printNode(node.c, opts)} ? ${printNode(node.t, opts)} : ${printNode(node.f, opts)}`;
    case "elvis":
      return `${printNode(node.l, opts)} ?: ${printNode(node.r, opts)}`;
    case "paren":
      return `(${printNode(node.e, opts)})`;
    case "call":
      return `${node.name}(${node.args.map((a) => printNode(a, opts)).join(",")})`;
    case "list":
      return `{ ${node.items.map((a) => printNode(a, opts)).join(",")} }`;
    case "ad":
      return printAdNew(node.ad, opts);
  }
}

/** `[ a = 1; b = 2 ]` (also used for nested ads in old syntax, as HTCondor does). */
export function printAdNew(ad: ClassAd, opts: PrintOptions): string {
  const parts: string[] = [];
  const order = opts.condorOrder ? condorAttributeOrder(ad) : undefined;
  for (let k = 0; k < ad.exprs.length; k++) {
    const i = order ? (order[k] as number) : k;
    parts.push(
      `${printName(ad.names[i] as string, opts.old)} = ${printNode((ad.exprs[i] as { node: Node }).node, opts)}`,
    );
  }
  return `[ ${parts.join("; ")} ]`;
}

/** The old long form: `Name = value` lines, each ending with a newline. */
export function printAdOld(ad: ClassAd, opts: PrintOptions): string {
  let out = "";
  for (let i = 0; i < ad.exprs.length; i++) {
    out += `${printName(ad.names[i] as string, true)} = ${printNode((ad.exprs[i] as { node: Node }).node, opts)}\n`;
  }
  return out;
}

/** Unparses a runtime value (HTCondor's Unparse(Value), used by string() and strcat()). */
export function printValue(v: Val, opts: PrintOptions): string {
  if (v instanceof ListValue) {
    if (v.nodes) return `{ ${v.nodes.map((n) => printNode(n, opts)).join(",")} }`;
    return `{ ${(v.values as readonly Val[]).map((x) => printValue(x, opts)).join(",")} }`;
  }
  if (v instanceof ClassAd) return printAdNew(v, opts);
  if (v === ERROR) return "error";
  return printLiteral(v as LiteralValue, opts);
}
