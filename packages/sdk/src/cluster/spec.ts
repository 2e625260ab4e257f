/**
 * The cluster file: one YAML document describing a whole HTCondor batch system deployed on Mesos through Marathon.
 *
 * This zod schema is the single source of truth for the file: TypeScript types are inferred from it, the JSON Schema
 * (`bsaas schema`, `@bsaas/sdk/cluster.schema.json`) is generated from it, and every field is documented here.
 * Cross-field rules (site references, pool bounds, network/runtime combinations) live in {@link ClusterSpecSchema}'s
 * refinement so that they are reported with the same file:line:column locations as shape errors.
 */
import { z } from "zod";
import { Secret } from "../secret.js";

/** `apiVersion` of the cluster files this SDK reads. */
export const CLUSTER_API_VERSION = "bsaas.io/v1alpha1";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A lowercase DNS label: used in Marathon app ids, HTCondor daemon names and Mesos labels. */
const name = (what: string) =>
  z
    .string()
    .max(63, { error: `${what} must be at most 63 characters` })
    .regex(DNS_LABEL, {
      error: `${what} must be a lowercase DNS label: a-z, 0-9 and '-', starting and ending with a letter or digit`,
    });

const httpUrl = (what: string) =>
  z.url({ protocol: /^https?$/, error: `${what} must be an http:// or https:// URL` }).describe(what);

const megabytes = (what: string, dflt: number) =>
  z
    .number()
    .int()
    .positive()
    .default(dflt)
    .describe(`${what}, in MiB (Mesos and Marathon count memory in MiB).`);

const cpus = (dflt: number) =>
  z.number().positive().default(dflt).describe("CPU shares given to the task by Mesos (fractions allowed).");

/**
 * A secret: either written inline (normally as `${ENV_VAR}`, interpolated when the file is loaded) or read from a file
 * at the moment it is needed (`{ file: path }`, relative to the cluster file). Inline values become {@link Secret}
 * objects, which never print their value.
 */
export const SecretRefSchema = z
  .union([
    z
      .string()
      .min(1, { error: "a secret must not be empty" })
      .transform((value) => new Secret(value)),
    z
      .strictObject({
        file: z
          .string()
          .min(1)
          .describe(
            "Path of a file holding the secret; relative paths are taken from the cluster file's folder.",
          ),
      })
      .describe("Read the secret from a file when it is needed."),
  ])
  .describe("A secret: `${ENV_VAR}` (recommended), an inline string, or `{ file: path }`.");
export type SecretRef = z.output<typeof SecretRefSchema>;

/** Credentials for a site's Marathon and Mesos endpoints. */
export const AuthSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("none") }).describe("No authentication."),
    z
      .strictObject({
        type: z.literal("basic"),
        username: z.string().min(1).describe("HTTP basic user name."),
        password: SecretRefSchema,
      })
      .describe("HTTP basic authentication (Marathon's --http_credentials, Mesos' --credentials)."),
    z
      .strictObject({
        type: z.literal("dcos"),
        token: SecretRefSchema,
      })
      .describe("A DC/OS ACS token, sent as `Authorization: token=...`."),
    z
      .strictObject({
        type: z.literal("bearer"),
        token: SecretRefSchema,
      })
      .describe("An OAuth/OIDC bearer token, sent as `Authorization: Bearer ...`."),
  ])
  .describe("How bsaas authenticates to the site's Marathon and Mesos.");
export type Auth = z.output<typeof AuthSchema>;

/** TLS settings for a site's endpoints. Certificates are always verified. */
export const TlsSchema = z
  .strictObject({
    caFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        "PEM file of the certificate authority that signed the site's certificates (added to the system CAs).",
      ),
    serverName: z
      .string()
      .min(1)
      .optional()
      .describe("Host name to verify the certificate against, when it differs from the URL's."),
  })
  .describe("TLS settings for https:// endpoints. Certificates are always verified.");

const MARATHON_OPERATORS = ["UNIQUE", "CLUSTER", "GROUP_BY", "LIKE", "UNLIKE", "MAX_PER", "IS"] as const;

