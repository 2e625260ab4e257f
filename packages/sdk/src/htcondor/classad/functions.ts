// Built-in functions: HTCondor's ClassAd library (fnCall.cpp) and the HTCondor-only ones (compat_classad.cpp).
// Names are case-insensitive; a wrong number of arguments is ERROR; an unknown function is ERROR. Each builtin
// compiles against its argument closures once; the string-list functions remember their last split list, so
// matchmaking does not re-split the same literal list for every candidate.

import type { Node } from "./ast.js";
import { ClassAd, type Expr } from "./classad.js";
import type { ListMemo } from "./codegen.js";
import { isComplex, toIntegerValue, toRealValue, toStringValue } from "./conversions.js";
import {
  compile,
  compileExpr,
  type EvalContext,
  evalSlot,
  type Fn,
  listItem,
  listItems,
  resolveFrom,
} from "./evaluator.js";
import { ratioToDouble } from "./numbers.js";
import { arith, coercePair, compare, sign } from "./operators.js";
import { parseExpressionText } from "./parser.js";
import { condorAttributeOrder, NEW_CONDOR, printNode } from "./printer.js";
import { compileRegex, parseRegexOptions, type RegexOptions } from "./regex.js";
import { splitPlain, tokenize } from "./stringlist.js";
import {
  asciiLower,
  asciiUpper,
  byteCompare,
  caseCompare,
  caseEquals,
  decodeBytes,
  isAscii,
  isCSpace,
  isDigit,
  utf8Bytes,
  utf8Length,
} from "./text.js";
import { dayNumbers, gmtime, strftime, type Tm } from "./time.js";
import { homeDirectoryOf } from "./users.js";
import {
  AbsTimeValue,
  booleanEquiv,
  doubleToInt32,
  doubleToInt64,
  ERROR,
  intFromBig,
  isNumberLike,
  ListValue,
  RealValue,
  RelTimeValue,
  toInt32,
  type Val,
} from "./value.js";

interface CallSite {
  /** The name as written (a few HTCondor functions look at its exact spelling). */
  readonly name: string;
  readonly lname: string;
  readonly args: readonly Fn[];
  readonly nodes: readonly Node[];
}

type Builtin = (site: CallSite) => Fn;

const errorFn: Fn = () => ERROR;

const table = new Map<string, Builtin>();

function define(names: string | string[], b: Builtin): void {
  for (const n of Array.isArray(names) ? names : [names]) table.set(n.toLowerCase(), b);
}

/** A builtin taking exactly `n` arguments. */
function fixed(n: number, b: Builtin): Builtin {
  return (site) => (site.args.length === n ? b(site) : errorFn);
}

/** Compiles a call; unknown functions evaluate to ERROR without evaluating their arguments. */
export function compileCall(name: string, nodes: readonly Node[]): Fn {
  const lname = name.toLowerCase();
  const b = table.get(lname);
  if (!b) return errorFn;
  return b({ name, lname, args: nodes.map(compile), nodes });
}

const isInt = (v: Val): v is number | bigint => typeof v === "number" || typeof v === "bigint";

// ---------------------------------------------------------------------------------------------------------------
// Type predicates

