import type { Logger } from "pino";
import type { Classifier, Taxonomy } from "../classify/index.js";
import type { EnvConfig } from "../config/env.js";
import type { DigestScheduler } from "../digest/scheduler.js";
import type { Fetcher } from "../feeds/fetch.js";
import type { GuildFeedStore } from "../feeds/guild-feeds.js";
import type { FeedSource } from "../feeds/types.js";
import type { ServerSettingsStore } from "../health/settings-store.js";
import type { Messages } from "../i18n/messages.js";
import type { StoryIndex } from "../search/index.js";
import type { FeedStateStore } from "../store/feed-state.js";
import type { StoryStore } from "../store/stories.js";
import type { SubscriptionStore } from "../subscriptions/store.js";
import type { SummaryInput } from "../summarize/index.js";
import type { DailyCounts } from "../trends/counts.js";

/** What command handlers and the delivery side may use; built once in `src/app.ts`. */
export interface BotContext {
  config: EnvConfig;
  log: Logger;
  taxonomy: Taxonomy;
  classifier: Classifier;
  summarize: (input: SummaryInput) => string;
  stories: StoryStore;
  states: FeedStateStore;
  subscriptions: SubscriptionStore;
  fetcher: Fetcher;
  /** The operator's feeds (from FEEDS_FILE). Guild feeds are kept by the guild feed store. */
  operatorFeeds: FeedSource[];
  /** Feeds servers added with /feeds; the poller reads `guildFeeds.allFeeds()`. */
  guildFeeds: GuildFeedStore;
  /** In-memory full-text index of stored stories; the pipeline calls `search.add()` after storing. */
  search: StoryIndex;
  now: () => number;
  /** Scheduled digests: /digest schedule and unschedule change them through it, taking effect at once. */
  digests: DigestScheduler;
  /** Stories per UTC day, per topic and country (/trends); the stories store counts as it stores. */
  trends: DailyCounts;
  /** The message catalogue: replies go out in the user's language (`i18n.for(interaction.locale)`). */
  i18n: Messages;
  /** Each server's own settings (/settings): where health notices go. */
  settings: ServerSettingsStore;
  /** Delivery works on a channel now (its subscriptions were just re-activated); absent in tests. */
  wakeDelivery?: (channelId: string) => void;
}
