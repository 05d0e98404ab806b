import { sharedKeyCheck } from '../../lib/compose/accounts';
import { InputError } from '../../lib/errors';
import type { Credentials, CredentialsProvider } from '../../lib/registrar/port';

/** A provider whose reads answer in turn: an Error is thrown, credentials are returned (the last one repeats). */
function providerOf(...answers: (Credentials | Error)[]): CredentialsProvider {
  let read = 0;
  const next = async () => {
    const answer = answers[Math.min(read++, answers.length - 1)] as Credentials | Error;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { get: next, refresh: next };
}

const KEY: Credentials = { accessKeyId: 'LTAI-same', accessKeySecret: 'secret' };
const OTHER: Credentials = { accessKeyId: 'LTAI-other', accessKeySecret: 'secret-2' };

describe('one AccessKey under two account entries (sharedKeyCheck)', () => {
  test('both read: neither runs', async () => {
    const providers = [providerOf(KEY), providerOf(KEY)];
    const check = sharedKeyCheck(['a', 'b'], providers);
    await expect(check.guard(0, providers[0] as CredentialsProvider).get()).rejects.toThrow(InputError);
    await expect(check.guard(1, providers[1] as CredentialsProvider).get()).rejects.toThrow(InputError);
  });

  test('an entry whose key could not be read at the check, and reads later, is compared before it runs', async () => {
    // b's secret read fails once, at the check: a saw no key to compare and runs. b's own read then succeeds with
    // a's key: it must be refused, or both entries renew the same Alibaba account (review 2026-12-05, round 4).
    const providers = [providerOf(KEY), providerOf(new Error('throttled'), KEY)];
    const check = sharedKeyCheck(['a', 'b'], providers);
    await expect(check.guard(0, providers[0] as CredentialsProvider).get()).resolves.toEqual(KEY);
    const refused = check.guard(1, providers[1] as CredentialsProvider).get();
    await expect(refused).rejects.toThrow(InputError);
    await expect(refused).rejects.toThrow(/accounts b and a use the same AccessKey/);
    await expect(refused).rejects.not.toThrow(/LTAI-same/);
  });

  test('distinct keys run, a read that fails at the check and later succeeds included', async () => {
    const providers = [providerOf(KEY), providerOf(new Error('throttled'), OTHER)];
    const check = sharedKeyCheck(['a', 'b'], providers);
    await expect(check.guard(0, providers[0] as CredentialsProvider).get()).resolves.toEqual(KEY);
    await expect(check.guard(1, providers[1] as CredentialsProvider).get()).resolves.toEqual(OTHER);
  });

  test('both keys unreadable at the check and read later: only the first to read runs (review 2026-12-05, round 4)', async () => {
    // Reads made at one moment fail together (Secrets Manager throttling): compared with the check's results only,
    // each later read found nothing to compare with, and both entries of one key ran.
    const providers = [providerOf(new Error('throttled'), KEY), providerOf(new Error('throttled'), KEY)];
    const check = sharedKeyCheck(['a', 'b'], providers);
    await expect(check.guard(0, providers[0] as CredentialsProvider).get()).resolves.toEqual(KEY);
    await expect(check.guard(1, providers[1] as CredentialsProvider).get()).rejects.toThrow(
      /accounts b and a use the same AccessKey/,
    );
    // The one that ran keeps running; a refresh of the refused one is refused again.
    await expect(check.guard(0, providers[0] as CredentialsProvider).refresh()).resolves.toEqual(KEY);
    await expect(check.guard(1, providers[1] as CredentialsProvider).refresh()).rejects.toThrow(InputError);
  });
});
