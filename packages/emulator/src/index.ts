/**
 * `@bsaas/emulator`: Mesos- and Marathon-compatible HTTP APIs on loopback.
 *
 * @packageDocumentation
 */
export * from "./agents/index.js";
export * from "./marathon/index.js";
export {
  type LoopbackServer,
  type LoopbackServerOptions,
  type RequestHandler,
  startLoopbackServer,
} from "./server.js";
