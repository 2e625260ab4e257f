/**
 * Macro expansion of the submit language, following HTCondor's expand_macro (config.cpp).
 *
 * `$(NAME)`, `$(NAME:default)`, `$ENV(NAME[:default])`, `$(DOLLAR)` and the function macros `$INT() $REAL()
 * $STRING() $EVAL() $SUBSTR() $CHOICE() $RANDOM_CHOICE() $RANDOM_INTEGER() $BASENAME() $DIRNAME()` and
 * `$F[pdnxbqafwu]()` are supported. Like HTCondor, expansion repeatedly replaces the leftmost macro with its *raw*
 * value and rescans from the start, so a value may itself contain macros; `$$(...)` is left alone for the schedd.
 */
import { MacroError } from "./errors.js";

/** A ClassAd value as far as macro functions need one. */
export type SimpleValue =
  | { type: "integer"; value: number }
  | { type: "real"; value: number }
  | { type: "boolean"; value: boolean }
  | { type: "string"; value: string }
  | { type: "undefined" }
  | { type: "error" }
  | { type: "other"; text: string };

/** Evaluates an old-syntax ClassAd expression in an empty ad; undefined when the text does not parse. */
export type ExpressionEvaluator = (text: string) => SimpleValue | undefined;

/** What expansion needs from its surroundings. */
export interface MacroContext {
  /** Raw (unexpanded) value of a macro, case-insensitive; undefined when it is not defined anywhere. */
  lookup(name: string): string | undefined;
  /** The process environment seen by `$ENV()`. */
  env(name: string): string | undefined;
  /** Directory that `$Ff()` makes relative paths absolute against (condor_submit: the job's initial directory). */
  cwd?: string;
  /** ClassAd evaluation for `$EVAL()`, `$STRING()` and non-literal numbers; without it those report an error. */
  evaluate?: ExpressionEvaluator;
  /** Random source in [0, 1) for `$RANDOM_CHOICE()` and `$RANDOM_INTEGER()`. */
  random?: () => number;
}

/** The kinds of macro HTCondor recognises. */
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

/** One macro reference found in a text. Indexes are 0-based into the scanned text. */
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

const SPECIAL_NAMES: ReadonlySet<string> = new Set([
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

const isAlnumOrUnderscore = (ch: string | undefined) => ch !== undefined && /[A-Za-z0-9_]/.test(ch);
/** HTCondor's condor_isidchar: letters, digits, `_`, `.` and `/`. */
const isIdChar = (ch: string) => /[A-Za-z0-9_./]/.test(ch);
/** Characters allowed after the `:` of `$(NAME:default)` besides identifier characters. */
const COLON_DEFAULT_EXTRA = "$ ,\\:";

type BodyChars = "anything" | "idchar-colon";

function classifyPrefix(prefix: string): { kind: MacroKind; body: BodyChars } | undefined {
  if (prefix.length === 1) return { kind: "normal", body: "idchar-colon" };
  if (prefix[1] === "$") return undefined;
  const name = prefix.slice(1);
  if (name[0] === "F" && /^[pnxdqabfwu]*$/i.test(name.slice(1)))
    return { kind: "FILENAME", body: "anything" };
  if (SPECIAL_NAMES.has(name))
    return { kind: name as MacroKind, body: name === "ENV" ? "idchar-colon" : "anything" };
  return undefined;
}

/** Decides whether a found macro is skipped (left in the text) by a scan. */
export type MacroSkip = (kind: MacroKind, body: string) => boolean;

/** Finds the first macro at or after `from` that `skip` does not reject (HTCondor's next_config_macro). */
export function findMacro(text: string, from = 0, skip?: MacroSkip): MacroRef | undefined {
  let scan = from;
  for (;;) {
    let dollar = -1;
    let open = -1;
    let found: { kind: MacroKind; body: BodyChars } | undefined;
    for (;;) {
      dollar = text.indexOf("$", scan);
      if (dollar < 0) return undefined;
      let p = dollar + 1;
      if (text[p] === "$") p++;
      while (isAlnumOrUnderscore(text[p])) p++;
      if (text[p] === "(") {
        found = classifyPrefix(text.slice(dollar, p));
        if (found) {
          open = p;
          break;
        }
      }
      scan = p;
    }
    const bodyStart = open + 1;
    let v = bodyStart;
    let valid = true;
    if (found.body === "anything") {
      while (v < text.length && text[v] !== ")") v++;
    } else {
      let afterColon = false;
      while (v < text.length && text[v] !== ")") {
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
          } else if (COLON_DEFAULT_EXTRA.includes(c)) {
            continue;
          }
        }
        if (!isIdChar(c)) {
          valid = false;
          break;
        }
      }
    }
    if (!valid || text[v] !== ")") {
      scan = bodyStart;
      continue;
    }
    const body = text.slice(bodyStart, v);
    if (skip?.(found.kind, body)) {
      scan = v;
      continue;
    }
    return { kind: found.kind, start: dollar, end: v + 1, body, func: text.slice(dollar + 1, open) };
  }
}

