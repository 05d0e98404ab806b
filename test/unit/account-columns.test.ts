import { formatHoldsTable, holdsToJson } from '../../lib/commands/holds';
import { parsePolicyText } from '../../lib/policy/load';
import { DAY_MS } from '../../lib/renewal/dates';
import { planRenewals } from '../../lib/renewal/plan';
import { displayWidth, formatPlanTable } from '../../lib/renewal/plan-format';
import { listedDomain as domain } from '../helpers/builder';

// The account column of several-account output (plan, holds): first, and only when an account is named.

const NOW = Date.UTC(2026, 10, 29);
const policy = parsePolicyText(JSON.stringify({ version: 1, notify: { advanceDays: 0 } }), 'p.json');
const plan = planRenewals({
  policy,
  nowMs: NOW,
  inFlight: new Map(),
  domains: [domain('brand.com', NOW + 5 * DAY_MS), domain('later.net', NOW + 100 * DAY_MS)],
});

describe('formatPlanTable with an account', () => {
  test('TTY: an account column first on every line, the table laid out in the width left; fits the terminal', () => {
    const without = formatPlanTable(plan, { width: 100, tty: true });
    const lines = formatPlanTable(plan, { width: 100, tty: true, account: 'intl' });
    expect(lines[0]).toMatch(/^account {2}domain +expires/);
    expect(lines[1]).toMatch(/^intl {5}brand\.com +2026-12-04/);
    expect(lines.slice(1).every((l) => l.startsWith('intl     '))).toBe(true);
    expect(lines).toHaveLength(without.length);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(100);
    // On 80 columns the column costs the one-row layout: each domain on its own line, still never cut.
    const narrow = formatPlanTable(plan, { width: 80, tty: true, account: 'intl' });
    expect(narrow[0]).toBe('account  domain (rule)');
    expect(narrow).toContain('intl     brand.com');
    for (const l of narrow) expect(displayWidth(l)).toBeLessThanOrEqual(80);
  });

  test('pipe: account=NAME first on each line', () => {
    const lines = formatPlanTable(plan, { width: 80, tty: false, account: 'cn-main' });
    expect(lines.every((l) => l.startsWith('account=cn-main '))).toBe(true);
    expect(lines.map((l) => l.replace(/^account=cn-main /, ''))).toEqual(
      formatPlanTable(plan, { width: 80, tty: false }),
    );
  });
});

describe('holds with accounts', () => {
  const holds = [
    { domain: 'x.com', createdAtMs: NOW, reason: 'moving' },
    { domain: 'y.net', createdAtMs: NOW, untilMs: NOW - DAY_MS },
  ];

  test('the table gets an account column first only when the holds carry their account', () => {
    expect(formatHoldsTable(holds, NOW)[0]).toMatch(/^domain +held/);
    const lines = formatHoldsTable(
      holds.map((h, i) => ({ account: i === 0 ? 'default' : 'intl', ...h })),
      NOW,
    );
    expect(lines[0]).toMatch(/^account +domain +held +created \(UTC\) +state +reason$/);
    expect(lines[1]?.split(/ {2,}/)).toEqual([
      'default',
      'x.com',
      'until unhold',
      '2026-11-29 00:00',
      'active',
      'moving',
    ]);
    expect(lines[2]?.split(/ {2,}/).slice(0, 2)).toEqual(['intl', 'y.net']);
    expect(lines[3]).toBe('2 hold(s), 1 active');
  });

  test('JSON keeps the account field when given, and adds none otherwise', () => {
    expect(holdsToJson(holds, NOW).holds[0]).not.toHaveProperty('account');
    expect(holdsToJson([{ account: 'intl', ...holds[0]! }], NOW).holds[0]).toMatchObject({ account: 'intl' });
  });
});
