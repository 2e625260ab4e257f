import { isRecord } from "./json.js";

/** Reading parts of a (validated, but loosely typed) incoming JSON message. */

export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

export function record(value: unknown, key: string): Record<string, unknown> | undefined {
  const item = field(value, key);
  return isRecord(item) ? item : undefined;
}

export function text(value: unknown, key: string): string | undefined {
  const item = field(value, key);
  return typeof item === "string" ? item : undefined;
}

export function number(value: unknown, key: string): number | undefined {
  const item = field(value, key);
  if (typeof item === "number") return item;
  if (typeof item === "bigint") return Number(item);
  return undefined;
}

export function list(value: unknown, key: string): unknown[] {
  const item = field(value, key);
  return Array.isArray(item) ? item : [];
}

/** `{value: "..."}` id messages → the string. */
export function idOf(value: unknown, key: string): string | undefined {
  return text(field(value, key), "value");
}
