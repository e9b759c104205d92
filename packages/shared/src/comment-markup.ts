import type { CommentNode } from './review';

/**
 * Markdown-lite for comments. Nothing in a comment is ever HTML: bodies are stored raw and parsed
 * into nodes that clients render as text; `commentNodesToHtml` escapes every piece before wrapping
 * it in one of five whitelisted tags. Links keep only http(s) URLs; anything else stays text.
 */
const TOKEN =
  /`([^`\n]+)`|\*\*([^*\n]+)\*\*|\*([^*\n]+)\*|(?<![\w])_([^_\n]+)_(?![\w])|@\[([^\]\n]{1,100})\]\(user:([0-9a-fA-F-]{36})\)|\[([^\]\n]{1,500})\]\(([^)\s]{1,2000})\)|(\n)/g;

/** The URL when `href` is an absolute http(s) URL, else null (javascript:, data:, relative…). */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Parses a comment body into nodes; unknown or unsafe markup is kept as plain text. */
export function parseCommentBody(body: string): CommentNode[] {
  const nodes: CommentNode[] = [];
  const pushText = (text: string) => {
    if (!text) return;
    const last = nodes.at(-1);
    if (last?.type === 'text') last.text += text;
    else nodes.push({ type: 'text', text });
  };
  let at = 0;
  for (const m of body.matchAll(TOKEN)) {
    pushText(body.slice(at, m.index));
    at = m.index + m[0].length;
    const [whole, code, bold, star, under, mentionName, mentionId, linkText, href, newline] = m;
    if (code !== undefined) nodes.push({ type: 'code', text: code });
    else if (bold !== undefined) nodes.push({ type: 'bold', text: bold });
    else if (star !== undefined || under !== undefined)
      nodes.push({ type: 'italic', text: (star ?? under)! });
    else if (mentionId !== undefined)
      nodes.push({ type: 'mention', userId: mentionId.toLowerCase(), name: mentionName! });
    else if (linkText !== undefined) {
      const safe = safeHref(href!);
      if (safe) nodes.push({ type: 'link', text: linkText, href: safe });
      else pushText(whole);
    } else if (newline !== undefined) nodes.push({ type: 'break' });
  }
  pushText(body.slice(at));
  return nodes;
}

/** User ids mentioned in a body (`@[Name](user:<id>)`), each once, in order. */
export function mentionedUserIds(body: string): string[] {
  const ids = parseCommentBody(body).flatMap((n) => (n.type === 'mention' ? [n.userId] : []));
  return [...new Set(ids)];
}

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Safe HTML for nodes: every text escaped, only strong/em/code/a[href=http(s)]/br/span emitted. */
export function commentNodesToHtml(nodes: readonly CommentNode[]): string {
  return nodes
    .map((n) => {
      switch (n.type) {
        case 'text':
          return escapeHtml(n.text);
        case 'bold':
          return `<strong>${escapeHtml(n.text)}</strong>`;
        case 'italic':
          return `<em>${escapeHtml(n.text)}</em>`;
        case 'code':
          return `<code>${escapeHtml(n.text)}</code>`;
        case 'link': {
          // Re-checked here too: nodes may come from anywhere, the guarantee must not depend on the parser.
          const href = safeHref(n.href);
          return href
            ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank">${escapeHtml(n.text)}</a>`
            : escapeHtml(n.text);
        }
        case 'mention':
          return `<span class="mention" data-user-id="${escapeHtml(n.userId)}">@${escapeHtml(n.name)}</span>`;
        case 'break':
          return '<br>';
        default:
          return '';
      }
    })
    .join('');
}

/** Plain text of a body (for CSV, PDF, notifications): markup removed, mentions as @Name. */
export function commentPlainText(body: string): string {
  return parseCommentBody(body)
    .map((n) =>
      n.type === 'break'
        ? '\n'
        : n.type === 'mention'
          ? `@${n.name}`
          : n.type === 'link'
            ? `${n.text} (${n.href})`
            : n.text,
    )
    .join('');
}
