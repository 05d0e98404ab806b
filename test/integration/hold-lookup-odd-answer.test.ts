import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06, round 8 (hold look-up). lookUpHeldNames stopped at the first failure other than DomainNotExist and returns
// every later name unchecked. A failure that is about ONE name (here: the registrar's answer for keep-it.com names
// another domain, which getDomain rightly rejects) leaves a misspelt name given after it unchecked: the typo is
// written with a warning (exit 0, "the renew job will not buy them") and the next renew run buys the domain meant.
// The look-up now goes on to the next name after a failure about one name (it stops on credentials, a refused
// permission, or two failures in a row).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
let proxy: http.Server;
let proxyUrl: string;

beforeEach(async () => {
  world = await startCliWorld(
    [
      { domainName: 'selling-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS },
      { domainName: 'keep-it.com', expiresAtMs: SANDBOX_NOW_MS + 400 * DAY_MS },
    ],
    ['srv'],
  );
  // A loopback relay in front of the sandbox: forwards every request unchanged; the answer about keep-it.com
  // comes back naming keep-it.net (a registrar answer for another name).
  const target = new URL(world.sandbox.url);
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const up = http.request(
        {
          host: '127.0.0.1',
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: `127.0.0.1:${target.port}` },
        },
        (upRes) => {
          const back: Buffer[] = [];
          upRes.on('data', (c: Buffer) => back.push(c));
          upRes.on('end', () => {
            let text = Buffer.concat(back).toString('utf8');
            if (body.toString('utf8').includes('DomainName=keep-it.com')) {
              text = text.replace('"DomainName":"keep-it.com"', '"DomainName":"keep-it.net"');
            }
            const headers = { ...upRes.headers, 'content-length': String(Buffer.byteLength(text)) };
            res.writeHead(upRes.statusCode ?? 502, headers);
            res.end(text);
          });
        },
      );
      up.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await new Promise<void>((r) => proxy.close(() => r()));
  await world?.close();
});

it('a misspelt name after a name whose answer was odd is still looked up, and refused', async () => {
  const srv = `${world.dir}/srv`;
  const env = { ...world.env(), AUTORENEW_ENDPOINT: proxyUrl };
  const held = await runCliInProcess(['hold', 'keep-it.com', 'seling-it.com', '--no-run-check'], env, srv);
  expect({ exit: held.code, typoRefused: /does not hold seling-it\.com /.test(held.stderr) }).toEqual({
    exit: EXIT.invalidInput,
    typoRefused: true,
  });
  // Nothing was written: the cron'd renew (talking to the registrar directly) buys selling-it.com, as nobody held it,
  // and the person was told the hold did not land.
  const holds = await runCliInProcess(['holds', '--json'], world.env(), srv);
  expect((JSON.parse(holds.stdout) as { holds: unknown[] }).holds).toEqual([]);
});
