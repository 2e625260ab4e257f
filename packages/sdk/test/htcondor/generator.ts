// Seeded generator of random ClassAd expressions (new syntax) with MY and TARGET ads, for the differential test against
// HTCondor's classad2.
//
// It writes mostly well-typed expressions (arguments of the types an operator or function expects), and on purpose some
// ill-typed ones (any argument may be replaced by a value of another type, UNDEFINED or ERROR), over: integer and real
// literals (negative, large, beyond 64 bits, exponent forms, overflow to infinity), strings with escapes (C escapes,
// octal, unknown escapes, adjacent literals joined), booleans, undefined, error (keywords in any case), attribute
// references (unscoped, MY., TARGET., nested `a.b`, quoted 'names', missing ones, names in any case), every
// arithmetic, comparison, logical, bitwise and shift operator, =?= =!= is isnt, ternary and elvis, unary operators,
// lists and subscripts, nested ads with selection and `ad["name"]`, and the built-in functions of
// shared/specs/htcondor/CLASSAD.md section 7 with plausible arguments.
//
// Left out, and why:
// - not deterministic: time(), currentTime(), CurrentTime, random(), timezoneOffset(), formatTime() without a time,
//   absTime() without arguments, splitTime() of now, debug() (side effect), userHome()/userMap() (depend on the pool's
//   configuration);
// - bare absTime(n)/relTime(n) results: classad2 returns them as datetime and float, outside the tagged value shape. They
//   appear only inside conversions (string, int, real, formatTime).
// - unparse() of lists and ads: classad2 prints those in its multi-line "pretty" form, a printer quirk, not semantics;
//   unresolved(): it lists names in hash-set order;
// - `ad["name"]` yielding a list or an ad: classad2 detaches the result from its scope (see scalarLeaf);
// - circular references: classad2 aborts the whole evaluation (a Python exception, even from the unused side of
//   `?:`, which it evaluates eagerly) where the spec gives ERROR, so there is no value to compare.
import { Random } from "./random.js";

/** A generated test case: an expression and the ads to evaluate it in (MY, then TARGET; either may be absent). */
export interface GeneratedCase {
  expr: string;
  my?: Record<string, string>;
  target?: Record<string, string>;
}

/** What a generated (sub)expression is meant to evaluate to. */
type Kind = "int" | "real" | "num" | "bool" | "str" | "list" | "ad" | "any";
const VALUE_KINDS: readonly Kind[] = ["int", "real", "bool", "str", "list", "ad"];

/** Options of {@link generateCases}. */
export interface GeneratorOptions {
  /** Deepest nesting of operators and calls (default 5). Each case draws its own limit between 1 and this. */
  maxDepth?: number;
  /** Probability that an argument is replaced by a value of a random other type (default 0.1). */
  illTyped?: number;
}

const WORDS = [
  "alice",
  "Bob",
  "bad",
  "x86_64",
  "X86_64",
  "LINUX",
  "linux",
  "desy",
  "KIT",
  "cern",
  "",
  " ",
  "a",
  "A",
];
const SITES = ["desy", "kit", "cern", "fnal", "DESY"];
const LISTY = ["a, b,c", "a,,b", " x , y ", "", "1, 2, 3", "1,2.5,-3", "desy,kit", "A B C", "a:b::c", "x"];
const NUMERIC_TEXT = [
  "12abc",
  "3.9",
  " 42",
  "-7",
  "1e3",
  "abc",
  "0x10",
  "",
  "INF",
  "-INF",
  "NaN",
  "2.5e-3",
  "true",
];
const VERSIONS = ["8.9.11", "10.0.0", "10.0", "9.1.3", "23.9.6", "1.2", "1.10", "abc"];
const PATTERNS = [
  "a",
  "^a",
  "b$",
  "[0-9]+",
  "a.c",
  "(a|b)+",
  "^$",
  "\\d+",
  "(\\w+)@(\\w+)",
  "[[:alpha:]]+",
  "(",
  "A",
  "^(de|k)",
];
const SUBSTITUTIONS = ["x", "\\1", "<\\0>", "\\2", "[\\1]", ""];
const REGEX_OPTIONS = ["", "i", "m", "s", "is", "f", "g", "fg", "ig"];
const DELIMITERS = [",", ", ", ":", " ", ",;", ""];
const FORMATS = ["%Y-%m-%d", "%H:%M:%S", "%j %y %e", "%Y-%m-%dT%H:%M:%S", "%a %b %d", "%%", "plain"];
const COMPARE_OPS = ["<", "<=", "==", "!=", ">", ">=", "is", "isnt", "=?=", "~"];
const USERS = ["alice@cs.wisc.edu", "bob", "@x", "a@b@c", ""];
const SLOTS = ["slot1@host.example.org", "slot1_2@host", "host", "@"];
const ENVS = ["A=1;B=2", "A=1 B='x y'", "PATH=/bin", "", "A=1", "B=2 A=3"];

