/**
 * The `queue` statement (HTCondor's SubmitForeachArgs::parse_queue_args and friends, submit_utils.cpp):
 *
 * ```
 * queue [N]
 * queue [N] [var[,var2...]] in [slice] (item item ...)      or   in item, item, ...
 * queue [N] [var[,var2...]] from [slice] (<row per line>)   or   from file   or   from cmd |
 * queue [N] [var] matching [files|dirs|any] [slice] glob ...
 * ```
 */
import { BsaasError } from "../../errors.js";
import { splitTokens } from "./macros.js";

/** A python-style slice `[start:end:step]` that selects items by index. */
export interface QueueSlice {
  start?: number | undefined;
  end?: number | undefined;
  step?: number | undefined;
}

/** Which way the items of a queue statement are given. */
export type QueueMode = "count" | "in" | "from" | "fromFile" | "matching";

/** The parts of a queue statement read from its first line (items of a multi-line list come later). */
export interface ParsedQueueArgs {
  mode: QueueMode;
  /** The count before the variables: a number, or raw text (an expression or a macro) evaluated at expansion. */
  count: number | string | undefined;
  vars: string[];
  slice: QueueSlice | undefined;
  matchKind: "files" | "dirs" | "any" | undefined;
  /** Items found on the first line. */
  items: string[];
  /** For `from`: the file name or `cmd |` after the keyword. */
  source: string | undefined;
  /** True when the list opened with `(` and continues on the following lines up to a line starting with `)`. */
  multiline: boolean;
}

/** A queue statement that cannot be parsed; `index` is where in the argument text the problem is. */
export class QueueSyntaxError extends BsaasError {
  readonly index: number;
  constructor(message: string, index: number) {
    super("SUBMIT_QUEUE", message);
    this.index = index;
  }
}

const KEYWORDS = ["in", "from", "matching"] as const;
const QUALIFIERS = ["files", "dirs", "any"] as const;
const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);
const isAlpha = (ch: string | undefined) => ch !== undefined && /[A-Za-z]/.test(ch);
const isDigit = (ch: string | undefined) => ch !== undefined && /[0-9]/.test(ch);

/** Scans tokens separated by whitespace or `(`; returns the first that is one of `words` (HTCondor's queue_token_scan). */
function scanToken(
  text: string,
  from: number,
  words: readonly string[],
  untilMatch: boolean,
): { word: string | undefined; tokenStart: number; end: number } {
  let tokenStart = -1;
  let token = "";
  for (let p = from; p < text.length; p++) {
    const ch = text[p] as string;
    if (isSpace(ch) || ch === "(") {
      if (token.length > 0) {
        const word = words.find((w) => w === token.toLowerCase());
        if (word) return { word, tokenStart, end: p };
      }
      if (!untilMatch) return { word: undefined, tokenStart, end: p };
      token = "";
    } else {
      if (token.length === 0) tokenStart = p;
      token += ch;
    }
  }
  return { word: undefined, tokenStart: untilMatch ? -1 : tokenStart, end: text.length };
}

/** Parses `[start:end:step]` at `from` (the `[`). Returns the slice and the index after `]`. */
function parseSlice(text: string, from: number): { slice: QueueSlice; end: number } {
  const close = text.indexOf("]", from);
  if (close < 0) throw new QueueSyntaxError("a slice [start:end:step] has no closing ]", from);
  const inner = text.slice(from + 1, close);
  const parts = inner.split(":");
  if (parts.length > 3 || parts.length < 2) {
    throw new QueueSyntaxError(`bad slice [${inner}]: expected [start:end] or [start:end:step]`, from);
  }
  const num = (part: string | undefined): number | undefined => {
    if (part === undefined || part.trim() === "") return undefined;
    if (!/^\s*-?\d+\s*$/.test(part))
      throw new QueueSyntaxError(`bad slice [${inner}]: ${part} is not an integer`, from);
    return Number.parseInt(part, 10);
  };
  const slice: QueueSlice = { start: num(parts[0]), end: num(parts[1]), step: num(parts[2]) };
  if (slice.step !== undefined && slice.step <= 0) {
    throw new QueueSyntaxError(`bad slice [${inner}]: the step must be a positive integer`, from);
  }
  return { slice, end: close + 1 };
}

