import fc from 'fast-check';
import type { Digest, DomainOutcome, NotifyEvent, NotifyPolicy } from '../../lib/notify/port';
import { gsm7Length, isGsm7, SMS_TEXT_SEPTETS } from '../../lib/notify/text/gsm7';
import { renderDigest } from '../../lib/renewal/digest';
import { outcomesForNotice } from '../../lib/renewal/notices';

const ALL: readonly NotifyEvent[] = ['submitted', 'renewed', 'failed', 'unknown', 'stuck', 'error'];
const POLICY: NotifyPolicy = { events: ALL, smsEvents: ['failed', 'unknown', 'stuck', 'error'] };
const NOW = Date.UTC(2025, 2, 1, 6, 0);
const DAY = 86_400_000;
const SNS_LIMIT = 262_144;

/** Overrides for a test outcome; an explicit `undefined` removes the field. */
type OutcomeOverrides = { [K in keyof DomainOutcome]?: DomainOutcome[K] | undefined };

function outcome(over: OutcomeOverrides = {}): DomainOutcome {
  const merged: Record<string, unknown> = {
    domain: 'example.com',
    event: 'failed',
    batchId: 'b-1',
    oldExpiryMs: Date.UTC(2025, 2, 10),
    years: 1,
    taskNo: 'T-1001',
    reason: 'Insufficient balance',
    ...over,
  };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged as unknown as DomainOutcome;
}

function digest(outcomes: DomainOutcome[], over: Partial<Digest> = {}): Digest {
  return { job: 'check', runId: 'run-42', nowMs: NOW, outcomes, ...over };
}

function render(d: Digest, policy: NotifyPolicy = POLICY) {
  const message = renderDigest(d, policy);
  if (!message) throw new Error('expected a message');
  return message;
}

/** Bytes of the SNS Message field exactly as the SNS adapter builds it. */
function messageBytes(m: { default: string; email: string; sms: string; subject: string }): number {
  return Buffer.byteLength(JSON.stringify({ default: m.default, email: m.email, sms: m.sms })) + m.subject.length;
}

function manyOutcomes(n: number, name: (i: number) => string, over: OutcomeOverrides = {}): DomainOutcome[] {
  const events: DomainOutcome['event'][] = ['renewed', 'failed', 'unknown', 'stuck', 'submitted'];
  return Array.from({ length: n }, (_, i) => {
    const event = events[i % events.length] ?? 'renewed';
    const old = NOW + (i % 30) * DAY;
    return outcome({
      domain: name(i),
      event,
      batchId: `batch-${Math.floor(i / 100)}`,
      oldExpiryMs: old,
      ...(event === 'renewed' ? { newExpiryMs: old + 365 * DAY } : {}),
      taskNo: `T-${100000 + i}`,
      ...(event === 'failed' ? { reason: 'Insufficient balance' } : {}),
      ...over,
    });
  });
}

describe('renderDigest: nothing to say', () => {
  it('is undefined for no outcomes and no error', () => {
    expect(renderDigest(digest([]), POLICY)).toBeUndefined();
  });

  it('is undefined when every outcome is filtered out by policy.events', () => {
    const d = digest([outcome({ event: 'renewed' }), outcome({ event: 'submitted' })]);
    expect(renderDigest(d, { events: ['failed', 'error'], smsEvents: ['failed'] })).toBeUndefined();
  });

  it('a job error is rendered even when error is not in policy.events: it stands for notices that did not go out (review 2026-12-05)', () => {
    const d = digest([], { error: { message: 'policy invalid' } });
    expect(renderDigest(d, { events: ['failed'], smsEvents: ['failed'] })?.email).toMatch(/Job error: policy invalid/);
  });
});

