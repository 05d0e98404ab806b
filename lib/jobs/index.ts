// The two scheduled jobs, each run then reported the same way (report-run.ts).
export { executeCheck } from './check';
export { executeRenew } from './renew';
export { notifyJobError } from './report-run';
