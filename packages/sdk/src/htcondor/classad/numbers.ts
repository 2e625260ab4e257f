// Number formatting and parsing with C semantics (printf %E / %G, strtod), as HTCondor prints and reads numbers.

/** Splits JS exponential notation ("1.5e+3") into mantissa and exponent. */
function splitExp(s: string): [string, number] {
  const e = s.indexOf("e");
  return [s.slice(0, e), Number(s.slice(e + 1))];
}

function expSuffix(exp: number): string {
  const sign = exp < 0 ? "-" : "+";
  const abs = Math.abs(exp);
  return `E${sign}${abs < 10 ? "0" : ""}${abs}`;
}

/** printf("%1.<digits>E", v) for finite v. */
export function formatE(v: number, digits: number): string {
  const [m, exp] = splitExp(v.toExponential(digits));
  return m + expSuffix(exp);
}

/** printf("%.<p>G", v) for finite, non-zero v. */
export function formatG(v: number, p: number): string {
  const [mant, exp] = splitExp(v.toExponential(p - 1));
  if (exp < p && exp >= -4) {
    let s = v.toFixed(p - 1 - exp);
    if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
    return s;
  }
  let m = mant;
  if (m.includes(".")) m = m.replace(/0+$/, "").replace(/\.$/, "");
  return m + expSuffix(exp);
}

/** How a real prints: HTCondor's exact format, or that format widened by one digit when it would not reparse exactly. */
export type RealStyle = "condor" | "exact";

/** The special spellings shared by every syntax: zero keeps its sign, NaN and infinities become `real("...")`. */
function specialReal(v: number): string | undefined {
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  if (Number.isNaN(v)) return 'real("NaN")';
  if (v === Number.POSITIVE_INFINITY) return 'real("INF")';
  if (v === Number.NEGATIVE_INFINITY) return 'real("-INF")';
  return undefined;
}

/** A real in new syntax: `%1.15E` (sink.cpp UnparseReal). */
export function formatRealNew(v: number, style: RealStyle): string {
  const special = specialReal(v);
  if (special !== undefined) return special;
  const s = formatE(v, 15);
  if (style === "exact" && Number(s) !== v) return formatE(v, 16);
  return s;
}

/** A real in old syntax and JSON: `%.16G`, with `.0` added when the text would read as an integer. */
export function formatRealOld(v: number, style: RealStyle): string {
  const special = specialReal(v);
  if (special !== undefined) return special;
  let s = formatG(v, 16);
  if (style === "exact" && Number(s) !== v) s = formatG(v, 17);
  if (!/[.Ee]/.test(s)) s += ".0";
  return s;
}

/** Result of a C strtod: the value and how many characters were used (0 when nothing could be read). */
export interface StrtodResult {
  value: number;
  used: number;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?/;
const INF_NAN = /^[+-]?(?:inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?)/i;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** x * 2^n without intermediate overflow or underflow (exact whenever the result is representable). */
function ldexp(x: number, n: number): number {
  let v = x;
  let k = n;
  while (k > 1000) {
    v *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000 && v !== 0) {
    // Stay normal until the last step so that only one rounding (into the subnormals) can happen.
    if (Math.abs(v) < 2 ** -21) break;
    v *= 2 ** -1000;
    k += 1000;
  }
  return k >= -1074 ? v * 2 ** k : v * 2 ** -1074 * 2 ** (k + 1074);
}

/**
 * The double nearest to p / q * 2^exp2 (p >= 0, q > 0), rounded half to even like a correctly rounded C library;
 * subnormal results are rounded once, at their own precision.
 */
export function ratioToDouble(p: bigint, q: bigint, exp2: number): number {
  if (p === 0n) return 0;
  const magnitude = bitLength(p) - bitLength(q) + exp2;
  if (magnitude > 1100) return Number.POSITIVE_INFINITY;
  if (magnitude < -1200) return 0;
  // A quotient of 55 or 56 bits, then rounding to 53 bits (fewer for subnormals) with a sticky remainder.
  const e = magnitude - 55;
  const shift = exp2 - e;
  const num = shift >= 0 ? p << BigInt(shift) : p;
  const den = shift >= 0 ? q : q << BigInt(-shift);
  let n = num / den;
  const sticky = num % den !== 0n;
  const drop = Math.max(bitLength(n) - 53, -1074 - e);
  const unit = 1n << BigInt(drop);
  const rest = n & (unit - 1n);
  const half = unit >> 1n;
  n >>= BigInt(drop);
  if (rest > half || (rest === half && (sticky || (n & 1n) === 1n))) n += 1n;
  return ldexp(Number(n), e + drop);
}

function parseHexFloat(text: string): number {
  let s = text;
  let negative = false;
  if (s[0] === "+" || s[0] === "-") {
    negative = s[0] === "-";
    s = s.slice(1);
  }
  s = s.slice(2);
  let exp = 0;
  const p = s.search(/[pP]/);
  if (p >= 0) {
    exp = Number(s.slice(p + 1));
    s = s.slice(0, p);
  }
  const dot = s.indexOf(".");
  const digits = dot >= 0 ? s.slice(0, dot) + s.slice(dot + 1) : s;
  const fraction = dot >= 0 ? s.length - dot - 1 : 0;
  const mantissa = digits === "" ? 0n : BigInt(`0x${digits}`);
  const scale = Number.isFinite(exp) ? Math.max(-100000, Math.min(100000, exp)) : exp > 0 ? 100000 : -100000;
  const value = ratioToDouble(mantissa, 1n, scale - 4 * fraction);
  return negative ? -value : value;
}

/** C strtod: skips leading white space and reads the longest number prefix (decimal, hex, inf, nan). */
export function strtod(text: string): StrtodResult {
  let i = 0;
  while (i < text.length && /[ \t\n\v\f\r]/.test(text[i] as string)) i++;
  const rest = text.slice(i);
  const hex = HEX.exec(rest);
  if (hex) return { value: parseHexFloat(hex[0]), used: i + hex[0].length };
  const dec = DECIMAL.exec(rest);
  if (dec) return { value: Number(dec[0]), used: i + dec[0].length };
  const special = INF_NAN.exec(rest);
  if (special) {
    const word = special[0].toLowerCase();
    const negative = word.startsWith("-");
    const value = word.includes("inf") ? Number.POSITIVE_INFINITY : Number.NaN;
    return { value: negative ? -value : value, used: i + special[0].length };
  }
  return { value: 0, used: 0 };
}
