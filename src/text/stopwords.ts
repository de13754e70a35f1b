import { fold } from "./fold.js";

/** Function words of English, German and French: they say nothing about what a text is about. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    "the a an and or but of to in on at for with by from as is are was were be been has have had it its this that these those " +
    "he she they we you i his her their our said says will would could should may might not no also than then there which who whom what " +
    "der die das den dem des ein eine einer eines einem und oder aber von zu im in am an auf für mit bei aus als ist sind war waren " +
    "wird werden hat haben sich nicht auch dass sie er es wir ihr sein seine ihre nach vor über unter um wie so noch " +
    "le la les un une des du de et ou mais à au aux en dans sur pour par avec est sont était été a ont il elle ils elles nous vous " +
    "ce cette ces qui que quoi dont se sa son ses leur leurs pas ne plus aussi comme"
  ).split(" "),
);

/** The same words as the tokenizer folds them ("über" → "uber", "été" → "ete"). */
export const FOLDED_STOPWORDS: ReadonlySet<string> = new Set([...STOPWORDS].map(fold));
