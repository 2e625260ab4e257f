// Code generation: an expression tree becomes the source of one JS function (built with `new Function`), so V8
// optimises each expression like hand-written code: operators run inline with their fast paths (integer compare,
// string equality, boolean logic), and every attribute reference carries its own inline cache (shape -> slot) as
// variables of the generated closure. Anything unusual (function calls, lists, nested ads, subscripts, the slow
// paths of the operators) calls the shared helpers or closure-compiled pieces. Structurally identical expressions
// share one generated function (ads parsed from the same text, like a thousand slot ads with the same START).
//
// Attribute slots come from small per-shape tables: a value function keeps them in `Shape.tables` at a place fixed
// when its factory is made (bounded, see shape.ts), a match test (below) in a four-entry cache of its factory.
// Matchmaking gets a second kind of function per expression, a match test (generateMatch): only whether the value
// holds, which for the usual `&&` chain of a Requirements lets the terms run in a learned order (matchtest.ts).

import type { BinaryOp, Node } from "./ast.js";
import { ClassAd, NOT_CONST } from "./classad.js";
import type { EvalContext, Fn } from "./evaluator.js";
import {
  holds,
  type Make,
  type MatchFn,
  type MatchSite,
  type MatchState,
  matchSampled,
  newMatchState,
} from "./matchtest.js";
import { slotTable, tableLine } from "./shape.js";
import { tokenize } from "./stringlist.js";
import { intern } from "./text.js";
import { booleanEquiv, ERROR, type Val } from "./value.js";

/** What generated code needs from the evaluator (passed in to avoid an import cycle at module load). */
export interface CodegenHelpers {
  slotValue(ctx: EvalContext, ad: ClassAd, slot: number): Val;
  resolveFrom(ctx: EvalContext, start: ClassAd, lname: string, alternate: boolean): Val;
  selectFrom(ctx: EvalContext, base: Val, lname: string): Val;
  compare(op: BinaryOp, a: Val, b: Val): Val;
  arith(op: "+" | "-" | "*" | "/" | "%", a: Val, b: Val): Val;
  intArith(op: "+" | "-" | "*" | "/" | "%", a: number, b: number): Val;
  metaEqual(a: Val, b: Val): Val;
  bitOp(op: BinaryOp, a: Val, b: Val): Val;
  negate(a: Val): Val;
  unaryPlus(a: Val): Val;
  logicalNot(a: Val): Val;
  bitNot(a: Val): Val;
  /** `a && b` from both values (the right operand is only evaluated when `a` is not false). */
  andPair(a: Val, b: Val): Val;
  /** `a || b` from both values (the right operand is only evaluated when `a` is not true). */
  orPair(a: Val, b: Val): Val;
  caseEquals(a: string, b: string): boolean;
  /** stringListMember / stringListIMember on strings, with a per-site memo of the split list. */
  stringListContains(item: string, list: string, delims: string, memo: ListMemo, caseless: boolean): boolean;
  compileSlot(ad: ClassAd, slot: number): Fn;
  evalSlot(ctx: EvalContext, ad: ClassAd, slot: number): Val;
  /** Compiles a proper subtree (generated code when possible): lazily evaluated operands. */
  compile(node: Node): Fn;
  /** Compiles a node with the closure compiler (the fallback for nodes code generation does not inline). */
  compileClosure(node: Node): Fn;
  /** Compiles a subtree with the closure compiler and reports its constant value, if any. */
  constantOf(node: Node): Val | typeof NOT_CONST;
}

/** Memo of one call site: the last list string split, and its items. */
export interface ListMemo {
  list: string | undefined;
  delims: string | undefined;
  items: string[];
}

interface Gen {
  code: string;
  /** The constant value, when the subtree is constant. */
  k: Val | typeof NOT_CONST;
}

/** A comparison in parts (see Generator.comparison). */
interface Test {
  pre: string;
  fast: string;
  ok: string;
  slow: string;
}

/** Truth test of `c ? a : b`: true/false, UNDEFINED, or ERROR. */
export function condTest(v: Val): Val {
  const b = booleanEquiv(v);
  if (b !== undefined) return b;
  return v === undefined ? undefined : ERROR;
}

class Generator {
  private readonly decls: string[] = [];
  private readonly consts: unknown[] = [];
  private temps = 0;
  private caches = 0;
  private helpers = 0;

  constructor(private readonly h: CodegenHelpers) {}

  private temp(): string {
    return `t${this.temps++}`;
  }

  /**
   * A per-expression constant (literal values, fallback closures, memos) as code: `kN`, bound when the shared
   * function is instantiated for one expression. Values stay out of the source, so expressions that differ only in
   * their literals share one generated function.
   */
  private constRef(v: unknown): string {
    this.consts.push(v);
    return `k${this.consts.length - 1}`;
  }

