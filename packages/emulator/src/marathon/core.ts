import { randomUUID } from "node:crypto";
import { evaluateAgent } from "../agents/cluster.js";
import type { TaskRunner, TaskStatusUpdate } from "../agents/runner.js";
import {
  type Agent,
  isTerminalState,
  type MesosTaskState,
  type NoOfferMatchReason,
  REASON_FUNNEL,
} from "../agents/types.js";
import type { MesosObject } from "../mesos/json.js";
import { type ResourceBag, resourcesJson, subtract } from "../mesos/resources.js";
import {
  type AppDef,
  cloneApp,
  containerOf,
  hostPortNeeds,
  isUpgrade,
  portNames,
  serializeApp,
  servicePorts,
  withServicePorts,
} from "./app-definition.js";
import type { VersionClock } from "./clock.js";
import { HttpError } from "./errors.js";
import type { EventBus, MarathonEvent } from "./events.js";
import {
  appsById,
  cloneGroup,
  emptyGroup,
  findApp,
  findGroup,
  type GroupNode,
  putApp,
  removeApp,
  transitiveApps,
  transitiveGroups,
} from "./groups.js";
import { type ProbeResult, probe, resolveHealthCheck } from "./health.js";
import type { JsonObject, JsonValue } from "./json.js";
import type { MarathonOffer, MarathonStatus, MesosDriver } from "./mesos-driver.js";
import { newInstanceId, splitPath, taskIdOf } from "./paths.js";
import { affectedApps, computePlan, findCycle, type PlanAction, type PlanStep, stepsJson } from "./plan.js";

/** Knobs that make time pass faster in tests. */
export interface MarathonTiming {
  /** Multiplies health check grace periods, intervals and timeouts (default 1; e.g. 0.01 in tests). */
  healthCheckScale?: number;
  /** Multiplies launch back-off delays after failures (default 1). */
  backoffScale?: number;
  /** Multiplies `taskKillGracePeriodSeconds` (default 1). */
  killGraceScale?: number;
  /** How long offers Marathon cannot use are refused (Mesos `refuse_seconds`; default 5000 ms). */
  declineOfferDurationMs?: number;
}

/** What an instance is meant to do (Marathon's `Goal`). */
export type Goal = "Running" | "Stopped" | "Decommissioned";

/** The result of one health check of an instance (Marathon's `Health`). */
export interface HealthState {
  alive: boolean;
  consecutiveFailures: number;
  firstSuccess?: string;
  lastSuccess?: string;
  lastFailure?: string;
  lastFailureCause?: string;
}

/** The current task of an instance. */
export interface TaskRecord {
  taskId: string;
  agentId: string;
  ports: number[];
  state: MesosTaskState;
  message: string;
  stagedAt: string;
  startedAt?: string;
  killRequested: boolean;
  /** Why Marathon killed it: an API call, a deployment, or failed health checks. */
  killReason?: "api" | "deployment" | "unhealthy";
}

/** An instance of an app: one task at a time; a failed task is relaunched as the next incarnation. */
export interface Instance {
  instanceId: string;
  appId: string;
  /** Incarnation of the current or next task (`._app.<n>`). */
  incarnation: number;
  goal: Goal;
  /** App version the current task was launched with. */
  runSpecVersion: string;
  /** App config version (`lastConfigChangeAt`) the current task was launched with. */
  configVersion: string;
  task?: TaskRecord;
  /** Since when the instance waits to be launched (when it has no task). */
  waitingSince: string;
  health: (HealthState | undefined)[];
  /** Last instance-level health published. */
  healthy?: boolean;
}

/** A running deployment. */
export interface Deployment {
  id: string;
  version: string;
  original: GroupNode;
  target: GroupNode;
  steps: PlanStep[];
  /** 0 before the first step starts, then 1-based. */
  currentStep: number;
  affectedApps: string[];
  /** Apps whose StopApplication already reported `app_terminated_event`. */
  terminated: Set<string>;
  /** The group the change was about, for `group_change_success` / `group_change_failed`. */
  groupId: string;
}

interface LaunchStats {
  since: string;
  processed: number;
  unused: number;
  lastUnusedAt?: string;
  lastUsedAt?: string;
  attempt: Map<NoOfferMatchReason, number>;
  /** The last offer of each agent and why it was not (fully) used for the app. */
  lastByAgent: Map<string, { reasons: NoOfferMatchReason[]; timestamp: string; offer: MarathonOffer }>;
}

interface Backoff {
  failures: number;
  until: number;
  timer?: NodeJS.Timeout;
}

/** Options of a change of the group tree. */
export interface DeployOptions {
  force?: boolean;
  /** Instances that ScaleApplication actions must kill (kill-and-scale). */
  toKill?: ReadonlyMap<string, readonly string[]>;
  /** Apps to restart even though their definition did not change. */
  restart?: ReadonlySet<string>;
  dryRun?: boolean;
  /** The group the change is about (`groupId` of `group_change_success`); default `/`. */
  groupId?: string;
}

/** The outcome of a change of the group tree. */
export interface DeployResult {
  deploymentId: string;
  version: string;
  steps: PlanStep[];
  original: GroupNode;
  target: GroupNode;
}

const FAILURE_STATES: ReadonlySet<MesosTaskState> = new Set<MesosTaskState>([
  "TASK_FAILED",
  "TASK_ERROR",
  "TASK_LOST",
  "TASK_DROPPED",
  "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
  "TASK_UNREACHABLE",
  "TASK_UNKNOWN",
]);

const CONDITIONS: Record<MesosTaskState, string> = {
  TASK_STAGING: "Staging",
  TASK_STARTING: "Starting",
  TASK_RUNNING: "Running",
  TASK_KILLING: "Killing",
  TASK_FINISHED: "Finished",
  TASK_FAILED: "Failed",
  TASK_KILLED: "Killed",
  TASK_ERROR: "Error",
  TASK_LOST: "Gone",
  TASK_DROPPED: "Dropped",
  TASK_UNREACHABLE: "Unreachable",
  TASK_GONE: "Gone",
  TASK_GONE_BY_OPERATOR: "Gone",
  TASK_UNKNOWN: "Unknown",
};

