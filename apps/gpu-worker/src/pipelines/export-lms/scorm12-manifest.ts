import { escapeXml } from '@clapboard/screenplay';
import type { LmsPackageInput } from './lms-package-input';

/**
 * `imsmanifest.xml` of a SCORM 1.2 package: IMS CP 1.1.2 with the ADL CP 1.2 extensions, one
 * organization with one item launching one SCO (the player page) that lists every file it uses.
 * With a quiz that counts, `adlcp:masteryscore` is its pass mark (percent), so the LMS reads
 * passed/failed from `cmi.core.score.raw` the same way the player does.
 *
 * @param files every file of the SCO, package-relative, the launch page first
 */
export function scorm12Manifest(input: LmsPackageInput, files: readonly string[]): string {
  const title = escapeXml(input.title);
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="clapboard-lesson-${input.lessonId}" version="${input.renderJobId.slice(0, 8)}"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="org-lesson">
    <organization identifier="org-lesson">
      <title>${title}</title>
      <item identifier="item-lesson" identifierref="res-lesson" isvisible="true">
        <title>${title}</title>${input.quiz ? `\n        <adlcp:masteryscore>${input.quiz.passPercent}</adlcp:masteryscore>` : ''}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-lesson" type="webcontent" adlcp:scormtype="sco" href="${escapeXml(files[0]!)}">
${files.map((f) => `      <file href="${escapeXml(f)}"/>`).join('\n')}
    </resource>
  </resources>
</manifest>
`;
}
