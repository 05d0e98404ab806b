import { executeCheck, executeRenew } from '../../lib/jobs';
import type { RenderedMessage } from '../../lib/notify/port';
import type { SandboxFaults, SandboxFixtureDomain } from '../../lib/sandbox';
import { createRng } from '../helpers/chaos';
import { alertedDomainsOf, doubleRenewals, illegalResubmissions } from '../helpers/chaos-checks';
import { hidingFromListings } from '../helpers/faulty';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 2, 0, 0);
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Soak (review s33g): a listing (QueryDomainList) that stops showing domains for periods while the account still holds
 * them (the key's RAM policy scoped to a resource group, domains moved between groups, rows omitted for a day), mixed
 * with registrar faults. Daily renew, checks every 3 h, ~30 domains, 120 simulated days.
 */

interface Soak {
  seed: number;
  days: number;
  domains: number;
  allowList?: boolean;
  faults?: boolean;
  trace?: boolean;
  movedAfterRenewal?: boolean;
  /** A rule with a 90-day window (for a group no domain is in): the renew run lists 90 days ahead. */
  wideRule?: boolean;
}

interface Told {
  atMs: number;
  severity: RenderedMessage['severity'];
  names: string[];
  email: string;
  sms: string;
}

async function soak(o: Soak) {
  const rng = createRng(o.seed);
  const fixture: SandboxFixtureDomain[] = [];
  for (let i = 0; i < o.domains; i++) {
    const group = i % 10 === 9 ? 'Archive' : i % 10 === 8 ? undefined : 'Production';
    fixture.push({
      domainName: `hide${i}.com`,
      expiresAtMs: NOW + 3 * DAY_MS + Math.floor((Math.min(o.days - 10, 110) * DAY_MS * i) / o.domains) + i * 41_000,
      ...(group ? { groupName: group } : {}),
    });
  }
  const wide = o.wideRule ? [{ name: 'brand early', groups: ['Brand'], window: { daysBeforeExpiry: 90 } }] : [];
  const policy = o.allowList
    ? { defaults: { renew: false }, rules: [{ name: 'managed', groups: ['Production'], renew: true }, ...wide] }
    : { rules: [{ name: 'archive', groups: ['Archive'], renew: false }, ...wide] };
  const world: World = await startWorld({
    ledger: 'memory',
    sandbox: { nowMs: NOW, fixture: { domains: fixture, balance: 1e9 } },
    policy,
  });
  const letGo = (name: string) => {
    const d = fixture.find((f) => f.domainName === name);
    return o.allowList ? d?.groupName !== 'Production' : d?.groupName === 'Archive';
  };
  // Hide schedules: per domain, [fromMs, toMs) intervals.
  const hides = new Map<string, [number, number][]>();
  const kinds = new Map<string, string>();
  for (const [i, d] of fixture.entries()) {
    const list: [number, number][] = [];
    const kinds4 = ['early', 'queued', 'flap', 'day-rows', ...(o.movedAfterRenewal ? ['moved'] : [])];
    const kind = kinds4[i % kinds4.length] as string;
    kinds.set(d.domainName, kind);
    if (kind === 'early') {
      // Hidden from 30-90 days before its expiry (not before day 1) until 10 days after it.
      const from = Math.max(NOW + DAY_MS + 3 * HOUR_MS, d.expiresAtMs - (30 + Math.floor(rng() * 60)) * DAY_MS);
      list.push([from, d.expiresAtMs + 10 * DAY_MS]);
    } else if (kind === 'flap') {
      let t = NOW + DAY_MS + Math.floor(rng() * 20) * DAY_MS;
      while (t < NOW + o.days * DAY_MS) {
        const hid = (1 + Math.floor(rng() * 60)) * DAY_MS + Math.floor(rng() * 24) * HOUR_MS;
        list.push([t, t + hid]);
        t += hid + (1 + Math.floor(rng() * 60)) * DAY_MS;
      }
    } else if (kind === 'day-rows') {
      // Omitted for a day now and then.
      for (let day = 1; day < o.days; day++) if (rng() < 0.1) list.push([NOW + day * DAY_MS, NOW + (day + 1) * DAY_MS]);
    }
    hides.set(d.domainName, list);
  }
  const hidden = new Set<string>();
  const queuedHides = new Map<string, number>(); // domain -> hidden until
  const registrar = hidingFromListings(world.registrar, hidden);
  const told: Told[] = [];
  let seenSubmissions = 0;
  let hiddenWhileQueued = 0;
  const falseNotListed: string[] = [];
  let runs = 0;
  let failedRuns = 0;
  const expiriesSeen = new Map<string, Set<number>>();
  const run = async (job: 'renew' | 'check') => {
    runs += 1;
    const before = world.notifier.sent.length;
    const deps = world.deps({ registrar });
    try {
      if (job === 'renew') await executeRenew(deps, { policy: world.policy, dryRun: false, runId: `r${runs}` });
      else await executeCheck(deps, { policy: world.policy, runId: `c${runs}` });
    } catch {
      failedRuns += 1;
    }
    for (const m of world.notifier.sent.slice(before)) {
      const names = alertedDomainsOf(m);
      for (const line of m.email.split('\n')) {
        const left = /^- (\S+): .*not-listed: /.exec(line);
        if (left?.[1] && !hidden.has(left[1]))
          falseNotListed.push(`${new Date(world.sandbox.now()).toISOString()} ${line.slice(0, 160)}`);
      }
      told.push({ atMs: world.sandbox.now(), severity: m.severity, names, email: m.email, sms: m.sms });
      if (o.trace) console.log(new Date(world.sandbox.now()).toISOString(), job, m.severity, m.subject, '\n', m.email);
    }
  };
  const randomFaults = (): SandboxFaults => {
    if (!o.faults || rng() >= 0.5) return {};
    return {
      throttleRate: rng() * 0.2,
      errorRate: rng() * 0.1,
      loseRate: rng() * 0.1,
      executeThenFailRate: rng() * 0.15,
      executeThenFailStatus: rng() < 0.5 ? 400 : 503,
      executeThenFailCode: 'InternalError.Backend',
      taskQueueMs: rng() < 0.3 ? Math.floor(rng() * 2 * DAY_MS) : Math.floor(rng() * 30 * 60_000),
      taskListLagMs: Math.floor(rng() * 2 * HOUR_MS),
      taskJitterMs: Math.floor(rng() * 6 * HOUR_MS),
      expiryTruncation: rng() < 0.1 ? 'day' : 'none',
      pageShiftRate: rng() < 0.1 ? 0.05 : 0,
    };
  };
  const setHidden = (nowMs: number) => {
    hidden.clear();
    for (const [name, list] of hides) if (list.some(([a, b]) => nowMs >= a && nowMs < b)) hidden.add(name);
    for (const [name, until] of queuedHides) {
      if (kinds.get(name) === 'moved' ? nowMs >= until : nowMs < until) hidden.add(name);
    }
  };
  const stepMs = 3 * HOUR_MS;
  try {
    for (let day = 0; day < o.days; day++) {
      for (let step = 0; step < DAY_MS / stepMs; step++) {
        const nowMs = NOW + day * DAY_MS + step * stepMs;
        world.sandbox.setClock({ nowMs });
        world.sandbox.setFaults(randomFaults());
        setHidden(nowMs);
        for (const d of world.sandbox.state().domains) {
          const set = expiriesSeen.get(d.domainName) ?? new Set<number>();
          set.add(d.expiresAtMs);
          expiriesSeen.set(d.domainName, set);
        }
        if (step === 0) {
          await run('renew');
          if (rng() < 0.2) await run('renew'); // a duplicate delivery
          // A domain of kind `queued` whose order just went out is hidden for 1-5 days (its task queued meanwhile).
          const subs = world.sandbox.state().submissions;
          for (const s of subs.slice(seenSubmissions)) {
            if (kinds.get(s.domainName) === 'queued' && rng() < 0.7) {
              queuedHides.set(s.domainName, nowMs + (1 + Math.floor(rng() * 5)) * DAY_MS);
              const pending = world.sandbox
                .state()
                .tasks.some((t) =>
                  t.details.some((d) => d.domainName === s.domainName && /WAIT|EXECUTING/.test(d.status)),
                );
              if (pending) hiddenWhileQueued += 1;
            }
            // A domain of kind `moved` is moved for good to a group the key's RAM policy does not list, 0-5 days after
            // its first order (the order queued or done).
            if (kinds.get(s.domainName) === 'moved' && !queuedHides.has(s.domainName))
              queuedHides.set(s.domainName, nowMs + Math.floor(rng() * 5) * DAY_MS + 1);
          }
          seenSubmissions = subs.length;
        }
        await run('check');
      }
    }
    // Drain: no faults, nothing hidden beyond the schedule's; checks every 2 h for 3 days.
    world.sandbox.setFaults({});
    const endMs = NOW + o.days * DAY_MS;
    for (let i = 0; i < 36; i++) {
      world.sandbox.setClock({ nowMs: endMs + (i + 1) * 2 * HOUR_MS });
      setHidden(world.sandbox.now());
      await run('check');
    }
    const state = world.sandbox.state();
    // Silent lapses: every (domain, expiry) seen that passed without a renewal must have been named before it.
    const silent: string[] = [];
    const namedBy = new Map<string, number>();
    for (const [name, expiries] of expiriesSeen) {
      if (letGo(name)) continue;
      const renewedFrom = new Set(state.renewals.filter((r) => r.domainName === name).map((r) => r.fromExpiryMs));
      for (const e of expiries) {
        if (e > state.nowMs) continue;
        const renewedBeforeExpiry = state.renewals.some(
          (r) => r.domainName === name && r.fromExpiryMs === e && r.atMs <= e,
        );
        if (renewedBeforeExpiry) continue;
        // Named in this cycle: after the expiry before it (a line a year earlier is no warning of this one).
        const prev = Math.max(-Infinity, ...[...expiries].filter((x) => x < e - 180 * DAY_MS));
        const first = told.find((t) => t.atMs < e && t.atMs > prev && t.names.includes(name));
        if (!first)
          silent.push(`${name}@${new Date(e).toISOString()} (${kinds.get(name)}, renewedAfter=${renewedFrom.has(e)})`);
        else namedBy.set(name, Math.round((e - first.atMs) / DAY_MS));
      }
    }
    // Page storms: alerting messages per domain per UTC day.
    const perDay = new Map<string, number>();
    for (const t of told) {
      if (t.severity !== 'alert') continue;
      const day = new Date(t.atMs).toISOString().slice(0, 10);
      for (const n of new Set(t.names)) perDay.set(`${n}@${day}`, (perDay.get(`${n}@${day}`) ?? 0) + 1);
    }
    const alertsPerDay = new Map<string, number>();
    for (const t of told) {
      if (t.severity !== 'alert') continue;
      const day = new Date(t.atMs).toISOString().slice(0, 10);
      alertsPerDay.set(day, (alertsPerDay.get(day) ?? 0) + 1);
    }
    const storms = [...perDay].filter(([, n]) => n > 2).map(([k, n]) => `${k} x${n}`);
    const dayStorms = [...alertsPerDay].filter(([, n]) => n > 3).map(([k, n]) => `${k} x${n}`);
    // Hidden domains named: how many of the `early` ones, and how soon after they left the listing.
    const earlyNamed: string[] = [];
    for (const [name, list] of hides) {
      if (kinds.get(name) !== 'early' || letGo(name)) continue;
      const [from] = list[0] ?? [];
      if (from === undefined) continue;
      const first = told.find((t) => t.atMs >= from && t.names.includes(name));
      earlyNamed.push(
        `${name}: hidden ${new Date(from).toISOString().slice(0, 10)}, named after ${first ? ((first.atMs - from) / DAY_MS).toFixed(1) : 'never'} d`,
      );
    }
    return {
      runs,
      failedRuns,
      hiddenWhileQueued,
      falseNotListed,
      submissions: state.submissions.length,
      renewals: state.renewals.length,
      duplicates: illegalResubmissions(state),
      doubleRenewals: doubleRenewals(state),
      silent,
      storms,
      dayStorms,
      earlyNamed,
      namedBy: [...namedBy].map(([n, d]) => `${n}:${d}d`),
      told,
    };
  } finally {
    await world.stop();
  }
}

describe('soak: a listing that hides domains for periods', () => {
  // Held (review s33g): seeds 1-24 of 120 days (odd seeds: a policy with a let-go group; even: an allow-list
  // policy), and 24 with a rule whose 90-day window widens the listing: no silent lapse, no SMS storm, no double
  // renewal; each seed hides 2-6 domains while their order waits in the queue. `SOAK_SEEDS=1-24` runs others.
  const seeds = (process.env.SOAK_SEEDS ?? '1,2').split(',').flatMap((s) => {
    const [a, b] = s.split('-').map(Number);
    return b === undefined
      ? [[a as number]]
      : Array.from({ length: b - (a as number) + 1 }, (_, i) => [(a as number) + i]);
  });
  it.each(seeds)(
    'seed %i: no silent lapse, no page storm, no double renewal',
    async (seed) => {
      const r = await soak({
        seed,
        days: Number(process.env.SOAK_DAYS ?? 120),
        domains: 30,
        faults: true,
        allowList: process.env.SOAK_ALLOW === '1' || (process.env.SOAK_ALLOW === undefined && seed % 2 === 0),
        trace: process.env.SOAK_TRACE === String(seed),
        movedAfterRenewal: process.env.SOAK_MOVED === '1',
        wideRule: process.env.SOAK_WIDE === '1',
      });
      if (process.env.SOAK_LOG) console.log(JSON.stringify({ ...r, told: r.told.length }, null, 1));
      expect({
        duplicates: r.duplicates,
        doubleRenewals: r.doubleRenewals,
        silent: r.silent,
        storms: r.storms,
      }).toEqual({
        duplicates: [],
        doubleRenewals: [],
        silent: [],
        storms: [],
      });
      expect(r.hiddenWhileQueued).toBeGreaterThan(0);
    },
    120_000,
  );

  // Finding 1 of review s33g: domains moved for good to a group the key's RAM policy does not list, 0-5 days after
  // their renewal was ordered, lapse at their next expiry with nobody told (the watch drops them as renewed; the next
  // inventory has lost them). 420 days, so the first dozen expiries come round again.
  it('seed 1 over 420 days, domains moved for good after their renewal: named before their next expiry', async () => {
    const r = await soak({ seed: 1, days: 420, domains: 30, faults: true, movedAfterRenewal: true });
    expect({ duplicates: r.duplicates, doubleRenewals: r.doubleRenewals, silent: r.silent, storms: r.storms }).toEqual({
      duplicates: [],
      doubleRenewals: [],
      silent: [],
      storms: [],
    });
  }, 120_000);
});
