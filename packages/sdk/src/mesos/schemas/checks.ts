/**
 * Cheap structural checks for the small, very frequent leaf messages (ids, labels, scalars, IP addresses, ...).
 *
 * A GET_STATE answer of a big cluster holds hundreds of thousands of them; parsing each with `z.looseObject` (a new
 * object per value, key by key) costs about as much as `JSON.parse` itself. These leaves are instead checked by one
 * predicate with `z.custom` and handed through unchanged (so unknown fields survive, as with `z.looseObject`); the
 * messages holding them stay real zod objects. The price, as for the Marathon response schemas: an issue names the
 * field, not the nested entry, and these schemas have no `z.toJSONSchema` form. See `bench/mesos-state.bench.mjs`.
 */
import { z } from "zod";

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
export const optString = (v: unknown): boolean => v === undefined || typeof v === "string";
export const optNumber = (v: unknown): boolean => v === undefined || typeof v === "number";
export const optBoolean = (v: unknown): boolean => v === undefined || typeof v === "boolean";
export const isInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v);
export const optInt = (v: unknown): boolean => v === undefined || isInt(v);

/** `undefined`, or an array whose every element passes `test`. */
export function optArrayOf(v: unknown, test: (x: unknown) => boolean): boolean {
  if (v === undefined) return true;
  if (!Array.isArray(v)) return false;
  for (const x of v) if (!test(x)) return false;
  return true;
}

/** An array whose every element passes `test`. */
export function arrayOf(v: unknown, test: (x: unknown) => boolean): boolean {
  return v !== undefined && optArrayOf(v, test);
}

/** A schema that checks `test` and returns the value itself (not a copy). */
export function checked<T>(test: (v: unknown) => boolean, expected: string): z.ZodType<T, T> {
  return z.custom<T>(test, { error: `expected ${expected}` });
}

/** `{ value: string }`: FrameworkID, AgentID, TaskID, ... (mesos.proto). */
export const isId = (v: unknown): boolean => isRecord(v) && typeof v.value === "string";
export const optId = (v: unknown): boolean => v === undefined || isId(v);

/** `Label` (mesos.proto). */
export const isLabel = (v: unknown): boolean =>
  isRecord(v) && typeof v.key === "string" && optString(v.value);
/** `Labels` (mesos.proto). */
export const isLabels = (v: unknown): boolean => isRecord(v) && optArrayOf(v.labels, isLabel);
export const optLabels = (v: unknown): boolean => v === undefined || isLabels(v);

/** `ContainerID` (mesos.proto), parents included. */
export const isContainerId = (v: unknown): boolean =>
  isRecord(v) && typeof v.value === "string" && (v.parent === undefined || isContainerId(v.parent));

/** `NetworkInfo.IPAddress` (mesos.proto). */
export const isIpAddress = (v: unknown): boolean =>
  isRecord(v) && optString(v.protocol) && optString(v.ip_address);

/** `NetworkInfo.PortMapping` / `DockerInfo.PortMapping` (mesos.proto). */
export const isPortMapping = (v: unknown): boolean =>
  isRecord(v) && isInt(v.host_port) && isInt(v.container_port) && optString(v.protocol);

/** `NetworkInfo` (mesos.proto). */
export const isNetworkInfo = (v: unknown): boolean =>
  isRecord(v) &&
  optArrayOf(v.ip_addresses, isIpAddress) &&
  optString(v.name) &&
  optArrayOf(v.groups, (g) => typeof g === "string") &&
  optLabels(v.labels) &&
  optArrayOf(v.port_mappings, isPortMapping);

/** `Parameter` (mesos.proto). */
export const isParameter = (v: unknown): boolean =>
  isRecord(v) && typeof v.key === "string" && typeof v.value === "string";

/** `Value.Scalar` (mesos.proto). */
export const isScalar = (v: unknown): boolean => isRecord(v) && typeof v.value === "number";

/** `Resource.AllocationInfo` (mesos.proto). */
export const isAllocationInfo = (v: unknown): boolean => isRecord(v) && optString(v.role);
