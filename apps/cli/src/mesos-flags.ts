import { MesosOperatorClient, mesosOptionsFromEnv } from "@bsaas/sdk/mesos";
import { Flags } from "@oclif/core";

/** Flags shared by the `bsaas mesos` commands. Credentials come from the environment only (see `--help`). */
export const mesosFlags = {
  mesos: Flags.string({
    summary: "Mesos master URL or zk://host:port[,host:port]/path (default: $BSAAS_MESOS_URL).",
    description:
      "Any master will do: non-leaders redirect to the leader; with zk:// the leader is read from ZooKeeper. Credentials are read from the environment only: BSAAS_MESOS_TOKEN (DC/OS token; BSAAS_MESOS_TOKEN_TYPE=bearer for a bearer token), or BSAAS_MESOS_USER and BSAAS_MESOS_PASSWORD.",
    helpGroup: "MESOS",
  }),
  "ca-file": Flags.string({
    summary: "Extra CA certificate (PEM) to trust for https (default: $BSAAS_MESOS_CA_FILE).",
    helpGroup: "MESOS",
  }),
};

export function mesosClient(flags: {
  mesos?: string | undefined;
  "ca-file"?: string | undefined;
}): MesosOperatorClient {
  return new MesosOperatorClient(mesosOptionsFromEnv({ url: flags.mesos, caFile: flags["ca-file"] }));
}