  /** A literal value as code. */
  private value(v: Val): string {
    if (v === undefined) return "undefined";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") return String(v);
    return this.constRef(v);
  }

  /** Declares an inline cache for `lname` and returns the name of its lookup: `look(ad) -> slot or -1`. */
  private cache(lname: string): string {
    const n = this.caches++;
    const key = JSON.stringify(lname);
    this.decls.push(
      `var s${n} = null, i${n} = -1;`,
      // On a miss, a small per-site table of recent shapes (ads of a few kinds alternate) before the hash lookup.
      `var q${n} = [];`,
      `function m${n}(ad) { const sh = ad.shape; s${n} = sh; ` +
        `for (let k = 0; k < q${n}.length; k += 2) if (q${n}[k] === sh) return i${n} = q${n}[k + 1]; ` +
        `const j = sh.index.get(${key}); const i = j === undefined ? -1 : j; ` +
        `if (q${n}.length >= 8) q${n}.splice(0, 2); q${n}.push(sh, i); return i${n} = i; }`,
    );
    return `${n}`;
  }

  private lookup(n: string, ad: string): string {
    return `(${ad}.shape === s${n} ? i${n} : m${n}(${ad}))`;
  }

  /** Names looked up in the current ad (S) and in the TARGET ad (TG); their slots come from per-shape tables. */
  private readonly roleNames: { S: string[]; TG: string[] } = { S: [], TG: [] };

  /** The slot of `lname` in the current ad or the TARGET ad: one table read (the table is chosen per evaluation). */
  private roleSlot(role: "S" | "TG", lname: string): string {
    const names = this.roleNames[role];
    let k = names.indexOf(lname);
    if (k < 0) {
      k = names.length;
      names.push(lname);
    }
    return `${role === "S" ? "SI" : "TI"}[${k}]`;
  }

  /**
   * The slot table of a role for the shape in `sh` (see shape.ts slotTable): keyed by the role's name list (compared
   * by identity: a plain pointer compare for V8, even when the place was empty) at a place in `Shape.tables` that is
   * written into the source as a number when the factory is made (see placeTables).
   */
  private roleTable(role: "S" | "TG", sh: string): string {
    const r = role === "S" ? "S" : "T";
    this.decls.push(`var n${r} = ${JSON.stringify(this.roleNames[role])};`);
    return `${sh}.tables, ${r}I = ${r}T[@${r}AT@] === n${r} ? ${r}T[@${r}AT1@] : slotTable(${sh}, n${r}, @${r}AT@)`;
  }

  /**
   * The slot table of a role for the shape in `sh`, through a four-entry cache of the factory (match tests: one call
   * per pair of ads, where jobs share a layout and slots come in a few): a pointer compare or a few, where the
   * shape's own table (see roleTable) costs several checked loads. Misses fill it from the shape's table. (It keeps
   * at most four shapes alive per factory.)
   */
  private roleCache(role: "S" | "TG", sh: string): string {
    const r = role === "S" ? "S" : "T";
    const entries = [0, 1, 2, 3];
    this.decls.push(
      `var n${r} = ${JSON.stringify(this.roleNames[role])}, ${entries.map((i) => `c${r}${i} = null, i${r}${i} = null`).join(", ")}, next${r} = 0;`,
      `function miss${r}(sh) { const t = slotTable(sh, n${r}, @${r}AT@); ` +
        `switch (next${r}) { ${entries.map((i) => `case ${i}: c${r}${i} = sh; i${r}${i} = t; break;`).join(" ")} } ` +
        `next${r} = (next${r} + 1) & 3; return t; }`,
    );
    return `(${entries.map((i) => `${sh} === c${r}${i} ? i${r}${i} : `).join("")}miss${r}(${sh}))`;
  }

  /**
   * The value of slot `slot` of ad `ad`. Constants come straight from the ad. An expression of the current ad is
   * evaluated inline (with its circularity mark), so V8 sees one callee per site and can inline the referenced
   * attribute's code (the `Requirements = START` idiom); other ads' expressions go through evalSlot.
   */
  private slot(ad: string, slot: string): string {
    const k = this.temp();
    if (ad !== "S") {
      const vals = ad === "TG" ? "TV" : `${ad}.vals`;
      return `((${k} = ${vals}[${slot}]) !== null ? ${k} : evalSlot(ctx, ${ad}, ${slot}))`;
    }
    // A helper per site keeps the main function small and its call to the attribute's code monomorphic.
    const e = `e${this.helpers++}`;
    this.decls.push(
      `function ${e}(ctx, S, i) { const b = S.busy; if (b[i] === ctx.epoch) return ERROR; b[i] = ctx.epoch; ` +
        "const r = (S.exprs[i].fn ?? compileSlot(S, i))(ctx); b[i] = 0; return r; }",
    );
    return `((${k} = SV[${slot}]) !== null ? ${k} : ${e}(ctx, S, ${slot}))`;
  }

