import {
  describeUnseenAccounts,
  isUnreadByRenewRuns,
  onlyAccount,
  openAccountLedgers,
  unreadLedgerWarning,
} from '../compose/account-ledgers';
import { InputError } from '../errors';
import { parseFlagsAndArgs } from './args';
import { parseDomainArgs } from './domain-args';
import { type Command, EXIT } from './io';
import { terminalLine } from './terminal-text';

export const UNHOLD_USAGE = `usage: autorenew unhold <domain ...> [--account NAME]

Removes the holds of these domains (autorenew hold), so the renew job may buy them again when they are due. Says
for each whether a hold was removed. Works on the ledger the environment names (the embedded one, or the deployed
table with AUTORENEW_TABLE and your AWS credentials).
--account NAME one of AUTORENEW_ACCOUNTS; required when several are configured

examples:
  npx autorenew unhold example.com
  AUTORENEW_TABLE=aliyun-domain-autorenew-prod-ledger npx autorenew unhold example.com example.net`;

const FLAGS = {
  account: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `unhold`: deletes the hold of each named domain; every argument is checked before the first write. */
export const unholdCommand: Command = async (args, io) => {
  const { values, positionals } = parseFlagsAndArgs('unhold', args, FLAGS, UNHOLD_USAGE);
  if (values.help) {
    io.out(UNHOLD_USAGE);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new InputError(`name at least one domain; ${UNHOLD_USAGE.split('\n')[0]}`);
  const domains = parseDomainArgs(positionals);
  const opened = await openAccountLedgers(io, { account: values.account, write: true, command: 'unhold' });
  const { ledger, label } = onlyAccount(opened);
  const where = opened.labelled ? ` in account ${label}` : '';
  try {
    let removed = 0;
    const unread = await isUnreadByRenewRuns(ledger);
    const unseen = unread ? undefined : await describeUnseenAccounts(opened);
    for (const domain of domains) {
      const had = await ledger.deleteHold(domain);
      if (had) removed++;
      const absent = unread
        ? `not held here, but ${unreadLedgerWarning(opened.location, opened.shared)}`
        : unseen
          ? `was not held here, but ${unseen}`
          : 'was not held (nothing to remove)';
      io.out(terminalLine(`${domain}: ${had ? 'hold removed' : absent}`));
    }
    io.out(`unhold: ${removed} hold(s) removed${where}`);
    return EXIT.ok;
  } finally {
    await opened.close();
  }
};