/** A Marathon placement constraint, in Marathon's own array form (raml/v2/types/constraint.raml). */
export const ConstraintSchema = z
  .union([
    z.tuple([z.string().min(1).describe("Agent attribute or `hostname`."), z.enum(MARATHON_OPERATORS)]),
    z.tuple([z.string().min(1), z.enum(MARATHON_OPERATORS), z.string().describe("Operator argument.")]),
  ])
  .describe(
    'A Marathon constraint `[field, OPERATOR]` or `[field, OPERATOR, value]`, e.g. `["site", "CLUSTER", "infn-to"]`.',
  );

/** Container network of a site's tasks. */
export const NetworkSchema = z
  .strictObject({
    mode: z
      .enum(["calico", "user", "bridge", "host"])
      .default("host")
      .describe(
        "calico: a Calico network (one IP per container); user: a Docker user-defined network; bridge: Docker's bridge with the shared port mapped to a host port; host: the agent's own network stack.",
      ),
    name: z
      .string()
      .min(1)
      .optional()
      .describe("Network name; required for `calico` and `user`, not allowed otherwise."),
  })
  .describe("How the site's containers are networked.");

/** The elastic HTCondor executor pool of one site. */
export const ExecutorPoolSchema = z
  .strictObject({
    instances: z
      .number()
      .int()
      .min(0)
      .describe("Executors to run now (the autoscaler moves this between min and max)."),
    min: z.number().int().min(0).default(0).describe("Fewest executors the autoscaler keeps."),
    max: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Most executors the autoscaler starts; defaults to `instances`."),
    cpus: cpus(1),
    mem: megabytes("Memory of one executor", 2048),
    disk: megabytes("Scratch disk of one executor", 4096),
    partitionable: z
      .boolean()
      .default(true)
      .describe(
        "One partitionable slot per executor (jobs carve dynamic slots); false gives one static slot per CPU.",
      ),
  })
  .describe("The site's HTCondor executors (startds): one Marathon app, scaled elastically.");

/** A Mesos cluster (with its Marathon) that runs part of the batch system. */
export const SiteSchema = z
  .strictObject({
    name: name("site name").describe(
      "Site name, unique in the file; published by executors as the `Site` machine attribute.",
    ),
    marathon: z
      .strictObject({ url: httpUrl("Marathon base URL, e.g. http://marathon.site:8080") })
      .describe("The site's Marathon."),
    mesos: z
      .strictObject({
        url: z
          .string()
          .regex(/^(https?:\/\/[^\s]+|zk:\/\/[^\s/]+(:\d+)?(,[^\s/]+(:\d+)?)*\/[^\s]*)$/, {
            error:
              "must be an http(s):// master URL or a zk://host:port[,host:port...]/path ZooKeeper address",
          })
          .describe(
            "Mesos master URL (http://master:5050) or ZooKeeper address (zk://h1:2181,h2:2181/mesos).",
          ),
      })
      .optional()
      .describe(
        "The site's Mesos master, for status and the framework mode; optional for Marathon-only deployments.",
      ),
    auth: AuthSchema.optional(),
    tls: TlsSchema.optional(),
    network: NetworkSchema.default({ mode: "host" }),
    ccb: z
      .boolean()
      .default(false)
      .describe(
        "Executors reach the pool through HTCondor's Connection Broker (CCB_ADDRESS = the collector): for sites behind NAT or on private overlay networks.",
      ),
    executors: ExecutorPoolSchema,
    constraints: z
      .array(ConstraintSchema)
      .default([])
      .describe("Marathon placement constraints for every app of this site."),
  })
  .describe("A site: a Mesos cluster with its Marathon, running part of the pool.");
export type Site = z.output<typeof SiteSchema>;

