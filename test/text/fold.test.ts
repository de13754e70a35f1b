/** The one base fold and its two variants: for terms (punctuation kept) and for search. */
import { describe, expect, it } from "vitest";
import { foldText, termKey } from "../../src/deliver/terms.js";
import { fold, foldForSearch } from "../../src/text/fold.js";

describe("fold", () => {
  it("folds ligatures, accents, case and ß, keeping punctuation", () => {
    expect(fold("ﬁnance")).toBe("finance");
    expect(fold("Côte-d'Ivoire")).toBe("cote-d'ivoire");
    expect(fold("Fußball")).toBe("fussball");
    expect(fold("É")).toBe("e");
    // é written as one character and as e + combining accent fold alike.
    expect(fold("\u00e9lection")).toBe(fold("e\u0301lection"));
    expect(fold("ＥＵ")).toBe("eu");
  });

  it("the search variant turns punctuation into single spaces; the term variant is the base", () => {
    expect(foldForSearch("  Côte-d'Ivoire! ")).toBe("cote d ivoire");
    expect(foldForSearch("ﬁnance & Fußball")).toBe("finance fussball");
    expect(foldText("U.S. Côte-d'Ivoire")).toBe("u.s. cote-d'ivoire");
    expect(termKey("  ﬁnance  Fußball ")).toBe("finance fussball");
  });
});
