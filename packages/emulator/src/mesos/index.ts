export { type MesosHttpOptions, mesosHttpHandler, type RecordedMesosBody } from "./http.js";
export type { MesosJson, MesosObject } from "./json.js";
export {
  type CallAnswer,
  type CallCounts,
  type LocalScheduler,
  MESOS_VERSION,
  type MesosCallSchemas,
  MesosMaster,
  type MesosMasterOptions,
  type ValidCall,
} from "./master.js";
export {
  type MesosCluster,
  type MesosClusterOptions,
  type MesosMasterServer,
  type MesosMasterServerOptions,
  type MesosWaitOptions,
  startMesosCluster,
  startMesosMaster,
} from "./server.js";
export { type EventSink, MesosState, type MesosStateOptions } from "./state.js";
export type { MesosZooKeeperOptions } from "./zk.js";
