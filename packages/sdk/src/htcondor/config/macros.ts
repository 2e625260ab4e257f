/**
 * HTCondor's `$(...)` macro scanner and the function macros (`$ENV()`, `$INT()`, `$SUBSTR()` ...), written to match
 * the 23.9.6 parser (src/condor_utils/config.cpp, `next_config_macro` and `evaluate_macro_func`), checked against
 * `condor_config_val` in the provisioned rootfs.
 *
 * The important rules, all observable with condor_config_val:
 * - `$(NAME)` bodies hold identifier characters (`A-Za-z0-9_./`); after the first `:` (the default) also
 *   `$ , \ :` and a `(...)` group. Anything else means "not a macro": the text stays as written
 *   (`$(NOPE:100%)` is printed verbatim).
 * - `$$(...)` is never a config macro, and `$(DOLLAR)` becomes `$` only at the very end.
 * - Expansion substitutes the *raw* value of the leftmost macro and scans the whole text again, so a value may
 *   build a macro name out of another (`$(FOO_$(BAR))`).
 * - Function prefixes are case-sensitive (`$ENV(`, not `$env(`).
 */

/** Kinds of `$...(` prefixes HTCondor's config language knows. */
export type MacroKind =
  | "normal"
  | "ENV"
  | "RANDOM_CHOICE"
  | "RANDOM_INTEGER"
  | "CHOICE"
  | "SUBSTR"
  | "INT"
  | "REAL"
  | "STRING"
  | "BASENAME"
  | "DIRNAME"
  | "FILENAME";

/** A macro reference found in a text. `end` is exclusive (just after the closing parenthesis). */
export interface FoundMacro {
  start: number;
  end: number;
  kind: MacroKind;
  /** The prefix without `$` (`""` for `$(`, `ENV`, `Fpn` ...). */
  func: string;
  /** The text between the parentheses. */
  body: string;
}

const SPECIAL_PREFIXES: Record<string, MacroKind> = {
  ENV: "ENV",
  RANDOM_CHOICE: "RANDOM_CHOICE",
  RANDOM_INTEGER: "RANDOM_INTEGER",
  CHOICE: "CHOICE",
  SUBSTR: "SUBSTR",
  INT: "INT",
  REAL: "REAL",
  STRING: "STRING",
  BASENAME: "BASENAME",
  DIRNAME: "DIRNAME",
};

/** Characters HTCondor allows in knob names (and in `$(NAME)` bodies before the `:`). */
export function isIdChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    (code >= 48 && code <= 57) ||
    c === "_" ||
    c === "." ||
    c === "/"
  );
}

/** True for a non-empty name made of identifier characters, the names HTCondor accepts on the left of `=`. */
export function isValidParamName(name: string): boolean {
  if (name === "") return false;
  for (const c of name) if (!isIdChar(c)) return false;
  return true;
}

/** HTCondor's `isspace` (C locale). */
export function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
}

function isAlnumUnderscore(c: string | undefined): boolean {
  if (c === undefined) return false;
  return isIdChar(c) && c !== "." && c !== "/";
}

function classifyPrefix(prefix: string): { kind: MacroKind; idColon: boolean } | undefined {
  // prefix includes the leading "$"
  if (prefix === "$") return { kind: "normal", idColon: true };
  if (prefix.startsWith("$$")) return undefined;
  const name = prefix.slice(1);
  if (name.startsWith("F") && /^F[pnxdqPNXDQ]*$/.test(name)) return { kind: "FILENAME", idColon: false };
  const kind = SPECIAL_PREFIXES[name];
  if (!kind) return undefined;
  return { kind, idColon: kind === "ENV" };
}

/**
 * Finds the next config macro at or after `from`. `skip(m)` returning true makes the scan step over that macro
 * (its whole body) and continue after it, as HTCondor does when it only wants `$(DOLLAR)` or only self references.
 */
