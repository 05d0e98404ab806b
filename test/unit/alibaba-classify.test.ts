import { type AttemptFailure, classifyFailure, type FailureClass } from '../../lib/alibaba/classify';

describe('classifyFailure', () => {
  const cases: Array<[string, AttemptFailure, FailureClass]> = [
    ['Throttling 400', { kind: 'http', httpStatus: 400, code: 'Throttling' }, 'retryable'],
    ['Throttling.User 400', { kind: 'http', httpStatus: 400, code: 'Throttling.User' }, 'retryable'],
    ['Throttling.Api 400', { kind: 'http', httpStatus: 400, code: 'Throttling.Api' }, 'retryable'],
    [
      'Throttling code on a 503 is still a refusal',
      { kind: 'http', httpStatus: 503, code: 'Throttling.User' },
      'retryable',
    ],
    ['SignatureNonceUsed', { kind: 'http', httpStatus: 400, code: 'SignatureNonceUsed' }, 'retryable'],
    ['InvalidTimeStamp.Expired', { kind: 'http', httpStatus: 400, code: 'InvalidTimeStamp.Expired' }, 'retryable'],
    ['TaskIsBeingProcessed', { kind: 'http', httpStatus: 400, code: 'TaskIsBeingProcessed' }, 'retryable'],
    ['Busy', { kind: 'http', httpStatus: 400, code: 'Busy' }, 'retryable'],
    ['HTTP 429 without code', { kind: 'http', httpStatus: 429 }, 'retryable'],
    ['HTTP 429 with unknown code', { kind: 'http', httpStatus: 429, code: 'TooMany' }, 'retryable'],
    ['connection refused', { kind: 'network', networkCode: 'ECONNREFUSED' }, 'retryable'],
    ['DNS failure', { kind: 'network', networkCode: 'ENOTFOUND' }, 'retryable'],
    [
      'certificate for another host (setup error)',
      { kind: 'network', networkCode: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      'final',
    ],
    ['DNS temporary failure', { kind: 'network', networkCode: 'EAI_AGAIN' }, 'retryable'],
    ['InvalidAccessKeyId.NotFound 404', { kind: 'http', httpStatus: 404, code: 'InvalidAccessKeyId.NotFound' }, 'auth'],
    ['InvalidAccessKeyId.Inactive', { kind: 'http', httpStatus: 400, code: 'InvalidAccessKeyId.Inactive' }, 'auth'],
    ['SignatureDoesNotMatch 400', { kind: 'http', httpStatus: 400, code: 'SignatureDoesNotMatch' }, 'auth'],
    ['SignatureDoesNotMatch 403', { kind: 'http', httpStatus: 403, code: 'SignatureDoesNotMatch' }, 'auth'],
    ['IncompleteSignature', { kind: 'http', httpStatus: 400, code: 'IncompleteSignature' }, 'auth'],
    ['InvalidSecurityToken.Expired', { kind: 'http', httpStatus: 400, code: 'InvalidSecurityToken.Expired' }, 'auth'],
    ['ParameterIllegal', { kind: 'http', httpStatus: 400, code: 'ParameterIllegal' }, 'final'],
    ['InvalidTimeStamp.Format', { kind: 'http', httpStatus: 400, code: 'InvalidTimeStamp.Format' }, 'final'],
    // An authorisation refusal: the key, not the request, is at fault; the run stops (issue 12, item 8).
    ['Forbidden.RAM', { kind: 'http', httpStatus: 403, code: 'Forbidden.RAM' }, 'auth'],
    ['DomainNotExist', { kind: 'http', httpStatus: 400, code: 'DomainNotExist' }, 'final'],
    ['ThrottlingX is not a Throttling code', { kind: 'http', httpStatus: 400, code: 'ThrottlingX' }, 'final'],
    ['4xx without code', { kind: 'http', httpStatus: 404 }, 'final'],
    ['NetworkIOError with 400', { kind: 'http', httpStatus: 400, code: 'NetworkIOError' }, 'ambiguous'],
    ['500 InternalError', { kind: 'http', httpStatus: 500, code: 'InternalError' }, 'ambiguous'],
    ['500 without code', { kind: 'http', httpStatus: 500 }, 'ambiguous'],
    ['503 ServiceUnavailable', { kind: 'http', httpStatus: 503, code: 'ServiceUnavailable' }, 'ambiguous'],
    ['redirect', { kind: 'http', httpStatus: 302 }, 'ambiguous'],
    ['timeout', { kind: 'timeout' }, 'ambiguous'],
    ['connection reset', { kind: 'network', networkCode: 'ECONNRESET' }, 'ambiguous'],
    ['socket closed by peer', { kind: 'network', networkCode: 'UND_ERR_SOCKET' }, 'ambiguous'],
    ['unknown network error', { kind: 'network' }, 'ambiguous'],
    ['non-JSON 200', { kind: 'invalid-body', httpStatus: 200 }, 'ambiguous'],
  ];
  it.each(cases)('%s -> %s', (_name, failure, expected) => {
    expect(classifyFailure(failure)).toBe(expected);
  });
});

// Issue 12, item 5: a paid call's error answer is a refusal only on an allow-list; everything else may have executed.
describe('classifyFailure for paid calls', () => {
  const cases: Array<[string, AttemptFailure, FailureClass]> = [
    [
      'InternalError.Backend 400 (seen after an executed order)',
      { kind: 'http', httpStatus: 400, code: 'InternalError.Backend' },
      'ambiguous',
    ],
    ['DomainNotExist 400', { kind: 'http', httpStatus: 400, code: 'DomainNotExist' }, 'ambiguous'],
    ['4xx without code', { kind: 'http', httpStatus: 404 }, 'ambiguous'],
    ['TaskIsBeingProcessed', { kind: 'http', httpStatus: 400, code: 'TaskIsBeingProcessed' }, 'ambiguous'],
    ['Busy', { kind: 'http', httpStatus: 400, code: 'Busy' }, 'ambiguous'],
    ['NetworkIOError 400', { kind: 'http', httpStatus: 400, code: 'NetworkIOError' }, 'ambiguous'],
    ['Throttling.User', { kind: 'http', httpStatus: 400, code: 'Throttling.User' }, 'retryable'],
    ['HTTP 429', { kind: 'http', httpStatus: 429 }, 'retryable'],
    ['HTTP 429 Throttling.User', { kind: 'http', httpStatus: 429, code: 'Throttling.User' }, 'retryable'],
    // A 429 whose body names another code is that code's answer: only the allow-list proves nothing executed.
    ['HTTP 429 SignatureNonceUsed', { kind: 'http', httpStatus: 429, code: 'SignatureNonceUsed' }, 'ambiguous'],
    ['HTTP 429 TaskIsBeingProcessed', { kind: 'http', httpStatus: 429, code: 'TaskIsBeingProcessed' }, 'ambiguous'],
    ['HTTP 429 InternalError', { kind: 'http', httpStatus: 429, code: 'InternalError' }, 'ambiguous'],
    ['HTTP 429 unknown code', { kind: 'http', httpStatus: 429, code: 'TooMany' }, 'ambiguous'],
    // Every attempt signs a fresh nonce: "used" means a copy of these very bytes reached the gateway before, and that
    // copy may have executed (review 2026-12-03).
    ['SignatureNonceUsed', { kind: 'http', httpStatus: 400, code: 'SignatureNonceUsed' }, 'ambiguous'],
    ['InvalidTimeStamp.Expired', { kind: 'http', httpStatus: 400, code: 'InvalidTimeStamp.Expired' }, 'retryable'],
    ['SignatureDoesNotMatch', { kind: 'http', httpStatus: 400, code: 'SignatureDoesNotMatch' }, 'auth'],
    ['InvalidAccessKeyId.NotFound', { kind: 'http', httpStatus: 404, code: 'InvalidAccessKeyId.NotFound' }, 'auth'],
    ['Forbidden.RAM', { kind: 'http', httpStatus: 403, code: 'Forbidden.RAM' }, 'auth'],
    ['MissingParameter.DomainName', { kind: 'http', httpStatus: 400, code: 'MissingParameter.DomainName' }, 'final'],
    ['InvalidParameter', { kind: 'http', httpStatus: 400, code: 'InvalidParameter' }, 'final'],
    ['ParameterIllegal', { kind: 'http', httpStatus: 400, code: 'ParameterIllegal' }, 'final'],
    ['500 InternalError', { kind: 'http', httpStatus: 500, code: 'InternalError' }, 'ambiguous'],
    ['timeout', { kind: 'timeout' }, 'ambiguous'],
    ['connection refused (never sent)', { kind: 'network', networkCode: 'ECONNREFUSED' }, 'retryable'],
  ];
  it.each(cases)('%s -> %s', (_name, failure, expected) => {
    expect(classifyFailure(failure, true)).toBe(expected);
  });
});
