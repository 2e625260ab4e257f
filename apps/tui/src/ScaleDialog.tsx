import { wrapLines } from "./format.js";
import { Line, Panel } from "./Panel.js";

/** The scale dialog's state: choosing, running (with progress), or its outcome. */
export interface ScaleState {
  site: string;
  appId: string;
  from: number;
  to: number;
  /** The cluster file's bounds of the pool (the autoscaler's; `bsaas scale` may leave them, and so may this). */
  bounds?: { min: number; max: number } | undefined;
  phase: "confirm" | "running" | "done" | "failed";
  /** Progress messages of the running scale (newest last). */
  progress: string[];
  /** What happened, once done or failed. */
  result?: string;
}

/** Props of {@link ScaleDialog}. */
export interface ScaleDialogProps {
  scale: ScaleState;
  width: number;
  lines: number;
}

/**
 * Scaling a site's executors: +/- choose the count, enter confirms. Down drains first (the chosen executors take no
 * new job and their jobs finish before their tasks are killed), through the same SDK code as `bsaas scale`.
 */
export function ScaleDialog({ scale, width, lines }: ScaleDialogProps) {
  const inner = width - 4;
  const { from, to } = scale;
  const out: { text: string; tone?: "ok" | "warn" | "error" | "muted"; bold?: boolean }[] = [];
  if (scale.phase === "confirm") {
    const b = scale.bounds;
    const outside = b && (to < b.min || to > b.max);
    out.push({
      text: `executors ${from} → ${to}${b ? `  (cluster file: min ${b.min}, max ${b.max}${outside ? "; outside them" : ""})` : ""}`,
      bold: true,
      ...(outside ? { tone: "warn" as const } : {}),
    });
    out.push({
      text:
        to > from
          ? `scale up: Marathon starts ${to - from} more executor(s)`
          : to < from
            ? `scale down: drains first — ${from - to} executor(s) take no new job, their jobs finish, then they stop`
            : "no change",
      tone: to < from ? "warn" : "muted",
    });
    out.push({ text: "+/- change · enter or y: confirm · esc or n: cancel", tone: "muted" });
  } else if (scale.phase === "running") {
    out.push({ text: `scaling ${scale.site} ${from} → ${to}…`, bold: true });
    for (const p of scale.progress.slice(-(lines - 2))) out.push({ text: p, tone: "muted" });
    out.push({ text: "esc: hide (the scale goes on; progress in the event log)", tone: "muted" });
  } else {
    const tone = scale.phase === "done" ? "ok" : "error";
    const text = `${scale.phase === "done" ? "✓" : "✗"} ${scale.result ?? ""}`;
    for (const l of wrapLines(text, inner, Math.max(1, lines - 1))) out.push({ text: l, tone });
    out.push({ text: "press any key", tone: "muted" });
  }
  return (
    <Panel title={`Scale executors · ${scale.site}`} width={width} lines={lines} focused>
      {out.slice(0, lines).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one dialog
        <Line key={i} tone={l.tone} bold={l.bold}>
          {l.text}
        </Line>
      ))}
    </Panel>
  );
}
