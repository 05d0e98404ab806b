import { InputError } from '../../lib/errors';
import {
  type Sandbox,
  type SandboxAccountOptions,
  type SandboxOptions,
  type SandboxState,
  startSandbox,
} from '../../lib/sandbox';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { signedCall } from '../helpers/sandbox-request';

// Several Alibaba accounts on one sandbox: each request is routed by its AccessKeyId to that account's own
// portfolio, balance, currency and tasks; the simulated clock is shared.

const at = (days: number) => SANDBOX_NOW_MS + days * DAY_MS;

function createOptions(): SandboxOptions {
  return {
    nowMs: SANDBOX_NOW_MS,
    freezeClock: true,
    taskMs: 1000,
    fixture: { domains: [{ domainName: 'primary-only.com', expiresAtMs: at(10) }], balance: 500 },
    accounts: [
      {
        name: 'intl',
        accessKeyId: 'intl-key-id',
        accessKeySecret: 'intl-key-secret',
        currency: 'USD',
        balance: 100,
        fixture: {
          domains: [
            { domainName: 'intl-one.com', expiresAtMs: at(20), price: 12.5 },
            { domainName: 'intl-two.net', expiresAtMs: at(40) },
          ],
        },
      },
      {
        name: 'cn-2',
        accessKeyId: 'cn2-key-id',
        accessKeySecret: 'cn2-key-secret',
        readOnlyAccessKeyId: 'cn2-ro-id',
        readOnlyAccessKeySecret: 'cn2-ro-secret',
        balance: 77.7,
        fixture: { domains: [{ domainName: 'second-cn.cn', expiresAtMs: at(5) }] },
      },
    ],
  };
}

/** The key pair of the account named `name`, shaped for signedCall. */
function as(sandbox: Sandbox, name: string, readOnly = false) {
  const a = sandbox.accounts.find((x) => x.name === name);
  if (!a) throw new Error(`test setup: no account ${name}`);
  return {
    url: sandbox.url,
    accessKeyId: readOnly ? a.readOnlyAccessKeyId : a.accessKeyId,
    accessKeySecret: readOnly ? a.readOnlyAccessKeySecret : a.accessKeySecret,
  };
}

async function listNames(caller: ReturnType<typeof as>, version?: string): Promise<string[]> {
  const r = await signedCall(caller, 'QueryDomainList', { PageNum: 1, PageSize: 50 }, version ? { version } : {});
  expect(r.status).toBe(200);
  return r.body.Data.Domain.map((d: { DomainName: string }) => d.DomainName).sort();
}

async function balanceOf(caller: ReturnType<typeof as>): Promise<{ AvailableAmount: string; Currency: string }> {
  const r = await signedCall(caller, 'QueryAccountBalance', {}, { version: '2017-12-14' });
  expect(r.status).toBe(200);
  return r.body.Data;
}

