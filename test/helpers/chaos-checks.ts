import type { Batch, Claim, Ledger } from '../../lib/ledger/port';
import type { RenderedMessage } from '../../lib/notify/port';
import { normalizeDomain } from '../../lib/registrar/domain-name';
import { isLive } from '../../lib/renewal/claims';
import type { SandboxState } from '../../lib/sandbox';

/**
 * The money-safety checks of the chaos suite, over the sandbox's own records (what was really submitted and renewed)
 * and the ledger (what we know). Pure functions of snapshots, so the soak script and the tests share them.
 */

/**
 * Submissions of a (domain, CurrentExpirationDate) that M1 forbids: a later submission is allowed only when every
 * earlier one of the same key was reported failed by the registrar before it. Returns `domain#expiry` keys.
 */
export function illegalResubmissions(state: SandboxState): string[] {
  const detailFailedAt = new Map<string, number>();
  for (const task of state.tasks) {
    for (const d of task.details) {
      if (d.status === 'EXECUTE_FAILURE') {
        detailFailedAt.set(`${task.taskNo}|${d.domainName.toLowerCase()}|${d.currentExpirationDate}`, d.updatedAtMs);
      }
    }
  }
  const byKey = new Map<string, SandboxState['submissions']>();
  for (const s of state.submissions) {
    const key = `${s.domainName.toLowerCase()}#${s.currentExpirationDate}`;
    byKey.set(key, [...(byKey.get(key) ?? []), s]);
  }
  const bad: string[] = [];
  for (const [key, subs] of byKey) {
    const sorted = [...subs].sort((a, b) => a.atMs - b.atMs);
    for (let i = 1; i < sorted.length; i++) {
      const later = sorted[i] as (typeof sorted)[number];
      const earlierAllFailed = sorted.slice(0, i).every((e) => {
        const failedAt = detailFailedAt.get(`${e.taskNo}|${e.domainName.toLowerCase()}|${e.currentExpirationDate}`);
        return failedAt !== undefined && failedAt <= later.atMs;
      });
      if (!earlierAllFailed) {
        bad.push(key);
        break;
      }
    }
  }
  return bad;
}

/**
 * Renewals executed more than once for the same (domain, CurrentExpirationDate as submitted): money spent twice.
 * With rejectStaleExpiry off the sandbox executes a second task from the already moved expiry, so the key is the
 * submitted date (joined through the task), not the renewal's `fromExpiryMs`. Returns `domain#expiry` keys.
 */
