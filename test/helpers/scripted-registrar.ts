import { createAlibabaRegistrar } from '../../lib/alibaba';
import type { CredentialsProvider } from '../../lib/registrar/port';
import { postViaFetch } from './fetch-post';

const credentials: CredentialsProvider = {
  get: async () => ({ accessKeyId: 'LTAI5tUnitTestKeyId01', accessKeySecret: 'unit-secret' }),
  refresh: async () => ({ accessKeyId: 'LTAI5tUnitTestKeyId01', accessKeySecret: 'unit-secret' }),
};

/**
 * The real Alibaba registrar adapter over a scripted Domain API: `answer` gets each request's parameters and says
 * the HTTP status (default 200) and the JSON body. Backoff sleeps advance a simulated clock; `asked` lists each
 * request as "Action[ DomainName]".
 */
export function registrarAnswering(answer: (params: Record<string, string>) => { status?: number; body: unknown }) {
  const asked: string[] = [];
  const fetchImpl = (async (_input: string | URL | Request, init?: RequestInit) => {
    const params = Object.fromEntries(new URLSearchParams(String(init?.body ?? '')));
    asked.push(`${params.Action}${params.DomainName ? ` ${params.DomainName}` : ''}`);
    const r = answer(params);
    return new Response(JSON.stringify(r.body), { status: r.status ?? 200 });
  }) as typeof fetch;
  let t = Date.UTC(2026, 0, 1);
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
  return { registrar, asked };
}
