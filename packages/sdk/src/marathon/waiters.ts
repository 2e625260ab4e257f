import { AbortedError } from "../http/errors.js";
import { sleep } from "../http/retry.js";
import type { MarathonClient } from "./client.js";
import type { EventStreamItem } from "./events.js";
import type { App, Deployment } from "./schemas/index.js";

/** A step action as events and `/v2/deployments` report it. */
export interface DeploymentActionRef {
  action: string;
  app?: string;
  pod?: string;
}

/** How a deployment ended, as {@link waitForDeployment} saw it. */
export type DeploymentOutcome =
  | { outcome: "succeeded"; deploymentId: string; elapsedMs: number; observedBy: "events" | "polling" }
  | {
      outcome: "failed";
      deploymentId: string;
      elapsedMs: number;
      /** The actions of the step that failed, when Marathon reported it. */
      failedStep: DeploymentActionRef[] | undefined;
      /** Apps of the failed step (or of the whole plan when the step is unknown). */
      failedApps: string[];
    }
  | {
      outcome: "timeout";
      deploymentId: string;
      elapsedMs: number;
      /** The deployment as last seen in `/v2/deployments`: its current step and actions. */
      inFlight: Deployment | undefined;
    };

/** Options of the waiters. */
export interface WaitOptions {
  /** Give up after this long. Default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** How often state is polled, as a fallback to events. Default 2 000 ms. */
  pollIntervalMs?: number;
}

const DEPLOYMENT_EVENTS = [
  "event_stream_attached",
  "deployment_info",
  "deployment_step_failure",
  "deployment_success",
  "deployment_failed",
];

/**
 * Waits until a deployment ends. It listens to the event stream (`deployment_success`, `deployment_failed`, and
 * `deployment_step_failure` for which step and apps failed) and polls `/v2/deployments` meanwhile, so it also finishes
 * when events are lost. A deployment that is gone from the list without a failure event seen is reported as succeeded
 * `observedBy: "polling"`; verify the result at the HTCondor level when it matters.
 *
 * @example
 * const { deploymentId } = await marathon.putGroup(group);
 * const result = await waitForDeployment(marathon, deploymentId, { timeoutMs: 300_000 });
 * if (result.outcome !== "succeeded") console.error(result);
 * @throws {AbortedError} when `signal` fires.
 */
export async function waitForDeployment(
  client: MarathonClient,
  deploymentId: string,
  options: WaitOptions = {},
): Promise<DeploymentOutcome> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  const { signal, stop } = deadline(options);
  let failedStep: DeploymentActionRef[] | undefined;
  let planApps: string[] = [];
  let ended: DeploymentOutcome | undefined;
  let lastSeen: Deployment | undefined;
  let wake: (() => void) | undefined;
  let attached = false;

  const stream = client.events({ eventTypes: DEPLOYMENT_EVENTS, signal });
  const listening = (async () => {
    for await (const item of stream) {
      if (item.kind === "event" && item.event.eventType === "event_stream_attached") attached = true;
      const outcome = fromEvent(item, deploymentId, elapsed, (step, apps) => {
        failedStep = step ?? failedStep;
        if (apps.length > 0) planApps = apps;
      });
      if (item.kind === "reconnected") wake?.();
      if (outcome) {
        ended =
          outcome.outcome === "failed"
            ? { ...outcome, failedStep, failedApps: appsOf(failedStep, planApps) }
            : outcome;
        wake?.();
        return;
      }
      if (attached) wake?.();
    }
  })().catch(() => {
    // Events are an optimisation: polling below still ends the wait.
  });

  try {
    // Poll once the stream is attached (or after one interval), so no ending can fall between the two.
    await pause(
      options.pollIntervalMs ?? 2000,
      signal,
      (w) => (wake = w),
      () => attached || ended !== undefined,
    );
    while (!ended) {
      const deployments = await client.listDeployments({ signal }).catch((error: unknown) => {
        if (signal.aborted) throw error;
        return undefined;
      });
      if (deployments) {
        lastSeen = deployments.find((d) => d.id === deploymentId);
        if (!lastSeen && !ended) {
          ended = failedStep
            ? {
                outcome: "failed",
                deploymentId,
                elapsedMs: elapsed(),
                failedStep,
                failedApps: appsOf(failedStep, planApps),
              }
            : { outcome: "succeeded", deploymentId, elapsedMs: elapsed(), observedBy: "polling" };
          break;
        }
      }
      await pause(
        options.pollIntervalMs ?? 2000,
        signal,
        (w) => (wake = w),
        () => ended !== undefined,
      );
    }
    return ended;
  } catch (error) {
    if (error instanceof AbortedError && !options.signal?.aborted) {
      return { outcome: "timeout", deploymentId, elapsedMs: elapsed(), inFlight: lastSeen };
    }
    throw error;
  } finally {
    stop();
    stream.close();
    await listening;
  }
}

/** How waiting for an app ended. */
export type AppHealthOutcome =
  | { outcome: "healthy"; app: App; elapsedMs: number }
  | { outcome: "timeout"; app: App | undefined; elapsedMs: number };

/**
 * Waits until an app runs `instances` tasks (default: its configured count), all healthy when it has health checks,
 * and no deployment is in flight for it. Polls the app, sooner when a task or health event for it arrives.
 *
 * @throws {AbortedError} when `signal` fires.
 */