const predicates: Record<string, (v: Val) => boolean> = {
  isundefined: (v) => v === undefined,
  iserror: (v) => v === ERROR,
  isstring: (v) => typeof v === "string",
  isinteger: isInt,
  isreal: (v) => v instanceof RealValue,
  islist: (v) => v instanceof ListValue,
  isclassad: (v) => v instanceof ClassAd,
  isboolean: (v) => typeof v === "boolean",
  isabstime: (v) => v instanceof AbsTimeValue,
  isreltime: (v) => v instanceof RelTimeValue,
};
for (const [name, test] of Object.entries(predicates)) {
  define(
    name,
    fixed(1, ({ args: [a] }) => {
      const f = a as Fn;
      return (ctx) => test(f(ctx));
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Lists

define(["member", "identicalmember"], fixed(2, ({ lname, args: [xf, lf] }) => {
  const useIs = lname === "identicalmember";
  const op = useIs ? "=?=" : "==";
  return (ctx) => {
    const x = (xf as Fn)(ctx);
    const list = (lf as Fn)(ctx);
    if (list === undefined || (!useIs && x === undefined)) return undefined;
    if (!(list instanceof ListValue) || isComplex(x)) return ERROR;
    if (!useIs && x === ERROR) return ERROR;
    for (let i = 0; i < list.length; i++) {
      if (compare(op, listItem(ctx, list, i), x) === true) return true;
    }
    return false;
  };
}));

define(
  "size",
  fixed(1, ({ args: [f] }) => (ctx) => {
    const v = (f as Fn)(ctx);
    if (v === undefined) return undefined;
    if (v instanceof ListValue) return v.length;
    if (v instanceof ClassAd) return v.size;
    if (typeof v === "string") return utf8Length(v);
    return ERROR;
  }),
);

/** Evaluates a list argument: UNDEFINED passes, non-lists are ERROR. */
function listArg(v: Val): ListValue | undefined | typeof ERROR {
  if (v === undefined || v instanceof ListValue) return v;
  return ERROR;
}

define(["sum", "avg"], fixed(1, ({ lname, args: [f] }) => {
  const avg = lname === "avg";
  return (ctx) => {
    const list = listArg((f as Fn)(ctx));
    if (!(list instanceof ListValue)) return list;
    let result: Val = 0;
    let first = true;
    let len = 0;
    for (let i = 0; i < list.length; i++) {
      const e = listItem(ctx, list, i);
      if (e === undefined) continue;
      if (!isNumberLike(e)) return ERROR;
      len++;
      if (first) {
        result = e;
        first = false;
      } else result = arith("+", result, e);
    }
    if (!avg) return result;
    // HTCondor: avg of nothing keeps the running sum (integer 0).
    return len > 0 ? arith("/", result, new RealValue(len)) : result;
  };
}));

define(["min", "max"], fixed(1, ({ lname, args: [f] }) => {
  const op = lname === "min" ? "<" : ">";
  return (ctx) => {
    const list = listArg((f as Fn)(ctx));
    if (!(list instanceof ListValue)) return list;
    let result: Val;
    let first = true;
    for (let i = 0; i < list.length; i++) {
      const e = listItem(ctx, list, i);
      if (e === undefined) continue;
      if (!isNumberLike(e)) return ERROR;
      if (first) {
        result = e;
        first = false;
        continue;
      }
      // HTCondor compares in place, so the running bound takes the promoted type of the pair.
      const [x, r] = coercePair(e, result);
      result = compare(op, x, r) === true ? x : r;
    }
    return result;
  };
}));

const LIST_COMPARE_OPS: Record<string, "<" | "<=" | "!=" | "==" | ">" | ">=" | "=?=" | "=!="> = {
  "<": "<",
  "<=": "<=",
  "!=": "!=",
  "==": "==",
  ">": ">",
  ">=": ">=",
  is: "=?=",
  isnt: "=!=",
};

define(["anycompare", "allcompare"], fixed(3, ({ lname, args: [opf, lf, vf] }) => {
  const all = lname === "allcompare";
  return (ctx) => {
    const opv = (opf as Fn)(ctx);
    if (opv === undefined) return undefined;
    if (typeof opv !== "string") return ERROR;
    const op = Object.hasOwn(LIST_COMPARE_OPS, opv) ? LIST_COMPARE_OPS[opv] : undefined;
    if (!op) return ERROR;
    const list = listArg((lf as Fn)(ctx));
    if (!(list instanceof ListValue)) return list;
    const v = (vf as Fn)(ctx);
    for (let i = 0; i < list.length; i++) {
      const r = compare(op, listItem(ctx, list, i), v);
      if (typeof r !== "boolean") return r === undefined ? false : ERROR;
      if (r && !all) return true;
      if (!r && all) return false;
    }
    return all;
  };
}));

// ---------------------------------------------------------------------------------------------------------------
// Time

const nowSecs = (): number => Math.floor(Date.now() / 1000);

define("time", (site) => (site.args.length > 0 ? errorFn : () => nowSecs()));
define("currenttime", (site) => (site.args.length > 0 ? errorFn : () => new AbsTimeValue(nowSecs(), 0)));
define("timezoneoffset", (site) => (site.args.length > 0 ? errorFn : () => new RelTimeValue(0)));
define("daytime", (site) =>
  site.args.length > 0
    ? errorFn
    : () => {
        const tm = gmtime(nowSecs());
        return new RelTimeValue(tm.hours * 3600 + tm.minutes * 60 + tm.seconds);
      },
);

define([
  "getyear",
  "getmonth",
  "getdayofyear",
  "getdayofmonth",
  "getdayofweek",
  "getdays",
  "gethours",
  "getminutes",
  "getseconds",
], fixed(1, ({ lname, args: [f] }) => (ctx) => {
  const v = (f as Fn)(ctx);
  if (v instanceof AbsTimeValue) {
    const tm = gmtime(v.secs);
    switch (lname) {
      case "getyear":
        return tm.year;
      case "getmonth":
        return tm.month;
      case "getdayofyear":
        return tm.yday;
      case "getdayofmonth":
        return tm.day;
      case "getdayofweek":
        return tm.wday;
      case "gethours":
        return tm.hours;
      case "getminutes":
        return tm.minutes;
      case "getseconds":
        return tm.seconds;
      default:
        return ERROR;
    }
  }
  if (v instanceof RelTimeValue) {
    const secs = Math.trunc(v.secs);
    switch (lname) {
      case "getdays":
        return Math.trunc(secs / 86400);
      case "gethours":
        return Math.trunc((secs % 86400) / 3600);
      case "getminutes":
        return Math.trunc((secs % 3600) / 60);
      case "getseconds":
        return secs % 60;
      default:
        return ERROR;
    }
  }
  return ERROR;
}));

function splitAbsTime(v: AbsTimeValue): ClassAd {
  const tm = gmtime(v.secs + v.offset);
  return new ClassAd([
    ["Type", "AbsoluteTime"],
    ["Year", tm.year],
    ["Month", tm.month],
    ["Day", tm.day],
    ["Hours", tm.hours],
    ["Minutes", tm.minutes],
    ["Seconds", tm.seconds],
    ["Offset", v.offset],
  ]);
}

function splitRelTime(rsecsIn: number): ClassAd {
  let rsecs = rsecsIn;
  const negative = rsecs < 0;
  if (negative) rsecs = -rsecs;
  let days = Math.trunc(rsecs) | 0;
  let hrs = days % 86400;
  let mins = hrs % 3600;
  let secs = (mins % 60) + (rsecs - Math.floor(rsecs));
  days = Math.trunc(days / 86400);
  hrs = Math.trunc(hrs / 3600);
  mins = Math.trunc(mins / 60);
  if (negative) {
    if (days > 0) days = -days;
    else if (hrs > 0) hrs = -hrs;
    else if (mins > 0) mins = -mins;
    else secs = -secs;
  }
  return new ClassAd([
    ["Type", "RelativeTime"],
    ["Days", days],
    ["Hours", hrs],
    ["Minutes", mins],
    ["Seconds", new RealValue(secs).v],
  ]);
}

/** doSplitTime: numbers are absolute times in UTC; an ad is taken as already split. */
function doSplitTime(v: Val): ClassAd | undefined {
  // HTCondor 23.9 reads the time into an int here.
  if (typeof v === "number" || typeof v === "bigint") return splitAbsTime(new AbsTimeValue(toInt32(v), 0));
  if (v instanceof RealValue) return splitAbsTime(new AbsTimeValue(doubleToInt32(v.v), 0));
  if (v instanceof AbsTimeValue) return splitAbsTime(v);
  if (v instanceof RelTimeValue) return splitRelTime(v.secs);
  if (v instanceof ClassAd) return v.copy();
  return undefined;
}

define(
  "splittime",
  fixed(1, ({ args: [f] }) => (ctx) => {
    const v = (f as Fn)(ctx);
    if (v === undefined) return undefined;
    if (v instanceof ClassAd) return ERROR;
    return doSplitTime(v) ?? ERROR;
  }),
);

function intAttr(ctx: EvalContext, ad: ClassAd, name: string): number | undefined {
  const v = ad.slotOf(name) >= 0 ? evalSlot(ctx, ad, ad.slotOf(name)) : undefined;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof RealValue) return Math.trunc(v.v);
  return undefined;
}

define("formattime", (site) => {
  const { args } = site;
  if (args.length === 0) {
    return () => {
      const now = nowSecs();
      return strftime("%c", gmtime(now), now);
    };
  }
  if (args.length > 2) return errorFn;
  return (ctx) => {
    const t = (args[0] as Fn)(ctx);
    if (t instanceof RelTimeValue) return ERROR;
    const split = doSplitTime(t);
    if (!split) return ERROR;
    const year = intAttr(ctx, split, "year");
    const month = intAttr(ctx, split, "month");
    const tm: Tm = {
      seconds: intAttr(ctx, split, "seconds") ?? 0,
      minutes: intAttr(ctx, split, "minutes") ?? 0,
      hours: intAttr(ctx, split, "hours") ?? 0,
      day: intAttr(ctx, split, "day") ?? 0,
      month: month ?? 1,
      year: year ?? 1900,
      wday: 0,
      yday: 0,
    };
    const dn = dayNumbers(tm.year, tm.month, tm.day);
    tm.wday = dn.wday;
    tm.yday = dn.yday;
    const epoch = Math.floor(
      Date.UTC(tm.year, tm.month - 1, tm.day, tm.hours, tm.minutes, tm.seconds) / 1000,
    );
    let format = "%c";
    if (args.length === 2) {
      const f = (args[1] as Fn)(ctx);
      if (typeof f !== "string") return ERROR;
      format = f;
    }
    const out = strftime(format, tm, epoch);
    return out.length > 1022 ? "" : out;
  };
});

define(
  "interval",
  fixed(1, ({ args: [f] }) => (ctx) => {
    const iv = toIntegerValue((f as Fn)(ctx));
    if (!isInt(iv)) return ERROR;
    let total = toInt32(iv);
    const days = Math.trunc(total / 86400);
    total %= 86400;
    const hours = Math.trunc(total / 3600);
    total %= 3600;
    const min = Math.trunc(total / 60);
    const secs = total % 60;
    const p2 = (n: number): string => String(Math.abs(n)).padStart(2, "0");
    if (days !== 0) return `${days}+${p2(hours)}:${p2(min)}:${p2(secs)}`;
    if (hours !== 0) return `${hours}:${p2(min)}:${p2(secs)}`;
    if (min !== 0) return `${min}:${p2(secs)}`;
    return String(secs);
  }),
);

define(["abstime", "reltime"], (site) => {
  const { args, lname } = site;
  const relative = lname === "reltime";
  if (args.length === 0 && !relative) return () => new AbsTimeValue(nowSecs(), 0);
  if (args.length < 1 || args.length > 2) return errorFn;
  return (ctx) => {
    const v = (args[0] as Fn)(ctx);
    let offset = 0;
    if (args.length === 2) {
      if (relative) return ERROR;
      const o = (args[1] as Fn)(ctx);
      if (isInt(o)) offset = toInt32(o);
      else if (o instanceof RealValue) offset = doubleToInt32(o.v);
      else if (o instanceof RelTimeValue) offset = Math.trunc(o.secs);
      else return ERROR;
    }
    if (v === undefined) return undefined;
    if (isInt(v)) return relative ? new RelTimeValue(toInt32(v)) : new AbsTimeValue(toInt32(v), offset);
    if (v instanceof RealValue)
      return relative ? new RelTimeValue(v.v) : new AbsTimeValue(doubleToInt32(v.v), offset);
    if (v instanceof AbsTimeValue) return relative ? new RelTimeValue(v.secs) : v;
    if (v instanceof RelTimeValue) return relative ? v : new AbsTimeValue(Math.trunc(v.secs), offset);
    return ERROR;
  };
});

// ---------------------------------------------------------------------------------------------------------------
// Strings

define(["strcat", "join"], (site) => {
  const { lname, args } = site;
  const isJoin = lname === "join";
  return (ctx) => {
    let values: Val[] | undefined;
    if (isJoin && args.length > 0 && args.length <= 2) {
      const last = (args[args.length - 1] as Fn)(ctx);
      if (last instanceof ListValue) {
        const sep = args.length > 1 ? (args[0] as Fn)(ctx) : "";
        values = [sep, ...listItems(ctx, last)];
      }
    }
    values ??= args.map((f) => f(ctx));
    let buf = "";
    let sep = "";
    let undef = false;
    let def = false;
    for (let i = 0; i < values.length; i++) {
      const s = toStringValue(values[i]);
      if (s === undefined) {
        undef = true;
        if (isJoin) continue;
        def = false;
        break;
      }
      if (typeof s !== "string") return ERROR;
      if (isJoin) {
        if (i === 0) {
          sep = s;
          continue;
        }
        if (buf !== "") buf += sep;
      }
      def = true;
      buf += s;
    }
    if (undef && !def) return undefined;
    return buf;
  };
});

define(["toupper", "tolower"], fixed(1, ({ lname, args: [f] }) => {
  const lower = lname === "tolower";
  return (ctx) => {
    const s = toStringValue((f as Fn)(ctx));
    if (typeof s !== "string") return s;
    return lower ? asciiLower(s) : asciiUpper(s);
  };
}));

define("substr", (site) => {
  const { args } = site;
  if (args.length < 2 || args.length > 3) return errorFn;
  return (ctx) => {
    const s = (args[0] as Fn)(ctx);
    const o = (args[1] as Fn)(ctx);
    const l = args.length > 2 ? (args[2] as Fn)(ctx) : 0;
    if (s === undefined || o === undefined || l === undefined) return undefined;
    if (typeof s !== "string" || !isInt(o) || !isInt(l)) return ERROR;
    const bytes = isAscii(s) ? undefined : utf8Bytes(s);
    const alen = bytes ? bytes.length : s.length;
    let offset = toInt32(o);
    let len = toInt32(l);
    if (offset < 0) {
      offset = alen + offset;
      if (offset < 0) offset = 0;
    } else if (offset >= alen) offset = alen;
    if (len <= 0) {
      len = alen - offset + len;
      if (len < 0) len = 0;
    } else if (len > alen - offset) len = alen - offset;
    if (args.length === 3 && toInt32(l) === 0) len = 0;
    if (!bytes) return s.slice(offset, offset + len);
    return decodeBytes(bytes.subarray(offset, offset + len));
  };
});

define(["strcmp", "stricmp"], fixed(2, ({ lname, args: [af, bf] }) => {
  const cmp = lname === "strcmp" ? byteCompare : caseCompare;
  return (ctx) => {
    const a = (af as Fn)(ctx);
    const b = (bf as Fn)(ctx);
    if (a === undefined || b === undefined) return undefined;
    const sa = toStringValue(a);
    const sb = toStringValue(b);
    if (typeof sa !== "string" || typeof sb !== "string") return ERROR;
    return sign(cmp(sa, sb));
  };
}));

/** natural_cmp.cpp: strverscmp-like comparison (numbers compare by value, leading zeros sort first). */
export function naturalCompare(a: string, b: string): number {
  const x = utf8Bytes(a);
  const y = utf8Bytes(b);
  const at = (arr: Uint8Array, i: number): number => (i < arr.length ? (arr[i] as number) : 0);
  const dig = (c: number): boolean => c >= 48 && c <= 57;
  let i = 0;
  while (at(x, i) !== 0 && at(x, i) === at(y, i)) i++;
  if (at(x, i) === at(y, i)) return 0;
  let nb = i;
  while (nb > 0 && dig(at(x, nb - 1))) nb--;
  if (nb === i && (!dig(at(x, i)) || !dig(at(y, i)))) return at(x, i) - at(y, i);
  let z1 = nb;
  while (at(x, z1) === 48) z1++;
  let z2 = nb;
  while (at(y, z2) === 48) z2++;
  if (z1 > nb && !dig(at(x, z1))) z1--;
  if (z2 > nb && !dig(at(y, z2))) z2--;
  if (z1 - nb !== z2 - nb) return z2 - nb - (z1 - nb);
  if (z1 > nb) return at(x, i) - at(y, i);
  let e1 = z1;
  while (dig(at(x, e1))) e1++;
  let e2 = z2;
  while (dig(at(y, e2))) e2++;
  if (e1 - nb !== e2 - nb) return e1 - nb - (e2 - nb);
  return at(x, i) - at(y, i);
}

const VERSION_TESTS: Record<string, (r: number) => boolean> = {
  versionLE: (r) => r <= 0,
  versionLT: (r) => r < 0,
  versionGE: (r) => r >= 0,
  versionGT: (r) => r > 0,
  versionEQ: (r) => r === 0,
};

define(["versioncmp", "versionle", "versionlt", "versionge", "versiongt", "versioneq"], fixed(
  2,
  ({ name, lname, args: [af, bf] }) =>
    (ctx) => {
      const a = (af as Fn)(ctx);
      const b = (bf as Fn)(ctx);
      if (a === undefined || b === undefined) return undefined;
      const sa = toStringValue(a);
      const sb = toStringValue(b);
      if (typeof sa !== "string" || typeof sb !== "string") return ERROR;
      const r = naturalCompare(sa, sb);
      if (lname === "versioncmp") return r;
      // HTCondor 23.9 compares these names case-sensitively, so only the documented spelling works.
      const test = Object.hasOwn(VERSION_TESTS, name) ? VERSION_TESTS[name] : undefined;
      return test ? test(r) : ERROR;
    },
));

define(
  "version_in_range",
  fixed(3, ({ args: [tf, minf, maxf] }) => (ctx) => {
    const t = (tf as Fn)(ctx);
    const lo = (minf as Fn)(ctx);
    const hi = (maxf as Fn)(ctx);
    if (lo === undefined || hi === undefined) return undefined;
    const st = toStringValue(t);
    const sl = toStringValue(lo);
    const sh = toStringValue(hi);
    if (typeof st !== "string" || typeof sl !== "string" || typeof sh !== "string") return ERROR;
    return naturalCompare(sl, st) <= 0 && naturalCompare(st, sh) <= 0;
  }),
);

// ---------------------------------------------------------------------------------------------------------------
// Regular expressions

/**
 * regexp_helper of fnCall.cpp: match, or substitute `\N` group references (whole target with f, all matches with g).
 * The global loop follows HTCondor's exactly: after an empty match it retries at the same place for a non-empty
 * anchored match, else copies one character to the output (even without f) and moves on; an empty match at the very
 * end therefore steps past the end of the target, which PCRE reports as a bad offset, and the result is ERROR.
 */
function regexpHelper(pattern: string, target: string, replace: string | undefined, opts: string): Val {
  const options: RegexOptions = parseRegexOptions(opts);
  const re = compileRegex(pattern, options, replace !== undefined ? "g" : "");
  if (!re) return ERROR;
  if (replace === undefined) return re.test(target);
  const full = opts.includes("f");
  const all = opts.includes("g");
  let output = "";
  let idx = 0;
  let afterEmpty = false;
  for (;;) {
    let m: RegExpExecArray | null;
    if (afterEmpty) {
      // PCRE_NOTEMPTY_ATSTART | PCRE_ANCHORED, approximated by a sticky match that must not be empty.
      const sticky = compileRegex(pattern, options, "y") as RegExp;
      sticky.lastIndex = idx;
      m = sticky.exec(target);
      if (m && m[0].length === 0) m = null;
      if (!m) {
        if (idx >= target.length) return ERROR;
        output += target[idx];
        idx++;
        afterEmpty = false;
        continue;
      }
    } else {
      re.lastIndex = idx;
      m = re.exec(target);
      if (!m) break;
    }
    let groups = m.length;
    while (groups > 1 && m[groups - 1] === undefined) groups--;
    if (full) output += target.slice(idx, m.index);
    for (let i = 0; i < replace.length; i++) {
      const c = replace[i];
      if (c === "\\") {
        const d = replace.charCodeAt(i + 1);
        if (isDigit(d)) {
          const n = d - 48;
          i++;
          if (n >= groups) return ERROR;
          output += m[n] ?? "";
        } else output += "\\";
      } else output += c;
    }
    idx = m.index + m[0].length;
    afterEmpty = m[0].length === 0;
    if (!all) break;
  }
  if (full) output += target.slice(idx);
  return output;
}

define(["regexp"], (site) => {
  const { args } = site;
  if (args.length !== 2 && args.length !== 3) return errorFn;
  return (ctx) => {
    const p = (args[0] as Fn)(ctx);
    const t = (args[1] as Fn)(ctx);
    const o = args.length === 3 ? (args[2] as Fn)(ctx) : "";
    if (p === ERROR || t === ERROR || o === ERROR) return ERROR;
    if (p === undefined || t === undefined || o === undefined) return undefined;
    if (typeof o !== "string" || typeof p !== "string" || typeof t !== "string") return ERROR;
    return regexpHelper(p, t, undefined, o);
  };
});

define(["regexps", "replace", "replaceall"], (site) => {
  const { args, lname } = site;
  if (args.length !== 3 && args.length !== 4) return errorFn;
  return (ctx) => {
    const p = (args[0] as Fn)(ctx);
    const t = (args[1] as Fn)(ctx);
    const r = (args[2] as Fn)(ctx);
    const o = args.length === 4 ? (args[3] as Fn)(ctx) : "";
    if (p === ERROR || t === ERROR || r === ERROR || o === ERROR) return ERROR;
    if (p === undefined || t === undefined || r === undefined || o === undefined) return undefined;
    if (typeof o !== "string") return ERROR;
    let opts = o;
    if (lname === "replace") opts += "f";
    else if (lname === "replaceall") opts += "fg";
    if (typeof p !== "string" || typeof t !== "string" || typeof r !== "string") return ERROR;
    return regexpHelper(p, t, r, opts);
  };
});

define("regexpmember", (site) => {
  const { args } = site;
  if (args.length !== 2 && args.length !== 3) return errorFn;
  return (ctx) => {
    const p = (args[0] as Fn)(ctx);
    const l = (args[1] as Fn)(ctx);
    const o = args.length === 3 ? (args[2] as Fn)(ctx) : "";
    if (p === ERROR || l === ERROR || o === ERROR) return ERROR;
    if (p === undefined || l === undefined || o === undefined) return undefined;
    if (typeof o !== "string" || typeof p !== "string" || !(l instanceof ListValue)) return ERROR;
    let maybeUndefined = false;
    for (let i = 0; i < l.length; i++) {
      const e = listItem(ctx, l, i);
      if (typeof e !== "string") {
        if (e === undefined) maybeUndefined = true;
        else return ERROR;
        continue;
      }
      // An invalid pattern simply never matches (HTCondor ignores the per-element failure).
      if (regexpHelper(p, e, undefined, o) === true) return true;
    }
    return maybeUndefined ? undefined : false;
  };
});

// ---------------------------------------------------------------------------------------------------------------
// Conversions and math

// int(x), real(x), string(x): one argument, converted.
for (const [name, convert] of [
  ["int", toIntegerValue],
  ["real", toRealValue],
  ["string", toStringValue],
] as const) {
  define(
    name,
    fixed(
      1,
      ({ args: [f] }) =>
        (ctx) =>
          convert((f as Fn)(ctx)),
    ),
  );
}
define(
  "bool",
  fixed(1, ({ args: [f] }) => (ctx) => {
    const v = (f as Fn)(ctx);
    if (v === undefined) return undefined;
    if (typeof v === "boolean") return v;
    if (isInt(v)) return v !== 0 && v !== 0n;
    if (v instanceof RealValue) return v.v !== 0;
    if (typeof v === "string") {
      const l = asciiLower(v);
      return l === "false" ? false : l === "true" ? true : undefined;
    }
    if (v instanceof RelTimeValue) return Math.trunc(v.secs) !== 0;
    return ERROR;
  }),
);

/** C rint: round half to even. */
function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

define(["floor", "ceil", "ceiling", "round"], fixed(1, ({ lname, args: [f] }) => {
  const op = lname === "floor" ? Math.floor : lname === "round" ? rint : Math.ceil;
  return (ctx) => {
    const v = (f as Fn)(ctx);
    if (isInt(v)) return v;
    const r = toRealValue(v);
    if (!(r instanceof RealValue)) return ERROR;
    return doubleToInt64(op(r.v));
  };
}));

/** C pow, which differs from Math.pow for a base of 1 and for -1 with an infinite exponent. */
function cpow(b: number, e: number): number {
  if (b === 1 || e === 0) return 1;
  if (b === -1 && !Number.isFinite(e) && !Number.isNaN(e)) return 1;
  if (Number.isInteger(e) && Number.isFinite(b) && b !== 0) {
    const exact = integerPow(b, e);
    if (exact !== undefined) return exact;
  }
  return b ** e;
}

/**
 * b^e for an integral exponent, correctly rounded like glibc's pow (V8's `**` can be an ulp off, which shows in
 * integer results such as pow(5, 26)). Undefined when the exact power would be too large to compute quickly.
 */
function integerPow(b: number, e: number): number | undefined {
  // b = m * 2^k with m an odd integer.
  let k = 0;
  let m = Math.abs(b);
  while (!Number.isInteger(m)) {
    m *= 2;
    k--;
  }
  let big = BigInt(m);
  while ((big & 1n) === 0n) {
    big >>= 1n;
    k++;
  }
  const magnitude = Math.abs(e);
  if (magnitude * big.toString(2).length > 200_000) return undefined;
  const power = big ** BigInt(magnitude);
  const v = e > 0 ? ratioToDouble(power, 1n, k * e) : ratioToDouble(1n, power, k * e);
  return b < 0 && magnitude % 2 === 1 ? -v : v;
}

define(
  "pow",
  fixed(2, ({ args: [bf, ef] }) => (ctx) => {
    const b = (bf as Fn)(ctx);
    const e = (ef as Fn)(ctx);
    if (isInt(b) && isInt(e) && e >= 0) {
      // HTCondor computes (long long)(pow(b, e) + 0.5).
      return doubleToInt64(cpow(Number(b), Number(e)) + 0.5);
    }
    const rb = toRealValue(b);
    const re = toRealValue(e);
    if (!(rb instanceof RealValue) || !(re instanceof RealValue)) return ERROR;
    return new RealValue(cpow(rb.v, re.v));
  }),
);

define(
  "quantize",
  fixed(2, ({ args: [af, bf] }) => (ctx) => {
    const a = (af as Fn)(ctx);
    let b = (bf as Fn)(ctx);
    const ra = toRealValue(a);
    if (!(ra instanceof RealValue)) return ERROR;
    const rval = ra.v;
    let rbase = 0;
    if (b instanceof ListValue) {
      let last: Val = new RealValue(0);
      for (let i = 0; i < b.length; i++) {
        last = listItem(ctx, b, i);
        const r = toRealValue(last);
        if (!(r instanceof RealValue)) return ERROR;
        rbase = r.v;
        if (rbase >= rval) return last;
      }
      b = last;
    } else {
      const r = toRealValue(b);
      if (!(r instanceof RealValue)) return ERROR;
      rbase = r.v;
    }
    if (isInt(b)) {
      if (b === 0) return a;
      if (isInt(a)) {
        const ia = BigInt(a);
        const ib = BigInt(b);
        // HTCondor computes ((a + b - 1) / b) * b in wrapping 64-bit arithmetic.
        const q = BigInt.asIntN(64, BigInt.asIntN(64, ia + ib - 1n) / ib);
        return intFromBig(BigInt.asIntN(64, q * ib));
      }
      const ib = Number(b);
      return new RealValue(Math.ceil(rval / ib) * ib);
    }
    if (rbase >= -1e-8 && rbase <= 1e-8) return a;
    return new RealValue(Math.ceil(rval / rbase) * rbase);
  }),
);

define("random", (site) => {
  const { args } = site;
  if (args.length > 1) return errorFn;
  return (ctx) => {
    const v = args.length === 0 ? new RealValue(1) : (args[0] as Fn)(ctx);
    if (isInt(v)) {
      const max = toInt32(v);
      if (max <= 0) return ERROR;
      return Math.floor(Math.random() * 2147483647) % max;
    }
    if (v instanceof RealValue) {
      if (v.v <= 0) return ERROR;
      return new RealValue(v.v * Math.random());
    }
    return ERROR;
  };
});

// ---------------------------------------------------------------------------------------------------------------
// Control and meta functions

define(
  "ifthenelse",
  fixed(3, ({ args: [cf, tf, ff] }) => (ctx) => {
    const c = (cf as Fn)(ctx);
    if (c === true) return (tf as Fn)(ctx);
    if (c === false) return (ff as Fn)(ctx);
    if (c === undefined) return undefined;
    const b = typeof c === "string" ? undefined : booleanEquiv(c);
    if (b === undefined) return ERROR;
    return b ? (tf as Fn)(ctx) : (ff as Fn)(ctx);
  }),
);

const evalCache = new Map<string, Fn | null>();

define(
  "eval",
  fixed(1, ({ args: [f] }) => (ctx) => {
    const s = toStringValue((f as Fn)(ctx));
    if (typeof s !== "string") return ERROR;
    let fn = evalCache.get(s);
    if (fn === undefined) {
      try {
        fn = compile(parseExpressionText(s, false));
      } catch {
        fn = null;
      }
      if (evalCache.size >= 512) evalCache.clear();
      evalCache.set(s, fn);
    }
    if (fn === null) return ERROR;
    if (ctx.depth >= 1000) return ERROR;
    ctx.depth++;
    const v = fn(ctx);
    ctx.depth--;
    return v;
  }),
);

define(
  "debug",
  fixed(
    1,
    ({ args: [f] }) =>
      (ctx) =>
        (f as Fn)(ctx),
  ),
);

/** The source text of a reference argument (unparse and unresolved take the reference itself, not its value). */
function isRefNode(n: Node | undefined): boolean {
  return n !== undefined && (n.k === "ref" || n.k === "sel");
}

/** PrettyPrint of sink.cpp (used by unparse()): ads and lists spread over indented lines. */
function prettyPrint(node: Node, indent: { n: number }): string {
  if (node.k === "ad") {
    indent.n += 4;
    let out = `\n${" ".repeat(indent.n)}[`;
    indent.n += 4;
    const ad = node.ad;
    const order = condorAttributeOrder(ad);
    for (let k = 0; k < order.length; k++) {
      const i = order[k] as number;
      out += `\n${" ".repeat(indent.n)}${printNode({ k: "ref", name: ad.names[i] as string, abs: false }, NEW_CONDOR)} = `;
      out += prettyPrint((ad.exprs[i] as Expr).node, indent);
      if (k + 1 < order.length) out += "; ";
    }
    indent.n -= 4;
    out += `\n${" ".repeat(indent.n)}]`;
    indent.n -= 4;
    return out;
  }
  if (node.k === "list") {
    indent.n += 3;
    let out = `\n${" ".repeat(indent.n)}{`;
    indent.n += 3;
    node.items.forEach((item, i) => {
      out += `\n${" ".repeat(indent.n)}${prettyPrint(item, indent)}`;
      if (i + 1 < node.items.length) out += ",";
    });
    indent.n -= 3;
    out += `\n${" ".repeat(indent.n)}}`;
    indent.n -= 3;
    return out;
  }
  return printWith(node, (child) => prettyPrint(child, indent));
}

/** printNode with a custom printer for direct children (so pretty printing reaches nested lists and ads). */
function printWith(node: Node, child: (n: Node) => string): string {
  const opts = NEW_CONDOR;
  switch (node.k) {
    case "sel":
      return `${child(node.base)}.${printNode({ k: "ref", name: node.name, abs: false }, opts)}`;
    case "sub":
      return `${child(node.base)}[${child(node.index)}]`;
    case "un": {
      const operand = child(node.e);
      const gap = node.op === "-" && /^[0-9]/.test(operand) ? " " : "";
      return ` ${node.op}${gap}${operand}`;
    }
    case "bin": {
      const op = node.op === "=?=" ? "is" : node.op === "=!=" ? "isnt" : node.op;
      return `${child(node.l)} ${op} ${child(node.r)}`;
    }
    case "cond":
      return `${child(node.c)} ? ${child(node.t)} : ${child(node.f)}`;
    case "elvis":
      return `${child(node.l)} ?: ${child(node.r)}`;
    case "paren":
      return `(${child(node.e)})`;
    case "call":
      return `${node.name}(${node.args.map(child).join(",")})`;
    default:
      return printNode(node, opts);
  }
}

define("unparse", (site) => {
  const node = site.nodes[0];
  if (site.args.length !== 1 || !isRefNode(node)) return errorFn;
  // HTCondor looks the reference's text up as an attribute name of the current ad (so `MY.x` finds nothing).
  const text = printNode(node as Node, NEW_CONDOR);
  const lname = asciiLower(text);
  return (ctx) => {
    const slot = ctx.scope.slotOf(lname);
    if (slot < 0) return "";
    return prettyPrint((ctx.scope.exprs[slot] as Expr).node, { n: 0 });
  };
});

/** AttributeReference::Deref: the expression a reference names and the ad holding it, without evaluating it. */
function deref(ctx: EvalContext, node: Node): { expr: Expr; ad: ClassAd } | undefined {
  let start: ClassAd | undefined;
  let lname: string;
  if (node.k === "ref") {
    lname = asciiLower(node.name);
    start = node.abs ? ctx.root : ctx.scope;
  } else if (node.k === "sel") {
    lname = asciiLower(node.name);
    const base = compile(node.base)(ctx);
    if (!(base instanceof ClassAd)) return undefined;
    start = base;
  } else return undefined;
  for (let ad: ClassAd | undefined = start; ad; ad = ad.parent) {
    const slot = ad.slotOf(lname);
    if (slot >= 0) return { expr: ad.exprs[slot] as Expr, ad };
  }
  if (node.k === "ref" && !node.abs && start && start.parent === undefined) {
    const partner = start === ctx.my ? ctx.target : start === ctx.target ? ctx.my : undefined;
    const slot = partner ? partner.slotOf(lname) : -1;
    if (partner && slot >= 0) return { expr: partner.exprs[slot] as Expr, ad: partner };
  }
  return undefined;
}

let matchRoot: ClassAd | undefined;

/** The ad HTCondor's lookup ends on after failing to find `node` (see evalInEachContext). */
function scopeAfterFailedLookup(ctx: EvalContext, node: Node): ClassAd | undefined {
  if (node.k === "sel") {
    const base = compile(node.base)(ctx);
    return base instanceof ClassAd ? base : undefined;
  }
  if (node.k !== "ref" || node.abs) return undefined;
  // In a match the search ends on the match ad itself, where MY/TARGET names mean nothing: an empty ad.
  if (ctx.target !== undefined) {
    matchRoot ??= new ClassAd();
    return matchRoot;
  }
  let top = ctx.scope;
  while (top.parent) top = top.parent;
  return top;
}

/** ClassAd::_GetExternalReferences with full names: references that do not resolve inside the ad. */
function externalRefs(ctx: EvalContext, node: Node, refs: Map<string, string>, active: Set<Expr>): boolean {
  const add = (name: string): void => {
    const key = asciiLower(name);
    if (!refs.has(key)) refs.set(key, name);
  };
  const intoFound = (ad: ClassAd, lname: string, name: string, alternate: boolean): boolean => {
    for (let cur: ClassAd | undefined = ad; cur; cur = cur.parent) {
      const slot = cur.slotOf(lname);
      if (slot >= 0) {
        const expr = cur.exprs[slot] as Expr;
        if (active.has(expr)) return false;
        active.add(expr);
        const saved = ctx.scope;
        ctx.scope = cur;
        const ok = externalRefs(ctx, expr.node, refs, active);
        ctx.scope = saved;
        active.delete(expr);
        return ok;
      }
    }
    const special = resolveFrom(ctx, ad, lname, alternate);
    if (special instanceof ClassAd || special !== undefined) return true;
    add(name);
    return true;
  };
  switch (node.k) {
    case "lit":
      return true;
    case "ref": {
      const start = node.abs ? ctx.root : ctx.scope;
      if (!start) return false;
      return intoFound(start, asciiLower(node.name), node.name, false);
    }
    case "sel": {
      const base = compile(node.base)(ctx);
      if (base === undefined) {
        add(`${printNode(node.base, NEW_CONDOR)}.${node.name}`);
        return true;
      }
      if (!(base instanceof ClassAd)) return false;
      return intoFound(base, asciiLower(node.name), node.name, false);
    }
    case "un":
    case "paren":
      return externalRefs(ctx, node.e, refs, active);
    case "bin":
    case "elvis":
      return externalRefs(ctx, node.l, refs, active) && externalRefs(ctx, node.r, refs, active);
    case "cond":
      return (
        externalRefs(ctx, node.c, refs, active) &&
        externalRefs(ctx, node.t, refs, active) &&
        externalRefs(ctx, node.f, refs, active)
      );
    case "sub":
      return externalRefs(ctx, node.base, refs, active) && externalRefs(ctx, node.index, refs, active);
    case "call":
      return node.args.every((a) => externalRefs(ctx, a, refs, active));
    case "list":
      return node.items.every((a) => externalRefs(ctx, a, refs, active));
    case "ad":
      return node.ad.exprs.every((e) => externalRefs(ctx, e.node, refs, active));
  }
}

define("unresolved", (site) => {
  const { args, nodes } = site;
  if (args.length < 1 || args.length > 2 || !isRefNode(nodes[0])) return errorFn;
  return (ctx) => {
    const found = deref(ctx, nodes[0] as Node);
    if (!found) return undefined;
    let re: RegExp | undefined;
    if (args.length === 2) {
      const p = (args[1] as Fn)(ctx);
      if (typeof p !== "string") return ERROR;
      re = compileRegex(p, { caseless: true, multiline: false, dotall: false, extended: false });
      if (!re) return ERROR;
    }
    const refs = new Map<string, string>();
    const saved = ctx.scope;
    ctx.scope = found.ad;
    const ok = externalRefs(ctx, found.expr.node, refs, new Set([found.expr]));
    ctx.scope = saved;
    const names = ok ? [...refs.values()].sort(caseCompare) : [];
    const stripped = names.map((n) => (asciiLower(n.slice(0, 7)) === "target." ? n.slice(7) : n));
    if (re) {
      const r = re;
      return stripped.some((n) => n !== "" && r.test(n));
    }
    return stripped.join(",");
  };
});

// ---------------------------------------------------------------------------------------------------------------
// HTCondor string lists (compat_classad.cpp)

/** A per-call-site memo of the last list string split, so a constant list is split once. */
function memoTokens(): (list: string, delims: string) => string[] {
  let lastList: string | undefined;
  let lastDelims: string | undefined;
  let lastTokens: string[] = [];
  return (list, delims) => {
    if (list === lastList && delims === lastDelims) return lastTokens;
    lastTokens = tokenize(list, delims);
    lastList = list;
    lastDelims = delims;
    return lastTokens;
  };
}

define("stringlistsize", (site) => {
  const { args } = site;
  if (args.length < 1 || args.length > 2) return errorFn;
  const split = memoTokens();
  return (ctx) => {
    const l = (args[0] as Fn)(ctx);
    const d = args.length === 2 ? (args[1] as Fn)(ctx) : ", ";
    if (typeof l !== "string" || typeof d !== "string") return ERROR;
    return split(l, d).length;
  };
});

/** sscanf("%lf") on an item: the leading number, or undefined when there is none. */
function scanDouble(s: string): number | undefined {
  const r =
    /^\s*[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i.exec(
      s,
    );
  if (!r) return undefined;
  const text = r[0].trim().toLowerCase();
  if (text.includes("inf")) return text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (text.includes("nan")) return Number.NaN;
  if (text.includes("0x")) {
    const neg = text.startsWith("-");
    const body = text.replace(/^[+-]/, "");
    const v = Number.parseInt(body.slice(2).split(/[.p]/)[0] || "0", 16);
    return neg ? -v : v;
  }
  return Number(text);
}

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 1.1754943508222875e-38;

define(["stringlistsum", "stringlistavg", "stringlistmin", "stringlistmax"], (site) => {
  const { args, lname } = site;
  if (args.length < 1 || args.length > 2) return errorFn;
  const split = memoTokens();
  return (ctx) => {
    const l = (args[0] as Fn)(ctx);
    const d = args.length === 2 ? (args[1] as Fn)(ctx) : ", ";
    if (typeof l !== "string" || typeof d !== "string") return ERROR;
    let acc: number;
    let func: (item: number, acc: number) => number;
    let emptyAllowed = false;
    if (lname === "stringlistsum" || lname === "stringlistavg") {
      acc = 0;
      func = (x, a) => x + a;
      emptyAllowed = true;
    } else if (lname === "stringlistmin") {
      acc = FLT_MAX;
      // Not Math.min: C's `x < a ? x : a` keeps the accumulator when x is NaN.
      // biome-ignore lint/complexity/useMathMinMax: NaN must not win, as in HTCondor.
      func = (x, a) => (x < a ? x : a);
    } else {
      // HTCondor starts max at FLT_MIN (the smallest positive float), so all-negative lists give 0.
      acc = FLT_MIN;
      // biome-ignore lint/complexity/useMathMinMax: NaN must not win, as in HTCondor.
      func = (x, a) => (x > a ? x : a);
    }
    const items = split(l, d);
    let isReal = false;
    for (const item of items) {
      const x = scanDouble(item);
      if (x === undefined) return ERROR;
      if (!/^[+\-0-9]*$/.test(item)) isReal = true;
      acc = func(x, acc);
    }
    if (items.length === 0) return emptyAllowed ? new RealValue(0) : undefined;
    if (lname === "stringlistavg") acc /= items.length;
    return isReal ? new RealValue(acc) : doubleToInt64(acc);
  };
});

/** stringListMember on strings: `item` is one of the items of `list` (memo keeps the last split of this site). */
export function stringListContains(
  item: string,
  list: string,
  delims: string,
  memo: ListMemo,
  caseless: boolean,
): boolean {
  if (memo.list !== list || memo.delims !== delims) {
    memo.items = tokenize(list, delims);
    memo.list = list;
    memo.delims = delims;
  }
  const items = memo.items;
  if (caseless) {
    for (let i = 0; i < items.length; i++) if (caseEquals(items[i] as string, item)) return true;
    return false;
  }
  for (let i = 0; i < items.length; i++) if (items[i] === item) return true;
  return false;
}

define(["stringlistmember", "stringlistimember", "stringlistsubsetmatch", "stringlistisubsetmatch"], (
  site,
) => {
  const { args, lname } = site;
  if (args.length < 2 || args.length > 3) return errorFn;
  const caseless = lname.startsWith("stringlisti");
  const member = lname.endsWith("member");
  const split = memoTokens();
  const splitItems = memoTokens();
  return (ctx) => {
    const a0 = (args[0] as Fn)(ctx);
    const a1 = (args[1] as Fn)(ctx);
    const a2 = args.length === 3 ? (args[2] as Fn)(ctx) : undefined;
    if (
      (a0 !== undefined && typeof a0 !== "string") ||
      (a1 !== undefined && typeof a1 !== "string") ||
      (a2 !== undefined && typeof a2 !== "string")
    ) {
      return ERROR;
    }
    if (a0 === undefined && a1 === undefined) return undefined;
    const item = a0 ?? "";
    const delims = a2 ?? ", \t\r\n";
    const tokens = split(a1 ?? "", delims);
    if (member) {
      if (caseless) {
        for (const t of tokens) if (caseEquals(t, item)) return true;
        return false;
      }
      for (const t of tokens) if (t === item) return true;
      return false;
    }
    if (item === "") return true;
    let rc = false;
    for (const wanted of splitItems(item, delims)) {
      rc = caseless ? tokens.some((t) => caseEquals(t, wanted)) : tokens.includes(wanted);
      if (!rc) break;
    }
    return rc;
  };
});

define("stringlistsintersect", (site) => {
  const { args } = site;
  if (args.length !== 2 && args.length !== 3) return errorFn;
  return (ctx) => {
    const a = (args[0] as Fn)(ctx);
    const b = (args[1] as Fn)(ctx);
    const d = args.length === 3 ? (args[2] as Fn)(ctx) : "";
    if (a === ERROR || b === ERROR || d === ERROR) return ERROR;
    if (a === undefined || b === undefined || d === undefined) return undefined;
    if (typeof d !== "string" || typeof a !== "string" || typeof b !== "string") return ERROR;
    const set = new Set(splitPlain(b, d));
    return splitPlain(a, d).some((x) => set.has(x));
  };
});

define("stringlist_regexpmember", (site) => {
  const { args } = site;
  if (args.length < 2 || args.length > 4) return errorFn;
  const split = memoTokens();
  return (ctx) => {
    const p = (args[0] as Fn)(ctx);
    const l = (args[1] as Fn)(ctx);
    const d = args.length >= 3 ? (args[2] as Fn)(ctx) : ", ";
    const o = args.length === 4 ? (args[3] as Fn)(ctx) : "";
    if (typeof p !== "string" || typeof l !== "string" || typeof d !== "string" || typeof o !== "string")
      return ERROR;
    const re = compileRegex(p, parseRegexOptions(o));
    if (!re) return ERROR;
    const items = split(l, d);
    if (items.length === 0) return undefined;
    return items.some((item) => re.test(item));
  };
});

define("split", (site) => {
  const { args } = site;
  if (args.length !== 1 && args.length !== 2) return errorFn;
  return (ctx) => {
    const s = (args[0] as Fn)(ctx);
    const seps = args.length === 2 ? (args[1] as Fn)(ctx) : ", \t";
    if (typeof s !== "string" || typeof seps !== "string") return ERROR;
    const out: string[] = [];
    let last = 0;
    let prev = -1;
    for (let ix = 0; ix < s.length && seps.length > 0; ix++) {
      if (!seps.includes(s[ix] as string)) continue;
      const c = s.charCodeAt(ix);
      if (ix > last) out.push(s.slice(last, ix));
      else if (prev !== -1 && !isCSpace(prev) && prev === c) out.push("");
      if (!isCSpace(c)) prev = c;
      last = ix + 1;
    }
    if (s.length > last) out.push(s.slice(last));
    return ListValue.sharedOf(out);
  };
});

define(["splitusername", "splitslotname"], fixed(1, ({ lname, args: [f] }) => (ctx) => {
  const s = (f as Fn)(ctx);
  if (typeof s !== "string") return ERROR;
  const at = s.indexOf("@");
  if (at < 0) return ListValue.sharedOf(lname === "splitslotname" ? ["", s] : [s, ""]);
  return ListValue.sharedOf([s.slice(0, at), s.slice(at + 1)]);
}));

define(["evalineachcontext", "countmatches"], (site) => {
  const { args, nodes, lname } = site;
  if (args.length !== 2) return errorFn;
  const each = lname === "evalineachcontext";
  const exprNode = nodes[0] as Node;
  const exprFn = args[0] as Fn;
  const listNode = nodes[1] as Node;
  return (ctx) => {
    // A reference argument means "the expression that attribute holds", evaluated in each ad. When the reference
    // does not resolve, HTCondor's lookup has moved its current ad (to the ad searched last) and the list argument is
    // evaluated there; this reproduces it.
    let fn = exprFn;
    let listScope: ClassAd | undefined;
    if (exprNode.k === "ref" || exprNode.k === "sel") {
      const found = deref(ctx, exprNode);
      if (found) fn = found.expr.fn ?? compileExpr(found.expr);
      else listScope = scopeAfterFailedLookup(ctx, exprNode);
    }
    const saved = ctx.scope;
    if (listScope) ctx.scope = listScope;
    const lv = (args[1] as Fn)(ctx);
    ctx.scope = saved;
    let list: ListValue;
    if (lv instanceof ListValue) list = lv;
    else if (listNode.k !== "list" && lv === undefined) return each ? undefined : 0;
    else return ERROR;
    const results: Val[] = [];
    let count = 0;
    for (let i = 0; i < list.length; i++) {
      const item = listItem(ctx, list, i);
      let r: Val;
      if (item instanceof ClassAd) {
        const saved = ctx.scope;
        ctx.scope = item;
        r = fn(ctx);
        ctx.scope = saved;
      } else r = item === undefined ? undefined : ERROR;
      if (each) results.push(r);
      else if (booleanEquiv(r) === true) count++;
    }
    return each ? ListValue.sharedOf(results) : count;
  };
});

// userMap(mapSet, user [, preferred [, default]]) maps `user` through one of HTCondor's map files
// (CLASSAD_USER_MAPFILE_<mapSet>, compat_classad.cpp userMap_func). An SDK process has no HTCondor configuration, so
// no map set is configured, and this is HTCondor's behaviour without configured maps (checked against classad2 23.9.6
// with htcondor2 imported and no CLASSAD_USER_MAP* settings): every mapping fails, so the 2- and 3-argument forms give
// UNDEFINED and the 4-argument form gives its default, whatever its type; a map set or user that is ERROR gives ERROR;
// other non-string arguments count as a failed mapping; fewer than 2 or more than 4 arguments give ERROR.
define("usermap", (site) => {
  const { args } = site;
  if (args.length < 2 || args.length > 4) return errorFn;
  return (ctx) => {
    const values = args.map((f) => f(ctx));
    const [map, user] = values;
    if (map === ERROR || user === ERROR) return ERROR;
    return args.length < 4 ? undefined : values[3];
  };
});

// userHome(user [, default]) is the home directory of `user` in the host's user database (compat_classad.cpp
// userHome_func; CLASSAD_ENABLE_USER_HOME is true by default in HTCondor 23.9). A default counts only when it is a
// non-empty string. Without a default: UNDEFINED for an UNDEFINED user or an unknown one, ERROR for a user that is not
// a string. With one: the default whenever there is no home directory to give. Other argument counts give ERROR.
define("userhome", (site) => {
  const { args } = site;
  if (args.length !== 1 && args.length !== 2) return errorFn;
  return (ctx) => {
    const def = args.length === 2 ? (args[1] as Fn)(ctx) : undefined;
    const fallback = typeof def === "string" && def !== "" ? def : undefined;
    const user = (args[0] as Fn)(ctx);
    if (user === undefined && fallback === undefined) return undefined;
    if (typeof user !== "string") return fallback ?? ERROR;
    return homeDirectoryOf(user) ?? fallback;
  };
});

/** HTCondor's V2 argument quoting (condor_arglist.cpp append_arg). */
function appendArg(arg: string, result: string): string {
  let out = result;
  if (out.length > 0) out += " ";
  if (arg === "") out += "''";
  for (const c of arg) {
    if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "'") {
      if (out.endsWith("'")) out = out.slice(0, -1);
      else out += "'";
      if (c === "'") out += "'";
      out += `${c}'`;
    } else out += c;
  }
  return out;
}

/** condor_arglist.cpp split_args (V2 raw syntax); undefined on an unbalanced quote. */
function splitArgsV2(s: string): string[] | undefined {
  const out: string[] = [];
  let buf = "";
  let token = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === "'") {
      token = true;
      i++;
      for (;;) {
        if (i >= s.length) return undefined;
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            buf += "'";
            i += 2;
            continue;
          }
          break;
        }
        buf += s[i];
        i++;
      }
    } else if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (token) {
        out.push(buf);
        buf = "";
        token = false;
      }
    } else {
      token = true;
      buf += c;
    }
  }
  if (token) out.push(buf);
  return out;
}

