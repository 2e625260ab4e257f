import { endpointFromEnv } from "../http/env.js";
import type { MesosConnectionOptions } from "./connection.js";

/**
 * Mesos connection settings from flags and the environment (`BSAAS_MESOS_URL` — a master's URL or `zk://...` —,
 * `BSAAS_MESOS_TOKEN` [+ `BSAAS_MESOS_TOKEN_TYPE=bearer`] or `BSAAS_MESOS_USER` + `BSAAS_MESOS_PASSWORD`,
 * `BSAAS_MESOS_CA_FILE`); see {@link endpointFromEnv}.
 *
 * @throws {BsaasError} `MESOS_URL_MISSING`, `MESOS_AUTH_INCOMPLETE`.
 */
export function mesosOptionsFromEnv(
  flags: { url?: string | undefined; caFile?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): MesosConnectionOptions {
  const { url, ...rest } = endpointFromEnv("MESOS", "Mesos master", flags, env);
  return { master: url, ...rest };
}
