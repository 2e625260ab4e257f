/**
 * Steps for files: the initial directory, the executable, stdin/stdout/stderr, the image size and file transfer.
 */
import {
  compressPath,
  containerImageKind,
  type JobContext,
  shouldTransferCode,
  stripQuotes,
  whenToTransferCode,
} from "./job-context.js";
import { splitTokens } from "./macros.js";
import { parseSizeWithUnits } from "./units.js";

/** Iwd from `initialdir` (relative to the submit directory) and JobSubmitFile. */
export function setIwd(ctx: JobContext): void {
  ctx.currentCommand = "initialdir";
  const short = ctx.param("initialdir", "Iwd") ?? ctx.param("initial_dir", "job_iwd");
  let iwd: string;
  if (short) iwd = short.startsWith("/") ? short : `${ctx.options.iwd}/${short}`;
  else iwd = ctx.options.iwd;
  ctx.iwd = compressPath(iwd);
  ctx.job.setString("Iwd", ctx.iwd);
  if (ctx.options.submitFile !== undefined) ctx.job.setString("JobSubmitFile", ctx.options.submitFile);
}

/** Cmd (absolute unless not transferred), TransferExecutable, and the docker/container image attributes. */
export function setExecutable(ctx: JobContext): void {
  ctx.currentCommand = "executable";
  let transfer = true;
  let ignore = false;
  const { docker, container } = ctx.universe;
  if (docker) {
    const image = ctx.param("docker_image", "DockerImage");
    if (image !== undefined) {
      const clean = stripQuotes(image);
      if (!clean) ctx.fail(`'${image}' is not a valid docker_image`, "docker_image");
      ctx.job.setString("DockerImage", clean);
    } else if (!ctx.job.has("DockerImage")) ctx.fail("docker jobs require a docker_image", "docker_image");
  }
  if (container) {
    const dockerImage = ctx.param("docker_image", "DockerImage");
    if (dockerImage !== undefined) {
      const clean = stripQuotes(dockerImage);
      if (!clean)
        ctx.fail(`'${dockerImage}' is not a valid docker_image for container universe`, "docker_image");
      ctx.job.setString("DockerImage", clean);
    }
    const image = ctx.param("container_image", "ContainerImage");
    if (image !== undefined) {
      const clean = stripQuotes(image);
      if (!clean || /^(instance|library|shub):\/\//.test(clean)) {
        ctx.fail(`'${image}' is not a valid container image`, "container_image");
      }
      ctx.job.setString("ContainerImage", clean);
      const kind = containerImageKind(clean);
      if (kind === "docker") ctx.job.setBool("WantDockerImage", true);
      else if (kind === "sif") ctx.job.setBool("WantSIF", true);
      else ctx.job.setBool("WantSandboxImage", true);
    } else if (!ctx.job.has("ContainerImage") && !ctx.job.has("DockerImage")) {
      ctx.fail("container jobs require a container_image or docker_image", "container_image");
    }
  }
  const ename = ctx.param("executable", "Cmd");
  if (ename === undefined) {
    if (ctx.job.has("Cmd")) return;
    if (docker || container) ignore = true;
    else ctx.fail("No 'executable' parameter was provided");
  }
  const xfer = ctx.param("transfer_executable", "TransferExecutable");
  if (xfer !== undefined) {
    if (xfer[0] === "F" || xfer[0] === "f") {
      ctx.job.setBool("TransferExecutable", false);
      transfer = false;
    }
  } else if ((docker || container) && ename?.startsWith("/")) {
    ctx.job.setBool("TransferExecutable", false);
    transfer = false;
    ignore = true;
  }
  if (ignore && transfer) {
    ctx.job.setBool("TransferExecutable", false);
    transfer = false;
  }
  ctx.job.setString("Cmd", transfer && ename !== undefined ? ctx.fullPath(ename, false) : (ename ?? ""));
  // Like condor_submit, refuse a transferred executable that is missing or empty (when files can be looked at).
  if (transfer && ename !== undefined && ctx.options.fileSize && !ename.includes("$$")) {
    const size = ctx.options.fileSize(ctx.fullPath(ename, false));
    if (size === undefined) ctx.fail(`Executable file ${ename} does not exist`);
    if (size === 0) ctx.fail(`Executable file ${ename} has zero length`);
  }
}

