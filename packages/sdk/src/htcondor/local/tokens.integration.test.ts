// IDTOKENS minted by the SDK (no HTCondor tool involved) decide who joins a real pool: an executor with a token
// signed by the pool's key joins under the token's identity; one whose token was signed by another key is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPool, type TestPool, TRUST_DOMAIN } from "../../../test/support/condor.js";
import { createSigningKey, mintToken, roleAuthorizations } from "../config/index.js";

let pool: TestPool;

beforeAll(async () => {
  pool = await startTestPool({ name: "tokens", executors: 1 });
}, 180_000);

afterAll(async () => {
  await pool?.stop();
}, 120_000);

describe("a pool secured with SDK-minted IDTOKENS", () => {
  it("admits the executor whose token the pool's key signed, as the token's identity", async () => {
    const [slot] = await pool.client.slots({ projection: ["AuthenticatedIdentity", "AuthenticationMethod"] });
    expect(slot?.startdName).toBe(pool.executors[0]?.startdName);
    // The collector records who sent each ad and how it was authenticated.
    expect(slot?.ad.evaluate("AuthenticatedIdentity")).toEqual({
      type: "string",
      value: `exec1@${TRUST_DOMAIN}`,
    });
    expect(slot?.ad.evaluate("AuthenticationMethod")).toEqual({ type: "string", value: "IDTOKENS" });
  });

  it("refuses an executor whose token was signed by another key", { timeout: 120_000 }, async () => {
    const forged = mintToken({
      signingKey: createSigningKey(),
      issuer: TRUST_DOMAIN,
      subject: `intruder@${TRUST_DOMAIN}`,
      authorizations: roleAuthorizations("execute"),
    });
    // The intruder offers only its token (on one host, root's daemons could otherwise fall back to FS, which the
    // pool admits for local daemons); the collector cannot verify it.
    const intruder = await pool.addExecutor("intruder", {
      token: forged,
      raw: { SEC_CLIENT_AUTHENTICATION_METHODS: "IDTOKENS" },
    });
    await pool.waitFor("the collector to refuse the intruder's startd", async () =>
      /required authentication with collector \S+ failed, so aborting command UPDATE_STARTD_AD/.test(
        intruder.instance.readLog("StartLog"),
      ),
    );
    expect(pool.cm.readLog("CollectorLog")).toMatch(/Failed to authenticate using IDTOKENS/);
    expect((await pool.client.slots()).map((s) => s.startdName)).toEqual([pool.executors[0]?.startdName]);
    const masters = (await pool.client.masters()).map((m) => m.name.split("@")[0]);
    expect(masters).not.toContain("intruder");
  });
});
