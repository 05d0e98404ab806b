import {
  type AccountLedgers,
  describeUnseenAccounts,
  isUnreadByRenewRuns,
  onlyAccount,
  openAccountLedgers,
  unreadLedgerWarning,
} from '../compose/account-ledgers';
import { InputError } from '../errors';
import type { Claim } from '../ledger/port';
import { RENEWED_ELSEWHERE_CODE } from '../renewal/claims';
import { isReadDifferently, isSameListedExpiry } from '../renewal/expiry';
import { describeHoldEnd, isHoldExpired } from '../renewal/hold-time';
import { parseFlagsAndArgs } from './args';
import { parseDomainArgs } from './domain-args';
import { type Command, EXIT } from './io';
import { terminalLine } from './terminal-text';

export const RETRY_USAGE = `usage: autorenew retry <domain ...> | --all-failed [--recent N] [--account NAME]

Clears the failed attempts and the retry backoff of FAILED renewals, so the next renew run tries them again (after
you fixed the cause: balance, real-name verification, a RAM permission). Only FAILED claims change; a renewal in
flight or renewed is never touched. Works on the ledger the environment names (the embedded one, or the deployed
table with AUTORENEW_TABLE). Buys nothing itself; the next renew run does.
A domain the plan calls shown-renewed (its row failed, the registrar showed it renewed) is reset only when named,
and only once the console too shows the old expiry and no renewal in its task list: a listing that lags catches up.
--all-failed takes every FAILED claim of the domains in the last --recent batches (default 1000), not shown-renewed.
--account NAME: one of AUTORENEW_ACCOUNTS; required when several are configured.

examples:
  npx autorenew retry example.com
  AUTORENEW_TABLE=aliyun-domain-autorenew-prod-ledger npx autorenew retry --all-failed`;

/**
 * The reset: a FAILED claim with no attempts counted and no backoff; everything else kept (TaskNos, message). One the
 * registrar showed renewed all the same loses that mark (a person who looked says it was not): the next run buys it.
 */
export function resetForRetry(claim: Claim, nowMs: number): Claim {
  if (claim.status !== 'FAILED') throw new InputError(`${claim.domain}: only a FAILED claim can be retried`);
  const { nextEligibleAtMs: _backoff, ...rest } = claim;
  return {
    ...rest,
    attempts: 0,
    ...(claim.code === RENEWED_ELSEWHERE_CODE
      ? { code: 'task-failed', message: `reset by hand (autorenew retry); before: ${claim.message ?? 'shown renewed'}` }
      : {}),
    updatedAtMs: nowMs,
  };
}

/**
 * True when a reset would change something. A claim whose domain the registrar showed renewed all the same
 * (`renewed-elsewhere`, plan reason `shown-renewed`) only when its domain is `named`: --all-failed must not let a
 * lagging listing buy those again (review 2026-12-04); a person who looked at the console may.
 */
export function needsReset(claim: Claim, named = false): boolean {
  if (claim.status !== 'FAILED') return false;
  if (claim.code === RENEWED_ELSEWHERE_CODE) return named;
  return claim.attempts > 0 || claim.nextEligibleAtMs !== undefined;
}

