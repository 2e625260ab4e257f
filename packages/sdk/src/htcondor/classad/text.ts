// Byte-level string helpers. HTCondor works on UTF-8 bytes with the C locale: case folding is ASCII-only, `strcmp`
// orders by byte value (which is code point order), and sizes are byte counts. JS strings are UTF-16, so these helpers
// reproduce the byte semantics without converting to bytes on the hot paths.

/** ASCII-only lower case (strcasecmp/tolower in the C locale); returns the same string when nothing changes. */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return asciiLowerFrom(s, i);
  }
  return s;
}

function asciiLowerFrom(s: string, start: number): string {
  let out = s.slice(0, start);
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : s[i];
  }
  return out;
}

/** ASCII-only upper case (toupper in the C locale). */
export function asciiUpper(s: string): string {
  let out = "";
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      out += String.fromCharCode(c - 32);
      changed = true;
    } else out += s[i];
  }
  return changed ? out : s;
}

/** strcmp on the UTF-8 encodings: negative, zero or positive (not normalised). */
export function byteCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return compareTails(a, b, i, false);
  }
  return a.length - b.length;
}

/** Byte-wise comparison from code unit `i` on (surrogates and escaped bytes need the real encoding). */
function compareTails(a: string, b: string, i: number, fold: boolean): number {
  const from = i > 0 && isHighSurrogate(a.charCodeAt(i - 1)) ? i - 1 : i;
  const x = utf8Bytes(a.slice(from));
  const y = utf8Bytes(b.slice(from));
  const n = Math.min(x.length, y.length);
  for (let k = 0; k < n; k++) {
    let p = x[k] as number;
    let q = y[k] as number;
    if (fold) {
      if (p >= 65 && p <= 90) p += 32;
      if (q >= 65 && q <= 90) q += 32;
    }
    if (p !== q) return p - q;
  }
  return x.length - y.length;
}

/** strcasecmp on the UTF-8 encodings (ASCII folding to lower case). */
export function caseCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return compareTails(a, b, i, true);
  }
  return a.length - b.length;
}

/** Case-insensitive (ASCII) equality, the fast path of `==` on strings. */
export function caseEquals(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if ((x | 32) !== (y | 32)) return false;
    const lx = x | 32;
    if (lx < 97 || lx > 122) return false;
  }
  return true;
}

// Bytes that are not valid UTF-8 (from octal escapes or from substr() cutting a character) are kept in strings as
// lone surrogates U+DC80..U+DCFF, one per byte (Python's "surrogateescape"), so that they keep their byte length and
// print back as the same bytes.
const ESCAPE_BASE = 0xdc00;

function isEscapedByte(c: number): boolean {
  return c >= 0xdc80 && c <= 0xdcff;
}

/** True when every code unit is 7-bit ASCII (then byte and char indexes agree). */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Length of the UTF-8 encoding (HTCondor's strlen). */
export function utf8Length(s: string): number {
  if (isAscii(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) {
      n += 4;
      i++;
    } else if (isEscapedByte(c)) n += 1;
    else n += 3;
  }
  return n;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** UTF-8 bytes of a string (escaped bytes become themselves, other lone surrogates U+FFFD). */
export function utf8Bytes(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (isHighSurrogate(c) && isLowSurrogate(s.charCodeAt(i + 1))) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
      i++;
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 0x3f);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (isEscapedByte(c)) out[n++] = c - ESCAPE_BASE;
    else {
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else return 0;
  let cp = c & (0x7f >> n);
  for (let k = 1; k < n; k++) {
    const d = b[i + k];
    if (d === undefined || (d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/**
 * Decodes bytes produced by octal escapes or byte slicing: valid UTF-8 becomes the characters it encodes, and each
 * byte of an invalid sequence becomes an escaped byte (see above), so nothing is lost or replaced.
 */
export function decodeBytes(bytes: Uint8Array | number[]): string {
  const arr = bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes);
  try {
    return strictDecoder.decode(arr);
  } catch {
    let out = "";
    let i = 0;
    while (i < arr.length) {
      const n = sequenceLength(arr, i);
      if (n === 0) {
        out += String.fromCharCode(ESCAPE_BASE + (arr[i] as number));
        i++;
      } else {
        out += strictDecoder.decode(arr.subarray(i, i + n));
        i += n;
      }
    }
    return out;
  }
}

/** C isspace in the C locale. */
export function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** C isdigit. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** C isalpha (ASCII). */
export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const internPool = new Map<string, string>();
const INTERN_MAX_LENGTH = 64;
const INTERN_POOL_LIMIT = 50000;

/**
 * Returns one shared copy of a short string, internalised by V8 (property keys are), so equality tests against the
 * same text (other ads' values, literals in generated code) are pointer compares. Long strings are returned as is.
 */
export function intern(s: string): string {
  if (s.length > INTERN_MAX_LENGTH) return s;
  const hit = internPool.get(s);
  if (hit !== undefined) return hit;
  const internal = Object.keys({ [s]: 0 })[0] ?? s;
  if (internPool.size >= INTERN_POOL_LIMIT) internPool.clear();
  internPool.set(internal, internal);
  return internal;
}