describe('renderDigest: one domain', () => {
  it('renders the exact texts', () => {
    expect(render(digest([outcome()], { totals: { deferred: 2, skipped: 10 } }))).toEqual({
      subject: '[autorenew] 1 failed (check)',
      email: [
        'autorenew check run run-42 at 2025-03-01 06:00 UTC: 1 failed',
        '',
        'Failed (1): the registrar reported the renewal failed',
        '- example.com: expiry 2025-03-10 -> unchanged, 1 year, TaskNo T-1001, batch b-1, reason: Insufficient balance',
        '',
        'Totals: deferred 2, skipped 10',
        '',
        'What to do',
        '- Insufficient balance (example.com): top up the Alibaba Cloud account balance; the next renew run retries these domains.',
        '',
        'Dates are UTC. Run `npx autorenew status` for the ledger view.',
      ].join('\n'),
      sms: 'autorenew: 1 failed. First: example.com insufficient balance. See email.',
      default: 'autorenew check run run-42: 1 failed. First: example.com insufficient balance.',
      event: 'failed',
      severity: 'alert',
      digest: expect.objectContaining({ runId: 'run-42' }),
    });
  });

  it('renders a renewal with old and new expiry and plural years, without a What to do section', () => {
    const m = render(
      digest([outcome({ event: 'renewed', newExpiryMs: Date.UTC(2030, 2, 10), years: 5, reason: undefined })], {
        job: 'renew',
      }) as Digest,
    );
    expect(m.email).toContain('- example.com: expiry 2025-03-10 -> 2030-03-10, 5 years, TaskNo T-1001, batch b-1\n');
    expect(m.email).not.toContain('What to do');
    expect(m.subject).toBe('[autorenew] 1 renewed (renew)');
    expect(m.sms).toBe('autorenew: 1 renewed. First: example.com renewed to 2030-03-10. See email.');
    expect(m).toMatchObject({ event: 'renewed', severity: 'info' });
  });
});

describe('renderDigest: filtering, event and severity', () => {
  const mixed = digest([
    outcome({ domain: 'a.com', event: 'renewed', newExpiryMs: Date.UTC(2026, 2, 10), reason: undefined }),
    outcome({ domain: 'b.com', event: 'failed' }),
    outcome({ domain: 'c.com', event: 'submitted', reason: undefined }),
    outcome({ domain: 'd.com', event: 'unknown', taskNo: undefined, reason: 'timeout after send' }),
    outcome({ domain: 'e.com', event: 'stuck', reason: undefined }),
  ]);

  it('keeps only the events in policy.events', () => {
    const m = render(mixed, { events: ['renewed', 'failed'], smsEvents: ['failed'] });
    expect(m.email).toContain('- a.com:');
    expect(m.email).toContain('- b.com:');
    expect(m.email).not.toMatch(/- [cde]\.com:/);
    expect(m.subject).toBe('[autorenew] 1 failed, 1 renewed (check)');
  });

  it('names the most severe event present: error > unknown > failed > stuck > submitted > renewed', () => {
    expect(render(mixed).event).toBe('unknown');
    expect(render({ ...mixed, error: { message: 'boom' } }).event).toBe('error');
    expect(render(mixed, { events: ['failed', 'stuck', 'submitted', 'renewed'], smsEvents: [] }).event).toBe('failed');
    expect(render(mixed, { events: ['stuck', 'submitted', 'renewed'], smsEvents: [] }).event).toBe('stuck');
    expect(render(mixed, { events: ['submitted', 'renewed'], smsEvents: [] }).event).toBe('submitted');
    expect(render(mixed, { events: ['renewed'], smsEvents: [] }).event).toBe('renewed');
  });

  it('orders sections and counts by severity', () => {
    const m = render(mixed);
    expect(m.subject).toBe('[autorenew] 1 unknown, 1 failed, 1 stuck, 1 submitted, 1 renewed (check)');
    const heads = m.email.split('\n').filter((l) => /^[A-Z][a-z ]+ \(\d+\): /.test(l));
    expect(heads.map((l) => l.split(' (')[0])).toEqual(['Unknown outcome', 'Failed', 'Stuck', 'Submitted', 'Renewed']);
    expect(m.email).toContain('- d.com: expiry 2025-03-10 -> pending, 1 year, no TaskNo, batch b-1, reason: timeout');
  });

  it('is an alert iff a present event is in policy.smsEvents', () => {
    expect(render(mixed, { events: ALL, smsEvents: ['failed'] }).severity).toBe('alert');
    expect(render(mixed, { events: ['renewed', 'submitted'], smsEvents: ['failed'] }).severity).toBe('info');
    // renewed is an SMS event but filtered out of the digest: nothing for phones
    expect(render(mixed, { events: ['submitted'], smsEvents: ['renewed'] }).severity).toBe('info');
    expect(render(mixed, { events: ALL, smsEvents: [] }).severity).toBe('info');
  });
});

