import { describe, expect, it } from "vitest";
import { hostPath, installationPath } from "./installation.js";

describe("installationPath: a host path as HTCondor's tools see it", () => {
  const rootfs = { kind: "rootfs", rootfs: "/var/lib/bsaas/htcondor-trixie" } as const;

  it("is the path below the rootfs, the inverse of hostPath", () => {
    expect(installationPath(rootfs, "/var/lib/bsaas/htcondor-trixie/home/bsaas/work")).toBe(
      "/home/bsaas/work",
    );
    expect(installationPath(rootfs, "/var/lib/bsaas/htcondor-trixie")).toBe("/");
    expect(installationPath(rootfs, hostPath(rootfs, "/tmp/jobs"))).toBe("/tmp/jobs");
  });

  it("is undefined outside the rootfs, including a sibling that shares its prefix", () => {
    expect(installationPath(rootfs, "/home/alice/job.sub")).toBeUndefined();
    expect(installationPath(rootfs, "/var/lib/bsaas/htcondor-trixie-old/x")).toBeUndefined();
    expect(installationPath(rootfs, "/var/lib/bsaas/htcondor-trixie/../other")).toBeUndefined();
  });

  it("is the absolute path itself with HTCondor on the host", () => {
    expect(installationPath({ kind: "host" }, "/home/alice/work")).toBe("/home/alice/work");
  });
});