const isDollarBody = (kind: MacroKind, body: string) => kind === "normal" && body.toUpperCase() === "DOLLAR";

/** Most substitutions one expansion may make before it is considered runaway recursion. */
const MAX_SUBSTITUTIONS = 100_000;
/** Longest text an expansion may grow to. */
const MAX_EXPANDED_LENGTH = 4 * 1024 * 1024;

/** Expands every macro in `value`, then turns `$(DOLLAR)` into `$`. Throws {@link MacroError} on bad macros. */
export function expandMacros(value: string, ctx: MacroContext): string {
  let text = substitute(value, ctx, isDollarBody);
  for (
    let ref = findMacro(text, 0, (k, b) => !isDollarBody(k, b));
    ref;
    ref = findMacro(text, 0, (k, b) => !isDollarBody(k, b))
  ) {
    text = `${text.slice(0, ref.start)}$${text.slice(ref.end)}`;
  }
  return text;
}

/**
 * Expands only references to `self` (`$(self)` and `$(self:default)`), as HTCondor does when a submit line assigns
 * a macro in terms of its own previous value (`requirements = $(requirements) && ...`).
 */
export function expandSelfReferences(value: string, self: string, ctx: MacroContext): string {
  const lower = self.toLowerCase();
  return substitute(value, ctx, (kind, body) => {
    if (kind !== "normal" && kind !== "FILENAME") return true;
    const name = body.toLowerCase();
    return !(name === lower || name.startsWith(`${lower}:`));
  });
}

function substitute(value: string, ctx: MacroContext, skip: MacroSkip): string {
  let text = value;
  let count = 0;
  for (let ref = findMacro(text, 0, skip); ref; ref = findMacro(text, 0, skip)) {
    if (++count > MAX_SUBSTITUTIONS || text.length > MAX_EXPANDED_LENGTH) {
      throw new MacroError(
        `macro expansion of ${JSON.stringify(value.slice(0, 80))} does not end; a macro probably refers to itself`,
      );
    }
    const replacement = evaluateMacro(ref, ctx);
    text = text.slice(0, ref.start) + replacement + text.slice(ref.end);
  }
  return text;
}

/** Splits like HTCondor's StringTokenIterator: separators and surrounding whitespace removed, empty items dropped. */
export function splitTokens(text: string, delims = ", \t\r\n"): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (delims.includes(text[i] as string) || /\s/.test(text[i] as string))) i++;
    const start = i;
    let last = -1;
    while (i < n && !delims.includes(text[i] as string)) {
      if (!/\s/.test(text[i] as string)) last = i;
      i++;
    }
    if (last >= start) out.push(text.slice(start, last + 1));
  }
  return out;
}

/**
 * HTCondor's string_is_long_param: an integer literal (surrounding whitespace allowed), or a ClassAd expression that
 * evaluates to a number (truncated) or boolean. Returns undefined when it is neither.
 */
export function stringToInteger(text: string, evaluate?: ExpressionEvaluator): number | undefined {
  const literal = /^\s*([+-]?\d+)\s*$/.exec(text);
  if (literal) return Number.parseInt(literal[1] as string, 10);
  const real = /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)\s*$/.exec(text);
  if (real) return Math.trunc(Number(real[1]));
  const value = evaluate?.(text);
  if (!value) return undefined;
  if (value.type === "integer") return value.value;
  if (value.type === "real") return Math.trunc(value.value);
  if (value.type === "boolean") return value.value ? 1 : 0;
  return undefined;
}

/** HTCondor's string_is_double_param: a number literal, or an expression that evaluates to a number. */
export function stringToReal(text: string, evaluate?: ExpressionEvaluator): number | undefined {
  const trimmed = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  const value = evaluate?.(text);
  if (!value) return undefined;
  if (value.type === "integer" || value.type === "real") return value.value;
  if (value.type === "boolean") return value.value ? 1 : 0;
  return undefined;
}

