import { randomUUID } from "node:crypto";

/** One name of a path id: lowercase letters, digits, `-` and `.` inside, not at either end (Marathon `PathId`). */
const NAME = /^(?:[a-z0-9]|[a-z0-9][a-z0-9.-]*[a-z0-9])$/;

/**
 * Resolves `id` against `base` (both Marathon path ids) to an absolute, normalized path: `..` climbs, `.` and empty
 * names are dropped. `canonicalPath("b", "/a")` is `/a/b`; `canonicalPath("/x", "/a")` is `/x`.
 */
export function canonicalPath(id: string, base = "/"): string {
  const names = id.startsWith("/") ? [] : splitPath(base);
  for (const name of id.split("/")) {
    if (name === "" || name === ".") continue;
    if (name === "..") names.pop();
    else names.push(name);
  }
  return `/${names.join("/")}`;
}

/** The names of an absolute path (`/a/b` → `["a","b"]`). */
export function splitPath(path: string): string[] {
  return path.split("/").filter((name) => name.length > 0);
}

/** The parent path (`/a/b` → `/a`, `/a` → `/`). */
export function parentPath(path: string): string {
  const names = splitPath(path);
  names.pop();
  return `/${names.join("/")}`;
}

/** True when `path` is `ancestor` or below it. */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === "/") return true;
  return path === ancestor || path.startsWith(`${ancestor}/`);
}

/** Whether every name of an absolute path is a valid Marathon name. */
export function isValidPath(path: string): boolean {
  return splitPath(path).every((name) => NAME.test(name));
}

/** The app path as used in task ids: no leading slash, `/` → `_` (`/hpc/condor` → `hpc_condor`). */
export function safePath(appId: string): string {
  return splitPath(appId).join("_");
}

/** A new Marathon instance id: `<app_path_with_underscores>.instance-<uuid>`. */
export function newInstanceId(appId: string): string {
  return `${safePath(appId)}.instance-${randomUUID()}`;
}

/** The task id of an instance's n-th incarnation: `<instance id>._app.<n>`. */
export function taskIdOf(instanceId: string, incarnation: number): string {
  return `${instanceId}._app.${incarnation}`;
}

const TASK_ID = /^((.+)\.(?:instance|marathon)-[^.]+)(?:\.(.+))?$/;

/**
 * The instance id and app id in a Marathon task id (`<app>.instance-<uuid>._app.<n>`, `.._app`, `.<container>`),
 * or undefined when the string is not a Marathon task id.
 */
export function parseTaskId(taskId: string): { instanceId: string; appId: string } | undefined {
  const match = TASK_ID.exec(taskId);
  const instanceId = match?.[1];
  const safe = match?.[2];
  if (instanceId === undefined || safe === undefined) return undefined;
  return { instanceId, appId: `/${safe.split("_").join("/")}` };
}
