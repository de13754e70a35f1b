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
  /**
   * The id of the first story of the event this story reports (its own id when it is the first),
   * as the clusterer saw it when the story arrived. Absent in stories stored before clustering.
   */
  cluster?: string;
}

export interface Enricher {
  enrich(story: Story): TaggedStory;
}
