// Recursive-descent parser following HTCondor 23.9's source.cpp grammar and precedence:
//   c ? a : b and a ?: b (right associative, lowest) < || < && < | < ^ < & < == != =?= =!= is isnt
//   < < <= > >= < << >> >>> < + - < * / % < unary - + ! ~ < postfix a.b a[i] < primary
// The elvis operator is a ternary with an empty middle, so `4 ?: 2 * 3` is 4 (newer HTCondor makes it postfix).
// Function arguments may be separated by `,` or `;` (old-ClassAd semantics, always on in HTCondor's tools), and
// `absTime("...")` / `relTime("...")` with a literal string become time literals at parse time.

import { type BinaryOp, constLit, lit, type Node } from "./ast.js";
import { ClassAd, Expr } from "./classad.js";
import { describeToken, Lexer, T, type Token } from "./lexer.js";
import { parseAbsTime, parseRelTime } from "./time.js";
import { ERROR, RealValue } from "./value.js";

/** Deepest nesting accepted, to keep recursion (here and in the evaluator) bounded. */
const MAX_DEPTH = 400;

const EQUALITY: Partial<Record<T, BinaryOp>> = {
  [T.Eq]: "==",
  [T.Ne]: "!=",
  [T.MetaEq]: "=?=",
  [T.MetaNe]: "=!=",
};
const RELATIONAL: Partial<Record<T, BinaryOp>> = { [T.Lt]: "<", [T.Le]: "<=", [T.Gt]: ">", [T.Ge]: ">=" };
const SHIFT: Partial<Record<T, BinaryOp>> = { [T.Shl]: "<<", [T.Shr]: ">>", [T.UShr]: ">>>" };
const ADDITIVE: Partial<Record<T, BinaryOp>> = { [T.Plus]: "+", [T.Minus]: "-" };
const MULTIPLICATIVE: Partial<Record<T, BinaryOp>> = { [T.Mul]: "*", [T.Div]: "/", [T.Mod]: "%" };

export class Parser {
  readonly lexer: Lexer;
  private depth = 0;

  constructor(text: string, old: boolean, start = 0, end = text.length) {
    this.lexer = new Lexer(text, old, start, end);
  }

  private fail(tok: Token, problem: string): never {
    return this.lexer.fail(tok.start, problem);
  }

  private expect(t: T, what: string): Token {
    const tok = this.lexer.next();
    if (tok.t !== t) this.fail(tok, `expected ${what} but found ${describeToken(tok.t)}`);
    return tok;
  }

  private enter(tok: Token): void {
    if (++this.depth > MAX_DEPTH) this.fail(tok, `expression nested more than ${MAX_DEPTH} levels deep`);
  }

  /** Parses one expression; with `full`, the input must end after it. */
  expression(full: boolean): Node {
    const node = this.ternary();
    if (full) {
      const tok = this.lexer.peek();
      if (tok.t !== T.End)
        this.fail(tok, `unexpected ${describeToken(tok.t)} after the end of the expression`);
    }
    return node;
  }

  private ternary(): Node {
    const first = this.lexer.peek();
    this.enter(first);
    const c = this.binary(0);
    let node = c;
    if (this.lexer.peek().t === T.Question) {
      this.lexer.next();
      if (this.lexer.peek().t === T.Colon) {
        this.lexer.next();
        node = { k: "elvis", l: c, r: this.ternary() };
      } else {
        const t = this.ternary();
        this.expect(T.Colon, "':' of the ?: operator");
        const f = this.ternary();
        node = { k: "cond", c, t, f };
      }
    }
    this.depth--;
    return node;
  }