  private fallback(node: Node): Gen {
    return { code: `${this.constRef(this.h.compileClosure(node))}(ctx)`, k: NOT_CONST };
  }

  gen(node: Node): Gen {
    switch (node.k) {
      case "lit":
        return { code: this.value(node.v), k: node.v };
      case "paren":
        return this.gen(node.e);
      case "ref":
        return node.abs ? this.fallback(node) : this.ref(node.name);
      case "sel":
        return this.select(node.base, node.name);
      case "un":
        return this.unary(node.op, node.e, node);
      case "bin":
        return this.binary(node.op, node.l, node.r, node);
      case "cond": {
        const c = this.gen(node.c);
        if (c.k !== NOT_CONST) {
          const t = condTest(c.k);
          if (t === true) return this.gen(node.t);
          if (t === false) return this.gen(node.f);
          return { code: this.value(t), k: t };
        }
        const a = this.temp();
        const b = this.temp();
        const t = this.gen(node.t);
        const f = this.gen(node.f);
        return {
          code: `(${a} = ${c.code}, ${b} = (${a} === true || ${a} === false) ? ${a} : condTest(${a}), ${b} === true ? ${t.code} : ${b} === false ? ${f.code} : ${b})`,
          k: NOT_CONST,
        };
      }
      case "elvis": {
        const l = this.gen(node.l);
        if (l.k !== NOT_CONST) return l.k === undefined ? this.gen(node.r) : l;
        const a = this.temp();
        const r = this.gen(node.r);
        return { code: `(${a} = ${l.code}, ${a} === undefined ? ${r.code} : ${a})`, k: NOT_CONST };
      }
      case "call":
        return this.call(node);
      default:
        return this.fallback(node);
    }
  }

  private ref(name: string): Gen {
    const lname = asciiLowerName(name);
    const i = this.temp();
    const key = JSON.stringify(lname);
    let miss = `resolveFrom(ctx, S, ${key}, true)`;
    if (!SCOPE_NAMES.has(lname)) {
      // Not in this ad: a top-level ad falls back to its match partner (old ClassAd semantics), through a helper
      // with its own cache. Names with a meaning of their own (self, parent, target, ...) take the general path.
      const n2 = this.cache(lname);
      const x = `x${this.helpers++}`;
      this.decls.push(
        `function ${x}(ctx, S) { const P = S.parent === undefined ? (S === ctx.my ? ctx.target : S === ctx.target ? ctx.my : undefined) : undefined; ` +
          `if (P !== undefined) { const j = (P.shape === s${n2} ? i${n2} : m${n2}(P)); ` +
          "if (j >= 0) { const k = P.vals[j]; return k !== null ? k : evalSlot(ctx, P, j); } } " +
          `return resolveFrom(ctx, S, ${key}, true); }`,
      );
      miss = `${x}(ctx, S)`;
    }
    return {
      code: `(${i} = ${this.roleSlot("S", lname)}, ${i} >= 0 ? ${this.slot("S", i)} : ${miss})`,
      k: NOT_CONST,
    };
  }

  private usesTarget = false;

  private select(base: Node, name: string): Gen {
    const lname = asciiLowerName(name);
    const nameRef = JSON.stringify(lname);
    const slot = this.temp();
    if (base.k === "ref" && !base.abs) {
      const scopeName = asciiLowerName(base.name);
      const generic = () => `${this.constRef(this.h.compileClosure({ k: "sel", base, name }))}(ctx)`;
      if (scopeName === "target") {
        // TARGET.x from a top-level ad without an attribute named "target" (the usual case): the partner ad of the
        // match, worked out once per evaluation (without one, the whole expression takes the closure compiler).
        this.usesTarget = true;
        // TG is a top-level ad (checked once per evaluation), so a name it lacks is UNDEFINED unless it has a meaning
        // of its own (self, parent, my, ...).
        const missing = SCOPE_NAMES.has(lname) ? `resolveFrom(ctx, TG, ${nameRef}, false)` : "undefined";
        const inTarget = `(${slot} = ${this.roleSlot("TG", lname)}, ${slot} >= 0 ? ${this.slot("TG", slot)} : ${missing})`;
        return { code: inTarget, k: NOT_CONST };
      }
      if (scopeName === "my" || scopeName === "self") {
        const inScope = `(${slot} = ${this.roleSlot("S", lname)}, ${slot} >= 0 ? ${this.slot("S", slot)} : resolveFrom(ctx, S, ${nameRef}, false))`;
        return {
          code: `(${this.roleSlot("S", scopeName)} < 0 ? ${inScope} : ${generic()})`,
          k: NOT_CONST,
        };
      }
    }
    const n = this.cache(lname);
    const ad = this.temp();
    const b = this.gen(base);
    const inAd = `(${slot} = ${this.lookup(n, ad)}, ${slot} >= 0 ? ${this.slot(ad, slot)} : resolveFrom(ctx, ${ad}, ${nameRef}, false))`;
    return {
      code: `(${ad} = ${b.code}, ${ad} instanceof ClassAd ? ${inAd} : selectFrom(ctx, ${ad}, ${nameRef}))`,
      k: NOT_CONST,
    };
  }

