import type { AccountJob } from '../compose/accounts';
import { InputError } from '../errors';
import type { RunRecord } from '../ledger/port';
import { isRecordedPolicy } from '../policy/hash';

/**
 * Refuses a hand run on a ledger table with another policy than the one the stage's last run of the account used
 * (RunRecord.policyHash, written by the Lambda's runs), before anything is read from the registrar. A laptop's
 * policy file bought a renewal the deployed policy lets lapse (review 2026-12-07, thirtieth session: `renew`), and
 * a hand `check` released an unknown order after the laptop's `releaseAfterHours`, sooner than the stage would,
 * while it may still wait in the registrar's queue (thirty-first session). A record without a hash (a CLI run's, an
 * older one) says nothing. `would`: what the run would do by the other rules ("buy by ...").
 */
export async function refuseOtherPolicy(jobs: readonly AccountJob[], table: string, would: string): Promise<void> {
  for (const job of jobs) {
    // The newest record that carries a hash, renew's or check's: check runs hourly, so a redeployed policy is known
    // within the hour, not after the next daily renew run (the review of this check: the old file bought what the
    // new one lets lapse, and the new one was refused).
    const runs = await Promise.all([job.deps.ledger.lastRun('renew'), job.deps.ledger.lastRun('check')]);
    const hashed = runs.filter((r) => r?.policyHash !== undefined) as RunRecord[];
    // Compared by what the policies decide when the record allows: a copy with other comments is the same policy
    // (isRecordedPolicy).
    const stage = hashed.sort((a, b) => b.startedAtMs - a.startedAtMs)[0];
    if (stage === undefined || isRecordedPolicy(stage, job.policy)) continue;
    throw new InputError(
      `the policy ${job.config.policyPath} is not the one the stage's runs on ${table} last used for account ${job.label}: this run would ${would}. Pass the policy file the stage was deployed with (--policy FILE), or --policy-differs to run by this one; nothing was bought or changed`,
      { path: '--policy' },
    );
  }
}
