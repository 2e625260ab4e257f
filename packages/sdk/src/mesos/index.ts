/**
 * `@bsaas/sdk/mesos`: Apache Mesos HTTP APIs — RecordIO stream reading, JSON with exact 64-bit integers, zod schemas
 * of the scheduler, operator and executor APIs and of the legacy master endpoints, and task builders. Written from
 * `shared/specs/mesos/API.md` and the v1 protos.
 *
 * @packageDocumentation
 */
export * from "./builders.js";
// Clients (operator API, scheduler API, leader detection).
export { mesosOptionsFromEnv } from "./connect.js";
export { MesosConnection, type MesosConnectionOptions } from "./connection.js";
export { parseMesosJson, stringifyMesosJson } from "./json.js";
export {
  type DetectLeaderOptions,
  detectLeader,
  isZooKeeperUrl,
  type MesosLeader,
  masterUrlFromInfo,
  parseZooKeeperUrl,
  type ZooKeeperAddress,
  ZooKeeperLeaderWatcher,
} from "./leader.js";
export { MesosOperatorClient, type MesosOperatorOptions, type OperatorStreamItem } from "./operator.js";
export {
  DEFAULT_MAX_RECORD_BYTES,
  encodeRecordIO,
  encodeRecords,
  RECORDIO_STREAM,
  type ReadRecordIOOptions,
  type RecordIOSource,
  readRecordIO,
} from "./recordio.js";
export { attributeValue, type ResourceTotals, resourceTotals } from "./resources.js";
export {
  MesosScheduler,
  type MesosSchedulerOptions,
  type SchedulerStreamItem,
} from "./scheduler.js";
export * from "./schemas/index.js";
export { type RecordItem, readEvents } from "./stream.js";
