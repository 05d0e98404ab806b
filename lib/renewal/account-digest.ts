import type { RenderedMessage } from '../notify/port';
import { gsm7Length, SMS_TEXT_SEPTETS, toGsm7, truncateGsm7 } from '../notify/text/gsm7';
import { sanitizeLine, toAsciiLine, truncateChars } from '../notify/text/sanitize';
import { MAX_EMAIL_BYTES, SEVERITY_ORDER } from './digest';

/**
 * One message for a run over several accounts (docs/design.md, Accounts): every account's own rendered digest
 * becomes a section of one email, headed by the account's name, so people read one view across accounts. Pure.
 */

/** One account's part of a run's notice: its rendered digest, or none when it had nothing to say. */
export interface AccountPart {
  /** The account's name as shown to people (`default` for the unnamed one). */
  label: string;
  message?: RenderedMessage;
  /** Still running when the room's wait limit sent the others' digests (no message yet, not "nothing"). */
  late?: true;
}

const MAX_SUBJECT_CHARS = 99;
const MAX_DEFAULT_CHARS = 600;

function severityRank(message: RenderedMessage): number {
  const rank = SEVERITY_ORDER.indexOf(message.event);
  return (message.severity === 'alert' ? 0 : 100) + (rank < 0 ? 99 : rank);
}

/**
 * The email bytes each account's digest may use in a message combining `accounts` accounts: each account renders
 * within it (so what it cannot list it knows, and keeps pending), and the combined message never has to cut.
 */
export function accountEmailBudget(accounts: number): number {
  return Math.floor((MAX_EMAIL_BYTES - 2_000) / Math.max(1, accounts)) - 300;
}

/** The SMS's end naming how many other accounts alert too ('' for none). GSM-7 (toGsm7 trims, so the space after). */
function moreAlerting(others: number): string {
  return others > 0 ? ` ${toGsm7(`(+${others} more account${others > 1 ? 's' : ''} alerting)`)}` : '';
}

/** The SMS's start naming the account. GSM-7. */
function smsLabel(label: string): string {
  return `${toGsm7(`[${sanitizeLine(label, 40)}]`)} `;
}

/**
 * The SMS septets each account's digest may use in a message combining `accounts` accounts: what is left of one
 * SMS after "[label] " and the longest "(+N more accounts alerting)", so the combined SMS never cuts the domain
 * the account's own SMS kept.
 */
export function accountSmsBudget(label: string, accounts: number): number {
  return SMS_TEXT_SEPTETS - gsm7Length(smsLabel(label)) - gsm7Length(moreAlerting(accounts - 1));
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes at a line end, saying what was cut (a safety net only). */
function fitEmail(text: string, maxBytes: number, label: string): string {
  if (Buffer.byteLength(JSON.stringify(text)) <= maxBytes) return text;
  const kept: string[] = [];
  let used = 200;
  for (const line of text.split('\n')) {
    const bytes = Buffer.byteLength(JSON.stringify(line));
    if (used + bytes > maxBytes) break;
    used += bytes;
    kept.push(line);
  }
  kept.push(`(cut to fit one message; run \`npx autorenew status --account ${label}\` for the rest)`);
  return kept.join('\n');
}

/**
 * Combines the accounts' parts of one run into one message, or undefined when no account has anything to say.
 * Sections come in the accounts' order; an account with nothing to say gets a one-line section, so the email
 * shows every account. The SMS names the accounts that page people, most severe first; `severity` is `alert` when
 * any part is, `event` the most severe present.
 */
export function combineAccountParts(
  job: 'renew' | 'check',
  runId: string,
  parts: readonly AccountPart[],
): RenderedMessage | undefined {
  const present = parts.flatMap((p) => (p.message ? [{ label: p.label, message: p.message }] : []));
  if (present.length === 0) return undefined;
  // The parts' own digests say which job they are (a room can serve several runs, e.g. the demo's).
  const ownJob = present.find((p) => p.message.digest)?.message.digest?.job ?? job;
  const ranked = [...present].sort((a, b) => severityRank(a.message) - severityRank(b.message));
  const top = ranked[0] as (typeof ranked)[number];
  const alerting = ranked.filter((p) => p.message.severity === 'alert');
  const others = present.length - 1;

  const budget = Math.floor((MAX_EMAIL_BYTES - 2_000) / parts.length);
  const email = [
    `autorenew ${sanitizeLine(ownJob, 20)} run ${sanitizeLine(runId, 100)}: ${parts.length} account(s): ${parts.map((p) => sanitizeLine(p.label, 40)).join(', ')}`,
    `The commands below act on one account: add --account NAME (e.g. autorenew hold example.com --account ${sanitizeLine(parts[0]?.label ?? 'NAME', 40)}).`,
    '',
    ...parts.flatMap((p) => [
      `==== Account ${sanitizeLine(p.label, 40)} ====`,
      p.message
        ? fitEmail(p.message.email, budget, p.label)
        : p.late
          ? 'Still running when the others reported, close to the time limit: its own digest follows if it finishes in time; if none comes, see the function logs for this run id.'
          : 'Nothing to report for this account in this run.',
      '',
    ]),
  ].join('\n');

  // A domain about to lapse pages before another account's job error, as it does within one account.
  // Of several accounts' lapsing domains, the one still to save soonest, as within one account (digest.ts
  // compareOutcomes): the first account's, expired a week ago, took the SMS from one expiring tomorrow (review
  // 2026-12-07).
  const lapsing = alerting
    .filter((p) => p.message.smsLapsing)
    .sort((a, b) => compareLapses(a.message.smsLapse, b.message.smsLapse));
  const smsSource = lapsing[0] ?? alerting[0] ?? top;
  const more = moreAlerting(alerting.length - 1);
  // Each account rendered its SMS within accountSmsBudget; the cut is a safety net for other callers.
  const sms = truncateGsm7(
    `${truncateGsm7(`${smsLabel(smsSource.label)}${smsSource.message.sms}`, SMS_TEXT_SEPTETS - gsm7Length(more))}${more}`,
    SMS_TEXT_SEPTETS,
  );

  return {
    subject: toAsciiLine(`[${top.label}${others > 0 ? ` +${others}` : ''}] ${top.message.subject}`, MAX_SUBJECT_CHARS),
    email,
    sms,
    default: truncateChars(
      present.map((p) => `[${sanitizeLine(p.label, 40)}] ${p.message.default}`).join(' | '),
      MAX_DEFAULT_CHARS,
    ),
    event: top.message.event,
    severity: alerting.length > 0 ? 'alert' : 'info',
  };
}

/** Lapsing SMS lines in order: not yet expired first, then the soonest expiry; an unknown one last. */
function compareLapses(a: RenderedMessage['smsLapse'], b: RenderedMessage['smsLapse']): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0;
  return Number(a.expired) - Number(b.expired) || a.expiryMs - b.expiryMs;
}
