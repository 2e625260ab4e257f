/** One label selector: existence, (in)equality, or set membership. */
export type LabelSelector =
  | { kind: "exists"; key: string }
  | { kind: "eq" | "neq"; key: string; value: string }
  | { kind: "in" | "notin"; key: string; values: string[] };

const IDENT_CHAR = /[-A-Za-z0-9_.]/;

/**
 * Parses Marathon's `label` query: comma-separated selectors, all of which must hold — `key`, `key==value`,
 * `key!=value`, `key in (a, b)`, `key notin (a, b)`. Other characters in names and values are escaped with `\`.
 * @throws {Error} on a malformed query.
 */
export function parseLabelSelectors(query: string): LabelSelector[] {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`Can not parse label selector ${query}: ${what} at position ${pos}`);
  };
  const skipSpace = () => {
    while (pos < query.length && /\s/.test(query.charAt(pos))) pos++;
  };
  const ident = (): string => {
    skipSpace();
    let out = "";
    while (pos < query.length) {
      const c = query.charAt(pos);
      if (c === "\\" && pos + 1 < query.length) {
        out += query.charAt(pos + 1);
        pos += 2;
      } else if (IDENT_CHAR.test(c)) {
        out += c;
        pos++;
      } else break;
    }
    if (out.length === 0) fail("expected a label name or value");
    return out;
  };
  const word = (w: string): boolean => {
    skipSpace();
    if (query.startsWith(w, pos) && !IDENT_CHAR.test(query.charAt(pos + w.length))) {
      pos += w.length;
      return true;
    }
    return false;
  };
  const symbol = (s: string): boolean => {
    skipSpace();
    if (query.startsWith(s, pos)) {
      pos += s.length;
      return true;
    }
    return false;
  };
  const selectors: LabelSelector[] = [];
  for (;;) {
    const key = ident();
    if (symbol("==")) selectors.push({ kind: "eq", key, value: ident() });
    else if (symbol("!=")) selectors.push({ kind: "neq", key, value: ident() });
    else {
      const kind = word("notin") ? "notin" : word("in") ? "in" : undefined;
      if (kind) {
        if (!symbol("(")) fail("expected (");
        const values = [ident()];
        while (symbol(",")) values.push(ident());
        if (!symbol(")")) fail("expected )");
        selectors.push({ kind, key, values });
      } else selectors.push({ kind: "exists", key });
    }
    skipSpace();
    if (pos >= query.length) break;
    if (!symbol(",")) fail("expected ,");
  }
  return selectors;
}

/** Whether labels satisfy every selector. */
export function matchesLabels(
  labels: Readonly<Record<string, string>>,
  selectors: readonly LabelSelector[],
): boolean {
  return selectors.every((s) => {
    const value = labels[s.key];
    if (value === undefined) return false;
    switch (s.kind) {
      case "exists":
        return true;
      case "eq":
        return value === s.value;
      case "neq":
        return value !== s.value;
      case "in":
        return s.values.includes(value);
      case "notin":
        return !s.values.includes(value);
      default:
        return false;
    }
  });
}