/** Integer literals, large ones included (beyond 2^31, 2^53, and 2^63 where HTCondor's lexer gives 0). */
const BIG_INTS = [
  "2147483647",
  "2147483648",
  "4294967296",
  "9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "123456789012",
];
const REAL_LITERALS = [
  "1.5",
  "0.25",
  ".5",
  "1e3",
  "2.5E-3",
  "1E+2",
  "1e308",
  "1e-320",
  "3.0",
  "0.0",
  "123456789.123",
  "1e400",
  "4.9e-324",
  "0.1",
];

/** Escape sequences kept as written, to exercise the lexer (`\101` is "A", `\.` drops the backslash). */
const RAW_ESCAPES = ["\\n", "\\t", "\\\\", '\\"', "\\'", "\\101", "\\7", "\\12", "\\.", "\\?", "\\a", "\\r"];

/** Attributes of MY: name and how to write a value (the kind tells references what to expect). */
interface AttrSpec {
  name: string;
  kind: Kind;
  value: (g: ExprGenerator) => string;
  /** A simple expression whose printed form is stable enough for unparse(). */
  unparsable?: boolean;
}

const MY_ATTRS: readonly AttrSpec[] = [
  { name: "A", kind: "int", value: (g) => g.intLiteral(), unparsable: true },
  { name: "B", kind: "real", value: (g) => g.realLiteral(), unparsable: true },
  { name: "C", kind: "bool", value: (g) => g.boolLiteral() },
  { name: "Name", kind: "str", value: (g) => g.stringLiteral(), unparsable: true },
  { name: "Owner", kind: "str", value: (g) => quote(g.r.pick(["alice", "bad", "Bad", "bob"])) },
  { name: "Cpus", kind: "int", value: (g) => String(g.r.int(1, 64)) },
  { name: "Memory", kind: "int", value: (g) => String(g.r.int(0, 4) * 1024) },
  { name: "Tags", kind: "str", value: (g) => quote(g.r.pick(LISTY)) },
  { name: "Nums", kind: "list", value: (g) => g.numberListLiteral() },
  {
    name: "Inner",
    kind: "ad",
    value: (g) => `[x = ${g.intLiteral()}; y = ${g.stringLiteral()}; z = x + 1; w = A]`,
  },
  { name: "Ads", kind: "list", value: (g) => g.adListLiteral() },
  // Not `U`: nested ad literals here have an attribute `u`, and `MY.U` inside one would be a circular reference.
  { name: "Undef", kind: "any", value: () => "undefined", unparsable: true },
  { name: "E", kind: "any", value: () => "error" },
  { name: "Mixed", kind: "num", value: () => "A + TARGET.A", unparsable: true },
  { name: "R", kind: "int", value: () => "MY.A * 2", unparsable: true },
  { name: "ViaTarget", kind: "num", value: () => "Only * 2", unparsable: true },
];

const TARGET_ATTRS: readonly AttrSpec[] = [
  { name: "A", kind: "int", value: (g) => g.intLiteral() },
  { name: "B", kind: "real", value: (g) => g.realLiteral() },
  { name: "Name", kind: "str", value: (g) => g.stringLiteral() },
  { name: "Arch", kind: "str", value: (g) => quote(g.r.pick(["X86_64", "x86_64", "aarch64"])) },
  { name: "OpSys", kind: "str", value: (g) => quote(g.r.pick(["LINUX", "Linux", "WINDOWS"])) },
  { name: "Memory", kind: "int", value: (g) => String(g.r.int(0, 64) * 512) },
  { name: "Cpus", kind: "int", value: (g) => String(g.r.int(1, 128)) },
  { name: "Site", kind: "str", value: (g) => quote(g.r.pick(SITES)) },
  { name: "Only", kind: "int", value: (g) => g.intLiteral() },
  { name: "Nums", kind: "list", value: (g) => g.numberListLiteral() },
  { name: "Inner", kind: "ad", value: (g) => `[x = ${g.intLiteral()}; y = ${g.stringLiteral()}]` },
  { name: "Back", kind: "num", value: () => "A + Cpus" },
  { name: "Req", kind: "bool", value: () => "TARGET.Memory >= 1024 && MY.Memory > 0" },
];

