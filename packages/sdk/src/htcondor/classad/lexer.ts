// Tokenizer for the ClassAd language, following HTCondor's lexer.cpp: numbers (a `-` directly before a digit is part
// of the number unless the previous token ends an operand), identifiers and reserved words, new-syntax strings with C
// escapes, old-syntax strings where a backslash only escapes a quote, `'quoted'` attribute names, comments.

import { ClassAdSyntaxError } from "./errors.js";
import { decodeBytes, intern, isAlpha, isCSpace, isDigit } from "./text.js";

export enum T {
  End,
  Int,
  Real,
  Str,
  Ident,
  Bool,
  Undef,
  Err,
  Dot,
  Mul,
  Div,
  Mod,
  Plus,
  Minus,
  BitNot,
  BitXor,
  BitAnd,
  BitOr,
  And,
  Or,
  Not,
  Lt,
  Le,
  Gt,
  Ge,
  Eq,
  Ne,
  MetaEq,
  MetaNe,
  Shl,
  Shr,
  UShr,
  Assign,
  Question,
  Colon,
  Semi,
  Comma,
  LBox,
  RBox,
  LParen,
  RParen,
  LBrace,
  RBrace,
}

export interface Token {
  readonly t: T;
  /** Offset of the first character. */
  readonly start: number;
  /** Offset after the last character. */
  readonly end: number;
  /** Integer (number | bigint), real (number), string / identifier text, or boolean. */
  readonly value?: number | bigint | string | boolean;
  /** For identifiers: written as `'quoted'`. For `is`/`isnt`: spelled as a word. */
  readonly flag?: boolean;
}

/** Human names of token types for error messages. */
export function describeToken(t: T): string {
  switch (t) {
    case T.End:
      return "end of input";
    case T.Int:
      return "an integer";
    case T.Real:
      return "a real";
    case T.Str:
      return "a string";
    case T.Ident:
      return "an attribute name";
    case T.Bool:
      return "a boolean";
    case T.Undef:
      return "undefined";
    case T.Err:
      return "error";
    default:
      return `'${PUNCT_TEXT[t] ?? "?"}'`;
  }
}

const PUNCT_TEXT: Partial<Record<T, string>> = {
  [T.Dot]: ".",
  [T.Mul]: "*",
  [T.Div]: "/",
  [T.Mod]: "%",
  [T.Plus]: "+",
  [T.Minus]: "-",
  [T.BitNot]: "~",
  [T.BitXor]: "^",
  [T.BitAnd]: "&",
  [T.BitOr]: "|",
  [T.And]: "&&",
  [T.Or]: "||",
  [T.Not]: "!",
  [T.Lt]: "<",
  [T.Le]: "<=",
  [T.Gt]: ">",
  [T.Ge]: ">=",
  [T.Eq]: "==",
  [T.Ne]: "!=",
  [T.MetaEq]: "=?=",
  [T.MetaNe]: "=!=",
  [T.Shl]: "<<",
  [T.Shr]: ">>",
  [T.UShr]: ">>>",
  [T.Assign]: "=",
  [T.Question]: "?",
  [T.Colon]: ":",
  [T.Semi]: ";",
  [T.Comma]: ",",
  [T.LBox]: "[",
  [T.RBox]: "]",
  [T.LParen]: "(",
  [T.RParen]: ")",
  [T.LBrace]: "{",
  [T.RBrace]: "}",
};

/** Token types after which a `-` is the binary minus operator rather than the sign of a number. */
function endsOperand(t: T | undefined): boolean {
  switch (t) {
    case T.Int:
    case T.Real:
    case T.Bool:
    case T.Str:
    case T.Undef:
    case T.Err:
    case T.Ident:
    case T.Dot:
    case T.RBox:
    case T.RParen:
    case T.RBrace:
      return true;
    default:
      return false;
  }
}

