import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../lib/errors';
import { formatIssue, parsePolicyText } from '../../lib/policy/load';
import { NOTIFY_EVENTS, TARGET_KINDS, targetEnvStem } from '../../lib/policy/schema';

function issues(notify: unknown): string[] {
  const text = JSON.stringify({ version: 1, notify });
  try {
    parsePolicyText(text, 'p.json');
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => formatIssue(i).replace(/^p\.json:\d+:\d+ /, ''));
    throw err;
  }
  return [];
}

describe('policy notify.targets', () => {
  it('is absent by default and parses with defaults filled in', () => {
    expect(parsePolicyText('{"version": 1}', 'p.json').notify.targets).toBeUndefined();
    const p = parsePolicyText(
      JSON.stringify({
        version: 1,
        notify: {
          targets: [
            { name: 'ops-dingtalk', kind: 'dingtalk' },
            { name: 'oncall', kind: 'slack', events: ['failed', 'error'], minSeverity: 'alert', description: 'x' },
          ],
        },
      }),
      'p.json',
    );
    expect(p.notify.targets).toEqual([
      { name: 'ops-dingtalk', kind: 'dingtalk', events: [...NOTIFY_EVENTS], minSeverity: 'info' },
      { name: 'oncall', kind: 'slack', events: ['failed', 'error'], minSeverity: 'alert', description: 'x' },
    ]);
    expect(Object.isFrozen(p.notify.targets?.[0])).toBe(true);
  });

  it('names the JSON path, the expected value and what was found', () => {
    expect(issues({ targets: [{ name: 'a', kind: 'teams' }] })).toEqual([
      'notify.targets[0].kind: must be one of "dingtalk", "feishu", "wecom", "slack", "webhook", got "teams"',
    ]);
    expect(issues({ targets: [{ name: 'a', kind: 'wecom', minSeverity: 'warning' }] })).toEqual([
      'notify.targets[0].minSeverity: must be "info" or "alert", got "warning"',
    ]);
    expect(issues({ targets: [{ name: 'a', kind: 'wecom', events: ['expired'] }] })[0]).toMatch(
      /^notify\.targets\[0\]\.events\[0\]: must be one of "submitted", .* got "expired"$/,
    );
    expect(issues({ targets: [{ kind: 'slack' }] })[0]).toMatch(/^notify\.targets\[0\]\.name: .*missing/);
    expect(issues({ targets: [{ name: '1bad name', kind: 'slack' }] })[0]).toMatch(
      /^notify\.targets\[0\]\.name: "1bad name" is not a valid target name/,
    );
    expect(issues({ targets: {} })).toEqual(['notify.targets: must be a list of target objects, got an object']);
  });

  it('rejects unknown keys, so a URL or secret pasted into the policy is an error', () => {
    const found = issues({ targets: [{ name: 'a', kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send' }] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^notify\.targets\[0\]\.url: unknown key "url"; allowed keys: name, description, kind/);
    expect(found[0]).not.toContain('oapi.dingtalk.com');
  });

  it('rejects names that map to the same credential variables', () => {
    expect(
      issues({
        targets: [
          { name: 'Ops-Chat', kind: 'slack' },
          { name: 'ops_chat', kind: 'feishu' },
        ],
      }),
    ).toEqual([
      'notify.targets[1].name: target name "ops_chat" clashes with notify.targets[0].name (names are compared case-insensitively, "-" as "_"): give each target a unique name',
    ]);
    expect(targetEnvStem('ops-dingtalk')).toBe('AUTORENEW_TARGET_OPS_DINGTALK');
  });
});

describe('README "Chat alerts"', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n### Chat alerts\n');
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));

  it('has a policy example that parses, with one target per kind, and an env example per target', () => {
    expect(start).toBeGreaterThan(0);
    const json = /```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const policy = parsePolicyText(json, 'README.md');
    const targets = policy.notify.targets ?? [];
    expect(new Set(targets.map((t) => t.kind))).toEqual(new Set(TARGET_KINDS));
    for (const t of targets) expect(section).toContain(`${targetEnvStem(t.name)}_URL=`);
    for (const kind of TARGET_KINDS) expect(section).toMatch(new RegExp(`^\\| \`${kind}\` \\|`, 'm'));
  });
});