const RETRY_FLAGS = {
  'all-failed': { type: 'boolean' },
  recent: { type: 'string' },
  account: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Another account's failed renewal of `domain`, which the renew runs apply as their own (peer-claims.ts: a domain
 * moved from a to b is held back by a's failures): named with the command that clears it (review 2026-12-07: `retry
 * --account b` said "nothing to retry" while a's failure kept b from buying).
 */
async function describePeerFailures(
  peers: AccountLedgers['peers'],
  domain: string,
  /** Only failures of the cycles at these expiries (read a little differently too), epoch ms; absent: any. */
  near?: readonly number[],
): Promise<string> {
  const found: string[] = [];
  for (const peer of peers) {
    const failed = (await peer.ledger.listClaimsForDomain(domain)).filter(
      (c) =>
        needsReset(c, true) &&
        (near === undefined || near.some((e) => isSameListedExpiry(e, c.expiryMs) || isReadDifferently(e, c.expiryMs))),
    );
    if (failed.length > 0) found.push(peer.label);
  }
  if (found.length === 0) return '';
  return `; account ${found.join(', ')} has a failed renewal of it, which holds it back here too: autorenew retry ${domain} ${found.map((a) => `--account ${a}`).join(' / ')}`;
}

/** `retry`: reset FAILED claims of the named domains (or of every recently failed domain). */
export const retryCommand: Command = async (args, io) => {
  // The shared parser: it refuses an empty value (--account "$ACCOUNT" with ACCOUNT unset reset the unnamed
  // account's failures: review 2026-12-05, round 5, L).
  const { values, positionals } = parseFlagsAndArgs('retry', args, RETRY_FLAGS, RETRY_USAGE);
  if (values.help) {
    io.out(RETRY_USAGE);
    return EXIT.ok;
  }
  if ((positionals.length === 0) === !values['all-failed']) {
    throw new InputError(`name domains or give --all-failed (not both); ${RETRY_USAGE.split('\n')[0]}`);
  }
  const recent = values.recent !== undefined ? Number(values.recent) : 1000;
  if (!Number.isInteger(recent) || recent < 1) throw new InputError('--recent must be a positive integer');
  // Checked before anything is read or written, as hold checks them (review 2026-12-04).
  const named = parseDomainArgs(positionals);
  const opened = await openAccountLedgers(io, { account: values.account, write: true, command: 'retry' });
  const { ledger, label } = onlyAccount(opened);
  const where = opened.labelled ? ` in account ${label}` : '';
  try {
    let domains = named;
    if (values['all-failed']) {
      const batches = await ledger.listRecentBatches(recent);
      domains = [
        ...new Set(batches.flatMap((b) => b.entries.filter((e) => e.outcome !== 'RENEWED').map((e) => e.domain))),
      ];
    }
    let reset = 0;
    // Read once: a cleared renewal of a held domain is still not bought (review 2026-12-07, thirty-first session:
    // "the next renew run tries them again", and the run planned it `held` behind a hold the person had forgotten).
    const holds = await ledger.listHolds();
    const nowMs = Date.now();
    for (const domain of domains) {
      const claims = await ledger.listClaimsForDomain(domain);
      const failed = claims.filter((c) => needsReset(c, !values['all-failed']));
      if (failed.length === 0 && !values['all-failed']) {
        const live = claims.find((c) => c.status !== 'FAILED' && c.status !== 'RENEWED');
        io.out(
          terminalLine(
            `${domain}: nothing to retry${claims.length === 0 ? ` (no renewal recorded${(await isUnreadByRenewRuns(ledger)) ? `; ${unreadLedgerWarning(opened.location, opened.shared)}` : await describeUnseenAccounts(opened).then((w) => (w ? `; ${w}` : ''))})` : live ? ` (a renewal is ${live.status}: the check job settles it)` : ' (no failed attempts)'}${await describePeerFailures(opened.peers, domain)}`,
          ),
        );
      }
      // Cleared here, the renewal is still held back by another account's failure of the same cycle (the stricter
      // failure decides): said, with the command that clears it; "the next renew run tries" alone was not so
      // (review 2026-12-07, twenty-seventh session).
      const peerHold =
        failed.length > 0 && !values['all-failed']
          ? await describePeerFailures(
              opened.peers,
              domain,
              failed.map((c) => c.expiryMs),
            )
          : '';
      for (const claim of failed) {
        await ledger.saveClaim(resetForRetry(claim, Date.now()));
        reset++;
        const expiry = new Date(claim.expiryMs).toISOString().slice(0, 10);
        io.out(
          terminalLine(
            claim.code === RENEWED_ELSEWHERE_CODE
              ? `${claim.domain} (expiry ${expiry}): the registrar had shown it renewed (shown-renewed); reset: the next renew run buys it if the listing still shows ${expiry}`
              : `${claim.domain} (expiry ${expiry}): ${claim.attempts} failed attempt(s) cleared${claim.nextEligibleAtMs !== undefined ? ', backoff cleared' : ''}${claim.message ? `; last failure: ${claim.message}` : ''}`,
          ),
        );
      }
      if (peerHold) io.out(terminalLine(`${domain}: still held back here${peerHold}`));
      const hold = failed.length > 0 ? holds.find((h) => h.domain === domain && !isHoldExpired(h, nowMs)) : undefined;
      if (hold)
        io.out(
          terminalLine(
            `${domain}: held ${describeHoldEnd(hold.untilMs)}${hold.reason ? ` (${hold.reason})` : ''}: the next renew run does not buy it while held; autorenew unhold ${domain} to let it`,
          ),
        );
    }
    io.out(`retry: ${reset} renewal(s) cleared${where}; the next renew run tries them again if still due`);
    return EXIT.ok;
  } finally {
    await opened.close();
  }
};