  /** stringListMember / stringListIMember with string arguments run inline; anything else takes the builtin. */
  private call(node: Node & { k: "call" }): Gen {
    const lname = node.name.toLowerCase();
    const n = node.args.length;
    if ((lname === "stringlistmember" || lname === "stringlistimember") && (n === 2 || n === 3)) {
      const item = this.gen(node.args[0] as Node);
      const list = this.gen(node.args[1] as Node);
      const delims = n === 3 ? this.gen(node.args[2] as Node) : undefined;
      const a = this.temp();
      const l = this.temp();
      const d = this.temp();
      const memo = this.constRef({ list: undefined, delims: undefined, items: [] } satisfies ListMemo);
      const caseless = lname === "stringlistimember";
      const dCode = delims ? `${d} = ${delims.code}, ` : "";
      const dTest = delims ? ` && typeof ${d} === "string"` : "";
      const dArg = delims ? d : JSON.stringify(", \t\r\n");
      if (!caseless && typeof list.k === "string" && (delims === undefined || typeof delims.k === "string")) {
        // A constant list (the usual `stringListMember(TARGET.Site, "a,b")`): split once, here. A short list is
        // compared item by item: the items are interned like the values they usually meet (string literals of ads),
        // which makes each test a pointer compare. Lists are padded (repeating their first item) to 4 or 8 tests, so
        // lists of different lengths share generated code.
        const items = tokenize(list.k, delims ? (delims.k as string) : ", \t\r\n").map(intern);
        let test: string;
        if (items.length === 0) test = "false";
        else if (items.length > 8) test = `${this.constRef(items)}.includes(${a})`;
        else {
          const width = items.length <= 4 ? 4 : 8;
          const padded = Array.from({ length: width }, (_, i) => items[i] ?? items[0]);
          test = `(${padded.map((it) => `${a} === ${this.constRef(it)}`).join(" || ")})`;
        }
        return {
          code: `(${a} = ${item.code}, typeof ${a} === "string" ? ${test} : ${a} === undefined ? false : ${this.fallback(node).code})`,
          k: NOT_CONST,
        };
      }
      return {
        // An UNDEFINED item with a string list is false (HTCondor treats it as an empty string).
        code: `(${a} = ${item.code}, ${l} = ${list.code}, ${dCode}(typeof ${l} === "string"${dTest} && (typeof ${a} === "string" || ${a} === undefined)) ? (${a} === undefined ? false : stringListContains(${a}, ${l}, ${dArg}, ${memo}, ${caseless})) : ${this.fallback(node).code})`,
        k: NOT_CONST,
      };
    }
    return this.fallback(node);
  }

  private unary(op: string, e: Node, node: Node): Gen {
    const x = this.gen(e);
    if (x.k !== NOT_CONST) return this.constant(node);
    const a = this.temp();
    switch (op) {
      case "!":
        return {
          code: `(${a} = ${x.code}, typeof ${a} === "boolean" ? !${a} : logicalNot(${a}))`,
          k: NOT_CONST,
        };
      case "-":
        return { code: `negate(${x.code})`, k: NOT_CONST };
      case "+":
        return { code: `unaryPlus(${x.code})`, k: NOT_CONST };
      default:
        return { code: `bitNot(${x.code})`, k: NOT_CONST };
    }
  }

  /** A constant subtree, folded by the closure compiler (same semantics, evaluated once). */
  private constant(node: Node): Gen {
    const k = this.h.constantOf(node);
    if (k === NOT_CONST) return this.fallback(node);
    return { code: this.value(k), k };
  }

