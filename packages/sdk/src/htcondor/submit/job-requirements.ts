/**
 * The Requirements expression condor_submit builds: the user's expression plus the clauses for what it does not reference (Arch, OpSys, Disk, Memory, Cpus, custom resources, file transfer and plugin methods).
 */

import {
  containerImageKind,
  isUrl,
  JAVA,
  type JobContext,
  LOCAL,
  MPI,
  PARALLEL,
  shouldTransferCode,
  VANILLA,
  VM,
  whenToTransferCode,
} from "./job-context.js";
import { DEFERRAL_ATTRIBUTES } from "./job-policy.js";
import type { AdValue } from "./jobad.js";
import { splitTokens } from "./macros.js";
import { exprReferences } from "./refs.js";

/** Requirements: the user's expression plus the clauses condor_submit adds for what it does not reference. */
export function setRequirements(ctx: JobContext): void {
  ctx.currentCommand = "requirements";
  const orig = ctx.param("requirements");
  let answer = orig !== undefined ? `(${orig})` : "";
  if (ctx.param("MY.Requirements") !== undefined || ctx.param("+Requirements") !== undefined) return;
  const universe = ctx.universe.universe;
  let append = universe === VANILLA ? ctx.config("APPEND_REQ_VANILLA") : undefined;
  append ??= ctx.config("APPEND_REQUIREMENTS");
  if (append !== undefined) answer += answer ? ` && (${append})` : `(${append})`;

  const refs = exprReferences(answer, new Set(["requestmemory", "vm_ckptmac", "requirements"]));
  if (refs.job.has("requirements") || refs.machine.has("requirements")) {
    ctx.fail(`Requirements = ${answer}\nIs Circular. Did you intend to use $(Requirements) ?`);
  }
  const m = refs.machine;
  const { docker, container } = ctx.universe;
  const checksArch = m.has("arch");
  const checksOpsys =
    container ||
    docker ||
    ["opsys", "opsysandver", "opsyslongname", "opsysshortname", "opsysname", "opsyslegacy"].some((a) =>
      m.has(a),
    );
  const checksDisk = m.has("disk");
  const checksCpus = m.has("cpus");
  const mightTransfer = [VANILLA, MPI, PARALLEL, JAVA, VM].includes(universe);
  const checksFsDomain = mightTransfer && m.has("filesystemdomain");
  const checksFileTransfer = mightTransfer && (m.has("hasfiletransfer") || m.has("hasjobtransferplugins"));
  const checksPluginMethods = mightTransfer && m.has("hasfiletransferpluginmethods");
  const checksPerFileEncryption = mightTransfer && m.has("hasperfileencryption");
  const arch = ctx.options.arch ?? "X86_64";
  const opsys = ctx.options.opsys ?? "LINUX";
  const archClause = () => {
    if (!checksArch) answer += `${answer ? " && " : ""}(TARGET.Arch == "${arch}")`;
  };

  if (docker) {
    archClause();
    answer += `${answer ? " && " : ""}TARGET.HasDocker`;
    const network = ctx.job.getString("DockerNetworkType");
    if (network && !["host", "none", "nat"].includes(network)) {
      answer += "&& StringListMember(My.DockerNetworkType, TARGET.DockerNetworks)";
    }
  } else if (container) {
    archClause();
    answer += `${answer ? " && " : ""}TARGET.HasContainer`;
    const image = ctx.job.getString("ContainerImage");
    if (ctx.job.has("DockerImage")) answer += "&& TARGET.HasDockerURL";
    else if (image !== undefined) {
      const kind = containerImageKind(image);
      answer +=
        kind === "docker"
          ? "&& TARGET.HasDockerURL"
          : kind === "sif"
            ? "&& TARGET.HasSIF"
            : "&& TARGET.HasSandboxImage";
    }
  } else {
    archClause();
    if (!checksOpsys) answer += ` && (TARGET.OpSys == "${opsys}")`;
  }

  const disk = ctx.job.get("RequestDisk");
  if (!checksDisk) {
    if (disk) {
      const n = ctx.job.getLiteralNumber("RequestDisk");
      if (n === undefined || n > 0) answer += " && (TARGET.Disk >= RequestDisk)";
    } else answer += " && (TARGET.Disk >= DiskUsage)";
  } else if (disk) answer += " && (TARGET.Disk >= RequestDisk)";

  if (ctx.job.has("RequestMemory")) {
    const n = ctx.job.getLiteralNumber("RequestMemory");
    if (n === undefined || n > 1) answer += " && (TARGET.Memory >= RequestMemory)";
  }
  if (!checksCpus && ctx.job.has("RequestCpus")) {
    const n = ctx.job.getLiteralNumber("RequestCpus");
    if (n === undefined || n > 1) answer += " && (TARGET.Cpus >= RequestCpus)";
  }

  // Custom resources: every Request<Tag> attribute (tag at least 2 characters, not starting with _).
  let tags = ctx.job
    .list()
    .map(([name]) => name)
    .filter((name) => name.length >= 9 && /^request/i.test(name) && name[7] !== "_")
    .filter((name) => !["requestcpus", "requestdisk", "requestmemory"].includes(name.toLowerCase()));
  if (!ctx.configBool("SUBMIT_GENERATE_CUSTOM_RESOURCE_REQUIREMENTS", true)) {
    tags = tags.filter((t) => t.toLowerCase() === "requestgpus");
  }
  tags.sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const attr of tags) {
    const tag = attr.slice(7);
    if (m.has(tag.toLowerCase())) continue;
    const value = ctx.job.get(attr) as AdValue;
    if (value.kind === "string") {
      if (value.value.length > 0) answer += ` && regexp(${attr}, TARGET.${tag})`;
      continue;
    }
    if (value.kind === "bool") continue;
    const n = value.kind === "int" || value.kind === "real" ? value.value : undefined;
    if (n !== undefined && n <= 0) continue;
    const requireAttr = `Require${tag}`;
    answer += ctx.job.has(requireAttr)
      ? ` && (countMatches(MY.${requireAttr},TARGET.Available${tag}) >= ${attr})`
      : ` && (TARGET.${tag} >= ${attr})`;
  }

  if (!m.has("encryptexecutedirectory") && ctx.job.getBool("EncryptExecuteDirectory")) {
    answer += " && TARGET.HasEncryptExecuteDirectory";
  }

  if (mightTransfer) {
    const domainCheck = "(TARGET.FileSystemDomain == MY.FileSystemDomain)";
    let xferCheck = "TARGET.HasFileTransfer";
    const cryptCheck =
      !checksPerFileEncryption &&
      ["EncryptInputFiles", "EncryptOutputFiles", "DontEncryptInputFiles", "DontEncryptOutputFiles"].some(
        (a) => ctx.job.has(a),
      )
        ? " && TARGET.HasPerFileEncryption"
        : "";
    const stf = shouldTransferCode(ctx.job.getString("ShouldTransferFiles") ?? "IF_NEEDED") ?? "IF_NEEDED";
    if (stf === "NO") {
      if (!checksFsDomain) answer += ` && ${domainCheck}`;
    } else if (!checksFileTransfer) {
      let join = " && (";
      let close = ")";
      if (stf === "IF_NEEDED" && !checksFsDomain) {
        answer += join + domainCheck;
        join = " || (";
        close = "))";
      }
      const plugins = ctx.job.getString("TransferPlugins") ?? "";
      if (plugins) xferCheck = "TARGET.HasJobTransferPlugins";
      answer += join + xferCheck + cryptCheck;
      const versionCheck =
        ctx.job.getString("TransferCheckpoint") !== undefined ||
        ctx.job.getBool("PreserveRelativePaths") === true ||
        whenToTransferCode(ctx.job.getString("WhenToTransferOutput") ?? "") === "ON_SUCCESS";
      if (versionCheck) answer += ' && versioncmp( split(TARGET.CondorVersion)[1], "8.9.7" ) >= 0';

      const jobMethods = new Set<string>();
      for (const plug of plugins.split(";")) {
        const eq = plug.indexOf("=");
        if (eq >= 0)
          for (const method of splitTokens(plug.slice(0, eq))) jobMethods.add(method.toLowerCase());
      }
      const methods = new Set<string>();
      const addUrl = (url: string) => {
        if (!isUrl(url)) return;
        const scheme = url.slice(0, url.indexOf(":")).toLowerCase();
        if (!jobMethods.has(scheme)) methods.add(scheme);
      };
      for (const file of splitTokens(ctx.job.getString("TransferInput") ?? "", ",")) addUrl(file);
      const dest = ctx.job.getString("OutputDestination");
      if (dest !== undefined) addUrl(dest);
      for (const remap of (ctx.job.getString("TransferOutputRemaps") ?? "").split(";")) {
        const eq = remap.indexOf("=");
        if (eq >= 0) addUrl(remap.slice(eq + 1).trim());
      }
      const wanted = [...methods].sort();
      for (const method of wanted) {
        if (checksPluginMethods) continue;
        answer += ` && stringListIMember("${method}",TARGET.HasFileTransferPluginMethods)`;
        if ((method === "s3" || method === "gs") && ctx.configBool("SIGN_S3_URLS", true)) {
          if (!ctx.job.has("EC2AccessKeyId") || !ctx.job.has("EC2SecretAccessKey")) {
            ctx.fail(
              "[s3|gs]:// URLs require [s3|aws|gs]_access_key_id_file and [s3|aws|gs]_secret_access_key_file to be set",
            );
          }
        }
      }
      if (wanted.length > 0) ctx.job.setString("WantTransferPluginMethods", wanted.join(","));
      answer += close;
    }
  }

  if (DEFERRAL_ATTRIBUTES.some((a) => ctx.job.has(a))) {
    // Deferred start: match only starters that support it, and only while the start time is near.
    if (universe !== LOCAL) answer += " && TARGET.HasJobDeferral";
    if (!ctx.job.has("ScheddInterval")) {
      const interval = ctx.config("SCHEDD_INTERVAL");
      if (interval !== undefined) ctx.job.setExpr("ScheddInterval", interval);
      else ctx.job.setInt("ScheddInterval", 300);
    }
    answer +=
      " && (((time() + ScheddInterval) >= (DeferralTime - DeferralPrepTime)) && (time() < (DeferralTime + DeferralWindow)))";
  }

  if (ctx.job.getBool("WantFTOnCheckpoint") && !m.has("hasselfcheckpointtransfers")) {
    answer += " && TARGET.HasSelfCheckpointTransfers";
  }
  const cuda = ctx.job.getString("CUDAVersion");
  if (cuda !== undefined) {
    const dotted = /^(\d+)\.(\d+)$/.exec(cuda);
    const plain = /^(\d+)$/.exec(cuda);
    if (dotted) ctx.job.setInt("CUDAVersion", Number(dotted[1]) * 1000 + (Number(dotted[2]) % 100));
    else if (plain) {
      const major = Number(plain[1]);
      ctx.job.setInt("CUDAVersion", major < 1000 ? major * 1000 : major);
    } else
      ctx.fail(
        "cuda_version must be of the form 'x' or 'x.y', where x and y are positive integers.",
        "cuda_version",
      );
    answer += "&& CUDAVersion <= TARGET.CUDAMaxSupportedVersion";
  }
  ctx.job.setExpr("Requirements", answer);
}