export async function waitForAppHealthy(
  client: MarathonClient,
  appId: string,
  options: WaitOptions & { instances?: number } = {},
): Promise<AppHealthOutcome> {
  const started = Date.now();
  const { signal, stop } = deadline(options);
  let app: App | undefined;
  let wake: (() => void) | undefined;
  let changed = false;
  const stream = client.events({
    eventTypes: ["status_update_event", "health_status_changed_event", "instance_health_changed_event"],
    signal,
  });
  const listening = (async () => {
    for await (const item of stream) {
      changed = true;
      wake?.();
      void item;
    }
  })().catch(() => {});
  try {
    for (;;) {
      changed = false;
      app = await client.getApp(appId, { signal });
      if (isHealthy(app, options.instances))
        return { outcome: "healthy", app, elapsedMs: Date.now() - started };
      await pause(
        options.pollIntervalMs ?? 2000,
        signal,
        (w) => (wake = w),
        () => changed,
      );
    }
  } catch (error) {
    if (error instanceof AbortedError && !options.signal?.aborted)
      return { outcome: "timeout", app, elapsedMs: Date.now() - started };
    throw error;
  } finally {
    stop();
    stream.close();
    await listening;
  }
}

function isHealthy(app: App, instances: number | undefined): boolean {
  const want = instances ?? app.instances ?? 0;
  const running = app.tasksRunning ?? 0;
  const healthChecks = app.healthChecks?.length ?? 0;
  const inFlight = app.deployments?.length ?? 0;
  return inFlight === 0 && running >= want && (healthChecks === 0 || (app.tasksHealthy ?? 0) >= want);
}

function fromEvent(
  item: EventStreamItem,
  deploymentId: string,
  elapsed: () => number,
  noteFailure: (step: DeploymentActionRef[] | undefined, planApps: string[]) => void,
): DeploymentOutcome | undefined {
  if (item.kind !== "event") return undefined;
  const event = item.event as {
    eventType: string;
    id?: unknown;
    plan?: { id?: unknown; steps?: unknown };
    currentStep?: { actions?: unknown };
  };
  const planId = event.plan?.id;
  if (event.eventType === "deployment_step_failure" && planId === deploymentId) {
    noteFailure(actionsOf(event.currentStep?.actions), planAppsOf(event.plan?.steps));
    return undefined;
  }
  if (event.eventType === "deployment_info" && planId === deploymentId) {
    noteFailure(undefined, planAppsOf(event.plan?.steps));
    return undefined;
  }
  if (event.id !== deploymentId) return undefined;
  if (event.eventType === "deployment_success")
    return { outcome: "succeeded", deploymentId, elapsedMs: elapsed(), observedBy: "events" };
  if (event.eventType === "deployment_failed") {
    return { outcome: "failed", deploymentId, elapsedMs: elapsed(), failedStep: undefined, failedApps: [] };
  }
  return undefined;
}

/** Step actions; old Marathon versions name the field `type` instead of `action` (examples/events). */
function actionsOf(actions: unknown): DeploymentActionRef[] | undefined {
  if (!Array.isArray(actions)) return undefined;
  return actions.flatMap((a: unknown) => {
    if (!a || typeof a !== "object") return [];
    const { action, type, app, pod } = a as Record<string, unknown>;
    return [
      {
        action: String(action ?? type ?? ""),
        ...(app ? { app: String(app) } : {}),
        ...(pod ? { pod: String(pod) } : {}),
      },
    ];
  });
}

function planAppsOf(steps: unknown): string[] {
  if (!Array.isArray(steps)) return [];
  const apps = new Set<string>();
  for (const step of steps) {
    const actions =
      step && typeof step === "object" && "actions" in step ? actionsOf(step.actions) : actionsOf([step]);
    for (const a of actions ?? []) if (a.app) apps.add(a.app);
  }
  return [...apps];
}

function appsOf(step: DeploymentActionRef[] | undefined, planApps: string[]): string[] {
  const apps = step?.flatMap((a) => (a.app ? [a.app] : [])) ?? [];
  return apps.length > 0 ? apps : planApps;
}

/** A signal that fires on the caller's signal or at the timeout; `stop()` clears the timer. */
function deadline(options: WaitOptions): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error("timeout")), options.timeoutMs ?? 600_000);
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  return {
    signal: controller.signal,
    stop: () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Waits up to `ms`, or until woken while `ready()` holds. Rejects with AbortedError when the signal fires. */
async function pause(
  ms: number,
  signal: AbortSignal,
  setWake: (wake: () => void) => void,
  ready: () => boolean,
): Promise<void> {
  if (ready()) return;
  // The losing sleep is cancelled, so that a finished wait does not keep the process alive until it would end.
  const cancel = new AbortController();
  const onAbort = () => cancel.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  const woken = new Promise<void>((resolve) => setWake(() => ready() && resolve()));
  try {
    await Promise.race([sleep(ms, cancel.signal).catch(() => undefined), woken]);
  } finally {
    signal.removeEventListener("abort", onAbort);
    cancel.abort();
  }
  if (signal.aborted) throw new AbortedError("waiting");
}
