import { openLocalLedger } from '../compose/local';
import type { Hold } from '../ledger/port';
import { describeHoldEnd, isHoldExpired } from '../renewal/hold-time';
import { parseFlags } from './args';
import { formatColumns } from './columns';
import { type Command, EXIT } from './io';
import { terminalDeep, terminalJson } from './terminal-text';

export const HOLDS_USAGE = `usage: autorenew holds [--json]

Lists every hold in the ledger (autorenew hold): domain, until when, reason, when it was made, and whether it has
expired (an expired hold no longer stops a renewal; autorenew unhold removes it). Reads only.

examples:
  npx autorenew holds
  AUTORENEW_TABLE=aliyun-domain-autorenew-prod-ledger npx autorenew holds --json`;

const FLAGS = {
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** One hold as `holds --json` prints it: the stored fields plus readable times and the expiry at `nowMs`. */
export interface HoldJson extends Hold {
  until: string | null;
  createdAt: string;
  expired: boolean;
}

/**
 * The JSON form of the holds at `nowMs` (epoch ms, UTC): stored fields kept exact, ISO times added.
 */
export function holdsToJson(holds: readonly Hold[], nowMs: number): { nowMs: number; holds: HoldJson[] } {
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
 * The holds as table lines at `nowMs` (epoch ms, UTC); the caller has made every field printable.
 */
export function formatHoldsTable(holds: readonly Hold[], nowMs: number): string[] {
  if (holds.length === 0) return ['no holds: the renew job may buy every due domain'];
  const rows = holds.map((h) => [
    h.domain,
    describeHoldEnd(h.untilMs),
    new Date(h.createdAtMs).toISOString().slice(0, 16).replace('T', ' '),
    isHoldExpired(h, nowMs) ? 'expired' : 'active',
    h.reason ?? '',
  ]);
  const active = holds.filter((h) => !isHoldExpired(h, nowMs)).length;
  return [
    ...formatColumns(['domain', 'held', 'created (UTC)', 'state', 'reason'], rows),
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
  const { ledger, close } = await openLocalLedger(io);
  try {
    const holds = await ledger.listHolds();
    const nowMs = Date.now();
    if (flags.json) {
      io.out(terminalJson(holdsToJson(holds, nowMs)));
      return EXIT.ok;
    }
    for (const line of formatHoldsTable(terminalDeep(holds), nowMs)) io.out(line);
    return EXIT.ok;
  } finally {
    await close();
  }
};
