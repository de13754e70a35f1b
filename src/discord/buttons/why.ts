/**
 * "Why?": for each story of an alert, what made ForeignDesk post it: its topics with their
 * scores and the evidence behind each (as the story wrote it), its countries, and the other
 * outlets that reported the same event while they are stored. In the reader's language.
 */
import type { APIEmbed } from "discord.js";
import type { Taxonomy } from "../../classify/taxonomy.js";
import { byEvent } from "../../digest/digest.js";
import { alsoReportedBy } from "../../digest/format.js";
import type { TaggedStory } from "../../enrich/types.js";
import type { Translator } from "../../i18n/messages.js";
import type { IndexedStory } from "../../search/index.js";
import { evidenceLine, regionNamer } from "../evidence.js";
import { fitEmbeds } from "../format.js";
import type { Answer } from "../interactions.js";
import { safeText, safeUrl } from "../safe-text.js";
import { countryLabel, EMBED_LIMITS, joinWithin, topicName } from "../story-card.js";

/** Evidence terms shown per topic. */
const EVIDENCE_TERMS = 6;

/** The other reports of each story's event among the stored ones (the index holds them all). */
export function eventPeers(
  stories: readonly TaggedStory[],
  stored: Iterable<IndexedStory>,
): Map<string, IndexedStory[]> {
  const wanted = new Set(stories.flatMap((s) => (s.cluster ? [s.cluster] : [])));
  const peers = new Map<string, IndexedStory[]>();
  if (wanted.size === 0) return peers;
  for (const s of stored) {
    if (!s.cluster || !wanted.has(s.cluster)) continue;
    peers.set(s.cluster, [...(peers.get(s.cluster) ?? []), s]);
  }
  return peers;
}

function whyEmbed(
  story: TaggedStory,
  peers: readonly IndexedStory[],
  taxonomy: Taxonomy,
  tr: Translator,
): APIEmbed {
  const region = regionNamer(tr.locale);
  const lines: string[] = [];
  const topics = [...story.topics].sort((a, b) => b.score - a.score);
  for (const t of topics) {
    const head = tr.t("button.why.topicLine", {
      topic: topicName(taxonomy, t.id, tr.locale),
      score: tr.number(t.score, 2),
    });
    const found = evidenceLine(t.evidence, { limit: EVIDENCE_TERMS, regionName: region });
    lines.push(found ? `${head} — ${tr.t("button.why.evidence", { terms: found })}` : head);
  }
  if (topics.length === 0) lines.push(tr.t("button.why.noTopics"));
  const countries = [...new Set(story.countries)].map(
    (c) => `${countryLabel(c).split(" ")[0]} ${region(c)}`,
  );
  if (countries.length > 0) {
    lines.push(`${tr.t("button.why.countries")}: ${countries.join(", ")}`);
  }
  // The story's own outlet first, as alsoReportedBy expects.
  const event = byEvent([story, ...peers.filter((p) => p.id !== story.id)]);
  const also = event[0] ? alsoReportedBy(event[0].outlets, tr) : undefined;
  if (also) lines.push(also);
  const embed: APIEmbed = {
    title: safeText(story.title, EMBED_LIMITS.title, {
      singleLine: true,
      fallback: tr.t("card.untitled"),
    }),
    description: joinWithin(lines, "\n", EMBED_LIMITS.description),
    author: { name: safeText(story.feedName, EMBED_LIMITS.authorName, { singleLine: true }) },
  };
  const url = safeUrl(story.url);
  if (url) embed.url = url;
  return embed;
}

/** The "Why?" answer for an alert's stories. */
export function whyAnswer(
  stories: readonly TaggedStory[],
  stored: Iterable<IndexedStory>,
  taxonomy: Taxonomy,
  tr: Translator,
): Answer {
  const peers = eventPeers(stories, stored);
  const embeds = stories.map((s) => whyEmbed(s, peers.get(s.cluster ?? "") ?? [], taxonomy, tr));
  const fitted = fitEmbeds(embeds);
  return {
    content: tr.t("button.why.heading", { count: stories.length }),
    embeds: fitted.embeds,
  };
}
