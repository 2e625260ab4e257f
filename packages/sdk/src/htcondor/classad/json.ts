// The JSON form of ads (HTCondor jsonSink.cpp / jsonSource.cpp; condor_q -json, condor_status -json, printJson):
// literals are JSON values, UNDEFINED is null, lists and nested ads are arrays and objects, and any other expression
// is the string "\/Expr(<new-syntax text>)\/". The text reader is our own so integers keep all 64 bits and `1.0`
// stays a real; it accepts "/Expr(...)/" with or without the escaped slashes.

import { lit, type Node } from "./ast.js";
import { ClassAd, Expr } from "./classad.js";
import { bigintToLiteral, numberToLiteral } from "./convert.js";
import { ClassAdSyntaxError, ClassAdValueError } from "./errors.js";
import { formatRealOld } from "./numbers.js";
import { parseExpressionText } from "./parser.js";
import { NEW_EXACT, printNode } from "./printer.js";
import { formatAbsTime } from "./time.js";
import { AbsTimeValue, ERROR, RealValue, RelTimeValue } from "./value.js";

const EXPR_RE = /^\/Expr\(([\s\S]*)\)\/$/;

// ---------------------------------------------------------------------------------------------------------------
// Plain objects

function nodeToJson(node: Node): unknown {
  if (node.k === "lit") {
    const v = node.v;
    if (v === undefined) return null;
    if (typeof v === "boolean" || typeof v === "string") return v;
    if (typeof v === "number") return v;
    if (v instanceof RealValue && Number.isFinite(v.v)) return v.v;
    if (v instanceof RelTimeValue) return v.secs;
  }
  if (node.k === "list") return node.items.map(nodeToJson);
  if (node.k === "ad") return adToJsonObject(node.ad);
  return `/Expr(${printNode(node, NEW_EXACT)})/`;
}

/** The JSON object form of an ad (see ClassAd.toJSON). */
export function adToJsonObject(ad: ClassAd): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < ad.exprs.length; i++)
    out[ad.names[i] as string] = nodeToJson((ad.exprs[i] as Expr).node);
  return out;
}

function jsonToNode(value: unknown, path: string): Node {
  if (value === null || value === undefined) return lit(undefined);
  switch (typeof value) {
    case "boolean":
      return lit(value);
    case "number":
      return numberToLiteral(value);
    case "bigint":
      return bigintToLiteral(value);
    case "string": {
      const m = EXPR_RE.exec(value);
      if (!m) return lit(value);
      try {
        return parseExpressionText(m[1] as string, false);
      } catch (e) {
        throw new ClassAdValueError(`${path}: the expression in ${JSON.stringify(value)} does not parse`, {
          cause: e,
        });
      }
    }
    default:
      break;
  }
  if (Array.isArray(value)) return { k: "list", items: value.map((v, i) => jsonToNode(v, `${path}[${i}]`)) };
  if (value instanceof ClassAd) return { k: "ad", ad: value.copy() };
  if (value instanceof Expr) return value.node;
  if (typeof value === "object")
    return { k: "ad", ad: adFromJsonObject(value as Record<string, unknown>, path) };
  throw new ClassAdValueError(`${path}: a ${typeof value} cannot be a ClassAd value`);
}

/** Builds an ad from a JSON object ("/Expr(...)/" strings become expressions). */
export function adFromJsonObject(obj: Record<string, unknown>, path = "$"): ClassAd {
  const entries = Object.entries(obj);
  return ClassAd.fromEntries(
    entries.map(([name]) => name),
    entries.map(([name, value]) => new Expr(jsonToNode(value, `${path}.${name}`))),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Text output (HTCondor's exact layout and escaping)

/** UnparseAuxEscapeString of jsonSink.cpp. */
export function escapeJsonString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 34:
        out += '\\"';
        continue;
      case 92:
        out += "\\\\";
        continue;
      case 8:
        out += "\\b";
        continue;
      case 12:
        out += "\\f";
        continue;
      case 10:
        out += "\\n";
        continue;
      case 13:
        out += "\\r";
        continue;
      case 9:
        out += "\\t";
        continue;
      default:
        if (c > 0 && c < 32) out += `\\u00${c.toString(16).toUpperCase().padStart(2, "0")}`;
        else out += s[i];
    }
  }
  return out;
}

