/**
 * `@bsaas/emulator`: Mesos- and Marathon-compatible HTTP APIs on loopback.
 *
 * @packageDocumentation
 */
export * from "./agents/index.js";
export { type Emulator, type EmulatorOptions, startEmulator } from "./emulator.js";
export * from "./marathon/index.js";
export * from "./mesos/index.js";
export {
  type LoopbackServer,
  type LoopbackServerOptions,
  type RequestHandler,
  startLoopbackServer,
} from "./server.js";
export {
  startZooKeeper,
  ZOOKEEPER_CLASSPATH,
  type ZooKeeperOptions,
  type ZooKeeperServer,
} from "./zookeeper.js";
