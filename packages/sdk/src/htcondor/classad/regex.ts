// PCRE2 patterns (what HTCondor's regexp functions use) translated to JavaScript RegExp. The common syntax is the same;
// this handles the PCRE-only pieces that matter in practice: POSIX classes ([[:alpha:]]), \A \z \Z, PCRE's `$`
// (end or before a final newline), LF as the only newline for `.`, `^` and `$`, (?P<name>...), \Q...\E, \h, \R, \e,
// leading inline options such as (?i), and the `x` (extended) option. Possessive quantifiers and atomic groups are
// approximated by their ordinary forms.

const POSIX: Record<string, string> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: " \\t\\n\\r\\f\\v",
  blank: " \\t",
  punct: "!-\\/:-@\\[-`{-~",
  xdigit: "0-9A-Fa-f",
  word: "\\w",
  cntrl: "\\x00-\\x1f\\x7f",
  print: "\\x20-\\x7e",
  graph: "\\x21-\\x7e",
};

/** Options of the HTCondor regexp functions: i (caseless), m (multiline), s (dotall), x (extended). */
export interface RegexOptions {
  caseless: boolean;
  multiline: boolean;
  dotall: boolean;
  extended: boolean;
}

export function parseRegexOptions(opts: string): RegexOptions {
  return {
    caseless: /[iI]/.test(opts),
    multiline: /[mM]/.test(opts),
    dotall: /[sS]/.test(opts),
    extended: /[xX]/.test(opts),
  };
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/** Translates a PCRE pattern; returns the JS source and flags, or undefined when it cannot be compiled. */
function translate(pattern: string, options: RegexOptions): { source: string; flags: string } | undefined {
  let caseless = options.caseless;
  let multiline = options.multiline;
  let dotall = options.dotall;
  let extended = options.extended;
  let p = pattern;
  // Leading inline options, e.g. (?i) or (?im).
  for (;;) {
    const m = /^\(\?([imsx]+)\)/.exec(p);
    if (!m) break;
    const f = m[1] as string;
    if (f.includes("i")) caseless = true;
    if (f.includes("m")) multiline = true;
    if (f.includes("s")) dotall = true;
    if (f.includes("x")) extended = true;
    p = p.slice(m[0].length);
  }
  const endOfSubject = "(?![\\s\\S])";
  let out = "";
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === "\\") {
      const d = p[i + 1];
      if (d === undefined) return undefined;
      if (d === "Q") {
        const end = p.indexOf("\\E", i + 2);
        const lit = end < 0 ? p.slice(i + 2) : p.slice(i + 2, end);
        out += escapeLiteral(lit);
        i = end < 0 ? p.length : end + 1;
        continue;
      }
      if (d === "E") {
        i++;
        continue;
      }
      if (!inClass) {
        if (d === "A") {
          out += "(?<![\\s\\S])";
          i++;
          continue;
        }
        if (d === "z") {
          out += endOfSubject;
          i++;
          continue;
        }
        if (d === "Z") {
          out += `(?=\\n?${endOfSubject})`;
          i++;
          continue;
        }
        if (d === "R") {
          out += "(?:\\r\\n|\\n|\\r)";
          i++;
          continue;
        }
      }
      if (d === "h") {
        out += inClass ? " \\t" : "[ \\t]";
        i++;
        continue;
      }
      if (d === "e") {
        out += "\\x1b";
        i++;
        continue;
      }
      out += c + d;
      i++;
      continue;
    }
    if (inClass) {
      if (c === "[" && p[i + 1] === ":") {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(i));
        if (m) {
          const cls = POSIX[m[2] as string];
          if (cls === undefined || m[1]) return undefined;
          out += cls;
          i += m[0].length - 1;
          continue;
        }
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (extended && /\s/.test(c)) continue;
    if (extended && c === "#") {
      const nl = p.indexOf("\n", i);
      i = nl < 0 ? p.length : nl;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in PCRE.
      if (p[i + 1] === "^") {
        out += "^";
        i++;
      }
      if (p[i + 1] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    // PCRE's newline is LF only (JS also treats \r, U+2028 and U+2029 as line ends), and in multiline mode `^`
    // does not match after a newline that ends the subject.
    if (c === "$") {
      out += multiline ? "(?![^\\n])" : `(?=\\n?${endOfSubject})`;
      continue;
    }
    if (c === "^") {
      out += multiline ? "(?:(?<![\\s\\S])|(?<=\\n)(?=[\\s\\S]))" : "^";
      continue;
    }
    if (c === "." && !dotall) {
      out += "[^\\n]";
      continue;
    }
    if (c === "(" && p[i + 1] === "?") {
      if (p[i + 2] === "P" && p[i + 3] === "<") {
        out += "(?<";
        i += 3;
        continue;
      }
      if (p[i + 2] === "P" && p[i + 3] === "=") {
        const close = p.indexOf(")", i);
        if (close < 0) return undefined;
        out += `\\k<${p.slice(i + 4, close)}>`;
        i = close;
        continue;
      }
      if (p[i + 2] === ">") {
        out += "(?:";
        i += 2;
        continue;
      }
    }
    if (c === "+" && /[*+?}]/.test(p[i - 1] ?? "") && p[i - 2] !== "\\") {
      // Possessive quantifier: approximate with the greedy one.
      continue;
    }
    out += c;
  }
  let flags = "";
  if (caseless) flags += "i";
  if (dotall) flags += "s";
  return { source: out, flags };
}

const cache = new Map<string, RegExp | null>();
const CACHE_LIMIT = 512;

/**
 * Compiles a PCRE pattern with HTCondor options to a RegExp (cached); `global` adds the g flag for replacement
 * loops. Returns undefined for an invalid pattern (HTCondor returns ERROR then).
 */
export function compileRegex(
  pattern: string,
  options: RegexOptions,
  mode: "" | "g" | "y" = "",
): RegExp | undefined {
  const key = `${options.caseless ? 1 : 0}${options.multiline ? 1 : 0}${options.dotall ? 1 : 0}${options.extended ? 1 : 0}${mode}:${pattern}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    if (hit) hit.lastIndex = 0;
    return hit ?? undefined;
  }
  let re: RegExp | null = null;
  const t = translate(pattern, options);
  if (t) {
    try {
      re = new RegExp(t.source, t.flags + mode);
    } catch {
      re = null;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, re);
  return re ?? undefined;
}
