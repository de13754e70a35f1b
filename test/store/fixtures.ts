import type { TaggedStory } from "../../src/enrich/types.js";

/** The clock the store tests run at. */
export const NOW = Date.UTC(2026, 10, 28, 12);

/** A stored story published an hour before NOW, tagged climate; overrides change any field. */
export function story(id: string, overrides: Partial<TaggedStory> = {}): TaggedStory {
  return {
    id,
    feedId: "feed-a",
    feedName: "Feed A",
    title: `Story ${id}`,
    text: "text",
    url: `https://news.example.org/${id}`,
    publishedAt: new Date(NOW - 3_600_000).toISOString(),
    publishedEstimated: false,
    firstSeenAt: new Date(NOW).toISOString(),
    categories: [],
    topics: [{ id: "climate", score: 0.8, evidence: [{ term: "cop30", count: 2, inTitle: 1 }] }],
    countries: ["BR"],
    language: "en",
    summary: "summary",
    ...overrides,
  };
}