/** In/Out/Err with their TransferIn/StreamIn (Out, Err) flags; an empty or /dev/null file is not transferred. */
export function setStdFile(
  ctx: JobContext,
  key: string,
  alt: string,
  attr: string,
  transferKey: string,
  transferAttr: string,
  streamKey: string,
  streamAttr: string,
): void {
  ctx.currentCommand = key;
  let transfer = ctx.job.getBool(transferAttr) ?? true;
  const wanted = ctx.paramBool(transferKey, transferAttr, transfer).value;
  const mustSet = wanted !== transfer;
  transfer = wanted;
  let stream = ctx.job.getBool(streamAttr) ?? false;
  stream = ctx.paramBool(streamKey, streamAttr, stream).value;
  const value = ctx.param(key, alt);
  if (value !== undefined || !ctx.job.has(attr)) {
    let file = value ?? "";
    if (file === "" || file === "/dev/null") {
      transfer = false;
      stream = false;
      file = "/dev/null";
    }
    ctx.job.setString(attr, file);
  }
  if (transfer) {
    ctx.job.setBool(streamAttr, stream);
    if (mustSet) ctx.job.setBool(transferAttr, transfer);
  } else {
    ctx.job.setBool(transferAttr, false);
  }
}

/** ExecutableSize (first job of a cluster) and ImageSize, when file sizes are available or `image_size` is set. */
export function setImageSize(ctx: JobContext, proc: number): void {
  ctx.currentCommand = "image_size";
  if (proc < 1 && ctx.options.fileSize) {
    const cmd = ctx.job.getString("Cmd") ?? "";
    ctx.job.setInt("ExecutableSize", cmd === "" ? 0 : (ctx.sizeKb(cmd) ?? 0));
  }
  const imageSize = ctx.param("image_size", "ImageSize");
  if (imageSize !== undefined) {
    const size = parseSizeWithUnits(imageSize, 1024);
    if (!size) ctx.fail(`'${imageSize}' is not valid for Image Size`);
    if (size.value < 1) ctx.fail("Image Size must be positive");
    ctx.job.setInt("ImageSize", size.value);
  } else if (!ctx.job.has("ImageSize") && ctx.job.has("ExecutableSize")) {
    ctx.job.setInt("ImageSize", ctx.job.getInt("ExecutableSize") ?? 0);
  }
}

