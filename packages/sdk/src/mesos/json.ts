/**
 * JSON with exact 64-bit integers, as Mesos writes it.
 *
 * Mesos emits int64/uint64 proto fields as bare JSON numbers, e.g. `"registered_time":{"nanoseconds":
 * 1470820172046531840}` (API.md §1), which `JSON.parse` silently rounds to the nearest double.
 *
 * Representation chosen here: an integer literal (no fraction, no exponent) whose value is not a safe integer
 * (|n| > `Number.MAX_SAFE_INTEGER`) becomes a `bigint`; every other value is exactly what `JSON.parse` returns
 * (safe integers and all literals with a fraction or exponent stay `number`). The zod schemas then normalise int64
 * fields to `bigint` whatever their size (`Int64Schema`), so code reading them sees one type.
 */

/** Largest safe integer, as the text of a 16-digit literal (compared as strings of equal length). */
const MAX_SAFE_TEXT = String(Number.MAX_SAFE_INTEGER);
const MIN_UNSAFE_DIGITS = MAX_SAFE_TEXT.length; // 16

/**
 * Prefix of the placeholder strings standing for unsafe literals between the rewrite and the restore. A raw U+0001
 * cannot occur in a JSON string (control characters must be escaped), so a parsed string can only start with it when
 * the text contains the escape `\u0001`; such texts take the exact (slow) path.
 */
const MARK = "\u0001";
const MARK_CODE = 1;
const MARK_ESCAPED = "\\u0001";

/**
 * Parses JSON like `JSON.parse`, except that integer literals beyond `Number.MAX_SAFE_INTEGER` (in magnitude) become
 * `bigint`, keeping their exact value. Throws `JSON.parse`'s `SyntaxError` on invalid JSON.
 *
 * Fast: one skipping scan finds runs of 16+ digits; when none is an integer literal outside a string, the result is
 * `JSON.parse(text)` itself. Otherwise only those literals are rewritten to placeholders before `JSON.parse`, and put
 * back as `bigint`s by a walk that stops after the last one.
 */
export function parseMesosJson(text: string): unknown {
  const runs = findLongDigitRuns(text);
  if (runs.length === 0) return JSON.parse(text);

  const values: bigint[] = [];
  let rewritten = "";
  let last = 0;
  for (let r = 0; r < runs.length; r += 2) {
    let start = runs[r] as number;
    const end = runs[r + 1] as number;
    if (!isUnsafeLiteral(text, start, end)) continue;
    if (start > 0 && text.charCodeAt(start - 1) === 45 /* - */) start--;
    if (!isValuePosition(text, start, end)) continue;
    rewritten += `${text.slice(last, start)}"${MARK_ESCAPED}${values.length}"`;
    values.push(BigInt(text.slice(start, end)));
    last = end;
  }
  if (values.length === 0) return JSON.parse(text);
  if (text.includes(MARK_ESCAPED)) return parseExact(text);
  rewritten += text.slice(last);

  let root: unknown;
  try {
    root = JSON.parse(rewritten);
  } catch {
    // A candidate was inside a string after all (the placeholder broke the string), or the text is not JSON.
    return parseExact(text);
  }
  return restore(root, values);
}

/**
 * Start/end pairs of the runs of at least 16 ASCII digits. Looks at every 16th character only: a run that long must
 * cover one of them, so runs of non-digits are skipped 16 characters at a time.
 */
function findLongDigitRuns(text: string): number[] {
  const out: number[] = [];
  const n = text.length;
  let i = MIN_UNSAFE_DIGITS - 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c > 57 || c < 48) {
      i += MIN_UNSAFE_DIGITS;
      continue;
    }
    let s = i;
    while (s > 0) {
      const d = text.charCodeAt(s - 1);
      if (d > 57 || d < 48) break;
      s--;
    }
    let e = i + 1;
    while (e < n) {
      const d = text.charCodeAt(e);
      if (d > 57 || d < 48) break;
      e++;
    }
    if (e - s >= MIN_UNSAFE_DIGITS) out.push(s, e);
    i = e + MIN_UNSAFE_DIGITS;
  }
  return out;
}

/** Whether the digits `text[start, end)` are an integer beyond the safe range (never with a leading zero: not JSON). */
function isUnsafeLiteral(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(start) === 48 /* 0 */) return false;
  const digits = end - start;
  if (digits !== MIN_UNSAFE_DIGITS) return digits > MIN_UNSAFE_DIGITS;
  return text.slice(start, end) > MAX_SAFE_TEXT;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/**
 * Whether `text[start, end)` (an optional `-` and digits) sits where a JSON value can: after `:`, `,`, `[` or at the
 * start, and followed by whitespace, `,`, `]`, `}` or the end (not by `.`/`e`: then it is part of a float). A run
 * inside a string rarely passes; when one does, its placeholder breaks the string and the exact path takes over.
 */