const isOctal = (c: number): boolean => c >= 48 && c <= 55;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Converts new-syntax escapes (util.cpp convert_escapes); octal escapes are bytes, decoded as UTF-8 when valid. */
export function convertEscapes(raw: string): string | undefined {
  if (!raw.includes("\\")) return raw;
  let out = "";
  let bytes: number[] | undefined;
  const flush = (): void => {
    if (bytes) {
      out += decodeBytes(bytes);
      bytes = undefined;
    }
  };
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    let ch = raw[i] as string;
    if (ch === "\\" && i < n - 1) {
      i++;
      ch = raw[i] as string;
      const c = ch.charCodeAt(0);
      let mapped: string | undefined;
      switch (ch) {
        case "a":
          mapped = "\x07";
          break;
        case "b":
          mapped = "\b";
          break;
        case "f":
          mapped = "\f";
          break;
        case "n":
          mapped = "\n";
          break;
        case "r":
          mapped = "\r";
          break;
        case "t":
          mapped = "\t";
          break;
        case "v":
          mapped = "\v";
          break;
        default:
          if (isOctal(c)) {
            let num = c - 48;
            if (i + 1 < n && isOctal(raw.charCodeAt(i + 1))) {
              i++;
              num = num * 8 + raw.charCodeAt(i) - 48;
              if (num < 0x20 && i + 1 < n && isOctal(raw.charCodeAt(i + 1))) {
                i++;
                num = num * 8 + raw.charCodeAt(i) - 48;
              }
            }
            num &= 0xff;
            if (num === 0) return undefined;
            if (num >= 0x80) {
              bytes ??= [];
              bytes.push(num);
              continue;
            }
            mapped = String.fromCharCode(num);
          } else {
            // Unknown escapes (and \" \' \? \\) keep the character after the backslash.
            mapped = ch;
          }
      }
      flush();
      out += mapped;
      continue;
    }
    flush();
    out += ch;
  }
  flush();
  return out;
}

/** Lexer over one text. `old` selects old-syntax strings. */
export class Lexer {
  private pos: number;
  private prev: T | undefined;
  private peeked: Token | undefined;

  /** Offset where input ends (the end of a line when parsing long form). */
  readonly limit: number;

  constructor(
    readonly text: string,
    readonly old: boolean,
    start = 0,
    end = text.length,
  ) {
    this.pos = start;
    this.limit = end;
  }

  /** Offset of the next unread character (after a peeked token, if any). */
  get offset(): number {
    return this.peeked ? this.peeked.start : this.pos;
  }

  peek(): Token {
    if (!this.peeked) this.peeked = this.scan();
    return this.peeked;
  }

  next(): Token {
    const tok = this.peek();
    this.peeked = undefined;
    this.prev = tok.t;
    return tok;
  }

  fail(offset: number, problem: string): never {
    throw new ClassAdSyntaxError(this.text, offset, problem);
  }

  /** Skips white space and comments; returns the offset of the next token. */
  private skipBlank(): void {
    const s = this.text;
    for (;;) {
      if (this.pos >= this.limit) return;
      const c = s.charCodeAt(this.pos);
      if (isCSpace(c)) {
        this.pos++;
      } else if (c === 47 /* / */) {
        const d = s.charCodeAt(this.pos + 1);
        if (d === 47) {
          const nl = s.indexOf("\n", this.pos);
          this.pos = nl < 0 || nl > this.limit ? this.limit : nl;
        } else if (d === 42) {
          const close = s.indexOf("*/", this.pos + 2);
          if (close < 0 || close + 2 > this.limit) this.fail(this.pos, "unterminated /* comment");
          this.pos = close + 2;
        } else return;
      } else return;
    }
  }

  private scan(): Token {
    this.skipBlank();
    const s = this.text;
    const start = this.pos;
    if (start >= this.limit) return { t: T.End, start, end: start };
    const c = s.charCodeAt(start);
    if (c === 45 /* - */) {
      if (endsOperand(this.prev)) return this.punct(start);
      return this.number(start);
    }
    if (isDigit(c) || c === 46 /* . */) return this.number(start);
    if (isAlpha(c) || c === 95) return this.word(start);
    if (c === 34) return this.quoted(start, '"');
    if (c === 39) return this.quoted(start, "'");
    return this.punct(start);
  }