/** HTCondor's string_is_boolean_param: `true`/`false`/`1`/`0` (case-insensitive), or an expression that gives one. */
export function stringToBoolean(text: string, evaluate?: ExpressionEvaluator): boolean | undefined {
  const literal = /^(true|false|1|0)\s*$/i.exec(text);
  if (literal) {
    const word = (literal[1] as string).toLowerCase();
    return word === "true" || word === "1";
  }
  const value = evaluate?.(text);
  if (!value) return undefined;
  if (value.type === "boolean") return value.value;
  if (value.type === "integer" || value.type === "real") return value.value !== 0;
  return undefined;
}

function needEvaluator(ctx: MacroContext, what: string): ExpressionEvaluator {
  if (!ctx.evaluate) throw new MacroError(`${what} needs ClassAd evaluation, which is not available here`);
  return ctx.evaluate;
}

function expandIfNeeded(text: string, ctx: MacroContext): string {
  return text.includes("$") ? expandMacros(text, ctx) : text;
}

function evaluateMacro(ref: MacroRef, ctx: MacroContext): string {
  const body = ref.body;
  switch (ref.kind) {
    case "normal": {
      const colon = body.indexOf(":");
      const name = colon >= 0 ? body.slice(0, colon) : body;
      const value = ctx.lookup(name);
      if (colon >= 0 && (value === undefined || value === "")) return body.slice(colon + 1);
      return value ?? "";
    }
    case "ENV": {
      const colon = body.indexOf(":");
      const name = colon >= 0 ? body.slice(0, colon) : body;
      const value = ctx.env(name);
      if (value !== undefined) return value;
      return colon >= 0 ? body.slice(colon + 1) : "UNDEFINED";
    }
    case "INT":
    case "REAL":
      return numberMacro(ref.kind, body, ctx);
    case "STRING":
      return stringMacro(body, ctx);
    case "EVAL":
      return evalMacro(body, ctx);
    case "CHOICE":
      return choiceMacro(body, ctx);
    case "SUBSTR":
      return substrMacro(body, ctx);
    case "RANDOM_CHOICE":
      return randomChoiceMacro(body, ctx);
    case "RANDOM_INTEGER":
      return randomIntegerMacro(body, ctx);
    case "BASENAME":
    case "DIRNAME":
    case "FILENAME":
      return filenameMacro(ref, ctx);
  }
}

function numberMacro(kind: "INT" | "REAL", body: string, ctx: MacroContext): string {
  const comma = body.indexOf(",");
  const name = comma >= 0 ? body.slice(0, comma) : body;
  const fmt = comma >= 0 ? body.slice(comma + 1) : undefined;
  let spec: PrintfSpec | undefined;
  if (fmt !== undefined) {
    spec = parsePrintf(fmt);
    const ok = spec && (kind === "INT" ? spec.family === "int" : spec.family === "float");
    if (!ok) throw new MacroError(`$${kind}() macro: '${fmt}' is not a valid format specifier`);
  }
  const text = expandIfNeeded(ctx.lookup(name) ?? name, ctx);
  if (kind === "INT") {
    const value = stringToInteger(text, ctx.evaluate);
    if (value === undefined) throw new MacroError(`$INT() macro: ${text} does not evaluate to an integer`);
    return spec ? printf(spec, value) : String(value);
  }
  const value = stringToReal(text, ctx.evaluate);
  if (value === undefined) throw new MacroError(`$REAL() macro: ${text} does not evaluate to a real`);
  if (!spec) return formatC(value, { flags: "", width: 0, precision: 16, conversion: "G" });
  const out = printf(spec, value);
  return out.includes(".") ? out : `${out}.0`;
}

function stringMacro(body: string, ctx: MacroContext): string {
  const comma = body.indexOf(",");
  const name = comma >= 0 ? body.slice(0, comma) : body;
  const fmt = comma >= 0 ? body.slice(comma + 1) : undefined;
  let spec: PrintfSpec | undefined;
  if (fmt !== undefined) {
    spec = parsePrintf(fmt);
    if (spec?.family !== "string")
      throw new MacroError(`$STRING() macro: '${fmt}' is not a valid format specifier`);
  }
  let text = expandIfNeeded(ctx.lookup(name) ?? name, ctx);
  const literal = oldStringLiteralValue(text);
  if (literal !== undefined) text = literal;
  else {
    const value = ctx.evaluate?.(text);
    if (value?.type === "string") text = value.value;
  }
  return spec ? printf(spec, text) : text;
}

