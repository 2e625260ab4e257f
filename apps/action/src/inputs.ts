/**
 * The action's inputs that are more than one word: per-site endpoints, per-site tokens, executor counts, seconds and
 * booleans. A GitHub Action input is a string (no maps), so per-site values are one line per site. Every parser
 * fails with an {@link ActionInputError} that names the input and the line, and never echoes a token.
 */
import { BsaasError, type SiteEndpoints } from "@bsaas/sdk";

/** An input the action cannot use; the message names the input (and line) and says what is expected. */
export class ActionInputError extends BsaasError {
  constructor(message: string, hint?: string) {
    super("ACTION_INPUT", message, hint ? { hint } : {});
  }
}

/** A site name as the cluster file allows it (a DNS label). */
const SITE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The meaningful lines of a multi-line input, with their 1-based numbers: blank lines and `#` comments skipped. */
function lines(raw: string): { line: number; text: string }[] {
  return raw
    .split(/\r?\n/)
    .map((text, i) => ({ line: i + 1, text: text.trim() }))
    .filter((l) => l.text !== "" && !l.text.startsWith("#"));
}

const fields = (text: string) => text.split(/\s+/).filter(Boolean);

// --- tokens ------------------------------------------------------------------------------------------------------

/**
 * The environment variable a site's token is given to the cluster file as: `BSAAS_TOKEN_<SITE>`, the site name
 * upper-cased with `-` as `_` (`infn-ba` → `BSAAS_TOKEN_INFN_BA`). Site names are DNS labels, so no two collide.
 */
export function tokenVariable(site: string): string {
  return `BSAAS_TOKEN_${site.toUpperCase().replace(/-/g, "_")}`;
}

/**
 * Masks every value the `tokens` input could hold, before anything else is parsed or logged: each meaningful line
 * whole, every field after the site name, and the first field too when it is not a site name (a token written
 * first, or alone).
 */
export function maskTokens(raw: string, setSecret: (secret: string) => void): void {
  for (const { text } of lines(raw)) {
    setSecret(text);
    const [first, ...rest] = fields(text);
    if (first !== undefined && (rest.length === 0 || !SITE_NAME.test(first))) setSecret(first);
    for (const value of rest) setSecret(value);
  }
}

/** A site's token from the `tokens` input, and the line it is on. */
export interface SiteToken {
  token: string;
  line: number;
}

/**
 * Parses the `tokens` input: one `<site> <token>` line per site. Errors name the line, never its content (it may
 * be a token in the wrong place).
 */
export function parseTokens(raw: string): Map<string, SiteToken> {
  const out = new Map<string, SiteToken>();
  for (const { line, text } of lines(raw)) {
    const parts = fields(text);
    const [site, token] = parts;
    if (parts.length !== 2 || site === undefined || token === undefined) {
      throw new ActionInputError(
        `tokens, line ${line}: expected "<site> <token>" (two fields separated by spaces, ${parts.length} found)`,
        "Write one line per site, e.g. `infn-ba ${{ secrets.INFN_BA_TOKEN }}`.",
      );
    }
    if (!SITE_NAME.test(site)) {
      throw new ActionInputError(
        `tokens, line ${line}: the first field is not a site name (lower-case letters, digits and "-")`,
        "Write the site's name first, then its token: `infn-ba ${{ secrets.INFN_BA_TOKEN }}`.",
      );
    }
    const first = out.get(site);
    if (first) {
      throw new ActionInputError(
        `tokens, line ${line}: a second token for site ${site} (the first is on line ${first.line})`,
      );
    }
    out.set(site, { token, line });
  }
  return out;
}

// --- endpoints ---------------------------------------------------------------------------------------------------

/** A site's endpoint overrides from the `endpoints` input, and the line they are on. */
export interface SiteEndpointsLine {
  endpoints: SiteEndpoints;
  line: number;
}

const MESOS_ZK = /^zk:\/\/[^\s/@]+(:\d+)?(,[^\s/@]+(:\d+)?)*\/\S*$/;

function checkUrl(kind: "marathon" | "mesos", value: string, where: string): void {
  if (kind === "mesos" && value.startsWith("zk://")) {
    if (!MESOS_ZK.test(value))
      throw new ActionInputError(`${where}: mesos=${value} is not a ZooKeeper URL (zk://host:port,.../path)`);
    return;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ActionInputError(`${where}: ${kind}=${value} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ActionInputError(
      `${where}: ${kind}=${value} must be an http:// or https:// URL${kind === "mesos" ? " (or zk://)" : ""}`,
    );
  }
  if (url.username || url.password) {
    // Never echo it: the part before @ is a credential.
    throw new ActionInputError(
      `${where}: the ${kind} URL has credentials in it`,
      "Give credentials through the `tokens` input or the cluster file's `auth`, never in a URL.",
    );
  }
}

