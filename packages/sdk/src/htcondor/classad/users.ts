// The host's user database, for the userHome() function: HTCondor answers it with getpwnam(3), which consults every
// source the system's name service uses (/etc/passwd, LDAP, SSSD, ...). Node has no getpwnam, so this asks
// `getent passwd`, which goes through the same name service, and reads /etc/passwd where getent is missing.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Looks up a user's home directory: the directory, or undefined when there is no such user. */
export type HomeLookup = (user: string) => string | undefined;

/**
 * Answers are kept this long (and for at most this many users), so an expression evaluated for every ad of a
 * negotiation cycle does not start a process each time; a user added meanwhile is seen after at most a minute.
 */
const CACHE_MS = 60_000;
const CACHE_MAX = 1000;
const cache = new Map<string, { home: string | undefined; at: number }>();

let override: HomeLookup | undefined;

/**
 * @internal Replaces the user database (tests compare with what HTCondor answered on another host); undefined
 * restores the host's.
 */
export function setUserDatabaseForTests(lookup: HomeLookup | undefined): void {
  override = lookup;
  cache.clear();
}

/** The home directory of `user` from the host's user database, or undefined when there is no such user. */
export function homeDirectoryOf(user: string): string | undefined {
  if (override) return override(user);
  const now = Date.now();
  const hit = cache.get(user);
  if (hit !== undefined && now - hit.at < CACHE_MS) return hit.home;
  const home = lookUp(user);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(user, { home, at: now });
  return home;
}

function lookUp(user: string): string | undefined {
  // Names a passwd entry cannot hold (getpwnam finds nothing for them either).
  if (user === "" || /[\0:\n]/.test(user)) return undefined;
  // getent takes an all-digit key as a user id, getpwnam as a name: such names are only looked for in /etc/passwd.
  if (!/^\d+$/.test(user)) {
    const run = spawnSync("getent", ["--", "passwd", user], { encoding: "utf8", timeout: 10_000 });
    if (run.error === undefined && run.status === 0) return homeIn(run.stdout, user);
    // Status 2: no such user. Anything else (getent missing, a failing name service): fall back to the file.
    if (run.error === undefined && run.status === 2) return undefined;
  }
  let passwd: string;
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    return undefined;
  }
  return homeIn(passwd, user);
}

/** The home directory (sixth field) of `user`'s line in passwd-format text. */
function homeIn(text: string, user: string): string | undefined {
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields.length >= 7 && fields[0] === user) return fields[5];
  }
  return undefined;
}
