/** A character's gender as a script or cast states it; voices are matched to it. */
export type CastGender = 'female' | 'male';

const FEMALE =
  /\b(she|her|hers|herself|woman|women|girl|lady|mother|mom|mum|daughter|sister|wife|aunt|grandmother|grandma|queen|actress|waitress|female|miss|mrs|ms)\b/gi;
const MALE =
  /\b(he|him|his|himself|man|men|boy|gentleman|father|dad|son|brother|husband|uncle|grandfather|grandpa|king|actor|waiter|male|mr|sir)\b/gi;

/**
 * The gender a note states (a cast description, an introduction's parenthetical): pronouns
 * (`she/her`, `he/him`) and words such as woman, mother, man, father. Null when it states none,
 * or as much of one as of the other.
 */
export function genderInText(text: string): CastGender | null {
  const f = text.match(FEMALE)?.length ?? 0;
  const m = text.match(MALE)?.length ?? 0;
  return f > m ? 'female' : m > f ? 'male' : null;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What a script says about `name` where it introduces them, in a cast list or an action line: the
 * parenthetical right after the name (`MARIA (30s, she/her)`) and an appositive after a comma
 * (`JOHN, a retired sailor in his sixties,`). Only these: a whole sentence would also hold what
 * other characters do (`MARIA hands JOHN his coat`).
 */
export function introductionNotes(script: string, name: string): string[] {
  const notes: string[] = [];
  const cue = escapeRegExp(name.trim());
  if (!cue) return notes;
  // Case-sensitive on the name: introductions write it in capitals, as cues do.
  const pattern = new RegExp(
    `(?:^|[^A-Za-z0-9])${cue}(?:\\s*\\(([^)\\n]{1,200})\\)|,\\s*((?:a|an|the|his|her)\\s[^.;,\\n]{1,160}))`,
    'g',
  );
  for (const m of script.matchAll(pattern)) notes.push((m[1] ?? m[2] ?? '').trim());
  return notes.filter(Boolean);
}

/**
 * The gender of `name`: an explicit `gender` first, else what the cast description states, else
 * what the script's introductions of them state; null when none says.
 */
export function castGender(o: {
  name: string;
  gender?: string | null;
  description?: string | null;
  script?: string | null;
}): CastGender | null {
  if (o.gender === 'female' || o.gender === 'male') return o.gender;
  const described = o.description ? genderInText(o.description) : null;
  if (described) return described;
  if (!o.script) return null;
  return genderInText(introductionNotes(o.script, o.name.trim().toUpperCase()).join(' ; '));
}
