import { createAlibabaRegistrar } from '../../lib/alibaba';
import { stringToSignV1 } from '../../lib/alibaba/sign';
import { createLogger, describeError } from '../../lib/log';
import type { CredentialsProvider } from '../../lib/registrar/port';
import { postViaFetch } from '../helpers/fetch-post';

// An STS key (AssumeRole: what a RAM role hands out) signs with a SecurityToken, base64 with '+', '/' and '='. The
// registrar's signature refusal quotes its string to sign, where every value is percent-encoded twice: the token there
// reads `%252B`, `%252F`, `%253D`, a form the redactor never registered. The message is dropped only after the exact
// words "server string to sign is"; Alibaba's gateway also words it "server StringToSign is [...]"
// (aliyun/alibabacloud-csharp-sdk#40), which is kept, and the token's first characters reach the error, its log line,
// the ledger's batch message and the digest.
const KEY_ID = 'STS.NTestStsKeyIdForAutorenew01';
const SECRET = 'TestStsSecretForAutorenewA1b2c3d4e5';
// Shaped like an Alibaba STS token (CAIS..., base64): long, with '+', '/' and '='.
const TOKEN =
  'CAIS+wF1q6Ft5B2yfSjIr5bHLvz+o7lF0/eKcUD1jG8tSvpGi7bOhzz2IHhMenZvAOwXs/4/mW1Z7/oclrp6SJtIXleCZtF94oxY' +
  'Rs3RMpDOb4cl5KOp1qZjFJm2dOIxSxpDM3+/S/wHgF+gvqnO5SYRYT8akO8tZwvcs+UZYUt1Nvu2nuSMAQ6bV8A==';

function credentials(): CredentialsProvider {
  const creds = { accessKeyId: KEY_ID, accessKeySecret: SECRET, securityToken: TOKEN };
  return { get: async () => creds, refresh: async () => creds };
}

/** Every run of 12 characters of the token, in the forms a text may carry it. */
function fragments(): string[] {
  const out: string[] = [];
  for (let i = 0; i + 12 <= TOKEN.length; i += 4) out.push(TOKEN.slice(i, i + 12));
  return out;
}

it('a signature refusal quoting the string to sign as "server StringToSign is" shows no part of the STS token', async () => {
  const fetchImpl = (async (_input: string | URL | Request, init?: RequestInit) => {
    const params = Object.fromEntries(new URLSearchParams(String(init?.body ?? '')));
    const { Signature: _s, ...signed } = params;
    const body = {
      RequestId: 'B5B2D3E1-0000-4000-8000-000000000001',
      HostId: 'domain.aliyuncs.com',
      Code: 'SignatureDoesNotMatch',
      Message: `Specified signature does not match our calculation. server StringToSign is [${stringToSignV1('POST', signed)}]`,
      Recommend: 'https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch&product=Domain',
    };
    return new Response(JSON.stringify(body), { status: 400 });
  }) as typeof fetch;
  const registrar = createAlibabaRegistrar({
    endpoint: 'https://domain.aliyuncs.com',
    credentials: credentials(),
    post: postViaFetch(fetchImpl),
    sleep: async () => {},
    random: () => 0.5,
    now: () => Date.UTC(2026, 11, 7),
  });
  const error = await registrar.listDomains({}).catch((e: unknown) => e);
  const lines: string[] = [];
  createLogger({ sink: (l) => lines.push(l) }).error('renew job stopped', describeError(error));
  const texts = [(error as Error).message, ...lines].join('\n');
  expect(texts).toContain('SignatureDoesNotMatch');
  const shown = [...fragments(), ...fragments().map((f) => encodeURIComponent(encodeURIComponent(f)))].filter((f) =>
    texts.includes(f),
  );
  expect(shown).toEqual([]);
});
