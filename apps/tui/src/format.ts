import { errorSummary } from "@bsaas/sdk/cluster";

/** Text helpers of the dashboard: everything is cut to the columns it has, never wrapped by accident. */

/** Cuts `text` to `width` columns, ending with `…` when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return "";
  if (text.length <= width) return text;
  return width === 1 ? "…" : `${text.slice(0, width - 1)}…`;
}

/** `truncate` then pad to exactly `width` columns. */
export function cell(text: string, width: number, align: "left" | "right" = "left"): string {
  const t = truncate(text, width);
  return align === "left" ? t.padEnd(width) : t.padStart(width);
}

/** Splits `text` into lines of at most `width` columns (at spaces where it can), at most `max` lines. */
export function wrapLines(text: string, width: number, max: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let rest = paragraph;
    while (rest.length > width && width > 0) {
      const space = rest.lastIndexOf(" ", width);
      const cut = space > width / 3 ? space : width;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).trimStart();
    }
    out.push(rest);
  }
  if (out.length > max) {
    const kept = out.slice(0, max);
    kept[max - 1] = truncate(`${kept[max - 1] ?? ""} ${out.slice(max).join(" ")}`, width);
    return kept;
  }
  return out;
}

/** 0.5, 1, 12.25: at most two decimals. */
export function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** MiB as `512 MiB` or `19.5 GiB`. */
export function mib(n: number): string {
  return n >= 1024 ? `${num(n / 1024)} GiB` : `${num(n)} MiB`;
}

/** `{ Claimed: 2, Unclaimed: 1 }` → `2 Claimed · 1 Unclaimed` (sorted), `none` when empty. */
export function counts(values: Record<string, number>): string {
  const entries = Object.entries(values).filter(([, v]) => v > 0);
  if (entries.length === 0) return "none";
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${v} ${k}`)
    .join(" · ");
}

/** `HH:MM:SS` of a time, local. */
export function clock(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** An app id without its site's group: `/bsaas/c/local/executors` → `executors`. */
export function shortApp(id: string, groupId: string): string {
  return id.startsWith(`${groupId}/`) ? id.slice(groupId.length + 1) : id;
}

/** An error in one line ({@link errorSummary}), with its hint (the SDK's errors carry one) on a second line. */
export function errorText(error: unknown): string {
  const message = errorSummary(error);
  const hint =
    error && typeof error === "object" && "hint" in error ? (error as { hint?: unknown }).hint : undefined;
  return typeof hint === "string" && hint ? `${message}\n${hint}` : message;
}
