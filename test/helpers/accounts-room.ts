import { peerClaimsOf } from '../../lib/compose/accounts';
import { executeRenew } from '../../lib/jobs';
import { type AccountResult, type AccountsRoom, createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import type { Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import type { Digest, Notifier, NotifyPolicy, RenderedMessage } from '../../lib/notify/port';
import type { Registrar } from '../../lib/registrar/port';
import type { JobDeps } from '../../lib/renewal/deps';
import { renderDigest } from '../../lib/renewal/digest';
import type { Given } from './builder';
import { createMemoryRegistrar } from './memory-registrar';
import { createCapturingNotifier } from './world';

/** An account's read of the other accounts' claims (JobDeps.peerClaims). */
export type PeerRead = NonNullable<JobDeps['peerClaims']>;

/** The accounts of one deployment in a unit test: one `given` world, a ledger and a registrar per label. */
export interface RoomAccounts<L extends string> {
  t: Given;
  ledgers: Record<L, Ledger>;
  registrars?: Partial<Record<L, Registrar>>;
  /** Wraps an account's peer read (a fault, a barrier); default: read the others' ledgers as compose/accounts.ts does. */
  peerRead?: (label: L, plain: PeerRead) => PeerRead;
}

/**
 * One renew run of `labels` in an accounts room, wired as compose/accounts.ts wires the Lambda: each account reads
 * the other accounts' claims (every ledger of `accounts` but its own) and takes its entries in the room
 * (runClaims); the room publishes through `primary`. `room` reuses a room across runs (begin resets it per run).
 */
export async function renewInRoom<L extends string>(
  accounts: RoomAccounts<L>,
  o: { runId: string; labels: readonly L[]; primary: Notifier; room?: AccountsRoom },
): Promise<AccountResult<Awaited<ReturnType<typeof executeRenew>>>[]> {
  const { t, ledgers } = accounts;
  const room =
    o.room ??
    createAccountsRoom({
      job: 'renew',
      runId: o.runId,
      labels: [...o.labels],
      primary: o.primary,
      log: createLogger({ sink: () => {} }),
    });
  const all = Object.keys(ledgers) as L[];
  return runAccounts(
    room,
    o.runId,
    o.labels.map((label) => ({ label })),
    async ({ label }) => {
      const plain = peerClaimsOf(all.filter((l) => l !== label).map((l) => ledgers[l]));
      const take = room.claimsFor(label);
      return executeRenew(
        t.deps({
          ledger: ledgers[label],
          registrar: accounts.registrars?.[label] ?? t.registrar,
          notifier: room.notifierFor(label),
          peerClaims: accounts.peerRead ? accounts.peerRead(label, plain) : plain,
          ...(take ? { runClaims: take } : {}),
        }),
        { policy: t.policy, dryRun: false, runId: o.runId },
      );
    },
  );
}

/**
 * `domain` listed at `expiresAtMs` by two Alibaba accounts: `t.registrar` (cleared first) and a second memory
 * registrar on the same clock, returned. Pushed between two accounts, so neither task list shows the other's
 * orders (the case of accounts-transfer-lag: the peer reads and the room are the only guards).
 */
export function listedByTwoAccounts(t: Given, domain: string, expiresAtMs: number, taskMs: number) {
  t.registrar.domains.clear();
  t.registrar.domains.set(domain, { domainName: domain, expiresAtMs });
  const second = createMemoryRegistrar({ clock: t.clock, taskMs });
  second.domains.set(domain, { domainName: domain, expiresAtMs });
  return second;
}

/**
 * One Alibaba account seen by two RAM users, a and b, as two accounts of one deployment: `t.registrar` (cleared
 * first) lists shared.com and b1.com at `expiresAtMs`; a's view (returned) leaves b1.com out, so b has a domain of
 * its own beside the shared one.
 */
export function sharedAndOwnOfB(t: Given, expiresAtMs: number): Registrar {
  t.registrar.domains.clear();
  for (const domainName of ['shared.com', 'b1.com']) t.registrar.domains.set(domainName, { domainName, expiresAtMs });
  return {
    ...t.registrar,
    listDomains: async (q: Parameters<Registrar['listDomains']>[0]) =>
      (await t.registrar.listDomains(q)).filter((d) => d.domainName !== 'b1.com'),
  } as Registrar;
}

/**
 * The one message the accounts room publishes for `digests` (one per account label, rendered with each account's
 * notifier limits and published together), as the jobs do with several accounts.
 */
export async function publishCombined(
  job: 'renew' | 'check',
  digests: Readonly<Record<string, Digest>>,
  policy: NotifyPolicy,
): Promise<RenderedMessage | undefined> {
  const primary = createCapturingNotifier();
  const labels = Object.keys(digests);
  const room = createAccountsRoom({ job, runId: 'r1', labels, primary, log: createLogger({ sink: () => {} }) });
  await Promise.all(
    labels.map((label) => {
      const notifier = room.notifierFor(label);
      const rendered = renderDigest(digests[label] as Digest, policy, notifier);
      if (!rendered) throw new Error(`expected a message for account ${label}`);
      return notifier.publish(rendered);
    }),
  );
  if (primary.sent.length !== 1) throw new Error(`expected one combined message, got ${primary.sent.length}`);
  return primary.sent[0];
}
