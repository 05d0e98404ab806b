import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpPost } from '../../lib/http-post';

// createHttpPost parses each URL once and hands Node the parts: what reaches the server must be what the URL says,
// at every call, for every URL (the path with its query, the port, the host header, the method and the body).

interface Seen {
  method: string | undefined;
  url: string | undefined;
  host: string | undefined;
  extra: string | undefined;
  auth?: string | undefined;
  body: string;
}

let server: Server;
let port: number;
const seen: Seen[] = [];
const { post, destroy } = createHttpPost();

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({
        method: req.method,
        url: req.url,
        host: req.headers.host,
        extra: req.headers['x-extra'] as string,
        ...(req.headers.authorization ? { auth: req.headers.authorization } : {}),
        body,
      });
      res.writeHead(200, { 'content-type': 'text/plain', 'x-answer': 'yes' });
      res.end(`answer to ${req.url}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  destroy();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  seen.length = 0;
});

const send = (url: string, body: string, extra: string) =>
  post({ url, headers: { 'x-extra': extra }, body, timeoutMs: 10_000, maxBytes: 1_000 });

test('each URL reaches the server as written, the first time and when it is posted to again', async () => {
  const base = `http://127.0.0.1:${port}`;
  const urls = [`${base}/`, `${base}/a/b?x=1&y=%20z`, `${base}/a/b?x=2`, `${base}/`];
  const answers = [];
  for (const [i, url] of urls.entries()) answers.push(await send(url, `body ${i} é`, `call-${i}`));

  expect(seen).toEqual([
    { method: 'POST', url: '/', host: `127.0.0.1:${port}`, extra: 'call-0', body: 'body 0 é' },
    { method: 'POST', url: '/a/b?x=1&y=%20z', host: `127.0.0.1:${port}`, extra: 'call-1', body: 'body 1 é' },
    { method: 'POST', url: '/a/b?x=2', host: `127.0.0.1:${port}`, extra: 'call-2', body: 'body 2 é' },
    { method: 'POST', url: '/', host: `127.0.0.1:${port}`, extra: 'call-3', body: 'body 3 é' },
  ]);
  expect(answers.map((a) => [a.status, a.text, a.header('x-answer')])).toEqual([
    [200, 'answer to /', 'yes'],
    [200, 'answer to /a/b?x=1&y=%20z', 'yes'],
    [200, 'answer to /a/b?x=2', 'yes'],
    [200, 'answer to /', 'yes'],
  ]);
});

test('more URLs than the client keeps parsed still each reach their own path', async () => {
  const base = `http://127.0.0.1:${port}`;
  const urls = Array.from({ length: 40 }, (_, i) => `${base}/n/${i}`);
  for (const url of [...urls, ...urls.slice(0, 5)]) await send(url, '', 'many');
  expect(seen.map((s) => s.url)).toEqual([...urls, ...urls.slice(0, 5)].map((u) => u.slice(base.length)));
});

test('a URL with credentials (never kept parsed) still reaches its path, with them, at every call', async () => {
  const url = `http://user:pw@127.0.0.1:${port}/c?q=1`;
  await send(url, 'one', 'cred-1');
  await send(url, 'two', 'cred-2');
  const auth = `Basic ${Buffer.from('user:pw').toString('base64')}`;
  expect(seen).toEqual([
    { method: 'POST', url: '/c?q=1', host: `127.0.0.1:${port}`, extra: 'cred-1', auth, body: 'one' },
    { method: 'POST', url: '/c?q=1', host: `127.0.0.1:${port}`, extra: 'cred-2', auth, body: 'two' },
  ]);
});

test('a name that does not resolve fails the request with the socket error, not a parse error', async () => {
  await expect(send('http://autorenew-http-post.invalid:9/x', '', 'none')).rejects.toMatchObject({
    code: expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/),
  });
});
