import type { App } from "./schemas/index.js";

/** An app's state in the words of Marathon's web UI (the table the INDIGO design shows). */
export type AppStatus = "Deploying" | "Running" | "Suspended" | "Waiting";

/** What the Marathon UI shows for an app: status, running/desired instances and health. */
export interface AppRow {
  id: string;
  cpus: number;
  mem: number;
  status: AppStatus;
  running: number;
  instances: number;
  healthy: number;
  unhealthy: number;
  /** `healthy`, `unhealthy`, `unknown` (health checks but no results yet) or `none` (no health checks). */
  health: "healthy" | "unhealthy" | "unknown" | "none";
}

/** Summarises an app the way Marathon's UI does. */
export function appRow(app: App): AppRow {
  const instances = app.instances ?? 0;
  const running = app.tasksRunning ?? 0;
  const healthy = app.tasksHealthy ?? 0;
  const unhealthy = app.tasksUnhealthy ?? 0;
  const deploying = (app.deployments?.length ?? 0) > 0;
  let status: AppStatus;
  if (deploying) status = "Deploying";
  else if (instances === 0 && running === 0) status = "Suspended";
  else if (running >= instances) status = "Running";
  else status = "Waiting";
  const checks = app.healthChecks?.length ?? 0;
  let health: AppRow["health"] = "none";
  if (checks > 0)
    health = unhealthy > 0 ? "unhealthy" : healthy >= running && running > 0 ? "healthy" : "unknown";
  return {
    id: app.id,
    cpus: app.cpus ?? 0,
    mem: app.mem ?? 0,
    status,
    running,
    instances,
    healthy,
    unhealthy,
    health,
  };
}
