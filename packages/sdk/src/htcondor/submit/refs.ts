/**
 * Attribute references of an old-syntax ClassAd expression, as far as condor_submit needs them to decide which
 * clauses to add to Requirements (GetExprReferences with the job attributes known): `TARGET.X` and unscoped names
 * that are not job attributes count as machine references, `MY.X` and known job attributes as job references.
 */

/** References found in an expression; names are lower case. */
export interface ExprReferences {
  job: Set<string>;
  machine: Set<string>;
}

const KEYWORDS = new Set(["true", "false", "undefined", "error", "is", "isnt", "parent"]);

/**
 * Scans `text` for attribute references. `jobAttributes` are the (lower-case) names treated as internal to the job
 * ad, like condor_submit's scratch ad holding RequestMemory, VM_CkptMac and Requirements.
 */
export function exprReferences(text: string, jobAttributes: ReadonlySet<string>): ExprReferences {
  const refs: ExprReferences = { job: new Set(), machine: new Set() };
  let i = 0;
  const n = text.length;
  let previousSignificant = "";
  while (i < n) {
    const ch = text[i] as string;
    if (ch === '"') {
      i++;
      while (i < n && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i++;
      previousSignificant = '"';
      continue;
    }
    if (ch === "'") {
      // A quoted attribute name.
      const start = ++i;
      while (i < n && text[i] !== "'") i += text[i] === "\\" ? 2 : 1;
      addReference(refs, jobAttributes, [text.slice(start, i)], previousSignificant === ".");
      i++;
      previousSignificant = "'";
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      const parts: string[] = [];
      let j = i;
      for (;;) {
        const start = j;
        while (j < n && /[A-Za-z0-9_]/.test(text[j] as string)) j++;
        parts.push(text.slice(start, j));
        let k = j;
        while (k < n && /\s/.test(text[k] as string)) k++;
        if (text[k] === "." && /[A-Za-z_]/.test(text[k + 1] ?? "")) {
          j = k + 1;
          continue;
        }
        break;
      }
      let k = j;
      while (k < n && /\s/.test(text[k] as string)) k++;
      const isCall = parts.length === 1 && text[k] === "(";
      if (!isCall && !(parts.length === 1 && KEYWORDS.has((parts[0] as string).toLowerCase()))) {
        addReference(refs, jobAttributes, parts, previousSignificant === ".");
      }
      i = j;
      previousSignificant = "a";
      continue;
    }
    if (/[0-9]/.test(ch)) {
      // Skip a number, including reals with exponents (1e3) so the 'e' is not read as a name.
      while (i < n && /[0-9.]/.test(text[i] as string)) i++;
      if (/[eE]/.test(text[i] ?? "") && /[-+0-9]/.test(text[i + 1] ?? "")) {
        i += 2;
        while (i < n && /[0-9]/.test(text[i] as string)) i++;
      }
      previousSignificant = "0";
      continue;
    }
    if (!/\s/.test(ch)) previousSignificant = ch;
    i++;
  }
  return refs;
}

function addReference(
  refs: ExprReferences,
  jobAttributes: ReadonlySet<string>,
  parts: string[],
  afterDot: boolean,
) {
  if (afterDot) return; // a selection on a computed value, e.g. (expr).x
  const lower = parts.map((p) => p.toLowerCase());
  const [first, second] = lower as [string, string | undefined];
  if (second !== undefined && (first === "target" || first === "my")) {
    (first === "target" ? refs.machine : refs.job).add(second);
    return;
  }
  if (jobAttributes.has(first)) refs.job.add(first);
  else refs.machine.add(first);
}
