import type { FountainDocument } from './fountain-ast';
import { type PaginateOptions, paginateScreenplay } from './paginate-screenplay';

export { SHOOTING_SCRIPT_LAYOUT } from './shooting-script-layout';

export type ShootingScriptOptions = PaginateOptions;

/**
 * A printable plain-text shooting script: the pages of `paginateScreenplay` (standard indents,
 * scene numbers in both margins, speeches split with (MORE)/(CONT'D)) separated by form feeds
 * (`\f`), with the page number top right from page 2 and the title page first when there is one.
 */
export function exportShootingScript(doc: FountainDocument, options: ShootingScriptOptions = {}): string {
  const { titlePage, pages, width } = paginateScreenplay(doc, options);
  const printed = pages.map(({ number, lines }) => {
    const header = number === 1 ? '' : `${number}.`.padStart(width);
    return [header, '', ...lines].map((l) => l.trimEnd()).join('\n');
  });
  const withTitle = titlePage ? [titlePage.join('\n'), ...printed] : printed;
  return `${withTitle.join('\n\f')}\n`;
}
