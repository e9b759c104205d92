/** An XML element: name, attributes, and children (elements and text, in order). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

/** Malformed or unsafe XML. `offset` is where reading stopped. */
export class XmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlError';
  }
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][\w:.-]*/y;

/** Decodes the five predefined entities and numeric character references; anything else is an error. */
export function decodeEntities(text: string, offset = 0): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(/&([^;\s&]*);?/g, (whole, body: string, at: number) => {
    if (!whole.endsWith(';')) throw new XmlError('unterminated entity', offset + at);
    if (body in NAMED) return NAMED[body]!;
    const code = body.startsWith('#x')
      ? Number.parseInt(body.slice(2), 16)
      : body.startsWith('#')
        ? Number(body.slice(1))
        : NaN;
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff)
      throw new XmlError(`unknown entity &${body};`, offset + at);
    return String.fromCodePoint(code);
  });
}

/**
 * A small, safe XML reader for documents like Final Draft's `.fdx`: elements, attributes, text,
 * CDATA, comments and processing instructions. DOCTYPE declarations are refused, so there is no
 * entity expansion (no "billion laughs", no external entities). Whitespace is kept as written.
 *
 * @throws XmlError on malformed input
 */
export function parseXml(text: string): XmlElement {
  let i = 0;
  const n = text.length;
  const root: XmlElement = { name: '#document', attributes: {}, children: [] };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1]!;
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) throw new XmlError('expected a name', i);
    i += m[0].length;
    return m[0];
  };
  const skipSpace = () => {
    while (i < n && /\s/.test(text[i]!)) i++;
  };
  while (i < n) {
    const lt = text.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      const chunk = text.slice(i, end);
      if (stack.length > 1) top().children.push(decodeEntities(chunk, i));
      else if (/\S/.test(chunk)) throw new XmlError('text outside the root element', i);
      i = end;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close < 0) throw new XmlError('unterminated comment', i);
      i = close + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const close = text.indexOf(']]>', i + 9);
      if (close < 0) throw new XmlError('unterminated CDATA', i);
      if (stack.length === 1) throw new XmlError('CDATA outside the root element', i);
      top().children.push(text.slice(i + 9, close));
      i = close + 3;
    } else if (text.startsWith('<?', i)) {
      const close = text.indexOf('?>', i + 2);
      if (close < 0) throw new XmlError('unterminated processing instruction', i);
      i = close + 2;
    } else if (text.startsWith('<!', i)) {
      throw new XmlError('DOCTYPE and other declarations are not allowed', i);
    } else if (text.startsWith('</', i)) {
      i += 2;
      const name = readName();
      skipSpace();
      if (text[i] !== '>') throw new XmlError('expected >', i);
      i++;
      if (stack.length === 1 || top().name !== name) throw new XmlError(`unexpected </${name}>`, i);
      stack.pop();
    } else {
      i++;
      const el: XmlElement = { name: readName(), attributes: {}, children: [] };
      if (stack.length === 1 && root.children.length > 0) throw new XmlError('more than one root element', i);
      for (;;) {
        skipSpace();
        if (text[i] === '>' || text.startsWith('/>', i)) break;
        if (i >= n) throw new XmlError('unterminated tag', i);
        const attr = readName();
        skipSpace();
        if (text[i] !== '=') throw new XmlError('expected =', i);
        i++;
        skipSpace();
        const q = text[i];
        if (q !== '"' && q !== "'") throw new XmlError('expected a quoted value', i);
        const close = text.indexOf(q, i + 1);
        if (close < 0) throw new XmlError('unterminated attribute', i);
        const raw = text.slice(i + 1, close);
        if (raw.includes('<')) throw new XmlError('< in attribute value', i);
        el.attributes[attr] = decodeEntities(raw, i + 1);
        i = close + 1;
      }
      top().children.push(el);
      if (text[i] === '>') {
        stack.push(el);
        i++;
      } else i += 2;
    }
  }
  if (stack.length > 1) throw new XmlError(`unclosed <${top().name}>`, n);
  const first = root.children.find((c): c is XmlElement => typeof c !== 'string');
  if (!first) throw new XmlError('no root element', n);
  return first;
}

/** Child elements named `name`. */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter(
    (c): c is XmlElement => typeof c !== 'string' && (name === undefined || c.name === name),
  );
}

/** Concatenated text content of an element and its descendants. */
export function textContent(el: XmlNode): string {
  return typeof el === 'string' ? el : el.children.map(textContent).join('');
}
