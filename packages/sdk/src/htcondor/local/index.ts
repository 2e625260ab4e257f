export {
  DEFAULT_HTCONDOR_ROOTFS,
  type HTCondorInstallation,
  HTCondorNotFoundError,
  hostPath,
  installationPath,
  type LocateOptions,
  locateHTCondor,
  lookupUser,
  toolsFor,
} from "./installation.js";
export {
  type CondorInstance,
  type CondorInstanceOptions,
  type InstancePaths,
  reapCondorProcesses,
  spawnDaemon,
  startCondorInstance,
} from "./instance.js";
