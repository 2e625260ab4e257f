import { BsaasError } from "../errors.js";
import type { HttpAuth } from "../http/auth.js";
import { Secret } from "../secret.js";
import type { MarathonClientOptions } from "./client.js";

/**
 * Marathon connection settings from flags and the environment, the way the CLI, the TUI and the Action take them:
 * `url` (or `BSAAS_MARATHON_URL`), credentials from `BSAAS_MARATHON_TOKEN` (sent as DC/OS `token=`, or as `Bearer`
 * when `BSAAS_MARATHON_TOKEN_TYPE=bearer`) or `BSAAS_MARATHON_USER` + `BSAAS_MARATHON_PASSWORD` (basic), and an extra
 * CA from `caFile` (or `BSAAS_MARATHON_CA_FILE`). Credentials are only ever taken from the environment, never from
 * flags, so they stay out of shell history and process listings.
 *
 * @throws {BsaasError} `MARATHON_URL_MISSING` when no URL is given, `MARATHON_AUTH_INCOMPLETE` for a user without password.
 */
export function marathonOptionsFromEnv(
  flags: { url?: string | undefined; caFile?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): MarathonClientOptions {
  const url = flags.url || env.BSAAS_MARATHON_URL;
  if (!url) {
    throw new BsaasError("MARATHON_URL_MISSING", "No Marathon URL given", {
      hint: "Pass --marathon http://host:8080 or set BSAAS_MARATHON_URL.",
    });
  }
  let auth: HttpAuth | undefined;
  if (env.BSAAS_MARATHON_TOKEN) {
    const token = new Secret(env.BSAAS_MARATHON_TOKEN);
    auth =
      env.BSAAS_MARATHON_TOKEN_TYPE?.toLowerCase() === "bearer"
        ? { type: "bearer", token }
        : { type: "dcos", token };
  } else if (env.BSAAS_MARATHON_USER) {
    if (!env.BSAAS_MARATHON_PASSWORD) {
      throw new BsaasError(
        "MARATHON_AUTH_INCOMPLETE",
        "BSAAS_MARATHON_USER is set but BSAAS_MARATHON_PASSWORD is not",
        {
          hint: "Set both for basic authentication, or neither.",
        },
      );
    }
    auth = {
      type: "basic",
      username: env.BSAAS_MARATHON_USER,
      password: new Secret(env.BSAAS_MARATHON_PASSWORD),
    };
  }
  const caFile = flags.caFile || env.BSAAS_MARATHON_CA_FILE;
  return { url, ...(auth ? { auth } : {}), ...(caFile ? { tls: { caFile } } : {}) };
}