describe('renderDigest: job errors', () => {
  it('shows the error and its fix, alone', () => {
    const m = render(
      digest([], {
        job: 'renew',
        error: { message: 'policies/prod.json rules[2].years: must be <= 10', fix: 'set years to 1-10' },
      }),
    );
    expect(m).toMatchObject({ event: 'error', severity: 'alert', subject: '[autorenew] job error (renew)' });
    expect(m.email).toContain('Job error: policies/prod.json rules[2].years: must be <= 10\n');
    expect(m.email).toContain('What to do\n- Job error: set years to 1-10\n');
    expect(m.sms).toBe('autorenew: job error. Error: policies/prod.json rules[2].years: must be <= 10. See email.');
  });

  it('falls back to generic advice without a fix, and lists outcomes after the error', () => {
    const m = render(digest([outcome()], { error: { message: 'registrar unreachable' } }));
    expect(m.subject).toBe('[autorenew] job error, 1 failed (check)');
    expect(m.email).toContain('- Job error: read the error above and the function logs');
    expect(m.email.indexOf('Job error: registrar')).toBeLessThan(m.email.indexOf('Failed (1)'));
  });
});

describe('renderDigest: what to do', () => {
  const cases: Array<[string, OutcomeOverrides, string]> = [
    ['insufficient balance', { reason: 'Insufficient balance' }, 'top up the Alibaba Cloud account balance'],
    ['insufficient balance in Chinese', { reason: '账户余额不足' }, 'top up the Alibaba Cloud account balance'],
    ['real-name', { reason: 'Domain real-name verification not completed' }, 'complete real-name verification'],
    ['audit', { reason: 'DomainAuditStatus FAILED' }, 'complete real-name verification'],
    ['stale expiry', { reason: 'CurrentExpirationDate does not match' }, 'the next run re-reads it'],
    ['premium', { reason: 'Premium domain renewal not permitted' }, 'set limits.allowPremium'],
    ['other failure', { reason: 'Purchase record exists' }, 'failed renewals are retried by the next run'],
    ['unknown outcome', { event: 'unknown', reason: undefined }, 'settles these by itself'],
    ['stuck', { event: 'stuck', reason: undefined }, 'reminds you daily'],
  ];
  it.each(cases)('%s', (_name, over, advice) => {
    const m = render(digest([outcome(over)]));
    const todo = m.email.split('What to do\n')[1] ?? '';
    expect(todo).toContain('(example.com)');
    expect(todo).toContain(advice);
  });

  it('lists at most three names per kind of advice', () => {
    const m = render(digest(['a.com', 'b.com', 'c.com', 'd.com', 'e.com'].map((domain) => outcome({ domain }))));
    expect(m.email).toContain('- Insufficient balance (a.com, b.com, c.com and 2 more): top up');
  });
});