  private number(start: number): Token {
    const s = this.text;
    let i = start;
    let och = s.charCodeAt(i);
    i++;
    let ch = s.charCodeAt(i);
    if (och === 45) {
      if (isDigit(ch)) {
        och = ch;
        i++;
        ch = s.charCodeAt(i);
      } else if (!(ch === 46 && isDigit(s.charCodeAt(i + 1)))) {
        this.pos = start + 1;
        return { t: T.Minus, start, end: start + 1 };
      }
    }
    let type: "none" | "int" | "real" = "none";
    const lower = (x: number): number => x | 32;
    if (och === 48 /* 0 */) {
      if (lower(ch) === 120 /* x */) {
        type = "int";
        i++;
        ch = s.charCodeAt(i);
        if (!isHex(ch)) this.fail(i, "malformed hexadecimal number");
        while (isHex(ch)) ch = s.charCodeAt(++i);
      } else {
        type = "int";
        while (isDigit(ch)) {
          if (type === "int" && !isOctal(ch)) type = "real";
          ch = s.charCodeAt(++i);
        }
        if (ch === 46 || lower(ch) === 101) type = "real";
        else if (type === "real") this.fail(start, "malformed number (digits 8 or 9 after a leading 0)");
      }
    } else if (isDigit(och)) {
      while (isDigit(ch)) ch = s.charCodeAt(++i);
      type = ch === 46 || lower(ch) === 101 ? "real" : "int";
    }
    if (och === 46 || ch === 46) {
      if (ch === 46) ch = s.charCodeAt(++i);
      if (isDigit(ch)) {
        type = "real";
        while (isDigit(ch)) ch = s.charCodeAt(++i);
      } else {
        if (type !== "none") this.fail(i, "expected a digit after the decimal point");
        this.pos = start + 1;
        return { t: T.Dot, start, end: start + 1 };
      }
    }
    if (type === "real" && lower(ch) === 101) {
      ch = s.charCodeAt(++i);
      if (ch === 43 || ch === 45) ch = s.charCodeAt(++i);
      if (!isDigit(ch)) this.fail(i, "expected digits in the exponent");
      while (isDigit(ch)) ch = s.charCodeAt(++i);
    }
    this.pos = i;
    const text = s.slice(start, i);
    if (type === "int") {
      // HTCondor (old-ClassAd semantics, always on in its tools) rejects octal and hex integers.
      if (text.length > 1 && text[0] === "0")
        this.fail(start, "integers cannot start with 0 (octal and hex are not allowed)");
      const digits = /^-?\d+/.exec(text)?.[0] ?? "0";
      const big = BigInt(digits);
      let value: number | bigint;
      // std::from_chars leaves the value at 0 when it overflows 64 bits.
      if (big > 9223372036854775807n || big < -9223372036854775808n) value = 0;
      else if (big >= -9007199254740991n && big <= 9007199254740991n) value = Number(big) || 0;
      else value = big;
      return { t: T.Int, start, end: i, value };
    }
    return { t: T.Real, start, end: i, value: Number(text) };
  }

  private word(start: number): Token {
    const s = this.text;
    let i = start + 1;
    for (;;) {
      const c = s.charCodeAt(i);
      if (isAlpha(c) || isDigit(c) || c === 95) i++;
      else break;
    }
    this.pos = i;
    const text = s.slice(start, i);
    switch (text.length) {
      case 2:
        if (text.toLowerCase() === "is") return { t: T.MetaEq, start, end: i, flag: true };
        break;
      case 4: {
        const w = text.toLowerCase();
        if (w === "true") return { t: T.Bool, start, end: i, value: true };
        if (w === "isnt") return { t: T.MetaNe, start, end: i, flag: true };
        break;
      }
      case 5: {
        const w = text.toLowerCase();
        if (w === "false") return { t: T.Bool, start, end: i, value: false };
        if (w === "error") return { t: T.Err, start, end: i };
        break;
      }
      case 9:
        if (text.toLowerCase() === "undefined") return { t: T.Undef, start, end: i };
        break;
    }
    return { t: T.Ident, start, end: i, value: text };
  }

  private quoted(start: number, delim: '"' | "'"): Token {
    return this.old ? this.quotedOld(start, delim) : this.quotedNew(start, delim);
  }

