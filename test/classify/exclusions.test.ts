import { describe, expect, it } from "vitest";
import { createClassifier, loadTaxonomy, type TopicId } from "../../src/classify/index.js";

const classifier = createClassifier(loadTaxonomy());

function score(id: TopicId, title: string, text = "", language?: string): number {
  return classifier.allScores({ title, text, language }).find((s) => s.id === id)?.score ?? 0;
}

function topics(title: string, text = "", language?: string): TopicId[] {
  return classifier.classify({ title, text, language }).topics.map((t) => t.id);
}

describe("exclusions cancel the words they contain", () => {
  it.each([
    [
      "en",
      "A climate of fear grips the capital",
      "Opposition politicians describe a climate of fear after the arrests.",
    ],
    [
      "en",
      "Business climate improves, survey finds",
      "The business climate in the region improved for a third month.",
    ],
    [
      "de",
      "Klima der Angst in der Hauptstadt",
      "Oppositionelle beschreiben ein Klima der Angst nach den Festnahmen.",
    ],
    [
      "de",
      "Geschäftsklima hellt sich auf",
      "Das Geschäftsklima in der Industrie hat sich im dritten Monat in Folge verbessert.",
    ],
    [
      "fr",
      "Un climat de peur s'installe",
      "Les opposants décrivent un climat de peur après les arrestations.",
    ],
    [
      "fr",
      "Le climat des affaires s'améliore",
      "Le climat des affaires s'est amélioré pour le troisième mois consécutif.",
    ],
  ])("%s: %s → not climate", (lang, title, text) => {
    expect(score("climate", title, text, lang)).toBe(0);
  });

  it.each([
    [
      "en",
      "Russian salad recipe for the holidays",
      "Dice potatoes, carrots and pickles for a classic Russian salad.",
    ],
    [
      "en",
      "Playing Russian roulette with the economy",
      "Critics say the budget is a game of Russian roulette.",
    ],
    [
      "fr",
      "Les montagnes russes du marché",
      "Le marché a connu de véritables montagnes russes cette semaine.",
    ],
  ])("%s: %s → not russia-ukraine", (lang, title, text) => {
    expect(score("russia-ukraine", title, text, lang)).toBe(0);
  });

  it.each([
    ["en", "Like a bull in a china shop", "The new manager behaved like a bull in a china shop."],
    [
      "en",
      "Auction of fine china draws collectors",
      "A set of fine china and bone china cups sold for a record price.",
    ],
  ])("%s: %s → not china", (lang, title, text) => {
    expect(score("china", title, text, lang)).toBe(0);
  });

  it("tear gas at a protest is not energy", () => {
    expect(
      score(
        "energy",
        "Police fire tear gas at protesters",
        "Police fired tear gas to disperse crowds.",
        "en",
      ),
    ).toBe(0);
  });

  it("first aid and hearing aids are not humanitarian", () => {
    expect(
      score(
        "humanitarian",
        "First aid course",
        "Volunteers learned first aid; hearing aids were handed out.",
        "en",
      ),
    ).toBe(0);
  });

  it("an exclusion only cancels its own span: real climate words elsewhere still count", () => {
    const t = topics(
      "Climate change talks stall",
      "Delegates spoke of a climate of mistrust, but agreed that climate change and emissions must stay on the agenda of the climate summit.",
      "en",
    );
    expect(t).toContain("climate");
  });
});
