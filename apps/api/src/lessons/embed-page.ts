import { escapeHtml } from '@clapboard/shared/comment-markup';

/** Security headers of a share link's player page: framable anywhere, nothing else allowed. */
export const EMBED_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  // Scripts, styles and media from this origin only (the page has no inline script or style);
  // no connections, no forms, no plugins; any site may frame it (that is what it is for).
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self'; connect-src 'none'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/**
 * The small page a person sees when a share link does not play: what happened and what to do,
 * in plain words, with no script and no style of its own.
 */
export function embedProblemPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p>Ask the person who shared it for a new link.</p>
</main>
</body>
</html>
`;
}
