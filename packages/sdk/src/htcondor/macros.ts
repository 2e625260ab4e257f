/**
 * HTCondor's `$(...)` macro syntax, shared by the configuration language (`config/`) and the submit language
 * (`submit/`): upstream both use one scanner, `next_config_macro` in src/condor_utils/config.cpp (23.9.6), and the
 * same file-name and number helpers. What each language does with a macro (lookup, `$EVAL()`, random functions,
 * errors) stays with the language.
 *
 * The scanning rules, all observable with condor_config_val and condor_submit:
 * - A prefix is `$`, letters/digits/`_`, then `(`. `$(` is a plain macro, `$ENV(`, `$INT(` ... are function macros
 *   (case-sensitive), `$F` followed only by file-name letters is the file-name function. `$$(...)` is never a macro.
 * - `$(NAME)` and `$ENV(NAME)` bodies hold identifier characters (`A-Za-z0-9_./`); after the first `:` (the
 *   default) also `$ , \ :` and `(...)` groups. Anything else means "not a macro" and the text stays as written
 *   (`$(NOPE:100%)`). Function bodies run to the first `)`.
 * - A text that is not a macro is scanned again from just inside its parenthesis, so `$(a b $(c)` finds `$(c)`.
 */

/** Kinds of `$...(` prefixes HTCondor knows. */
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
  | "EVAL"
  | "BASENAME"
  | "DIRNAME"
  | "FILENAME";

/** The kinds spelled as a fixed name after `$` (everything but `$(` and `$F...(`). */
export type FunctionMacroKind = Exclude<MacroKind, "normal" | "FILENAME">;

/** One macro reference found in a text. Indexes are 0-based UTF-16 offsets into the scanned text. */
export interface MacroRef {
  kind: MacroKind;
  /** Index of the `$`. */
  start: number;
  /** Index just after the closing `)`. */
  end: number;
  /** Text between the parentheses. */
  body: string;
  /** Letters between `$` and `(` (`F`, `Fpn`, `INT`, ...; empty for a plain `$(...)`). */
  func: string;
}

/** Which `$NAME(` prefixes a language recognises; anything else is plain text. */
export interface MacroSyntax {
  /** Function macros recognised by name (`$ENV(`, `$INT(`, `$EVAL(` ...). */
  readonly functions: ReadonlySet<FunctionMacroKind>;
  /** Letters allowed after `$F` (matched case-insensitively); `$F` with any other letter is not a macro. */
  readonly fileNameLetters: string;
}

/** Every function macro HTCondor 23.9.6 knows. */
export const ALL_FUNCTION_MACROS: ReadonlySet<FunctionMacroKind> = new Set<FunctionMacroKind>([
  "ENV",
  "RANDOM_CHOICE",
  "RANDOM_INTEGER",
  "CHOICE",
  "SUBSTR",
  "INT",
  "REAL",
  "STRING",
  "EVAL",
  "BASENAME",
  "DIRNAME",
]);

/** The full 23.9.6 syntax (condor_submit and condor_config_val both accept all of it); the scanner's default. */
export const HTCONDOR_MACRO_SYNTAX: MacroSyntax = {
  functions: ALL_FUNCTION_MACROS,
  fileNameLetters: "pnxdqabfwu",
};

/** Characters HTCondor allows in knob names and `$(NAME)` bodies (condor_isidchar): `A-Za-z0-9_./`. */
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

/** HTCondor's `isspace` (C locale), used around knob names and macro arguments. */
export function isSpace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
}

/** Letters, digits and `_`: the characters of a macro prefix between `$` and `(`. */
function isPrefixChar(c: string | undefined): boolean {
  return c !== undefined && c !== "." && c !== "/" && isIdChar(c);
}

/** Characters allowed after the `:` of `$(NAME:default)` besides identifier characters. */
const DEFAULT_EXTRA_CHARS = "$ ,\\:";

interface PrefixClass {
  kind: MacroKind;
  /** Body limited to identifier characters with an optional `:default` (plain and `$ENV`), else up to `)`. */
  idColon: boolean;
}