  private quotedNew(start: number, delim: '"' | "'"): Token {
    const s = this.text;
    const q = delim.charCodeAt(0);
    let raw = "";
    let i = start + 1;
    for (;;) {
      // Read up to an unescaped delimiter.
      const from = i;
      let odd = false;
      for (;;) {
        if (i >= this.limit)
          this.fail(start, delim === '"' ? "unterminated string" : "unterminated quoted name");
        const c = s.charCodeAt(i);
        if (c === q && !odd) break;
        odd = c === 92 && !odd;
        i++;
      }
      raw += s.slice(from, i);
      i++; // the closing delimiter
      // Adjacent literals are joined: "a" "b" is "ab".
      let j = i;
      while (j < this.limit && isCSpace(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) === q) {
        i = j + 1;
        continue;
      }
      break;
    }
    this.pos = i;
    const value = convertEscapes(raw);
    if (value === undefined) this.fail(start, "a string cannot contain a NUL character (\\0)");
    if (delim === '"') return { t: T.Str, start, end: i, value: intern(value) };
    return { t: T.Ident, start, end: i, value, flag: true };
  }

  private quotedOld(start: number, delim: '"' | "'"): Token {
    const s = this.text;
    const q = delim.charCodeAt(0);
    let value = "";
    let i = start + 1;
    for (;;) {
      const from = i;
      while (i < this.limit && s.charCodeAt(i) !== q) i++;
      if (i >= this.limit)
        this.fail(start, delim === '"' ? "unterminated string" : "unterminated quoted name");
      value += s.slice(from, i);
      // Old syntax: a backslash before the quote makes it literal, unless the quote ends the line (then the
      // string ends with a backslash).
      if (i > from && s.charCodeAt(i - 1) === 92) {
        const after = i + 1;
        if (after < this.limit && s.charCodeAt(after) !== 10) {
          value = value.slice(0, -1) + delim;
          i++;
          continue;
        }
      }
      i++;
      break;
    }
    this.pos = i;
    if (delim === '"') return { t: T.Str, start, end: i, value: intern(value) };
    return { t: T.Ident, start, end: i, value, flag: true };
  }

  private punct(start: number): Token {
    const s = this.text;
    const c = s[start];
    const d = s[start + 1];
    let t: T;
    let len = 1;
    switch (c) {
      case ".":
        t = T.Dot;
        break;
      case "*":
        t = T.Mul;
        break;
      case "/":
        t = T.Div;
        break;
      case "%":
        t = T.Mod;
        break;
      case "+":
        t = T.Plus;
        break;
      case "-":
        t = T.Minus;
        break;
      case "~":
        t = T.BitNot;
        break;
      case "^":
        t = T.BitXor;
        break;
      case "?":
        t = T.Question;
        break;
      case ":":
        t = T.Colon;
        break;
      case ";":
        t = T.Semi;
        break;
      case ",":
        t = T.Comma;
        break;
      case "[":
        t = T.LBox;
        break;
      case "]":
        t = T.RBox;
        break;
      case "(":
        t = T.LParen;
        break;
      case ")":
        t = T.RParen;
        break;
      case "{":
        t = T.LBrace;
        break;
      case "}":
        t = T.RBrace;
        break;
      case "&":
        t = d === "&" ? T.And : T.BitAnd;
        if (d === "&") len = 2;
        break;
      case "|":
        t = d === "|" ? T.Or : T.BitOr;
        if (d === "|") len = 2;
        break;
      case "<":
        if (d === "=") {
          t = T.Le;
          len = 2;
        } else if (d === "<") {
          t = T.Shl;
          len = 2;
        } else t = T.Lt;
        break;
      case ">":
        if (d === "=") {
          t = T.Ge;
          len = 2;
        } else if (d === ">") {
          if (s[start + 2] === ">") {
            t = T.UShr;
            len = 3;
          } else {
            t = T.Shr;
            len = 2;
          }
        } else t = T.Gt;
        break;
      case "=":
        if (d === "=") {
          t = T.Eq;
          len = 2;
        } else if (d === "?") {
          if (s[start + 2] !== "=") this.fail(start, "'=?' must be followed by '=' (the =?= operator)");
          t = T.MetaEq;
          len = 3;
        } else if (d === "!" && s[start + 2] === "=") {
          t = T.MetaNe;
          len = 3;
        } else t = T.Assign;
        break;
      case "!":
        if (d === "=") {
          t = T.Ne;
          len = 2;
        } else t = T.Not;
        break;
      default: {
        const cp = s.codePointAt(start) ?? 0;
        this.fail(start, `unexpected character '${String.fromCodePoint(cp)}'`);
      }
    }
    this.pos = start + len;
    return { t, start, end: start + len };
  }
}
