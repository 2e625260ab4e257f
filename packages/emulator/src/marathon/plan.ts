import { type AppDef, isOnlyScaleChange, needsRestart } from "./app-definition.js";
import { appsById, findGroup, type GroupNode, transitiveApps, transitiveGroups } from "./groups.js";
import { canonicalJson } from "./json.js";

/** Deployment action names for apps (RAML `deploymentAction.DeploymentActionName`). */
export type ActionName = "StartApplication" | "StopApplication" | "ScaleApplication" | "RestartApplication";

/** One action of a plan. `scaleTo` and `sentenced` (instance ids to kill first) belong to ScaleApplication. */
export interface PlanAction {
  action: ActionName;
  app: string;
  scaleTo?: number;
  sentenced?: string[];
}

/** Actions that run together. */
export interface PlanStep {
  actions: PlanAction[];
}

/**
 * Edges app → apps it depends on: its own `dependencies` (apps, or every app of a group) and those of the groups
 * it is in (group → group dependencies), as Marathon's `RootGroup.dependencyGraph`.
 */
export function dependencyGraph(root: GroupNode): Map<string, Set<string>> {
  const apps = appsById(root);
  const edges = new Map<string, Set<string>>();
  for (const id of apps.keys()) edges.set(id, new Set());
  const resolve = (path: string): string[] => {
    if (apps.has(path)) return [path];
    const group = findGroup(root, path);
    return group ? transitiveApps(group).map((app) => app.id) : [];
  };
  for (const group of transitiveGroups(root)) {
    for (const dep of group.dependencies) {
      const dependency = findGroup(root, dep);
      if (!dependency) continue;
      for (const app of transitiveApps(group)) {
        for (const other of transitiveApps(dependency))
          if (other.id !== app.id) edges.get(app.id)?.add(other.id);
      }
    }
  }
  for (const app of apps.values()) {
    for (const dep of app.dependencies) {
      for (const other of resolve(dep)) if (other !== app.id) edges.get(app.id)?.add(other);
    }
  }
  return edges;
}

/** A dependency cycle of the tree (app ids), or undefined. */
export function findCycle(root: GroupNode): string[] | undefined {
  const edges = dependencyGraph(root);
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === "done") return undefined;
    if (s === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Length (in apps) of the longest dependency chain starting at each app; the graph must be acyclic. */
function longestPaths(edges: Map<string, Set<string>>): Map<string, number> {
  const memo = new Map<string, number>();
  const length = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    memo.set(id, 1);
    let best = 1;
    for (const next of edges.get(id) ?? []) best = Math.max(best, 1 + length(next));
    memo.set(id, best);
    return best;
  };
  for (const id of edges.keys()) length(id);
  return memo;
}

/**
 * The steps that take the cluster from `original` to `target`, like Marathon's `DeploymentPlan.apply`:
 * 1. stop the apps that are gone, 2. start the new apps (with 0 instances), 3. in dependency order (apps without
 * dependencies first; apps at the same depth together) scale new and scaled apps, restart changed ones.
 * `toKill` names instances that a ScaleApplication must kill first (kill-and-scale). Empty steps are dropped.
 */
export function computePlan(
  original: GroupNode,
  target: GroupNode,
  toKill: ReadonlyMap<string, readonly string[]> = new Map(),
): PlanStep[] {
  const before = appsById(original);
  const after = appsById(target);
  const steps: PlanStep[] = [];
  steps.push({
    actions: [...before.keys()]
      .filter((id) => !after.has(id))
      .map((app): PlanAction => ({ action: "StopApplication", app })),
  });
  steps.push({
    actions: [...after.keys()]
      .filter((id) => !before.has(id))
      .map((app): PlanAction => ({ action: "StartApplication", app })),
  });
  const changed = [...after.values()].filter((app) => {
    const old = before.get(app.id);
    return !old || canonicalJson(old) !== canonicalJson(app) || toKill.has(app.id);
  });
  const depth = longestPaths(dependencyGraph(target));
  const layers = new Map<number, AppDef[]>();
  for (const app of changed) {
    const d = depth.get(app.id) ?? 1;
    layers.set(d, [...(layers.get(d) ?? []), app]);
  }
  for (const d of [...layers.keys()].sort((a, b) => a - b)) {
    const actions: PlanAction[] = [];
    for (const app of layers.get(d) ?? []) {
      const old = before.get(app.id);
      const sentenced = [...(toKill.get(app.id) ?? [])];
      if (!old) actions.push({ action: "ScaleApplication", app: app.id, scaleTo: app.instances });
      else if (
        isOnlyScaleChange(old, app) ||
        app.instances === 0 ||
        (sentenced.length > 0 && !needsRestart(old, app))
      ) {
        actions.push({ action: "ScaleApplication", app: app.id, scaleTo: app.instances, sentenced });
      } else if (needsRestart(old, app)) actions.push({ action: "RestartApplication", app: app.id });
    }
    steps.push({ actions });
  }
  return steps.filter((step) => step.actions.length > 0);
}

/** The ids of the apps a plan touches. */
export function affectedApps(steps: readonly PlanStep[]): string[] {
  return [...new Set(steps.flatMap((step) => step.actions.map((action) => action.app)))].sort();
}

/** Steps as the API writes them: `{actions: [{action, app}]}`. */
export function stepsJson(steps: readonly PlanStep[]): { actions: { action: string; app: string }[] }[] {
  return steps.map((step) => ({ actions: step.actions.map(({ action, app }) => ({ action, app })) }));
}
