import { JobFailedError } from '../../lib/errors';
import { createAccountsRoom, mergeAccountResults, runAccounts, throwIfAnyFailed } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import { formatEmf } from '../../lib/metrics';
import type { Digest, NotifyPolicy, RenderedMessage } from '../../lib/notify/port';
import { gsm7Length, SMS_TEXT_SEPTETS } from '../../lib/notify/text/gsm7';
import { combineAccountParts } from '../../lib/renewal/account-digest';
import { fairShares } from '../../lib/renewal/budgets';
import { renderDigest } from '../../lib/renewal/digest';
import { createCapturingNotifier } from '../helpers/world';

const quietLog = createLogger({ sink: () => {} });

function message(over: Partial<RenderedMessage> = {}): RenderedMessage {
  return {
    subject: '[autorenew] 2 renewed (renew)',
    email: 'autorenew renew run r1: 2 renewed\n\nRenewed (2): new expiry confirmed',
    sms: 'autorenew: 2 renewed. See email.',
    default: 'autorenew renew run r1: 2 renewed.',
    event: 'renewed',
    severity: 'info',
    ...over,
  };
}

const errorMessage = message({
  subject: '[autorenew] job error (renew)',
  email: 'autorenew renew run r1: job error\n\nJob error: InvalidAccessKeyId.NotFound',
  sms: 'autorenew: job error. Error: InvalidAccessKeyId.NotFound. See email.',
  event: 'error',
  severity: 'alert',
});

describe('fairShares: max-min fair shares of the global cap', () => {
  test.each([
    ['cap covers everyone', { a: 10, b: 5 }, 100, { a: 10, b: 5 }],
    ['equal split when all want more', { a: 100, b: 100, c: 100 }, 60, { a: 20, b: 20, c: 20 }],
    ['what one does not need goes to the others', { a: 100, b: 5, c: 50 }, 60, { a: 28, b: 5, c: 27 }],
    ['the first in the list cannot take it all', { a: 1000, b: 3 }, 10, { a: 7, b: 3 }],
    ['leftover units in list order', { a: 10, b: 10, c: 10 }, 10, { a: 4, b: 3, c: 3 }],
    ['zero cap', { a: 10 }, 0, { a: 0 }],
    ['no demand', { a: 0, b: 0 }, 10, { a: 0, b: 0 }],
  ])('%s', (_what, demands, cap, expected) => {
    const shares = fairShares(
      Object.entries(demands).map(([label, demand]) => ({ label, demand })),
      cap,
    );
    expect(Object.fromEntries(shares)).toEqual(expected);
    expect([...shares.values()].reduce((s, n) => s + n, 0)).toBeLessThanOrEqual(cap);
  });
});

