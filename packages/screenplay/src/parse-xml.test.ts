import { describe, expect, it } from 'vitest';
import { childElements, parseXml, textContent, XmlError } from './parse-xml';
import { escapeXml, openTag } from './write-xml';

describe('parseXml', () => {
  it('reads elements, attributes, entities, CDATA and comments', () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi --><a x='1' y="&quot;2&quot;"><b>T &amp; &#233;&#x1F600;</b><![CDATA[<raw>]]><c/></a>`,
    );
    expect(root.name).toBe('a');
    expect(root.attributes).toEqual({ x: '1', y: '"2"' });
    expect(textContent(childElements(root, 'b')[0]!)).toBe('T & é😀');
    expect(root.children[1]).toBe('<raw>');
    expect(childElements(root, 'c')).toHaveLength(1);
  });

  it('refuses DOCTYPE (no entity expansion) and malformed input', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')).toThrow(XmlError);
    for (const bad of ['<a>', '<a></b>', '<a x=1/>', '<a>&nope;</a>', 'text', '<a/><b/>', '']) {
      expect(() => parseXml(bad)).toThrow(XmlError);
    }
  });

  it('round-trips escaped text and attributes', () => {
    const nasty = `<&>"' \u0001 ok`;
    const root = parseXml(`${openTag('p', { v: nasty })}${escapeXml(nasty)}</p>`);
    expect(root.attributes.v).toBe(`<&>"'  ok`);
    expect(textContent(root)).toBe(`<&>"'  ok`);
  });
});
