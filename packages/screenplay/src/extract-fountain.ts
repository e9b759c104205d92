/**
 * Pulls the Fountain out of a model's reply: the largest fenced code block when there is one
 * (```fountain, ```text or bare ```), otherwise the whole reply, with any chatter before the first
 * scene heading, title page or `FADE IN:` dropped. Line endings become `\n`.
 */
export function extractFountain(reply: string): string {
  const text = reply.replace(/\r\n?/g, '\n');
  const fences = [...text.matchAll(/```[^\n`]*\n([\s\S]*?)(?:```|$)/g)].map((m) => m[1]!);
  if (fences.length > 0) return fences.reduce((a, b) => (b.length > a.length ? b : a)).trim();
  const start = text.search(/^(?:Title:|FADE IN:|(?:INT|EXT|EST|I\/E)[. ]|\.[A-Z])/im);
  return (start > 0 ? text.slice(start) : text).trim();
}
