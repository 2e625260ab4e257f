import { BsaasError } from "../errors.js";
import { Secret } from "../secret.js";
import type { HttpAuth } from "./auth.js";
import type { TlsOptions } from "./client.js";

/** Endpoint settings read from flags and the environment. */
export interface EndpointSettings {
  url: string;
  auth?: HttpAuth;
  tls?: TlsOptions;
}

/**
 * Reads a service's endpoint the way every bsaas front end does: the URL from the flag or `BSAAS_<SERVICE>_URL`;
 * credentials from `BSAAS_<SERVICE>_TOKEN` (a DC/OS `token=`, or a bearer token when `BSAAS_<SERVICE>_TOKEN_TYPE=bearer`)
 * or `BSAAS_<SERVICE>_USER` + `BSAAS_<SERVICE>_PASSWORD`; an extra CA from the flag or `BSAAS_<SERVICE>_CA_FILE`.
 * Credentials only ever come from the environment, never flags, to keep them out of shell history and `ps`.
 *
 * @throws {BsaasError} `<SERVICE>_URL_MISSING` without a URL, `<SERVICE>_AUTH_INCOMPLETE` for a user without password.
 */
export function endpointFromEnv(
  service: "MARATHON" | "MESOS",
  name: string,
  flags: { url?: string | undefined; caFile?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): EndpointSettings {
  const prefix = `BSAAS_${service}`;
  const url = flags.url || env[`${prefix}_URL`];
  if (!url) {
    throw new BsaasError(`${service}_URL_MISSING`, `No ${name} URL given`, {
      hint: `Pass --${service.toLowerCase()} URL or set ${prefix}_URL.`,
    });
  }
  let auth: HttpAuth | undefined;
  const token = env[`${prefix}_TOKEN`];
  const user = env[`${prefix}_USER`];
  if (token) {
    const secret = new Secret(token);
    auth =
      env[`${prefix}_TOKEN_TYPE`]?.toLowerCase() === "bearer"
        ? { type: "bearer", token: secret }
        : { type: "dcos", token: secret };
  } else if (user) {
    const password = env[`${prefix}_PASSWORD`];
    if (!password) {
      throw new BsaasError(
        `${service}_AUTH_INCOMPLETE`,
        `${prefix}_USER is set but ${prefix}_PASSWORD is not`,
        {
          hint: "Set both for basic authentication, or neither.",
        },
      );
    }
    auth = { type: "basic", username: user, password: new Secret(password) };
  }
  const caFile = flags.caFile || env[`${prefix}_CA_FILE`];
  return { url, ...(auth ? { auth } : {}), ...(caFile ? { tls: { caFile } } : {}) };
}
