/** Common English words that carry no topic (function words and lecture filler). */
const STOPWORDS = new Set(
  `a about above after again against all also am an and any are as at be because been before being
  below between both but by can could did do does doing down during each few for from further had has
  have having he her here hers him his how i if in into is it its itself just let like me more most my
  no nor not now of off on once only or other our ours out over own really right same say says she
  should so some such than that the their them then there these they this those through to too under
  until up very was we well were what when where which while who whom why will with would you your
  yours going get got go one two okay ok thing things lot kind sort see know think mean actually
  basically today here's we're let's it's that's`.split(/\s+/),
);

/**
 * A word's stem for matching spoken and written forms: lower case, letters and digits only,
 * plural and common suffixes folded (`networks` → `network`, `learning` → `learn`). Deliberately
 * light: it only has to make a slide's "Networks" meet a spoken "network".
 */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  return w;
}

/** The content terms of a text (stems of words that are not stop words, two letters or more). */
export function contentTerms(text: string): string[] {
  return text
    .split(/[^A-Za-z0-9'’]+/)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w.toLowerCase().replace(/[’]/g, "'")))
    .map(stem)
    .filter((s) => s.length > 1 && !STOPWORDS.has(s));
}

/** Whether a single word is a content word. */
export const isContentWord = (word: string) => contentTerms(word).length > 0;
