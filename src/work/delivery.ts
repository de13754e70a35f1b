import type { Client, REST } from "discord.js";
import type { Logger } from "pino";
import type { Taxonomy } from "../classify/taxonomy.js";
import type { EnvConfig } from "../config/env.js";
import { DiscordSink } from "../deliver/discord-sink.js";
import type { AlertLanguage } from "../deliver/embed.js";
import { Outbox } from "../deliver/outbox.js";
import { DiscordJsPoster } from "../deliver/poster.js";
import { DeliverySender } from "../deliver/sender.js";
import type { Storage } from "../store/open.js";
import { SubscriptionStore } from "../subscriptions/store.js";
import { summarize } from "../summarize/index.js";
import { type Fleet, NotifyRelay } from "./fleet.js";

export interface DeliveryInput {
  storage: Storage;
  taxonomy: Taxonomy;
  /** discord.js REST: the client's, or a standalone one in a worker without a gateway. */
  rest: REST;
  /** The gateway client, when this process has one (its cache names missing permissions). */
  client?: Client;
  language: AlertLanguage;
  config: Pick<EnvConfig, "RETENTION_DAYS" | "CLUSTER_EDIT_HOURS" | "ALERTS_PER_CHANNEL_HOUR">;
  log: Logger;
  fleet: Fleet | undefined;
}

/** Stories → the outbox → Discord: the parts every role that delivers is built from. */
export function buildDelivery(input: DeliveryInput) {
  const { storage, taxonomy, language, config, log, fleet } = input;
  const subscriptions = new SubscriptionStore(storage.kv);
  const outbox = new Outbox(
    { kv: storage.kv, subscriptions, taxonomy, language },
    {
      retentionMs: config.RETENTION_DAYS * 86_400_000,
      clusterEditMs: config.CLUSTER_EDIT_HOURS * 3_600_000,
      ...(fleet ? { shared: { lock: fleet.lock } } : {}),
    },
  );
  const poster = new DiscordJsPoster(input.rest, input.client ? { client: input.client } : {});
  const sender = new DeliverySender(
    { outbox, subscriptions, poster, forums: poster, taxonomy, log, language },
    { hourlyCap: config.ALERTS_PER_CHANNEL_HOUR },
  );
  // New alerts wake the sender in-process, the queue in a fleet (set once the work is built).
  const relay = new NotifyRelay();
  relay.to = sender;
  const sink = new DiscordSink({ outbox, subscriptions, sender: relay, summarize, log });
  return { subscriptions, outbox, sender, relay, sink };
}

export type Delivery = ReturnType<typeof buildDelivery>;