function classifyPrefix(name: string, syntax: MacroSyntax): PrefixClass | undefined {
  if (name === "") return { kind: "normal", idColon: true };
  if (name[0] === "$") return undefined;
  if (name[0] === "F") {
    const letters = syntax.fileNameLetters;
    let ok = true;
    for (let i = 1; i < name.length && ok; i++) ok = letters.includes((name[i] as string).toLowerCase());
    if (ok) return { kind: "FILENAME", idColon: false };
  }
  const kind = name as FunctionMacroKind;
  if (!syntax.functions.has(kind)) return undefined;
  return { kind, idColon: kind === "ENV" };
}

/** Options of {@link findMacro}. */
export interface FindMacroOptions {
  /** Prefixes to recognise; {@link HTCONDOR_MACRO_SYNTAX} when absent. */
  syntax?: MacroSyntax;
  /**
   * Returning true steps over that macro (its whole body) and continues after it, as HTCondor does when it only
   * wants `$(DOLLAR)` or only self references.
   */
  skip?: (ref: MacroRef) => boolean;
}

/** Finds the first macro at or after `from` that `options.skip` does not reject (HTCondor's next_config_macro). */
export function findMacro(text: string, from = 0, options: FindMacroOptions = {}): MacroRef | undefined {
  const syntax = options.syntax ?? HTCONDOR_MACRO_SYNTAX;
  const n = text.length;
  let scan = from;
  for (;;) {
    const dollar = text.indexOf("$", scan);
    if (dollar < 0) return undefined;
    let p = dollar + 1;
    if (text[p] === "$") p++;
    while (p < n && isPrefixChar(text[p])) p++;
    const cls = text[p] === "(" ? classifyPrefix(text.slice(dollar + 1, p), syntax) : undefined;
    if (!cls) {
      scan = p; // p is past the "$" already
      continue;
    }
    const bodyStart = p + 1;
    const close = cls.idColon ? idColonBodyEnd(text, bodyStart) : text.indexOf(")", bodyStart);
    if (close < 0) {
      // not a macro after all: scan again from just inside the parenthesis
      scan = bodyStart;
      continue;
    }
    const ref: MacroRef = {
      kind: cls.kind,
      start: dollar,
      end: close + 1,
      body: text.slice(bodyStart, close),
      func: text.slice(dollar + 1, p),
    };
    if (options.skip?.(ref)) {
      scan = close;
      continue;
    }
    return ref;
  }
}

/** Index of the `)` closing a `NAME[:default]` body that starts at `from`, or -1 when the body is not one. */
function idColonBodyEnd(text: string, from: number): number {
  const n = text.length;
  let v = from;
  let afterColon = false;
  while (v < n && text[v] !== ")") {
    const c = text[v++] as string;
    if (c === ":" && !afterColon) {
      afterColon = true;
      continue;
    }
    if (afterColon) {
      if (c === "(") {
        const close = text.indexOf(")", v);
        if (close >= 0) {
          v = close + 1;
          continue;
        }
      } else if (DEFAULT_EXTRA_CHARS.includes(c)) {
        continue;
      }
    }
    if (!isIdChar(c)) return -1;
  }
  return v < n ? v : -1;
}

/** The name part of a `$(NAME:default)` body and the default (undefined when there is no `:`). */
export function splitDefault(body: string): { name: string; def: string | undefined } {
  const colon = body.indexOf(":");
  if (colon < 0) return { name: body, def: undefined };
  return { name: body.slice(0, colon), def: body.slice(colon + 1) };
}

/** True when `ref` is the special `$(DOLLAR)` reference (case-insensitive, no default), expanded to `$` last. */
export function isDollarMacro(ref: MacroRef): boolean {
  return ref.kind === "normal" && ref.body.toUpperCase() === "DOLLAR";
}

// ---- file-name functions -------------------------------------------------------------------------------------

/** Strips one pair of matching surrounding quotes (`"` or `'`), like HTCondor's strlen_unquote. */
function unquote(text: string): string {
  if (text.length > 1 && text[0] === text[text.length - 1] && (text[0] === '"' || text[0] === "'")) {
    return text.slice(1, -1);
  }
  return text;
}

/** HTCondor's strcpy_quoted: drop a leading/trailing quote, then add `quote` around the text when given. */
function requote(text: string, quote: string): string {
  let s = text;
  let quoteChar = "";
  if (s[0] === '"' || (quote && s[0] === quote)) {
    quoteChar = s[0] as string;
    s = s.slice(1);
  }
  if (quoteChar && s.length > 0 && s[s.length - 1] === quoteChar) s = s.slice(0, -1);
  return quote ? `${quote}${s}${quote}` : s;
}

