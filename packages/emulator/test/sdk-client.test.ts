// The SDK's MarathonClient against the emulator, over HTTP, as against a real Marathon.
import {
  DeploymentLockedError,
  type EventStreamItem,
  MarathonClient,
  MarathonNotFoundError,
  waitForAppHealthy,
  waitForDeployment,
} from "@bsaas/sdk/marathon";
import { afterEach, describe, expect, it } from "vitest";
import { type MarathonEmulator, type MarathonEmulatorOptions, startMarathonEmulator } from "../src/index.js";

const running: MarathonEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});
async function emulator(options: MarathonEmulatorOptions = {}) {
  const e = await startMarathonEmulator({ heartbeatMs: 200, ...options });
  running.push(e);
  return e;
}
const fast = { retries: 5, baseDelayMs: 5, maxDelayMs: 20 };
const sleeper = (id: string, instances = 2) => ({ id, cmd: "sleep 600", cpus: 0.5, mem: 64, instances });

describe("MarathonClient against the emulator", () => {
  it("create → deployment events → healthy, then scale and delete", async () => {
    const e = await emulator();
    const marathon = new MarathonClient({ url: e.url, retry: fast });
    const items: EventStreamItem[] = [];
    const stream = marathon.events({
      eventTypes: ["deployment_info", "deployment_step_success", "deployment_success"],
    });
    const collecting = (async () => {
      for await (const item of stream) items.push(item);
    })();
    await e.waitFor(
      () => items.length > 0 || e.events.history.some((ev) => ev.eventType === "event_stream_attached"),
    );

    const created = await marathon.createApp({
      ...sleeper("/demo/web"),
      healthChecks: [
        { protocol: "COMMAND", command: { value: "true" }, gracePeriodSeconds: 1, intervalSeconds: 1 },
      ],
    });
    expect(created.deploymentId).toMatch(/[0-9a-f-]{36}/);
    const outcome = await waitForDeployment(marathon, created.deploymentId, {
      timeoutMs: 20_000,
      pollIntervalMs: 200,
    });
    expect(outcome).toMatchObject({ outcome: "succeeded", observedBy: "events" });
    expect(
      (await waitForAppHealthy(marathon, "/demo/web", { timeoutMs: 20_000, pollIntervalMs: 50 })).outcome,
    ).toBe("healthy");
    await e.waitFor(() =>
      items.some((i) => i.kind === "event" && i.event.eventType === "deployment_success"),
    );
    const types = items.flatMap((i) => (i.kind === "event" ? [i.event.eventType] : []));
    expect(types).toEqual(
      expect.arrayContaining(["deployment_info", "deployment_step_success", "deployment_success"]),
    );

    const scaled = await marathon.scaleApp("/demo/web", 3);
    expect(
      (await waitForDeployment(marathon, scaled.deploymentId, { timeoutMs: 20_000, pollIntervalMs: 200 }))
        .outcome,
    ).toBe("succeeded");
    expect(await marathon.appTasks("/demo/web")).toHaveLength(3);

    const removed = await marathon.deleteApp("/demo/web");
    expect(
      (await waitForDeployment(marathon, removed.deploymentId, { timeoutMs: 20_000, pollIntervalMs: 200 }))
        .outcome,
    ).toBe("succeeded");
    await expect(marathon.getApp("/demo/web")).rejects.toBeInstanceOf(MarathonNotFoundError);
    stream.close();
    await collecting;
  });

  it("a conflicting update gets DeploymentLockedError with the blocking deployment; force wins", async () => {
    const e = await emulator({ agents: [{ cpus: 1, mem: 1024 }] });
    const marathon = new MarathonClient({ url: e.url, retry: fast });
    // Asks for more than the cluster has: the deployment stays in flight and holds the lock.
    const { deploymentId } = await marathon.createApp({ ...sleeper("/locked", 4), cpus: 1 });
    const error = await marathon.scaleApp("/locked", 1).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DeploymentLockedError);
    expect((error as DeploymentLockedError).deploymentIds).toEqual([deploymentId]);
    const forced = await marathon.scaleApp("/locked", 1, { force: true });
    expect(
      (await waitForDeployment(marathon, forced.deploymentId, { timeoutMs: 20_000, pollIntervalMs: 100 }))
        .outcome,
    ).toBe("succeeded");
    expect((await marathon.listDeployments()).map((d) => d.id)).not.toContain(deploymentId);
    expect((await marathon.getApp("/locked")).instances).toBe(1);
  });

  it("waitForDeployment times out and says what is still in flight", async () => {
    const e = await emulator({ agents: [{ cpus: 1, mem: 1024 }] });
    const marathon = new MarathonClient({ url: e.url, retry: fast });
    const { deploymentId } = await marathon.createApp({ ...sleeper("/stuck", 3), cpus: 1 });
    const result = await waitForDeployment(marathon, deploymentId, { timeoutMs: 500, pollIntervalMs: 50 });
    expect(result).toMatchObject({
      outcome: "timeout",
      inFlight: { id: deploymentId, affectedApps: ["/stuck"] },
    });
    const queue = await marathon.queue();
    expect(queue[0]?.app?.id).toBe("/stuck");
  });

  it("one group PUT deploys a whole site, and killing a task with scale removes exactly that task", async () => {
    const e = await emulator();
    const marathon = new MarathonClient({ url: e.url, retry: fast });
    e.resetStats();
    const group = {
      id: "/bsaas/demo/site-a",
      apps: [sleeper("/bsaas/demo/site-a/cm", 1), sleeper("/bsaas/demo/site-a/executors", 3)],
    };
    const ref = await marathon.putGroup(group);
    expect(e.stats().total).toBe(1);
    expect(
      (await waitForDeployment(marathon, ref.deploymentId, { timeoutMs: 20_000, pollIntervalMs: 100 }))
        .outcome,
    ).toBe("succeeded");
    const tasks = await marathon.appTasks("/bsaas/demo/site-a/executors");
    expect(tasks).toHaveLength(3);
    const victim = tasks[1]?.id as string;
    const killed = await marathon.killTasks([victim], { scale: true });
    expect("deploymentId" in killed).toBe(true);
    if ("deploymentId" in killed)
      await waitForDeployment(marathon, killed.deploymentId, { timeoutMs: 20_000, pollIntervalMs: 100 });
    const after = (await marathon.appTasks("/bsaas/demo/site-a/executors")).map((t) => t.id).sort();
    expect(after).toEqual(
      tasks
        .map((t) => t.id)
        .filter((id) => id !== victim)
        .sort(),
    );
    expect((await marathon.getApp("/bsaas/demo/site-a/executors")).instances).toBe(2);
  });

  it("retries a burst of leader 503s and succeeds", async () => {
    const e = await emulator();
    const marathon = new MarathonClient({ url: e.url, retry: fast });
    e.failNextRequests(3, 503);
    const apps = await marathon.listApps();
    expect(apps).toEqual([]);
    e.failNextRequests(2, 502);
    expect((await marathon.info()).name).toBe("marathon");
  });

  it("follows a follower's 302 for events to the leader, and is proxied otherwise", async () => {
    const leader = await emulator();
    const follower = await emulator({ leaderUrl: leader.url });
    const marathon = new MarathonClient({ url: follower.url, retry: fast });
    await marathon.createApp(sleeper("/via-follower", 1));
    expect((await new MarathonClient({ url: leader.url }).getApp("/via-follower")).id).toBe("/via-follower");
    const stream = marathon.events({ eventTypes: ["event_stream_attached"] });
    for await (const item of stream) {
      expect(item.kind).toBe("event");
      break;
    }
    expect(marathon.http.baseUrl).toBe(leader.url);
  });

  it("authenticates, and reports wrong credentials as 401 without printing them", async () => {
    const e = await emulator({ auth: { type: "basic", username: "bsaas", password: "right-pass" } });
    const ok = new MarathonClient({
      url: e.url,
      auth: { type: "basic", username: "bsaas", password: "right-pass" },
    });
    expect(await ok.listApps()).toEqual([]);
    const wrong = new MarathonClient({
      url: e.url,
      auth: { type: "basic", username: "bsaas", password: "wrong-pass" },
    });
    const error = await wrong.listApps().catch((err: unknown) => err);
    expect((error as { status?: number }).status).toBe(401);
    expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain("wrong-pass");
  });
});
