import { MarathonClient, marathonOptionsFromEnv } from "@bsaas/sdk/marathon";
import { Flags } from "@oclif/core";

/** Flags shared by the `bsaas marathon` commands. Credentials come from the environment only (see `--help`). */
export const marathonFlags = {
  marathon: Flags.string({
    summary: "Marathon URL (default: $BSAAS_MARATHON_URL).",
    description:
      "Credentials are read from the environment only: BSAAS_MARATHON_TOKEN (DC/OS token; BSAAS_MARATHON_TOKEN_TYPE=bearer for a bearer token), or BSAAS_MARATHON_USER and BSAAS_MARATHON_PASSWORD.",
    helpGroup: "MARATHON",
  }),
  "ca-file": Flags.string({
    summary: "Extra CA certificate (PEM) to trust for https (default: $BSAAS_MARATHON_CA_FILE).",
    helpGroup: "MARATHON",
  }),
};

export function marathonClient(flags: {
  marathon?: string | undefined;
  "ca-file"?: string | undefined;
}): MarathonClient {
  return new MarathonClient(marathonOptionsFromEnv({ url: flags.marathon, caFile: flags["ca-file"] }));
}