function convertPathChars(text: string, toPathChar: string): string {
  if (!toPathChar) return text;
  return toPathChar === "/" ? text.replaceAll("\\", "/") : text.replaceAll("/", "\\");
}

/** Start index of the part of `path` that keeps `numDirs` parent directories (condor_basename_plus_dirs). */
function basenamePlusDirs(path: string, numDirs: number): number {
  const seps: number[] = [];
  let i = 0;
  if (path.startsWith("\\\\")) {
    if (path[2] === "." && path[3] === "\\") {
      seps.push(4);
      i = 4;
    } else {
      seps.push(2);
      i = 2;
    }
  }
  for (; i < path.length; i++) if (path[i] === "\\" || path[i] === "/") seps.push(i + 1);
  for (let n = numDirs; n > 0 && seps.length > 0; n--) seps.pop();
  return seps.length > 0 ? (seps[seps.length - 1] as number) : 0;
}

/**
 * The `$F[pnxdqabfwu]()`, `$BASENAME()` and `$DIRNAME()` functions applied to an already looked-up `value`: which
 * parts of a path to keep (x extension, n name, p directory, d parent directory per `d`), b without the dot or
 * trailing slash, q/a double/single quoted, f absolute against `cwd`, w/u backslashes/slashes.
 */
export function fileNameFunction(kind: MacroKind, func: string, value: string, cwd?: string): string {
  let parts = 0;
  let numDirs = 0;
  let quoted = false;
  let fullPath = false;
  let toPathChar = "";
  let bare = false;
  let argQuote = false;
  if (kind === "BASENAME") parts = 1 | 2;
  else if (kind === "DIRNAME") parts = 4;
  else {
    for (const letter of func.slice(1).toLowerCase()) {
      if (letter === "x") parts |= 1;
      else if (letter === "n") parts |= 2;
      else if (letter === "p") parts |= 4;
      else if (letter === "d") {
        parts |= 8;
        numDirs++;
      } else if (letter === "a") argQuote = true;
      else if (letter === "b") bare = true;
      else if (letter === "f") fullPath = true;
      else if (letter === "w") toPathChar = "\\";
      else if (letter === "u") toPathChar = "/";
      else if (letter === "q") quoted = true;
    }
  }
  const quoteChar = quoted ? (argQuote ? "'" : '"') : "";
  const name = unquote(value);
  let text: string;
  if (fullPath && !name.startsWith("/") && cwd) {
    let dir = cwd;
    const delim = toPathChar || "/";
    if (dir.endsWith("/") || (toPathChar && dir.endsWith(toPathChar))) dir = dir.slice(0, -1);
    let rel = name;
    if (rel.length > 2 && rel[0] === "." && (rel[1] === "/" || (toPathChar && rel[1] === toPathChar)))
      rel = rel.slice(2);
    const joined = `${convertPathChars(requote(dir, ""), toPathChar)}${delim}${convertPathChars(requote(rel, ""), toPathChar)}`;
    text = quoteChar ? `${quoteChar}${joined}${quoteChar}` : joined;
  } else if (fullPath || parts || toPathChar || bare) {
    text = convertPathChars(requote(name, quoteChar), toPathChar);
  } else {
    text = requote(name, quoteChar);
  }

  const buf = [...text];
  let ixEnd = buf.length;
  const ixN = text.lastIndexOf("/") + 1;
  let ixX = buf.length;
  for (let p = buf.length; p > ixN; p--) {
    if (buf[p] === ".") {
      ixX = p;
      break;
    }
  }
  if (ixN === 0 && parts & 3) parts &= ~(4 | 8);
  let start = 0;
  switch (parts & 0xf) {
    case 1:
      start = ixX;
      if (bare && ixX < ixEnd) start++;
      break;
    case 3:
      start = ixN;
      break;
    case 2:
      start = ixN;
      ixEnd = ixX;
      break;
    case 0:
    case 7:
    case 5:
      start = 0;
      break;
    case 4:
      start = 0;
      ixEnd = ixN;
      if (bare && ixN > 0) ixEnd = ixN - 1;
      break;
    case 6:
      start = 0;
      ixEnd = ixX;
      break;
    default:
      if (ixN > 0) {
        start = basenamePlusDirs(text, numDirs);
        if ((parts & 3) === 2) ixEnd = ixX;
        else if ((parts & 3) === 0) {
          ixEnd = ixN;
          if (bare && ixN > 0) ixEnd = ixN - 1;
        }
      } else {
        ixEnd = 1;
        start = 1;
      }
  }
  if (quoted) {
    if (buf[start] !== quoteChar && start > 0) buf[--start] = quoteChar;
    if (ixEnd > 1 && buf[ixEnd - 1] === quoteChar) ixEnd--;
    buf[ixEnd++] = quoteChar;
  }
  return buf.slice(start, ixEnd).join("");
}