describe('renderDigest: 1 000 domains', () => {
  it('lists every domain once and stays well under the SNS limit', () => {
    const outcomes = manyOutcomes(1000, (i) => `customer-domain-${i}.example.com`);
    const m = render(digest(outcomes, { totals: { deferred: 37, skipped: 812 } }));
    const lines = m.email.split('\n');
    const domainLines = lines.filter((l) => /^- customer-domain-\d+\.example\.com: /.test(l));
    expect(domainLines).toHaveLength(1000);
    expect(new Set(domainLines.map((l) => l.split(':')[0])).size).toBe(1000);
    for (const [title, n] of [
      ['Unknown outcome', 200],
      ['Failed', 200],
      ['Stuck', 200],
      ['Submitted', 200],
      ['Renewed', 200],
    ] as const) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${title} \\(${n}\\): `)));
    }
    expect(m.email).toContain('Totals: deferred 37, skipped 812');
    expect(m.subject).toBe('[autorenew] 200 unknown, 200 failed, 200 stuck, 200 submitted, 200 renewed (check)');
    const bytes = messageBytes(m);
    // measured: 137 580 bytes (about 137 bytes per domain line)
    expect(bytes).toBeLessThan(160_000);
    expect(gsm7Length(m.sms)).toBeLessThanOrEqual(SMS_TEXT_SEPTETS);
  });

  it('cuts the list, never the message, when names and reasons are as long as allowed', () => {
    const outcomes = manyOutcomes(1000, (i) => `${'域'.repeat(60)}${i}.${'x'.repeat(200)}.com`, {
      event: 'failed',
      reason: `Insufficient balance ${'\u00e9'.repeat(400)}`,
    });
    const m = render(digest(outcomes));
    expect(messageBytes(m)).toBeLessThan(SNS_LIMIT - 16_384);
    expect(m.email).toMatch(/\n- \.\.\. and \d+ more not listed \(message size limit\); see `autorenew status`\.\n/);
    expect(m.email).toContain('Failed (1000): ');
    expect(m.email).toContain('What to do');
    expect(m.email.endsWith('Dates are UTC. Run `npx autorenew status` for the ledger view.')).toBe(true);
  });
});

describe('renderDigest: SMS', () => {
  function expectValidSms(sms: string) {
    expect(isGsm7(sms)).toBe(true);
    expect(gsm7Length(sms)).toBeLessThanOrEqual(SMS_TEXT_SEPTETS);
    expect(sms).not.toMatch(/[\r\n]/);
    expect(sms.startsWith('autorenew: ')).toBe(true);
    expect(sms.endsWith(' See email.')).toBe(true);
  }

  it.each([
    ['IDN (Latin)', 'bücher.de', 'First: xn--bcher-kva.de insufficient balance.'],
    ['IDN (CJK)', '例子.中国', 'First: xn--fsqu00a.xn--fiqs8s insufficient balance.'],
    ['emoji', '\u{1F600}.ws', 'First: xn--e28h.ws insufficient balance.'],
  ])('turns %s names into punycode', (_name, domain, first) => {
    const m = render(digest([outcome({ domain })]));
    expectValidSms(m.sms);
    expect(m.sms).toContain(first);
  });

  it('transliterates reasons outside GSM-7 and counts extension characters as two', () => {
    const reason = `“Quota” {exceeded} ${'[x]~'.repeat(40)} 配额 \u00ea`;
    const m = render(digest([outcome({ reason })]));
    expectValidSms(m.sms);
    expect(m.sms).toContain('"Quota" {exceeded}');
    const extension = Array.from(m.sms).filter((c) => '^{}\\[~]|€'.includes(c)).length;
    expect(extension).toBeGreaterThan(10);
    expect(gsm7Length(m.sms)).toBe(m.sms.length + extension);
  });

  it('fits 500 domains with non-ASCII names', () => {
    const names = ['bücher.de', '例子.中国', 'пример.рф', 'ex\u00e4mple.com'];
    const outcomes = manyOutcomes(500, (i) => `${i}-${names[i % names.length]}`);
    const m = render(digest(outcomes));
    expectValidSms(m.sms);
    expect(m.sms).toMatch(/^autorenew: 100 unknown, 100 failed, 100 stuck, 100 submitted, 100 renewed\. First: /);
  });

  it('shortens a long first name to fit one SMS after the topic prefix: the name first, the counts dropped', () => {
    const m = render(digest([outcome({ domain: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.com` })]));
    expect(isGsm7(m.sms)).toBe(true);
    expect(gsm7Length(m.sms)).toBe(SMS_TEXT_SEPTETS);
    expect(m.sms).toMatch(/^a{63}\.b{63}\.c+\.\.\.$/);
  });
});

describe('renderDigest: subject', () => {
  it('is printable ASCII, under 100 characters, even for huge counts and errors', () => {
    const outcomes = manyOutcomes(1000, (i) => `d${i}.com`);
    const m = render(digest(outcomes, { error: { message: 'x' } }));
    expect(m.subject).toMatch(/^\[autorenew\] [\x20-\x7e]{1,87}$/);
    expect(m.subject.length).toBeLessThanOrEqual(99);
  });
});