function envToV2(env: Map<string, string>): string {
  let out = "";
  for (const name of [...env.keys()].sort(byteCompare)) out = appendArg(`${name}=${env.get(name)}`, out);
  return out;
}

function mergeEnvEntry(env: Map<string, string>, entry: string): boolean {
  const eq = entry.indexOf("=");
  if (eq <= 0) return false;
  env.set(entry.slice(0, eq), entry.slice(eq + 1));
  return true;
}

define("envv1tov2", (site) => {
  const { args } = site;
  if (args.length !== 1) return errorFn;
  return (ctx) => {
    const v = (args[0] as Fn)(ctx);
    if (v === undefined) return undefined;
    if (typeof v !== "string") return ERROR;
    const env = new Map<string, string>();
    let s = v;
    let delim = ";";
    if (s.length > 0) {
      const first = s[0] as string;
      if (first === delim) s = s.slice(1);
      else if ("!#$%&*+,-/:;<>?@^`|~\x1f".includes(first)) {
        delim = first;
        s = s.slice(1);
      }
    }
    for (const raw of s.split(new RegExp(`[\\n${delim.replace(/[\\^\]-]/g, "\\$&")}]`))) {
      const entry = raw.replace(/^[ \t\n\r]+/, "");
      if (entry === "") continue;
      if (!mergeEnvEntry(env, entry)) return ERROR;
    }
    return envToV2(env);
  };
});