  /**
   * A comparison split into its fast path and the general one: evaluate `pre` (operands into temporaries); when
   * `fast` holds (the common operand types) the result is the boolean `ok`, otherwise the value `slow`. Undefined
   * for operators that are not comparisons.
   */
  private comparison(op: BinaryOp, l: Gen, r: Gen): Test | undefined {
    const opRef = JSON.stringify(op);
    switch (op) {
      case "<":
      case "<=":
      case ">":
      case ">=": {
        const a = this.temp();
        if (typeof r.k === "number") {
          return {
            pre: `${a} = ${l.code}`,
            fast: `typeof ${a} === "number"`,
            ok: `${a} ${op} ${r.k}`,
            slow: `compare(${opRef}, ${a}, ${r.k})`,
          };
        }
        const b = this.temp();
        return {
          pre: `${a} = ${l.code}, ${b} = ${r.code}`,
          fast: `(typeof ${a} === "number" && typeof ${b} === "number")`,
          ok: `${a} ${op} ${b}`,
          slow: `compare(${opRef}, ${a}, ${b})`,
        };
      }
      case "==":
      case "!=": {
        const not = op === "!=" ? "!" : "";
        const a = this.temp();
        if (typeof r.k === "string") {
          const s = this.constRef(r.k);
          return {
            pre: `${a} = ${l.code}`,
            fast: `typeof ${a} === "string"`,
            ok: `${not}(${a} === ${s} || caseEquals(${a}, ${s}))`,
            slow: `compare(${opRef}, ${a}, ${s})`,
          };
        }
        if (typeof r.k === "number") {
          return {
            pre: `${a} = ${l.code}`,
            fast: `typeof ${a} === "number"`,
            ok: `${a} ${op}= ${r.k}`,
            slow: `compare(${opRef}, ${a}, ${r.k})`,
          };
        }
        const b = this.temp();
        return {
          pre: `${a} = ${l.code}, ${b} = ${r.code}`,
          fast: `(typeof ${a} === "number" && typeof ${b} === "number")`,
          ok: `${a} ${op}= ${b}`,
          slow: `((typeof ${a} === "string" && typeof ${b} === "string") ? ${not}caseEquals(${a}, ${b}) : compare(${opRef}, ${a}, ${b}))`,
        };
      }
      case "=?=":
      case "=!=": {
        const not = op === "=!=" ? "!" : "";
        const a = this.temp();
        if (typeof r.k === "string") {
          const s = this.constRef(r.k);
          return {
            pre: `${a} = ${l.code}`,
            fast: `typeof ${a} === "string"`,
            ok: `${a} ${not}== ${s}`,
            slow: `compare(${opRef}, ${a}, ${s})`,
          };
        }
        const b = this.temp();
        return {
          pre: `${a} = ${l.code}, ${b} = ${r.code}`,
          fast: `(typeof ${a} === "string" && typeof ${b} === "string")`,
          ok: `${a} ${not}== ${b}`,
          slow: `compare(${opRef}, ${a}, ${b})`,
        };
      }
      default:
        return undefined;
    }
  }

  private binary(op: BinaryOp, ln: Node, rn: Node, node: Node): Gen {
    const l = this.gen(ln);
    if (op === "&&" || op === "||") {
      if (l.k !== NOT_CONST && booleanEquiv(l.k) === (op === "||"))
        return { code: this.value(op === "||"), k: op === "||" };
      const r = this.gen(rn);
      if (l.k !== NOT_CONST && r.k !== NOT_CONST) return this.constant(node);
      const a = this.temp();
      const b = this.temp();
      const short = op === "&&" ? "false" : "true";
      const pass = op === "&&" ? "true" : "false";
      // HTCondor evaluates the right operand only when the left one does not decide; evaluation has no side
      // effects, so the general cases may compute both values and combine them.
      return {
        code: `(${a} = ${l.code}, ${a} === ${short} ? ${short} : (${b} = ${r.code}, (${a} === ${pass} && typeof ${b} === "boolean") ? ${b} : ${op === "&&" ? "andPair" : "orPair"}(${a}, ${b})))`,
        k: NOT_CONST,
      };
    }
    const r = this.gen(rn);
    if (l.k !== NOT_CONST && r.k !== NOT_CONST) return this.constant(node);
    const test = this.comparison(op, l, r);
    if (test) return { code: `(${test.pre}, ${test.fast} ? ${test.ok} : ${test.slow})`, k: NOT_CONST };
    const a = this.temp();
    const b = this.temp();
    const opRef = JSON.stringify(op);
    switch (op) {
      case "+":
      case "-":
      case "*":
      case "/":
      case "%":
        return {
          code: `(${a} = ${l.code}, ${b} = ${r.code}, (typeof ${a} === "number" && typeof ${b} === "number") ? intArith(${opRef}, ${a}, ${b}) : arith(${opRef}, ${a}, ${b}))`,
          k: NOT_CONST,
        };
      default:
        return { code: `bitOp(${opRef}, ${l.code}, ${r.code})`, k: NOT_CONST };
    }
  }

