import { createContext, useContext } from "react";

/** What a colour means on the dashboard. */
export type Tone = "ok" | "warn" | "error" | "accent" | "muted" | "info";

const COLORS: Record<Tone, string> = {
  ok: "green",
  warn: "yellow",
  error: "red",
  accent: "cyan",
  muted: "gray",
  info: "blue",
};

/** Colours of the dashboard; with `noColor` every colour is dropped (bold, dim and inverse stay). */
export interface Theme {
  noColor: boolean;
  color(tone: Tone | undefined): string | undefined;
}

export function makeTheme(noColor: boolean): Theme {
  return { noColor, color: (tone) => (noColor || !tone ? undefined : COLORS[tone]) };
}

/** `NO_COLOR` set to anything but the empty string turns colours off (https://no-color.org). */
export function noColorFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== "";
}

export const ThemeContext = createContext<Theme>(makeTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
