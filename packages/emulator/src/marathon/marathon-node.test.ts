// Third-party client: the npm package `marathon-node` (used as published, unchanged) against the emulator.
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { type MarathonEmulator, startMarathonEmulator } from "./emulator.js";

interface MarathonNodeClient {
  apps: {
    create(body: unknown): Promise<{ id: string; deployments: { id: string }[] }>;
    getList(
      query?: Record<string, unknown>,
    ): Promise<{ apps: { id: string; instances: number; tasksRunning: number }[] }>;
    getOne(
      id: string,
      query?: Record<string, unknown>,
    ): Promise<{ app: { id: string; instances: number; tasksRunning: number } }>;
    update(id: string, body: unknown, force?: boolean): Promise<{ deploymentId: string; version: string }>;
    destroy(id: string, force?: boolean): Promise<{ deploymentId: string; version: string }>;
    getTasks(id: string): Promise<{ tasks: { id: string; state: string }[] }>;
  };
  deployments: { getList(): Promise<{ id: string }[]> };
  info: { get(): Promise<{ name: string; version: string }> };
}

const require = createRequire(import.meta.url);
const Marathon = require("marathon-node") as (
  baseUrl: string,
  options?: Record<string, unknown>,
) => MarathonNodeClient;

let marathon: MarathonEmulator | undefined;
afterEach(async () => {
  await marathon?.close();
  marathon = undefined;
});

describe("marathon-node against the emulator", () => {
  it("creates an app, scales it, lists apps and deletes the app", async () => {
    marathon = await startMarathonEmulator({ timing: { taskStepDelayMs: 2 } });
    const m = marathon;
    const client = Marathon(m.url);

    expect((await client.info.get()).name).toBe("marathon");

    const created = await client.apps.create({
      id: "/tools/sleeper",
      cmd: "sleep 1000",
      cpus: 0.1,
      mem: 16,
      instances: 1,
    });
    expect(created.id).toBe("/tools/sleeper");
    expect(created.deployments).toHaveLength(1);
    await m.waitForDeployments();

    const scaled = await client.apps.update("/tools/sleeper", { instances: 3 });
    expect(scaled.deploymentId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await client.deployments.getList()).map((d) => d.id)).toContain(scaled.deploymentId);
    await m.waitForDeployments();
    const one = await client.apps.getOne("/tools/sleeper");
    expect(one.app).toMatchObject({ id: "/tools/sleeper", instances: 3, tasksRunning: 3 });
    expect(
      (await client.apps.getTasks("/tools/sleeper")).tasks.filter((t) => t.state === "TASK_RUNNING"),
    ).toHaveLength(3);

    const list = await client.apps.getList();
    expect(list.apps.map((a) => a.id)).toEqual(["/tools/sleeper"]);
    expect(list.apps[0]?.instances).toBe(3);

    const destroyed = await client.apps.destroy("/tools/sleeper");
    expect(destroyed.deploymentId).toMatch(/^[0-9a-f-]{36}$/);
    await m.waitForDeployments();
    expect((await client.apps.getList()).apps).toEqual([]);
    await expect(client.apps.getOne("/tools/sleeper")).rejects.toMatchObject({
      statusCode: 404,
      error: { message: "App '/tools/sleeper' does not exist" },
    });
    expect(m.stats().byRoute).toEqual({
      "POST /v2/apps": 1,
      "PUT /v2/apps/tools/sleeper": 1,
      "DELETE /v2/apps/tools/sleeper": 1,
    });
  });
});