  /**
   * The body of the generated function. A top-level chain `a && b && c ...` (or `||`), the shape of almost every
   * Requirements and START, becomes statements that return as soon as the value is decided, with the fast path of a
   * comparison term branching directly instead of producing a boolean to test again.
   */
  private body(node: Node): { code: string; k: Val | typeof NOT_CONST } {
    const terms = chainTerms(node);
    if (terms === undefined) {
      const g = this.gen(node);
      return { code: `return ${g.code};`, k: g.k };
    }
    const and = terms.op === "&&";
    const parts = terms.items.map((t) => this.term(t));
    if (parts.every((p) => p.k !== NOT_CONST)) return { code: "", k: this.h.constantOf(node) };
    // The chain's value so far, in {true, UNDEFINED} for `&&` ({false, UNDEFINED} for `||`): a deciding term
    // (false for `&&`, true for `||`) or ERROR returns at once, as HTCondor's short-circuit does, and no other
    // outcome can change the value except to UNDEFINED. A term is first reduced to true/false/UNDEFINED/ERROR as the
    // operator sees it (non-boolean values are ERROR, numbers compare with zero).
    const pass = and ? "true" : "false";
    const decide = and ? "false" : "true";
    const norm = and ? "andPair(true, v)" : "orPair(false, v)";
    const general =
      `if (v !== ${pass}) { if (v === ${decide}) return ${decide}; if (v === undefined) r = undefined; else { v = ${norm}; ` +
      `if (v !== ${pass}) { if (v === ${decide}) return ${decide}; if (v === ERROR) return ERROR; r = undefined; } } }`;
    const out = [`let r = ${pass}, v;`];
    for (const p of parts) {
      if (p.k !== NOT_CONST) {
        const c = and ? this.h.andPair(true, p.k) : this.h.orPair(false, p.k);
        if (c === !and) {
          out.push(`return ${decide};`);
          break;
        }
        if (c === ERROR) {
          out.push("return ERROR;");
          break;
        }
        if (c === undefined) out.push("r = undefined;");
        continue;
      }
      const test = p.test;
      if (test) {
        out.push(
          `${test.pre}; if (${test.fast}) { if (${and ? "!" : ""}(${test.ok})) return ${decide}; } else { v = ${test.slow}; ${general} }`,
        );
      } else {
        out.push(`v = ${p.code}; ${general}`);
      }
    }
    out.push("return r;");
    return { code: out.join(" "), k: NOT_CONST };
  }

  /** A term of a chain: a comparison in parts (see comparison), or any other expression. */
  private term(node: Node): Gen & { test?: Test } {
    let n = node;
    while (n.k === "paren") n = n.e;
    if (n.k !== "bin" || !COMPARISONS.has(n.op)) return this.gen(n);
    const l = this.gen(n.l);
    const r = this.gen(n.r);
    if (l.k !== NOT_CONST && r.k !== NOT_CONST) return this.constant(n);
    const test = this.comparison(n.op, l, r) as Test;
    return { code: "", k: NOT_CONST, test };
  }

  /**
   * The body of a match test (see generateMatch). For an `&&` chain: whether every term holds (is true or a non-zero
   * number), which is exactly when the chain's value holds. That does not depend on the order of the terms, so they
   * are tried in `order` (term indices; the written order by default), which the match test's state improves as it
   * learns which terms fail most often (see matchSampled). Every MATCH_SAMPLE_EVERY-th call tries all terms (bit k
   * of `fails` marks term k failing) for those counts. Any other expression is evaluated and its value tested.
   */
  private matchBody(
    node: Node,
    order?: readonly number[],
  ): { code: string; k: Val | typeof NOT_CONST; terms: number } {
    const items = andTerms(node);
    if (items.length < 2 || items.length > MAX_MATCH_TERMS) {
      const g = this.gen(node);
      if (g.k !== NOT_CONST) return { code: "", k: booleanEquiv(g.k) === true, terms: 0 };
      return { code: `const v = ${g.code}; return v === true || holds(v);`, k: NOT_CONST, terms: 0 };
    }
    const live: (Gen & { test?: Test })[] = [];
    for (const t of items) {
      const p = this.term(t);
      if (p.k === NOT_CONST) live.push(p);
      else if (booleanEquiv(p.k) !== true) return { code: "", k: false, terms: 0 };
    }
    if (live.length === 0) return { code: "", k: true, terms: 0 };
    const blocks = live.map((p, i) => {
      const fail = `{ if (!all) return false; fails |= ${2 ** i}; }`;
      return p.test
        ? `${p.test.pre}; if (${p.test.fast}) { if (!(${p.test.ok})) ${fail} } else if (!holds(${p.test.slow})) ${fail}`
        : `v = ${p.code}; if (v !== true && !holds(v)) ${fail}`;
    });
    const seq = order ?? live.map((_, i) => i);
    return {
      code:
        "const all = --countdown === 0; let fails = 0, v; " +
        `${seq.map((i) => blocks[i]).join(" ")} ` +
        "if (all) { countdown = st.every; return matchSampled(st, fails, site, K); } return true;",
      k: NOT_CONST,
      terms: live.length,
    };
  }

