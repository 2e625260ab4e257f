/**
 * The secret files an instance needs next to its configuration: the signing key (or pool password) in
 * SEC_PASSWORD_DIRECTORY and the instance's token in SEC_TOKEN_DIRECTORY. They are never part of the rendered
 * configuration or environment; the configuration only names the directories.
 *
 * Ownership matters to HTCondor: both the key file and token files are read with `read_secure_file`, which
 * refuses a file that is not owned by the daemons' real uid (root when the master runs as root) or that group or
 * others may read ("file must be owned by uid 0, was uid 100", seen in a StartLog of the 23.9.6 rootfs).
 */
import { randomBytes } from "node:crypto";
import { chownSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import type { Secret } from "../../secret.js";
import { CondorConfigInputError } from "./errors.js";
import { type CondorConfigInput, parseCondorConfigInput } from "./model.js";
import { secretDirectories } from "./render.js";
import { signingKeyFromPoolPassword } from "./tokens.js";

/** A file with secret content, to be written with mode 0600. */
export interface SecretFile {
  /** Absolute path as HTCondor sees it. */
  path: string;
  content: Secret;
  /** `binary`: each character of the content is one byte (key files); `utf8`: text (tokens). */
  encoding: "binary" | "utf8";
  mode: 0o600;
  /** What the file is, for logs (never the content). */
  description: string;
}

function literalDir(dir: string, field: string): string {
  if (dir.includes("$(") || !isAbsolute(dir)) {
    throw new CondorConfigInputError([
      {
        path: ["security", field],
        message: `secret files need a literal absolute directory, not ${JSON.stringify(dir)}`,
      },
    ]);
  }
  return dir;
}

/**
 * The secret files of an instance, from the secrets given in its input (`security.signingKey`, `security.token`,
 * or the pool password). Empty when the input carries no secret (for example when they are mounted another way).
 */
export function secretFiles(input: CondorConfigInput): SecretFile[] {
  const cfg = parseCondorConfigInput(input);
  const sec = cfg.security;
  const dirs = secretDirectories(cfg);
  const out: SecretFile[] = [];
  if (sec.mode === "idtokens") {
    if (sec.signingKey) {
      out.push({
        path: join(literalDir(dirs.passwordDirectory, "passwordDirectory"), "POOL"),
        content: sec.signingKey,
        encoding: "binary",
        mode: 0o600,
        description: "IDTOKENS signing key (POOL)",
      });
    }
    if (sec.token) {
      out.push({
        path: join(literalDir(dirs.tokenDirectory, "tokenDirectory"), sec.tokenFile),
        content: sec.token,
        encoding: "utf8",
        mode: 0o600,
        description: "IDTOKEN of this instance",
      });
    }
  } else if (sec.mode === "pool-password") {
    out.push({
      path: join(literalDir(dirs.passwordDirectory, "passwordDirectory"), "POOL"),
      content: signingKeyFromPoolPassword(sec.password),
      encoding: "binary",
      mode: 0o600,
      description: "pool password (POOL)",
    });
  }
  return out;
}

/** Options of {@link writeSecretFiles}. */
export interface WriteSecretFilesOptions {
  /** Put the paths below this directory (a chroot such as the HTCondor rootfs). */
  root?: string;
  /**
   * The uid/gid the HTCondor master runs as (its real uid); the files and the directories created for them get it.
   * Default: left to the writing process (right when bsaas and the master both run as root).
   */
  owner?: { uid: number; gid: number };
}

/**
 * Writes secret files with mode 0600 (replacing existing ones atomically); missing parent directories are created
 * 0700. Returns the paths written, as seen from this process. Errors from the filesystem are passed on.
 */
export function writeSecretFiles(
  files: readonly SecretFile[],
  options: WriteSecretFilesOptions = {},
): string[] {
  const written: string[] = [];
  const owner = options.owner;
  for (const f of files) {
    const path = options.root ? join(options.root, f.path) : f.path;
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const bytes = Buffer.from(f.content.reveal(), f.encoding === "binary" ? "latin1" : "utf8");
    // A new file created 0600 and renamed into place: the secret is never readable with looser permissions, and a
    // reader never sees a half-written key.
    const tmp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
    try {
      writeFileSync(tmp, bytes, { mode: f.mode, flag: "wx" });
      if (owner) chownSync(tmp, owner.uid, owner.gid);
      renameSync(tmp, path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    written.push(path);
  }
  return written;
}
