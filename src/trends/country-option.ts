/**
 * The `country` option of /trends: autocomplete over the ISO codes the country tagger knows,
 * by code or by any of the names it has in the reader's language (and English), and the
 * resolution of what was submitted (autocomplete submits the code; a typed name is accepted
 * when it names one country).
 */
import { countryCodes, countryNames } from "../classify/countries.js";
import { UserError } from "../discord/command.js";
import { safeText } from "../discord/format.js";
import { countryLabel } from "../discord/story-card.js";
import type { Translator } from "../i18n/messages.js";
import { foldForSearch } from "../text/fold.js";
import { truncateText } from "../text/truncate.js";

interface CountryEntry {
  code: string;
  /** Folded names in the reader's language and English. */
  names: string[];
}

const entriesByLocale = new Map<string, CountryEntry[]>();

function entries(locale: string): CountryEntry[] {
  let list = entriesByLocale.get(locale);
  if (!list) {
    list = countryCodes().map((code) => {
      const own = countryNames(code, locale);
      const en = countryNames(code, "en");
      const names = [own.name, ...own.all, en.name, ...en.all].filter(
        (n): n is string => typeof n === "string",
      );
      return { code, names: [...new Set(names.map(foldForSearch))] };
    });
    entriesByLocale.set(locale, list);
  }
  return list;
}

/** How well `query` (folded) names a country: 0 not at all, higher is better. */
function scoreOf(entry: CountryEntry, query: string): number {
  if (entry.code.toLowerCase() === query) return 5;
  if (entry.names.includes(query)) return 4;
  if (entry.names.some((n) => n.startsWith(query))) return 3;
  if (entry.names.some((n) => n.split(/[\s-]+/).some((w) => w.startsWith(query)))) return 2;
  return query.length >= 3 && entry.names.some((n) => n.includes(query)) ? 1 : 0;
}

function ranked(typed: string, locale: string): Array<{ code: string; score: number }> {
  const query = foldForSearch(typed).trim().slice(0, 60);
  if (!query) return [];
  return entries(locale)
    .map((e) => ({ code: e.code, score: scoreOf(e, query) }))
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code));
}

/** "🇩🇪 Germany (DE)" in the reader's language. */
export function countryChoiceName(code: string, tr: Translator): string {
  const name = countryNames(code, tr.locale).name ?? code;
  return truncateText(`${countryLabel(code).split(" ")[0]} ${name} (${code})`, 100);
}

/**
 * Choices for what was typed; with nothing typed, `recent` (e.g. the most reported countries of
 * the last days) in that order.
 */
export function countryChoices(
  typed: string,
  tr: Translator,
  recent: readonly string[] = [],
): Array<{ name: string; value: string }> {
  const codes = typed.trim() ? ranked(typed, tr.locale).map((r) => r.code) : [...recent];
  return codes.slice(0, 25).map((code) => ({ name: countryChoiceName(code, tr), value: code }));
}

/** The country code an option names, or a UserError in the reader's language. */
export function requireCountry(typed: string, tr: Translator): string {
  const list = ranked(typed, tr.locale);
  const [first, second] = list;
  const shown = safeText(typed, 60, { singleLine: true });
  if (!first) throw UserError.of("trends.unknownCountry", { typed: shown });
  if (second && second.score === first.score) {
    const tied = list.filter((r) => r.score === first.score).slice(0, 8);
    throw UserError.of("trends.ambiguousCountry", {
      typed: shown,
      countries: tr.either(tied.map((r) => countryChoiceName(r.code, tr))),
    });
  }
  return first.code;
}
