export { type JobRow, jobFromRow } from './job-row';
