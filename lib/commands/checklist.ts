/** One line of `autorenew doctor`'s checklist. */
export type CheckStatus = 'ok' | 'warn' | 'FAIL';

/** A check's result: `FAIL` would stop a real run (doctor exits 1), `warn` would not; `fix` says what to do. */
export interface DoctorCheck {
  status: CheckStatus;
  name: string;
  detail: string;
  fix?: string;
}