/** The HTCondor central manager (collector and negotiator). */
export const CentralManagerSchema = z
  .strictObject({
    site: z.string().min(1).describe("Name of the site that runs the central manager."),
    address: z
      .string()
      .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/, {
        error: "must be a host name or an IP address (no port: the port is htcondor.port)",
      })
      .optional()
      .describe(
        "Host name or address where every daemon and bsaas reach the central manager: a Mesos-DNS name, a VIP, or the agent it runs on. Default for the docker runtime: its Mesos-DNS name (<app>.marathon.mesos); required for the command runtime.",
      ),
    cpus: cpus(1),
    mem: megabytes("Memory", 1024),
    highAvailability: z
      .strictObject({
        replicas: z
          .number()
          .int()
          .min(2)
          .max(5)
          .default(2)
          .describe("Central managers to run (HTCondor HAD picks the active one)."),
      })
      .optional()
      .describe("Run several central managers with HTCondor's high-availability daemons; omit for one."),
  })
  .describe(
    "The HTCondor central manager: collector and negotiator, and the CCB server for NATed executors.",
  );

/** A submit node (schedd), where users queue jobs. */
export const SubmitterSchema = z
  .strictObject({
    name: name("submitter name").describe("Submitter name, unique in the file; becomes the schedd's name."),
    site: z.string().min(1).describe("Name of the site that runs this submitter."),
    cpus: cpus(1),
    mem: megabytes("Memory", 1024),
    disk: megabytes("Spool disk", 4096),
  })
  .describe("A submit node: an HTCondor schedd where users queue jobs.");

/** HTCondor-wide settings. */
export const HTCondorSchema = z
  .strictObject({
    version: z
      .string()
      .regex(/^\d+(\.\d+){0,2}$/, { error: "must be a version or version prefix such as 23, 23.9 or 23.9.6" })
      .optional()
      .describe(
        "HTCondor version the pool must report (a prefix: `23` accepts 23.x.y); checked when the pool is verified.",
      ),
    sharedPort: z
      .boolean()
      .default(true)
      .describe("Run every daemon of a node behind HTCondor's shared port (one inbound TCP port per node)."),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(9618)
      .describe("The collector's (and shared port's) TCP port."),
    security: z
      .discriminatedUnion("method", [
        z
          .strictObject({
            method: z.literal("idtokens"),
            signingKey: SecretRefSchema.optional().describe(
              "Pool signing key that bsaas mints per-role IDTOKENS with; generated and kept in bsaas' state when omitted.",
            ),
            trustDomain: z
              .string()
              .min(1)
              .optional()
              .describe("TRUST_DOMAIN (token issuer); defaults to the cluster name."),
          })
          .describe("IDTOKENS: per-role tokens with the narrowest authorizations, minted by bsaas."),
        z
          .strictObject({
            method: z.literal("password"),
            password: SecretRefSchema.describe("The pool password shared by every daemon."),
          })
          .describe("A shared pool password (HTCondor's legacy PASSWORD method)."),
      ])
      .default({ method: "idtokens" })
      .describe("How HTCondor daemons authenticate to each other."),
    config: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, { error: "must be an HTCondor configuration knob name" }),
        z.string().refine((v) => !/[\r\n]/.test(v), { error: "must be a single line" }),
      )
      .default({})
      .describe(
        'More HTCondor configuration for every daemon of the pool (knob -> value), written after bsaas\'s own, e.g. NEGOTIATOR_INTERVAL: "20".',
      ),
  })
  .describe("HTCondor-wide settings.");

/** How HTCondor is started on the Mesos agents. */
export const RuntimeSchema = z
  .discriminatedUnion("type", [
    z
      .strictObject({
        type: z.literal("docker"),
        images: z
          .strictObject({
            centralManager: z
              .string()
              .min(1)
              .describe("Image of the central manager, e.g. htcondor/cm:23.0-el8."),
            submitter: z
              .string()
              .min(1)
              .describe("Image of the submit nodes, e.g. htcondor/submit:23.0-el8."),
            executor: z.string().min(1).describe("Image of the executors, e.g. htcondor/execute:23.0-el8."),
          })
          .describe("One image per role."),
        forcePullImage: z.boolean().default(false).describe("Pull the image on every task start."),
      })
      .describe("Tasks run in Docker containers through the Mesos Docker containerizer."),
    z
      .strictObject({
        type: z.literal("command"),
        condorMaster: z
          .string()
          .min(1)
          .default("condor_master")
          .describe("condor_master to run on the agents: a command on PATH or an absolute path."),
        systemConfig: z
          .string()
          .min(1)
          .default("/etc/condor/condor_config")
          .describe(
            "The agents' HTCondor system configuration, included first by the generated per-task configuration.",
          ),
      })
      .describe("Tasks are plain commands on agents that have HTCondor installed (the local mode)."),
  ])
  .describe("How HTCondor runs on the Mesos agents.");

