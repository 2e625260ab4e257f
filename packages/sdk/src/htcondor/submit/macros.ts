/**
 * Macro expansion of the submit language, following HTCondor's expand_macro (config.cpp).
 *
 * `$(NAME)`, `$(NAME:default)`, `$ENV(NAME[:default])`, `$(DOLLAR)` and the function macros `$INT() $REAL()
 * $STRING() $EVAL() $SUBSTR() $CHOICE() $RANDOM_CHOICE() $RANDOM_INTEGER() $BASENAME() $DIRNAME()` and
 * `$F[pdnxbqafwu]()` are supported. Like HTCondor, expansion repeatedly replaces the leftmost macro with its *raw*
 * value and rescans from the start, so a value may itself contain macros; `$$(...)` is left alone for the schedd.
 * The scanner, the file-name functions and printf formatting are shared with the config language (../macros.ts).
 */
import {
  fileNameFunction,
  findMacro,
  formatC,
  formatG16,
  isDollarMacro,
  type MacroRef,
  type PrintfConversion,
  splitDefault,
} from "../macros.js";
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

/** Decides whether a found macro is skipped (left in the text) by a scan. */
type MacroSkip = (ref: MacroRef) => boolean;

const notDollar: MacroSkip = (ref) => !isDollarMacro(ref);

/** Most substitutions one expansion may make before it is considered runaway recursion. */
const MAX_SUBSTITUTIONS = 100_000;
/** Longest text an expansion may grow to. */
const MAX_EXPANDED_LENGTH = 4 * 1024 * 1024;

/** Expands every macro in `value`, then turns `$(DOLLAR)` into `$`. Throws {@link MacroError} on bad macros. */
export function expandMacros(value: string, ctx: MacroContext): string {
  let text = substitute(value, ctx, isDollarMacro);
  for (
    let ref = findMacro(text, 0, { skip: notDollar });
    ref;
    ref = findMacro(text, 0, { skip: notDollar })
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
  return substitute(value, ctx, (ref) => {
    if (ref.kind !== "normal" && ref.kind !== "FILENAME") return true;
    const name = ref.body.toLowerCase();
    return !(name === lower || name.startsWith(`${lower}:`));
  });
}

function substitute(value: string, ctx: MacroContext, skip: MacroSkip): string {
  let text = value;
  let count = 0;
  for (let ref = findMacro(text, 0, { skip }); ref; ref = findMacro(text, 0, { skip })) {
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
      const { name, def } = splitDefault(body);
      const value = ctx.lookup(name);
      if (def !== undefined && (value === undefined || value === "")) return def;
      return value ?? "";
    }
    case "ENV": {
      const { name, def } = splitDefault(body);
      return ctx.env(name) ?? def ?? "UNDEFINED";
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
  if (!spec) return formatG16(value);
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
  const text = formatG16(value);
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

function filenameMacro(ref: MacroRef, ctx: MacroContext): string {
  const value = expandIfNeeded(ctx.lookup(ref.body) ?? ref.body, ctx);
  return fileNameFunction(ref.kind, ref.func, value, ctx.cwd);
}

/** One printf conversion with the literal text around it. */
interface PrintfSpec extends PrintfConversion {
  prefix: string;
  suffix: string;
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
