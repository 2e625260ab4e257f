// Absolute and relative time values (HTCondor literals.cpp, util.cpp, fnCall.cpp). The engine evaluates as if the
// process time zone were UTC (as HTCondor daemons usually run and as the conformance data assumes): "local time" is
// UTC and the default zone offset is 0.

import { formatG } from "./numbers.js";
import { isCSpace, isDigit } from "./text.js";
import { AbsTimeValue, RelTimeValue } from "./value.js";

/** Broken-down time (struct tm), in the zone of the value. */
export interface Tm {
  year: number;
  month: number; // 1-12
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  wday: number; // 0 = Sunday
  yday: number; // 0-based
}

/** gmtime: the broken-down UTC time of epoch seconds. */
export function gmtime(secs: number): Tm {
  const d = new Date(secs * 1000);
  const year = d.getUTCFullYear();
  const start = Date.UTC(year, 0, 1);
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hours: d.getUTCHours(),
    minutes: d.getUTCMinutes(),
    seconds: d.getUTCSeconds(),
    wday: d.getUTCDay(),
    yday: Math.floor((d.getTime() - start) / 86400000),
  };
}

/** Week day and year day of a calendar date (util.cpp day_numbers). */
export function dayNumbers(year: number, month: number, day: number): { wday: number; yday: number } {
  const t = Date.UTC(year, month - 1, day);
  const d = new Date(t);
  return { wday: d.getUTCDay(), yday: Math.floor((t - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) };
}

function pad(n: number, width: number, fill = "0"): string {
  const neg = n < 0;
  let s = String(Math.abs(n));
  while (s.length < width - (neg ? 1 : 0)) s = fill + s;
  return neg ? `-${s}` : s;
}

/** `2003-01-25T09:00:00-06:00` (util.cpp absTimeToString). */
export function formatAbsTime(v: AbsTimeValue): string {
  const tm = gmtime(v.secs + v.offset);
  let tz = v.offset;
  let sign = "+";
  if (!(tz > 0)) {
    sign = "-";
    tz = -tz;
  }
  return (
    `${pad(tm.year, 4)}-${pad(tm.month, 2)}-${pad(tm.day, 2)}T${pad(tm.hours, 2)}:${pad(tm.minutes, 2)}:` +
    `${pad(tm.seconds, 2)}${sign}${pad(Math.trunc(tz / 3600), 2)}:${pad(Math.trunc(tz / 60) % 60, 2)}`
  );
}

function padG(secs: number): string {
  const s = formatG(secs, 6);
  return s.length < 2 ? `0${s}` : s;
}

/** `[d+]hh:mm:ss` with leading zero parts dropped (util.cpp relTimeToString). */
export function formatRelTime(rsecsIn: number): string {
  let rsecs = rsecsIn;
  let out = "";
  if (rsecs < 0) {
    out = "-";
    rsecs = -rsecs;
  }
  const frac = rsecs - Math.floor(rsecs);
  let days = Math.trunc(rsecs) | 0;
  let hrs = days % 86400;
  let mins = hrs % 3600;
  const secs = (mins % 60) + frac;
  days = Math.trunc(days / 86400);
  hrs = Math.trunc(hrs / 3600);
  mins = Math.trunc(mins / 60);
  const s = frac === 0 ? pad(Math.trunc(secs), 2) : padG(secs);
  if (days) return `${out}${days}+${pad(hrs, 2)}:${pad(mins, 2)}:${s}`;
  if (hrs) return `${out}${pad(hrs, 2)}:${pad(mins, 2)}:${s}`;
  if (mins) return `${out}${pad(mins, 2)}:${s}`;
  return out + s;
}

/** Parses the text of `absTime("...")` (literals.cpp MakeAbsTime); undefined when it is not a time. */
export function parseAbsTime(input: string): AbsTimeValue | undefined {
  let s = input;
  let len = s.length;
  let i = len - 1;
  while (i >= 0 && isCSpace(s.charCodeAt(i))) i--;
  let hasOffset = false;
  let tzhr = 0;
  let tzmin = 0;
  const extract = (): boolean => {
    const l = s.length;
    const off = s.slice(l - 5);
    if ((off[0] === "+" || off[0] === "-") && /^[+-]\d{4}$/.test(off)) {
      s = s.slice(0, l - 5);
      const h = Number(off.slice(1, 3));
      const m = Number(off.slice(3, 5));
      tzhr = off[0] === "+" ? h : -h;
      tzmin = off[0] === "+" ? m : -m;
      return true;
    }
    return false;
  };
  if (i > 0 && (s[i] === "z" || s[i] === "Z")) {
    hasOffset = true;
    s = s.slice(0, i) + s.slice(i + 1);
  } else if (len > 5 && (s[len - 5] === "+" || s[len - 5] === "-")) {
    hasOffset = extract();
  } else if (len > 6 && (s[len - 6] === "+" || s[len - 6] === "-") && s[len - 3] === ":") {
    s = s.slice(0, len - 3) + s.slice(len - 2);
    hasOffset = extract();
  }
  len = s.length;
  i = 0;
  const nextDigit = (): void => {
    while (i < len && !isDigit(s.charCodeAt(i))) i++;
  };
  const take = (n: number): number => {
    const v = Number.parseInt(s.slice(i, i + n), 10);
    i += n;
    return Number.isNaN(v) ? 0 : v;
  };
  nextDigit();
  if (i > len - 4) return undefined;
  const year = take(4);
  // Month defaults to January and day to 0 (mktime normalises it to the last day of the previous month).
  const fields = [1, 0, 0, 0, 0];
  for (let f = 0; f < 5; f++) {
    nextDigit();
    if (i <= len - 2) fields[f] = take(2);
  }
  nextDigit();
  if (i <= len - 1 && isDigit(s.charCodeAt(i))) return undefined;
  const [month, day, hours, minutes, seconds] = fields as [number, number, number, number, number];
  const utc = Date.UTC(year, month - 1, day, hours, minutes, seconds);
  if (Number.isNaN(utc)) return undefined;
  const offset = hasOffset ? tzhr * 3600 + tzmin * 60 : 0;
  return new AbsTimeValue(Math.floor(utc / 1000) - offset, offset);
}

/** Parses the text of `relTime("...")`: `[-][[[days+]hh:]mm:]ss` or `1d 2h 3m 4s` (literals.cpp MakeRelTime). */
export function parseRelTime(s: string): RelTimeValue | undefined {
  let i = s.length - 1;
  const skipSpace = (): void => {
    while (i >= 0 && isCSpace(s.charCodeAt(i))) i--;
  };
  const digitsBack = (): string => {
    let out = "";
    while (i >= 0 && isDigit(s.charCodeAt(i))) out = s[i--] + out;
    return out;
  };
  const toInt = (t: string): number => (t === "" ? 0 : Number.parseInt(t, 10) | 0);
  let secs = 0;
  let mins = 0;
  let hrs = 0;
  let days = 0;
  let negative = false;
  skipSpace();
  if (i >= 0 && (s[i] === "s" || s[i] === "S" || isDigit(s.charCodeAt(i)))) {
    if (s[i] === "s" || s[i] === "S") i--;
    skipSpace();
    let text = digitsBack();
    if (i >= 0 && s[i] === ".") {
      i--;
      text = `${digitsBack()}.${text}`;
    }
    secs = text === "" || text === "." ? 0 : Number(text);
  }
  skipSpace();
  if (i >= 0 && (s[i] === "m" || s[i] === "M" || s[i] === ":")) {
    i--;
    skipSpace();
    mins = toInt(digitsBack());
  }
  skipSpace();
  if (i >= 0 && (s[i] === "h" || s[i] === "H" || s[i] === ":")) {
    i--;
    skipSpace();
    hrs = toInt(digitsBack());
  }
  skipSpace();
  if (i >= 0 && (s[i] === "d" || s[i] === "D" || s[i] === "+")) {
    i--;
    skipSpace();
    days = toInt(digitsBack());
  }
  skipSpace();
  if (i >= 0 && s[i] === "-") {
    negative = true;
    i--;
  }
  skipSpace();
  if (i >= 0) return undefined;
  return new RelTimeValue((negative ? -1 : 1) * (days * 86400 + hrs * 3600 + mins * 60 + secs));
}

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** ISO 8601 week number and week-based year. */
function isoWeek(tm: Tm): { week: number; year: number } {
  const wdayMon = (tm.wday + 6) % 7; // Monday = 0
  const thursdayYday = tm.yday - wdayMon + 3;
  const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (thursdayYday < 0) {
    const prevYear = tm.year - 1;
    const prevDays = isLeap(prevYear) ? 366 : 365;
    return { week: Math.floor((thursdayYday + prevDays) / 7) + 1, year: prevYear };
  }
  const days = isLeap(tm.year) ? 366 : 365;
  if (thursdayYday >= days) return { week: 1, year: tm.year + 1 };
  return { week: Math.floor(thursdayYday / 7) + 1, year: tm.year };
}

/** strftime in the C locale with TZ=UTC. `epoch` is what %s prints. */
export function strftime(format: string, tm: Tm, epoch: number): string {
  let out = "";
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== "%" || i === format.length - 1) {
      out += c;
      continue;
    }
    const f = format[++i] as string;
    const hour12 = tm.hours % 12 === 0 ? 12 : tm.hours % 12;
    switch (f) {
      case "a":
        out += (DAYS[tm.wday] ?? "?").slice(0, 3);
        break;
      case "A":
        out += DAYS[tm.wday] ?? "?";
        break;
      case "b":
      case "h":
        out += (MONTHS[tm.month - 1] ?? "?").slice(0, 3);
        break;
      case "B":
        out += MONTHS[tm.month - 1] ?? "?";
        break;
      case "c":
        out += strftime("%a %b %e %H:%M:%S %Y", tm, epoch);
        break;
      case "C":
        out += pad(Math.floor(tm.year / 100), 2);
        break;
      case "d":
        out += pad(tm.day, 2);
        break;
      case "D":
      case "x":
        out += strftime("%m/%d/%y", tm, epoch);
        break;
      case "e":
        out += pad(tm.day, 2, " ");
        break;
      case "F":
        out += strftime("%Y-%m-%d", tm, epoch);
        break;
      case "g":
        out += pad(((isoWeek(tm).year % 100) + 100) % 100, 2);
        break;
      case "G":
        out += String(isoWeek(tm).year);
        break;
      case "H":
        out += pad(tm.hours, 2);
        break;
      case "I":
        out += pad(hour12, 2);
        break;
      case "j":
        out += pad(tm.yday + 1, 3);
        break;
      case "k":
        out += pad(tm.hours, 2, " ");
        break;
      case "l":
        out += pad(hour12, 2, " ");
        break;
      case "m":
        out += pad(tm.month, 2);
        break;
      case "M":
        out += pad(tm.minutes, 2);
        break;
      case "n":
        out += "\n";
        break;
      case "p":
        out += tm.hours < 12 ? "AM" : "PM";
        break;
      case "P":
        out += tm.hours < 12 ? "am" : "pm";
        break;
      case "r":
        out += strftime("%I:%M:%S %p", tm, epoch);
        break;
      case "R":
        out += strftime("%H:%M", tm, epoch);
        break;
      case "s":
        out += String(epoch);
        break;
      case "S":
        out += pad(tm.seconds, 2);
        break;
      case "t":
        out += "\t";
        break;
      case "T":
      case "X":
        out += strftime("%H:%M:%S", tm, epoch);
        break;
      case "u":
        out += String(tm.wday === 0 ? 7 : tm.wday);
        break;
      case "U":
        out += pad(Math.floor((tm.yday + 7 - tm.wday) / 7), 2);
        break;
      case "V":
        out += pad(isoWeek(tm).week, 2);
        break;
      case "w":
        out += String(tm.wday);
        break;
      case "W":
        out += pad(Math.floor((tm.yday + 7 - ((tm.wday + 6) % 7)) / 7), 2);
        break;
      case "y":
        out += pad(((tm.year % 100) + 100) % 100, 2);
        break;
      case "Y":
        out += String(tm.year);
        break;
      case "z":
        out += "+0000";
        break;
      case "Z":
        out += "UTC";
        break;
      case "%":
        out += "%";
        break;
      default:
        out += `%${f}`;
    }
  }
  return out;
}