function evalMacro(body: string, ctx: MacroContext): string {
  const text = expandIfNeeded(ctx.lookup(body) ?? body, ctx);
  const value = needEvaluator(ctx, "$EVAL()")(text);
  if (!value) return text;
  switch (value.type) {
    case "string":
      return value.value;
    case "integer":
      return String(value.value);
    case "real":
      return formatRealNewSyntax(value.value);
    case "boolean":
      return value.value ? "true" : "false";
    case "undefined":
      return "undefined";
    case "error":
      return "error";
    case "other":
      return value.text;
  }
}

/** Formats a real as HTCondor's old-syntax printer does: `%.16G`, with `.0` added when it would look like an integer. */
export function formatRealOldSyntax(value: number): string {
  if (Number.isNaN(value)) return 'real("NaN")';
  if (!Number.isFinite(value)) return value > 0 ? 'real("INF")' : 'real("-INF")';
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const text = formatC(value, { flags: "", width: 0, precision: 16, conversion: "G" });
  return /[.EeN]/.test(text) ? text : `${text}.0`;
}

/** Formats a real as HTCondor's new-syntax printer does (`%1.15E`: `1.500000000000000E+00`). */
export function formatRealNewSyntax(value: number): string {
  if (Number.isNaN(value)) return 'real("NaN")';
  if (!Number.isFinite(value)) return value > 0 ? 'real("INF")' : 'real("-INF")';
  return formatC(value, { flags: "", width: 0, precision: 15, conversion: "E" });
}

/** The value of an old-syntax string literal (`"a\"b"` is `a"b`), or undefined when the text is not exactly one. */
export function oldStringLiteralValue(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed.length < 2 || trimmed[0] !== '"') return undefined;
  let out = "";
  for (let i = 1; i < trimmed.length; i++) {
    const ch = trimmed[i] as string;
    if (ch === "\\" && trimmed[i + 1] === '"') {
      out += '"';
      i++;
    } else if (ch === '"') {
      return i === trimmed.length - 1 ? out : undefined;
    } else {
      out += ch;
    }
  }
  return undefined;
}

function choiceMacro(body: string, ctx: MacroContext): string {
  const entries = splitTokens(body, ",");
  if (entries.length < 2) throw new MacroError("$CHOICE() macro: no index");
  const indexName = entries[0] as string;
  const indexText = expandIfNeeded(ctx.lookup(indexName) ?? indexName, ctx);
  const index = stringToInteger(indexText, ctx.evaluate);
  if (index === undefined || index < 0 || index >= 2 ** 31 - 1) {
    throw new MacroError(`$CHOICE() macro: ${indexText} is an invalid index`);
  }
  let items: string[];
  if (entries.length === 2) {
    const listName = entries[1] as string;
    const list = ctx.lookup(listName);
    if (list === undefined) throw new MacroError(`$CHOICE() macro: no list named "${listName}"`);
    items = splitTokens(expandIfNeeded(list, ctx), ",");
  } else {
    items = entries.slice(1);
  }
  const item = items[index];
  if (item === undefined) throw new MacroError(`$CHOICE() macro: index ${index} is out of range`);
  return item;
}

function substrMacro(body: string, ctx: MacroContext): string {
  const parts = body.split(",");
  if (parts.length < 2) throw new MacroError("$SUBSTR() macro: no length specified");
  const [name, startArg, lenArg] = parts as [string, string, string | undefined];
  const integerArg = (arg: string, what: string) => {
    const text = expandIfNeeded(ctx.lookup(arg) ?? arg, ctx);
    const value = stringToInteger(text, ctx.evaluate);
    if (value === undefined) throw new MacroError(`$SUBSTR() macro: ${text} is an invalid ${what}`);
    return value;
  };
  let start = integerArg(startArg, "start index");
  let length = lenArg === undefined ? Number.MAX_SAFE_INTEGER : integerArg(lenArg, "length");
  const raw = ctx.lookup(name);
  if (raw === undefined) return "";
  const value = expandIfNeeded(raw, ctx);
  const cch = value.length;
  if (start < 0) start = cch + start;
  if (start < 0) start = 0;
  else if (start > cch) start = cch;
  const rest = cch - start;
  if (length < 0) length = rest + length;
  if (length < 0) length = 0;
  else if (length > rest) length = rest;
  return value.slice(start, start + length);
}

function randomIndex(ctx: MacroContext, n: number): number {
  const r = (ctx.random ?? Math.random)();
  return Math.min(n - 1, Math.floor(r * n));
}