describe('renderDigest: hostile registrar data', () => {
  const forged = 'evil.com\nSubject: forged\r\n- bank.com: expiry 2025-01-01 -> 2099-01-01';
  const hostile = [
    outcome({ domain: forged, event: 'renewed', newExpiryMs: Date.UTC(2026, 0, 1) }),
    outcome({ domain: '<script>alert(1)</script>.com', reason: 'bad\u0000\u0007\u001b[31mred\u2028line' }),
    outcome({ domain: `x${'y'.repeat(10_000)}.com`, taskNo: 'T\n1', batchId: 'b\r\n2' }),
    outcome({ domain: 'moc.\u202eexample', reason: '\u200bzero\u200dwidth' }),
  ];

  it('never forges lines or keeps control characters', () => {
    const m = render(digest(hostile));
    const lines = m.email.split('\n');
    const domainLines = lines.filter((l) => l.startsWith('- ') && l.includes(': expiry '));
    expect(domainLines).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith('Subject'))).toHaveLength(0);
    expect(lines.filter((l) => l.startsWith('- bank.com'))).toHaveLength(0);
    expect(m.email).toContain('- evil.com Subject: forged - bank.com: expiry 2025-01-01 -> 2099-01-01: expiry');
    for (const text of [m.email, m.sms, m.default, m.subject]) {
      expect(text.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    }
    for (const text of [m.sms, m.default, m.subject]) expect(text).not.toMatch(/[\r\n]/);
  });

  it('truncates very long names and ids', () => {
    const m = render(digest(hostile));
    const long = m.email.split('\n').find((l) => l.startsWith('- xyyy')) ?? '';
    expect(long).toMatch(/^- xy{249}\.\.\.: expiry /);
    expect(long).toContain('TaskNo T 1, batch b 2');
    expect(m.email.length).toBeLessThan(5_000);
    expect(m.default.length).toBeLessThanOrEqual(600);
  });

  it('keeps <script> as inert text in the email and out of the subject', () => {
    const m = render(digest(hostile));
    expect(m.email).toContain('- <script>alert(1)</script>.com: expiry');
    expect(m.subject).not.toContain('<');
  });
});