  /**
   * Generates the source of a factory `make(K) -> (ctx) => result` and the constants of this expression; `k` is the
   * result when it is constant (then there is no source). A value function returns the expression's value; a match
   * test (mode "match") returns whether the value holds.
   */
  build(
    node: Node,
    mode: "value" | "match" = "value",
    order?: readonly number[],
  ): { source: string; consts: unknown[]; k: Val | typeof NOT_CONST; terms: number } {
    const g = mode === "match" ? this.matchBody(node, order) : { ...this.body(node), terms: 0 };
    if (g.k !== NOT_CONST) return { source: "", consts: [], k: g.k, terms: 0 };
    const locals = ["const S = ctx.scope, SV = S.vals;"];
    let targetCheck = "";
    if (this.usesTarget) targetCheck = this.roleSlot("S", "target");
    const match = mode === "match";
    if (this.roleNames.S.length > 0) {
      locals.push(
        match
          ? `const SH = S.shape, SI = ${this.roleCache("S", "SH")};`
          : `const SH = S.shape, ST = ${this.roleTable("S", "SH")};`,
      );
    }
    if (this.usesTarget) {
      // The partner ad for TARGET.x; when there is none, or either ad is nested, or this ad has an attribute
      // "target", the general path decides for the whole expression. (So a name TARGET lacks is UNDEFINED.)
      const general = `${this.constRef(this.h.compileClosure(node))}(ctx)`;
      if (match) {
        // A match test runs with its ad as MY and scope, and the partner as TARGET (see MatchFn).
        locals.push(
          "const TG = ctx.target;",
          `if (S.parent !== undefined || ${targetCheck} >= 0 || TG === undefined || TG.parent !== undefined) return holds(${general});`,
          "const TV = TG.vals;",
        );
      } else {
        locals.push(
          `const TG = (S.parent === undefined && ${targetCheck} < 0) ? (S === ctx.my ? ctx.target : S === ctx.target ? ctx.my : undefined) : undefined;`,
          `if (TG === undefined || TG.parent !== undefined) return ${general};`,
          "const TV = TG.vals;",
        );
      }
      if (this.roleNames.TG.length > 0) {
        locals.push(
          match
            ? `const TSH = TG.shape, TI = ${this.roleCache("TG", "TSH")};`
            : `const TSH = TG.shape, TT = ${this.roleTable("TG", "TSH")};`,
        );
      }
    }
    if (this.temps > 0)
      locals.push(`let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(", ")};`);
    const bind = this.consts.map((_, i) => `k${i} = K[${i}]`);
    if (g.terms > 0) bind.push("countdown = st.every");
    const source = [
      '"use strict";',
      "var { resolveFrom, selectFrom, compare, arith, intArith, bitOp, negate, unaryPlus, logicalNot, bitNot, andPair, orPair, caseEquals, stringListContains, compileSlot, evalSlot, condTest, ClassAd, ERROR, slotTable, holds, matchSampled } = H;",
      ...this.decls,
      `return function make(K, st, site) { ${bind.length > 0 ? `var ${bind.join(", ")};` : ""} ` +
        `return function ${mode === "match" ? "classadMatch" : "classadExpr"}(ctx) { ${locals.join(" ")} ${g.code} }; };`,
    ].join("\n");
    return { source, consts: this.consts, k: NOT_CONST, terms: g.terms };
  }
}

/** Match tests reorder at most this many terms (a bit each in a small integer). */
const MAX_MATCH_TERMS = 30;

/** The terms of an `&&` chain, through parentheses and nesting on either side (a single term for anything else). */
function andTerms(node: Node, out: Node[] = []): Node[] {
  let n = node;
  while (n.k === "paren") n = n.e;
  if (n.k === "bin" && n.op === "&&") {
    andTerms(n.l, out);
    andTerms(n.r, out);
  } else out.push(n);
  return out;
}

const COMPARISONS = new Set<BinaryOp>(["<", "<=", ">", ">=", "==", "!=", "=?=", "=!="]);