define("mergeenvironment", (site) => {
  const { args } = site;
  return (ctx) => {
    const env = new Map<string, string>();
    for (const f of args) {
      const v = f(ctx);
      if (v === undefined) continue;
      if (typeof v !== "string") return ERROR;
      const entries = splitArgsV2(v);
      if (!entries) return ERROR;
      for (const e of entries) if (!mergeEnvEntry(env, e)) return ERROR;
    }
    return envToV2(env);
  };
});

/** The version argument of argsToList/listToArgs (1 or 2, default 2). */
function argsVersion(ctx: EvalContext, args: readonly Fn[]): number | undefined {
  if (args.length < 2) return 2;
  const v = (args[1] as Fn)(ctx);
  if (!isInt(v)) return undefined;
  const n = toInt32(v);
  return n === 1 || n === 2 ? n : undefined;
}

define("argstolist", (site) => {
  const { args } = site;
  if (args.length !== 1 && args.length !== 2) return errorFn;
  return (ctx) => {
    const version = argsVersion(ctx, args);
    if (version === undefined) return ERROR;
    const v = (args[0] as Fn)(ctx);
    if (typeof v !== "string") return ERROR;
    const list = version === 1 ? v.split(/[ \t\n\r]+/).filter((x) => x !== "") : splitArgsV2(v);
    return list ? ListValue.sharedOf(list) : ERROR;
  };
});

define("listtoargs", (site) => {
  const { args } = site;
  if (args.length !== 1 && args.length !== 2) return errorFn;
  return (ctx) => {
    const version = argsVersion(ctx, args);
    if (version === undefined) return ERROR;
    const v = (args[0] as Fn)(ctx);
    if (!(v instanceof ListValue)) return ERROR;
    const items = listItems(ctx, v);
    if (!items.every((x) => typeof x === "string")) return ERROR;
    const strs = items as string[];
    if (version === 1) {
      if (strs.some((x) => /[ \t\n\r]/.test(x))) return ERROR;
      return strs.join(" ");
    }
    return strs.reduce((acc, x) => appendArg(x, acc), "");
  };
});
