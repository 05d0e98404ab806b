import {
  describeUnseenAccounts,
  isEveryAccountUnread,
  openAccountLedgers,
  sayNoLedger,
  unreadLedgerWarning,
} from '../compose/account-ledgers';
import type { Hold } from '../ledger/port';
import { describeHoldEnd, isHoldExpired } from '../renewal/hold-time';
import { parseFlags } from './args';
import { formatColumns } from './columns';
import { type Command, EXIT } from './io';
import { terminalDeep, terminalJson, terminalLine } from './terminal-text';

export const HOLDS_USAGE = `usage: autorenew holds [--account NAME] [--json]

Lists every hold in the ledger (autorenew hold): domain, until when, reason, when it was made, and whether it has
expired (an expired hold no longer stops a renewal; autorenew unhold removes it). Reads only.
With several accounts (AUTORENEW_ACCOUNTS), every account's holds with an account column (an "account" field in
JSON); --account NAME shows only that account's.

examples:
  npx autorenew holds
  AUTORENEW_TABLE=aliyun-domain-autorenew-prod-ledger npx autorenew holds --json`;

const FLAGS = {
  account: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A hold and, when the output names accounts, the account it is in (`default` for the unnamed one). */
export type AccountHold = Hold & { account?: string };

/** One hold as `holds --json` prints it: the stored fields plus readable times and the expiry at `nowMs`. */
export interface HoldJson extends AccountHold {
  until: string | null;
  createdAt: string;
  expired: boolean;
}

/**
 * The JSON form of the holds at `nowMs` (epoch ms, UTC): stored fields kept exact, ISO times added.
 */
export function holdsToJson(holds: readonly AccountHold[], nowMs: number): { nowMs: number; holds: HoldJson[] } {
  return {
    nowMs,
    holds: holds.map((h) => ({
      ...h,
      until: h.untilMs !== undefined ? new Date(h.untilMs).toISOString() : null,
      createdAt: new Date(h.createdAtMs).toISOString(),
      expired: isHoldExpired(h, nowMs),
    })),
  };
}

/**
 * The holds as table lines at `nowMs` (epoch ms, UTC); the caller has made every field printable. An `account`
 * column comes first when the holds carry their account.
 */
export function formatHoldsTable(holds: readonly AccountHold[], nowMs: number): string[] {
  if (holds.length === 0) return ['no holds: the renew job may buy every due domain'];
  const labelled = holds.some((h) => h.account !== undefined);
  const rows = holds.map((h) => [
    ...(labelled ? [h.account ?? ''] : []),
    h.domain,
    describeHoldEnd(h.untilMs),
    new Date(h.createdAtMs).toISOString().slice(0, 16).replace('T', ' '),
    isHoldExpired(h, nowMs) ? 'expired' : 'active',
    h.reason ?? '',
  ]);
  const active = holds.filter((h) => !isHoldExpired(h, nowMs)).length;
  return [
    ...formatColumns([...(labelled ? ['account'] : []), 'domain', 'held', 'created (UTC)', 'state', 'reason'], rows),
    `${holds.length} hold(s), ${active} active`,
  ];
}

/** `holds`: every hold in the ledger. Needs neither a policy nor registrar credentials. */
export const holdsCommand: Command = async (args, io) => {
  const flags = parseFlags('holds', args, FLAGS, HOLDS_USAGE);
  if (flags.help) {
    io.out(HOLDS_USAGE);
    return EXIT.ok;
  }
  const none = sayNoLedger(io, 'holds', { account: flags.account, json: !!flags.json });
  if (none) {
    // Not the answer of an empty ledger: `ledger: null` says there is none here.
    if (flags.json) io.out(terminalJson({ ...holdsToJson([], Date.now()), ledger: null, location: none.location }));
    return EXIT.ok;
  }
  const opened = await openAccountLedgers(io, { account: flags.account, command: 'holds' });
  try {
    const holds: AccountHold[] = [];
    for (const { label, ledger } of opened.accounts) {
      for (const h of await ledger.listHolds()) holds.push(opened.labelled ? { account: label, ...h } : h);
    }
    const nowMs = Date.now();
    const unread = await isEveryAccountUnread(opened);
    const unseen = unread ? undefined : await describeUnseenAccounts(opened);
    const warning = unread
      ? terminalLine(unreadLedgerWarning(opened.location, opened.shared))
      : unseen
        ? terminalLine(unseen)
        : undefined;
    if (flags.json) {
      if (warning) io.err(`autorenew holds: ${warning}`);
      io.out(terminalJson({ ...holdsToJson(holds, nowMs), ...(unread ? { renewRunsRecorded: false } : {}) }));
      return EXIT.ok;
    }
    if (warning) io.out(warning);
    if (holds.length > 0 || !warning) for (const line of formatHoldsTable(terminalDeep(holds), nowMs)) io.out(line);
    return EXIT.ok;
  } finally {
    await opened.close();
  }
};