  /** Binary levels from || (0) down to * / % (9). */
  private binary(level: number): Node {
    if (level > 9) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const tok = this.lexer.peek();
      const op = binaryOpAt(level, tok.t);
      if (op === undefined) return left;
      this.lexer.next();
      const right = this.binary(level + 1);
      left = { k: "bin", op, l: left, r: right };
    }
  }

  private unary(): Node {
    const tok = this.lexer.peek();
    let op: "-" | "+" | "!" | "~" | undefined;
    if (tok.t === T.Minus) op = "-";
    else if (tok.t === T.Plus) op = "+";
    else if (tok.t === T.Not) op = "!";
    else if (tok.t === T.BitNot) op = "~";
    if (op === undefined) return this.postfix();
    this.lexer.next();
    this.enter(tok);
    const e = this.unary();
    this.depth--;
    return { k: "un", op, e };
  }

  private postfix(): Node {
    const first = this.lexer.peek();
    this.enter(first);
    let node = this.primary();
    for (;;) {
      const tok = this.lexer.peek();
      if (tok.t === T.LBox) {
        this.lexer.next();
        const index = this.ternary();
        this.expect(T.RBox, "']' closing the subscript");
        node = { k: "sub", base: node, index };
      } else if (tok.t === T.Dot) {
        this.lexer.next();
        const name = this.lexer.next();
        if (name.t !== T.Ident)
          this.fail(name, `expected an attribute name after '.' but found ${describeToken(name.t)}`);
        node = { k: "sel", base: node, name: name.value as string };
      } else break;
    }
    this.depth--;
    return node;
  }

  private primary(): Node {
    const tok = this.lexer.next();
    switch (tok.t) {
      case T.Ident: {
        const name = tok.value as string;
        if (this.lexer.peek().t === T.LParen) return this.call(tok, name);
        return { k: "ref", name, abs: false };
      }
      case T.Dot: {
        const name = this.lexer.next();
        if (name.t !== T.Ident)
          this.fail(name, `expected an attribute name after '.' but found ${describeToken(name.t)}`);
        return { k: "ref", name: name.value as string, abs: true };
      }
      case T.LParen: {
        const e = this.ternary();
        this.expect(T.RParen, "')'");
        return { k: "paren", e };
      }
      case T.LBox:
        return { k: "ad", ad: this.adBody(tok) };
      case T.LBrace:
        return this.list(tok);
      case T.Undef:
        return constLit(undefined);
      case T.Err:
        return constLit(ERROR);
      case T.Bool:
        return constLit(tok.value as boolean);
      case T.Int:
        return lit(tok.value as number | bigint);
      case T.Real:
        return lit(new RealValue(tok.value as number));
      case T.Str:
        return lit(tok.value as string);
      case T.End:
        return this.fail(tok, "unexpected end of input: an expression is missing");
      default:
        return this.fail(tok, `unexpected ${describeToken(tok.t)}: expected an expression`);
    }
  }

  private call(nameTok: Token, name: string): Node {
    this.lexer.next(); // (
    const args: Node[] = [];
    if (this.lexer.peek().t !== T.RParen) {
      for (;;) {
        args.push(this.ternary());
        const sep = this.lexer.next();
        if (sep.t === T.RParen) break;
        if (sep.t !== T.Comma && sep.t !== T.Semi) {
          this.fail(
            sep,
            `expected ',' or ')' in the arguments of ${name}() but found ${describeToken(sep.t)}`,
          );
        }
      }
    } else this.lexer.next();
    const lname = name.toLowerCase();
    if ((lname === "abstime" || lname === "reltime") && args.length === 1) {
      const arg = args[0] as Node;
      if (arg.k === "lit" && typeof arg.v === "string") {
        const value = lname === "abstime" ? parseAbsTime(arg.v) : parseRelTime(arg.v);
        if (!value)
          this.fail(
            nameTok,
            `${name}("${arg.v}") is not a valid ${lname === "abstime" ? "absolute" : "relative"} time`,
          );
        return lit(value);
      }
    }
    return { k: "call", name, args };
  }

  private list(open: Token): Node {
    const items: Node[] = [];
    if (this.lexer.peek().t === T.RBrace) {
      this.lexer.next();
      return { k: "list", items };
    }
    for (;;) {
      items.push(this.ternary());
      const sep = this.lexer.next();
      if (sep.t === T.RBrace) break;
      if (sep.t !== T.Comma) {
        this.fail(
          sep,
          `expected ',' or '}' in the list opened at offset ${open.start} but found ${describeToken(sep.t)}`,
        );
      }
    }
    return { k: "list", items };
  }

  /** Parses `name = expr; ...]` after the opening `[`. */
  adBody(open: Token): ClassAd {
    const names: string[] = [];
    const exprs: Expr[] = [];
    for (;;) {
      let tok = this.lexer.next();
      while (tok.t === T.Semi) tok = this.lexer.next();
      if (tok.t === T.RBox) return ClassAd.fromEntries(names, exprs);
      if (tok.t !== T.Ident) {
        if (tok.t === T.End) this.fail(open, "unterminated ad: ']' is missing");
        this.fail(tok, `expected an attribute name or ']' but found ${describeToken(tok.t)}`);
      }
      this.expect(T.Assign, `'=' after the attribute name ${tok.value as string}`);
      const value = this.ternary();
      names.push(tok.value as string);
      exprs.push(new Expr(value));
      const sep = this.lexer.peek();
      if (sep.t !== T.Semi && sep.t !== T.RBox) {
        this.fail(
          sep,
          `expected ';' or ']' after the value of ${tok.value as string} but found ${describeToken(sep.t)}`,
        );
      }
    }
  }

  /** Parses a `[ ... ]` ad starting at the next token. */
  ad(): ClassAd {
    const open = this.lexer.next();
    if (open.t !== T.LBox) this.fail(open, `expected '[' starting an ad but found ${describeToken(open.t)}`);
    return this.adBody(open);
  }
}

function binaryOpAt(level: number, t: T): BinaryOp | undefined {
  switch (level) {
    case 0:
      return t === T.Or ? "||" : undefined;
    case 1:
      return t === T.And ? "&&" : undefined;
    case 2:
      return t === T.BitOr ? "|" : undefined;
    case 3:
      return t === T.BitXor ? "^" : undefined;
    case 4:
      return t === T.BitAnd ? "&" : undefined;
    case 5:
      return EQUALITY[t];
    case 6:
      return RELATIONAL[t];
    case 7:
      return SHIFT[t];
    case 8:
      return ADDITIVE[t];
    default:
      return MULTIPLICATIVE[t];
  }
}

/** Parses a complete expression. */
export function parseExpressionText(text: string, old: boolean): Node {
  return new Parser(text, old).expression(true);
}

/** Parses one complete `[ ... ]` ad (comments allowed around it). */
export function parseNewAdText(text: string): ClassAd {
  const p = new Parser(text, false);
  const ad = p.ad();
  const end = p.lexer.peek();
  if (end.t !== T.End) p.lexer.fail(end.start, `unexpected ${describeToken(end.t)} after the end of the ad`);
  return ad;
}

/** Parses `[ ... ]` ads that follow each other (separated by white space and comments). */
export function parseNewAdsText(text: string): ClassAd[] {
  const p = new Parser(text, false);
  const ads: ClassAd[] = [];
  while (p.lexer.peek().t !== T.End) ads.push(p.ad());
  return ads;
}
