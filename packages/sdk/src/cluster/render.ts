/**
 * Render: a cluster file → one Marathon group per site (`/bsaas/<cluster>/<site>`) holding an app per role: the
 * central manager (at its site), each submitter, and the site's executor pool. The HTCondor configuration of every
 * role comes from the SDK's generator ({@link renderCondorConfig}); secrets never appear in the apps — the command
 * runtime fetches token files from bsaas's state (Mesos fetcher), the docker runtime reads them from the Marathon
 * secret store.
 *
 * Every task is an HTCondor instance of its own: its configuration includes the system configuration first, keeps
 * LOCAL_DIR in the task sandbox, names the master (and startd or schedd) uniquely and listens on its own shared port,
 * so that several run on one agent and still form one pool.
 */
import { BsaasError } from "../errors.js";
import {
  type CondorConfigInput,
  condorEnvironment,
  DEFAULT_MAX_JOB_RETIREMENT_SECONDS,
  renderCondorConfig,
  type TokenRole,
} from "../htcondor/config/index.js";
import { type AppDefinition, AppDefinitionSchema, type GroupUpdate } from "../marathon/index.js";
import type { ClusterSpec, Site } from "./spec.js";
import type { ClusterSecrets } from "./state.js";

/** What an app of the cluster does. */
export type AppRole = "central-manager" | "submit" | "execute";

/** One rendered app with what it is for. */
export interface RenderedApp {
  role: AppRole;
  /** `central-manager`, the submitter's name, or `executors`. */
  name: string;
  app: AppDefinition;
}

/** The group of one site. */
export interface RenderedSite {
  site: string;
  groupId: string;
  apps: RenderedApp[];
  /** The body of the one `PUT /v2/groups/<groupId>` that applies the site. */
  group: GroupUpdate;
}

/** The whole cluster, the central manager's site first. */
export interface RenderedCluster {
  cluster: string;
  /** `host:port` of the collector, as every daemon and bsaas reach it. */
  collector: string;
  sites: RenderedSite[];
  /** The site of each submitter (by name): where its schedd's queue is reported. */
  submitterSites: Record<string, string>;
}

/** Where secrets come from when rendering. */
export interface RenderOptions {
  /** The cluster's state (tokens, signing key); needed by the command runtime, whose tasks fetch them as files. */
  secrets?: ClusterSecrets;
}

/** Labels bsaas puts on every app it renders, and reads back in status. */
export const LABELS = { cluster: "bsaas.cluster", role: "bsaas.role", site: "bsaas.site" } as const;

/** Thrown when a valid cluster file asks for something this renderer cannot produce. */
export class RenderError extends BsaasError {
  constructor(message: string, hint?: string) {
    super("RENDER_FAILED", message, hint ? { hint } : {});
  }
}

/** `/bsaas/<cluster>/<site>`. */
export function groupIdOf(spec: ClusterSpec, site: string): string {
  return `/bsaas/${spec.metadata.name}/${site}`;
}

/** The app id of a role in a site's group. */
export function appIdOf(spec: ClusterSpec, site: string, name: string): string {
  return `${groupIdOf(spec, site)}/${name}`;
}

/** The host every daemon reaches the central manager at (see `centralManager.address`). */
export function centralManagerHost(spec: ClusterSpec): string {
  if (spec.centralManager.address) return spec.centralManager.address;
  // Mesos-DNS names a Marathon app by its path segments, innermost first, joined with '-'.
  const path = appIdOf(spec, spec.centralManager.site, "central-manager").split("/").filter(Boolean);
  return `${path.reverse().join("-")}.marathon.mesos`;
}

/** `host:port` of the collector. */
export function collectorAddress(spec: ClusterSpec): string {
  const host = centralManagerHost(spec);
  return `${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${spec.htcondor.port}`;
}

const isLoopback = (host: string) => /^127\./.test(host) || host === "localhost" || host === "[::1]";

