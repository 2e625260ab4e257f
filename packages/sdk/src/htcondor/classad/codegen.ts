// Code generation: an expression tree becomes the source of one JS function (built with `new Function`), so V8
// optimises each expression like hand-written code: operators run inline with their fast paths (integer compare,
// string equality, boolean logic), and every attribute reference carries its own inline cache (shape -> slot) as
// variables of the generated closure. Anything unusual (function calls, lists, nested ads, subscripts, the slow
// paths of the operators) calls the shared helpers or closure-compiled pieces. Structurally identical expressions
// share one generated function (ads parsed from the same text, like a thousand slot ads with the same START).

import type { BinaryOp, Node } from "./ast.js";
import { ClassAd, NOT_CONST } from "./classad.js";
import type { EvalContext, Fn } from "./evaluator.js";
import { tokenize } from "./stringlist.js";
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
      `let s${n} = null, i${n} = -1;`,
      // On a miss, a small per-site table of recent shapes (ads of a few kinds alternate) before the hash lookup.
      `const q${n} = [];`,
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
   * Declarations of the slot table of a role for a shape: stored on the shape under this function's table id (so ads
   * of several kinds alternate cheaply), built on first use.
   */
  private roleTable(role: "S" | "TG"): string[] {
    const names = JSON.stringify(this.roleNames[role]);
    const r = role === "S" ? "S" : "T";
    return [
      `const n${r} = ${names}, f${r} = nextTableId();`,
      `function look${r}(sh) { const a = new Int32Array(n${r}.length); ` +
        `for (let k = 0; k < n${r}.length; k++) { const j = sh.index.get(n${r}[k]); a[k] = j === undefined ? -1 : j; } ` +
        `sh.tables[f${r}] = a; return a; }`,
    ];
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
        const inTarget = `(${slot} = ${this.roleSlot("TG", lname)}, ${slot} >= 0 ? ${this.slot("TG", slot)} : resolveFrom(ctx, TG, ${nameRef}, false))`;
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
        // A constant list (the usual `stringListMember(TARGET.Site, "a,b")`): split once, here.
        const items = this.constRef(tokenize(list.k, delims ? (delims.k as string) : ", \t\r\n"));
        return {
          code: `(${a} = ${item.code}, typeof ${a} === "string" ? ${items}.includes(${a}) : ${a} === undefined ? false : ${this.fallback(node).code})`,
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
    const a = this.temp();
    const b = this.temp();
    const opRef = JSON.stringify(op);
    switch (op) {
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (typeof r.k === "number") {
          return {
            code: `(${a} = ${l.code}, typeof ${a} === "number" ? ${a} ${op} ${r.k} : compare(${opRef}, ${a}, ${r.k}))`,
            k: NOT_CONST,
          };
        }
        return {
          code: `(${a} = ${l.code}, ${b} = ${r.code}, (typeof ${a} === "number" && typeof ${b} === "number") ? ${a} ${op} ${b} : compare(${opRef}, ${a}, ${b}))`,
          k: NOT_CONST,
        };
      case "==":
      case "!=": {
        const not = op === "!=" ? "!" : "";
        if (typeof r.k === "string") {
          const s = this.constRef(r.k);
          return {
            code: `(${a} = ${l.code}, typeof ${a} === "string" ? ${not}(${a} === ${s} || caseEquals(${a}, ${s})) : compare(${opRef}, ${a}, ${s}))`,
            k: NOT_CONST,
          };
        }
        if (typeof r.k === "number") {
          return {
            code: `(${a} = ${l.code}, typeof ${a} === "number" ? ${a} ${op}= ${r.k} : compare(${opRef}, ${a}, ${r.k}))`,
            k: NOT_CONST,
          };
        }
        return {
          code: `(${a} = ${l.code}, ${b} = ${r.code}, (typeof ${a} === "number" && typeof ${b} === "number") ? ${a} ${op}= ${b} : (typeof ${a} === "string" && typeof ${b} === "string") ? ${not}caseEquals(${a}, ${b}) : compare(${opRef}, ${a}, ${b}))`,
          k: NOT_CONST,
        };
      }
      case "=?=":
      case "=!=": {
        const not = op === "=!=" ? "!" : "";
        if (typeof r.k === "string") {
          const s = this.constRef(r.k);
          return {
            code: `(${a} = ${l.code}, typeof ${a} === "string" ? ${a} ${not}== ${s} : compare(${opRef}, ${a}, ${s}))`,
            k: NOT_CONST,
          };
        }
        return {
          code: `(${a} = ${l.code}, ${b} = ${r.code}, (typeof ${a} === "string" && typeof ${b} === "string") ? ${a} ${not}== ${b} : compare(${opRef}, ${a}, ${b}))`,
          k: NOT_CONST,
        };
      }
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
   * Generates the source of a factory `make(K) -> (ctx) => value` and the constants of this expression; `k` is the
   * value when the whole expression is constant (then there is no source).
   */
  build(node: Node): { source: string; consts: unknown[]; k: Val | typeof NOT_CONST } {
    const g = this.gen(node);
    if (g.k !== NOT_CONST) return { source: "", consts: [], k: g.k };
    const locals = ["const S = ctx.scope, SV = S.vals;"];
    let targetCheck = "";
    if (this.usesTarget) targetCheck = this.roleSlot("S", "target");
    if (this.roleNames.S.length > 0) {
      this.decls.push(...this.roleTable("S"));
      locals.push("const SH = S.shape, SI = SH.tables[fS] ?? lookS(SH);");
    }
    if (this.usesTarget) {
      // The partner ad for TARGET.x; when there is none, or this ad is nested or has an attribute "target", the
      // general path decides for the whole expression.
      locals.push(
        `const TG = (S.parent === undefined && ${targetCheck} < 0) ? (S === ctx.my ? ctx.target : S === ctx.target ? ctx.my : undefined) : undefined;`,
        `if (TG === undefined) return ${this.constRef(this.h.compileClosure(node))}(ctx);`,
        "const TV = TG.vals;",
      );
      if (this.roleNames.TG.length > 0) {
        this.decls.push(...this.roleTable("TG"));
        locals.push("const TSH = TG.shape, TI = TSH.tables[fT] ?? lookT(TSH);");
      }
    }
    if (this.temps > 0)
      locals.push(`let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(", ")};`);
    const bind =
      this.consts.length > 0 ? `const ${this.consts.map((_, i) => `k${i} = K[${i}]`).join(", ")};` : "";
    const source = [
      '"use strict";',
      "const { resolveFrom, selectFrom, compare, arith, intArith, bitOp, negate, unaryPlus, logicalNot, bitNot, andPair, orPair, caseEquals, stringListContains, compileSlot, evalSlot, condTest, ClassAd, ERROR, nextTableId } = H;",
      ...this.decls,
      `return function make(K) { ${bind} return function classadExpr(ctx) { ${locals.join(" ")} return ${g.code}; }; };`,
    ].join("\n");
    return { source, consts: this.consts, k: NOT_CONST };
  }
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

let tableIds = 0;
/** A new id for a slot table kept on shapes. */
function nextTableId(): number {
  return tableIds++;
}

type Make = (consts: unknown[]) => Fn;
/** Factories by generated source: the inline caches they hold are shared by every expression using them. */
const factories = new Map<string, Make>();
const FACTORY_LIMIT = 5000;

/** Generates a function for `node`, or returns undefined when the platform forbids generated code. */
export function generate(
  node: Node,
  helpers: CodegenHelpers,
): { fn: Fn; k: Val | typeof NOT_CONST } | undefined {
  if (codegenWorks === false) return undefined;
  try {
    const built = new Generator(helpers).build(node);
    if (built.k !== NOT_CONST) {
      const v = built.k;
      return { fn: () => v, k: v };
    }
    let make = factories.get(built.source);
    if (!make) {
      const outer = new Function("H", built.source) as (h: unknown) => Make;
      make = outer({ ...helpers, condTest, ClassAd, ERROR, nextTableId });
      if (factories.size >= FACTORY_LIMIT) factories.clear();
      factories.set(built.source, make);
    }
    codegenWorks = true;
    return { fn: make(built.consts), k: NOT_CONST };
  } catch (e) {
    if (
      e instanceof EvalError ||
      (codegenWorks === undefined && e instanceof Error && /Content Security|unsafe-eval/i.test(e.message))
    ) {
      codegenWorks = false;
      return undefined;
    }
    throw e;
  }
}