describe('sandbox with several accounts', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox(createOptions());
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('lists every account, primary first (name ""), with default read-only keys derived from the main pair', () => {
    expect(sandbox.accounts.map((a) => a.name)).toEqual(['', 'intl', 'cn-2']);
    expect(sandbox.accounts[0]?.accessKeyId).toBe(sandbox.accessKeyId);
    expect(sandbox.accounts[1]).toEqual({
      name: 'intl',
      accessKeyId: 'intl-key-id',
      accessKeySecret: 'intl-key-secret',
      readOnlyAccessKeyId: 'intl-key-id-readonly',
      readOnlyAccessKeySecret: 'intl-key-secret-readonly',
    });
  });

  it('shows each key only its own domains and its own balance and currency', async () => {
    expect(await listNames(as(sandbox, ''))).toEqual(['primary-only.com']);
    expect(await listNames(as(sandbox, 'intl'))).toEqual(['intl-one.com', 'intl-two.net']);
    expect(await listNames(as(sandbox, 'cn-2'))).toEqual(['second-cn.cn']);
    expect(await listNames(as(sandbox, 'cn-2', true))).toEqual(['second-cn.cn']);
    expect(await balanceOf(as(sandbox, ''))).toMatchObject({ AvailableAmount: '500.00', Currency: 'CNY' });
    expect(await balanceOf(as(sandbox, 'intl'))).toMatchObject({ AvailableAmount: '100.00', Currency: 'USD' });
    expect(await balanceOf(as(sandbox, 'cn-2'))).toMatchObject({ AvailableAmount: '77.70', Currency: 'CNY' });
    const other = await signedCall(as(sandbox, 'intl'), 'QueryDomainByDomainName', { DomainName: 'primary-only.com' });
    expect(other.body.Code).toBe('DomainNotExist');
  });

  it('renews with account B: only B balance, expiry and tasks change', async () => {
    const b = as(sandbox, 'intl');
    const submit = await signedCall(b, 'SaveSingleTaskForCreatingOrderRenew', {
      DomainName: 'intl-one.com',
      SubscriptionDuration: 2,
      CurrentExpirationDate: at(20),
    });
    expect(submit.status).toBe(200);
    sandbox.setClock({ advanceMs: 5000 });
    const intl = sandbox.state('intl');
    expect(intl.balance).toBe(75);
    expect(intl.domains.find((d) => d.domainName === 'intl-one.com')?.expiresAtMs).toBe(Date.UTC(2028, 0, 21));
    expect(intl.renewals).toHaveLength(1);
    const primary = sandbox.state();
    expect(primary.balance).toBe(500);
    expect(primary.tasks).toEqual([]);
    expect(primary.domains[0]?.expiresAtMs).toBe(at(10));
    expect(sandbox.state('cn-2').balance).toBe(77.7);
    const tasksSeenByPrimary = await signedCall(as(sandbox, ''), 'QueryTaskList', { PageNum: 1, PageSize: 10 });
    expect(tasksSeenByPrimary.body.TotalItemNum).toBe(0);
    const tasksSeenByB = await signedCall(b, 'QueryTaskList', { PageNum: 1, PageSize: 10 });
    expect(tasksSeenByB.body.Data.TaskInfo.map((t: { TaskNo: string }) => t.TaskNo)).toEqual([submit.body.TaskNo]);
    expect(await balanceOf(b)).toMatchObject({ AvailableAmount: '75.00', Currency: 'USD' });
  });

  it("answers the intl version (2017-12-18) with the account's own domains", async () => {
    expect(await listNames(as(sandbox, 'intl'), '2017-12-18')).toEqual(['intl-one.com', 'intl-two.net']);
  });

  it("refuses a paid action with an extra account's read-only key, and an unknown key id as before", async () => {
    const ro = await signedCall(as(sandbox, 'cn-2', true), 'SaveSingleTaskForCreatingOrderRenew', {
      DomainName: 'second-cn.cn',
      SubscriptionDuration: 1,
      CurrentExpirationDate: at(5),
    });
    expect([ro.status, ro.body.Code]).toEqual([403, 'Forbidden.RAM']);
    expect(sandbox.state('cn-2').submissions).toEqual([]);
    const unknown = await signedCall({ ...as(sandbox, 'intl'), accessKeyId: 'nobody' }, 'QueryDomainList', {
      PageNum: 1,
      PageSize: 10,
    });
    expect([unknown.status, unknown.body.Code]).toEqual([404, 'InvalidAccessKeyId.NotFound']);
    // A key id with another account's secret: the account is chosen by key id, so the signature does not match.
    const crossed = await signedCall(
      { url: sandbox.url, accessKeyId: 'intl-key-id', accessKeySecret: 'cn2-key-secret' },
      'QueryDomainList',
      { PageNum: 1, PageSize: 10 },
    );
    expect(crossed.body.Code).toBe('SignatureDoesNotMatch');
  });

  it('shares one clock: moving it completes every account’s tasks', async () => {
    for (const [name, domain, expiry] of [
      ['', 'primary-only.com', at(10)],
      ['cn-2', 'second-cn.cn', at(5)],
    ] as const) {
      const r = await signedCall(as(sandbox, name), 'SaveSingleTaskForCreatingOrderRenew', {
        DomainName: domain,
        SubscriptionDuration: 1,
        CurrentExpirationDate: expiry,
      });
      expect(r.status).toBe(200);
    }
    const res = await fetch(`${sandbox.url}/_sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: DAY_MS }),
    });
    expect(res.status).toBe(200);
    for (const name of ['', 'intl', 'cn-2']) expect(sandbox.state(name).nowMs).toBe(SANDBOX_NOW_MS + DAY_MS);
    expect(sandbox.state().renewals).toHaveLength(1);
    expect(sandbox.state('cn-2').renewals).toHaveLength(1);
    expect(sandbox.state('cn-2').balance).toBe(38.7);
  });

  it('addresses an account on the control routes with ?account=, 404 for an unknown one', async () => {
    const state = (await (await fetch(`${sandbox.url}/_sandbox/state?account=intl`)).json()) as SandboxState;
    expect([state.currency, state.balance, state.domains.length]).toEqual(['USD', 100, 2]);
    const top = await fetch(`${sandbox.url}/_sandbox/balance?account=intl`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ add: 0.5 }),
    });
    expect(await top.json()).toEqual({ balance: 100.5 });
    expect(sandbox.state().balance).toBe(500);
    const missing = await fetch(`${sandbox.url}/_sandbox/state?account=nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { Message: string }).Message).toMatch(
      /no sandbox account named "nope"; known: "intl", "cn-2"/,
    );
    const missingBalance = await fetch(`${sandbox.url}/_sandbox/balance?account=nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ set: 1 }),
    });
    expect(missingBalance.status).toBe(404);
    expect(sandbox.setBalance({ set: 3 }, 'cn-2')).toBe(3);
    expect(sandbox.state('cn-2').balance).toBe(3);
    expect(() => sandbox.state('nope')).toThrow(/no sandbox account named "nope"/);
  });
});

describe('sandbox accounts option validation', () => {
  const base = { name: 'b', accessKeyId: 'b-id', accessKeySecret: 'b-secret' };
  it.each([
    ['a bad name', [{ ...base, name: 'Bad Name' }], /accounts\[0\]\.name must match/],
    ['a duplicate name', [base, { ...base, accessKeyId: 'c-id' }], /the name "b" is used twice/],
    [
      'a key id used twice',
      [base, { ...base, name: 'c' }],
      /accessKeyId of account "c" is already the accessKeyId of account "b"/,
    ],
    [
      "the primary's key id",
      [{ ...base, accessKeyId: 'sandbox-access-key-id' }],
      /accessKeyId of account "b" is already the accessKeyId of the primary account/,
    ],
    ['a missing secret', [{ name: 'b', accessKeyId: 'b-id' }], /accounts\[0\] \("b"\)\.accessKeySecret must be/],
    ['a bad currency', [{ ...base, currency: 'usd' }], /accounts\[0\] \("b"\)\.currency must be an ISO 4217 code/],
    ['a bad balance', [{ ...base, balance: 1.234 }], /accounts\[0\] \("b"\)\.balance must be an amount/],
    ['an unknown key', [{ ...base, faults: {} }], /accounts\[0\] \("b"\): unknown key "faults"/],
    ['a bad fixture', [{ ...base, fixture: { domains: 'x' } }], /accounts\[0\] \("b"\)\.fixture: "domains" must be/],
  ])('refuses %s with an InputError naming the account', async (_what, accounts, message) => {
    const attempt = startSandbox({ accounts: accounts as SandboxAccountOptions[] });
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('keeps a sandbox without accounts exactly as before: one account, the primary', async () => {
    const sandbox = await startSandbox({ domains: 3 });
    try {
      expect(sandbox.accounts.map((a) => a.name)).toEqual(['']);
      expect(sandbox.state().domains).toHaveLength(3);
    } finally {
      await sandbox.close();
    }
  });
});
