/**
 * A typed topic option resolves exactly as autocomplete ranks topics: whatever autocomplete puts
 * first for a word is what the word means when typed and submitted without picking a choice.
 */
import { describe, expect, it } from "vitest";
import { loadTaxonomy } from "../../src/classify/index.js";
import { UserError } from "../../src/discord/command.js";
import { requireTopic } from "../../src/discord/format.js";
import { loadMessages } from "../../src/i18n/messages.js";
import {
  matchTopics,
  resolveTopic,
  resolveTopicInput,
  topicChoices,
} from "../../src/search/topics.js";

const taxonomy = loadTaxonomy();
const messages = loadMessages();

describe("typed topic words", () => {
  it("accepts the words autocomplete offers a topic for (Klima, réfugiés, Flüchtlinge)", () => {
    expect(resolveTopic(taxonomy, "Klima")?.id).toBe("climate");
    expect(resolveTopic(taxonomy, "réfugiés")?.id).toBe("migration");
    expect(resolveTopic(taxonomy, "Flüchtlinge")?.id).toBe("migration");
    expect(resolveTopic(taxonomy, "sanctions")?.id).toBe("trade-sanctions");
    expect(resolveTopic(taxonomy, "Moyen-Orient")?.id).toBe("middle-east");
    expect(resolveTopic(taxonomy, "astrology")).toBeUndefined();
  });

  it("resolves every label, in every language, to its topic", () => {
    for (const topic of taxonomy.topics) {
      for (const label of [topic.id, topic.label, ...Object.values(topic.labels)]) {
        expect(resolveTopic(taxonomy, label)?.id, label).toBe(topic.id);
      }
    }
  });

  it("resolves every lexicon term to autocomplete's first choice, or names the equal ones", () => {
    let ambiguous = 0;
    let typedTerms = 0;
    for (const topic of taxonomy.topics) {
      for (const terms of Object.values(topic.terms)) {
        for (const raw of Object.keys(terms)) {
          const typed = raw.replace(/\*/g, "");
          if (typed.length < 3) continue;
          typedTerms++;
          const first = topicChoices(taxonomy, typed)[0]?.value;
          const resolved = resolveTopicInput(taxonomy, typed);
          if (resolved.topic) {
            expect(resolved.topic.id, typed).toBe(first);
          } else {
            ambiguous++;
            // Never "no such topic" for a word autocomplete matches; the equals include its pick.
            expect(resolved.candidates.length, typed).toBeGreaterThan(1);
            expect(resolved.candidates[0]?.id, typed).toBe(first);
          }
        }
      }
    }
    // Only words two topics weigh the same ("coal", "Uyghur") stay open: a few in a hundred.
    expect(typedTerms).toBeGreaterThan(1000);
    expect(ambiguous / typedTerms).toBeLessThan(0.03);
  });

  it("names the topics an ambiguous word could mean, in the user's language", () => {
    expect(resolveTopicInput(taxonomy, "coal").candidates?.map((t) => t.id)).toEqual([
      "climate",
      "energy",
    ]);
    let error: unknown;
    try {
      requireTopic(taxonomy, "coal", messages.for("de"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const shown = messages.t(
      "de",
      (error as UserError).key ?? "error.apology",
      (error as UserError).vars,
    );
    expect(shown).toBe(
      "„coal“ kann 🌍 Klima (`climate`) und ⚡ Energie (`energy`) bedeuten. Wähle eines aus der Liste oder tippe seinen Namen.",
    );
  });

  it("offers labels in the user's language and matches them", () => {
    expect(topicChoices(taxonomy, "Klima", undefined, "de")[0]).toEqual({
      name: "🌍 Klima",
      value: "climate",
    });
    expect(topicChoices(taxonomy, "", undefined, "fr").map((c) => c.name)).toContain("🌍 Climat");
    expect(matchTopics(taxonomy, "Menschenrechte")[0]?.id).toBe("human-rights");
  });
});