function quotedExpr(text: string): string {
  return `"\\/Expr(${escapeJsonString(text)})\\/"`;
}

function nodeToJsonText(node: Node, indent: number): string {
  switch (node.k) {
    case "lit": {
      const v = node.v;
      if (v === undefined) return "null";
      if (typeof v === "boolean") return v ? "true" : "false";
      if (typeof v === "number" || typeof v === "bigint") return String(v);
      if (typeof v === "string") return `"${escapeJsonString(v)}"`;
      if (v instanceof RealValue) {
        if (!Number.isFinite(v.v)) return quotedExpr(formatRealOld(v.v, "exact"));
        return formatRealOld(v.v, "exact");
      }
      if (v instanceof RelTimeValue) return formatRealOld(v.secs, "exact");
      if (v instanceof AbsTimeValue) return quotedExpr(`absTime("${formatAbsTime(v)}")`);
      if (v === ERROR) return quotedExpr("error");
      return quotedExpr(printNode(node, NEW_EXACT));
    }
    case "list": {
      let out = "[";
      node.items.forEach((item, i) => {
        if (i > 0) out += ",";
        out += `\n${" ".repeat(indent + 2)}${nodeToJsonText(item, indent + 2)}`;
      });
      return `${out}\n${" ".repeat(indent)}]`;
    }
    case "ad":
      return adToJsonText(node.ad, indent);
    default:
      return quotedExpr(printNode(node, NEW_EXACT));
  }
}

function adToJsonText(ad: ClassAd, indent: number): string {
  let out = "{";
  for (let i = 0; i < ad.exprs.length; i++) {
    if (i > 0) out += ",";
    out += `\n${" ".repeat(indent + 2)}"${escapeJsonString(ad.names[i] as string)}": `;
    out += nodeToJsonText((ad.exprs[i] as Expr).node, indent + 2);
  }
  return `${out}\n${" ".repeat(indent)}}`;
}

/** One ad as HTCondor's printJson() writes it (2-space indentation, "\/Expr(...)\/" for expressions). */
export function classAdToJsonText(ad: ClassAd): string {
  return adToJsonText(ad, 0);
}