describe('combineAccountParts: one message, a section per account', () => {
  test('three accounts, one failed: three sections, the alert names the failed account', () => {
    const combined = combineAccountParts('renew', 'r1', [
      { label: 'cn-main', message: message() },
      { label: 'intl', message: message({ subject: '[autorenew] 1 submitted (renew)', event: 'submitted' }) },
      { label: 'broken', message: errorMessage },
    ]);
    expect(combined).toBeDefined();
    const m = combined as RenderedMessage;
    expect(m.email.match(/^==== Account /gm)).toHaveLength(3);
    expect(m.email).toContain('==== Account broken ====\nautorenew renew run r1: job error');
    expect(m.email.indexOf('Account cn-main')).toBeLessThan(m.email.indexOf('Account intl'));
    expect(m.severity).toBe('alert');
    expect(m.event).toBe('error');
    expect(m.subject).toBe('[broken +2] [autorenew] job error (renew)');
    expect(m.sms.startsWith('[broken] autorenew: job error.')).toBe(true);
    expect(gsm7Length(m.sms)).toBeLessThanOrEqual(SMS_TEXT_SEPTETS);
  });

  test('an account with nothing to say still gets its section; none at all: no message', () => {
    const m = combineAccountParts('check', 'r2', [{ label: 'a', message: message() }, { label: 'b' }]);
    expect(m?.email).toContain('==== Account b ====\nNothing to report for this account in this run.');
    expect(m?.severity).toBe('info');
    expect(combineAccountParts('check', 'r2', [{ label: 'a' }, { label: 'b' }])).toBeUndefined();
  });

  test('several alerting accounts: the SMS names the first and counts the others, within 160 septets', () => {
    const long = message({ ...errorMessage, sms: `autorenew: job error. ${'x'.repeat(200)}` });
    const m = combineAccountParts('renew', 'r3', [
      { label: 'a', message: long },
      { label: 'b', message: errorMessage },
    ]) as RenderedMessage;
    expect(m.sms.startsWith('[a] ')).toBe(true);
    expect(m.sms.endsWith('(+1 more account alerting)')).toBe(true);
    expect(gsm7Length(m.sms)).toBeLessThanOrEqual(SMS_TEXT_SEPTETS);
  });

  test('a huge email per account is cut to share the one message', () => {
    const big = message({ email: Array.from({ length: 20_000 }, (_, i) => `- d${i}.com renewed`).join('\n') });
    const m = combineAccountParts('renew', 'r4', [
      { label: 'a', message: big },
      { label: 'b', message: big },
    ]) as RenderedMessage;
    expect(Buffer.byteLength(JSON.stringify(m.email))).toBeLessThan(200_000);
    expect(m.email).toContain('run `npx autorenew status --account b` for the rest');
  });
});

