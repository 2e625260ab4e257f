import type { Agent } from "../agents/types.js";
import { field, idOf, list, number, record, text } from "../mesos/access.js";
import { isRecord, type MesosObject } from "../mesos/json.js";
import type { LocalScheduler, MesosMaster } from "../mesos/master.js";
import { parseResources, type ResourceBag } from "../mesos/resources.js";

/** An offer as Marathon uses it: the agent (for constraints), the resources, and the raw JSON. */
export interface MarathonOffer {
  id: string;
  agent: Agent;
  resources: ResourceBag;
}

/** A status update as Marathon reads it. */
export interface MarathonStatus {
  taskId: string;
  state: string;
  message: string;
  /** ISO timestamp. */
  timestamp: string;
  /** The status as received (for the acknowledgement). */
  raw: MesosObject;
}

/** What the driver calls back. */
export interface DriverHandlers {
  onOffers(offers: MarathonOffer[]): void;
  onUpdate(status: MarathonStatus): void;
}

/** Options of {@link MesosDriver}. */
export interface MesosDriverOptions {
  /** FrameworkInfo.failover_timeout in seconds (Marathon's `--failover_timeout`, default one week). */
  failoverTimeoutSeconds?: number;
  /** The framework's role (default `*`). */
  role?: string;
  /** Marathon's web UI URL (FrameworkInfo.webui_url). */
  webuiUrl?: string;
  hostname?: string;
  user?: string;
}

/** Reads an Agent (hostname, address, attributes, region/zone) from an offer. */
export function agentOfOffer(offer: Record<string, unknown>): Agent {
  const attributes: Record<string, string> = {};
  for (const attribute of list(offer, "attributes")) {
    const name = text(attribute, "name");
    if (name === undefined) continue;
    const textValue = text(record(attribute, "text"), "value");
    const scalar = number(record(attribute, "scalar"), "value");
    if (textValue !== undefined) attributes[name] = textValue;
    else if (scalar !== undefined) attributes[name] = String(scalar);
  }
  const faultDomain = record(record(offer, "domain"), "fault_domain");
  const region = text(record(faultDomain, "region"), "name");
  const zone = text(record(faultDomain, "zone"), "name");
  const bag = parseResources(offer.resources).bag;
  return {
    id: idOf(offer, "agent_id") ?? "",
    hostname: text(offer, "hostname") ?? "",
    address: text(record(record(offer, "url"), "address"), "ip") ?? "127.0.0.1",
    resources: {
      cpus: bag.cpus,
      mem: bag.mem,
      disk: bag.disk,
      gpus: bag.gpus,
      ports: { begin: bag.ports[0] ?? 0, end: bag.ports[bag.ports.length - 1] ?? 0 },
    },
    attributes,
    ...(region === undefined ? {} : { region }),
    ...(zone === undefined ? {} : { zone }),
  };
}

/**
 * Marathon's connection to a Mesos master: it subscribes as the framework `marathon` (in-process, through
 * {@link MesosMaster.subscribeLocal}: the same events and calls an HTTP scheduler has), turns OFFERS and UPDATE events
 * into callbacks, acknowledges every update after handling it, and makes the calls Marathon needs.
 */
export class MesosDriver {
  private connection: LocalScheduler | undefined;
  private subscribed: Promise<void> | undefined;
  suppressed = true;

  constructor(
    private readonly master: MesosMaster,
    private readonly handlers: DriverHandlers,
    private readonly options: MesosDriverOptions = {},
  ) {}

  /** The framework id (once subscribed). */
  get frameworkId(): string | undefined {
    return this.connection?.frameworkId;
  }

  /** Subscribes (suppressed: offers come after the first REVIVE) and resolves on SUBSCRIBED. */
  start(): Promise<void> {
    this.subscribed ??= new Promise<void>((resolve, reject) => {
      const info: MesosObject = {
        user: this.options.user ?? process.env.USER ?? "root",
        name: "marathon",
        failover_timeout: this.options.failoverTimeoutSeconds ?? 604_800,
        checkpoint: true,
        role: this.options.role ?? "*",
        hostname: this.options.hostname ?? "127.0.0.1",
        capabilities: [
          { type: "TASK_KILLING_STATE" },
          { type: "PARTITION_AWARE" },
          { type: "GPU_RESOURCES" },
        ],
      };
      if (this.options.webuiUrl) info.webui_url = this.options.webuiUrl;
      try {
        this.connection = this.master.subscribeLocal(
          { framework_info: info, suppressed_roles: [this.options.role ?? "*"] },
          (event) => {
            if (event.type === "SUBSCRIBED") resolve();
            else if (event.type === "ERROR")
              reject(new Error(text(event.error, "message") ?? "subscription failed"));
            this.onEvent(event);
          },
        );
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    return this.subscribed;
  }

  private onEvent(event: MesosObject): void {
    if (event.type === "OFFERS") {
      const offers = list(event.offers, "offers").filter(isRecord);
      this.handlers.onOffers(
        offers.map((offer) => ({
          id: idOf(offer, "id") ?? "",
          agent: agentOfOffer(offer),
          resources: parseResources(offer.resources).bag,
        })),
      );
      return;
    }
    if (event.type === "UPDATE") {
      const status = record(event.update, "status");
      if (!status) return;
      const seconds = number(status, "timestamp");
      this.handlers.onUpdate({
        taskId: idOf(status, "task_id") ?? "",
        state: text(status, "state") ?? "",
        message: text(status, "message") ?? "",
        timestamp: new Date(seconds === undefined ? Date.now() : seconds * 1000).toISOString(),
        raw: status as MesosObject,
      });
      const uuid = text(status, "uuid");
      if (uuid !== undefined) {
        this.call({
          type: "ACKNOWLEDGE",
          acknowledge: {
            agent_id: field(status, "agent_id") as MesosObject,
            task_id: { value: idOf(status, "task_id") ?? "" },
            uuid,
          },
        });
      }
    }
  }

  private call(call: MesosObject): void {
    this.connection?.call(call);
  }

  /** Launches tasks on an offer; what they do not use is refused for `refuseSeconds`. */
  launch(offerId: string, taskInfos: MesosObject[], refuseSeconds: number): void {
    this.call({
      type: "ACCEPT",
      accept: {
        offer_ids: [{ value: offerId }],
        operations: [{ type: "LAUNCH", launch: { task_infos: taskInfos } }],
        filters: { refuse_seconds: refuseSeconds },
      },
    });
  }

  decline(offerId: string, refuseSeconds: number): void {
    this.call({
      type: "DECLINE",
      decline: { offer_ids: [{ value: offerId }], filters: { refuse_seconds: refuseSeconds } },
    });
  }

  kill(taskId: string, agentId: string): void {
    this.call({ type: "KILL", kill: { task_id: { value: taskId }, agent_id: { value: agentId } } });
  }

  revive(): void {
    this.suppressed = false;
    this.call({ type: "REVIVE", revive: { roles: [this.options.role ?? "*"] } });
  }

  suppress(): void {
    this.suppressed = true;
    this.call({ type: "SUPPRESS", suppress: { roles: [this.options.role ?? "*"] } });
  }

  /** Disconnects (the master keeps the framework for its failover timeout). */
  close(): void {
    this.connection?.close();
  }
}
