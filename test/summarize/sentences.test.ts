import { describe, expect, it } from "vitest";
import { splitSentences } from "../../src/summarize/index.js";

describe("splitSentences: English", () => {
  it("does not split after titles, dotted abbreviations, months, initials or in decimals", () => {
    expect(
      splitSentences(
        "The U.S. and the U.K. met Dr. Smith at 3.5 p.m. on Jan. 5. He said J. K. Rowling was there. Then they left.",
        "en",
      ),
    ).toEqual([
      "The U.S. and the U.K. met Dr. Smith at 3.5 p.m. on Jan. 5.",
      "He said J. K. Rowling was there.",
      "Then they left.",
    ]);
    expect(
      splitSentences(
        "Gen. Milley, Sen. Warren and Mrs. Clinton spoke with Prof. Lee, e.g. about the U.N. budget. St. Petersburg hosted it.",
        "en",
      ),
    ).toEqual([
      "Gen. Milley, Sen. Warren and Mrs. Clinton spoke with Prof. Lee, e.g. about the U.N. budget.",
      "St. Petersburg hosted it.",
    ]);
  });

  it("joins 'No.' only before a number, and lets company suffixes and p.m. end sentences", () => {
    expect(
      splitSentences("He lives at No. 10 Downing Street. The answer was no. Then he left."),
    ).toEqual(["He lives at No. 10 Downing Street.", "The answer was no.", "Then he left."]);
    expect(
      splitSentences("He joined Apple Inc. The talks ended at 3 p.m. Officials left.", "en"),
    ).toEqual(["He joined Apple Inc.", "The talks ended at 3 p.m.", "Officials left."]);
    // But they do not end one when the text goes on in lower case.
    expect(splitSentences("Apple Inc. said so. Oil, gas etc. were discussed.", "en")).toEqual([
      "Apple Inc. said so.",
      "Oil, gas etc. were discussed.",
    ]);
  });

  it("keeps a quoted question with its attribution, and decimals whole", () => {
    expect(splitSentences('"What now?" he asked. Inflation was 2.5 per cent. Yes!', "en")).toEqual([
      '"What now?" he asked.',
      "Inflation was 2.5 per cent.",
      "Yes!",
    ]);
    expect(splitSentences("Growth slowed to 0.3% from 1.25%. Rates stayed at 4.5.")).toEqual([
      "Growth slowed to 0.3% from 1.25%.",
      "Rates stayed at 4.5.",
    ]);
  });

  it("ends a sentence at a line break", () => {
    expect(splitSentences("First paragraph without a stop\nSecond one.\r\n\r\nThird.")).toEqual([
      "First paragraph without a stop",
      "Second one.",
      "Third.",
    ]);
  });
});

describe("splitSentences: German", () => {
  it("does not split after z. B., u. a., Nr., bzw., Dr., Prof. or in ordinal dates", () => {
    expect(
      splitSentences(
        "Am 3. Oktober feiert Deutschland. Die Ministerin traf z. B. Vertreter der Nr. 1 Partei u. a. in Berlin. Dann reiste sie ab.",
        "de",
      ),
    ).toEqual([
      "Am 3. Oktober feiert Deutschland.",
      "Die Ministerin traf z. B. Vertreter der Nr. 1 Partei u. a. in Berlin.",
      "Dann reiste sie ab.",
    ]);
    expect(
      splitSentences(
        "Prof. Dr. Müller bzw. Dr. Schmidt sprachen zum 75. Jahrestag der Vereinten Nationen. St. Gallen liegt in der Schweiz.",
        "de",
      ),
    ).toEqual([
      "Prof. Dr. Müller bzw. Dr. Schmidt sprachen zum 75. Jahrestag der Vereinten Nationen.",
      "St. Gallen liegt in der Schweiz.",
    ]);
  });

  it("still splits after a year, a plain number and the word 'Art'", () => {
    expect(
      splitSentences(
        "Das geschah im Jahr 2020. Die Regierung trat zurück. Sie kam auf diese Art. Dann ging sie.",
        "de",
      ),
    ).toEqual([
      "Das geschah im Jahr 2020.",
      "Die Regierung trat zurück.",
      "Sie kam auf diese Art.",
      "Dann ging sie.",
    ]);
    expect(
      splitSentences("Die Inflation lag bei 2,5 Prozent. Nach Art. 5 GG gilt das.", "de"),
    ).toEqual(["Die Inflation lag bei 2,5 Prozent.", "Nach Art. 5 GG gilt das."]);
  });
});

describe("splitSentences: French and others", () => {
  it("does not split after M., Mme or in decimals with a comma", () => {
    expect(
      splitSentences(
        "M. Macron a rencontré Mme Dupont à Paris. Ils ont parlé de l'inflation de 2,5 %.",
        "fr",
      ),
    ).toEqual([
      "M. Macron a rencontré Mme Dupont à Paris.",
      "Ils ont parlé de l'inflation de 2,5 %.",
    ]);
    expect(
      splitSentences("Le 3. octobre, Mme. Martin a vu le Dr. Roux. Il pleuvait.", "fr"),
    ).toEqual(["Le 3. octobre, Mme. Martin a vu le Dr. Roux.", "Il pleuvait."]);
  });

  it("splits CJK text at its full stops", () => {
    expect(splitSentences("中国外交部周二表示。美国国务卿抵达北京。", "zh")).toEqual([
      "中国外交部周二表示。",
      "美国国务卿抵达北京。",
    ]);
  });

  it("works without a hint, with an odd hint, and on empty text", () => {
    const text = "Dr. Weber met M. Dubois on 3. Oktober. Talks followed.";
    const expected = ["Dr. Weber met M. Dubois on 3. Oktober.", "Talks followed."];
    expect(splitSentences(text)).toEqual(expected);
    expect(splitSentences(text, "und")).toEqual(expected);
    expect(splitSentences(text, "not a tag!")).toEqual(expected);
    expect(splitSentences(text, "DE")).toEqual(expected);
    expect(splitSentences("")).toEqual([]);
    expect(splitSentences(" \n\n \t")).toEqual([]);
  });
});