/** The scope prefixes, in the spellings people write. */
const MY_PREFIXES = ["MY.", "my.", "My."];
const TARGET_PREFIXES = ["TARGET.", "target.", "Target."];

function quote(text: string): string {
  return `"${escapeString(text)}"`;
}

/** Escapes text for a new-syntax string literal. */
export function escapeString(text: string): string {
  let out = "";
  for (const c of text) {
    if (c === "\\") out += "\\\\";
    else if (c === '"') out += '\\"';
    else if (c === "\n") out += "\\n";
    else if (c === "\t") out += "\\t";
    else out += c;
  }
  return out;
}

/** Writes expressions for one case; holds the case's depth limit and its ads. */
class ExprGenerator {
  constructor(
    readonly r: Random,
    private readonly maxDepth: number,
    private readonly illTyped: number,
    private readonly hasMy: boolean,
    private readonly hasTarget: boolean,
  ) {}

  // ---- literals ----

  intLiteral(): string {
    const r = this.r;
    return r.weighted<() => string>([
      [6, () => String(r.int(0, 10))],
      [2, () => String(r.int(11, 1_000_000))],
      [2, () => `-${r.int(1, 1000)}`],
      [1, () => r.pick(BIG_INTS)],
      [0.5, () => `-${r.pick(BIG_INTS)}`],
    ])();
  }

  realLiteral(): string {
    const r = this.r;
    return r.weighted<() => string>([
      [4, () => r.pick(REAL_LITERALS)],
      [3, () => `${r.int(0, 999)}.${r.int(0, 99999)}`],
      [2, () => `${r.int(1, 9)}.${r.int(0, 99)}e${r.pick(["", "-", "+"])}${r.int(0, 30)}`],
      [2, () => `-${r.pick(REAL_LITERALS)}`],
    ])();
  }

  boolLiteral(): string {
    return this.maybeCase(this.r.pick(["true", "false"]));
  }

  /** A string literal: plain text, list-like, numeric-looking, or with raw escapes; sometimes two joined literals. */
  stringLiteral(): string {
    const r = this.r;
    const text = r.weighted<() => string>([
      [4, () => quote(r.pick(WORDS))],
      [2, () => quote(r.pick(LISTY))],
      [2, () => quote(r.pick(NUMERIC_TEXT))],
      [2, () => `"${this.escapedText()}"`],
      [1, () => quote(r.pick(VERSIONS))],
      [0.5, () => quote(r.pick(USERS))],
      [0.5, () => quote(r.pick(SLOTS))],
      [1, () => `${quote(r.pick(WORDS))} ${quote(r.pick(WORDS))}`],
    ])();
    return text;
  }

  /** Literal body with escapes kept as written. */
  private escapedText(): string {
    const r = this.r;
    let out = "";
    const n = r.int(1, 6);
    for (let i = 0; i < n; i++) {
      out += r.chance(0.4)
        ? r.pick(RAW_ESCAPES)
        : escapeString(r.pick(["a", "B", "1", " ", ",", "x y", "é"]));
    }
    return out;
  }

  listLiteral(kind: Kind, depth: number): string {
    const n = this.r.weighted([
      [1, 0],
      [2, 1],
      [3, 2],
      [3, 3],
      [1, 4],
    ]);
    const items = Array.from({ length: n }, () => this.arg(kind, depth + 1));
    return `{${items.join(", ")}}`;
  }

  /** A list of number literals, for ad attributes. */
  numberListLiteral(): string {
    const items = Array.from({ length: this.r.int(0, 4) }, () =>
      this.r.chance(0.6) ? this.intLiteral() : this.realLiteral(),
    );
    return `{${items.join(", ")}}`;
  }

  adListLiteral(): string {
    const n = this.r.int(0, 3);
    const ads = Array.from(
      { length: n },
      () => `[a = ${this.intLiteral()}; b = ${quote(this.r.pick(WORDS))}; c = a * 2]`,
    );
    return `{${ads.join(", ")}}`;
  }