/** Grace Marathon gives a killed executor: on SIGTERM its start script shuts HTCondor down peacefully (jobs finish). */
const EXECUTOR_KILL_GRACE_SECONDS = DEFAULT_MAX_JOB_RETIREMENT_SECONDS;

/**
 * The HTCondor configuration input of one role at one site. Paths and ports come from the task's environment at run
 * time (`$ENV(MESOS_SANDBOX)`, `$ENV(PORT0)`), so the text is the same for every task of the app.
 */
export function condorConfigFor(
  spec: ClusterSpec,
  role: AppRole,
  site: Site,
  name: string,
): CondorConfigInput {
  const cmHost = centralManagerHost(spec);
  const port = spec.htcondor.port;
  const bridge = spec.runtime.type === "docker" && site.network.mode === "bridge";
  // The task listens on a port of its agent: the agent's own network, or Docker's bridge with the same port mapped.
  const hostNetwork = spec.runtime.type === "command" || site.network.mode === "host" || bridge;
  const behindBroker = role !== "central-manager" && site.ccb;
  const sec = spec.htcondor.security;
  const raw: Record<string, string> = {
    BSAAS_SANDBOX: "$ENV(MESOS_SANDBOX)",
    // Several instances on one agent: a daemon must not take another instance's daemons for its own family (the
    // family session is only valid among the daemons of one master; collectors reject it as an unknown session).
    SEC_USE_FAMILY_SESSION: "False",
  };
  // With the agent's network every instance needs its own port: Marathon's PORT0. The central manager keeps the
  // pool's well-known port (its app requires it).
  if (hostNetwork && role !== "central-manager" && spec.htcondor.sharedPort)
    raw.SHARED_PORT_PORT = "$ENV(PORT0)";
  if (bridge) {
    // Behind Docker's bridge a daemon must advertise its agent's address (HOST), with the host port that Marathon
    // maps to the same port inside the container (containerPort 0 = the host port).
    raw.TCP_FORWARDING_HOST = "$ENV(HOST)";
  }
  if (role === "execute") {
    // One startd per task: the Mesos task id names it, so that bsaas maps startds to the tasks to kill.
    raw.MASTER_NAME = "$ENV(MESOS_TASK_ID)";
    raw.STARTD_NAME = "$ENV(MESOS_TASK_ID)";
  }
  Object.assign(raw, spec.htcondor.config);

  const input: CondorConfigInput = {
    role,
    centralManager: `${cmHost}:${port}`,
    name: role === "execute" ? "executor" : name,
    localDir: "$(BSAAS_SANDBOX)/condor",
    sharedPort:
      role === "central-manager" || !hostNetwork
        ? { enabled: spec.htcondor.sharedPort, port }
        : { enabled: spec.htcondor.sharedPort },
    security:
      sec.method === "idtokens"
        ? {
            mode: "idtokens",
            trustDomain: sec.trustDomain ?? spec.metadata.name,
            tokenDirectory: "$(BSAAS_SANDBOX)/secrets/tokens.d",
            passwordDirectory: "$(BSAAS_SANDBOX)/secrets/passwords.d",
          }
        : {
            // The POOL file (the password, scrambled as HTCondor stores it) is delivered like the signing key.
            mode: "idtokens",
            trustDomain: spec.metadata.name,
            tokenDirectory: "$(BSAAS_SANDBOX)/secrets/tokens.d",
            passwordDirectory: "$(BSAAS_SANDBOX)/secrets/passwords.d",
          },
    sandboxCompat: true,
    container: spec.runtime.type === "docker",
    includeSystemConfig: spec.runtime.type === "command" ? spec.runtime.systemConfig : true,
    raw,
  };
  if (isLoopback(cmHost)) input.network = { bindAddress: "127.0.0.1" };
  if (behindBroker) {
    input.ccb = "collector";
    input.privateNetworkName = `${spec.metadata.name}-${site.name}`;
  }
  if (role === "execute") {
    const pool = site.executors;
    input.resources = {
      // Never more CPUs than Mesos gives the task.
      cpus: Math.max(1, Math.floor(pool.cpus)),
      memoryMb: pool.mem,
      diskMb: pool.disk,
      partitionable: pool.partitionable,
    };
    input.site = site.name;
    input.startdAttrs = {
      BsaasCluster: JSON.stringify(spec.metadata.name),
      MesosTaskId: '"$ENV(MESOS_TASK_ID)"',
    };
  }
  return input;
}

