import { onlyAccount, openAccountLedgers } from '../compose/account-ledgers';
import { configForAccount } from '../compose/accounts';
import { buildCredentials, buildRegistrar } from '../compose/adapters';
import { readConfig } from '../config';
import { InputError } from '../errors';
import { formatDateTimeUtc } from '../notify/text/sanitize';
import { closeBatchByHand } from '../renewal/close-batch';
import { DAY_MS, formatDateUtc, HOUR_MS } from '../renewal/dates';
import { storedLastBuyMs } from '../renewal/plan';
import { parseFlagsAndArgs } from './args';
import { type Command, EXIT } from './io';
import { terminalLine } from './terminal-text';

export const CLOSE_BATCH_USAGE = `usage: autorenew close-batch <batch-id> --reason TEXT [--yes] [--account NAME]

A person's way out of a batch the check job cannot settle (reported stuck, unknown or expiry-moved every day):
its domain was transferred out or deleted, its task was cancelled, or you renewed it by hand. Look in the Alibaba
Cloud console task list first: only when nothing of the batch is waiting or running there any more, close it.
Its unsettled renewals are released (no attempt counted): the next renew run buys a domain that is due and not
held, so hold one first (autorenew hold) if it must not be bought. Without --yes it only says what it would do
(exit 1). A batch less than a day old, or an intent never sent, is refused: the check job settles those by itself.
The batch's task is read first (QueryTaskDetailList, with the account's read-only key when it has one): a close is
refused while a row of it still waits, executes or says renewed, or, where a row is missing or failed, while the
task list does not show the task finished or cancelled. --no-task-check skips that read (when the task cannot be
read): then your look at the console is the only check.
Works on the ledger the environment names (the embedded one, or the deployed table with AUTORENEW_TABLE).
--account NAME: one of AUTORENEW_ACCOUNTS; required when several are configured.

examples:
  npx autorenew status                     # the open batches and their ids
  npx autorenew close-batch 5d0c8e2a-... --reason "transferred out in the console on 2027-01-04" --yes`;

const FLAGS = {
  reason: { type: 'string' },
  yes: { type: 'boolean' },
  'no-task-check': { type: 'boolean' },
  account: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `close-batch <batch-id> --reason TEXT --yes`: close a batch check cannot settle, releasing what it holds. */
export const closeBatchCommand: Command = async (args, io) => {
  const { values, positionals } = parseFlagsAndArgs('close-batch', args, FLAGS, CLOSE_BATCH_USAGE);
  if (values.help) {
    io.out(CLOSE_BATCH_USAGE);
    return EXIT.ok;
  }
  const [batchId, ...extra] = positionals;
  if (!batchId || extra.length > 0) {
    throw new InputError(`name exactly one batch id; ${CLOSE_BATCH_USAGE.split('\n')[0]}`);
  }
  const reason = values.reason?.trim();
  if (!reason) {
    throw new InputError(
      '--reason TEXT is required: say what you saw in the console (it is kept on the ledger and in the digest); nothing was written',
      { path: '--reason' },
    );
  }
  const opened = await openAccountLedgers(io, { account: values.account, write: true, command: 'close-batch' });
  const { ledger, label, account } = onlyAccount(opened);
  const where = opened.labelled ? ` (account ${label})` : '';
  try {
    const config = configForAccount(readConfig(io.env), account);
    const tasks = values['no-task-check']
      ? undefined
      : buildRegistrar(config, {}, buildCredentials(config, io.env, 'read', account));
    const nowMs = Date.now();
    const result = await closeBatchByHand(ledger, batchId, reason, nowMs, values.yes === true, tasks);
    if (!result.open) {
      io.out(terminalLine(`batch ${batchId}${where} is closed already; nothing to do`));
      return EXIT.ok;
    }
    if (result.taskCheck === 'no-task') {
      io.out(
        terminalLine(
          `batch ${batchId}${where} has no TaskNo (its submit's answer was lost): no task was read; the console task list is the only check`,
        ),
      );
    }
    for (const { entry, action } of result.unsettled) {
      const what =
        action === 'renewed'
          ? 'renewed meanwhile (its claim was confirmed): recorded so'
          : action === 'settled'
            ? 'no live claim left (settled elsewhere); nothing to release'
            : action === 'row-renewed'
              ? `its task's row says renewed: ${values.yes ? 'closed' : 'would be closed'} as renewed elsewhere, so no account buys this expiry again; \`autorenew retry ${entry.domain}\` if the console shows it was not renewed`
              : storedLastBuyMs(entry) < nowMs + DAY_MS + HOUR_MS
                ? // The next daily run may come after its last buying moment (review 2026-12-07, twenty-sixth session).
                  `${values.yes ? 'released' : 'would be released'}; the next daily renew run may come after ${formatDateTimeUtc(storedLastBuyMs(entry))}, the last time this tool buys it: if its task is cancelled and the console shows the old expiry, renew it by hand in the console now`
                : `${values.yes ? 'released' : 'would be released'}; the next renew run buys it if it is due and not held`;
      io.out(terminalLine(`${entry.domain} (expiry ${formatDateUtc(entry.expiryMs)}): ${what}`));
    }
    if (!values.yes) {
      throw new InputError(
        `batch ${batchId}${where} (${result.batch.status}${result.batch.taskNo ? `, TaskNo ${result.batch.taskNo}` : ''}) was not closed: check the console task list, then add --yes; nothing was written`,
      );
    }
    const released = result.unsettled.filter((u) => u.action === 'released').length;
    io.out(terminalLine(`close-batch: batch ${batchId}${where} closed, ${released} renewal(s) released`));
    return EXIT.ok;
  } finally {
    await opened.close();
  }
};