export function doubleRenewals(state: SandboxState): string[] {
  const submittedExpiry = new Map<string, number>();
  for (const task of state.tasks) {
    for (const d of task.details)
      submittedExpiry.set(`${task.taskNo}|${d.domainName.toLowerCase()}`, d.currentExpirationDate);
  }
  const seen = new Map<string, number>();
  for (const r of state.renewals) {
    const name = r.domainName.toLowerCase();
    const key = `${name}#${submittedExpiry.get(`${r.taskNo}|${name}`) ?? r.fromExpiryMs}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

/** Everything the ledger holds, read back through the port. */
export interface LedgerSnapshot {
  batches: Batch[];
  claims: Claim[];
}

/** Reads every batch and every claim of the given domains. */
export async function readLedger(ledger: Ledger, domains: readonly string[]): Promise<LedgerSnapshot> {
  const batches = await ledger.listRecentBatches(1_000_000);
  const claims: Claim[] = [];
  for (const d of domains) claims.push(...(await ledger.listClaimsForDomain(d.toLowerCase())));
  return { batches, claims };
}

/** TaskNos the sandbox accepted that the ledger does not know (M2). */
export function lostTasks(state: SandboxState, ledger: LedgerSnapshot): string[] {
  const known = new Set<string>();
  for (const b of ledger.batches) if (b.taskNo) known.add(b.taskNo);
  for (const c of ledger.claims) {
    if (c.taskNo) known.add(c.taskNo);
    for (const t of c.previousTaskNos ?? []) known.add(t);
  }
  return state.tasks.map((t) => t.taskNo).filter((t) => !known.has(t));
}

/** The normalised name a digest line shows: an IDN is shown `unicode (punycode)` (digest.ts displayName). */
function nameShown(shown: string): string {
  const idn = / \(([^()]*xn--[^()]*)\)$/.exec(shown);
  return normalizeDomain(idn?.[1] ?? shown);
}

/** A failure line of a digest: `domain|batchId`. */
export type NoticeKey = string;

const FAILED_HEAD = /^Failed \(\d+\):/;
const OUTCOME_LINE = /^- (.+?): expiry .*, batch ([^,]+)/;

/** The `domain|batchId` keys listed in the "Failed" section of a rendered digest email. */
export function failedKeysOf(message: RenderedMessage): NoticeKey[] {
  const keys: NoticeKey[] = [];
  let inFailed = false;
  for (const line of message.email.split('\n')) {
    if (line === '') inFailed = false;
    else if (FAILED_HEAD.test(line)) inFailed = true;
    else if (inFailed) {
      const m = OUTCOME_LINE.exec(line);
      if (m?.[1]) keys.push(`${nameShown(m[1])}|${m[2]}`);
    }
  }
  return keys;
}

const ACCOUNT_HEAD = /^==== Account (.+) ====$/;

/**
 * The accounts' sections of a combined digest (lib/renewal/account-digest.ts combineAccountParts), each as a message
 * of its own with just its section's lines, so a notice is credited to the account whose section lists it (the same
 * name can be in two accounts). Empty for a message without section heads.
 */
export function accountSections(message: RenderedMessage): { label: string; message: RenderedMessage }[] {
  const sections: { label: string; lines: string[] }[] = [];
  for (const line of message.email.split('\n')) {
    const head = ACCOUNT_HEAD.exec(line);
    if (head) sections.push({ label: head[1] as string, lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections.map((s) => ({ label: s.label, message: { ...message, email: s.lines.join('\n') } }));
}

/** FAILED batch entries of the ledger as notice keys: each must be notified. */
export function failedEntries(ledger: LedgerSnapshot): NoticeKey[] {
  return ledger.batches.flatMap((b) =>
    b.entries.filter((e) => e.outcome === 'FAILED').map((e) => `${e.domain}|${b.batchId}`),
  );
}

/** Digest sections that tell a person a domain needs them (or may lapse). */
const ALERT_HEAD = /^(Failed|Will lapse|Not bought this run|Expiry moved unexpectedly|Stuck|Unknown outcome) \(\d+\):/;

/** Normalised names listed under the sections whose head matches `head` in a rendered digest email. */
function namesUnder(message: RenderedMessage, head: RegExp): string[] {
  const names: string[] = [];
  let inside = false;
  for (const line of message.email.split('\n')) {
    if (line === '') inside = false;
    else if (head.test(line)) inside = true;
    else if (inside) {
      const m = /^- (.+?): expiry /.exec(line);
      if (m?.[1]) names.push(nameShown(m[1]));
    }
  }
  return names;
}

/** Normalised names listed in any alerting section of a rendered digest email. */
export function alertedDomainsOf(message: RenderedMessage): string[] {
  return namesUnder(message, ALERT_HEAD);
}

/** RENEWED claims with no executed renewal of that (domain, expiry) at the registrar: `domain#expiry` keys. */
export function falseRenewals(state: SandboxState, ledger: LedgerSnapshot): string[] {
  const submittedExpiry = new Map<string, number>();
  for (const task of state.tasks) {
    for (const d of task.details)
      submittedExpiry.set(`${task.taskNo}|${normalizeDomain(d.domainName)}`, d.currentExpirationDate);
  }
  const renewed = new Set<string>();
  for (const r of state.renewals) {
    const name = normalizeDomain(r.domainName);
    renewed.add(`${name}#${r.fromExpiryMs}`);
    const submitted = submittedExpiry.get(`${r.taskNo}|${name}`);
    if (submitted !== undefined) renewed.add(`${name}#${submitted}`);
  }
  return ledger.claims
    .filter((c) => c.status === 'RENEWED' && !renewed.has(`${normalizeDomain(c.domain)}#${c.expiryMs}`))
    .map((c) => `${c.domain}#${c.expiryMs}`);
}

/** Live claims whose batch is closed or missing: `domain#expiry` keys. */
export function orphanedClaims(ledger: LedgerSnapshot): string[] {
  const open = new Set(ledger.batches.filter((b) => b.status !== 'CLOSED').map((b) => b.batchId));
  return ledger.claims.filter((c) => isLive(c) && !open.has(c.batchId)).map((c) => `${c.domain}#${c.expiryMs}`);
}

/** Names in the "Repaired" section of a digest: claims the orphan sweep had to repair. */
export function repairedDomainsOf(message: RenderedMessage): string[] {
  return namesUnder(message, /^Repaired \(\d+\):/);
}