export function findConfigMacro(
  s: string,
  from: number,
  skip?: (m: FoundMacro) => boolean,
): FoundMacro | undefined {
  let t = from;
  const n = s.length;
  for (;;) {
    const d = s.indexOf("$", t);
    if (d < 0) return undefined;
    let p = d + 1;
    if (s[p] === "$") p++;
    while (p < n && isAlnumUnderscore(s[p])) p++;
    if (s[p] !== "(") {
      t = p; // p is past the "$" already
      continue;
    }
    const cls = classifyPrefix(s.slice(d, p));
    if (!cls) {
      t = p;
      continue;
    }
    const nameStart = p + 1;
    let v = nameStart;
    let ok = true;
    if (!cls.idColon) {
      while (v < n && s[v] !== ")") v++;
    } else {
      let afterColon = false;
      while (v < n && s[v] !== ")") {
        const c = s[v++];
        if (c === ":" && !afterColon) {
          afterColon = true;
          continue;
        }
        if (afterColon) {
          if (c === "(") {
            const close = s.indexOf(")", v);
            if (close >= 0) v = close + 1;
            continue;
          }
          if (c === "$" || c === " " || c === "," || c === "\\" || c === ":") continue;
        }
        if (!isIdChar(c)) {
          ok = false;
          break;
        }
      }
    }
    if (!ok || v >= n) {
      // not a macro after all: scan again from just inside the parenthesis
      t = nameStart;
      continue;
    }
    const m: FoundMacro = {
      start: d,
      end: v + 1,
      kind: cls.kind,
      func: s.slice(d + 1, p),
      body: s.slice(nameStart, v),
    };
    if (skip?.(m)) {
      t = v;
      continue;
    }
    return m;
  }
}

/** The name part of a `$(NAME:default)` body and the default (undefined when there is no `:`). */
export function splitDefault(body: string): { name: string; def: string | undefined } {
  const colon = body.indexOf(":");
  if (colon < 0) return { name: body, def: undefined };
  return { name: body.slice(0, colon), def: body.slice(colon + 1) };
}

/** True when `m` is the special `$(DOLLAR)` reference (case-insensitive, no default). */
export function isDollarMacro(m: FoundMacro): boolean {
  return m.kind === "normal" && m.body.toUpperCase() === "DOLLAR";
}

/**
 * The `$F[qdpnx]()`, `$BASENAME()` and `$DIRNAME()` file-name functions: which parts of a path to keep
 * (x extension, n name without extension, p full directory, d parent directory, q quoted).
 */
export function filenameParts(kind: MacroKind, func: string, value: string): string {
  let parts = 0;
  let quoted = false;
  if (kind === "BASENAME") parts = 1 | 2;
  else if (kind === "DIRNAME") parts = 4;
  else {
    for (const ch of func.slice(1).toLowerCase()) {
      if (ch === "x") parts |= 1;
      else if (ch === "n") parts |= 2;
      else if (ch === "p") parts |= 4;
      else if (ch === "d") parts |= 8;
      else if (ch === "q") quoted = true;
    }
  }
  let buf = value;
  if (buf.startsWith('"')) buf = buf.slice(1);
  if (buf.endsWith('"')) buf = buf.slice(0, -1);
  let end = buf.length;
  const ixn = Math.max(buf.lastIndexOf("/"), buf.lastIndexOf("\\")) + 1;
  const dot = buf.lastIndexOf(".");
  const ixx = dot >= ixn ? dot : end;
  if (ixn === 0 && parts & (2 | 1)) parts &= ~(4 | 8);
  let start = 0;
  switch (parts & 0xf) {
    case 1:
      start = ixx;
      break;
    case 2 | 1:
      start = ixn;
      break;
    case 2:
      start = ixn;
      end = ixx;
      break;
    case 0:
    case 4 | 2 | 1:
    case 4 | 1:
      start = 0;
      break;
    case 4:
      end = ixn;
      break;
    case 4 | 2:
      end = ixx;
      break;
    default: {
      // d (parent directory name) combinations
      if (ixn > 0) {
        const dirs = buf.slice(0, ixn - 1);
        start = Math.max(dirs.lastIndexOf("/"), dirs.lastIndexOf("\\")) + 1;
        if ((parts & 3) === 2) end = ixx;
        else if ((parts & 3) === 0) end = ixn;
      } else {
        start = end = 0;
      }
    }
  }
  const out = buf.slice(start, end);
  return quoted ? `"${out}"` : out;
}

/** Formats a double like C's `%.16G` (what `$REAL()` prints). */
export function formatG16(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NAN" : x > 0 ? "INF" : "-INF";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(16)))));
  if (exp < -4 || exp >= 16) {
    const [mant = "0", e = "0"] = x.toExponential(15).split("e");
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const en = Number(e);
    return `${m}E${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  const fixed = x.toFixed(Math.max(0, 15 - exp));
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}
