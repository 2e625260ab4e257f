/**
 * Where HTCondor is on this machine: on PATH (an installed HTCondor), or in the Debian rootfs that
 * `scripts/provision-htcondor` builds, where it runs with `chroot`.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { BsaasError } from "../../errors.js";
import { type CondorTools, chrootCondorTools, condorTools } from "../pool/tools.js";

/** The default place of the rootfs (`BSAAS_HTCONDOR_ROOTFS` overrides it). */
export const DEFAULT_HTCONDOR_ROOTFS = "/var/lib/bsaas/htcondor-trixie";

/** An HTCondor bsaas can run. */
export type HTCondorInstallation =
  | { kind: "host" }
  | {
      kind: "rootfs";
      /** The rootfs directory; HTCondor's paths are inside it. */
      rootfs: string;
    };

/** No HTCondor was found. */
export class HTCondorNotFoundError extends BsaasError {
  constructor(looked: string) {
    super("HTCONDOR_NOT_FOUND", `no HTCondor found (${looked})`, {
      hint: "Run scripts/provision-htcondor as root (it builds a Debian rootfs with HTCondor), or install HTCondor so that condor_version is on PATH.",
    });
  }
}

/** Options of {@link locateHTCondor}. */
export interface LocateOptions {
  /** The rootfs to use; default `BSAAS_HTCONDOR_ROOTFS` or {@link DEFAULT_HTCONDOR_ROOTFS}. */
  rootfs?: string;
  /** Ignore an HTCondor on PATH (default: `BSAAS_HTCONDOR_USE_HOST=0` in the environment). */
  ignoreHost?: boolean;
}

/**
 * Finds HTCondor the way `scripts/provision-htcondor` provides it: on PATH first, then a provisioned rootfs (one
 * with the script's stamp file). Throws {@link HTCondorNotFoundError} with what to do otherwise.
 */
export async function locateHTCondor(options: LocateOptions = {}): Promise<HTCondorInstallation> {
  const ignoreHost = options.ignoreHost ?? process.env.BSAAS_HTCONDOR_USE_HOST === "0";
  if (!ignoreHost && (await onPath("condor_version"))) return { kind: "host" };
  const rootfs = options.rootfs ?? process.env.BSAAS_HTCONDOR_ROOTFS ?? DEFAULT_HTCONDOR_ROOTFS;
  if (existsSync(join(rootfs, ".bsaas-provisioned")) && existsSync(join(rootfs, "usr/bin/condor_version"))) {
    return { kind: "rootfs", rootfs };
  }
  throw new HTCondorNotFoundError(
    `${ignoreHost ? "" : "condor_version is not on PATH, and "}${rootfs} is not provisioned`,
  );
}

function onPath(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("sh", ["-c", `command -v ${command}`], (error) => resolve(!error));
  });
}

/** HTCondor's tools for an installation, with extra environment (typically `CONDOR_CONFIG`). */
export function toolsFor(
  installation: HTCondorInstallation,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): CondorTools {
  return installation.kind === "host"
    ? condorTools(options)
    : chrootCondorTools(installation.rootfs, options);
}

/** A path as seen from the host, for a path as HTCondor sees it. */
export function hostPath(installation: HTCondorInstallation, path: string): string {
  return installation.kind === "host" ? path : join(installation.rootfs, path);
}

/**
 * A host path as the installation's tools see it: the same path on the host, the path below the rootfs otherwise
 * (undefined when it lies outside the rootfs, where the tools cannot see it). The inverse of {@link hostPath}.
 */
export function installationPath(installation: HTCondorInstallation, path: string): string | undefined {
  const absolute = resolve(path);
  if (installation.kind === "host") return absolute;
  const inside = relative(installation.rootfs, absolute);
  if (inside === "") return "/";
  return inside === ".." || inside.startsWith("../") || isAbsolute(inside) ? undefined : `/${inside}`;
}

/** uid and gid of a user of the installation (looked up in the rootfs's own /etc/passwd when there is one). */
export function lookupUser(installation: HTCondorInstallation, user: string): { uid: number; gid: number } {
  const passwd = readFileSync(hostPath(installation, "/etc/passwd"), "utf8");
  for (const line of passwd.split("\n")) {
    const [name, , uid, gid] = line.split(":");
    if (name === user && uid !== undefined && gid !== undefined)
      return { uid: Number(uid), gid: Number(gid) };
  }
  throw new BsaasError(
    "HTCONDOR_USER_MISSING",
    `user ${user} does not exist in ${hostPath(installation, "/etc/passwd")}`,
    {
      hint: "Re-run scripts/provision-htcondor; it creates the users HTCondor needs.",
    },
  );
}