  /** A nested ad literal whose attributes may refer to each other and to the enclosing ads. */
  adLiteral(depth: number): string {
    const names = ["x", "y", "z"].slice(0, this.r.int(1, 3));
    const body = names.map((n, i) =>
      i > 0 && this.r.chance(0.4)
        ? `${n} = ${names[i - 1]} + ${this.arg("int", depth + 1)}`
        : `${n} = ${this.arg(this.r.pick(VALUE_KINDS), depth + 1)}`,
    );
    if (this.r.chance(0.3)) body.push(`w = A`);
    return `[${body.join("; ")}${this.r.chance(0.2) ? ";" : ""}]`;
  }

  // ---- references ----

  private maybeCase(name: string): string {
    return this.r.chance(0.3) ? this.r.randomCase(name) : name;
  }

  private ref(name: string, scope: "my" | "target" | "none"): string {
    const n = this.r.chance(0.05) ? `'${name}'` : this.maybeCase(name);
    if (scope === "my") return `${this.r.pick(MY_PREFIXES)}${n}`;
    if (scope === "target") return `${this.r.pick(TARGET_PREFIXES)}${n}`;
    return n;
  }

  /** A reference to an attribute expected to hold `kind`, or null when none fits. */
  private attrRef(kind: Kind): string | null {
    const candidates: string[] = [];
    const fits = (k: Kind) =>
      kind === "any" || k === kind || (kind === "num" && (k === "int" || k === "real")) || k === "any";
    if (this.hasMy) {
      for (const a of MY_ATTRS) {
        if (!fits(a.kind)) continue;
        candidates.push(this.ref(a.name, this.r.pick(["none", "none", "my"] as const)));
      }
      if (kind === "int" || kind === "num" || kind === "any") {
        candidates.push(this.ref("Inner", "none") + this.r.pick([".x", ".z", ".w", '["x"]']));
        candidates.push(this.ref("Only", "none")); // only in TARGET: found through the fallback
      }
      if (kind === "str" || kind === "any") candidates.push(`${this.ref("Inner", "none")}.y`);
      if (kind === "list" || kind === "any")
        candidates.push(`${this.ref("Ads", "none")}.${this.r.pick(["a", "b"])}`);
    }
    if (this.hasTarget) {
      for (const a of TARGET_ATTRS) {
        if (!fits(a.kind)) continue;
        candidates.push(this.ref(a.name, this.r.pick(["none", "target", "target"] as const)));
      }
    }
    if (kind === "any") {
      candidates.push(this.ref("Missing", this.r.pick(["none", "my", "target"] as const)));
      if (this.r.chance(0.1)) candidates.push(this.r.pick([".A", ".Name", "MY", "TARGET"]));
    }
    return candidates.length > 0 ? this.r.pick(candidates) : null;
  }

  // ---- structure ----

  private fn(name: string, ...args: string[]): string {
    return `${this.r.chance(0.2) ? this.r.randomCase(name) : name}(${args.join(", ")})`;
  }

  /** An operand: a subexpression of `kind`, sometimes of another type (ill-typed on purpose). */
  arg(kind: Kind, depth: number): string {
    if (this.r.chance(this.illTyped)) {
      const other = this.r.weighted<Kind | "undefined" | "error">([
        [6, this.r.pick(VALUE_KINDS)],
        [1, "undefined"],
        [1, "error"],
      ]);
      if (other === "undefined" || other === "error") return this.maybeCase(other);
      return this.gen(other, depth);
    }
    return this.gen(kind, depth);
  }