/** The token each role's tasks hold, and the rights it carries. */
function tokenOf(role: AppRole, site: Site, name: string): { name: string; role: TokenRole } {
  if (role === "central-manager") return { name: "central-manager", role: "central-manager" };
  if (role === "submit") return { name: `submit-${name}`, role: "submit" };
  return { name: `executors-${site.name}`, role: "execute" };
}

/**
 * The task's start script: puts the delivered secrets in place (0600, directories 0700), creates LOCAL_DIR for the
 * condor user, writes the configuration and starts `condor_master -f` (the runtime's `condorMaster`).
 */
function startScript(runtime: "command" | "docker", role: AppRole, master: string): string {
  const lines = [
    "set -eu",
    'd="$MESOS_SANDBOX"',
    'cd "$d"',
    "umask 077",
    'mkdir -p "$d/secrets/tokens.d" "$d/secrets/passwords.d"',
  ];
  if (runtime === "command") {
    // Fetched by Mesos into the sandbox: move them where HTCondor reads them.
    lines.push(
      'for f in *.token; do [ -e "$f" ] && mv "$f" "$d/secrets/tokens.d/bsaas"; done',
      '[ ! -e signing-key ] || mv signing-key "$d/secrets/passwords.d/POOL"',
    );
  } else {
    // From the secret store through the environment: written to files, then dropped from the environment.
    lines.push(
      'printf %s "$BSAAS_CONDOR_TOKEN" > "$d/secrets/tokens.d/bsaas"',
      'if [ -n "${BSAAS_CONDOR_SIGNING_KEY:-}" ]; then printf %s "$BSAAS_CONDOR_SIGNING_KEY" > "$d/secrets/passwords.d/POOL"; fi',
      "unset BSAAS_CONDOR_TOKEN BSAAS_CONDOR_SIGNING_KEY",
    );
  }
  lines.push(
    "umask 022",
    'for s in log spool execute lock run; do mkdir -p "$d/condor/$s"; done',
    'chown -R condor:condor "$d/condor"',
  );
  if (runtime === "command") {
    lines.push(
      'printf "%s\\n" "$BSAAS_CONDOR_CONFIG" > "$d/condor_config"',
      'export CONDOR_CONFIG="$d/condor_config"',
    );
  }
  if (role !== "execute") {
    // SIGTERM reaches the master, which shuts down gracefully.
    lines.push(`exec ${master} -f`);
    return lines.join("\n");
  }
  // An executor told to stop (Marathon replacing or killing it) first lets its running jobs finish: a graceful
  // shutdown of the master would evict them. The master runs in a session of its own so that the stop signal reaches
  // only this script, which then asks the master for a peaceful shutdown and waits until it has exited.
  lines.push(
    `setsid ${master} -f &`,
    "master=$!",
    `trap 'condor_off -peaceful -master >/dev/null 2>&1 || kill -TERM "$master"' TERM INT`,
    "status=0",
    'while :; do wait "$master" && status=0 || status=$?; kill -0 "$master" 2>/dev/null || break; done',
    'exit "$status"',
  );
  return lines.join("\n");
}