/** The terms of a top-level `&&` or `||` chain (left-nested, through parentheses), or undefined for anything else. */
function chainTerms(node: Node): { op: "&&" | "||"; items: Node[] } | undefined {
  let n = node;
  while (n.k === "paren") n = n.e;
  if (n.k !== "bin" || (n.op !== "&&" && n.op !== "||")) return undefined;
  const op = n.op;
  const items: Node[] = [];
  let cur: Node = n;
  for (;;) {
    while (cur.k === "paren") cur = cur.e;
    if (cur.k !== "bin" || cur.op !== op) break;
    items.push(cur.r);
    cur = cur.l;
  }
  items.push(cur);
  items.reverse();
  return { op, items };
}

/** Names resolved specially before the partner ad is consulted (evaluator.ts resolveFrom). */
const SCOPE_NAMES = new Set([
  "self",
  "my",
  "parent",
  "root",
  "toplevel",
  "currenttime",
  "target",
  "other",
  "ad",
  "left",
  "right",
]);

function asciiLowerName(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

let codegenWorks: boolean | undefined;

/**
 * Writes a new factory's slot-table places into its source (the cache key is the source before this, so identical
 * expressions still share a factory).
 */
function placeTables(source: string): string {
  let out = source;
  for (const r of ["S", "T"]) {
    if (!out.includes(`@${r}AT@`)) continue;
    const at = tableLine();
    out = out.replaceAll(`@${r}AT1@`, String(at + 1)).replaceAll(`@${r}AT@`, String(at));
  }
  return out;
}

/** Factories by generated source: the inline caches they hold are shared by every expression using them. */
const factories = new Map<string, Make>();
const FACTORY_LIMIT = 5000;

/** Generates a function for `node`, or returns undefined when the platform forbids generated code. */
export function generate(
  node: Node,
  helpers: CodegenHelpers,
): { fn: Fn; k: Val | typeof NOT_CONST } | undefined {
  const made = instantiate(node, helpers);
  if (made === undefined) return undefined;
  if (made.k !== NOT_CONST) {
    const v = made.k;
    return { fn: () => v, k: v };
  }
  return { fn: made.fn as Fn, k: NOT_CONST };
}

/**
 * Learning states by the code of the match test in the written order: expressions that differ only in their
 * constants (a thousand slots' START, jobs asking for different memory) learn one order together and share its code.
 */
const matchStates = new Map<string, MatchState>();

/**
 * Generates the match test of `node` (see Generator.matchBody), or returns undefined when the platform forbids
 * generated code.
 */
export function generateMatch(node: Node, helpers: CodegenHelpers): MatchSite | undefined {
  if (codegenWorks === false) return undefined;
  try {
    const built = new Generator(helpers).build(node, "match");
    if (built.k !== NOT_CONST) {
      const result = built.k === true;
      return { fn: () => result, gen: 0 };
    }
    let st = matchStates.get(built.source);
    if (st === undefined) {
      st = newMatchState(built.terms, factory(built.source, helpers), (order) =>
        factory(new Generator(helpers).build(node, "match", order).source, helpers),
      );
      if (matchStates.size >= FACTORY_LIMIT) matchStates.clear();
      matchStates.set(built.source, st);
    }
    codegenWorks = true;
    const site: MatchSite = { fn: () => false, gen: st.gen };
    site.fn = st.make(built.consts, st, site) as unknown as MatchFn;
    return site;
  } catch (e) {
    return unavailable(e);
  }
}

/** Builds and instantiates a generated value function, or returns undefined when code generation is unavailable. */
function instantiate(
  node: Node,
  helpers: CodegenHelpers,
): { fn: Fn | undefined; k: Val | typeof NOT_CONST } | undefined {
  if (codegenWorks === false) return undefined;
  try {
    const built = new Generator(helpers).build(node);
    if (built.k !== NOT_CONST) return { fn: undefined, k: built.k };
    const make = factory(built.source, helpers);
    codegenWorks = true;
    return { fn: make(built.consts), k: NOT_CONST };
  } catch (e) {
    return unavailable(e);
  }
}

/** The factory of generated source (made once per distinct source while the cache holds it). */
function factory(source: string, helpers: CodegenHelpers): Make {
  let make = factories.get(source);
  if (!make) {
    const outer = new Function("H", placeTables(source)) as (h: unknown) => Make;
    make = outer({ ...helpers, condTest, ClassAd, ERROR, slotTable, holds, matchSampled });
    if (factories.size >= FACTORY_LIMIT) factories.clear();
    factories.set(source, make);
  }
  return make;
}

/** Handles an exception from making generated code: undefined when the platform forbids it, else rethrown. */
function unavailable(e: unknown): undefined {
  if (
    e instanceof EvalError ||
    (codegenWorks === undefined && e instanceof Error && /Content Security|unsafe-eval/i.test(e.message))
  ) {
    codegenWorks = false;
    return undefined;
  }
  throw e;
}
