// `bsaas marathon ...` against a plain HTTP server that answers with Marathon's own example responses
// (shared/specs/marathon/examples): --json must print them faithfully, field for field.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = new URL("../bin/run.js", import.meta.url).pathname;
const examples = new URL("../../../../shared/specs/marathon/examples/", import.meta.url);
const example = (name: string) => JSON.parse(readFileSync(new URL(name, examples), "utf8"));

// Real bodies: the app example as GET /v2/apps lists it (with the status fields Marathon adds), the tasks example,
// the info example. Deployments and queue have no upstream example file; they are written from the RAML types.
const app = {
  ...example("app.json"),
  tasksStaged: 0,
  tasksRunning: 2,
  tasksHealthy: 2,
  tasksUnhealthy: 0,
  deployments: [],
};
const responses: Record<string, unknown> = {
  "/v2/apps": { apps: [app] },
  "/v2/tasks": example("app_tasks.json"),
  "/v2/info": example("info.json"),
  "/v2/deployments": [
    {
      id: "97c136bf-5a28-4821-9d94-480d9fbb01c8",
      version: "2015-09-30T09:09:17.614Z",
      affectedApps: ["/foo"],
      affectedPods: [],
      steps: [{ actions: [{ action: "ScaleApplication", app: "/foo" }] }],
      currentActions: [{ action: "ScaleApplication", app: "/foo", readinessCheckResults: [] }],
      currentStep: 1,
      totalSteps: 1,
    },
  ],
  "/v2/queue": {
    queue: [
      {
        count: 1,
        delay: { timeLeftSeconds: 0, overdue: true },
        since: "2017-07-05T15:37:53.163Z",
        processedOffersSummary: {
          processedOffersCount: 4,
          unusedOffersCount: 4,
          lastUnusedOfferAt: "2017-07-05T15:37:58.277Z",
          rejectSummaryLastOffers: [
            { reason: "InsufficientCpus", declined: 4, processed: 4 },
            { reason: "UnfulfilledConstraint", declined: 0, processed: 4 },
          ],
          rejectSummaryLaunchAttempt: [],
        },
        app: { id: "/foo", cmd: "sleep 1000", instances: 2, cpus: 64, mem: 16 },
      },
    ],
  },
};

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    const body = responses[path];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { message: `no ${path}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function bsaas(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("bsaas marathon --json prints Marathon's answers faithfully", () => {
  it.each([
    ["apps", "/v2/apps"],
    ["tasks", "/v2/tasks"],
    ["deployments", "/v2/deployments"],
    ["queue", "/v2/queue"],
    ["info", "/v2/info"],
  ])("bsaas marathon %s", async (command, path) => {
    const { code, stdout, stderr } = await bsaas(["marathon", command, "--marathon", url, "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(responses[path]);
  });
});

describe("bsaas marathon tables", () => {
  it("apps: the columns of Marathon's UI", async () => {
    const { code, stdout } = await bsaas(["marathon", "apps"], { BSAAS_MARATHON_URL: url });
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toMatch(/^ID\s+CPU\s+MEMORY\s+STATUS\s+RUNNING\s+HEALTH$/);
    expect(stdout).toMatch(/\/foo\s+0\.1\s+16\s+Running\s+2 of 2/);
  });

  it("queue: why offers were declined", async () => {
    const { stdout } = await bsaas(["marathon", "queue", "--marathon", url]);
    expect(stdout).toMatch(/\/foo\s+1\s+overdue\s+InsufficientCpus 4\/4/);
  });

  it("says what to do when no URL is given", async () => {
    const { code, stderr } = await bsaas(["marathon", "apps"], { BSAAS_MARATHON_URL: "" });
    expect(code).toBe(1);
    expect(stderr).toContain("No Marathon URL given");
    expect(stderr).toContain("--marathon");
  });

  it("reports an unreachable Marathon with the URL, and a typed JSON error", async () => {
    const { code, stdout } = await bsaas(["marathon", "info", "--marathon", "http://127.0.0.1:1", "--json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).error).toMatchObject({
      code: "NETWORK_ERROR",
      hint: "Check that Marathon is reachable at http://127.0.0.1:1.",
    });
  });
});