/** A word for `sh`: quoted unless it is plainly safe. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** A COMMAND health check that asks HTCondor, not just whether a process lives. */
function healthCheckFor(role: AppRole, runtime: "command" | "docker"): AppDefinition["healthChecks"] {
  const config = runtime === "command" ? 'CONDOR_CONFIG="$MESOS_SANDBOX/condor_config" ' : "";
  const command =
    role === "central-manager"
      ? // The collector answers and knows itself.
        `${config}condor_status -collector -af Name | grep -q .`
      : role === "submit"
        ? // The local schedd answers a query.
          `${config}condor_q -totals >/dev/null`
        : // This task's startd is in the collector.
          `${config}condor_status -startd -constraint "MesosTaskId == \\"$MESOS_TASK_ID\\"" -af Name | grep -q .`;
  return [
    {
      protocol: "COMMAND",
      command: { value: command },
      // Daemons need a while to start and advertise.
      gracePeriodSeconds: 300,
      intervalSeconds: 10,
      timeoutSeconds: 20,
      maxConsecutiveFailures: 3,
    },
  ];
}

function renderApp(
  spec: ClusterSpec,
  site: Site,
  role: AppRole,
  name: string,
  resources: { cpus: number; mem: number; disk?: number; instances: number },
  options: RenderOptions,
): RenderedApp {
  const id = appIdOf(spec, site.name, name);
  const condor = condorConfigFor(spec, role, site, name);
  const token = tokenOf(role, site, name);
  const port = spec.htcondor.port;
  const app: AppDefinition = {
    id,
    cmd: startScript(
      spec.runtime.type,
      role,
      spec.runtime.type === "command" ? shellWord(spec.runtime.condorMaster) : "condor_master",
    ),
    cpus: resources.cpus,
    mem: resources.mem,
    ...(resources.disk === undefined ? {} : { disk: resources.disk }),
    instances: resources.instances,
    labels: {
      ...spec.metadata.labels,
      [LABELS.cluster]: spec.metadata.name,
      [LABELS.role]: role,
      [LABELS.site]: site.name,
    },
    constraints: site.constraints.map((c) => [...c]),
    healthChecks: healthCheckFor(role, spec.runtime.type),
    upgradeStrategy:
      role === "execute"
        ? // New executors first, then the old ones are told to stop: they retire their jobs (see the kill grace).
          { minimumHealthCapacity: 1, maximumOverCapacity: 1 }
        : // One collector or schedd at a time: they own a fixed port or a queue.
          { minimumHealthCapacity: 0, maximumOverCapacity: 0 },
    // Executors retire their jobs before they stop; the others get time for an orderly shutdown.
    taskKillGracePeriodSeconds: role === "execute" ? EXECUTOR_KILL_GRACE_SECONDS : 120,
  };

  if (spec.runtime.type === "command") {
    const secrets = options.secrets;
    if (!secrets)
      throw new RenderError("rendering the command runtime needs the cluster's secrets (its state)");
    app.env = { BSAAS_CONDOR_CONFIG: renderCondorConfig(condor) };
    const files = [secrets.token(token.name, token.role).path];
    if (role === "central-manager" || spec.htcondor.security.method === "password")
      files.push(secrets.signingKeyFile);
    app.fetch = files.map((path) => ({
      uri: `file://${path}`,
      executable: false,
      extract: false,
      cache: false,
    }));
    app.portDefinitions = [{ port: role === "central-manager" ? port : 0, name: "condor", protocol: "tcp" }];
    if (role === "central-manager") app.requirePorts = true;
  } else {
    if (spec.htcondor.security.method === "password") {
      throw new RenderError(
        "the docker runtime delivers IDTOKENS only; a pool password cannot be passed through the secret store as a file",
        "Use htcondor.security.method: idtokens with the docker runtime.",
      );
    }
    const image =
      role === "central-manager"
        ? spec.runtime.images.centralManager
        : role === "submit"
          ? spec.runtime.images.submitter
          : spec.runtime.images.executor;
    const secretBase = `bsaas/${spec.metadata.name}`;
    app.secrets = { "condor-token": { source: `${secretBase}/${token.name}-token` } };
    app.env = {
      ...condorEnvironment(condor),
      BSAAS_CONDOR_TOKEN: { secret: "condor-token" },
    };
    if (role === "central-manager") {
      app.secrets["condor-signing-key"] = { source: `${secretBase}/signing-key` };
      app.env.BSAAS_CONDOR_SIGNING_KEY = { secret: "condor-signing-key" };
    }
    const mode = site.network.mode;
    app.container = {
      type: "DOCKER",
      docker: { image, forcePullImage: spec.runtime.forcePullImage },
      ...(mode === "host"
        ? {}
        : {
            portMappings: [
              mode === "bridge"
                ? // The same port outside and inside (containerPort 0 takes the host port Marathon assigns): the
                  // daemons advertise it. The central manager needs the pool's well-known port.
                  role === "central-manager"
                  ? { containerPort: port, hostPort: port, name: "condor", protocol: "tcp" }
                  : { containerPort: 0, hostPort: 0, name: "condor", protocol: "tcp" }
                : { containerPort: port, name: "condor", protocol: "tcp" },
            ],
          }),
    };
    app.networks =
      mode === "host"
        ? [{ mode: "host" }]
        : mode === "bridge"
          ? [{ mode: "container/bridge" }]
          : [{ mode: "container", name: site.network.name ?? "" }];
    if (mode === "host") {
      app.portDefinitions = [
        { port: role === "central-manager" ? port : 0, name: "condor", protocol: "tcp" },
      ];
      if (role === "central-manager") app.requirePorts = true;
    }
  }
  // What we send must be what Marathon accepts: a bug here is caught before any request.
  const parsed = AppDefinitionSchema.safeParse(app);
  if (!parsed.success) {
    throw new RenderError(`rendered app ${id} is not a valid Marathon app: ${parsed.error.message}`);
  }
  return { role, name, app };
}

