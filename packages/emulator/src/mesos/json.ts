/**
 * JSON as the Mesos master writes it: 64-bit integers (`registered_time.nanoseconds`) are `bigint`s written as plain
 * JSON numbers, and `undefined` object members are left out (absent optional fields).
 */
export type MesosJson = null | boolean | number | bigint | string | MesosJson[] | MesosObject;

/** A JSON object of the Mesos API; members whose value is `undefined` are omitted when written. */
export interface MesosObject {
  [key: string]: MesosJson | undefined;
}

/** True for plain (non-array) objects. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Drops `null` members and array elements recursively. Mesos treats a JSON `null` as an unset field
 * (stout's JSON → protobuf conversion), and some clients (protobuf.js-based ones) send every unset field as `null`.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map((item) => withoutNulls(item));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    out[key] = withoutNulls(item);
  }
  return out;
}

/** A point in time as Mesos' `TimeInfo` (`{nanoseconds}`, exact int64). */
export function timeInfo(ms: number): MesosObject {
  return { nanoseconds: BigInt(Math.round(ms)) * 1_000_000n };
}

/** Seconds since the epoch as a double (`TaskStatus.timestamp`, legacy `registered_time`). */
export function seconds(ms: number): number {
  return ms / 1000;
}