  /** Parenthesizes a compound operand most of the time; leaving some bare tests precedence (both sides parse it). */
  private operand(kind: Kind, depth: number): string {
    const text = this.arg(kind, depth);
    return /^[\w.'"{[]+$/.test(text) || this.r.chance(0.25) ? text : `(${text})`;
  }

  private binary(left: string, op: string, right: string): string {
    const tight = this.r.chance(0.1) && /^[-+*/%]$/.test(op);
    return tight ? `${left}${op}${right}` : `${left} ${op} ${right}`;
  }

  /** A postfix base: lists, ads and references as they are, anything else in parentheses. */
  private postfixBase(text: string): string {
    return /^[\w.']+$/.test(text) || /^[{[]/.test(text) ? text : `(${text})`;
  }

  /** An expression that evaluates (when well-typed) to `kind`. */
  gen(kind: Kind, depth: number): string {
    if (kind === "any") kind = this.r.pick(VALUE_KINDS);
    if (kind === "num") kind = this.r.chance(0.6) ? "int" : "real";
    const leaf = depth >= this.maxDepth || this.r.chance(0.3);
    if (leaf) return this.leaf(kind, depth);
    switch (kind) {
      case "int":
        return this.intExpr(depth + 1);
      case "real":
        return this.realExpr(depth + 1);
      case "bool":
        return this.boolExpr(depth + 1);
      case "str":
        return this.strExpr(depth + 1);
      case "list":
        return this.listExpr(depth + 1);
      default:
        return this.adExpr(depth + 1);
    }
  }

  private leaf(kind: Kind, depth: number): string {
    const r = this.r;
    if (r.chance(0.35)) {
      const ref = this.attrRef(kind);
      if (ref !== null) return ref;
    }
    if (r.chance(0.03)) return this.maybeCase(r.pick(["undefined", "error"]));
    switch (kind) {
      case "int":
        return this.intLiteral();
      case "real":
        return this.realLiteral();
      case "bool":
        return this.boolLiteral();
      case "str":
        return this.stringLiteral();
      case "list":
        return depth >= this.maxDepth + 1
          ? "{}"
          : this.listLiteral(r.pick(["int", "num", "str", "any"]), depth + 1);
      default:
        return depth >= this.maxDepth + 1 ? "[]" : this.adLiteral(this.maxDepth);
    }
  }

  /** Common to every kind: conditionals, elvis, subscripts and selections yielding `kind`. */
  private shared(kind: Kind, d: number): (() => string)[] {
    return [
      () => `${this.operand("bool", d)} ? ${this.arg(kind, d)} : ${this.arg(kind, d)}`,
      () => this.fn("ifThenElse", this.arg("bool", d), this.arg(kind, d), this.arg(kind, d)),
      () => `${this.postfixBase(this.arg(kind, d))} ?: ${this.operand(kind, d)}`,
      () => `${this.listLiteral(kind, d)}[${this.subscript(d)}]`,
      () => `[v = ${this.arg(kind, d)}; u = v].${this.r.pick(["v", "u", "V", "nope"])}`,
      () => `[v = ${this.scalarLeaf(kind, d)}]["${this.r.pick(["v", "V", "nope"])}"]`,
      () => this.fn("eval", quote(this.arg(kind, d))),
    ];
  }

  /**
   * A literal or reference holding a scalar, for `ad["name"]`: classad2 detaches the lists and ads it returns from their
   * scope (`[v = {A}]["v"][0]` is UNDEFINED, `size([v = {{1, 2}}]["v"][0])` is 0), an HTCondor defect not worth copying.
   */
  private scalarLeaf(kind: Kind, d: number): string {
    const scalars = ["int", "real", "str", "bool"] as const;
    return this.leaf(scalars.includes(kind as (typeof scalars)[number]) ? kind : this.r.pick(scalars), d);
  }

  private subscript(d: number): string {
    return this.r.weighted<() => string>([
      [6, () => String(this.r.int(0, 3))],
      [1, () => `-${this.r.int(1, 2)}`],
      [1, () => this.arg("int", d)],
      [0.5, () => this.r.pick(["1.0", '"0"', "true", "undefined"])],
    ])();
  }

  private intExpr(d: number): string {
    const r = this.r;
    const choices: [number, () => string][] = [
      [
        8,
        () => this.binary(this.operand("int", d), r.pick(["+", "-", "*", "/", "%"]), this.operand("int", d)),
      ],
      [3, () => this.binary(this.operand("int", d), r.pick(["&", "|", "^"]), this.operand("int", d))],
      [2, () => this.binary(this.operand("int", d), r.pick(["<<", ">>", ">>>"]), this.shiftCount(d))],
      [2, () => `${r.pick(["-", "~", "+"])}${this.operand("int", d)}`],
      [1, () => this.binary(this.operand("bool", d), r.pick(["+", "*"]), this.operand("int", d))],
      [2, () => this.fn("int", this.arg(r.pick(["real", "str", "bool", "int"] as const), d))],
      [
        2,
        () =>
          this.fn(
            r.pick(["floor", "ceiling", "ceil", "round"]),
            this.arg(r.pick(["num", "str"] as const), d),
          ),
      ],
      [2, () => this.fn("size", this.arg(r.pick(["str", "list", "ad"] as const), d))],
      [
        1,
        () =>
          this.fn(
            r.pick(["strcmp", "stricmp"]),
            this.arg("str", d),
            this.arg(r.pick(["str", "int"] as const), d),
          ),
      ],
      [2, () => this.fn("stringListSize", ...this.stringListArgs(d))],
      [
        1,
        () => this.fn(r.pick(["stringListSum", "stringListMin", "stringListMax"]), ...this.stringListArgs(d)),
      ],
      [2, () => this.fn(r.pick(["sum", "min", "max"]), this.listLiteral("int", d))],
      [1, () => this.fn("pow", this.arg("int", d), String(r.int(0, 70)))],
      [
        1,
        () =>
          this.fn(
            "quantize",
            this.arg("int", d),
            r.chance(0.5) ? this.arg("int", d) : this.listLiteral("int", d),
          ),
      ],
      [1, () => this.fn("versioncmp", quote(r.pick(VERSIONS)), quote(r.pick(VERSIONS)))],
      [1, () => this.fn("countMatches", `a > ${r.int(0, 3)}`, this.adListLiteral())],
      [0.5, () => this.fn("int", this.fn(r.pick(["absTime", "relTime"]), String(r.int(0, 2_000_000_000))))],
      [1, () => this.fn("size", this.fn("split", this.arg("str", d)))],
    ];
    return r.weighted<() => string>([
      ...choices,
      ...this.shared("int", d).map((f) => [0.6, f] as [number, () => string]),
    ])();
  }

  private shiftCount(d: number): string {
    return this.r.chance(0.8) ? String(this.r.int(0, 70)) : this.operand("int", d);
  }

  private realExpr(d: number): string {
    const r = this.r;
    const choices: [number, () => string][] = [
      [6, () => this.binary(this.operand("num", d), r.pick(["+", "-", "*", "/"]), this.operand("real", d))],
      [1, () => this.binary(this.operand("real", d), "%", this.operand("num", d))],
      [2, () => `-${this.operand("real", d)}`],
      [3, () => this.fn("real", this.arg(r.pick(["int", "str", "bool", "real"] as const), d))],
      [2, () => this.fn("avg", this.listLiteral("num", d))],
      [1, () => this.fn(r.pick(["sum", "min", "max"]), this.listLiteral("num", d))],
      [1, () => this.fn("stringListAvg", ...this.stringListArgs(d))],
      [1, () => this.fn("pow", this.arg("num", d), this.arg("num", d))],
      [1, () => this.fn("quantize", this.arg("real", d), this.arg("num", d))],
      [0.5, () => this.fn("real", this.fn("relTime", String(r.int(-100, 100_000))))],
    ];
    return r.weighted<() => string>([
      ...choices,
      ...this.shared("real", d).map((f) => [0.5, f] as [number, () => string]),
    ])();
  }

  private boolExpr(d: number): string {
    const r = this.r;
    const cmp = () => r.pick(["<", "<=", ">", ">=", "==", "!="]);
    const choices: [number, () => string][] = [
      [5, () => this.binary(this.operand("num", d), cmp(), this.operand("num", d))],
      [2, () => this.binary(this.operand("str", d), cmp(), this.operand("str", d))],
      [1, () => this.binary(this.operand("bool", d), r.pick(["==", "!="]), this.operand("num", d))],
      [
        4,
        () =>
          this.binary(
            this.operand("any", d),
            this.maybeCase(r.pick(["=?=", "=!=", "is", "isnt"])),
            this.operand("any", d),
          ),
      ],
      [5, () => this.binary(this.operand("bool", d), r.pick(["&&", "||"]), this.operand("bool", d))],
      [1, () => this.binary(this.operand("num", d), r.pick(["&&", "||"]), this.operand("bool", d))],
      [2, () => `!${this.operand("bool", d)}`],
      [
        3,
        () =>
          this.fn(
            r.pick([
              "isUndefined",
              "isError",
              "isString",
              "isInteger",
              "isReal",
              "isBoolean",
              "isList",
              "isClassAd",
              "isAbstime",
              "isReltime",
            ]),
            this.arg("any", d),
          ),
      ],
      [
        2,
        () => this.fn(r.pick(["member", "identicalMember"]), this.arg("any", d), this.listLiteral("any", d)),
      ],
      [
        1,
        () =>
          this.fn(
            r.pick(["anyCompare", "allCompare"]),
            quote(r.pick(COMPARE_OPS)),
            this.listLiteral("num", d),
            this.arg("num", d),
          ),
      ],
      [
        3,
        () =>
          this.fn(
            r.pick(["stringListMember", "stringListIMember"]),
            this.arg("str", d),
            ...this.stringListArgs(d),
          ),
      ],
      [
        2,
        () =>
          this.fn(
            r.pick(["stringListsIntersect", "stringListSubsetMatch", "stringListISubsetMatch"]),
            this.stringListArg(d),
            this.stringListArg(d),
            ...(r.chance(0.3) ? [quote(r.pick(DELIMITERS))] : []),
          ),
      ],
      [1, () => this.fn("stringList_regexpMember", this.pattern(), ...this.stringListArgs(d))],
      [3, () => this.fn("regexp", this.pattern(), this.arg("str", d), ...this.regexOptions())],
      [1, () => this.fn("regexpMember", this.pattern(), this.listLiteral("str", d), ...this.regexOptions())],
      [
        1,
        () =>
          this.fn(
            r.pick(["versionGT", "versionGE", "versionLT", "versionLE", "versionEQ"]),
            this.version(),
            this.version(),
          ),
      ],
      [0.5, () => this.fn("version_in_range", this.version(), this.version(), this.version())],
      [1, () => this.fn("bool", this.arg(r.pick(["str", "num", "bool"] as const), d))],
    ];
    return r.weighted<() => string>([
      ...choices,
      ...this.shared("bool", d).map((f) => [0.6, f] as [number, () => string]),
    ])();
  }

  private version(): string {
    return quote(this.r.pick(VERSIONS));
  }

  private pattern(): string {
    return quote(this.r.pick(PATTERNS));
  }

  private regexOptions(): string[] {
    return this.r.chance(0.4) ? [quote(this.r.pick(REGEX_OPTIONS))] : [];
  }

  /** Arguments `list [, delimiters]` of the stringList functions. */
  private stringListArgs(d: number): string[] {
    const list = this.stringListArg(d);
    return this.r.chance(0.3) ? [list, quote(this.r.pick(DELIMITERS))] : [list];
  }

  private stringListArg(d: number): string {
    return this.r.chance(0.7) ? quote(this.r.pick(LISTY)) : this.arg("str", d);
  }

  private strExpr(d: number): string {
    const r = this.r;
    const many = (kind: Kind) => Array.from({ length: r.int(0, 4) }, () => this.arg(kind, d));
    const choices: [number, () => string][] = [
      [4, () => this.fn("strcat", ...many("any"))],
      [2, () => this.fn("join", quote(r.pick([",", ", ", "", "-"])), ...many("any"))],
      [1, () => this.fn("join", quote(r.pick([",", " "])), this.listLiteral("any", d))],
      [0.5, () => this.fn("join", this.listLiteral("str", d))],
      [
        3,
        () =>
          this.fn(
            "substr",
            this.arg("str", d),
            this.subscriptLike(d),
            ...(r.chance(0.5) ? [this.subscriptLike(d)] : []),
          ),
      ],
      [3, () => this.fn(r.pick(["toUpper", "toLower"]), this.arg(r.chance(0.8) ? "str" : "any", d))],
      [3, () => this.fn("string", this.arg("any", d))],
      [
        2,
        () =>
          this.fn(
            r.pick(["replace", "replaceall"]),
            this.pattern(),
            this.arg("str", d),
            quote(r.pick(SUBSTITUTIONS)),
            ...this.regexOptions(),
          ),
      ],
      [
        2,
        () =>
          this.fn(
            "regexps",
            this.pattern(),
            this.arg("str", d),
            quote(r.pick(SUBSTITUTIONS)),
            ...this.regexOptions(),
          ),
      ],
      [1, () => this.fn("interval", this.r.chance(0.8) ? String(r.int(-100, 400_000)) : this.arg("int", d))],
      [1, () => this.fn("formatTime", String(r.int(0, 2_000_000_000)), quote(r.pick(FORMATS)))],
      [
        0.5,
        () => this.fn("string", this.fn(r.pick(["absTime", "relTime"]), String(r.int(0, 2_000_000_000)))),
      ],
      [1, () => this.fn("unparse", this.unparsableRef())],
      [0.5, () => this.fn("envV1ToV2", quote(r.pick(ENVS)))],
      [0.5, () => this.fn("mergeEnvironment", quote(r.pick(ENVS)), quote(r.pick(ENVS)))],
      [1, () => `${this.fn("splitUserName", quote(r.pick(USERS)))}[${r.int(0, 1)}]`],
      [0.5, () => `${this.fn("splitSlotName", quote(r.pick(SLOTS)))}[${r.int(0, 1)}]`],
    ];
    return r.weighted<() => string>([
      ...choices,
      ...this.shared("str", d).map((f) => [0.5, f] as [number, () => string]),
    ])();
  }

  private subscriptLike(d: number): string {
    return this.r.chance(0.8) ? String(this.r.int(-4, 6)) : this.arg("int", d);
  }

  private unparsableRef(): string {
    const names = MY_ATTRS.filter((a) => a.unparsable).map((a) => a.name);
    return this.hasMy ? this.maybeCase(this.r.pick(names)) : "Missing";
  }

  private listExpr(d: number): string {
    const r = this.r;
    const choices: [number, () => string][] = [
      [5, () => this.listLiteral(r.pick(["int", "num", "str", "any", "list"] as const), d)],
      [2, () => this.fn("split", this.arg("str", d), ...(r.chance(0.4) ? [quote(r.pick(DELIMITERS))] : []))],
      [1, () => this.fn("splitUserName", quote(r.pick(USERS)))],
      [0.5, () => this.fn("splitSlotName", quote(r.pick(SLOTS)))],
      [
        1,
        () =>
          this.fn("evalInEachContext", r.pick(["a * 2", "b", "strcat(b, a)", "c > 2"]), this.adListLiteral()),
      ],
      [1, () => `${this.adListLiteral()}.${r.pick(["a", "b", "c", "nope"])}`],
    ];
    return r.weighted<() => string>([
      ...choices,
      ...this.shared("list", d).map((f) => [0.3, f] as [number, () => string]),
    ])();
  }

  private adExpr(d: number): string {
    const r = this.r;
    const choices: [number, () => string][] = [
      [5, () => this.adLiteral(d)],
      [1, () => `${this.adListLiteral()}[${r.int(0, 2)}]`],
      [1, () => `[inner = ${this.adLiteral(d)}].inner`],
    ];
    return r.weighted<() => string>([
      ...choices,
      ...this.shared("ad", d).map((f) => [0.3, f] as [number, () => string]),
    ])();
  }
}

/** What whole expressions evaluate to: few ads, since ads are compared by type only. */
const TOP_KINDS: readonly (readonly [number, Kind])[] = [
  [3, "int"],
  [2, "real"],
  [3, "bool"],
  [3, "str"],
  [2, "list"],
  [0.4, "ad"],
];

function adAttrs(g: ExprGenerator, specs: readonly AttrSpec[]): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const spec of specs) attrs[spec.name] = spec.value(g);
  return attrs;
}

