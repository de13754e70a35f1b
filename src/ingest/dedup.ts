import type { Story } from "../feeds/types.js";
import type { StoryStore } from "../store/stories.js";

/**
 * The stories of a feed document that are new: not in the feed's previous document (its recent
 * ids), not stored under their id, and whose canonical URL no stored story and no earlier story
 * of this document has (the same article reached through another feed).
 */
export async function unseenStories(
  stories: Story[],
  recentIds: Iterable<string>,
  store: Pick<StoryStore, "known">,
): Promise<Story[]> {
  const recent = new Set(recentIds);
  const candidates = stories.filter((s) => !recent.has(s.id));
  if (candidates.length === 0) return [];
  // One read for both: the URLs of stories known by id are looked up for nothing, but cheaply.
  const known = await store.known(
    candidates.map((s) => s.id),
    candidates.flatMap((s) => (s.url ? [s.url] : [])),
  );
  const byId = candidates.filter((s) => !known.ids.has(s.id));
  const taken = new Set<string>();
  return byId.filter((s) => {
    if (!s.url) return true;
    if (known.urls.has(s.url) || taken.has(s.url)) return false;
    taken.add(s.url);
    return true;
  });
}