// ---- printf-style number formatting ---------------------------------------------------------------------------

/** The parts of one printf conversion that {@link formatC} needs. */
export interface PrintfConversion {
  flags: string;
  width: number;
  precision: number | undefined;
  conversion: string;
}

/** Formats one value like C's printf conversion (`d i u o x X f F e E g G s`). */
export function formatC(value: number | string, spec: PrintfConversion): string {
  const { flags, width, conversion } = spec;
  let body: string;
  let sign = "";
  if (typeof value === "string" || conversion === "s") {
    body = String(value);
    if (spec.precision !== undefined) body = body.slice(0, spec.precision);
    return pad(body, "", width, flags.includes("-"), false);
  }
  const num = value;
  if (num < 0 || Object.is(num, -0)) sign = "-";
  else if (flags.includes("+")) sign = "+";
  else if (flags.includes(" ")) sign = " ";
  const abs = Math.abs(num);
  switch (conversion) {
    case "d":
    case "i":
    case "u":
      body = String(Math.trunc(abs));
      if (spec.precision !== undefined) body = body.padStart(spec.precision, "0");
      break;
    case "x":
    case "X":
    case "o": {
      const radix = conversion === "o" ? 8 : 16;
      body = Math.trunc(abs).toString(radix);
      if (conversion === "X") body = body.toUpperCase();
      if (spec.precision !== undefined) body = body.padStart(spec.precision, "0");
      if (flags.includes("#") && abs !== 0)
        body = (conversion === "o" ? "0" : conversion === "x" ? "0x" : "0X") + body;
      break;
    }
    case "f":
    case "F":
      body = abs.toFixed(spec.precision ?? 6);
      break;
    case "e":
    case "E":
      body = expForm(abs, spec.precision ?? 6, conversion === "E");
      break;
    default:
      body = gForm(abs, spec.precision ?? 6, conversion === "G", flags.includes("#"));
  }
  if (!Number.isFinite(abs)) body = conversion === conversion.toUpperCase() ? "INF" : "inf";
  if (Number.isNaN(num)) {
    body = conversion === conversion.toUpperCase() ? "NAN" : "nan";
    sign = "";
  }
  const zeroPad = flags.includes("0") && !flags.includes("-") && Number.isFinite(abs);
  return pad(body, sign, width, flags.includes("-"), zeroPad);
}

/** Formats a double like C's `%.16G`, what `$REAL()` prints without a format. */
export function formatG16(value: number): string {
  return formatC(value, { flags: "", width: 0, precision: 16, conversion: "G" });
}

function pad(body: string, sign: string, width: number, left: boolean, zero: boolean): string {
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  const fill = width - len;
  if (left) return sign + body + " ".repeat(fill);
  if (zero) return sign + "0".repeat(fill) + body;
  return " ".repeat(fill) + sign + body;
}

function expForm(abs: number, precision: number, upper: boolean): string {
  const [mantissa, exp] = abs.toExponential(precision).split("e") as [string, string];
  const e = Number(exp);
  const text = `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return upper ? text.toUpperCase() : text;
}

function gForm(abs: number, precision: number, upper: boolean, alternate: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (abs === 0) return alternate ? (0).toFixed(p - 1) : "0";
  const exp = Number((abs.toExponential(p - 1).split("e") as [string, string])[1]);
  let text: string;
  if (exp < -4 || exp >= p) {
    text = expForm(abs, p - 1, upper);
    if (!alternate) text = text.replace(/\.?0+(?=[eE])/, "");
  } else {
    text = abs.toFixed(p - 1 - exp);
    if (!alternate && text.includes(".")) text = text.replace(/\.?0+$/, "");
  }
  return text;
}