/** Storage attached to jobs. */
export const StorageSchema = z
  .strictObject({
    cvmfs: z
      .strictObject({
        repositories: z
          .array(z.string().regex(/^[a-z0-9][-a-z0-9]*(\.[a-z0-9][-a-z0-9]*)+$/))
          .min(1)
          .describe("Repository names (FQRNs)."),
        proxy: z
          .string()
          .min(1)
          .default("DIRECT")
          .describe("CVMFS_HTTP_PROXY: `|` load-balances, `;` fails over, DIRECT means none."),
        serverUrls: z
          .array(httpUrl("Stratum 1 URL; @fqrn@ is replaced by the repository name"))
          .optional()
          .describe("CVMFS_SERVER_URL entries; the repositories' defaults when omitted."),
      })
      .describe("CernVM-FS repositories, mounted for jobs through Parrot."),
    onedata: z
      .strictObject({
        onezone: httpUrl("Onezone URL"),
        token: SecretRefSchema.describe("Onedata access token."),
        spaces: z.array(z.string().min(1)).min(1).describe("Space names jobs can use."),
      })
      .describe("Onedata spaces."),
    dynafed: z
      .strictObject({
        url: httpUrl("Federation base URL"),
        token: SecretRefSchema.optional().describe("Bearer token, when the federation needs one."),
      })
      .describe("A Dynafed (WebDAV) storage federation."),
    fts3: z
      .strictObject({
        url: httpUrl("FTS3 REST endpoint, e.g. https://fts3.example.org:8446"),
        token: SecretRefSchema.describe("OIDC bearer token for the FTS3 REST API."),
      })
      .describe("An FTS3 service for third-party transfers."),
  })
  .partial()
  .describe("Storage attached to the pool's jobs.");

/** Elasticity: executors follow the job queue. */
export const AutoscaleSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe("Let bsaas move each site's `executors.instances` between min and max."),
    intervalSeconds: z.number().int().min(5).default(30).describe("How often the queue is looked at."),
    idleJobsPerExecutor: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe("Idle jobs that justify one more executor (1: one executor per idle job)."),
    maxStepUp: z.number().int().min(1).default(5).describe("Most executors added in one interval, per site."),
    idleSecondsBeforeScaleDown: z
      .number()
      .int()
      .min(0)
      .default(300)
      .describe(
        "An executor with no running job for this long is drained and removed; running jobs are never killed.",
      ),
  })
  .describe("Elasticity: executors follow the job queue; scale-down drains, never kills running jobs.");

/** App names bsaas gives its own apps in a site's group; submitters cannot use them. */
export const RESERVED_APP_NAMES: ReadonlySet<string> = new Set(["central-manager", "executors"]);

