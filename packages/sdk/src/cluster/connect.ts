/**
 * Connections of a cluster: each site's Marathon and Mesos clients (from the file's URLs, credentials and TLS
 * settings), and the HTCondor tools bsaas itself uses to talk to the pool (a client configuration with the
 * cluster's administrator token). Whether the other end is a real cluster or the emulator is never known here.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { renderCondorConfig, writeSecretFiles } from "../htcondor/config/index.js";
import {
  type HTCondorInstallation,
  hostPath,
  locateHTCondor,
  toolsFor,
} from "../htcondor/local/installation.js";
import { CondorPool } from "../htcondor/pool/client.js";
import type { HttpAuth, HttpLogger } from "../http/index.js";
import { MarathonClient } from "../marathon/client.js";
import { MesosOperatorClient } from "../mesos/operator.js";
import { Secret } from "../secret.js";
import type { LoadedClusterSpec } from "./load.js";
import { centralManagerHost, collectorAddress } from "./render.js";
import type { Site } from "./spec.js";
import { type ClusterSecrets, resolveSecret } from "./state.js";

/** Endpoints that replace a site's URLs from the file (tests, `bsaas up`, per-run overrides). */
export interface SiteEndpoints {
  marathon?: string;
  mesos?: string;
}

/** Clients of one site. */
export interface SiteClients {
  site: Site;
  marathon: MarathonClient;
  /** Absent when the site names no Mesos master. */
  mesos?: MesosOperatorClient;
}

/** Options shared by the connections. */
export interface ConnectOptions {
  endpoints?: Readonly<Record<string, SiteEndpoints>>;
  timeoutMs?: number;
  logger?: HttpLogger;
}

function authOf(loaded: Pick<LoadedClusterSpec, "spec" | "file">, site: Site): HttpAuth | undefined {
  const auth = site.auth;
  if (!auth || auth.type === "none") return undefined;
  const where = `sites.${site.name}.auth`;
  if (auth.type === "basic")
    return {
      type: "basic",
      username: auth.username,
      password: resolveSecret(auth.password, loaded.file, `${where}.password`),
    };
  return { type: auth.type, token: resolveSecret(auth.token, loaded.file, `${where}.token`) };
}

/** The clients of a site. Credentials from `{ file }` references are read now. */
export function connectSite(
  loaded: Pick<LoadedClusterSpec, "spec" | "file">,
  site: Site,
  options: ConnectOptions = {},
): SiteClients {
  const override = options.endpoints?.[site.name] ?? {};
  const auth = authOf(loaded, site);
  const tls = site.tls && {
    ...(site.tls.caFile
      ? {
          caFile: isAbsolute(site.tls.caFile) ? site.tls.caFile : join(dirname(loaded.file), site.tls.caFile),
        }
      : {}),
    ...(site.tls.serverName ? { serverName: site.tls.serverName } : {}),
  };
  const common = {
    ...(auth ? { auth } : {}),
    ...(tls ? { tls } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  const marathon = new MarathonClient({ url: override.marathon ?? site.marathon.url, ...common });
  const mesosUrl = override.mesos ?? site.mesos?.url;
  return {
    site,
    marathon,
    ...(mesosUrl ? { mesos: new MesosOperatorClient({ master: mesosUrl, ...common }) } : {}),
  };
}

/** Options of {@link connectPool}. */
export interface PoolConnectOptions {
  /** Where HTCondor's tools are; default {@link locateHTCondor} (PATH, then the provisioned rootfs). */
  installation?: HTCondorInstallation;
  /** The user jobs are submitted as; default `bsaas` when running as root (HTCondor refuses root's jobs). */
  jobUser?: string;
  /**
   * Where the client configuration goes (as HTCondor sees it); default `/var/lib/bsaas/clients` in a rootfs, else
   * the cluster's state directory.
   */
  clientsDir?: string;
  /** The schedd jobs go to: `<name>@<machine>`; default none (set it per call with {@link CondorPool}). */
  schedd?: string;
}

/** bsaas's own HTCondor client of the pool. */
export interface PoolConnection {
  installation: HTCondorInstallation;
  /** `host:port` of the collector. */
  collector: string;
  /** The client configuration file, as HTCondor sees it. */
  configFile: string;
  /** A pool client acting as the cluster's administrator (`bsaas@<trust domain>`). */
  pool: CondorPool;
  /** The same, for the schedd `schedd`, submitting as the job user. */
  forSchedd(schedd: string): CondorPool;
  /** Removes the client configuration and its copy of the administrator token. */
  remove(): void;
}

/**
 * HTCondor tools configured for the cluster: a client configuration (collector, trust domain, the administrator
 * token in a 0700 directory as a 0600 file), written where the tools can read it (inside the rootfs when HTCondor is
 * there). Tools do not use the shared port themselves, so they also reach daemons behind CCB.
 */
export async function connectPool(
  loaded: Pick<LoadedClusterSpec, "spec" | "file">,
  secrets: ClusterSecrets,
  options: PoolConnectOptions = {},
): Promise<PoolConnection> {
  const spec = loaded.spec;
  const installation = options.installation ?? (await locateHTCondor());
  const collector = collectorAddress(spec);
  // One directory per cluster and state: two clusters (or two test runs) of the same name never share a token.
  const key = createHash("sha256").update(`${secrets.dir}\n${collector}`).digest("hex").slice(0, 10);
  // In a rootfs the tools only see the rootfs; with HTCondor on the host, bsaas's own state directory will do (and
  // is writable by a user who is not root).
  const clientsDir =
    options.clientsDir ??
    (installation.kind === "rootfs" ? "/var/lib/bsaas/clients" : join(secrets.dir, "htcondor"));
  const dir = join(clientsDir, `${spec.metadata.name}-${key}`);
  const configFile = join(dir, "condor_config");
  const admin = secrets.token("bsaas", "admin");
  const cmHost = centralManagerHost(spec);
  const config = renderCondorConfig({
    // The submit role's client side: tools read only the collector, security and network settings from it.
    role: "submit",
    centralManager: collector,
    security: {
      mode: "idtokens",
      trustDomain: secrets.trustDomain,
      tokenDirectory: join(dir, "tokens.d"),
      passwordDirectory: join(dir, "passwords.d"),
    },
    ...(/^127\./.test(cmHost) ? { network: { bindAddress: "127.0.0.1" } } : {}),
    raw: { USE_SHARED_PORT: "False" },
  });
  mkdirSync(hostPath(installation, dir), { recursive: true, mode: 0o755 });
  writeFileSync(hostPath(installation, configFile), config, { mode: 0o644 });
  writeSecretFiles(
    [
      {
        path: join(dir, "tokens.d", "bsaas"),
        content: new Secret(readFileSync(admin.path, "utf8").trim()),
        encoding: "utf8",
        mode: 0o600,
        description: `token of ${admin.subject}`,
      },
    ],
    installation.kind === "rootfs" ? { root: installation.rootfs } : {},
  );
  const tools = toolsFor(installation, { env: { CONDOR_CONFIG: configFile } });
  const jobUser = options.jobUser ?? (process.getuid?.() === 0 ? "bsaas" : undefined);
  return {
    installation,
    collector,
    configFile,
    pool: new CondorPool({ tools, collector, ...(options.schedd ? { schedd: options.schedd } : {}) }),
    forSchedd: (schedd) =>
      new CondorPool({ tools, collector, schedd, ...(jobUser ? { user: jobUser } : {}) }),
    remove: () => rmSync(hostPath(installation, dir), { recursive: true, force: true }),
  };
}
