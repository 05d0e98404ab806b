import type { IncomingMessage, ServerResponse } from 'node:http';
import { findAccountByKeyId, type ModelAccount } from './accounts';
import { type AuthInput, claimedKeyId, isV3, verifyV1, verifyV3 } from './auth';
import { appliesTo, decideEffects, decideFault } from './faults';
import { parseForm, sendJson } from './http-util';
import { BSS_VERSION, DOMAIN_VERSION, INTL_VERSION, OPERATIONS_BY_VERSION, type Operation } from './ops';
import type { Params } from './params';
import { countRequest, type Runtime, recordFault } from './runtime';
import type { SandboxRefusal } from './types';
import {
  buildErrorBody,
  buildSuccessFalseBody,
  createRequestId,
  missingParameter,
  type Product,
  SandboxApiError,
} from './wire';

/** The product (for error bodies' HostId and Recommend link) of an API version. */
function productOf(version: string): Product {
  if (version === BSS_VERSION) return { host: 'business.aliyuncs.com', name: 'BssOpenApi' };
  if (version === INTL_VERSION) return { host: 'domain-intl.aliyuncs.com', name: 'Domain-intl' };
  return { host: 'domain.aliyuncs.com', name: 'Domain' };
}

/** Messages of the executeThenFail error by code family (the gateway's usual wording). */
function executeThenFailMessage(code: string): string {
  if (code.startsWith('InternalError')) return 'The request processing has failed due to backend service exception.';
  if (code.startsWith('ServiceUnavailable')) return 'The request has failed due to a temporary failure of the server.';
  return 'The request processing has failed due to some unknown error, exception or failure.';
}

/** The Domain API version (BSS 2017-12-14 is served too: see OPERATIONS_BY_VERSION). */
export const API_VERSION = DOMAIN_VERSION;

/** Actions that spend money: the read-only key's RAM policy has no `domain:CreateOrderRenew`. */
export const PAID_ACTIONS: ReadonlySet<string> = new Set([
  'SaveBatchTaskForCreatingOrderRenew',
  'SaveSingleTaskForCreatingOrderRenew',
]);

interface Parsed {
  action: string;
  version: string;
  operation: Operation;
  /** Parameters handed to the operation: query + form body. */
  params: Params;
  auth: AuthInput;
  v3: boolean;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Routing and gateway checks that come before authentication (Action, Version, Format, method). */
function parseRequest(req: IncomingMessage, url: URL, body: Buffer): Parsed {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    throw new SandboxApiError(400, 'UnsupportedHTTPMethod', `HTTP method ${method} is not supported; use GET or POST.`);
  }
  const query = Object.fromEntries(url.searchParams);
  const isForm = (headerOf(req, 'content-type') ?? '').toLowerCase().includes('application/x-www-form-urlencoded');
  const form = isForm ? parseForm(body) : {};
  const params = { ...query, ...form };
  const v3 = isV3(req.headers);
  const action = v3 ? headerOf(req, 'x-acs-action') : params.Action;
  const version = v3 ? headerOf(req, 'x-acs-version') : params.Version;
  if (!action) throw missingParameter(v3 ? 'x-acs-action' : 'Action');
  if (!version) throw missingParameter(v3 ? 'x-acs-version' : 'Version');
  const operations = Object.hasOwn(OPERATIONS_BY_VERSION, version) ? OPERATIONS_BY_VERSION[version] : undefined;
  if (!operations) {
    throw new SandboxApiError(
      400,
      'NoSuchVersion',
      `Specified api version ${version} is not valid; use ${Object.keys(OPERATIONS_BY_VERSION).join(' or ')}.`,
    );
  }
  const format = params.Format;
  if (format !== undefined && !['json', 'xml'].includes(format.toLowerCase())) {
    throw new SandboxApiError(400, 'InvalidParameter.Format', `Specified parameter Format "${format}" is not valid.`);
  }
  const operation = Object.hasOwn(operations, action) ? operations[action] : undefined;
  if (!operation) throw invalidAction(action);
  return {
    action,
    version,
    operation,
    params,
    v3,
    auth: { method, path: url.pathname, headers: req.headers, params: v3 ? query : params, rawBody: body },
  };
}

function invalidAction(action: string): SandboxApiError {
  return new SandboxApiError(
    404,
    'InvalidAction.NotFound',
    `Specified api ${action} is not found, please check your url and method.`,
  );
}

/**
 * A switched-off Action (faults.refusals): 404 InvalidAction.NotFound, 403 Forbidden.RAM, or an HTTP 200 body with
 * Success:false (returned, for the caller to send). Nothing executes.
 */
