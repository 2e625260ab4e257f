import { endpointFromEnv } from "../http/env.js";
import type { MarathonClientOptions } from "./client.js";

/**
 * Marathon connection settings from flags and the environment (`BSAAS_MARATHON_URL`, `BSAAS_MARATHON_TOKEN` [+
 * `BSAAS_MARATHON_TOKEN_TYPE=bearer`] or `BSAAS_MARATHON_USER` + `BSAAS_MARATHON_PASSWORD`, `BSAAS_MARATHON_CA_FILE`);
 * see {@link endpointFromEnv}.
 *
 * @throws {BsaasError} `MARATHON_URL_MISSING`, `MARATHON_AUTH_INCOMPLETE`.
 */
export function marathonOptionsFromEnv(
  flags: { url?: string | undefined; caFile?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): MarathonClientOptions {
  return endpointFromEnv("MARATHON", "Marathon", flags, env);
}