/**
 * `count` random cases from `seed`, the same ones on every run. Most have MY and TARGET ads, some only MY, a few
 * neither (then references are UNDEFINED).
 */
export function generateCases(seed: number, count: number, options: GeneratorOptions = {}): GeneratedCase[] {
  const r = new Random(seed);
  const maxDepth = options.maxDepth ?? 5;
  const illTyped = options.illTyped ?? 0.1;
  const cases: GeneratedCase[] = [];
  for (let i = 0; i < count; i++) {
    const scope = r.weighted([
      [7, "both"],
      [2, "my"],
      [1, "none"],
    ] as const);
    const hasMy = scope !== "none";
    const hasTarget = scope === "both";
    const g = new ExprGenerator(r, r.int(1, maxDepth), illTyped, hasMy, hasTarget);
    // Ad values are literals or fixed small expressions: their generator depth does not matter.
    const my = hasMy ? adAttrs(g, MY_ATTRS) : undefined;
    const target = hasTarget ? adAttrs(g, TARGET_ATTRS) : undefined;
    const expr = g.gen(r.weighted(TOP_KINDS), 0);
    cases.push({ expr, ...(my ? { my } : {}), ...(target ? { target } : {}) });
  }
  return cases;
}

/** The new-syntax text of an ad given as `{name: expression text}`, the form both evaluators parse. */
export function adText(attrs: Record<string, string>): string {
  return `[${Object.entries(attrs)
    .map(([name, text]) => `${name} = ${text}`)
    .join("; ")}]`;
}