/**
 * Parses the `endpoints` input: one `<site> marathon=<url> [mesos=<url>]` line per site (either key may be left
 * out; order free). These replace the cluster file's URLs for that site.
 */
export function parseEndpoints(raw: string): Map<string, SiteEndpointsLine> {
  const out = new Map<string, SiteEndpointsLine>();
  for (const { line, text } of lines(raw)) {
    const where = `endpoints, line ${line}`;
    const [site, ...pairs] = fields(text);
    if (site === undefined || pairs.length === 0 || site.includes("=")) {
      throw new ActionInputError(
        `${where}: expected "<site> marathon=<url> mesos=<url>", got "${text}"`,
        "Write the site's name first, then marathon=URL and/or mesos=URL.",
      );
    }
    if (!SITE_NAME.test(site))
      throw new ActionInputError(
        `${where}: "${site}" is not a site name (lower-case letters, digits and "-")`,
      );
    const first = out.get(site);
    if (first)
      throw new ActionInputError(`${where}: site ${site} again (it is already on line ${first.line})`);
    const endpoints: SiteEndpoints = {};
    for (const pair of pairs) {
      const eq = pair.indexOf("=");
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (eq <= 0 || !value || (key !== "marathon" && key !== "mesos")) {
        throw new ActionInputError(
          `${where}: expected marathon=<url> or mesos=<url>, got "${eq > 0 ? `${key}=...` : pair}"`,
        );
      }
      if (endpoints[key] !== undefined) throw new ActionInputError(`${where}: ${key}= is given twice`);
      checkUrl(key, value, where);
      endpoints[key] = value;
    }
    out.set(site, { endpoints, line });
  }
  return out;
}

// --- executors ---------------------------------------------------------------------------------------------------

/**
 * Parses the `executors` input of `scale`: `<site>=<count>` entries (separated by spaces, commas or new lines), or
 * a bare count when the cluster has exactly one site.
 */
export function parseExecutors(raw: string, sites: readonly string[]): { site: string; executors: number }[] {
  const entries = raw.split(/[\s,]+/).filter(Boolean);
  const count = (value: string, what: string) => {
    if (!/^\d+$/.test(value))
      throw new ActionInputError(`executors: ${what} must be a whole number ≥ 0, got "${value}"`);
    return Number(value);
  };
  if (entries.length === 0) {
    throw new ActionInputError(
      "executors: scale needs the number of executors",
      `Set executors to \`${sites[0] ?? "site"}=4\` (one <site>=<count> per site to scale)${sites.length === 1 ? " or to a bare count" : ""}.`,
    );
  }
  if (entries.length === 1 && !entries[0]?.includes("=")) {
    if (sites.length !== 1) {
      throw new ActionInputError(
        `executors: "${entries[0]}" does not say which site; the cluster has ${sites.length} sites`,
        `Write <site>=<count>, e.g. \`${sites[0] ?? "site"}=4\` (sites: ${sites.join(", ")}).`,
      );
    }
    return [{ site: sites[0] as string, executors: count(entries[0] as string, "the count") }];
  }
  const out: { site: string; executors: number }[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    const site = entry.slice(0, eq);
    if (eq <= 0) throw new ActionInputError(`executors: expected <site>=<count>, got "${entry}"`);
    if (!sites.includes(site))
      throw new ActionInputError(`executors: no site named ${site}`, `Sites: ${sites.join(", ")}.`);
    if (out.some((o) => o.site === site))
      throw new ActionInputError(`executors: site ${site} is given twice`);
    out.push({ site, executors: count(entry.slice(eq + 1), `the count of ${site}`) });
  }
  return out;
}

// --- scalars -----------------------------------------------------------------------------------------------------

/** Seconds as milliseconds; empty stays undefined (the SDK's default applies). */
export function parseSeconds(raw: string, name: string): number | undefined {
  const value = raw.trim();
  if (value === "") return undefined;
  if (!/^\d+$/.test(value) || Number(value) === 0)
    throw new ActionInputError(`${name}: expected a whole number of seconds > 0, got "${value}"`);
  return Number(value) * 1000;
}

/** A boolean input the way the toolkit reads them (YAML 1.2 core schema); empty gives the default. */
export function parseBoolean(raw: string, name: string, fallback: boolean): boolean {
  const value = raw.trim();
  if (value === "") return fallback;
  if (["true", "True", "TRUE"].includes(value)) return true;
  if (["false", "False", "FALSE"].includes(value)) return false;
  throw new ActionInputError(`${name}: expected true or false, got "${value}"`);
}
