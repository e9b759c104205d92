import { escapeXml } from '@clapboard/screenplay';
import type { LmsPackageInput } from './lms-package-input';

/**
 * `imsmanifest.xml` of a SCORM 2004 4th Edition package: IMS CP 1.1.4 with the ADL CP, SEQ and
 * NAV v1p3 namespaces and IMS Simple Sequencing. One item launches one SCO (`adlcp:scormType="sco"`)
 * whose completion (and, with a quiz that counts, success) is set by content; the quiz's pass mark
 * is the primary objective's `minNormalizedMeasure`, so the LMS reads success from
 * `cmi.score.scaled` the same way the player does. A single SCO has nowhere to continue to, so
 * the LMS's continue/previous buttons are hidden.
 *
 * @param files every file of the SCO, package-relative, the launch page first
 */
export function scorm2004Manifest(input: LmsPackageInput, files: readonly string[]): string {
  const title = escapeXml(input.title);
  const objectives = input.quiz
    ? `
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="lesson-quiz" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>${(input.quiz.passPercent / 100).toFixed(2)}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="clapboard-lesson-${input.lessonId}" version="${input.renderJobId.slice(0, 8)}"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="org-lesson">
    <organization identifier="org-lesson">
      <title>${title}</title>
      <item identifier="item-lesson" identifierref="res-lesson" isvisible="true">
        <title>${title}</title>
        <imsss:sequencing>${objectives}
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="${input.quiz ? 'true' : 'false'}"/>
        </imsss:sequencing>
        <adlnav:presentation>
          <adlnav:navigationInterface>
            <adlnav:hideLMSUI>continue</adlnav:hideLMSUI>
            <adlnav:hideLMSUI>previous</adlnav:hideLMSUI>
          </adlnav:navigationInterface>
        </adlnav:presentation>
      </item>
      <imsss:sequencing>
        <imsss:controlMode choice="true" flow="true"/>
      </imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-lesson" type="webcontent" adlcp:scormType="sco" href="${escapeXml(files[0]!)}">
${files.map((f) => `      <file href="${escapeXml(f)}"/>`).join('\n')}
    </resource>
  </resources>
</manifest>
`;
}
