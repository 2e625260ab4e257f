/**
 * The job ad while it is being built: attribute names (case-insensitive, first spelling kept, insertion order) bound
 * to literal values or to expression text in old ClassAd syntax. It is converted to the ClassAd engine's `ClassAd`
 * only at the end, so building does not depend on the engine.
 */
import { formatRealOldSyntax } from "./macros.js";

/** A value in a job ad under construction. */
export type AdValue =
  | { kind: "string"; value: string }
  | { kind: "int"; value: number }
  | { kind: "real"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "undefined" }
  | { kind: "expr"; text: string };

/** Writes a string as an old-syntax literal: only `"` is escaped (a backslash stays a backslash). */
export function oldStringLiteral(value: string): string {
  return `"${value.replaceAll('"', '\\"')}"`;
}

/** The old-syntax text of a value. */
export function adValueText(value: AdValue): string {
  switch (value.kind) {
    case "string":
      return oldStringLiteral(value.value);
    case "int":
      return String(value.value);
    case "real":
      return formatRealOldSyntax(value.value);
    case "bool":
      return value.value ? "true" : "false";
    case "undefined":
      return "undefined";
    case "expr":
      return value.text;
  }
}

/**
 * Classifies expression text the way the ClassAd parser would for literals (so that later lookups see a string,
 * number or boolean as condor_submit does); anything else stays expression text.
 */
export function classifyExpression(text: string): AdValue {
  const t = text.trim();
  if (/^[+-]?\d+$/.test(t) && !/^[+-]?0\d/.test(t)) return { kind: "int", value: Number.parseInt(t, 10) };
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(t) && /[.eE]/.test(t))
    return { kind: "real", value: Number(t) };
  if (/^true$/i.test(t)) return { kind: "bool", value: true };
  if (/^false$/i.test(t)) return { kind: "bool", value: false };
  if (/^undefined$/i.test(t)) return { kind: "undefined" };
  if (t.length >= 2 && t.startsWith('"')) {
    let out = "";
    for (let i = 1; i < t.length; i++) {
      const ch = t[i] as string;
      if (ch === "\\" && t[i + 1] === '"') {
        out += '"';
        i++;
      } else if (ch === '"') {
        if (i === t.length - 1) return { kind: "string", value: out };
        break;
      } else out += ch;
    }
  }
  return { kind: "expr", text: t };
}

/** A job ad under construction. */
export class DraftAd {
  private readonly entries = new Map<string, { name: string; value: AdValue }>();

  /** Sets an attribute (replacing any spelling of the same name; the first spelling is kept). */
  set(name: string, value: AdValue): void {
    const key = name.toLowerCase();
    const existing = this.entries.get(key);
    this.entries.set(key, { name: existing?.name ?? name, value });
  }

  setString(name: string, value: string): void {
    this.set(name, { kind: "string", value });
  }

  setInt(name: string, value: number): void {
    this.set(name, { kind: "int", value });
  }

  setBool(name: string, value: boolean): void {
    this.set(name, { kind: "bool", value });
  }

  /** Sets expression text (literals are recognised, see {@link classifyExpression}). */
  setExpr(name: string, text: string): void {
    this.set(name, classifyExpression(text));
  }

  get(name: string): AdValue | undefined {
    return this.entries.get(name.toLowerCase())?.value;
  }

  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  delete(name: string): void {
    this.entries.delete(name.toLowerCase());
  }

  /** The string value of a literal string attribute. */
  getString(name: string): string | undefined {
    const v = this.get(name);
    return v?.kind === "string" ? v.value : undefined;
  }

  /** A boolean literal (integers count as booleans, as ClassAd LookupBool does). */
  getBool(name: string): boolean | undefined {
    const v = this.get(name);
    if (v?.kind === "bool") return v.value;
    if (v?.kind === "int" || v?.kind === "real") return v.value !== 0;
    return undefined;
  }

  /** An integer literal (reals are truncated, booleans are 0/1). */
  getInt(name: string): number | undefined {
    const v = this.get(name);
    if (v?.kind === "int") return v.value;
    if (v?.kind === "real") return Math.trunc(v.value);
    if (v?.kind === "bool") return v.value ? 1 : 0;
    return undefined;
  }

  /** The number of a numeric literal (what ExprTreeIsLiteralNumber accepts). */
  getLiteralNumber(name: string): number | undefined {
    const v = this.get(name);
    if (v?.kind === "int" || v?.kind === "real") return v.value;
    return undefined;
  }

  copy(): DraftAd {
    const ad = new DraftAd();
    for (const [key, entry] of this.entries) ad.entries.set(key, { ...entry });
    return ad;
  }

  /** `[name, value]` pairs in insertion order. */
  list(): [string, AdValue][] {
    return [...this.entries.values()].map((e) => [e.name, e.value]);
  }
}
