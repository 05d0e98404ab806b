import { type Account, labelOf, namesAccounts } from '../accounts';
import {
  describeUnseenAccounts,
  onlyAccount,
  openAccountLedgers,
  pickLedgerAccounts,
} from '../compose/account-ledgers';
import { configForAccount } from '../compose/accounts';
import { buildCredentials, buildUnpricedRegistrar } from '../compose/adapters';
import type { Config } from '../config';
import { InputError } from '../errors';
import { MAX_HOLD_REASON } from '../ledger/items';
import type { Hold } from '../ledger/port';
import { formatDateTimeUtc } from '../notify/text/sanitize';
import type { Registrar } from '../registrar/port';
import { isLive } from '../renewal/claims';
import { describeHoldEnd, parseHoldUntil } from '../renewal/hold-time';
import { findStrays } from '../renewal/sweep';
import { boundText } from '../renewal/text';
import { parseFlagsAndArgs } from './args';
import { parseDomainArgs } from './domain-args';
import { findOtherHolders, type HeldNamesLookUp, lookUpHeldNames } from './hold-lookup';
import { type CliIO, type Command, EXIT } from './io';
import { terminalLine } from './terminal-text';

export const HOLD_USAGE = `usage: autorenew hold <domain ...> [--until DATE] [--reason TEXT] [--account NAME] [--not-listed] [--no-run-check]

Vetoes the renewal of these domains: the renew job never buys a held domain while the hold lasts (it is planned as
held and stays in the will-lapse alerts). A new hold of a domain replaces its old one. Writes the ledger the
environment names (the embedded one, or the deployed table with AUTORENEW_TABLE and your AWS credentials).
--until DATE   a UTC day, held through its end (2027-01-31), or a timestamp with its zone (2027-01-31T08:00:00Z);
               must be in the future; without it the hold lasts until autorenew unhold
--reason TEXT  why, shown by autorenew holds (at most ${MAX_HOLD_REASON} characters; control characters and
               anything shaped like an access key are removed)
--account NAME one of AUTORENEW_ACCOUNTS; required when several are configured (a hold in another account's
               keyspace would not stop this account's renewal)
--not-listed   hold names the registrar says this account does not hold (a domain on its way into it); without it,
               such a name refuses the whole hold, as a misspelt name would veto nothing while the domain meant is
               bought. Each name is looked up first (read-only); where that cannot be done (no Alibaba credentials in
               this shell), the hold is written with a warning to check the names
--no-run-check on the deployed table, hold although no renew run is recorded for this account there (before the
               stage's first run); otherwise refused, as the stage may serve named accounts this shell does not know.
               On the embedded ledger, hold although there is no ledger yet in this directory, or no renew run is
               recorded in it (otherwise refused: the renew runs read their own ledger, .autorenew where they run,
               or AUTORENEW_LEDGER_DIR)

examples:
  npx autorenew hold example.com --reason "transferring to another registrar"
  npx autorenew hold old-brand.com old-brand.net --until 2027-03-31
  AUTORENEW_TABLE=aliyun-domain-autorenew-prod-ledger npx autorenew hold example.com`;

