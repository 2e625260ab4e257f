import { Line, Panel } from "./Panel.js";

/** The keys, as the help overlay lists them. */
export const KEYS: readonly [string, string][] = [
  ["tab / shift+tab", "next / previous panel (also 1-5)"],
  ["← → (h l)", "previous / next site"],
  ["↑ ↓ (k j)", "select an app, scroll deployments, events and details"],
  ["enter", "details of the selected app: definition, tasks, health"],
  ["+ / -", "scale the site's executors: choose, then enter to confirm"],
  ["", "scaling down drains first: running jobs finish"],
  ["s", "submit a sample job (needs HTCondor here)"],
  ["r", "read everything again now"],
  ["esc", "back: close details, dialogs and help"],
  ["?", "this help"],
  ["q / ctrl+c", "quit"],
];

/** Props of {@link Help}. */
export interface HelpProps {
  width: number;
  lines: number;
}

/** The help overlay: every key, and where the data comes from. */
export function Help({ width, lines }: HelpProps) {
  const rows = [
    ...KEYS.map(([k, v]) => ({ text: `${k.padEnd(16)} ${v}`, tone: undefined })),
    { text: " ", tone: undefined },
    {
      text: "Data follows Marathon's event stream and Mesos' operator stream per site, with polling as fallback.",
      tone: "muted" as const,
    },
    {
      text: "Each panel loads and fails on its own: a slow site never blocks another.",
      tone: "muted" as const,
    },
  ];
  return (
    <Panel title="Help · esc or ? to close" width={width} lines={lines} focused>
      {rows.slice(0, lines).map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed list
        <Line key={i} tone={r.tone}>
          {r.text}
        </Line>
      ))}
    </Panel>
  );
}
