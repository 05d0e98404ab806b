import { createAlibabaRegistrar } from '../../lib/alibaba';
import { AuthRejectedError } from '../../lib/errors';
import type { CredentialsProvider } from '../../lib/registrar/port';
import { postViaFetch } from '../helpers/fetch-post';

/**
 * Review 2026-12-08, thirty-second session, of e88917d (call.ts: an authorisation refusal at a paid call's last attempt is not resent
 * with refreshed credentials). The error it throws still says "(credentials refreshed once)" (errors.ts
 * describeAdvice, case 'auth'): the secret was never read again, yet the alert says it was, and that the refreshed
 * key was refused too. With a key rotated during the run (the very case the resend served), the operator is sent to
 * check (or rotate again) a key that is current; the alert must say the refused key was the one the run started with
 * and that the secret was not read again.
 */
describe("a paid call's authorisation refusal at its last attempt", () => {
  test('does not claim the credentials were refreshed', async () => {
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
    const err = await registrar
      .submitRenewBatch({
        items: [{ domainName: 'a.com', years: 1, currentExpiryMs: Date.UTC(2026, 11, 4), permitPremium: false }],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(AuthRejectedError);
    expect(sent.length).toBe(5);
    expect(refreshes).toBe(0);
    // Nothing bought by that call, said so; and not a refresh that never happened.
    expect((err as Error).message).toMatch(/did not execute/);
    expect((err as Error).message).not.toMatch(/credentials refreshed/);
  });
});