/**
 * Renders the cluster: one group per site, the central manager's site first. The command runtime needs
 * `options.secrets` (token files are minted into the state on first use).
 *
 * @example
 * const { spec } = await loadClusterSpec("examples/two-sites.yaml");
 * const rendered = renderCluster(spec);
 * for (const site of rendered.sites) console.log(site.groupId, site.apps.map((a) => a.app.id));
 */
export function renderCluster(spec: ClusterSpec, options: RenderOptions = {}): RenderedCluster {
  const ordered = [...spec.sites].sort(
    (a, b) => Number(b.name === spec.centralManager.site) - Number(a.name === spec.centralManager.site),
  );
  const sites = ordered.map((site): RenderedSite => {
    const apps: RenderedApp[] = [];
    if (site.name === spec.centralManager.site) {
      const cm = spec.centralManager;
      apps.push(
        renderApp(
          spec,
          site,
          "central-manager",
          "central-manager",
          { cpus: cm.cpus, mem: cm.mem, instances: 1 },
          options,
        ),
      );
    }
    for (const submitter of spec.submitters.filter((s) => s.site === site.name)) {
      apps.push(
        renderApp(
          spec,
          site,
          "submit",
          submitter.name,
          { cpus: submitter.cpus, mem: submitter.mem, disk: submitter.disk, instances: 1 },
          options,
        ),
      );
    }
    const pool = site.executors;
    apps.push(
      renderApp(
        spec,
        site,
        "execute",
        "executors",
        { cpus: pool.cpus, mem: pool.mem, disk: pool.disk, instances: pool.instances },
        options,
      ),
    );
    const groupId = groupIdOf(spec, site.name);
    return { site: site.name, groupId, apps, group: { id: groupId, apps: apps.map((a) => a.app) } };
  });
  return {
    cluster: spec.metadata.name,
    collector: collectorAddress(spec),
    sites,
    submitterSites: Object.fromEntries(spec.submitters.map((s) => [s.name, s.site])),
  };
}