function isValuePosition(text: string, start: number, end: number): boolean {
  let p = start - 1;
  while (p >= 0 && isSpace(text.charCodeAt(p))) p--;
  if (p >= 0) {
    const before = text.charCodeAt(p);
    if (before !== 58 /* : */ && before !== 44 /* , */ && before !== 91 /* [ */) return false;
  }
  if (end === text.length) return true;
  const after = text.charCodeAt(end);
  return after === 44 || after === 93 /* ] */ || after === 125 /* } */ || isSpace(after);
}

/** Replaces the placeholder strings by their `bigint`s, stopping once all are back. */
function restore(root: unknown, values: bigint[]): unknown {
  const mark = (v: string): bigint | undefined =>
    v.charCodeAt(0) === MARK_CODE ? values[Number(v.slice(MARK.length))] : undefined;
  if (typeof root === "string") return mark(root) ?? root;
  let remaining = values.length;
  const stack: object[] = [];
  if (root !== null && typeof root === "object") stack.push(root);
  while (stack.length > 0 && remaining > 0) {
    const node = stack.pop() as object;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === "string") {
          if (v.charCodeAt(0) === MARK_CODE) {
            node[i] = mark(v);
            remaining--;
          }
        } else if (v !== null && typeof v === "object") stack.push(v);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key in record) {
      const v = record[key];
      if (typeof v === "string") {
        if (v.charCodeAt(0) === MARK_CODE) {
          setOwn(record, key, mark(v));
          remaining--;
        }
      } else if (v !== null && typeof v === "object") stack.push(v);
    }
  }
  return root;
}

/** Sets an own data property, also for the key `__proto__` (which `JSON.parse` creates as an own property). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else target[key] = value;
}

// ---------------------------------------------------------------------------------------------------------------
// Exact path: a small recursive-descent parser, used only for texts the fast path cannot rewrite safely.
// ---------------------------------------------------------------------------------------------------------------

// The text is valid JSON (checked first), so strings and numbers need no stricter patterns.
const STRING = /"(?:[^"\\]|\\.)*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Parses valid JSON exactly (validity is checked first by `JSON.parse`, which gives the usual error). */
function parseExact(text: string): unknown {
  JSON.parse(text);
  let pos = 0;
  const skip = (): void => {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  };
  const fail = (): never => {
    throw new SyntaxError(`Unexpected token in JSON at position ${pos}`);
  };
  const string = (): string => {
    STRING.lastIndex = pos;
    const m = STRING.exec(text);
    if (!m) return fail();
    pos = STRING.lastIndex;
    return JSON.parse(m[0]) as string;
  };
  const value = (): unknown => {
    skip();
    const c = text.charCodeAt(pos);
    if (c === 123 /* { */) {
      pos++;
      const obj: Record<string, unknown> = {};
      skip();
      if (text.charCodeAt(pos) === 125) {
        pos++;
        return obj;
      }
      for (;;) {
        skip();
        const key = string();
        skip();
        if (text.charCodeAt(pos) !== 58) fail();
        pos++;
        setOwn(obj, key, value());
        skip();
        const sep = text.charCodeAt(pos++);
        if (sep === 125) return obj;
        if (sep !== 44) fail();
      }
    }
    if (c === 91 /* [ */) {
      pos++;
      const arr: unknown[] = [];
      skip();
      if (text.charCodeAt(pos) === 93) {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        skip();
        const sep = text.charCodeAt(pos++);
        if (sep === 93) return arr;
        if (sep !== 44) fail();
      }
    }
    if (c === 34 /* " */) return string();
    if (text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail();
    pos = NUMBER.lastIndex;
    const literal = m[0];
    const n = Number(literal);
    if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(n)) return BigInt(literal);
    return n;
  };
  const result = value();
  skip();
  if (pos !== text.length) fail();
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------------

/**
 * `JSON.stringify` that writes `bigint`s as bare JSON numbers (the inverse of {@link parseMesosJson}), so int64 fields
 * keep every digit. `space` is passed to `JSON.stringify`. Returns `undefined` where `JSON.stringify` would.
 */
export function stringifyMesosJson(value: unknown, space?: string | number): string {
  // A per-call nonce makes the placeholder impossible to meet in real data.
  const nonce = `${MARK}${Math.random().toString(36).slice(2)}:`;
  let found = false;
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v !== "bigint") return v;
      found = true;
      return `${nonce}${v.toString()}`;
    },
    space,
  ) as string | undefined;
  if (!found || text === undefined) return text as string;
  const escaped = `"${JSON.stringify(nonce).slice(1, -1)}`;
  let out = "";
  let last = 0;
  for (let at = text.indexOf(escaped); at !== -1; at = text.indexOf(escaped, last)) {
    const close = text.indexOf('"', at + escaped.length);
    out += text.slice(last, at) + text.slice(at + escaped.length, close);
    last = close + 1;
  }
  return out + text.slice(last);
}