/** The whole cluster file. */
export const ClusterSpecSchema = z
  .strictObject({
    apiVersion: z.literal(CLUSTER_API_VERSION).describe(`Always \`${CLUSTER_API_VERSION}\`.`),
    kind: z.literal("Cluster").describe("Always `Cluster`."),
    metadata: z
      .strictObject({
        name: name("cluster name").describe("Cluster name: Marathon groups are /bsaas/<name>/<site>."),
        labels: z.record(z.string(), z.string()).default({}).describe("Labels copied to every Marathon app."),
      })
      .describe("Identity of the cluster."),
    htcondor: HTCondorSchema.default({
      sharedPort: true,
      port: 9618,
      security: { method: "idtokens" },
      config: {},
    }),
    centralManager: CentralManagerSchema,
    submitters: z
      .array(SubmitterSchema)
      .min(1, { error: "at least one submitter is needed to queue jobs" })
      .describe("Submit nodes (schedds); at least one."),
    sites: z
      .array(SiteSchema)
      .min(1, { error: "at least one site is needed" })
      .describe("Sites (Mesos clusters with Marathon); executors run at every site."),
    runtime: RuntimeSchema,
    storage: StorageSchema.default({}),
    autoscale: AutoscaleSchema.default({
      enabled: false,
      intervalSeconds: 30,
      idleJobsPerExecutor: 1,
      maxStepUp: 5,
      idleSecondsBeforeScaleDown: 300,
    }),
  })
  .superRefine((spec, ctx) => {
    const siteIndex = new Map<string, number>();
    spec.sites.forEach((site, i) => {
      if (siteIndex.has(site.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "name"],
          message: `site "${site.name}" is defined twice`,
        });
      } else siteIndex.set(site.name, i);

      // Bounds are compared only between values that are valid on their own (a negative count is reported once).
      const pool = site.executors;
      if (pool.instances >= 0 && pool.instances < pool.min) {
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "executors", "instances"],
          message: `instances (${pool.instances}) is below min (${pool.min})`,
        });
      }
      if (pool.max !== undefined && pool.instances > pool.max) {
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "executors", "instances"],
          message: `instances (${pool.instances}) is above max (${pool.max})`,
        });
      }
      if (pool.max !== undefined && pool.min > pool.max) {
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "executors", "min"],
          message: `min (${pool.min}) is above max (${pool.max})`,
        });
      }

      const net = site.network;
      const named = net.mode === "calico" || net.mode === "user";
      if (named && !net.name) {
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "network"],
          message: `network mode ${net.mode} needs a network name`,
        });
      }
      if (!named && net.name) {
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "network", "name"],
          message: `network mode ${net.mode} takes no name (only calico and user networks are named)`,
        });
      }
      if (spec.runtime.type === "command" && net.mode !== "host") {
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "network", "mode"],
          message: `network mode ${net.mode} needs the docker runtime; command tasks use the agent's network (mode: host)`,
        });
      }
    });

    if (spec.runtime.type === "docker" && spec.sites.length > 1 && !spec.centralManager.address) {
      ctx.addIssue({
        code: "custom",
        path: ["centralManager"],
        message:
          "a cluster over several sites needs centralManager.address: a name or address every site reaches the central manager at (each site's Mesos-DNS only knows its own apps)",
      });
    }
    if (spec.runtime.type === "command" && !spec.centralManager.address) {
      ctx.addIssue({
        code: "custom",
        path: ["centralManager"],
        message:
          "the command runtime needs centralManager.address: the host name or address of the agent that runs the central manager (127.0.0.1 for a one-machine pool)",
      });
    }
    if (spec.centralManager.highAvailability) {
      ctx.addIssue({
        code: "custom",
        path: ["centralManager", "highAvailability"],
        message:
          "highAvailability is not supported by this version of bsaas yet (HTCondor HAD is not rendered); remove it to run one central manager",
      });
    }

    const siteNames = [...siteIndex.keys()].join(", ");
    if (!siteIndex.has(spec.centralManager.site)) {
      ctx.addIssue({
        code: "custom",
        path: ["centralManager", "site"],
        message: `no site named "${spec.centralManager.site}" (sites: ${siteNames})`,
      });
    }
    const submitterNames = new Set<string>();
    spec.submitters.forEach((submitter, i) => {
      if (submitterNames.has(submitter.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["submitters", i, "name"],
          message: `submitter "${submitter.name}" is defined twice`,
        });
      }
      submitterNames.add(submitter.name);
      if (RESERVED_APP_NAMES.has(submitter.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["submitters", i, "name"],
          message: `"${submitter.name}" is taken by bsaas's own apps (${[...RESERVED_APP_NAMES].join(", ")}); choose another name`,
        });
      }
      if (!siteIndex.has(submitter.site)) {
        ctx.addIssue({
          code: "custom",
          path: ["submitters", i, "site"],
          message: `no site named "${submitter.site}" (sites: ${siteNames})`,
        });
      }
    });
  })
  .describe(
    "A bsaas cluster: an HTCondor batch system deployed on Mesos through Marathon, across one or more sites.",
  );

/** A validated cluster file, with every default filled in. */
export type ClusterSpec = z.output<typeof ClusterSpecSchema>;
/** A cluster file as written (defaults optional). */
export type ClusterSpecInput = z.input<typeof ClusterSpecSchema>;