/** Parses the text after the word `queue` (macros not yet expanded). */
export function parseQueueArgs(args: string): ParsedQueueArgs {
  const result: ParsedQueueArgs = {
    mode: "count",
    count: undefined,
    vars: [],
    slice: undefined,
    matchKind: undefined,
    items: [],
    source: undefined,
    multiline: false,
  };
  let begin = 0;
  while (isSpace(args[begin])) begin++;
  if (begin >= args.length) return result;

  const found = scanToken(args, begin, KEYWORDS, true);
  let countEnd = args.length;
  if (found.word) {
    const keyword = found.word as (typeof KEYWORDS)[number];
    result.mode = keyword;
    let p = found.end;
    while (isSpace(args[p])) p++;
    if (args[p] !== "(") {
      for (;;) {
        const q = scanToken(args, p, QUALIFIERS, false);
        let next = q.end;
        if (q.tokenStart >= 0 && args[q.tokenStart] === "[") {
          const parsed = parseSlice(args, q.tokenStart);
          result.slice = parsed.slice;
          next = parsed.end;
        } else if (q.word) {
          if (keyword !== "matching") {
            throw new QueueSyntaxError(`'${q.word}' is only allowed after 'matching'`, q.tokenStart);
          }
          result.matchKind = q.word as (typeof QUALIFIERS)[number];
        } else {
          break;
        }
        if (next === p) break;
        p = next;
        while (isSpace(args[p])) p++;
      }
    }
    let list = args.slice(p).trimEnd();
    let oneLine = false;
    if (list.startsWith("(") && list.endsWith(")") && list.length > 1) {
      list = list.slice(1, -1);
      oneLine = true;
    }
    if (!oneLine && list.startsWith("(")) {
      result.multiline = true;
      const rest = list.slice(1).trim();
      if (rest) {
        if (keyword === "from") result.items.push(rest);
        else result.items.push(...splitTokens(rest));
      }
    } else if (keyword === "from") {
      if (oneLine) result.items.push(list.trim());
      else {
        result.mode = "fromFile";
        result.source = list.trim();
        if (!result.source)
          throw new QueueSyntaxError("'from' needs a file name, a command ending in |, or (rows)", p);
      }
    } else {
      result.items.push(...splitTokens(list));
    }

    // Walk back from the keyword over what can be loop variables (letters, digits after letters, ',', '_', '.').
    let pvars = found.tokenStart;
    while (pvars > begin && isSpace(args[pvars - 1])) pvars--;
    const varsEnd = pvars;
    let pt = pvars;
    while (pt > begin) {
      let ch = args[pt - 1] as string;
      if (isDigit(ch)) {
        pt--;
        while (pt > begin) {
          ch = args[pt - 1] as string;
          if (isAlpha(ch)) break;
          if (!isDigit(ch)) {
            ch = "!";
            break;
          }
          pt--;
        }
      }
      if (isSpace(ch) || isAlpha(ch) || ch === "," || ch === "_" || ch === ".") pvars = pt - 1;
      else break;
      pt--;
    }
    result.vars = splitTokens(args.slice(pvars, varsEnd));
    countEnd = pvars;
  }

  const countText = args.slice(begin, countEnd).trim();
  if (countText) {
    if (/^[+-]?\d+$/.test(countText)) {
      const n = Number.parseInt(countText, 10);
      if (n < 0 || n >= 2 ** 31 - 1)
        throw new QueueSyntaxError(`queue count ${countText} is out of range`, begin);
      result.count = n;
    } else {
      result.count = countText;
    }
  }
  for (const v of result.vars) {
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(v)) {
      throw new QueueSyntaxError(`'${v}' is not a valid loop variable name`, Math.max(0, args.indexOf(v)));
    }
  }
  return result;
}

/** Whether item `index` of `length` items is selected by the slice (HTCondor's qslice::selected). */
export function sliceSelects(slice: QueueSlice | undefined, index: number, length: number): boolean {
  if (!slice) return index >= 0 && index < length;
  let start = slice.start ?? 0;
  if (start < 0) start += length;
  let end = slice.end ?? length;
  if (end < 0) end += length;
  const step = slice.step ?? 1;
  return index >= start && index < end && (index - start) % step === 0;
}

/** Formats a slice as `[start:end:step]`. */
export function formatSlice(slice: QueueSlice): string {
  const part = (n: number | undefined) => (n === undefined ? "" : String(n));
  return slice.step === undefined
    ? `[${part(slice.start)}:${part(slice.end)}]`
    : `[${part(slice.start)}:${part(slice.end)}:${part(slice.step)}]`;
}

/**
 * Splits one item (row) into values for the loop variables the way condor_submit assigns them: fields separated by
 * `,`, space or tab; the last variable takes the rest of the row. Variables without a field keep `previous` values
 * (condor_submit leaves them unchanged).
 */
export function splitRow(row: string, varCount: number): string[] {
  if (varCount <= 1) return [row];
  if (row.includes("\u001f")) {
    // The ASCII unit separator, when present, is the only field separator.
    const fields = row.replace(/\r?\n$/, "").split("\u001f");
    const values = fields.slice(0, varCount - 1).map((f) => f.replace(/^[ \t]+|[ \t]+$/g, ""));
    const last = fields.slice(varCount - 1).join("\u001f");
    if (fields.length >= varCount) values.push(last.replace(/^[ \t]+|[ \t]+$/g, ""));
    return values;
  }
  const values: string[] = [];
  let data = row.replace(/^[ \t]+/, "");
  for (let v = 0; v < varCount - 1; v++) {
    const m = /[, \t]/.exec(data);
    if (!m) {
      values.push(data);
      return values;
    }
    values.push(data.slice(0, m.index));
    data = data.slice(m.index + 1).replace(/^[ \t]+/, "");
  }
  values.push(data);
  return values;
}