/** Scala's `Double.toString` for the numbers Marathon puts in `MARATHON_APP_RESOURCE_*` (1 → "1.0"). */
function scalaDouble(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

const SERVICE_PORT_MIN = 10000;
const SERVICE_PORT_MAX = 20000;

/**
 * The state and scheduler of the Marathon emulator: the group tree and its versions, instances and their tasks on
 * the agents, the launch queue, health, and deployments that move the cluster to the tree.
 */
export class MarathonCore {
  root: GroupNode;
  private readonly history: { version: string; root: GroupNode }[] = [];
  private readonly appVersions = new Map<string, Map<string, AppDef>>();
  readonly instances = new Map<string, Instance>();
  readonly deployments = new Map<string, Deployment>();
  private readonly lastFailures = new Map<string, JsonObject>();
  private readonly backoffs = new Map<string, Backoff>();
  private readonly launchStats = new Map<string, LaunchStats>();
  private readonly healthTimers = new Map<string, NodeJS.Timeout[]>();
  private reconcileScheduled: NodeJS.Immediate | undefined;
  private closed = false;
  /** Agents Marathon learnt about from offers (hostname, address, attributes for constraints). */
  private readonly agents = new Map<string, Agent>();
  /** Launchable instances (`<instance id>:<incarnation>`) when Marathon last revived offers. */
  private revivedFor = new Set<string>();
  /** Set by the emulator: Marathon's framework connection to the Mesos master. */
  driver: MesosDriver | undefined;

  constructor(
    readonly runner: TaskRunner,
    private readonly bus: EventBus,
    private readonly clock: VersionClock,
    private readonly timing: Required<MarathonTiming>,
  ) {
    const version = clock.next();
    this.root = emptyGroup("/", version);
    this.history.push({ version, root: this.root });
  }

  /** An agent Marathon has seen in an offer. */
  agentInfo(agentId: string): Agent | undefined {
    return this.agents.get(agentId);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Events
  // -------------------------------------------------------------------------------------------------------------

  publish(eventType: string, fields: JsonObject): void {
    if (this.closed) return;
    const event: MarathonEvent = { ...fields, eventType, timestamp: new Date().toISOString() };
    this.bus.publish(event);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Versions
  // -------------------------------------------------------------------------------------------------------------

  /** Versions of an app, newest first. */
  appVersionList(appId: string): string[] {
    return [...(this.appVersions.get(appId)?.keys() ?? [])].sort().reverse();
  }

  appAtVersion(appId: string, version: string): AppDef | undefined {
    return this.appVersions.get(appId)?.get(version);
  }

  /** Versions of a group, newest first. */
  groupVersionList(groupId: string): string[] {
    const versions = new Set<string>();
    for (const entry of this.history) {
      const group = findGroup(entry.root, groupId);
      if (group) versions.add(group.version);
    }
    return [...versions].sort().reverse();
  }

  groupAtVersion(groupId: string, version: string): GroupNode | undefined {
    for (const entry of [...this.history].reverse()) {
      const group = findGroup(entry.root, groupId);
      if (group && group.version === version) return group;
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Changes
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Applies a change of the group tree: assigns service ports and versions, computes the plan, checks deployment
   * locks (409 unless `force`, which cancels the conflicting deployments), stores the new tree and starts the
   * deployment. `change` gets the current tree and the new version and returns the wanted tree.
   */
  deploy(change: (root: GroupNode, version: string) => GroupNode, options: DeployOptions = {}): DeployResult {
    const version = this.clock.next();
    const original = this.root;
    const wanted = change(cloneGroup(original), version);
    const target = this.finalize(original, wanted, version, options.restart ?? new Set());
    for (const group of transitiveGroups(target)) {
      if (group.id !== "/" && findApp(target, group.id)) {
        throw new HttpError(422, {
          message: "Object is not valid",
          details: [
            { path: "/", errors: [`Groups and Applications may not have the same identifier: ${group.id}`] },
          ],
        });
      }
    }
    const cycle = findCycle(target);
    if (cycle) {
      throw new HttpError(422, {
        message: "Object is not valid",
        details: [{ path: "/", errors: [`Dependency graph has cyclic dependencies: ${cycle.join(" -> ")}`] }],
      });
    }
    const steps = computePlan(original, target, options.toKill);
    const deploymentId = randomUUID();
    const result: DeployResult = { deploymentId, version, steps, original, target };
    if (options.dryRun) return result;
    const affected = affectedApps(steps);
    const conflicts = [...this.deployments.values()].filter((d) =>
      d.affectedApps.some((id) => affected.includes(id)),
    );
    if (conflicts.length > 0) {
      if (!options.force) {
        const first = conflicts[0]?.id ?? "";
        throw new HttpError(409, {
          message: `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${first}'.`,
          deployments: conflicts.map((d) => ({ id: d.id })),
        });
      }
      for (const conflict of conflicts)
        this.cancelDeployment(conflict.id, "Deployment was canceled by a forced change");
    }
    this.commit(target);
    this.deployments.set(deploymentId, {
      id: deploymentId,
      version,
      original,
      target,
      steps,
      currentStep: 0,
      affectedApps: affected,
      terminated: new Set(),
      groupId: options.groupId ?? "/",
    });
    this.requestReconcile();
    return result;
  }

  /** Service ports and versions, like Marathon's `AssignDynamicServiceLogic` and `GroupVersioningUtil`. */
  private finalize(
    original: GroupNode,
    wanted: GroupNode,
    version: string,
    restart: ReadonlySet<string>,
  ): GroupNode {
    const target = cloneGroup(wanted);
    const before = appsById(original);
    const used = new Set<number>();
    for (const app of [...before.values(), ...transitiveApps(target)]) {
      for (const port of servicePorts(app)) if (port > 0) used.add(port);
    }
    let next = SERVICE_PORT_MIN;
    const freePort = (): number => {
      while (used.has(next) && next <= SERVICE_PORT_MAX) next++;
      if (next > SERVICE_PORT_MAX) {
        throw new HttpError(422, {
          message: "Object is not valid",
          details: [
            { path: "/", errors: [`All service ports in ${SERVICE_PORT_MIN}-${SERVICE_PORT_MAX} are taken`] },
          ],
        });
      }
      used.add(next);
      return next;
    };
    for (const group of transitiveGroups(target)) {
      for (const [id, app] of group.apps) {
        const old = before.get(id);
        let fixed = app;
        const ports = servicePorts(app);
        if (ports.includes(0) && (!old || isUpgrade(old, app))) {
          const reusable = old ? servicePorts(old).filter((p) => p > 0 && !ports.includes(p)) : [];
          fixed = withServicePorts(
            app,
            ports.map((p) => (p === 0 ? (reusable.shift() ?? freePort()) : p)),
          );
        }
        fixed = cloneApp(fixed);
        if (!old || restart.has(id) || isUpgrade(old, fixed)) {
          fixed.version = version;
          fixed.versionInfo = { lastScalingAt: version, lastConfigChangeAt: version };
        } else if (old.instances !== fixed.instances) {
          fixed.version = version;
          fixed.versionInfo = {
            lastScalingAt: version,
            lastConfigChangeAt: old.versionInfo.lastConfigChangeAt,
          };
        } else {
          fixed.version = old.version;
          fixed.versionInfo = { ...old.versionInfo };
        }
        group.apps.set(id, fixed);
      }
    }
    target.version = version;
    return target;
  }

  private commit(target: GroupNode): void {
    this.root = target;
    this.history.push({ version: target.version, root: target });
    if (this.history.length > 200) this.history.splice(1, 1);
    for (const app of transitiveApps(target)) {
      let versions = this.appVersions.get(app.id);
      if (!versions) {
        versions = new Map();
        this.appVersions.set(app.id, versions);
      }
      if (!versions.has(app.version)) versions.set(app.version, cloneApp(app));
    }
    const alive = new Set(transitiveApps(target).map((app) => app.id));
    for (const id of this.appVersions.keys()) if (!alive.has(id)) this.appVersions.delete(id);
    for (const id of this.lastFailures.keys()) if (!alive.has(id)) this.lastFailures.delete(id);
    for (const [id, backoff] of this.backoffs) {
      const app = findApp(target, id);
      if (!app) {
        if (backoff.timer) clearTimeout(backoff.timer);
        this.backoffs.delete(id);
      }
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Deployments
  // -------------------------------------------------------------------------------------------------------------

  /** The JSON plan of a deployment as events carry it (`{id, steps, version}`). */
  planJson(d: Deployment): JsonObject {
    return { id: d.id, steps: stepsJson(d.steps), version: d.version };
  }

  private stepJson(d: Deployment): JsonObject {
    const step = d.steps[d.currentStep - 1];
    return { actions: step ? step.actions.map(({ action, app }) => ({ action, app })) : [] };
  }

  /** `DeploymentStepInfo` of a running deployment. */
  deploymentJson(d: Deployment): JsonObject {
    const step = d.currentStep > 0 ? d.steps[d.currentStep - 1] : undefined;
    return {
      id: d.id,
      version: d.version,
      affectedApps: [...d.affectedApps],
      affectedPods: [],
      steps: stepsJson(d.steps),
      currentActions: step
        ? step.actions.map(({ action, app }) => ({ action, app, readinessCheckResults: [] }))
        : [],
      currentStep: d.currentStep,
      totalSteps: d.steps.length,
    };
  }

  /** Running deployments that touch an app. */
  deploymentsOf(appId: string): Deployment[] {
    return [...this.deployments.values()].filter((d) => d.affectedApps.includes(appId));
  }

  /** Stops a deployment without rolling back (its changes stay in the tree; tasks stay as they are). */
  cancelDeployment(id: string, reason: string): boolean {
    const d = this.deployments.get(id);
    if (!d) return false;
    this.deployments.delete(id);
    if (d.currentStep > 0) {
      this.publish("deployment_step_failure", { plan: this.planJson(d), currentStep: this.stepJson(d) });
    }
    this.publish("deployment_failed", { id: d.id, plan: this.planJson(d), reason });
    this.publish("group_change_failed", { groupId: d.groupId, version: d.version, reason });
    this.requestReconcile();
    return true;
  }

  /**
   * Cancels a deployment and deploys the reverse of its changes (`DELETE /v2/deployments/{id}`): each app it
   * touched goes back to its definition before the deployment (or away, if it was new). Simplified from
   * Marathon's `DeploymentPlanReverter`: group-level changes other than apps are not reverted.
   */
  rollback(id: string): DeployResult {
    const d = this.deployments.get(id);
    if (!d) throw new HttpError(404, { message: `DeploymentPlan ${id} does not exist` });
    this.cancelDeployment(id, "Deployment was rolled back");
    return this.deploy(
      (root, version) => {
        let next = root;
        for (const appId of d.affectedApps) {
          const before = findApp(d.original, appId);
          if (before) next = putApp(next, cloneApp(before), version);
          else if (findApp(next, appId)) next = removeApp(next, appId, version);
        }
        return next;
      },
      { force: true },
    );
  }

  private advanceDeployments(): boolean {
    let changed = false;
    for (const d of [...this.deployments.values()]) {
      for (let guard = 0; guard <= d.steps.length + 1; guard++) {
        if (!this.deployments.has(d.id)) break;
        if (d.currentStep > 0 && !this.stepDone(d)) break;
        if (d.currentStep > 0) {
          this.publish("deployment_step_success", { plan: this.planJson(d), currentStep: this.stepJson(d) });
        }
        if (d.currentStep >= d.steps.length) {
          this.deployments.delete(d.id);
          this.publish("deployment_success", { id: d.id, plan: this.planJson(d) });
          this.publish("group_change_success", { groupId: d.groupId, version: d.version });
          changed = true;
          break;
        }
        d.currentStep++;
        changed = true;
        this.publish("deployment_info", { plan: this.planJson(d), currentStep: this.stepJson(d) });
        for (const action of d.steps[d.currentStep - 1]?.actions ?? []) this.startAction(action);
      }
    }
    return changed;
  }

  private stepDone(d: Deployment): boolean {
    const step = d.steps[d.currentStep - 1];
    if (!step) return true;
    let done = true;
    for (const action of step.actions) if (!this.actionDone(d, action)) done = false;
    return done;
  }

  private startAction(action: PlanAction): void {
    const app = findApp(this.root, action.app);
    switch (action.action) {
      case "StartApplication":
        return;
      case "StopApplication":
        for (const instance of this.instancesOf(action.app)) {
          instance.goal = "Decommissioned";
          this.killInstance(instance, "deployment");
        }
        return;
      case "ScaleApplication": {
        if (!app) return;
        for (const id of action.sentenced ?? []) {
          const instance = this.instances.get(id);
          if (!instance || instance.appId !== app.id || instance.goal !== "Running") continue;
          instance.goal = "Decommissioned";
          this.killInstance(instance, "api");
        }
        this.scaleTo(app, action.scaleTo ?? app.instances);
        return;
      }
      case "RestartApplication":
        return;
      default:
        return;
    }
  }

  /** Launches or kills instances so that `scaleTo` instances of the app are meant to run. */
  private scaleTo(app: AppDef, scaleTo: number): void {
    const running = this.instancesOf(app.id).filter((i) => i.goal === "Running");
    if (running.length > scaleTo) {
      const youngestFirst = app.killSelection !== "OLDEST_FIRST";
      const order = [...running].sort((a, b) => {
        // Instances not launched yet go first, then by launch time.
        const ta = a.task?.stagedAt ?? "~";
        const tb = b.task?.stagedAt ?? "~";
        if (ta === tb) return 0;
        if (ta === "~") return -1;
        if (tb === "~") return 1;
        return youngestFirst ? (ta < tb ? 1 : -1) : ta < tb ? -1 : 1;
      });
      for (const instance of order.slice(0, running.length - scaleTo)) {
        instance.goal = "Decommissioned";
        this.killInstance(instance, "deployment");
      }
    }
    for (let i = running.length; i < scaleTo; i++) this.newInstance(app);
  }

  private actionDone(d: Deployment, action: PlanAction): boolean {
    const app = findApp(this.root, action.app);
    switch (action.action) {
      case "StartApplication":
        return true;
      case "StopApplication": {
        if (this.instancesOf(action.app).length > 0) return false;
        if (!d.terminated.has(action.app)) {
          d.terminated.add(action.app);
          this.publish("app_terminated_event", { appId: action.app });
        }
        return true;
      }
      case "ScaleApplication": {
        if (!app) return true;
        const instances = this.instancesOf(app.id);
        const running = instances.filter((i) => i.goal === "Running");
        const scaleTo = action.scaleTo ?? app.instances;
        if (running.length < scaleTo) this.scaleTo(app, scaleTo);
        return (
          running.length === scaleTo &&
          running.every((i) => this.isReady(app, i)) &&
          instances.every((i) => i.goal === "Running")
        );
      }
      case "RestartApplication":
        if (!app) return true;
        return this.restartTick(app);
      default:
        return true;
    }
  }

  /**
   * One round of a rolling restart under the app's `upgradeStrategy`: launch new instances up to
   * `instances × (1 + maximumOverCapacity)` in total, kill old ones while at least
   * `ceil(instances × minimumHealthCapacity)` old-or-new-and-ready instances remain, and when neither is possible,
   * replace one old instance at a time. Returns true when only new, ready instances are left.
   */
  private restartTick(app: AppDef): boolean {
    const config = app.versionInfo.lastConfigChangeAt;
    const all = this.instancesOf(app.id);
    const running = all.filter((i) => i.goal === "Running");
    const old = running.filter((i) => i.configVersion !== config);
    const fresh = running.filter((i) => i.configVersion === config);
    const n = app.instances;
    const minHealthy = Math.ceil(n * app.upgradeStrategy.minimumHealthCapacity - 1e-9);
    const maxCapacity = Math.floor(n * (1 + app.upgradeStrategy.maximumOverCapacity) + 1e-9);
    const readyFresh = () => fresh.filter((i) => this.isReady(app, i)).length;
    // Old instances that never launched are replaced right away.
    for (const instance of old.filter((i) => i.task === undefined)) {
      instance.goal = "Decommissioned";
      this.killInstance(instance, "deployment");
    }
    let oldLeft = old.filter((i) => i.goal === "Running");
    let killed = 0;
    const killOne = () => {
      const victim =
        oldLeft.find((i) => !this.isReady(app, i)) ??
        [...oldLeft].sort((a, b) => ((a.task?.stagedAt ?? "") < (b.task?.stagedAt ?? "") ? -1 : 1))[0];
      if (!victim) return;
      victim.goal = "Decommissioned";
      this.killInstance(victim, "deployment");
      oldLeft = oldLeft.filter((i) => i !== victim);
      killed++;
    };
    while (oldLeft.length > 0 && oldLeft.length - 1 + readyFresh() >= minHealthy) killOne();
    let toLaunch = Math.min(n - fresh.length, maxCapacity - (oldLeft.length + fresh.length));
    if (
      toLaunch <= 0 &&
      killed === 0 &&
      oldLeft.length > 0 &&
      fresh.length < n &&
      readyFresh() === fresh.length
    ) {
      killOne();
      toLaunch = Math.min(n - fresh.length, maxCapacity - (oldLeft.length + fresh.length));
    }
    for (let i = 0; i < toLaunch; i++) fresh.push(this.newInstance(app));
    if (fresh.length > n) {
      for (const extra of fresh.slice(n)) {
        extra.goal = "Decommissioned";
        this.killInstance(extra, "deployment");
      }
    }
    return (
      oldLeft.length === 0 &&
      fresh.length === n &&
      fresh.every((i) => this.isReady(app, i)) &&
      this.instancesOf(app.id).every((i) => i.goal === "Running")
    );
  }

  // -------------------------------------------------------------------------------------------------------------
  // Instances
  // -------------------------------------------------------------------------------------------------------------

  instancesOf(appId: string): Instance[] {
    return [...this.instances.values()].filter((i) => i.appId === appId);
  }

  private newInstance(app: AppDef): Instance {
    const instance: Instance = {
      instanceId: newInstanceId(app.id),
      appId: app.id,
      incarnation: 1,
      goal: "Running",
      runSpecVersion: app.version,
      configVersion: app.versionInfo.lastConfigChangeAt,
      waitingSince: new Date().toISOString(),
      health: [],
    };
    this.instances.set(instance.instanceId, instance);
    this.requestReconcile();
    return instance;
  }

  /** Running and, when the app has health checks, healthy. */
  isReady(app: AppDef, instance: Instance): boolean {
    if (instance.task?.state !== "TASK_RUNNING" || instance.task.killRequested) return false;
    if (app.healthChecks.length === 0) return true;
    return this.healthyOf(app, instance) === true;
  }

  /** true: all checks alive; false: some check not alive; undefined: no result yet. */
  healthyOf(app: AppDef, instance: Instance): boolean | undefined {
    if (app.healthChecks.length === 0) return undefined;
    const results = app.healthChecks.map((_, i) => instance.health[i]);
    if (results.some((r) => r !== undefined && !r.alive)) return false;
    if (results.every((r) => r?.alive === true)) return true;
    return undefined;
  }

  /**
   * Kills the task of an instance. An instance whose goal is still `Running` is relaunched afterwards; one that is
   * decommissioned goes away. Instances that wait for a launch and are decommissioned are removed at once.
   */
  killInstance(instance: Instance, reason: "api" | "deployment" | "unhealthy"): void {
    const task = instance.task;
    if (!task || isTerminalState(task.state)) {
      if (instance.goal !== "Running") this.removeInstance(instance);
      return;
    }
    if (task.killRequested) return;
    task.killRequested = true;
    task.killReason = reason;
    this.driver?.kill(task.taskId, task.agentId);
  }

  /**
   * `wipe=true`: the instance is killed and forgotten (decommissioned), and a new instance takes its place so that
   * the app keeps its instance count (Marathon's scale check does the same a little later).
   */
  wipeInstance(instance: Instance): void {
    const app = findApp(this.root, instance.appId);
    const wasRunning = instance.goal === "Running";
    instance.goal = "Decommissioned";
    this.killInstance(instance, "api");
    if (app && wasRunning) this.newInstance(app);
  }

  private removeInstance(instance: Instance): void {
    this.stopHealthChecks(instance);
    this.instances.delete(instance.instanceId);
    this.requestReconcile();
  }

  /** The instance whose current task has this id. */
  instanceByTaskId(taskId: string): Instance | undefined {
    for (const instance of this.instances.values()) if (instance.task?.taskId === taskId) return instance;
    return undefined;
  }

  /** A status update from Mesos (the driver acknowledges it afterwards). */
  onMesosUpdate(status: MarathonStatus): void {
    const instance = this.instanceByTaskId(status.taskId);
    if (!instance) return;
    this.onStatus(instance.instanceId, {
      taskId: status.taskId,
      state: status.state as MesosTaskState,
      message: status.message,
      timestamp: status.timestamp,
    });
  }

  private onStatus(instanceId: string, update: TaskStatusUpdate): void {
    if (this.closed) return;
    const instance = this.instances.get(instanceId);
    const task = instance?.task;
    if (!instance || !task || task.taskId !== update.taskId || isTerminalState(task.state)) return;
    // A repeated update (a re-sent or reconciliation update) changes nothing.
    if (task.state === update.state) return;
    task.state = update.state;
    task.message = update.message;
    const agent = this.agents.get(task.agentId);
    const host = agent?.hostname ?? "";
    if (update.state === "TASK_RUNNING" && task.startedAt === undefined) task.startedAt = update.timestamp;
    this.publish("status_update_event", {
      slaveId: task.agentId,
      taskId: task.taskId,
      taskStatus: update.state,
      message: update.message,
      appId: instance.appId,
      host,
      ipAddresses: [{ ipAddress: agent?.address ?? "127.0.0.1", protocol: "IPv4" }],
      ports: [...task.ports],
      version: instance.runSpecVersion,
    });
    this.publish("instance_changed_event", {
      instanceId: instance.instanceId,
      condition: CONDITIONS[update.state],
      runSpecId: instance.appId,
      agentId: task.agentId,
      host,
      runSpecVersion: instance.runSpecVersion,
    });
    if (update.state === "TASK_RUNNING") this.startHealthChecks(instance);
    if (isTerminalState(update.state)) this.onTerminal(instance, task, update, host);
    this.requestReconcile();
  }

  private onTerminal(instance: Instance, task: TaskRecord, update: TaskStatusUpdate, host: string): void {
    this.stopHealthChecks(instance);
    if (instance.healthy !== undefined) {
      instance.healthy = undefined;
      this.publish("instance_health_changed_event", {
        instanceId: instance.instanceId,
        runSpecId: instance.appId,
        healthy: null,
        runSpecVersion: instance.runSpecVersion,
      });
    }
    const unexpected = !task.killRequested || task.killReason === "unhealthy";
    if (FAILURE_STATES.has(update.state)) {
      this.lastFailures.set(instance.appId, {
        appId: instance.appId,
        host,
        message: update.message,
        state: update.state,
        taskId: task.taskId,
        timestamp: update.timestamp,
        version: instance.runSpecVersion,
        slaveId: task.agentId,
      });
    }
    if (unexpected && instance.goal === "Running") this.addBackoff(instance.appId);
    if (instance.goal === "Running" && findApp(this.root, instance.appId)) {
      instance.task = undefined;
      instance.incarnation++;
      instance.health = [];
      instance.waitingSince = new Date().toISOString();
    } else {
      instance.task = task;
      this.removeInstance(instance);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Back-off
  // -------------------------------------------------------------------------------------------------------------

  private addBackoff(appId: string): void {
    const app = findApp(this.root, appId);
    if (!app) return;
    const backoff = this.backoffs.get(appId) ?? { failures: 0, until: 0 };
    backoff.failures++;
    const seconds = Math.min(
      app.backoffSeconds * app.backoffFactor ** (backoff.failures - 1),
      app.maxLaunchDelaySeconds,
    );
    backoff.until = Date.now() + seconds * 1000 * this.timing.backoffScale;
    this.backoffs.set(appId, backoff);
  }

  /** Seconds left of an app's launch delay (0 when none). */
  delayLeftMs(appId: string): number {
    const backoff = this.backoffs.get(appId);
    return backoff ? Math.max(0, backoff.until - Date.now()) : 0;
  }

  /** Resets an app's launch delay (`DELETE /v2/queue/{id}/delay`). */
  resetDelay(appId: string): void {
    const backoff = this.backoffs.get(appId);
    if (backoff?.timer) clearTimeout(backoff.timer);
    this.backoffs.delete(appId);
    this.requestReconcile();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Launching
  // -------------------------------------------------------------------------------------------------------------

  /** Instances of an app waiting to be launched. */
  waitingOf(appId: string): Instance[] {
    return this.instancesOf(appId)
      .filter((i) => i.goal === "Running" && i.task === undefined)
      .sort((a, b) => (a.waitingSince < b.waitingSince ? -1 : a.waitingSince > b.waitingSince ? 1 : 0));
  }

  /** Instances that may be launched now: waiting, and their app is not in a launch delay. */
  private launchable(): { app: AppDef; instances: Instance[] }[] {
    const out: { app: AppDef; instances: Instance[] }[] = [];
    for (const app of transitiveApps(this.root)) {
      const waiting = this.waitingOf(app.id);
      if (waiting.length === 0 || this.delayLeftMs(app.id) > 0) continue;
      out.push({ app, instances: waiting });
    }
    return out;
  }

  /**
   * Keeps the launch queue's bookkeeping (launch delays) and tells Mesos whether Marathon wants offers: REVIVE when an
   * instance became launchable since the last revive, SUPPRESS when nothing waits. Launching happens on offers.
   */
  private launchPending(): void {
    const apps = transitiveApps(this.root);
    const waitingApps = new Set<string>();
    for (const app of apps) {
      const waiting = this.waitingOf(app.id);
      if (waiting.length === 0) continue;
      waitingApps.add(app.id);
      if (!this.launchStats.has(app.id)) this.launchStats.set(app.id, this.newStats());
      const delay = this.delayLeftMs(app.id);
      if (delay > 0) {
        const backoff = this.backoffs.get(app.id);
        if (backoff && !backoff.timer) {
          backoff.timer = setTimeout(() => {
            backoff.timer = undefined;
            this.requestReconcile();
          }, delay + 1);
        }
      }
    }
    for (const id of this.launchStats.keys()) {
      if (!waitingApps.has(id) || this.waitingOf(id).length === 0) this.launchStats.delete(id);
    }
    const driver = this.driver;
    if (!driver) return;
    const keys = new Set(
      this.launchable().flatMap(({ instances }) => instances.map((i) => `${i.instanceId}:${i.incarnation}`)),
    );
    if (keys.size === 0) {
      if (!driver.suppressed) driver.suppress();
      this.revivedFor.clear();
      return;
    }
    if (driver.suppressed || [...keys].some((key) => !this.revivedFor.has(key))) {
      this.revivedFor = keys;
      driver.revive();
    }
  }

  private newStats(): LaunchStats {
    return {
      since: new Date().toISOString(),
      processed: 0,
      unused: 0,
      attempt: new Map(),
      lastByAgent: new Map(),
    };
  }

  private declineSeconds(): number {
    return (this.timing.declineOfferDurationMs ?? 5000) / 1000;
  }

  /**
   * Offers from Mesos: each is matched against the launch queue (apps in tree order, instances oldest first) with the
   * placement rules of {@link evaluateAgent} (resources, ports, roles, constraints) against what is left of the offer.
   * Used offers are accepted with LAUNCH; the others are declined. Every offer counts in the queue's
   * `processedOffersSummary` of each app that was waiting.
   */
  onOffers(offers: readonly MarathonOffer[]): void {
    const driver = this.driver;
    if (this.closed || !driver) return;
    for (const offer of offers) {
      this.agents.set(offer.agent.id, offer.agent);
      let remaining: ResourceBag = offer.resources;
      const taskInfos: MesosObject[] = [];
      const now = new Date().toISOString();
      for (const { app, instances } of this.launchable()) {
        const stats = this.launchStats.get(app.id) ?? this.newStats();
        this.launchStats.set(app.id, stats);
        stats.processed++;
        let used = false;
        let reasons: NoOfferMatchReason[] = [];
        for (const instance of instances) {
          const needs = hostPortNeeds(app);
          const config = app.versionInfo.lastConfigChangeAt;
          const placed = this.instancesOf(app.id)
            .filter(
              (i) =>
                i.task &&
                !isTerminalState(i.task.state) &&
                !i.task.killRequested &&
                i.configVersion === config,
            )
            .map((i) => this.agents.get(i.task?.agentId ?? ""))
            .filter((a): a is Agent => a !== undefined);
          const result = evaluateAgent(
            offer.agent,
            remaining,
            {
              cpus: app.cpus,
              mem: app.mem,
              disk: app.disk,
              gpus: app.gpus,
              portCount: needs.count,
              ...(needs.required ? { requiredPorts: needs.required } : {}),
              constraints: app.constraints,
              ...(app.acceptedResourceRoles ? { acceptedResourceRoles: app.acceptedResourceRoles } : {}),
            },
            placed,
          );
          if (result.reasons.length > 0) {
            reasons = result.reasons;
            break;
          }
          const taskInfo = this.launch(app, instance, offer.agent, result.ports, now);
          taskInfos.push(taskInfo);
          remaining = subtract(remaining, {
            cpus: app.cpus,
            mem: app.mem,
            disk: app.disk,
            gpus: app.gpus,
            ports: result.ports,
          });
          used = true;
        }
        if (used) stats.lastUsedAt = now;
        else {
          if (reasons.length === 0) reasons = ["DeclinedScarceResources"];
          stats.unused++;
          stats.lastUnusedAt = now;
          const first = reasons[0];
          if (first) stats.attempt.set(first, (stats.attempt.get(first) ?? 0) + 1);
        }
        stats.lastByAgent.set(offer.agent.id, { reasons, timestamp: now, offer });
      }
      if (taskInfos.length > 0) driver.launch(offer.id, taskInfos, this.declineSeconds());
      else driver.decline(offer.id, this.declineSeconds());
    }
  }

  /** Marks an instance launched on an agent and returns its TaskInfo (Marathon's `TaskBuilder`, simplified). */
  private launch(app: AppDef, instance: Instance, agent: Agent, ports: number[], now: string): MesosObject {
    const taskId = taskIdOf(instance.instanceId, instance.incarnation);
    const config = app.versionInfo.lastConfigChangeAt;
    instance.runSpecVersion = app.version;
    instance.configVersion = config;
    instance.health = [];
    instance.task = {
      taskId,
      agentId: agent.id,
      ports,
      state: "TASK_STAGING",
      message: "",
      stagedAt: now,
      killRequested: false,
    };
    const container = containerOf(app);
    const env = this.taskEnv(app, taskId, ports);
    const environment = {
      variables: Object.entries(env).map(([name, value]) => ({ name, value })),
    };
    let command: MesosObject;
    if (app.cmd !== undefined) command = { shell: true, value: app.cmd, environment };
    else if (app.args && app.args.length > 0 && container?.type !== "DOCKER") {
      command = { shell: false, value: app.args[0] ?? "", arguments: [...app.args], environment };
    } else if (app.args && app.args.length > 0) {
      command = { shell: false, arguments: [...app.args], environment };
    } else command = { shell: false, environment };
    // Marathon's FetchUri.toProto: every `fetch` item becomes a CommandInfo.URI, `destPath` its `output_file`.
    if (app.fetch.length > 0) {
      command.uris = app.fetch.map((artifact) => {
        const uri: MesosObject = {
          value: typeof artifact.uri === "string" ? artifact.uri : "",
          executable: artifact.executable === true,
          extract: artifact.extract !== false,
          cache: artifact.cache === true,
        };
        if (typeof artifact.destPath === "string") uri.output_file = artifact.destPath;
        return uri;
      });
    }
    const taskInfo: MesosObject = {
      name: splitPath(app.id).reverse().join("."),
      task_id: { value: taskId },
      agent_id: { value: agent.id },
      resources: resourcesJson({ cpus: app.cpus, mem: app.mem, disk: app.disk, gpus: app.gpus, ports }),
      command,
      kill_policy: {
        grace_period: {
          nanoseconds: Math.round((app.taskKillGracePeriodSeconds ?? 3) * 1e9 * this.timing.killGraceScale),
        },
      },
    };
    const labels = Object.entries(app.labels).map(([key, value]) => ({ key, value }));
    if (labels.length > 0) taskInfo.labels = { labels };
    if (container?.type === "DOCKER") {
      taskInfo.container = { type: "DOCKER", docker: { image: container.image ?? "", network: "HOST" } };
    } else if (container) {
      taskInfo.container =
        container.image === undefined
          ? { type: "MESOS" }
          : { type: "MESOS", mesos: { image: { type: "DOCKER", docker: { name: container.image } } } };
    }
    return taskInfo;
  }

  /** The environment Marathon gives a task (TaskBuilder: context, ports, labels, then the app's `env`). */
  taskEnv(app: AppDef, taskId: string, hostPorts: readonly number[]): Record<string, string> {
    const env: Record<string, string> = {
      MESOS_TASK_ID: taskId,
      MARATHON_APP_ID: app.id,
      MARATHON_APP_VERSION: app.version,
      MARATHON_APP_RESOURCE_CPUS: scalaDouble(app.cpus),
      MARATHON_APP_RESOURCE_MEM: scalaDouble(app.mem),
      MARATHON_APP_RESOURCE_DISK: scalaDouble(app.disk),
      MARATHON_APP_RESOURCE_GPUS: String(app.gpus),
    };
    const image = containerOf(app)?.image;
    if (image !== undefined && containerOf(app)?.type === "DOCKER") env.MARATHON_APP_DOCKER_IMAGE = image;
    const labelNames: string[] = [];
    for (const [key, value] of Object.entries(app.labels)) {
      const name = key.replace(/[^a-zA-Z0-9_]+/g, "_").toUpperCase();
      if (name.length >= 512 - "MARATHON_APP_LABEL_".length || value.length >= 512) continue;
      labelNames.push(name);
      env[`MARATHON_APP_LABEL_${name}`] = value;
    }
    env.MARATHON_APP_LABELS = labelNames.join(" ");
    if (hostPorts.length > 0) {
      const requested = app.portDefinitions ? servicePorts(app) : hostPorts.map(() => 0);
      const names = portNames(app);
      hostPorts.forEach((port, i) => {
        env[`PORT${i}`] = String(port);
        const req = requested[i] ?? 0;
        env[`PORT_${req !== 0 ? req : port}`] = String(port);
        const name = names[i];
        if (name !== undefined) env[`PORT_${name.toUpperCase()}`] = String(port);
      });
      env.PORT = String(hostPorts[0]);
      env.PORTS = hostPorts.join(",");
    }
    for (const [key, value] of Object.entries(app.env)) if (typeof value === "string") env[key] = value;
    return env;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Health
  // -------------------------------------------------------------------------------------------------------------

  private startHealthChecks(instance: Instance): void {
    const app = findApp(this.root, instance.appId);
    const task = instance.task;
    if (!app || !task || app.healthChecks.length === 0 || this.healthTimers.has(task.taskId)) return;
    if (this.runner.kind === "simulated") {
      for (let index = 0; index < app.healthChecks.length; index++) {
        this.onHealthResult(instance, task.taskId, index, { ok: true }, true);
      }
      return;
    }
    const address = this.agents.get(task.agentId)?.address ?? "127.0.0.1";
    const timers: NodeJS.Timeout[] = [];
    this.healthTimers.set(task.taskId, timers);
    app.healthChecks.forEach((hc, index) => {
      const check = resolveHealthCheck(hc, task.ports, this.timing.healthCheckScale);
      const run = () => {
        if (!this.healthTimers.has(task.taskId)) return;
        void probe(check, address, this.runner, task.taskId).then((result) => {
          if (!this.healthTimers.has(task.taskId)) return;
          this.onHealthResult(
            instance,
            task.taskId,
            index,
            result,
            false,
            check.gracePeriodMs,
            check.maxConsecutiveFailures,
          );
          timers[index] = setTimeout(run, check.intervalMs);
        });
      };
      timers[index] = setTimeout(run, 0);
    });
  }

  private stopHealthChecks(instance: Instance): void {
    const taskId = instance.task?.taskId;
    if (!taskId) return;
    for (const timer of this.healthTimers.get(taskId) ?? []) clearTimeout(timer);
    this.healthTimers.delete(taskId);
  }

  /** Records one health check result and publishes what changed; kills after too many failures. */
  onHealthResult(
    instance: Instance,
    taskId: string,
    index: number,
    result: ProbeResult,
    fromTest: boolean,
    gracePeriodMs = 0,
    maxConsecutiveFailures = 0,
  ): void {
    const app = findApp(this.root, instance.appId);
    const task = instance.task;
    if (!app || !task || task.taskId !== taskId || this.closed) return;
    const hc = app.healthChecks[index];
    if (!hc) return;
    const now = new Date().toISOString();
    const previous = instance.health[index];
    if (!result.ok && !fromTest && previous?.firstSuccess === undefined) {
      const started = task.startedAt ? Date.parse(task.startedAt) : Date.now();
      if (Date.now() - started < gracePeriodMs) return;
    }
    const next: HealthState = result.ok
      ? {
          alive: true,
          consecutiveFailures: 0,
          firstSuccess: previous?.firstSuccess ?? now,
          lastSuccess: now,
          ...(previous?.lastFailure ? { lastFailure: previous.lastFailure } : {}),
          ...(previous?.lastFailureCause ? { lastFailureCause: previous.lastFailureCause } : {}),
        }
      : {
          alive: false,
          consecutiveFailures: (previous?.consecutiveFailures ?? 0) + 1,
          ...(previous?.firstSuccess ? { firstSuccess: previous.firstSuccess } : {}),
          ...(previous?.lastSuccess ? { lastSuccess: previous.lastSuccess } : {}),
          lastFailure: now,
          lastFailureCause: result.cause ?? "unhealthy",
        };
    instance.health[index] = next;
    if (!result.ok) {
      this.publish("failed_health_check_event", {
        appId: app.id,
        healthCheck: hc,
        taskId: instance.instanceId,
      });
    }
    if ((previous?.alive ?? false) !== next.alive) {
      this.publish("health_status_changed_event", {
        appId: app.id,
        instanceId: instance.instanceId,
        version: instance.runSpecVersion,
        alive: next.alive,
      });
    }
    const healthy = this.healthyOf(app, instance);
    if (healthy !== instance.healthy) {
      instance.healthy = healthy;
      this.publish("instance_health_changed_event", {
        instanceId: instance.instanceId,
        runSpecId: app.id,
        healthy: healthy ?? null,
        runSpecVersion: instance.runSpecVersion,
      });
    }
    if (
      !result.ok &&
      !fromTest &&
      maxConsecutiveFailures > 0 &&
      next.consecutiveFailures >= maxConsecutiveFailures
    ) {
      if (!task.killRequested) {
        this.publish("unhealthy_instance_kill_event", {
          appId: app.id,
          taskId: task.taskId,
          instanceId: instance.instanceId,
          version: instance.runSpecVersion,
          reason: next.lastFailureCause ?? "unhealthy",
          host: this.agents.get(task.agentId)?.hostname ?? "",
          slaveId: task.agentId,
        });
        this.killInstance(instance, "unhealthy");
      }
    }
    this.requestReconcile();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Reconciliation
  // -------------------------------------------------------------------------------------------------------------

  /** Schedules a scheduler round (deployments advance, waiting instances launch) on the next turn of the loop. */
  requestReconcile(): void {
    if (this.closed || this.reconcileScheduled) return;
    this.reconcileScheduled = setImmediate(() => {
      this.reconcileScheduled = undefined;
      this.reconcile();
    });
  }

  private reconcile(): void {
    if (this.closed) return;
    for (let i = 0; i < 20 && this.advanceDeployments(); i++) {
      // Steps that finish at once (StartApplication) let the next one start in the same round.
    }
    this.launchPending();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconcileScheduled) clearImmediate(this.reconcileScheduled);
    this.reconcileScheduled = undefined;
    for (const timers of this.healthTimers.values()) for (const timer of timers) clearTimeout(timer);
    this.healthTimers.clear();
    for (const backoff of this.backoffs.values()) if (backoff.timer) clearTimeout(backoff.timer);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Views
  // -------------------------------------------------------------------------------------------------------------

  /** Marathon's JSON for a task (RAML `task.Task`). */
  taskJson(instance: Instance, app: AppDef | undefined): JsonObject | undefined {
    const task = instance.task;
    if (!task) return undefined;
    const agent = this.agents.get(task.agentId);
    const health: JsonValue[] = [];
    for (const h of instance.health) {
      if (!h) continue;
      const entry: JsonObject = { alive: h.alive, consecutiveFailures: h.consecutiveFailures };
      if (h.firstSuccess) entry.firstSuccess = h.firstSuccess;
      entry.instanceId = instance.instanceId;
      if (h.lastSuccess) entry.lastSuccess = h.lastSuccess;
      if (h.lastFailure) entry.lastFailure = h.lastFailure;
      if (h.lastFailureCause) entry.lastFailureCause = h.lastFailureCause;
      health.push(entry);
    }
    const out: JsonObject = {
      appId: instance.appId,
      healthCheckResults: health,
      host: agent?.hostname ?? "",
      id: task.taskId,
      ipAddresses: [{ ipAddress: agent?.address ?? "127.0.0.1", protocol: "IPv4" }],
      ports: [...task.ports],
      servicePorts: app ? servicePorts(app) : [],
      slaveId: task.agentId,
      state: task.state,
      stagedAt: task.stagedAt,
    };
    if (task.startedAt) out.startedAt = task.startedAt;
    out.version = instance.runSpecVersion;
    out.localVolumes = [];
    if (agent?.region) out.region = agent.region;
    if (agent?.zone) out.zone = agent.zone;
    out.role = app?.role ?? "*";
    return out;
  }

  /** Tasks of an app, in launch order. */
  tasksOf(appId: string): JsonObject[] {
    const app = findApp(this.root, appId);
    return this.instancesOf(appId)
      .filter((i) => i.task !== undefined)
      .sort((a, b) => ((a.task?.stagedAt ?? "") < (b.task?.stagedAt ?? "") ? -1 : 1))
      .map((i) => this.taskJson(i, app))
      .filter((t): t is JsonObject => t !== undefined);
  }

  /** `tasksStaged`, `tasksRunning`, `tasksHealthy`, `tasksUnhealthy` of an app. */
  counts(app: AppDef): { staged: number; running: number; healthy: number; unhealthy: number } {
    const out = { staged: 0, running: 0, healthy: 0, unhealthy: 0 };
    for (const instance of this.instancesOf(app.id)) {
      const state = instance.task?.state;
      if (state === "TASK_STAGING" || state === "TASK_STARTING") out.staged++;
      if (state === "TASK_RUNNING") out.running++;
      if (state !== undefined && !isTerminalState(state)) {
        const healthy = this.healthyOf(app, instance);
        if (healthy === true) out.healthy++;
        if (healthy === false) out.unhealthy++;
      }
    }
    return out;
  }

  lastTaskFailure(appId: string): JsonObject | undefined {
    return this.lastFailures.get(appId);
  }

  /** Task statistics of an app (RAML `task.TaskStatsByVersion`). */
  taskStats(app: AppDef): JsonObject {
    const now = Date.now();
    const instances = this.instancesOf(app.id).filter((i) => i.task && !isTerminalState(i.task.state));
    const stats = (list: Instance[]): JsonObject | undefined => {
      if (list.length === 0) return undefined;
      const counts = { staged: 0, running: 0, healthy: 0, unhealthy: 0 };
      const lifetimes: number[] = [];
      for (const i of list) {
        const state = i.task?.state;
        if (state === "TASK_STAGING" || state === "TASK_STARTING") counts.staged++;
        if (state === "TASK_RUNNING") counts.running++;
        const healthy = this.healthyOf(app, i);
        if (healthy === true) counts.healthy++;
        if (healthy === false) counts.unhealthy++;
        if (i.task?.startedAt) lifetimes.push((now - Date.parse(i.task.startedAt)) / 1000);
      }
      const entry: JsonObject = { counts };
      if (lifetimes.length > 0) {
        const sorted = [...lifetimes].sort((a, b) => a - b);
        const mid = Math.floor(sorted.length / 2);
        const median =
          sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
        entry.lifeTime = {
          averageSeconds: lifetimes.reduce((a, b) => a + b, 0) / lifetimes.length,
          medianSeconds: median,
        };
      }
      return { stats: entry };
    };
    const out: JsonObject = {};
    const afterScaling = stats(
      instances.filter((i) => (i.task?.stagedAt ?? "") >= app.versionInfo.lastScalingAt),
    );
    const latest = stats(instances.filter((i) => i.configVersion === app.versionInfo.lastConfigChangeAt));
    const outdated = stats(instances.filter((i) => i.configVersion !== app.versionInfo.lastConfigChangeAt));
    const total = stats(instances);
    if (afterScaling) out.startedAfterLastScaling = afterScaling;
    if (latest) out.withLatestConfig = latest;
    if (outdated) out.withOutdatedConfig = outdated;
    if (total) out.totalSummary = total;
    return out;
  }

  /** The launch queue entry of an app (RAML `queue.QueueApp`), or undefined when nothing of it waits. */
  queueItem(app: AppDef, withLastUnusedOffers: boolean): JsonObject | undefined {
    const waiting = this.waitingOf(app.id);
    if (waiting.length === 0) return undefined;
    const stats = this.launchStats.get(app.id) ?? this.newStats();
    const delayMs = this.delayLeftMs(app.id);
    const funnel = (total: number, counts: Map<NoOfferMatchReason, number>): JsonObject[] => {
      let processed = total;
      return REASON_FUNNEL.map((reason) => {
        const declined = counts.get(reason) ?? 0;
        const step = { reason, declined, processed };
        processed -= declined;
        return step;
      });
    };
    const lastCounts = new Map<NoOfferMatchReason, number>();
    for (const { reasons } of stats.lastByAgent.values()) {
      const first = reasons[0];
      if (first) lastCounts.set(first, (lastCounts.get(first) ?? 0) + 1);
    }
    const summary: JsonObject = {
      processedOffersCount: stats.processed,
      unusedOffersCount: stats.unused,
    };
    if (stats.lastUnusedAt) summary.lastUnusedOfferAt = stats.lastUnusedAt;
    if (stats.lastUsedAt) summary.lastUsedOfferAt = stats.lastUsedAt;
    summary.rejectSummaryLastOffers = funnel(stats.lastByAgent.size, lastCounts);
    summary.rejectSummaryLaunchAttempt = funnel(stats.processed, stats.attempt);
    const item: JsonObject = {
      count: waiting.length,
      role: app.role,
      delay: { timeLeftSeconds: Math.ceil(delayMs / 1000), overdue: delayMs <= 0 },
      since: waiting[0]?.waitingSince ?? stats.since,
      processedOffersSummary: summary,
    };
    if (withLastUnusedOffers) {
      const offers: JsonValue[] = [];
      for (const [agentId, { reasons, timestamp, offer }] of stats.lastByAgent) {
        const agent = offer.agent;
        if (reasons.length === 0) continue;
        const free = offer.resources;
        offers.push({
          offer: {
            id: offer.id,
            hostname: agent.hostname,
            agentId,
            resources: [
              { name: "cpus", role: "*", scalar: free.cpus },
              { name: "mem", role: "*", scalar: free.mem },
              { name: "disk", role: "*", scalar: free.disk },
              { name: "ports", role: "*", ranges: rangesOf(free.ports) },
            ],
            attributes: Object.entries(agent.attributes).map(([name, text]) => ({ name, text })),
          },
          reason: [...reasons],
          timestamp,
        });
      }
      item.lastUnusedOffers = offers;
    }
    item.app = serializeApp(app);
    return item;
  }
}

/** Port numbers as ranges (`[1,2,3,7]` → `[{begin:1,end:3},{begin:7,end:7}]`). */
function rangesOf(ports: readonly number[]): JsonObject[] {
  const out: JsonObject[] = [];
  let begin: number | undefined;
  let end = 0;
  for (const port of ports) {
    if (begin !== undefined && port === end + 1) {
      end = port;
      continue;
    }
    if (begin !== undefined) out.push({ begin, end });
    begin = port;
    end = port;
  }
  if (begin !== undefined) out.push({ begin, end });
  return out;
}