/** ShouldTransferFiles, WhenToTransferOutput, TransferInput/Output, remaps, FileSystemDomain and DiskUsage. */
export function setTransferFiles(ctx: JobContext): void {
  ctx.currentCommand = "transfer_input_files";
  let inputSizeKb = 0;
  const inputs: string[] = [];
  let inSpecified = false;
  let outSpecified = false;
  const inList = ctx.param("transfer_input_files", "TransferInputFiles");
  if (inList !== undefined && inList !== '""') inputs.push(...splitTokens(inList, ","));
  for (const file of inputs) inputSizeKb += ctx.sizeKb(file) ?? 0;
  if (inputs.length > 0) inSpecified = true;
  if (ctx.universe.container && processContainerInput(ctx, inputs, (kb) => (inputSizeKb += kb)))
    inSpecified = true;
  if (ctx.job.getBool("TransferIn") ?? true) {
    const stdin = ctx.job.getString("In") ?? "";
    if (stdin) inputSizeKb += ctx.sizeKb(stdin) ?? 0;
  }
  ctx.currentCommand = "transfer_output_files";
  let outputs: string[] = [];
  const outList = ctx.param("transfer_output_files", "TransferOutputFiles");
  if (outList !== undefined) {
    outSpecified = true;
    if (outList !== '""') outputs = splitTokens(outList, ",");
  }

  ctx.currentCommand = "should_transfer_files";
  let should = ctx.param("ShouldTransferFiles", "should_transfer_files");
  let defaultShould = false;
  if (should === undefined) {
    should = ctx.job.getString("ShouldTransferFiles");
    if (should === undefined) {
      const admin = ctx.config("SUBMIT_DEFAULT_SHOULD_TRANSFER_FILES");
      if (admin !== undefined && shouldTransferCode(admin) !== undefined) {
        should = admin;
        defaultShould = true;
      }
    }
  }
  let stf: "YES" | "NO" | "IF_NEEDED";
  if (should === undefined) {
    stf = "IF_NEEDED";
    defaultShould = true;
  } else {
    const code = shouldTransferCode(should);
    if (code === undefined) {
      ctx.fail(
        `invalid value (${should}) for ShouldTransferFiles. Please either specify YES, NO, or IF_NEEDED and try again.`,
      );
    }
    stf = code;
  }
  if (stf === "NO" && (inSpecified || outSpecified)) {
    const which = [
      inSpecified ? "transfer_input_files" : "",
      outSpecified ? "transfer_output_files" : "",
    ].filter(Boolean);
    ctx.fail(
      `you specified files you want Condor to transfer via ${which.join(" and ")}, but you disabled should_transfer_files.`,
    );
  }
  ctx.currentCommand = "when_to_transfer_output";
  let when =
    ctx.param("WhenToTransferOutput", "when_to_transfer_output") ?? ctx.job.getString("WhenToTransferOutput");
  let wtto: "ON_EXIT" | "ON_EXIT_OR_EVICT" | "ON_SUCCESS" | "NEVER";
  const defaultWhen = when === undefined;
  if (when === undefined) {
    wtto = "ON_EXIT";
    when = "ON_EXIT";
  } else {
    const code = whenToTransferCode(when);
    if (code === undefined) {
      ctx.fail(
        `invalid value (${when}) for WhenToTransferOutput. Please either specify ON_EXIT, or ON_EXIT_OR_EVICT and try again.`,
      );
    }
    wtto = code;
  }
  if (!defaultShould && defaultWhen && stf === "NO") wtto = "NEVER";
  if ((stf === "NO" && wtto !== "NEVER") || (stf !== "NO" && wtto === "NEVER")) {
    ctx.fail(
      `WhenToTransferOutput specified as ${when} yet ShouldTransferFiles defined as ${should}. Please remove this contradiction from your submit file and try again.`,
    );
  }
  if (defaultShould && wtto === "ON_EXIT_OR_EVICT" && stf === "IF_NEEDED") stf = "YES";
  if (wtto === "ON_EXIT_OR_EVICT" && stf === "IF_NEEDED") {
    ctx.fail(
      '"when_to_transfer_output = ON_EXIT_OR_EVICT" and "should_transfer_files = IF_NEEDED" are incompatible',
    );
  }
  ctx.job.setString("ShouldTransferFiles", stf);
  if (stf !== "NO") ctx.job.setString("WhenToTransferOutput", wtto);
  if (stf !== "YES" && !ctx.job.has("FileSystemDomain")) {
    const domain = ctx.config("FILESYSTEM_DOMAIN");
    if (domain !== undefined) ctx.job.setString("FileSystemDomain", domain);
  }

  ctx.currentCommand = "disk_usage";
  const diskUsage = ctx.param("disk_usage", "DiskUsage");
  if (diskUsage !== undefined) {
    const size = parseSizeWithUnits(diskUsage, 1024);
    if (!size || size.value < 1) ctx.fail(`'${diskUsage}' is not valid for disk_usage. It must be >= 1`);
    ctx.job.setInt("DiskUsage", size.value);
  } else if (ctx.options.fileSize) {
    const exeKb = ctx.job.getInt("ExecutableSize") ?? 0;
    ctx.job.setInt("TransferInputSizeMB", Math.floor((exeKb + inputSizeKb) / 1024));
    ctx.job.setInt("DiskUsage", exeKb + inputSizeKb);
  }

  if (stf !== "NO") {
    if (inSpecified) ctx.job.setString("TransferInput", inputs.join(","));
    if (outSpecified) ctx.job.setString("TransferOutput", outputs.join(","));
  }
  if (stf === "NO" && ctx.paramBool("transfer_executable", "TransferExecutable", false).value) {
    ctx.fail(
      "You explicitly requested that the executable be transfered, but for this to work, you must enable Condor's file transfer functionality.",
      "transfer_executable",
    );
  }
  ctx.currentCommand = "transfer_output_remaps";
  const remaps = ctx.param("transfer_output_remaps", "TransferOutputRemaps");
  if (remaps !== undefined) {
    if (!remaps.startsWith('"') || remaps.length < 2 || !remaps.endsWith('"')) {
      ctx.fail(`transfer_output_remaps must be a quoted string, not: ${remaps}`);
    }
    ctx.job.setString("TransferOutputRemaps", remaps.slice(1, -1));
  }
}

/** HTCondor's process_container_input_files: a container image file travels with the job. */
function processContainerInput(ctx: JobContext, inputs: string[], addSize: (kb: number) => void): boolean {
  const image = ctx.param("container_image", "ContainerImage");
  if (!(ctx.job.getBool("TransferContainer") ?? true)) {
    ctx.job.setString("ContainerImageSource", "local");
    return false;
  }
  if (image === undefined) return false;
  for (const base of splitTokens(ctx.config("CONTAINER_SHARED_FS") ?? "", ",")) {
    if (image.startsWith(base)) {
      ctx.job.setString("ContainerImageSource", "local");
      return false;
    }
  }
  for (const prefix of ["docker://", "oras://"]) {
    if (image.startsWith(prefix)) {
      ctx.job.setString("ContainerImageSource", prefix.slice(0, -3));
      return false;
    }
  }
  inputs.push(image);
  addSize(ctx.sizeKb(image) ?? 0);
  const trimmed = image.endsWith("/") ? image.slice(0, -1) : image;
  ctx.job.setString("ContainerImage", trimmed.slice(trimmed.lastIndexOf("/") + 1));
  const colon = trimmed.indexOf(":");
  ctx.job.setString("ContainerImageSource", colon < 0 ? "cedar" : trimmed.slice(0, colon));
  return true;
}
