// The summariser cuts with the same word-boundary rule as every Discord text (src/text/truncate.ts).
export { ELLIPSIS, truncateAtWord } from "../text/truncate.js";
