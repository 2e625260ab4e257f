import {
  ApplyError,
  type ApplyResult,
  formatPlan,
  type PlanJson,
  planToJson,
  type SiteApplyResult,
  type VerifyResult,
  VerifyTimeoutError,
} from "@bsaas/sdk/cluster";
import { Flags } from "@oclif/core";
import { ClusterCommand, clusterFlags, ms, opt, planFormatOptions, timeoutFlag } from "../cluster-flags.js";
import { table } from "../table.js";

/** What `bsaas apply --json` prints. */
export interface ApplyJson {
  plan: PlanJson;
  changed: boolean;
  dryRun: boolean;
  sites: SiteApplyResult[];
  verify?: VerifyResult;
}

export default class Apply extends ClusterCommand {
  static override summary =
    "Make the sites run what the cluster file describes, then check the HTCondor pool.";
  static override description =
    `Prints the plan (see bsaas plan), then applies it with one group update per changed site (the central manager's site first, then the others together) and waits for each Marathon deployment. A site with nothing to change gets no request at all: applying the same file twice changes nothing. A failing site does not stop the others.

Then, unless --no-verify, it waits until the pool has the file's shape at the HTCondor level: the central manager answers with the expected version, every submitter's schedd is in the collector and each site has its executors. This needs HTCondor's tools on this machine (on PATH, or the rootfs scripts/provision-htcondor makes).

Progress goes to stderr; stdout carries the plan and the result (or, with --json, one JSON document).

Exit status: 0 when applied (and verified), 1 when a site failed (what was applied where is listed), the pool did not come together in time (what is missing is listed) or on any other error, 2 on a usage error.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --dry-run",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --no-verify --json",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --force --timeout 1200",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...clusterFlags,
    "dry-run": Flags.boolean({ summary: "Only show the plan; change nothing." }),
    verify: Flags.boolean({
      summary: "Check the pool at the HTCondor level after applying (--no-verify skips it).",
      default: true,
      allowNo: true,
    }),
    force: Flags.boolean({ summary: "Cancel Marathon deployments in the way (Marathon's force)." }),
    timeout: timeoutFlag(
      "How long each site's deployment may take (default 600), and the pool check after it (default 300).",
    ),
  };

  async run(): Promise<ApplyJson> {
    const { flags } = await this.parse(Apply);
    const client = await this.openCluster(flags);
    const json = this.jsonEnabled();
    const timeoutMs = ms(flags.timeout);

    if (flags["dry-run"]) {
      const result = await client.apply({ dryRun: true });
      if (!json) this.log(`${this.formatPlan(result)}\n\nDry run: nothing was changed.`);
      return toJson(result);
    }

    // The plan is shown before anything changes, and exactly that plan is applied.
    const plan = await client.plan();
    if (!json) this.log(formatPlan(plan, planFormatOptions()));

    let result: ApplyResult;
    try {
      // The pool check is a second step so that a check that times out still reports what was applied.
      result = await client.apply({
        plan,
        force: flags.force,
        verify: false,
        ...opt("timeoutMs", timeoutMs),
      });
    } catch (error) {
      if (!(error instanceof ApplyError)) throw error;
      if (!json) this.printSites(error.results);
      return this.fail(error, { error: this.errorJson(error), sites: error.results });
    }
    // Without changes the plan already said "No changes. The cluster matches the file."
    if (!json && result.changed) this.printSites(result.sites);

    if (flags.verify) {
      try {
        result.verify = await client.verify(opt("timeoutMs", timeoutMs));
      } catch (error) {
        if (!(error instanceof VerifyTimeoutError)) throw error;
        if (!json) this.printVerify(error.result);
        return this.fail(error, { ...toJson(result), verify: error.result, error: this.errorJson(error) });
      }
      if (!json) this.printVerify(result.verify);
    }
    return toJson(result);
  }

  private formatPlan(result: ApplyResult): string {
    return formatPlan(result.plan, planFormatOptions());
  }

  private printSites(sites: SiteApplyResult[]): void {
    const rows = sites.map((s) => [
      s.site,
      s.outcome,
      s.deploymentId ?? "—",
      s.outcome === "unchanged" ? "—" : `${(s.elapsedMs / 1000).toFixed(1)}s`,
      s.error ?? "",
    ]);
    this.log("");
    this.log(table(["SITE", "OUTCOME", "DEPLOYMENT", "TIME", "ERROR"], rows).replace(/ +$/gm, ""));
  }

  private printVerify(verify: VerifyResult): void {
    this.log("");
    this.log(
      verify.ok
        ? `Pool verified: HTCondor ${verify.htcondorVersion ?? "?"}, collector ${verify.collector} (${(verify.elapsedMs / 1000).toFixed(1)}s)`
        : `Pool not complete after ${(verify.elapsedMs / 1000).toFixed(1)}s: collector ${verify.collector}${verify.htcondorVersion ? `, HTCondor ${verify.htcondorVersion}` : ""}`,
    );
    this.log(`  schedds: ${verify.schedds.length > 0 ? verify.schedds.join(", ") : "none"}`);
    for (const e of verify.executors) this.log(`  site ${e.site}: ${e.ready} of ${e.expected} executors`);
    for (const m of verify.missing) this.log(`  missing: ${m}`);
  }
}

function toJson(result: ApplyResult): ApplyJson {
  return {
    plan: planToJson(result.plan),
    changed: result.changed,
    dryRun: result.dryRun,
    sites: result.sites,
    ...(result.verify ? { verify: result.verify } : {}),
  };
}
