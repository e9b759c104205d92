export { cmi5CourseStructure, cmi5Ids } from './cmi5-course-structure';
export { exportLmsPipeline, LMS_FORMAT_LABELS } from './export-lms-pipeline';
export { type LmsPackageInput, PACKAGE_PATHS } from './lms-package-input';
export { packageSchemaFiles, SCHEMA_DIR } from './schema-files';
export { scorm12Manifest } from './scorm12-manifest';
export { scorm2004Manifest } from './scorm2004-manifest';
export { type WrittenLmsPackage, writeLmsPackage } from './write-lms-package';
