import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '../errors';
import { UnknownAccountError } from './accounts';
import { resolveFaults } from './faults';
import { isJsonContentType, sendJson } from './http-util';
import { isAmount } from './model';
import { changeBalance, type Runtime, setSharedClock, snapshotState } from './runtime';

export const CONTROL_PREFIX = '/_sandbox/';

function parseJsonObject(body: Buffer, route: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new InputError(`${route}: the body is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${route}: the body must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

function readClock(body: Record<string, unknown>): { nowMs?: number; advanceMs?: number } {
  const now = body.now ?? body.nowMs;
  const advance = body.advanceMs;
  if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now))) {
    throw new InputError('/_sandbox/clock: "now" must be epoch milliseconds (a number)');
  }
  if (advance !== undefined && (typeof advance !== 'number' || !Number.isFinite(advance))) {
    throw new InputError('/_sandbox/clock: "advanceMs" must be a number of milliseconds');
  }
  if (now === undefined && advance === undefined) {
    throw new InputError('/_sandbox/clock: send {"now": <epoch ms>} or {"advanceMs": <ms>}');
  }
  return { ...(now !== undefined ? { nowMs: now } : {}), ...(advance !== undefined ? { advanceMs: advance } : {}) };
}

/** Reads `{"set": amount}` or `{"add": amount}` (POST /_sandbox/balance, sandbox.setBalance). */
export function readBalance(body: Record<string, unknown>): { set?: number; add?: number } {
  for (const key of Object.keys(body)) {
    if (key !== 'set' && key !== 'add') {
      throw new InputError(`/_sandbox/balance: unknown key "${key}"; send {"set": <CNY>} or {"add": <CNY>}`);
    }
  }
  const { set, add } = body;
  if ((set === undefined) === (add === undefined)) {
    throw new InputError('/_sandbox/balance: send {"set": <CNY>} or {"add": <CNY>} (one of them)');
  }
  const value = set ?? add;
  if (typeof value !== 'number' || !Number.isFinite(value) || !isAmount(value)) {
    throw new InputError('/_sandbox/balance: the amount must be a number of CNY with at most two decimals');
  }
  return set !== undefined ? { set: value } : { add: value };
}

/**
 * The control surface (no signature, no faults): GET /_sandbox/state, POST /_sandbox/faults (replaces the fault
 * settings; answers {"faults": <the complete settings>}, or 400 naming an unknown key or bad value),
 * GET /_sandbox/clock ({"nowMs": ms}: the CLI's clock against a loopback sandbox unless --at), POST /_sandbox/clock
 * ({"now": ms} or {"advanceMs": n}), POST /_sandbox/balance ({"set": CNY} or {"add": CNY}: top
 * up or set the account balance, to practise recovering from "insufficient balance"; never below 0).
 * State and balance address the primary account, or another with `?account=NAME` (unknown: 404); the clock and
 * the faults are shared by all accounts.
 */
export function handleControlRequest(rt: Runtime, req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer) {
  const route = url.pathname;
  const method = (req.method ?? 'GET').toUpperCase();
  // Anything but GET changes the sandbox: only with a JSON body, which a web page cannot send without a preflight.
  if (method !== 'GET' && !isJsonContentType(req.headers['content-type'])) {
    sendJson(res, 415, {
      Code: 'UnsupportedMediaType',
      Message: `${method} ${route} needs Content-Type: application/json (other bodies are refused, unread).`,
    });
    return;
  }
  const account = url.searchParams.get('account') ?? undefined;
  try {
    if (route === '/_sandbox/state' && method === 'GET') {
      sendJson(res, 200, snapshotState(rt, account));
    } else if (route === '/_sandbox/faults' && method === 'POST') {
      rt.faults = resolveFaults(parseJsonObject(body, route), route);
      sendJson(res, 200, { faults: rt.faults });
    } else if (route === '/_sandbox/clock' && method === 'GET') {
      sendJson(res, 200, { nowMs: rt.clock.now() });
    } else if (route === '/_sandbox/clock' && method === 'POST') {
      setSharedClock(rt, readClock(parseJsonObject(body, route)));
      sendJson(res, 200, { nowMs: rt.clock.now() });
    } else if (route === '/_sandbox/balance' && method === 'POST') {
      const balance = changeBalance(rt, readBalance(parseJsonObject(body, route)), account);
      sendJson(res, 200, { balance });
    } else {
      sendJson(res, 404, {
        Code: 'NotFound',
        Message: `${method} ${route} is not a control route; use GET /_sandbox/state, POST /_sandbox/faults, POST /_sandbox/clock or POST /_sandbox/balance.`,
      });
    }
  } catch (err) {
    if (err instanceof UnknownAccountError) {
      sendJson(res, 404, { Code: 'NotFound', Message: `${route}?account=: ${err.message}` });
      return;
    }
    const message = err instanceof InputError ? err.message : 'control request failed';
    sendJson(res, 400, { Code: 'InvalidParameter', Message: message });
  }
}
