import { dropBoilerplate, stripDateline, stripGluedBoilerplate } from "./boilerplate.js";
import { contentWords } from "./rank.js";
import { splitSentencesUpTo } from "./sentences.js";

/**
 * Only the start of a long text is read. News puts what matters first, a summary of ≤ 4,096
 * characters cannot use more than a few dozen sentences anyway, and the caps keep a 1 MB
 * "article" (a feed that inlines a whole report) as cheap as a long story: splitting, TF-IDF and
 * ranking are then bounded by 50k characters and 200 sentences whatever the input.
 */
export const MAX_CHARS = 50_000;
export const MAX_SENTENCES = 200;

export interface Prepared {
  sentences: string[];
  /** Content words per sentence, for ranking and redundancy checks. */
  words: string[][];
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

function capText(text: string): { text: string; capped: boolean } {
  if (text.length <= MAX_CHARS) return { text, capped: false };
  // Back to the last whitespace, so neither a word nor a grapheme is cut in two; without any
  // (a 50k-character "word"), at least back to a grapheme boundary.
  const head = text.slice(0, MAX_CHARS);
  const space = head.search(/\s\S*$/u);
  if (space > 0) return { text: head.slice(0, space), capped: true };
  const window = text.slice(0, MAX_CHARS + 64);
  const boundary = graphemes.segment(window).containing(MAX_CHARS)?.index ?? MAX_CHARS;
  return { text: text.slice(0, boundary), capped: true };
}

/**
 * A sentence that only restates the headline ("EU imposes sanctions on Russia." under "EU imposes
 * new sanctions on Russia"): nearly all its words are headline words and it has most of them.
 * Both ways, so "The council met." is no repeat of the headline "Council".
 */
function repeatsTitle(words: readonly string[], titleWords: ReadonlySet<string>): boolean {
  if (titleWords.size === 0 || words.length === 0) return false;
  const own = new Set(words);
  let shared = 0;
  for (const w of own) if (titleWords.has(w)) shared++;
  return shared / own.size >= 0.75 && shared / titleWords.size >= 0.75;
}

/**
 * The text's sentences as a summary may show them: datelines stripped, whitespace folded,
 * boilerplate (links to other stories, photo captions, credit lines), exact repeats and a first
 * line that only repeats the title dropped.
 */
export function prepareSentences(
  title: string,
  text: string,
  language: string | undefined,
): Prepared {
  const { text: head, capped } = capText(text);
  const paragraphStarts: number[] = [];
  const raw = splitSentencesUpTo(
    stripGluedBoilerplate(head),
    language,
    MAX_SENTENCES + 1,
    paragraphStarts,
  );
  // The last sentence of a capped text is cut off mid-way; it is not the story's to show.
  if ((capped || raw.length > MAX_SENTENCES) && raw.length > 1) raw.pop();
  const titleWords = new Set(contentWords(title));
  const sentences: string[] = [];
  const words: string[][] = [];
  const seen = new Set<string>();
  let titleRepeat: { sentence: string; words: string[] } | undefined;
  const cleaned = dropBoilerplate(
    raw.map((s) => stripDateline(s.replace(/\s+/g, " ").trim()).trim()),
    paragraphStarts,
  ).filter(Boolean);
  for (const sentence of cleaned) {
    if (seen.has(sentence)) continue;
    seen.add(sentence);
    const w = contentWords(sentence);
    if (!titleRepeat && sentences.length === 0 && repeatsTitle(w, titleWords)) {
      titleRepeat = { sentence, words: w };
      continue;
    }
    sentences.push(sentence);
    words.push(w);
  }
  // A text that is nothing but its headline is still better than nothing.
  if (sentences.length === 0 && titleRepeat) {
    sentences.push(titleRepeat.sentence);
    words.push(titleRepeat.words);
  }
  return { sentences, words };
}
