import { createAlibabaRegistrar } from '../../lib/alibaba';
import { AuthRejectedError } from '../../lib/errors';
import type { CredentialsProvider } from '../../lib/registrar/port';
import { paidCallHorizonMs } from '../../lib/renewal/time-margin';
import { postViaFetch } from '../helpers/fetch-post';

/**
 * Review 2026-12-08, thirty-second session, of 95f3600 (submit-batch.ts sendEntries: a batch is not sent when the UTC
 * day could turn within paidCallHorizonMs, the submit-start write plus the client's worstCaseCallMs). worstCaseCallMs
 * (client.ts) is maxAttempts * timeout + (maxAttempts - 1) * 30 s, but call.ts resent once more, after a credentials
 * refresh and with no wait, on an authorisation refusal, also at the last attempt: four throttled attempts
 * (x-acs-retry-after 30 s, slow answers) then a refused signature (a key rotated meanwhile) sent a sixth request after
 * the worst case. With the submit-start write at its slowest too, that order reached the registrar after the horizon
 * the midnight check looked to, so on the new UTC day on the old day's budgets (M4); the same worst case is the time
 * margin the renew job keeps for the TaskNo write (M2). A paid call's last attempt is no longer resent.
 *
 * The review of that (e88917d): the error still said "(credentials refreshed once)" though the secret was never read
 * again, which sends the operator to check (or rotate again) a key that is current.
 */
describe('a paid call refused for its credentials at its last attempt', () => {
  test('sends nothing after its declared worst case, and does not claim the credentials were refreshed', async () => {
    let refreshes = 0;
    let t = Date.UTC(2026, 10, 29, 23, 56, 0);
    const sent: number[] = [];
    const fetchImpl = (async () => {
      sent.push(t);
      t += 9_900; // a slow answer, within the 10 s timeout
      const i = sent.length;
      const body =
        i <= 4
          ? { RequestId: 'R', Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' }
          : i === 5
            ? { RequestId: 'R', Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched.' }
            : { RequestId: 'R', TaskNo: 'T-1' };
      return new Response(JSON.stringify(body), {
        status: i <= 5 ? 400 : 200,
        headers: i <= 4 ? { 'x-acs-retry-after': '30000' } : {},
      });
    }) as typeof fetch;
    const credentials: CredentialsProvider = {
      get: async () => ({ accessKeyId: 'LTAI5tUnitTestKeyId01', accessKeySecret: 's1' }),
      refresh: async () => {
        refreshes += 1;
        t += 3_000; // the secret read again (Secrets Manager)
        return { accessKeyId: 'LTAI5tRotatedKeyId002', accessKeySecret: 's2' };
      },
    };
    const registrar = createAlibabaRegistrar({
      endpoint: 'https://domain.example.test',
      credentials,
      post: postViaFetch(fetchImpl),
      sleep: async (ms) => {
        t += ms;
      },
      random: () => 0.5,
      now: () => t,
    });
    const start = t;
    const err = await registrar
      .submitRenewBatch({
        items: [{ domainName: 'a.com', years: 1, currentExpiryMs: Date.UTC(2026, 11, 4), permitPremium: false }],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // The refusal at the last attempt is final (no sixth request): an authorisation error, nothing sent after it.
    expect(err).toBeInstanceOf(AuthRejectedError);
    expect(sent.length).toBe(5);
    expect(refreshes).toBe(0);
    const last = (sent.at(-1) ?? 0) - start;
    // The midnight check allows the submit-start write 16 s and the call its declared worst case (186 s in all).
    expect(last).toBeLessThanOrEqual(registrar.worstCaseCallMs ?? 0);
    expect(16_000 + last).toBeLessThanOrEqual(paidCallHorizonMs(registrar.worstCaseCallMs));
    // Nothing bought by that call, said so; and not a refresh that never happened.
    expect((err as Error).message).toMatch(/did not execute/);
    expect((err as Error).message).not.toMatch(/credentials refreshed/);
  });
});
