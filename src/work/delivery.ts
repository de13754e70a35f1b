import { type Client, REST } from "discord.js";
import type { Logger } from "pino";
import type { Taxonomy } from "../classify/taxonomy.js";
import type { EnvConfig } from "../config/env.js";
import { DiscordSink } from "../deliver/discord-sink.js";
import type { AlertLanguage } from "../deliver/embed.js";
import { Outbox } from "../deliver/outbox.js";
import { DiscordJsPoster } from "../deliver/poster.js";
import { DeliverySender } from "../deliver/sender.js";
import type { Metrics } from "../metrics/registry.js";
import type { Storage } from "../store/open.js";
import { SubscriptionStore } from "../subscriptions/store.js";
import { summarize } from "../summarize/index.js";
import { type Fleet, NotifyRelay } from "./fleet.js";

export interface DeliveryInput {
  storage: Storage;
  taxonomy: Taxonomy;
  /** discord.js REST: the client's (in-process); a fleet builds its own for alerts (below). */
  rest?: REST;
  /** The gateway client, when this process has one (its cache names missing permissions). */
  client?: Client;
  language: AlertLanguage;
  /** See OutboxDeps.languageReady. */
  languageReady?: (guildId: string) => Promise<void>;
  config: Pick<
    EnvConfig,
    | "RETENTION_DAYS"
    | "CLUSTER_EDIT_HOURS"
    | "ALERTS_PER_CHANNEL_HOUR"
    | "DISCORD_TOKEN"
    | "DISCORD_API_URL"
    | "DISCORD_GLOBAL_RATE"
  >;
  log: Logger;
  fleet: Fleet | undefined;
  /** Counts alerts queued, sent and failed, and watches the queue and REST (src/metrics/). */
  metrics?: Metrics;
}

/** Stories → the outbox → Discord: the parts every role that delivers is built from. */
export function buildDelivery(input: DeliveryInput) {
  const { storage, taxonomy, language, config, log, fleet, metrics } = input;
  const subscriptions = new SubscriptionStore(storage.kv, fleet?.lock);
  const outbox = new Outbox(
    {
      kv: storage.kv,
      subscriptions,
      taxonomy,
      language,
      ...(input.languageReady ? { languageReady: input.languageReady } : {}),
    },
    {
      retentionMs: config.RETENTION_DAYS * 86_400_000,
      clusterEditMs: config.CLUSTER_EDIT_HOURS * 3_600_000,
      ...(fleet ? { shared: { lock: fleet.lock } } : {}),
    },
  );
  const rest = fleet ? alertRest(config) : input.rest;
  if (!rest) throw new Error("delivery needs a REST client");
  const poster = new DiscordJsPoster(rest, input.client ? { client: input.client } : {});
  const sender = new DeliverySender(
    {
      outbox,
      subscriptions,
      poster,
      forums: poster,
      taxonomy,
      log,
      language,
      storage: storage.health,
      ...(metrics ? { metrics } : {}),
    },
    { hourlyCap: config.ALERTS_PER_CHANNEL_HOUR },
  );
  if (metrics) {
    metrics.watchQueue(() => ({ ...sender.depth(), inFlight: outbox.inFlight() }));
    metrics.watchRest(rest);
  }
  // New alerts wake the sender in-process, the queue in a fleet (set once the work is built).
  const relay = new NotifyRelay();
  relay.to = sender;
  const sink = new DiscordSink({
    outbox,
    subscriptions,
    sender: relay,
    summarize,
    log,
    ...(metrics ? { metrics } : {}),
  });
  return { subscriptions, outbox, sender, relay, sink };
}

export type Delivery = ReturnType<typeof buildDelivery>;

/**
 * A fleet's REST for alerts: a global 429 is thrown instead of waited out in this process, so
 * that the delivery queue pauses every process (src/work/queue-work.ts). Interactions keep the
 * client's own REST, which waits.
 */
function alertRest(config: DeliveryInput["config"]): REST {
  const rest = new REST({
    api: config.DISCORD_API_URL,
    globalRequestsPerSecond: config.DISCORD_GLOBAL_RATE,
    rejectOnRateLimit: (limit) => limit.global,
  });
  if (config.DISCORD_TOKEN) rest.setToken(config.DISCORD_TOKEN);
  return rest;
}
