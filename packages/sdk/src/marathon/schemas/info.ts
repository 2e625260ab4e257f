/**
 * `GET /v2/info` and `GET /v2/leader`. RAML: `types/info.raml`. Response schemas only: configuration keys vary
 * between Marathon versions, so every key of the nested configs is optional and the objects are loose.
 */
import { z } from "zod";
import { StringListSchema } from "./common.js";

const optionalString = z.string().nullable().optional();
const optionalNumber = z.number().nullable().optional();
const optionalBoolean = z.boolean().nullable().optional();

/** Marathon's command-line configuration (RAML `info.MarathonConfig`). */
export const MarathonConfigSchema = z.looseObject({
  access_control_allow_origin: StringListSchema.nullable().optional(),
  checkpoint: optionalBoolean,
  decline_offer_duration: optionalNumber,
  default_network_name: optionalString,
  env_vars_prefix: optionalString,
  executor: optionalString,
  failover_timeout: optionalNumber,
  features: StringListSchema.optional(),
  framework_name: optionalString,
  ha: optionalBoolean,
  hostname: optionalString,
  launch_token: optionalNumber,
  launch_token_refresh_interval: optionalNumber,
  leader_proxy_connection_timeout_ms: optionalNumber,
  leader_proxy_read_timeout_ms: optionalNumber,
  local_port_max: optionalNumber,
  local_port_min: optionalNumber,
  master: optionalString,
  max_instances_per_offer: optionalNumber,
  mesos_bridge_name: optionalString,
  mesos_heartbeat_failure_threshold: optionalNumber,
  mesos_heartbeat_interval: optionalNumber,
  mesos_leader_ui_url: optionalString,
  mesos_role: optionalString,
  mesos_user: optionalString,
  min_revive_offers_interval: optionalNumber,
  offer_matching_timeout: optionalNumber,
  on_elected_prepare_timeout: optionalNumber,
  reconciliation_initial_delay: optionalNumber,
  reconciliation_interval: optionalNumber,
  scale_apps_initial_delay: optionalNumber,
  scale_apps_interval: optionalNumber,
  store_cache: optionalBoolean,
  task_launch_confirm_timeout: optionalNumber,
  task_launch_timeout: optionalNumber,
  task_lost_expunge_initial_delay: optionalNumber,
  task_lost_expunge_interval: optionalNumber,
  task_reservation_timeout: optionalNumber,
  webui_url: optionalString,
});
/** What {@link MarathonConfigSchema} parses to (RAML `info.MarathonConfig`). */
export type MarathonConfig = z.infer<typeof MarathonConfigSchema>;

/** ZooKeeper configuration (RAML `info.ZooKeeperConfig`). */
export const ZooKeeperConfigSchema = z.looseObject({
  zk: optionalString,
  zk_compression: optionalBoolean,
  zk_compression_threshold: optionalNumber,
  zk_connection_timeout: optionalNumber,
  zk_max_node_size: optionalNumber,
  zk_max_versions: optionalNumber,
  zk_session_timeout: optionalNumber,
  zk_timeout: optionalNumber,
});
/** What {@link ZooKeeperConfigSchema} parses to (RAML `info.ZooKeeperConfig`). */
export type ZooKeeperConfig = z.infer<typeof ZooKeeperConfigSchema>;

/** HTTP configuration (RAML `info.HttpConfig`). */
export const HttpConfigSchema = z.looseObject({
  http_port: optionalNumber,
  https_port: optionalNumber,
});

/**
 * Legacy event subscriber configuration (`--event_subscriber`, removed in 1.7/1.8; not in the RAML): older servers
 * write `{ type: "http_callback", http_endpoints }` or `null`.
 */
export const EventSubscriberConfigSchema = z.looseObject({
  type: z.string().optional(),
  http_endpoints: StringListSchema.nullable().optional(),
});

/**
 * `GET /v2/info` (RAML `info.MarathonInfo`). `leader` and `frameworkId` are absent (or `null` on old servers) while
 * no leader is elected / before registration.
 */
export const InfoSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  buildref: z.string().optional(),
  elected: z.boolean(),
  leader: z.string().nullable().optional(),
  frameworkId: z.string().nullable().optional(),
  marathon_config: MarathonConfigSchema,
  zookeeper_config: ZooKeeperConfigSchema,
  http_config: HttpConfigSchema,
  event_subscriber: EventSubscriberConfigSchema.nullable().optional(),
});
/** What {@link InfoSchema} parses to (RAML `info.MarathonInfo`). */
export type Info = z.infer<typeof InfoSchema>;

/** `GET /v2/leader` (RAML `info.LeaderInfo`): `host:port` of the leader. */
export const LeaderResponseSchema = z.looseObject({ leader: z.string() });
/** What {@link LeaderResponseSchema} parses to (RAML `info.LeaderInfo`). */
export type LeaderResponse = z.infer<typeof LeaderResponseSchema>;
