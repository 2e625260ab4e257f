// Contract test of the SDK's renderer with Marathon: the apps and group bodies rendered for the example cluster files
// validate against upstream's JSON Schemas (shared/specs/marathon/schema: AppDefinition.json, Group.json) with ajv,
// a Marathon (the emulator) accepts each site's group with one PUT, and planning the rendered apps against what it
// returns finds nothing to change (applying twice is a no-op).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type LoadedClusterSpec,
  loadClusterSpec,
  openClusterSecrets,
  planSite,
  type RenderedCluster,
  renderCluster,
} from "@bsaas/sdk/cluster";
import { GroupSchema } from "@bsaas/sdk/marathon";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type MarathonEmulator, startMarathonEmulator } from "./emulator.js";
import { call } from "./test-helpers.js";
import { ajvErrors, upstreamValidators } from "./upstream-schemas.js";

const examples = new URL("../../../../examples/", import.meta.url);
const examplePath = (name: string) => new URL(name, examples).pathname;

/** Upstream's AppDefinition.json and Group.json, loaded the way contract.test.ts does (Group.json refs the app). */

/** A JSON round trip: what goes over the wire. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const upstream = upstreamValidators();

interface Example {
  file: string;
  render(): Promise<RenderedCluster>;
}

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "bsaas-render-contract-"));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const EXAMPLES: Example[] = [
  {
    file: "two-sites.yaml",
    async render() {
      return renderCluster((await loadClusterSpec(examplePath("two-sites.yaml"))).spec);
    },
  },
  {
    file: "local.yaml",
    async render() {
      const loaded: LoadedClusterSpec = await loadClusterSpec(examplePath("local.yaml"));
      return renderCluster(loaded.spec, { secrets: openClusterSecrets(loaded, { stateDir }) });
    },
  },
];

describe.each(EXAMPLES)("examples/$file", ({ file, render }) => {
  let marathon: MarathonEmulator | undefined;
  afterEach(async () => {
    await marathon?.close();
    marathon = undefined;
  });

  it("every rendered app validates against upstream's AppDefinition.json", async () => {
    const rendered = await render();
    const apps = rendered.sites.flatMap((s) => s.apps.map((a) => a.app));
    expect(apps.length).toBeGreaterThan(0);
    for (const app of apps) {
      const valid = upstream.app(wire(app));
      expect(valid, `${file} ${app.id}: ${ajvErrors(upstream.app.errors)}`).toBe(true);
    }
  });

  it("every site's group body validates against upstream's Group.json", async () => {
    const rendered = await render();
    for (const site of rendered.sites) {
      const valid = upstream.group(wire(site.group));
      expect(valid, `${file} ${site.groupId}: ${ajvErrors(upstream.group.errors)}`).toBe(true);
    }
  });

  it("Marathon accepts each site's group, and planning it again finds nothing to change", async () => {
    const rendered = await render();
    const m = await startMarathonEmulator({ runner: "simulated", timing: { taskStepDelayMs: 2 } });
    marathon = m;
    for (const site of rendered.sites) {
      const put = await call<{ deploymentId?: string; version?: string }>(
        m,
        "PUT",
        `/v2/groups${site.groupId}`,
        site.group,
      );
      expect(put.status, `PUT /v2/groups${site.groupId}: ${put.text}`).toBe(200);
      expect(put.body.deploymentId).toEqual(expect.any(String));

      const got = await call(m, "GET", `/v2/groups${site.groupId}?embed=group.apps`);
      expect(got.status, got.text).toBe(200);
      const parsed = GroupSchema.safeParse(got.body);
      expect(parsed.success, String(parsed.error)).toBe(true);
      const live = parsed.data?.apps ?? [];
      expect(live.map((a) => a.id).sort()).toEqual(site.apps.map((a) => a.app.id).sort());

      const plan = planSite(
        site.site,
        site.groupId,
        site.apps.map((a) => a.app),
        live,
      );
      expect(plan.changes, `${site.groupId}: ${JSON.stringify(plan.changes, null, 1)}`).toEqual([]);
      expect(plan.unchanged).toEqual(site.apps.map((a) => a.app.id).sort());
      expect(plan.groupExists).toBe(true);
    }
  });
});

describe("the checks above are not vacuous", () => {
  it("upstream's schemas reject a broken rendering of the rendered fields", async () => {
    const rendered = renderCluster((await loadClusterSpec(examplePath("two-sites.yaml"))).spec);
    const executors = wire(rendered.sites[1]?.apps[0]?.app) as Record<string, unknown>;
    expect(upstream.app(executors)).toBe(true);
    // A network mode Marathon does not know (calico is a named `container` network).
    expect(upstream.app({ ...executors, networks: [{ mode: "calico", name: "htcondor-ba" }] })).toBe(false);
    // An env var set to a secret must name it.
    expect(upstream.app({ ...executors, env: { BSAAS_CONDOR_TOKEN: { source: "x" } } })).toBe(false);
    // A health check protocol Marathon does not know.
    expect(upstream.app({ ...executors, healthChecks: [{ protocol: "CONDOR" }] })).toBe(false);
    // An app id with characters Marathon refuses, inside a group body.
    expect(upstream.group({ id: "/bsaas/physics/infn-ba", apps: [{ ...executors, id: "/Bad_Id" }] })).toBe(
      false,
    );
  });

  it("Marathon refuses a group whose app it cannot run, and planning sees a changed app", async () => {
    const rendered = renderCluster((await loadClusterSpec(examplePath("two-sites.yaml"))).spec);
    const site = rendered.sites[1];
    if (!site) throw new Error("no second site");
    const m = await startMarathonEmulator({ runner: "simulated", timing: { taskStepDelayMs: 2 } });
    try {
      const bad = await call(m, "PUT", `/v2/groups${site.groupId}`, {
        ...site.group,
        apps: site.group.apps?.map((a) => ({ ...a, cpus: -1 })),
      });
      expect(bad.status).toBe(422);

      expect((await call(m, "PUT", `/v2/groups${site.groupId}`, site.group)).status).toBe(200);
      const got = GroupSchema.parse(
        (await call(m, "GET", `/v2/groups${site.groupId}?embed=group.apps`)).body,
      );
      const changed = site.apps.map((a) => ({ ...a.app, instances: (a.app.instances ?? 0) + 1 }));
      const plan = planSite(site.site, site.groupId, changed, got.apps ?? []);
      expect(plan.changes.map((c) => c.action)).toEqual(["update"]);
    } finally {
      await m.close();
    }
  });
});
