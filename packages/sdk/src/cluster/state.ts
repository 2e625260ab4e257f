/**
 * bsaas's own state for a cluster: the pool's IDTOKENS signing key and the tokens minted from it, kept on the machine
 * that runs bsaas (like terraform's state or kubectl's kubeconfig). Secret files are written 0600 in directories made
 * 0700; their values are {@link Secret}s and never printed.
 *
 * Layout: `<stateDir>/clusters/<cluster>/signing-key` (HTCondor's POOL file format) and `tokens/<name>.token`.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { BsaasError } from "../errors.js";
import {
  createSigningKey,
  mintToken,
  readSigningKeyFile,
  roleAuthorizations,
  signingKeyFileBytes,
  signingKeyFromPoolPassword,
  type TokenRole,
  writeSecretFiles,
} from "../htcondor/config/index.js";
import { Secret } from "../secret.js";
import type { LoadedClusterSpec } from "./load.js";
import type { ClusterSpec, SecretRef } from "./spec.js";

/** Where bsaas keeps state: `$BSAAS_STATE_DIR`, else `$XDG_STATE_HOME/bsaas`, else `~/.local/state/bsaas`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BSAAS_STATE_DIR) return env.BSAAS_STATE_DIR;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, "bsaas");
  return join(homedir(), ".local", "state", "bsaas");
}

/** A token file of the cluster: who it is for, and where it is. */
export interface TokenFile {
  /** `<name>@<trust domain>`. */
  subject: string;
  /** Absolute path of the file (0600). */
  path: string;
}

/** The secrets of one cluster, created on first use and reused afterwards. */
export interface ClusterSecrets {
  readonly dir: string;
  readonly trustDomain: string;
  /** The signing key file (POOL format), for the central manager only. */
  readonly signingKeyFile: string;
  /** The token of `name` (e.g. `central-manager`, `submit`, `executors-infn-ba`, `bsaas`) with `role`'s rights. */
  token(name: string, role: TokenRole): TokenFile;
  /** The token's value, for a client that needs it in memory. */
  readToken(file: TokenFile): Secret;
}

/** Thrown when the state directory cannot be used. */
export class ClusterStateError extends BsaasError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super("CLUSTER_STATE", message, options);
  }
}

/** The trust domain (token issuer) of a cluster: the file's, else the cluster name. */
export function trustDomainOf(spec: ClusterSpec): string {
  const sec = spec.htcondor.security;
  return (sec.method === "idtokens" ? sec.trustDomain : undefined) ?? spec.metadata.name;
}

/**
 * Opens (creating when needed) the secrets of a cluster. The signing key comes from the file's
 * `htcondor.security.signingKey` when given, else from the state (generated once); a pool password is turned into
 * the same POOL file HTCondor derives from it.
 */
export function openClusterSecrets(
  loaded: Pick<LoadedClusterSpec, "spec" | "file">,
  options: { stateDir?: string } = {},
): ClusterSecrets {
  const spec = loaded.spec;
  // Absolute: fetch URIs and client configurations are built from it.
  const dir = resolve(options.stateDir ?? defaultStateDir(), "clusters", spec.metadata.name);
  const trustDomain = trustDomainOf(spec);
  const signingKeyFile = join(dir, "signing-key");
  try {
    mkdirSync(join(dir, "tokens"), { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new ClusterStateError(`cannot create the state directory ${dir}`, {
      cause,
      hint: "Set BSAAS_STATE_DIR to a writable directory.",
    });
  }

  const sec = spec.htcondor.security;
  let key: Secret;
  if (sec.method === "password") {
    key = signingKeyFromPoolPassword(resolveSecret(sec.password, loaded.file, "htcondor.security.password"));
    writeKey(signingKeyFile, key);
  } else if (sec.signingKey !== undefined) {
    key = resolveSecret(sec.signingKey, loaded.file, "htcondor.security.signingKey");
    writeKey(signingKeyFile, key);
  } else if (existsSync(signingKeyFile)) {
    key = readSigningKeyFile(readFileSync(signingKeyFile));
  } else {
    key = createSigningKey();
    writeKey(signingKeyFile, key);
  }

  return {
    dir,
    trustDomain,
    signingKeyFile,
    token(name, role) {
      const subject = `${name}@${trustDomain}`;
      const path = join(dir, "tokens", `${name}.token`);
      // Minted once: a running daemon keeps the token it fetched, and re-applying must not change anything.
      if (!existsSync(path)) {
        const token = mintToken({
          signingKey: key,
          issuer: trustDomain,
          subject,
          authorizations: roleAuthorizations(role),
        });
        writeSecretFiles([
          { path, content: token, encoding: "utf8", mode: 0o600, description: `token of ${subject}` },
        ]);
      }
      return { subject, path };
    },
    readToken(file) {
      return new Secret(readFileSync(file.path, "utf8").trim());
    },
  };
}

function writeKey(path: string, key: Secret): void {
  const current = existsSync(path) ? readFileSync(path) : undefined;
  const bytes = Buffer.from(signingKeyFileBytes(key));
  if (current?.equals(bytes)) return;
  writeSecretFiles([
    {
      path,
      content: new Secret(bytes.toString("latin1")),
      encoding: "binary",
      mode: 0o600,
      description: "IDTOKENS signing key (POOL)",
    },
  ]);
}

/**
 * The value of a secret of the cluster file: inline values are already {@link Secret}s; `{ file }` is read now,
 * relative to the cluster file's folder (trailing newlines dropped).
 */
export function resolveSecret(ref: SecretRef, clusterFile: string, what: string): Secret {
  if (ref instanceof Secret) return ref;
  const path = isAbsolute(ref.file) ? ref.file : join(dirname(clusterFile), ref.file);
  try {
    return new Secret(readFileSync(path, "utf8").replace(/\r?\n$/, ""));
  } catch (cause) {
    throw new ClusterStateError(`cannot read ${what} from ${path}`, {
      cause,
      hint: "Check the path (relative paths start at the cluster file's folder) and that bsaas may read it.",
    });
  }
}