describe('renderDigest: any registrar text (property)', () => {
  it('keeps one line per domain, a valid SMS and a valid subject', () => {
    const text = fc.string({ unit: 'binary', maxLength: 400 });
    const arbOutcome = fc.record({
      domain: text,
      event: fc.constantFrom<DomainOutcome['event']>('renewed', 'failed', 'unknown', 'stuck', 'submitted'),
      batchId: text,
      oldExpiryMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      years: fc.integer({ min: 1, max: 10 }),
      taskNo: text,
      reason: text,
    });
    fc.assert(
      fc.property(fc.array(arbOutcome, { minLength: 1, maxLength: 20 }), text, (outcomes, runId) => {
        const m = render(digest(outcomes, { runId }));
        const domainLines = m.email.split('\n').filter((l) => /^- .*: expiry (\d{4}-\d\d-\d\d|\?) -> /.test(l));
        expect(domainLines.length).toBeGreaterThanOrEqual(outcomes.length);
        expect(m.email.split('\n').filter((l) => /^[A-Z][a-z ]+ \(\d+\): /.test(l)).length).toBeLessThanOrEqual(5);
        expect(isGsm7(m.sms)).toBe(true);
        expect(gsm7Length(m.sms)).toBeLessThanOrEqual(SMS_TEXT_SEPTETS);
        expect(m.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
        expect(m.default).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
      }),
      { numRuns: 200 },
    );
  });
});

describe('renderDigest: names and will-lapse (issue 12)', () => {
  test('a domain expired a week ago comes after one with a day left: the SMS names the one still to save (review 2026-12-05)', () => {
    const policy: NotifyPolicy = { events: ['will-lapse'], smsEvents: ['will-lapse'] };
    const m = render(
      digest([
        outcome({ event: 'will-lapse', domain: 'old.com', oldExpiryMs: NOW - 7 * DAY, daysLeft: -7, batchId: '-' }),
        outcome({ event: 'will-lapse', domain: 'today.com', oldExpiryMs: NOW + DAY, daysLeft: 1, batchId: '-' }),
      ]),
      policy,
    );
    expect(m?.sms).toMatch(/today\.com/);
    expect(m?.email.indexOf('today.com')).toBeLessThan(m?.email.indexOf('old.com') ?? -1);
  });

  test('a job error beside a domain with a day left: the SMS names the domain first, then the error', () => {
    // The renew digest's "check has not run" error took the whole SMS, and the domain lapsing tomorrow was only in
    // the email (a leftover of review 2026-12-05, round 5).
    const policy: NotifyPolicy = { events: ['will-lapse', 'error'], smsEvents: ['will-lapse', 'error'] };
    const error = { message: 'the check job has not finished a run for 3 days: renewals sent are not being confirmed' };
    const lapsing = outcome({ event: 'will-lapse', domain: 'tomorrow.com', oldExpiryMs: NOW + DAY, daysLeft: 1 });
    const m = render(digest([lapsing], { error }), policy);
    expect(m.sms).toMatch(/^autorenew: job error, 1 will-lapse\. First: tomorrow\.com [^.]+\. Error: the check job/);
    expect(gsm7Length(m.sms)).toBeLessThanOrEqual(SMS_TEXT_SEPTETS);
    // A will-lapse line further off does not page: the error alone, as before.
    const later = render(digest([{ ...lapsing, daysLeft: 20, oldExpiryMs: NOW + 20 * DAY }], { error }), policy);
    expect(later.sms).toMatch(/^autorenew: job error, 1 will-lapse\. Error: the check job/);
  });

  test('an IDN keyed in punycode is shown to people in Unicode, with its punycode beside it', () => {
    const m = render(digest([outcome({ domain: 'xn--fsqu00a.xn--fiqs8s' })]));
    expect(m.email).toContain('- 例子.中国 (xn--fsqu00a.xn--fiqs8s): expiry');
  });

  test.each([
    [8, 'info'],
    [7, 'alert'],
    [1, 'alert'],
  ] as const)('will-lapse with %i days left pages people: %s', (daysLeft, severity) => {
    const policy: NotifyPolicy = { events: ['will-lapse'], smsEvents: ['will-lapse'] };
    const m = render(digest([outcome({ event: 'will-lapse', daysLeft, batchId: '-', reason: 'premium' })]), policy);
    expect(m.severity).toBe(severity);
    expect(m.email).toContain(`${daysLeft} day${daysLeft === 1 ? '' : 's'} left`);
    expect(m.email).not.toContain('batch -');
  });

  test('a long recurring section cannot cut the lines that start notice periods: part of the email is kept for them', () => {
    // Review 2026-12-03: 900 held-back deferred lines every run cut every upcoming line, every run, so no notice
    // period ever started.
    const deferred = Array.from({ length: 3000 }, (_, i) =>
      outcome({ domain: `held-back-${i}.com`, event: 'deferred', batchId: '-', reason: 'held back by a budget' }),
    );
    const upcoming = Array.from({ length: 20 }, (_, i) =>
      outcome({ domain: `soon-${i}.com`, event: 'upcoming', batchId: '-', reason: 'to be bought from 2025-03-20' }),
    );
    const m = render(digest([...deferred, ...upcoming]), { events: ['deferred', 'upcoming'], smsEvents: [] });
    for (let i = 0; i < 20; i++) expect(m.email).toContain(`- soon-${i}.com: `);
    expect(m.unlisted?.length).toBeGreaterThan(0);
    expect(m.unlisted?.every((o) => o.event === 'deferred')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(m.email))).toBeLessThan(SNS_LIMIT);
  });

  test('that part is taken only from recurring and routine sections: severe lines are never cut for it', () => {
    const failed = Array.from({ length: 1500 }, (_, i) => outcome({ domain: `failed-${i}.com` }));
    const upcoming = Array.from({ length: 400 }, (_, i) =>
      outcome({ domain: `soon-${i}.com`, event: 'upcoming', batchId: '-', reason: 'to be bought from 2025-03-20' }),
    );
    const m = render(digest([...failed, ...upcoming]), { events: ['failed', 'upcoming'], smsEvents: [] });
    for (const i of [0, 749, 1499]) expect(m.email).toContain(`- failed-${i}.com: `);
    expect(m.unlisted?.every((o) => o.event === 'upcoming')).toBe(true);
  });

  test('a long deferred section cannot cut the failed, unknown and stuck lines that follow it (sent once each)', () => {
    // Review 2026-12-03: 3 000 held-back lines before them took the whole email, and their batch notices were marked
    // sent with the lines cut: a failure to fix (balance, verification) went out as a count only, run after run.
    const deferred = Array.from({ length: 3000 }, (_, i) =>
      outcome({ domain: `held-back-${i}.com`, event: 'deferred', batchId: '-', reason: 'held back by a budget' }),
    );
    const severe = [
      outcome({ domain: 'refused.com', event: 'failed', reason: 'real-name verification missing' }),
      outcome({ domain: 'lost.com', event: 'unknown', reason: 'answer lost' }),
      outcome({ domain: 'slow.com', event: 'stuck', reason: 'task not finished in time' }),
    ];
    const m = render(digest([...deferred, ...severe]), {
      events: ['deferred', 'failed', 'unknown', 'stuck'],
      smsEvents: [],
    });
    for (const d of ['refused.com', 'lost.com', 'slow.com']) expect(m.email).toContain(`- ${d}: `);
    expect(m.unlisted?.length).toBeGreaterThan(0);
    expect(m.unlisted?.every((o) => o.event === 'deferred')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(m.email))).toBeLessThan(SNS_LIMIT);
  });

  test('the SMS names a line that pages people, not a more severe one that does not', () => {
    // Review 2026-12-03: a held domain's 25-day will-lapse (email only) took the SMS from the top-up line.
    const m = render(
      digest([
        outcome({
          domain: 'held.com',
          event: 'will-lapse',
          daysLeft: 25,
          batchId: '-',
          reason: 'held: a person holds it',
        }),
        outcome({
          domain: 'short.com',
          event: 'deferred',
          batchId: '-',
          reason: 'top up 395.00 CNY by 2025-03-05; low-balance',
        }),
      ]),
      { events: ['will-lapse', 'deferred'], smsEvents: ['will-lapse', 'deferred'] },
    );
    expect(m.severity).toBe('alert');
    expect(m.sms).toContain('short.com');
    expect(m.sms).toContain('top up 395.00 CNY');
    expect(m.sms).not.toContain('held.com');
  });

  test('a notice name this version does not know (a rollback) gives no lines instead of breaking the digest', () => {
    const batch = {
      version: 1,
      batchId: 'b1',
      runId: 'r',
      attemptId: 'a',
      status: 'CLOSED' as const,
      createdAtMs: NOW,
      updatedAtMs: NOW,
      entries: [{ domain: 'a.com', expiryMs: NOW, years: 1, permitPremium: false }],
      pendingNotices: [],
      sentNotices: [],
    };
    expect(outcomesForNotice(batch, 'from-a-newer-version' as never, NOW)).toEqual([]);
  });

  test('a lapse-risk line (an unknown renewal that cannot be settled before expiry) pages whatever the days left', () => {
    // With limits.releaseAfterHours above 7 days, such a line can carry 8-29 days left; it is sent once per batch.
    const policy: NotifyPolicy = { events: ['will-lapse'], smsEvents: ['will-lapse'] };
    const batch = {
      version: 1,
      batchId: 'b1',
      runId: 'r',
      attemptId: 'a',
      status: 'UNKNOWN' as const,
      createdAtMs: NOW,
      updatedAtMs: NOW,
      entries: [{ domain: 'a.com', expiryMs: NOW + 20 * 86_400_000, years: 1, permitPremium: false }],
      pendingNotices: ['lapse-risk' as const],
      sentNotices: [],
    };
    const lines = outcomesForNotice(batch, 'lapse-risk', NOW);
    expect(lines.map((l) => [l.domain, l.daysLeft])).toEqual([['a.com', 20]]);
    expect(render(digest(lines), policy).severity).toBe('alert');
  });

  test('a lapse-risk alert names only the domains that expire before the batch may be released (review 2026-12-04)', () => {
    // It named every open entry within 30 days "renew by hand if there is none", domains released within a day too.
    const day = 86_400_000;
    const entry = (domain: string, days: number) => ({
      domain,
      expiryMs: NOW + days * day,
      years: 1,
      permitPremium: false,
    });
    const batch = {
      version: 1,
      batchId: 'b2',
      runId: 'r',
      attemptId: 'a',
      status: 'UNKNOWN' as const,
      createdAtMs: NOW,
      updatedAtMs: NOW,
      entries: [entry('soon.com', 0.5), entry('later1.com', 20), entry('later2.com', 25)],
      lapseRiskBeforeMs: NOW + day,
      pendingNotices: ['lapse-risk' as const],
      sentNotices: [],
    };
    expect(outcomesForNotice(batch, 'lapse-risk', NOW).map((l) => l.domain)).toEqual(['soon.com']);
  });
});
