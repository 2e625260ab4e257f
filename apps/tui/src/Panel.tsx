import { Box, Text } from "ink";
import type { ReactNode } from "react";
import { truncate } from "./format.js";
import { type Tone, useTheme } from "./theme.js";

/** Props of {@link Panel}. */
export interface PanelProps {
  title: string;
  width: number;
  /** Content lines inside the border (the panel is `lines + 2` rows high). */
  lines: number;
  focused?: boolean;
  children?: ReactNode;
}

/**
 * A bordered panel with its title in the top border. The focused panel has a heavy border (so focus shows without
 * colours too) and, with colours, a cyan one.
 */
export function Panel({ title, width, lines, focused = false, children }: PanelProps) {
  const theme = useTheme();
  const [left, line, right] = focused ? ["┏", "━", "┓"] : ["╭", "─", "╮"];
  const inner = Math.max(0, width - 2);
  const label = truncate(` ${title} `, Math.max(0, inner - 2));
  const top = `${left}${line}${label}${line.repeat(Math.max(0, inner - 1 - label.length))}${right}`;
  const color = theme.color(focused ? "accent" : "muted");
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      <Text color={color} bold={focused} wrap="truncate-end">
        {top}
      </Text>
      <Box
        flexDirection="column"
        width={width}
        height={lines + 1}
        borderStyle={focused ? "bold" : "round"}
        borderTop={false}
        {...(color ? { borderColor: color } : {})}
        paddingX={1}
        overflow="hidden"
      >
        {children}
      </Box>
    </Box>
  );
}

/** One line of text, cut at the panel's edge. */
export function Line({
  tone,
  bold,
  dim,
  inverse,
  children,
}: {
  tone?: Tone | undefined;
  bold?: boolean | undefined;
  dim?: boolean | undefined;
  inverse?: boolean | undefined;
  children?: ReactNode;
}) {
  const theme = useTheme();
  const color = theme.color(tone);
  return (
    <Text
      wrap="truncate-end"
      {...(color ? { color } : {})}
      {...(bold ? { bold } : {})}
      {...(dim ? { dimColor: dim } : {})}
      {...(inverse ? { inverse } : {})}
    >
      {children}
    </Text>
  );
}
