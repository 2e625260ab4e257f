/**
 * `@bsaas/emulator`: Mesos- and Marathon-compatible HTTP APIs on loopback.
 *
 * @packageDocumentation
 */
export {
  type LoopbackServer,
  type LoopbackServerOptions,
  type RequestHandler,
  startLoopbackServer,
} from "./server.js";