function randomChoiceMacro(body: string, ctx: MacroContext): string {
  let entries = splitTokens(body, ",");
  if (entries.length === 1) {
    const list = ctx.lookup(entries[0] as string);
    if (list !== undefined) entries = splitTokens(expandIfNeeded(list, ctx));
  }
  if (entries.length === 0) throw new MacroError("$RANDOM_CHOICE() macro: the list is empty");
  return entries[randomIndex(ctx, entries.length)] as string;
}

function randomIntegerMacro(body: string, ctx: MacroContext): string {
  const entries = splitTokens(body, ",");
  const parse = (text: string | undefined, what: string) => {
    const value = text === undefined ? undefined : stringToInteger(text);
    if (value === undefined) throw new MacroError(`$RANDOM_INTEGER() macro: invalid ${what}`);
    return value;
  };
  const min = parse(entries[0], "min");
  const max = parse(entries[1], "max");
  const step = entries[2] === undefined ? 1 : parse(entries[2], "step");
  if (step < 1) throw new MacroError("$RANDOM_INTEGER() macro: invalid step");
  if (min > max) throw new MacroError("$RANDOM_INTEGER() macro: min > max");
  const count = Math.trunc((step + max - min) / step);
  return String(min + randomIndex(ctx, count) * step);
}

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

function filenameMacro(ref: MacroRef, ctx: MacroContext): string {
  const raw = ctx.lookup(ref.body) ?? ref.body;
  const value = expandIfNeeded(raw, ctx);
  let parts = 0;
  let numDirs = 0;
  let quoted = false;
  let fullPath = false;
  let toPathChar = "";
  let bare = false;
  let argQuote = false;
  if (ref.kind === "BASENAME") parts = 1 | 2;
  else if (ref.kind === "DIRNAME") parts = 4;
  else {
    for (const letter of ref.func.slice(1).toLowerCase()) {
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
  if (fullPath && !name.startsWith("/") && ctx.cwd) {
    let cwd = ctx.cwd;
    const delim = toPathChar || "/";
    if (cwd.endsWith("/") || (toPathChar && cwd.endsWith(toPathChar))) cwd = cwd.slice(0, -1);
    let rel = name;
    if (rel.length > 2 && rel[0] === "." && (rel[1] === "/" || (toPathChar && rel[1] === toPathChar)))
      rel = rel.slice(2);
    const joined = `${convertPathChars(requote(cwd, ""), toPathChar)}${delim}${convertPathChars(requote(rel, ""), toPathChar)}`;
    text = quoteChar ? `${quoteChar}${joined}${quoteChar}` : joined;
  } else if (fullPath || parts || toPathChar || bare) {
    text = convertPathChars(requote(name, quoteChar), toPathChar);
  } else {
    text = requote(name, quoteChar);
  }

  const buf = [...text];
  let ixEnd = buf.length;
  const lastSlash = text.lastIndexOf("/");
  const ixN = lastSlash + 1;
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

/** One printf conversion with the literal text around it. */
interface PrintfSpec {
  prefix: string;
  suffix: string;
  flags: string;
  width: number;
  precision: number | undefined;
  conversion: string;
  family: "int" | "float" | "string";
}

/** Parses a format with exactly one conversion (`%d`, `%05.2f`, `run%03d.txt`, ...). */
function parsePrintf(fmt: string): PrintfSpec | undefined {
  let i = 0;
  let prefix = "";
  while (i < fmt.length) {
    if (fmt[i] === "%" && fmt[i + 1] === "%") {
      prefix += "%";
      i += 2;
    } else if (fmt[i] === "%") break;
    else prefix += fmt[i++];
  }
  const m = /^%([-+ 0#]*)(\d*)(?:\.(\d*))?(?:hh|h|ll|l|L|q|j|z|t)?([diouxXeEfFgGs])/.exec(fmt.slice(i));
  if (!m) return undefined;
  const conversion = m[4] as string;
  const family = "diouxX".includes(conversion) ? "int" : conversion === "s" ? "string" : "float";
  const suffix = fmt.slice(i + m[0].length).replaceAll("%%", "%");
  if (suffix.includes("%")) return undefined;
  return {
    prefix,
    suffix,
    flags: m[1] ?? "",
    width: m[2] ? Number(m[2]) : 0,
    precision: m[3] === undefined ? undefined : Number(m[3] || "0"),
    conversion,
    family,
  };
}

function printf(spec: PrintfSpec, value: number | string): string {
  return spec.prefix + formatC(value, spec) + spec.suffix;
}

/** Formats one value like C's printf conversion. */
export function formatC(
  value: number | string,
  spec: { flags: string; width: number; precision: number | undefined; conversion: string },
): string {
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
