import { describe, expect, it } from "vitest";
import { Secret } from "../secret.js";
import { endpointFromEnv } from "./env.js";

describe("endpointFromEnv", () => {
  it("prefers the flag's URL, and reads credentials from the environment only", () => {
    const env = {
      BSAAS_MESOS_URL: "http://env:5050",
      BSAAS_MESOS_TOKEN: "t0k",
      BSAAS_MESOS_CA_FILE: "/ca.pem",
    };
    const settings = endpointFromEnv("MESOS", "Mesos master", { url: "zk://zk:2181/mesos" }, env);
    expect(settings.url).toBe("zk://zk:2181/mesos");
    expect(settings.auth).toEqual({ type: "dcos", token: expect.any(Secret) });
    expect(settings.tls).toEqual({ caFile: "/ca.pem" });
    expect(JSON.stringify(settings)).not.toContain("t0k");
  });

  it("supports bearer and basic credentials", () => {
    expect(
      endpointFromEnv(
        "MARATHON",
        "Marathon",
        {},
        { BSAAS_MARATHON_URL: "http://m", BSAAS_MARATHON_TOKEN: "x", BSAAS_MARATHON_TOKEN_TYPE: "Bearer" },
      ).auth?.type,
    ).toBe("bearer");
    const basic = endpointFromEnv(
      "MARATHON",
      "Marathon",
      {},
      { BSAAS_MARATHON_URL: "http://m", BSAAS_MARATHON_USER: "u", BSAAS_MARATHON_PASSWORD: "p" },
    );
    expect(basic.auth).toMatchObject({ type: "basic", username: "u" });
  });

  it("says what is missing", () => {
    expect(() => endpointFromEnv("MARATHON", "Marathon", {}, {})).toThrow("No Marathon URL given");
    expect(() =>
      endpointFromEnv("MESOS", "Mesos master", { url: "http://m" }, { BSAAS_MESOS_USER: "u" }),
    ).toThrow("BSAAS_MESOS_USER is set but BSAAS_MESOS_PASSWORD is not");
  });
});
