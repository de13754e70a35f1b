import type { Evidence } from "../classify/score.js";
import type { Story } from "../feeds/types.js";

export interface TopicTag {
  id: string;
  score: number;
  evidence: Evidence[];
}

/** A story with what the classifier and summariser made of it: the unit that is stored and sent. */
export interface TaggedStory extends Story {
  topics: TopicTag[];
  countries: string[];
  language: string;
  summary: string;
}

export interface Enricher {
  enrich(story: Story): TaggedStory;
}
