import { randomUUID } from 'node:crypto';
import { AutorenewError, nameErrorClasses } from '../errors';

/** The host the sandbox claims to be in error bodies (`HostId`), like the real endpoint. */
export const HOST_ID = 'domain.aliyuncs.com';

/**
 * An error answer of the simulated API: HTTP status plus the Alibaba `Code`/`Message`.
 * Thrown inside request handling and turned into an error body by the server; it never leaves the sandbox.
 */
export class SandboxApiError extends AutorenewError {
  readonly status: number;
  readonly apiCode: string;
  constructor(status: number, code: string, message: string) {
    super(message, { code, httpStatus: status });
    this.status = status;
    this.apiCode = code;
  }
}
nameErrorClasses({ SandboxApiError });

/** A fresh RequestId in the service's style: upper-case UUID. */
export function createRequestId(): string {
  return randomUUID().toUpperCase();
}

/** The product an answer comes from: its public host (`HostId`) and its name in troubleshooting links. */
export interface Product {
  host: string;
  name: string;
}

/** The JSON error body the gateway sends: `{RequestId, HostId, Code, Message, Recommend}` (default: Domain). */
export function buildErrorBody(
  requestId: string,
  code: string,
  message: string,
  product: Product = { host: HOST_ID, name: 'Domain' },
): Record<string, string> {
  return {
    RequestId: requestId,
    HostId: product.host,
    Code: code,
    Message: message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=${product.name}&requestId=${requestId}`,
  };
}

/**
 * An HTTP 200 answer saying the operation did not run: the Domain API's `{Success:false, ErrorCode, ErrorMsg}`
 * (QueryDomainRealTimePrice's model), or BSS's `{Success:false, Code, Message}` for version 2017-12-14.
 */
export function buildSuccessFalseBody(requestId: string, version: string): Record<string, unknown> {
  if (version === '2017-12-14') {
    return {
      RequestId: requestId,
      Success: false,
      Code: 'NotApplicable',
      Message: 'This API is not applicable for caller.',
    };
  }
  return {
    RequestId: requestId,
    Success: false,
    HttpStatusCode: 200,
    ErrorCode: '3002',
    ErrorMsg: '非法参数', // "invalid parameter", the model's example
    Synchro: false,
  };
}

/** 400 `MissingParameter` naming the parameter. */
export function missingParameter(name: string): SandboxApiError {
  return new SandboxApiError(400, 'MissingParameter', `${name} is mandatory for this action.`);
}

/** 400 `InvalidParameter` naming the parameter and saying what was expected. */
export function invalidParameter(name: string, expected: string): SandboxApiError {
  return new SandboxApiError(400, 'InvalidParameter', `Specified parameter ${name} is not valid: ${expected}.`);
}

/** 400 `ParameterIllegal` (the Domain product's own code for out-of-range values). */
export function parameterIllegal(name: string, why: string): SandboxApiError {
  return new SandboxApiError(400, 'ParameterIllegal', `Parameter illegal. ${name}: ${why}.`);
}
