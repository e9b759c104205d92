import { escapeXml } from '@clapboard/screenplay';
import { type LmsPackageInput, PACKAGE_PATHS, packageDescription } from './lms-package-input';

/** The course's and the AU's IRIs: stable per lesson, so re-importing a newer export updates it. */
export function cmi5Ids(lessonId: string): { course: string; au: string } {
  return { course: `urn:clapboard:lesson:${lessonId}`, au: `urn:clapboard:lesson:${lessonId}:au` };
}

/**
 * `cmi5.xml` of a cmi5 package: one course with one AU (the player page, launched with the cmi5
 * launch parameters). `moveOn` is `Completed` (watched enough), or `CompletedAndPassed` with
 * the quiz's pass mark as `masteryScore` (0–1) when a quiz counts.
 */
export function cmi5CourseStructure(input: LmsPackageInput): string {
  const ids = cmi5Ids(input.lessonId);
  const text = (s: string) => `<langstring lang="en-US">${escapeXml(s)}</langstring>`;
  const description = packageDescription(input);
  const mastery = input.quiz ? ` masteryScore="${(input.quiz.passPercent / 100).toFixed(2)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="${ids.course}">
    <title>${text(input.title)}</title>
    <description>${text(description)}</description>
  </course>
  <au id="${ids.au}" moveOn="${input.quiz ? 'CompletedAndPassed' : 'Completed'}"${mastery} launchMethod="AnyWindow">
    <title>${text(input.title)}</title>
    <description>${text(description)}</description>
    <url>${PACKAGE_PATHS.page}</url>
  </au>
</courseStructure>
`;
}