describe('the accounts room', () => {
  test('notices wait for every account, go out once, and each publish resolves only then', async () => {
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({ job: 'renew', runId: 'r1', labels: ['a', 'b', 'c'], primary, log: quietLog });
    let aDone = false;
    const a = room
      .notifierFor('a')
      .publish(message())
      .then(() => {
        aDone = true;
      });
    await Promise.resolve();
    expect(primary.sent).toHaveLength(0);
    const b = room.notifierFor('b').publish(errorMessage);
    await Promise.resolve();
    expect(primary.sent).toHaveLength(0);
    expect(aDone).toBe(false);
    room.done('c'); // c had nothing to say
    await Promise.all([a, b]);
    expect(primary.sent).toHaveLength(1);
    expect(primary.sent[0]?.email.match(/^==== Account /gm)).toHaveLength(3);
    expect(primary.sent[0]?.email).toContain('==== Account c ====\nNothing to report');
  });

  test('long account names, a long domain, two accounts alerting: the combined SMS still names the whole domain (review 2026-12-05, round 5, J3)', async () => {
    // Each account's SMS was rendered to the full 142 septets, then the room put "[name] " before it and
    // " (+1 more ...)" after it and cut the end: the domain a person must act on lost its tail.
    const primary = createCapturingNotifier();
    const labels = ['production-europe-registrar-main', 'production-asia-registrar-second'];
    const room = createAccountsRoom({ job: 'check', runId: 'r1', labels, primary, log: quietLog });
    const domain = `${'renewals-'.repeat(3)}company-group.example.com`;
    const policy: NotifyPolicy = { events: ['failed', 'error'], smsEvents: ['failed', 'error'] };
    const failed = (name: string): Digest => ({
      job: 'check',
      runId: 'r1',
      nowMs: Date.UTC(2026, 11, 1),
      outcomes: [
        {
          domain: name,
          event: 'failed',
          batchId: 'b-1',
          oldExpiryMs: Date.UTC(2026, 11, 20),
          years: 1,
          taskNo: 'T-1',
          reason: 'Insufficient balance',
        },
      ],
    });
    await Promise.all(
      labels.map((label, i) => {
        const notifier = room.notifierFor(label);
        const rendered = renderDigest(failed(i === 0 ? domain : 'short.example'), policy, notifier);
        if (!rendered) throw new Error('expected a message');
        return notifier.publish(rendered);
      }),
    );
    const sms = primary.sent[0]?.sms ?? '';
    expect(sms.startsWith(`[${labels[0]}] `)).toBe(true);
    expect(sms).toContain(`${domain} insufficient balance`);
    expect(sms.endsWith('. (+1 more account alerting)')).toBe(true);
    expect(gsm7Length(sms)).toBeLessThanOrEqual(SMS_TEXT_SEPTETS);
  });

  test('run claims: the first account to take a domain at a listed expiry keeps it, also when another reads it cut to the day', () => {
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['a', 'b'],
      primary: createCapturingNotifier(),
      log: quietLog,
    });
    const precise = Date.UTC(2026, 0, 5, 9, 38, 28);
    const a = room.claimsFor('a');
    const b = room.claimsFor('b');
    if (!a || !b) throw new Error('several accounts share their run claims');
    expect([...a.take([{ domain: 'x.com', expiryMs: precise }])]).toEqual([`x.com#${precise}`]);
    // b lists x.com cut to the UTC day, and y.com that nobody took; a asks again and still has it.
    const cut = Date.UTC(2026, 0, 5);
    expect([
      ...b.take([
        { domain: 'x.com', expiryMs: cut },
        { domain: 'y.com', expiryMs: cut },
      ]),
    ]).toEqual([`y.com#${cut}`]);
    expect([...a.take([{ domain: 'x.com', expiryMs: precise }])]).toEqual([`x.com#${precise}`]);
    // The same name a year later is another expiry (a renewal moves it by years): b takes it; a day off is the same
    // cycle read differently (review 2026-12-07), which a took.
    expect(b.take([{ domain: 'x.com', expiryMs: precise + 86_400_000 }]).size).toBe(0);
    expect(b.take([{ domain: 'x.com', expiryMs: precise + 366 * 86_400_000 }]).size).toBe(1);
    // A new run forgets the last one's takes; one unnamed account has nothing to share.
    room.begin('r2');
    expect(b.take([{ domain: 'x.com', expiryMs: precise }]).size).toBe(1);
    const lone = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['default'],
      primary: createCapturingNotifier(),
      log: quietLog,
      passThrough: true,
    });
    expect(lone.claimsFor('default')).toBeUndefined();
  });

  test('a failed publish fails every account waiting on it (their notices stay pending)', async () => {
    const primary = createCapturingNotifier();
    primary.failNext = 1;
    const room = createAccountsRoom({ job: 'check', runId: 'r1', labels: ['a', 'b'], primary, log: quietLog });
    const results = await Promise.allSettled([
      room.notifierFor('a').publish(message()),
      room.notifierFor('b').publish(message()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  test('one unnamed account: its message goes out unchanged', async () => {
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['default'],
      primary,
      log: quietLog,
      passThrough: true,
    });
    await room.notifierFor('default').publish(errorMessage);
    expect(primary.sent).toEqual([errorMessage]);
  });

  test('shares of the global cap wait for every demand; an account that failed before planning counts as none', async () => {
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['big', 'small', 'broken'],
      primary: createCapturingNotifier(),
      log: quietLog,
      globalCap: 10,
    });
    const big = room.shareFor('big')?.(1000);
    const small = room.shareFor('small')?.(3);
    let settled = false;
    void big?.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    room.done('broken');
    expect(await big).toBe(7);
    expect(await small).toBe(3);
  });

  test.each([
    // [cap, the planned account's demand, the late ones' demands in arrival order, their shares]
    [10, 4, [3], [3]],
    [10, 10, [3], [0]],
    [10, 7, [2, 2], [2, 1]],
    [10, 0, [15], [10]],
  ])(
    'an account late at the wait limit takes what the fixed shares left unpromised (cap %i, planned %i, late %j)',
    async (cap, planned, lateDemands, expected) => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      try {
        const labels = ['on-time', ...lateDemands.map((_, i) => `late${i}`)];
        const room = createAccountsRoom({
          job: 'renew',
          runId: 'r1',
          labels,
          primary: createCapturingNotifier(),
          log: quietLog,
          globalCap: cap,
          waitLimitMs: 1_000,
        });
        const onTime = room.shareFor('on-time')?.(planned);
        jest.advanceTimersByTime(1_000); // the wait limit: the shares are fixed without the late accounts
        expect(await onTime).toBe(Math.min(planned, cap));
        const late: number[] = [];
        for (const [i, demand] of lateDemands.entries()) late.push((await room.shareFor(`late${i}`)?.(demand)) ?? -1);
        expect(late).toEqual(expected);
      } finally {
        jest.useRealTimers();
      }
    },
  );

  test('a broken account reporting its error does not hold the others at the share barrier', async () => {
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['a', 'bad'],
      primary,
      log: quietLog,
      globalCap: 5,
    });
    const results = await runAccounts(room, 'r1', [{ label: 'a' }, { label: 'bad' }], async (part) => {
      if (part.label === 'bad') {
        await room.notifierFor('bad').publish(errorMessage);
        throw new Error('InvalidAccessKeyId.NotFound');
      }
      const share = await room.shareFor('a')?.(8);
      await room.notifierFor('a').publish(message());
      return share;
    });
    expect(results[0]).toEqual({ label: 'a', ok: true, value: 5 });
    expect(results[1]?.ok).toBe(false);
    expect(primary.sent).toHaveLength(1);
    expect(() => throwIfAnyFailed('renew', 'r1', results)).toThrow(JobFailedError);
    expect(() => throwIfAnyFailed('renew', 'r1', results)).toThrow(
      /1 of 2 account\(s\) failed \(bad: InvalidAccessKeyId/,
    );
  });

  test("the failure names what the other accounts bought: a failed account's 'nothing was bought' is not the run's (review 2026-12-05, round 5, L)", () => {
    const results = [
      {
        label: 'a',
        ok: false as const,
        error: new Error('the listing has moved since you confirmed; nothing was bought'),
      },
      { label: 'b', ok: true as const, value: { summary: { submitted: 2, unknown: 1 } } },
      { label: 'c', ok: true as const, value: { summary: { submitted: 0, unknown: 0 } } },
    ];
    expect(() => throwIfAnyFailed('renew', 'r1', results)).toThrow(
      'renew run r1: 1 of 3 account(s) failed (a: the listing has moved since you confirmed; nothing was bought); b: ok, 2 submitted, 1 unknown (may have been bought); c: ok',
    );
  });

  test('one account alone rethrows its own error; results merge by account name', () => {
    const own = new Error('own');
    expect(() => throwIfAnyFailed('renew', 'r', [{ label: 'default', ok: false, error: own }])).toThrow(own);
    expect(mergeAccountResults([{ label: 'default', account: { name: '' } }], [{ n: 1 }])).toEqual({ n: 1 });
    expect(
      mergeAccountResults(
        [
          { label: 'a', account: { name: 'a' } },
          { label: 'b', account: { name: 'b' } },
        ],
        [{ n: 1 }, { n: 2 }],
      ),
    ).toEqual({ accounts: { a: { n: 1 }, b: { n: 2 } } });
  });
});

describe('metrics: the Account dimension', () => {
  test('a named account emits [Job] (what the alarms watch: all accounts) and [Job, Account]', () => {
    const doc = JSON.parse(formatEmf('renew', { RenewRuns: 1 }, 0, 'intl'));
    expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Job'], ['Job', 'Account']]);
    expect(doc).toMatchObject({ Job: 'renew', Account: 'intl', RenewRuns: 1 });
  });

  test('the unnamed account emits [Job] only, as a single-account stack always did', () => {
    const doc = JSON.parse(formatEmf('renew', { RenewRuns: 1 }, 0));
    expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['Job']]);
    expect(doc.Account).toBeUndefined();
  });
});