function refuse(how: SandboxRefusal, parsed: Parsed, requestId: string): Record<string, unknown> {
  if (how === 'InvalidAction') throw invalidAction(parsed.action);
  if (how === 'Forbidden') {
    throw new SandboxApiError(
      403,
      'Forbidden.RAM',
      `User not authorized to operate on the specified resource: no permission for ${parsed.action}.`,
    );
  }
  return buildSuccessFalseBody(requestId, parsed.version);
}

/**
 * Answers one Domain API request: route, authenticate, inject faults, execute, answer (or drop the answer).
 * Any failure becomes an Alibaba-style error body; an unexpected one becomes 500 InternalError, never a crash.
 */
export async function handleApiRequest(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<void> {
  const requestId = createRequestId();
  // Error bodies name the product's host; Domain until the request's Version says otherwise.
  let product = productOf(DOMAIN_VERSION);
  countRequest(rt, 'total');
  try {
    const parsed = parseRequest(req, url, body);
    product = productOf(parsed.version);
    // The key id picks the account (and whether it is its read-only key). An unknown one is checked against the
    // primary key pair, so that it fails exactly as before: InvalidAccessKeyId.NotFound, after the timestamp check.
    const found = findAccountByKeyId(rt.accounts, claimedKeyId(parsed.auth, parsed.v3));
    const account = found?.account ?? (rt.accounts[0] as ModelAccount);
    const readOnly = found?.readOnly ?? false;
    try {
      const creds = readOnly ? account.readOnlyCreds : account.creds;
      (parsed.v3 ? verifyV3 : verifyV1)(parsed.auth, creds, rt.nonces, Date.now());
    } catch (err) {
      countRequest(rt, 'authFailed');
      throw err;
    }
    countRequest(rt, parsed.action);
    if (readOnly && PAID_ACTIONS.has(parsed.action)) {
      countRequest(rt, 'forbidden');
      throw new SandboxApiError(
        403,
        'Forbidden.RAM',
        `User not authorized to operate on the specified resource: the read-only key has no permission for ${parsed.action}.`,
      );
    }
    const faults = rt.faults;
    const refusal = faults.refusals && Object.hasOwn(faults.refusals, parsed.action) && faults.refusals[parsed.action];
    if (refusal) {
      countRequest(rt, 'refused');
      sendJson(res, 200, refuse(refusal, parsed, requestId), requestId);
      return;
    }
    if (faults.latencyMs > 0 && appliesTo(faults, parsed.action)) {
      recordFault(rt, 'latency', parsed.action);
      await rt.sleeper.sleep(faults.latencyMs);
    }
    const fault = decideFault(faults, parsed.action, rt.rng);
    if (fault === 'throttle') {
      countRequest(rt, 'throttled');
      recordFault(rt, 'throttle', parsed.action);
      throw new SandboxApiError(400, 'Throttling.User', 'Request was denied due to user flow control.');
    }
    if (fault === 'error') {
      countRequest(rt, 'errored');
      recordFault(rt, 'error', parsed.action);
      throw new SandboxApiError(
        503,
        'ServiceUnavailable',
        'The request has failed due to a temporary failure of the server.',
      );
    }
    const effects = decideEffects(faults, parsed.action, rt.rng, fault);
    const model = account.model;
    model.settle();
    const operation = parsed.operation;
    let answer: Record<string, unknown>;
    try {
      answer = operation({
        model,
        params: parsed.params,
        requestId,
        clientIp: req.socket.remoteAddress ?? '127.0.0.1',
        maxPageSize: rt.maxPageSize,
        maxBatch: rt.maxBatch,
        effects,
      });
      if (effects.shiftDomains) recordFault(rt, 'pageShift', parsed.action);
      if (effects.flipNames) recordFault(rt, 'nameFlip', parsed.action);
    } finally {
      // A lost response loses whatever the request produced, error answers included; the effect stays.
      if (fault === 'lose') {
        countRequest(rt, 'lost');
        recordFault(rt, 'lose', parsed.action);
        req.socket.destroy();
      }
    }
    // Executed (the task exists, the effects happen), yet the caller is told it failed.
    if (effects.executeThenFail) {
      countRequest(rt, 'executeThenFailed');
      recordFault(rt, 'executeThenFail', parsed.action);
      const code = faults.executeThenFailCode;
      throw new SandboxApiError(faults.executeThenFailStatus, code, executeThenFailMessage(code));
    }
    sendJson(res, 200, answer, requestId);
  } catch (err) {
    if (err instanceof SandboxApiError) {
      sendJson(res, err.status, buildErrorBody(requestId, err.apiCode, err.message, product), requestId);
      return;
    }
    sendJson(
      res,
      500,
      buildErrorBody(
        requestId,
        'InternalError',
        'The request processing has failed due to some unknown error, exception or failure.',
        product,
      ),
      requestId,
    );
  }
}