const FLAGS = {
  until: { type: 'string' },
  reason: { type: 'string' },
  account: { type: 'string' },
  'no-run-check': { type: 'boolean' },
  'not-listed': { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * An account's registrar, read-only, for looking the names up: its read-only secret when it has one, two attempts
 * of at most 5 s each (a failed look-up only warns, so a silent registrar must not keep `hold` waiting for a minute
 * per name: review 2026-12-06, round 8). Built here, at the command's composition; nothing is asked until the look-up.
 */
function buildLookUpRegistrar(config: Readonly<Config>, account: Readonly<Account>, env: CliIO['env']): Registrar {
  const own = configForAccount(config, account);
  return buildUnpricedRegistrar(own, {}, buildCredentials(own, env, 'read', account), LOOK_UP_CLIENT);
}

const LOOK_UP_CLIENT = { maxAttempts: 2, timeoutMs: 5_000 } as const;

/**
 * The names looked up at `account`'s registrar; those it does not hold, at the deployment's other accounts too (a
 * hold in the wrong account stops nothing: review 2026-12-06, round 8).
 */
async function lookUpNames(
  config: Readonly<Config>,
  account: Readonly<Account>,
  domains: readonly string[],
  env: CliIO['env'],
): Promise<HeldNamesLookUp & { whom: string; heldElsewhere: Map<string, string[]> }> {
  const looked = await lookUpHeldNames(buildLookUpRegistrar(config, account, env), domains);
  const others = config.accounts.filter((a) => a.name !== account.name);
  const heldElsewhere =
    looked.notListed.length > 0 && others.length > 0
      ? await findOtherHolders(
          others.map((a) => ({ label: labelOf(a), registrar: buildLookUpRegistrar(config, a, env) })),
          looked.notListed.map((n) => n.domain),
        )
      : new Map<string, string[]>();
  return {
    ...looked,
    whom: namesAccounts(config.accounts) ? `account ${labelOf(account)}` : 'this account',
    heldElsewhere,
  };
}

/** "account default holds it (--account default)" for the accounts holding a name. */
function describeHolders(labels: readonly string[]): string {
  return `${labels.map((l) => `account ${l}`).join(' and ')} of this deployment ${labels.length > 1 ? 'hold' : 'holds'} it (--account ${labels[0]})`;
}

/**
 * `hold`: writes a hold per named domain; every argument is checked before the first write, and each name is looked
 * up at the registrar (a name the account does not hold is refused without --not-listed).
 */
export const holdCommand: Command = async (args, io) => {
  const { values, positionals } = parseFlagsAndArgs('hold', args, FLAGS, HOLD_USAGE);
  if (values.help) {
    io.out(HOLD_USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new InputError(`name at least one domain; ${HOLD_USAGE.split('\n')[0]}`);
  const nowMs = Date.now();
  const domains = parseDomainArgs(positionals);
  const untilMs = values.until !== undefined ? parseHoldUntil(values.until, nowMs) : undefined;
  // The reason lands in the ledger and on terminals: bounded, stripped of control characters and redacted; runs of
  // spaces become one, so a reason cannot fake a column of the holds table.
  const reason =
    values.reason !== undefined
      ? boundText(boundText(values.reason, Number.MAX_SAFE_INTEGER).replace(/ {2,}/g, ' '), MAX_HOLD_REASON)
      : '';
  const ledgerOptions = { account: values.account, write: true, existing: !values['no-run-check'] };
  // Asked before the ledger is opened: the embedded ledger's lock would keep the renew runs waiting meanwhile.
  const { config, picked } = pickLedgerAccounts(io, ledgerOptions);
  const looked = await lookUpNames(config, picked[0] as Account, domains, io.env);
  if (looked.notListed.length > 0 && !values['not-listed']) {
    const names = looked.notListed
      .map((n) => {
        const elsewhere = looked.heldElsewhere.get(n.domain);
        return `${n.domain} (DomainNotExist${n.requestId ? `, request id ${n.requestId}` : ''}${elsewhere ? `; ${describeHolders(elsewhere)}` : ''})`;
      })
      .join(', ');
    throw new InputError(
      `the registrar says ${looked.whom} does not hold ${names}: a misspelt name holds nothing, and the domain meant is still bought. Check the spelling; to hold a domain on its way into ${looked.whom}, pass --not-listed; nothing was written`,
      { domain: looked.notListed.map((n) => n.domain).join(', ') },
    );
  }
  if (looked.unchecked) {
    io.err(
      terminalLine(
        `hold: ${looked.unchecked.domains.length} of ${domains.length} name(s) not checked at the registrar (${looked.unchecked.reason}): a misspelt name holds nothing, and the domain meant is still bought; compare ${looked.unchecked.domains.join(', ')} with the console`,
      ),
    );
  }
  const opened = await openAccountLedgers(io, ledgerOptions);
  const { ledger, label, account } = onlyAccount(opened);
  const where = opened.labelled ? ` in account ${label}` : '';
  try {
    // A shell without the stage's AUTORENEW_ACCOUNTS sees one unnamed account: its hold landed in a keyspace no job of
    // a several-account stage reads, and said "the renew job will not buy them" (review 2026-12-05, round 4, H).
    // The embedded ledger too: any command run from another directory (even read-only `holds` or `status`) creates
    // one there, and a hold in it was confirmed as a veto no renew run reads (review 2026-12-06, round 4).
    const lastRenew = values['no-run-check'] ? undefined : await ledger.lastRun('renew');
    // A trial run against the sandbox in this directory proved nothing about the real account's renew runs
    // (review 2026-12-06, round 6): only a run against this account's own endpoint counts.
    if (!opened.shared && lastRenew?.endpoint !== undefined && lastRenew.endpoint !== account.endpoint) {
      throw new InputError(
        `the last renew run recorded${where} in the ledger at ${opened.location} worked against ${lastRenew.endpoint}, not ${account.endpoint}: the renew runs for this account may use another ledger (.autorenew in the directory they run from, or AUTORENEW_LEDGER_DIR). Run this from that directory or set AUTORENEW_LEDGER_DIR to it; or pass --no-run-check; nothing was written`,
        { path: 'AUTORENEW_ENDPOINT' },
      );
    }
    if (!values['no-run-check'] && lastRenew === undefined) {
      throw opened.shared
        ? new InputError(
            `no renew run is recorded for account ${label} in ${io.env.AUTORENEW_TABLE ?? 'the table'}: the deployed jobs may not read holds there. If the stage serves several accounts (its Accounts output), set AUTORENEW_ACCOUNTS as deployed and pass --account NAME; before the stage's first renew run, pass --no-run-check; nothing was written`,
            { path: '--account' },
          )
        : new InputError(
            `no renew run is recorded${where} in the ledger at ${opened.location}: the renew runs read holds from their own ledger (.autorenew in the directory they run from, or AUTORENEW_LEDGER_DIR). Run this from that directory or set AUTORENEW_LEDGER_DIR to it; before the first renew run anywhere, pass --no-run-check; nothing was written`,
            { path: 'AUTORENEW_LEDGER_DIR' },
          );
    }
    // The stage also serves accounts this shell does not configure (its unnamed account beside named ones): a hold
    // here is only this keyspace's, and a domain of theirs is still bought (review 2026-12-07).
    const unseen = await describeUnseenAccounts(opened);
    if (unseen) io.err(terminalLine(`hold: ${unseen}; a hold here does not stop their renewals`));
    const whom = looked.whom;
    const notListed = new Set(looked.notListed.map((n) => n.domain));
    const before = new Map((await ledger.listHolds()).map((h) => [h.domain, h]));
    let inFlight = 0;
    // One write for every name, all or none, before any "held" line: written one at a time, a second hold that did
    // not fit (or a ledger error) left the first held, its line printed, under an error saying nothing was written
    // (review 2026-12-07, thirty-first session).
    const holds: Hold[] = domains.map((domain) => ({
      domain,
      ...(untilMs !== undefined ? { untilMs } : {}),
      ...(reason ? { reason } : {}),
      createdAtMs: nowMs,
    }));
    await ledger.putHolds(holds);
    for (const domain of domains) {
      const old = before.get(domain);
      const expiresAtMs = looked.listed.get(domain);
      io.out(
        terminalLine(
          `${domain}: held ${describeHoldEnd(untilMs)}${reason ? ` (${reason})` : ''}` +
            `${expiresAtMs !== undefined ? ` (expires ${formatDateTimeUtc(expiresAtMs)})` : ''}` +
            `${old ? `; replaces the hold ${describeHoldEnd(old.untilMs)}` : ''}`,
        ),
      );
      if (notListed.has(domain)) {
        const elsewhere = looked.heldElsewhere.get(domain);
        io.err(
          terminalLine(
            `${domain}: ${whom} does not hold it at the registrar yet; held anyway (--not-listed): it stops the renewal once the domain is in ${whom}` +
              (elsewhere ? `; ${describeHolders(elsewhere)}, and its renew job still buys it: hold it there too` : ''),
          ),
        );
      }
      // A hold stops the next purchase, not one already sent: "will not buy" for a domain whose order is in flight
      // was a veto that vetoed nothing, believed (review 2026-12-04).
      // A stray (left live by a batch sent without it) was provably not sent: the hold does stop it (review
      // 2026-12-08, thirty-third session: told "cannot stop it", a person went looking for a task that did not exist).
      const claims = (await ledger.listClaimsForDomain(domain)).filter(isLive);
      const strays = new Set((await findStrays({ ledger }, claims)).strays.map((c) => `${c.domain}#${c.expiryMs}`));
      const live = claims.filter((c) => !strays.has(`${c.domain}#${c.expiryMs}`));
      if (live.length > 0) inFlight++;
      for (const claim of live) {
        io.err(
          terminalLine(
            `${domain}: a renewal of it is already in flight (batch ${claim.batchId}${claim.taskNo ? `, TaskNo ${claim.taskNo}` : ''}); this hold cannot stop it: if its task has not run, cancel it in the Alibaba Cloud console task list (the check job reports how it ends)`,
          ),
        );
      }
    }
    // A hold is per account (a domain moving between accounts is held in the one it leaves): said so, as another
    // account listing the same name (a second key of one Alibaba account) still buys it (review 2026-12-06).
    const whose = opened.labelled
      ? `account ${label}'s renew job will not buy them; another account of this deployment that lists them still does (hold them there too)`
      : 'the renew job will not buy them';
    io.out(
      `hold: ${domains.length} domain(s) held${where}; ${whose} (autorenew unhold to undo)` +
        (inFlight > 0 ? `; ${inFlight} of them already in flight (above): the hold cannot stop those orders` : ''),
    );
    return EXIT.ok;
  } finally {
    await opened.close();
  }
};
