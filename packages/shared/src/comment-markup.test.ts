import { describe, expect, it } from 'vitest';
import { commentNodesToHtml, commentPlainText, mentionedUserIds, parseCommentBody } from './comment-markup';

const ID = '0b9e7c1e-2f4a-4c4e-9a51-1f0d7d2a9c11';
const html = (body: string) => commentNodesToHtml(parseCommentBody(body));

describe('comment markup', () => {
  it('renders the whitelist: bold, italic, code, http(s) links, mentions, line breaks', () => {
    expect(
      html(`**loud** *soft* _also_ \`x<1\` [site](https://example.com/a?b=1&c=2)\n@[Bo](user:${ID})`),
    ).toBe(
      '<strong>loud</strong> <em>soft</em> <em>also</em> <code>x&lt;1</code> ' +
        '<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">site</a>' +
        `<br><span class="mention" data-user-id="${ID}">@Bo</span>`,
    );
    expect(mentionedUserIds(`hi @[Bo](user:${ID}) and again @[Bo](user:${ID})`)).toEqual([ID]);
    expect(commentPlainText(`**a** @[Bo](user:${ID})`)).toBe('a @Bo');
  });

  it('keeps HTML payloads as inert text', () => {
    const out = html('<img src=x onerror=alert(1)><script>alert(2)</script>');
    expect(out).toBe('&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(out).not.toContain('<img');
    // Quotes cannot break out of an attribute either.
    expect(html('[x](https://a.test/"onmouseover="alert(1))')).not.toContain('"onmouseover');
    expect(html('**<b onclick="x()">**')).toBe('<strong>&lt;b onclick=&quot;x()&quot;&gt;</strong>');
  });

  it('never makes a link of javascript:, data: or relative URLs', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>',
      '/relative',
      'vbscript:x',
    ]) {
      const nodes = parseCommentBody(`[click](${href})`);
      expect(nodes.some((n) => n.type === 'link')).toBe(false);
      expect(commentNodesToHtml(nodes)).not.toContain('<a');
    }
    // A node built by hand with a bad href is still not emitted as a link.
    expect(commentNodesToHtml([{ type: 'link', text: 'x', href: 'javascript:alert(1)' }])).toBe('x');
  });
});
