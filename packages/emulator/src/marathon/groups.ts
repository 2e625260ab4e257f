import { type AppDef, cloneApp } from "./app-definition.js";
import { isWithin, parentPath, splitPath } from "./paths.js";

/** A group of the tree: apps and subgroups by absolute id. */
export interface GroupNode {
  id: string;
  apps: Map<string, AppDef>;
  groups: Map<string, GroupNode>;
  dependencies: string[];
  version: string;
  enforceRole: boolean;
}

/** An empty group. */
export function emptyGroup(id: string, version: string): GroupNode {
  return { id, apps: new Map(), groups: new Map(), dependencies: [], version, enforceRole: false };
}

/** A deep copy of a group tree. */
export function cloneGroup(group: GroupNode): GroupNode {
  return {
    id: group.id,
    apps: new Map([...group.apps].map(([id, app]) => [id, cloneApp(app)])),
    groups: new Map([...group.groups].map(([id, g]) => [id, cloneGroup(g)])),
    dependencies: [...group.dependencies],
    version: group.version,
    enforceRole: group.enforceRole,
  };
}

/** The group with `id` in the tree, if any. */
export function findGroup(root: GroupNode, id: string): GroupNode | undefined {
  let group: GroupNode | undefined = root;
  let path = "";
  for (const name of splitPath(id)) {
    path += `/${name}`;
    group = group.groups.get(path);
    if (!group) return undefined;
  }
  return group;
}

/** The app with `id` in the tree, if any. */
export function findApp(root: GroupNode, id: string): AppDef | undefined {
  return findGroup(root, parentPath(id))?.apps.get(id);
}

/** Every app of a group and its subgroups, sorted by id. */
export function transitiveApps(group: GroupNode): AppDef[] {
  const out: AppDef[] = [...group.apps.values()];
  for (const sub of group.groups.values()) out.push(...transitiveApps(sub));
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every group of the tree below and including `group`. */
export function transitiveGroups(group: GroupNode): GroupNode[] {
  const out = [group];
  for (const sub of group.groups.values()) out.push(...transitiveGroups(sub));
  return out;
}

/**
 * The groups from the root down to `id` (created when missing, with `version`) in a copy of the tree; each of them
 * gets `version` (a change below a group is a change of the group, as in Marathon).
 */
function pathTo(root: GroupNode, id: string, version: string): { root: GroupNode; target: GroupNode } {
  const copy = cloneGroup(root);
  copy.version = version;
  let group = copy;
  let path = "";
  for (const name of splitPath(id)) {
    path += `/${name}`;
    let next = group.groups.get(path);
    if (!next) {
      next = emptyGroup(path, version);
      group.groups.set(path, next);
    }
    next.version = version;
    group = next;
  }
  return { root: copy, target: group };
}

/** A copy of the tree with `app` put in place (its parent groups are created when missing). */
export function putApp(root: GroupNode, app: AppDef, version: string): GroupNode {
  const { root: copy, target } = pathTo(root, parentPath(app.id), version);
  target.apps.set(app.id, cloneApp(app));
  return copy;
}

/** A copy of the tree without the app `id`. */
export function removeApp(root: GroupNode, id: string, version: string): GroupNode {
  const { root: copy, target } = pathTo(root, parentPath(id), version);
  target.apps.delete(id);
  return copy;
}

/** A copy of the tree with the subtree at `group.id` replaced by `group`. */
export function putGroup(root: GroupNode, group: GroupNode, version: string): GroupNode {
  if (group.id === "/") return cloneGroup(group);
  const { root: copy, target } = pathTo(root, parentPath(group.id), version);
  target.groups.set(group.id, cloneGroup(group));
  return copy;
}

/** A copy of the tree without the group `id` (the root is emptied instead). */
export function removeGroup(root: GroupNode, id: string, version: string): GroupNode {
  if (id === "/") return emptyGroup("/", version);
  const { root: copy, target } = pathTo(root, parentPath(id), version);
  target.groups.delete(id);
  return copy;
}

/** A copy of the tree where `fn` replaced every app below `groupId`. */
export function mapApps(
  root: GroupNode,
  groupId: string,
  fn: (app: AppDef) => AppDef,
  version: string,
): GroupNode {
  let copy = cloneGroup(root);
  for (const app of transitiveApps(root)) {
    if (!isWithin(app.id, groupId)) continue;
    const next = fn(app);
    if (next !== app) copy = putApp(copy, next, version);
  }
  return copy;
}

/** All apps of a tree, by id. */
export function appsById(root: GroupNode): Map<string, AppDef> {
  return new Map(transitiveApps(root).map((app) => [app.id, app]));
}