/** Several ads as `condor_q -json` prints them: a JSON array of objects. */
export function classAdsToJsonText(ads: readonly ClassAd[]): string {
  return `[\n${ads.map((ad) => adToJsonText(ad, 0)).join(",\n")}\n]\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Text input

class JsonReader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(offset: number, problem: string): never {
    throw new ClassAdSyntaxError(this.text, offset, problem, {
      hint: "The text must be JSON as condor_q -json / condor_status -json print it: an object or an array of objects.",
    });
  }

  ws(): void {
    const s = this.text;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  peek(): string | undefined {
    this.ws();
    return this.text[this.pos];
  }

  expect(ch: string): void {
    if (this.peek() !== ch) {
      const found = this.text[this.pos];
      this.fail(
        this.pos,
        `expected '${ch}' but found ${found === undefined ? "end of input" : `'${found}'`}`,
      );
    }
    this.pos++;
  }

  /** A value as an expression tree. */
  value(): Node {
    const c = this.peek();
    const start = this.pos;
    switch (c) {
      case "{":
        return { k: "ad", ad: this.object() };
      case "[":
        return { k: "list", items: this.array(() => this.value()) };
      case '"': {
        const { value, raw } = this.string();
        const m = EXPR_RE.exec(value);
        if (m && (raw.startsWith("\\/Expr(") || raw.startsWith("/Expr("))) {
          try {
            return parseExpressionText(m[1] as string, false);
          } catch (e) {
            const problem = e instanceof ClassAdSyntaxError ? e.problem : String(e);
            return this.fail(start, `the expression ${JSON.stringify(m[1])} does not parse: ${problem}`);
          }
        }
        return lit(value);
      }
      case "t":
        return this.word("true", lit(true));
      case "f":
        return this.word("false", lit(false));
      case "n":
        return this.word("null", lit(undefined));
      default:
        if (c !== undefined && (c === "-" || (c >= "0" && c <= "9"))) return this.number();
        return this.fail(
          start,
          c === undefined ? "unexpected end of input: a value is missing" : `unexpected '${c}'`,
        );
    }
  }

  private word(w: string, node: Node): Node {
    if (this.text.startsWith(w, this.pos)) {
      this.pos += w.length;
      return node;
    }
    return this.fail(this.pos, `unexpected '${this.text[this.pos]}'`);
  }

  private number(): Node {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) return this.fail(this.pos, "malformed number");
    const text = m[0];
    const start = this.pos;
    this.pos += text.length;
    const next = this.text[this.pos];
    if (next !== undefined && /[0-9.eE]/.test(next)) this.fail(start, "malformed number");
    if (m[1] !== undefined || m[2] !== undefined) return lit(new RealValue(Number(text)));
    const big = BigInt(text);
    if (big < -(2n ** 63n) || big > 2n ** 63n - 1n) return lit(new RealValue(Number(text)));
    const n = Number(text);
    return Number.isSafeInteger(n) ? lit(n === 0 ? 0 : n) : lit(big);
  }

  string(): { value: string; raw: string } {
    const s = this.text;
    const start = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      if (this.pos >= s.length) this.fail(start, "unterminated string");
      const c = s[this.pos] as string;
      if (c === '"') {
        this.pos++;
        return { value: out, raw: s.slice(start + 1, this.pos - 1) };
      }
      if (c === "\\") {
        const d = s[this.pos + 1];
        this.pos += 2;
        switch (d) {
          case '"':
          case "\\":
          case "/":
            out += d;
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = s.slice(this.pos, this.pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(this.pos - 2, "malformed \\u escape");
            out += String.fromCharCode(Number.parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            this.fail(this.pos - 2, `invalid escape '\\${d ?? ""}'`);
        }
        continue;
      }
      if (c.charCodeAt(0) < 0x20) this.fail(this.pos, "control character in a string (escape it)");
      out += c;
      this.pos++;
    }
  }

  array<X>(item: () => X): X[] {
    this.expect("[");
    const out: X[] = [];
    if (this.peek() === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(item());
      const c = this.peek();
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === "]") {
        this.pos++;
        return out;
      }
      this.fail(this.pos, `expected ',' or ']' but found ${c === undefined ? "end of input" : `'${c}'`}`);
    }
  }

  object(): ClassAd {
    this.expect("{");
    const names: string[] = [];
    const exprs: Expr[] = [];
    if (this.peek() === "}") {
      this.pos++;
      return new ClassAd();
    }
    for (;;) {
      if (this.peek() !== '"') this.fail(this.pos, "expected an attribute name in double quotes");
      const { value: name } = this.string();
      if (name === "") this.fail(this.pos, "an attribute name cannot be empty");
      this.expect(":");
      names.push(name);
      exprs.push(new Expr(this.value()));
      const c = this.peek();
      if (c === ",") {
        this.pos++;
        continue;
      }
      if (c === "}") {
        this.pos++;
        return ClassAd.fromEntries(names, exprs);
      }
      this.fail(this.pos, `expected ',' or '}' but found ${c === undefined ? "end of input" : `'${c}'`}`);
    }
  }

  end(): void {
    if (this.peek() !== undefined) this.fail(this.pos, "unexpected text after the JSON value");
  }
}

/** Reads ads from JSON text: an array of objects (condor_q -json) or a single object; empty text gives no ads. */
export function classAdsFromJsonText(text: string): ClassAd[] {
  const r = new JsonReader(text);
  const c = r.peek();
  if (c === undefined) return [];
  let ads: ClassAd[] = [];
  if (c === "{") ads = [r.object()];
  else if (c === "[") {
    ads = r.array(() => {
      if (r.peek() !== "{") r.fail(r.pos, "expected an object (one ad) in the array");
      return r.object();
    });
  } else r.fail(r.pos, "expected '{' or '[' at the start of ClassAd JSON");
  r.end();
  return ads;
}
