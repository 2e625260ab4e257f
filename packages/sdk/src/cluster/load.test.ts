import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { FileReadError, formatSpecIssue, SpecValidationError } from "../errors.js";
import { Secret } from "../secret.js";
import { interpolate, loadClusterSpec, parseClusterSpec } from "./load.js";

const examples = new URL("../../../../examples/", import.meta.url);
const example = (name: string) => new URL(name, examples).pathname;

const minimal = `apiVersion: bsaas.io/v1alpha1
kind: Cluster
metadata:
  name: demo
centralManager:
  site: a
  address: 127.0.0.1
submitters:
  - name: s1
    site: a
sites:
  - name: a
    marathon:
      url: http://127.0.0.1:8080
    executors:
      instances: 2
runtime:
  type: command
`;

function issuesOf(text: string, env: Record<string, string> = {}) {
  try {
    parseClusterSpec(text, { file: "c.yaml", env });
  } catch (error) {
    expect(error).toBeInstanceOf(SpecValidationError);
    return (error as SpecValidationError).issues;
  }
  throw new Error("expected the spec to be rejected");
}

describe("examples", () => {
  it("accepts examples/local.yaml with defaults filled in", async () => {
    const { spec, warnings } = await loadClusterSpec(example("local.yaml"));
    expect(warnings).toEqual([]);
    expect(spec.metadata.name).toBe("local");
    expect(spec.runtime.type).toBe("command");
    expect(spec.submitters).toHaveLength(1);
    expect(spec.sites).toHaveLength(1);
    expect(spec.sites[0]?.executors.instances).toBe(3);
    expect(spec.htcondor.port).toBe(9618);
  });

  it("accepts examples/two-sites.yaml: docker runtime, calico, CCB on the second site", async () => {
    const { spec } = await loadClusterSpec(example("two-sites.yaml"));
    expect(spec.runtime.type).toBe("docker");
    expect(spec.sites.map((s) => [s.name, s.network.mode, s.ccb])).toEqual([
      ["infn-to", "calico", false],
      ["infn-ba", "calico", true],
    ]);
    expect(spec.sites[1]?.auth).toEqual({ type: "dcos", token: { file: "secrets/infn-ba.token" } });
  });
});

describe("defaults", () => {
  it("fills in every documented default", () => {
    const { spec } = parseClusterSpec(minimal);
    expect(spec.htcondor).toEqual({
      sharedPort: true,
      port: 9618,
      security: { method: "idtokens" },
      config: {},
    });
    expect(spec.sites[0]?.network).toEqual({ mode: "host" });
    expect(spec.sites[0]?.ccb).toBe(false);
    expect(spec.sites[0]?.executors).toEqual({
      instances: 2,
      min: 0,
      cpus: 1,
      mem: 2048,
      disk: 4096,
      partitionable: true,
    });
    expect(spec.autoscale.enabled).toBe(false);
    expect(spec.storage).toEqual({});
    expect(spec.runtime).toEqual({
      type: "command",
      condorMaster: "condor_master",
      systemConfig: "/etc/condor/condor_config",
    });
  });
});

describe("errors carry file:line:column and the field path", () => {
  it("reports a misspelt key at the key, with a suggestion", () => {
    const issues = issuesOf(minimal.replace("    executors:", "    executers:"));
    const unknown = issues.find((i) => i.code === "unknown_key");
    expect(unknown).toMatchObject({
      file: "c.yaml",
      path: ["sites", 0, "executers"],
      position: { line: 15, column: 5 },
    });
    expect(unknown?.message).toContain('did you mean "executors"');
    // ...and the missing field it should have been.
    expect(issues.some((i) => i.code === "missing_field" && i.path.join(".") === "sites.0.executors")).toBe(
      true,
    );
  });

  it("reports a negative instance count at its value", () => {
    const issues = issuesOf(minimal.replace("instances: 2", "instances: -1"));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: ["sites", 0, "executors", "instances"],
      position: { line: 16, column: 18 },
    });
    expect(formatSpecIssue(issues[0] as never)).toBe(
      "c.yaml:16:18: sites[0].executors.instances: must be ≥ 0",
    );
  });

  it("lists every problem in file order", () => {
    const text = minimal
      .replace("name: demo", "name: Demo_1")
      .replace("instances: 2", "instances: 2.5")
      .replace("type: command", "type: podman");
    const issues = issuesOf(text);
    expect(issues.map((i) => i.position.line)).toEqual([4, 16, 18]);
    expect(issues[2]?.message).toBe('must be one of "docker", "command"');
    expect(issues[1]?.message).toBe("expected a whole number");
  });

  it("reports a YAML syntax error at its position", () => {
    const issues = issuesOf("apiVersion: bsaas.io/v1alpha1\nkind: [Cluster\n");
    expect(issues[0]?.code).toBe("yaml_syntax");
    expect(issues[0]?.position.line).toBeGreaterThanOrEqual(2);
  });

  it("rejects duplicate keys", () => {
    const issues = issuesOf(minimal.replace("kind: Cluster\n", "kind: Cluster\nkind: Cluster\n"));
    expect(issues[0]).toMatchObject({ code: "yaml_syntax", position: { line: 3 } });
  });

  it("rejects an empty document and a document that is not a mapping", () => {
    expect(issuesOf("")[0]?.message).toContain("empty");
    expect(issuesOf("- a\n- b\n")[0]?.message).toContain("not a mapping");
  });

  it("checks references between sections", () => {
    const text = minimal
      .replace("centralManager:\n  site: a", "centralManager:\n  site: b")
      .replace("    site: a", "    site: c");
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.position.line, i.message])).toEqual([
      [6, 'no site named "b" (sites: a)'],
      [10, 'no site named "c" (sites: a)'],
    ]);
  });

  it("checks pool bounds, duplicate names and network rules", () => {
    const text = minimal
      .replace("      instances: 2", "      instances: 9\n      min: 1\n      max: 4")
      .replace("    executors:", "    network:\n      mode: calico\n    executors:")
      .concat("  # second site with the same name\n");
    const issues = issuesOf(text);
    expect(issues.map((i) => i.message)).toEqual([
      "network mode calico needs a network name",
      "network mode calico needs the docker runtime; command tasks use the agent's network (mode: host)",
      "instances (9) is above max (4)",
    ]);
    const dup = issuesOf(
      minimal.replace(
        "submitters:\n  - name: s1\n    site: a",
        "submitters:\n  - name: s1\n    site: a\n  - name: s1\n    site: a",
      ),
    );
    expect(dup.map((i) => i.message)).toEqual(['submitter "s1" is defined twice']);
  });

  it("throws FileReadError naming a missing file", async () => {
    await expect(loadClusterSpec("/nonexistent/cluster.yaml")).rejects.toBeInstanceOf(FileReadError);
    await expect(loadClusterSpec("/nonexistent/cluster.yaml")).rejects.toThrow("/nonexistent/cluster.yaml");
  });
});

