import { type HttpPost, HttpTimeoutError } from '../../lib/http-post';

/**
 * An HttpPost (lib/http-post.ts) over a fetch function: for unit tests whose registrar is a fetch stand-in answering
 * from a function of the request. The timeout aborts the fetch and reads as HttpTimeoutError, as the real one does.
 */
export function postViaFetch(fetchImpl: typeof fetch): HttpPost {
  return async (request) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeoutMs);
    try {
      const response = await fetchImpl(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      const text = await response.text();
      return {
        status: response.status,
        header: (name) => response.headers.get(name) ?? undefined,
        text: Buffer.byteLength(text) > request.maxBytes ? undefined : text,
      };
    } catch (err) {
      if (controller.signal.aborted) throw new HttpTimeoutError(`no answer within ${request.timeoutMs} ms`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
}
