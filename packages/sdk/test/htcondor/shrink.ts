// Shrinks failing differential cases to small reproductions: the smallest subexpression (and the fewest ad attributes)
// on which the SDK and classad2 still disagree. Works on the text, so it needs no parser of its own: candidates that are
// not valid expressions are rejected by classad2 and dropped.
import type { GeneratedCase } from "./generator.js";

const OPEN = "([{";
const CLOSE = ")]}";

/**
 * Pieces of `expr` that are expressions themselves, longest first: the insides of parenthesized groups, call
 * arguments, list items and whole lists, subscripts, nested ads and their attribute values, and the operands around
 * top-level operators of each group (split at the first and last operator, a cheap way to peel off one side).
 */
export function subexpressions(expr: string): string[] {
  const found = new Set<string>();
  const stack: { open: string; start: number; parts: number[] }[] = [];
  const add = (text: string) => {
    const t = text.trim().replace(/^[A-Za-z_]\w*\s*=(?![=?!])\s*/, ""); // `name = value` in an ad body
    if (t && t !== expr.trim()) found.add(t);
  };
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] as string;
    if (c === '"' || c === "'") {
      // skip a string literal or quoted name, honouring backslash escapes
      for (i++; i < expr.length && expr[i] !== c; i++) if (expr[i] === "\\") i++;
      continue;
    }
    if (OPEN.includes(c)) {
      stack.push({ open: c, start: i, parts: [i + 1] });
    } else if ((c === "," || c === ";") && stack.length > 0) {
      (stack[stack.length - 1] as { parts: number[] }).parts.push(i + 1);
    } else if (CLOSE.includes(c)) {
      const group = stack.pop();
      if (!group || OPEN.indexOf(group.open) !== CLOSE.indexOf(c)) return [...found]; // unbalanced: give up
      const bounds = [...group.parts, i + 1];
      for (let k = 0; k + 1 < bounds.length; k++) add(expr.slice(bounds[k], (bounds[k + 1] as number) - 1));
      if (group.open !== "(") add(expr.slice(group.start, i + 1));
      for (const side of operands(expr.slice(group.start + 1, i))) add(side);
    }
  }
  for (const side of operands(expr)) add(side);
  return [...found].sort((a, b) => b.length - a.length);
}

/** The text on each side of the first and of the last top-level binary operator (spaced, as the generator writes). */
function operands(text: string): string[] {
  const positions: [number, number][] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth--;
    else if (depth === 0 && c === " ") {
      const m = /^ (\|\||&&|=\?=|=!=|==|!=|<=|>=|<<|>>>|>>|\?:|is|isnt|[-+*/%<>&|^?:]) /i.exec(text.slice(i));
      if (m) positions.push([i, i + m[0].length]);
    }
  }
  const first = positions[0];
  const last = positions[positions.length - 1];
  const out: string[] = [];
  for (const p of [first, last]) if (p) out.push(text.slice(0, p[0]), text.slice(p[1]));
  return out;
}

/** The same case with smaller ads: without TARGET, without MY, or without one attribute. */
function smallerAds(c: GeneratedCase): GeneratedCase[] {
  const out: GeneratedCase[] = [];
  const { my, target, expr } = c;
  if (target) out.push(my ? { expr, my } : { expr });
  if (my && !target) out.push({ expr });
  for (const side of ["my", "target"] as const) {
    const ad = c[side];
    if (!ad) continue;
    for (const name of Object.keys(ad)) {
      const { [name]: _dropped, ...rest } = ad;
      out.push({ ...c, [side]: rest });
    }
  }
  return out;
}

const size = (c: GeneratedCase) =>
  c.expr.length * 4 + JSON.stringify(c.my ?? {}).length + JSON.stringify(c.target ?? {}).length;

/**
 * Shrinks every case as far as it keeps failing. `fails` judges a batch of candidates at once (one classad2 run per
 * round); a case is replaced by its smallest failing candidate until none fails or `maxRounds` is reached.
 */
export function shrinkCases(
  cases: readonly GeneratedCase[],
  fails: (batch: GeneratedCase[]) => boolean[],
  { maxRounds = 40, perCase = 150 } = {},
): GeneratedCase[] {
  const current = [...cases];
  const active = current.map(() => true);
  for (let round = 0; round < maxRounds && active.some(Boolean); round++) {
    const batch: GeneratedCase[] = [];
    const owner: number[] = [];
    current.forEach((c, i) => {
      if (!active[i]) return;
      const candidates = [...subexpressions(c.expr).map((expr) => ({ ...c, expr })), ...smallerAds(c)]
        .sort((a, b) => size(a) - size(b))
        .slice(0, perCase);
      for (const candidate of candidates) {
        batch.push(candidate);
        owner.push(i);
      }
    });
    const verdicts = batch.length > 0 ? fails(batch) : [];
    const best = new Map<number, GeneratedCase>();
    batch.forEach((candidate, k) => {
      const i = owner[k] as number;
      const known = best.get(i);
      if (verdicts[k] && (!known || size(candidate) < size(known))) best.set(i, candidate);
    });
    current.forEach((_, i) => {
      const smaller = best.get(i);
      if (smaller && size(smaller) < size(current[i] as GeneratedCase)) current[i] = smaller;
      else active[i] = false;
    });
  }
  return current;
}