describe("environment interpolation", () => {
  const withAuth = minimal.replace(
    "    executors:",
    "    auth:\n      type: basic\n      username: ${MARATHON_USER:-bsaas}\n      password: ${MARATHON_PASSWORD}\n    executors:",
  );

  it("replaces ${VAR}, uses :- defaults and keeps $${ literal", () => {
    expect(interpolate("a ${X} ${Y:-dflt} $${Z}", { X: "1" })).toEqual({
      text: "a 1 dflt ${Z}",
      used: true,
      unset: [],
    });
    expect(interpolate("plain $5 text", {})).toEqual({ text: "plain $5 text", used: false, unset: [] });
  });

  it("reports an unset variable at the value that uses it", () => {
    const issues = issuesOf(withAuth);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: "env_unset",
      path: ["sites", 0, "auth", "password"],
      position: { line: 18, column: 17 },
    });
    expect(issues[0]?.message).toContain("MARATHON_PASSWORD is not set");
  });

  it("turns secrets into redacted Secret objects and never prints them", () => {
    const password = "hunter2-very-secret";
    const { spec, warnings } = parseClusterSpec(withAuth, { env: { MARATHON_PASSWORD: password } });
    expect(warnings).toEqual([]);
    const auth = spec.sites[0]?.auth;
    if (auth?.type !== "basic") throw new Error("expected basic auth");
    expect(auth.username).toBe("bsaas");
    expect(auth.password).toBeInstanceOf(Secret);
    expect((auth.password as Secret).reveal()).toBe(password);
    expect(JSON.stringify(spec)).not.toContain(password);
    expect(inspect(spec, { depth: 10 })).not.toContain(password);
    expect(`${auth.password}`).toBe("[redacted]");
  });

  it("keeps secrets out of validation errors", () => {
    const password = "hunter2-very-secret";
    try {
      parseClusterSpec(withAuth.replace("instances: 2", "instances: x"), {
        file: "c.yaml",
        env: { MARATHON_PASSWORD: password },
      });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain(password);
      expect(JSON.stringify((error as SpecValidationError).issues)).not.toContain(password);
    }
  });

  it("warns about a secret written into the file", () => {
    const { warnings } = parseClusterSpec(withAuth.replace("${MARATHON_PASSWORD}", "plaintext"), {
      file: "c.yaml",
      env: {},
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      code: "inline_secret",
      path: ["sites", 0, "auth", "password"],
      position: { line: 18 },
    });
  });
});

describe("loadClusterSpec", () => {
  it("names the file in every location", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bsaas-spec-"));
    const file = join(dir, "bad.yaml");
    await writeFile(file, minimal.replace("kind: Cluster", "kind: Clusters"));
    await expect(loadClusterSpec(file)).rejects.toThrow(`${file}:2:7: kind: must be "Cluster"`);
    await rm(dir, { recursive: true, force: true });
  });
});

describe("central manager address, reserved names, extra HTCondor configuration", () => {
  it("requires centralManager.address with the command runtime, and says why", () => {
    const issues = issuesOf(minimal.replace("  address: 127.0.0.1\n", ""));
    expect(issues.map((i) => [i.path.join("."), i.message])).toEqual([
      [
        "centralManager",
        "the command runtime needs centralManager.address: the host name or address of the agent that runs the central manager (127.0.0.1 for a one-machine pool)",
      ],
    ]);
  });

  it("refuses a submitter named like bsaas's own apps", () => {
    const issues = issuesOf(minimal.replace("  - name: s1", "  - name: executors"));
    expect(issues.map((i) => i.path.join("."))).toEqual(["submitters.0.name"]);
    expect(issues[0]?.message).toContain('"executors" is taken');
  });

  it("refuses highAvailability, which this version does not render", () => {
    const issues = issuesOf(
      minimal.replace("  address: 127.0.0.1\n", "  address: 127.0.0.1\n  highAvailability: {}\n"),
    );
    expect(issues.map((i) => i.path.join("."))).toEqual(["centralManager.highAvailability"]);
  });

  it("takes extra knobs and refuses names HTCondor would not read", () => {
    const ok = parseClusterSpec(`${minimal}htcondor:\n  config:\n    NEGOTIATOR_INTERVAL: "20"\n`);
    expect(ok.spec.htcondor.config).toEqual({ NEGOTIATOR_INTERVAL: "20" });
    const issues = issuesOf(`${minimal}htcondor:\n  config:\n    "BAD KNOB": "1"\n`);
    expect(issues[0]?.message).toContain("configuration knob name");
  });
});
