import {
  buildChatRequest,
  type ChatMessage,
  CUT_POINTER,
  cutText,
  digestId,
  dingtalkSign,
  feishuSign,
  readChatAnswer,
  TEXT_LIMITS,
} from '../../lib/notify/chat/formats';

const MESSAGE: ChatMessage = {
  id: 'd1',
  subject: '[autorenew] 1 failed (check)',
  text: 'autorenew check run r at 2025-03-01 06:00 UTC: 1 failed\n\nFailed (1): x\n- example.com: reason: Insufficient balance',
  event: 'failed',
  severity: 'alert',
};

describe('signatures (vectors computed independently with Python hmac/hashlib)', () => {
  it('DingTalk: HMAC-SHA256(key=secret, timestamp\\nsecret), base64, URL-encoded in the query', () => {
    expect(dingtalkSign(1700000000000, 'SEC0123456789abcdef')).toBe('TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=');
    const req = buildChatRequest(
      'dingtalk',
      MESSAGE,
      { url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SEC0123456789abcdef' },
      1700000000000,
    );
    expect(req.url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D',
    );
  });

  it('Feishu/Lark: HMAC-SHA256(key=timestamp\\nsecret, empty message), base64, timestamp in seconds in the body', () => {
    expect(feishuSign(1700000000, 'feishu-secret-xyz')).toBe('RpXbw7bncheMXKEHLeETmnhcqsBrZOUBOwyPTuLV4ic=');
    const req = buildChatRequest(
      'feishu',
      MESSAGE,
      { url: 'https://open.feishu.cn/open-apis/bot/v2/hook/x', secret: 'feishu-secret-xyz' },
      1700000000999,
    );
    const body = JSON.parse(req.body);
    expect(body.timestamp).toBe('1700000000');
    expect(body.sign).toBe('RpXbw7bncheMXKEHLeETmnhcqsBrZOUBOwyPTuLV4ic=');
  });

  it('no secret: no signature fields at all', () => {
    const ding = buildChatRequest('dingtalk', MESSAGE, { url: 'https://h/robot/send?access_token=a' }, 1);
    expect(ding.url).toBe('https://h/robot/send?access_token=a');
    expect(JSON.parse(buildChatRequest('feishu', MESSAGE, { url: 'https://h/x' }, 1).body)).not.toHaveProperty('sign');
    expect(buildChatRequest('webhook', MESSAGE, { url: 'https://h/x' }, 1).headers).not.toHaveProperty(
      'x-autorenew-signature',
    );
  });
});

describe('formats', () => {
  it('WeCom: msgtype markdown with a heading; a leading # of a digest line cannot become a heading', () => {
    const req = buildChatRequest('wecom', { ...MESSAGE, text: '# not a heading\nline' }, { url: 'https://h/x' }, 0);
    expect(JSON.parse(req.body)).toEqual({
      msgtype: 'markdown',
      markdown: { content: '### [autorenew] 1 failed (check)\n\\# not a heading\nline' },
    });
  });

  it.each(['wecom', 'dingtalk'] as const)(
    '%s: registrar text cannot become a link, an image or markup (review 2026-12-03)',
    (kind) => {
      const hostile =
        '- a.com: reason: [renew here](https://evil.example) ![x](https://evil.example/p.png) <font color="red">';
      const req = buildChatRequest(kind, { ...MESSAGE, text: hostile }, { url: 'https://h/x' }, 0);
      const body = JSON.stringify(JSON.parse(req.body));
      expect(body).not.toMatch(/\]\(/);
      expect(body).not.toContain('<font');
      expect(body).toContain('renew here'); // the words are kept
    },
  );

  it('Slack: header block, the digest as a code section, text fallback; <!channel> cannot ping anybody', () => {
    const req = buildChatRequest('slack', { ...MESSAGE, text: 'a <!channel> & ```b```' }, { url: 'https://h/x' }, 0);
    expect(JSON.parse(req.body)).toEqual({
      text: "[autorenew] 1 failed (check)\na &lt;!channel&gt; &amp; '''b'''",
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '[autorenew] 1 failed (check)' } },
        { type: 'section', text: { type: 'mrkdwn', text: "```\na &lt;!channel&gt; &amp; '''b'''\n```" } },
      ],
    });
  });
});

describe('DingTalk body size', () => {
  it('stays within 20 000 bytes as sent, escapes counted (whether the limit is the text or the body is UNCONFIRMED)', () => {
    // Registrar reasons full of quotes and backslashes: each takes two bytes in the JSON body.
    const line = `- d.example: reason: ${'"\\'.repeat(30)}`;
    const text = ['autorenew check run r: 400 failed', '', ...Array.from({ length: 400 }, () => line)].join('\n');
    const req = buildChatRequest('dingtalk', { ...MESSAGE, text }, { url: 'https://h/robot/send?access_token=a' }, 0);
    expect(Buffer.byteLength(req.body)).toBeLessThanOrEqual(20_000);
    // Cut at a line, saying how many were left.
    expect(JSON.parse(req.body).markdown.text).toMatch(/more line/);
  });
});

describe('webhook body', () => {
  it('carries the digest, or only the text when the digest JSON is very large', () => {
    const digest = { job: 'check' as const, runId: 'r', nowMs: 0, outcomes: [] };
    expect(
      JSON.parse(buildChatRequest('webhook', { ...MESSAGE, digest }, { url: 'https://h/x' }, 0).body).digest,
    ).toEqual(digest);
    const outcome = { domain: 'd.example', event: 'renewed' as const, batchId: 'b', oldExpiryMs: 0, years: 1 };
    const huge = { ...digest, outcomes: Array.from({ length: 8000 }, () => outcome) };
    const body = JSON.parse(buildChatRequest('webhook', { ...MESSAGE, digest: huge }, { url: 'https://h/x' }, 0).body);
    expect(body.digest).toBeNull();
    expect(body.digestOmitted).toBe('too large; the text and the email have it');
    expect(body.text).toBe(MESSAGE.text);
  });
});

describe('cutText', () => {
  it('keeps text that fits and cuts long text at a line, saying how much is left and where the rest is', () => {
    expect(cutText('a\nb', 10)).toBe('a\nb');
    const long = Array.from({ length: 500 }, (_, i) => `- d${i}.example.com: renewed`).join('\n');
    const cut = cutText(long, TEXT_LIMITS.wecom);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(TEXT_LIMITS.wecom);
    const lines = cut.split('\n');
    expect(lines.at(-1)).toBe(`... ${500 - (lines.length - 1)} more lines not shown. ${CUT_POINTER}`);
    expect(lines[0]).toBe('- d0.example.com: renewed');
  });

  it('cuts one huge line by characters without splitting a multi-byte one', () => {
    const cut = cutText('域'.repeat(5000), 1000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(1000);
    expect(cut).not.toContain('\ufffd');
    expect(cut.endsWith(CUT_POINTER)).toBe(true);
  });
});

describe('readChatAnswer: an HTTP 200 is not enough', () => {
  it.each([
    ['dingtalk', 200, '{"errcode":0,"errmsg":"ok"}', true],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', false],
    ['wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}', false],
    ['feishu', 200, '{"code":0,"msg":"success","data":{}}', true],
    ['feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}', true],
    ['feishu', 200, '{"code":19021,"msg":"sign match fail"}', false],
    ['feishu', 200, '<html>proxy</html>', false],
    ['slack', 200, 'ok', true],
    ['slack', 404, 'no_service', false],
    ['slack', 410, 'channel_is_archived', false],
    ['webhook', 204, '', true],
  ] as const)('%s %i %s -> ok=%s', (kind, status, body, ok) => {
    expect(readChatAnswer(kind, status, body).ok).toBe(ok);
  });

  it('rate limits and server errors are retried next run; a bad signature or token is not (it needs a person)', () => {
    expect(readChatAnswer('dingtalk', 200, '{"errcode":130101,"errmsg":"send too fast"}')).toEqual({
      ok: false,
      code: '130101',
      message: 'dingtalk error 130101: send too fast',
      retryable: true,
    });
    expect(readChatAnswer('wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}')).toMatchObject({
      retryable: true,
    });
    expect(readChatAnswer('slack', 503, 'x')).toMatchObject({ retryable: true });
    expect(readChatAnswer('dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}')).toMatchObject({
      retryable: false,
    });
  });
});

describe('digestId', () => {
  const line = { domain: 'a.com', event: 'failed' as const, batchId: 'b', oldExpiryMs: 0, years: 1 };

  it('of pending notices depends on their content, not on the run id or time (a later run renders them again)', () => {
    const digest = { job: 'check' as const, runId: 'a', nowMs: 1, outcomes: [line] };
    const a = digestId({ ...MESSAGE, digest });
    expect(digestId({ ...MESSAGE, digest: { ...digest, runId: 'b', nowMs: 2 } })).toBe(a);
    expect(digestId({ ...MESSAGE, digest: { ...digest, error: { message: 'x' } } })).not.toBe(a);
  });

  it('of a run error without lines differs by job and run: an error that comes back is told again (review 2026-12-03)', () => {
    const error = { job: 'renew' as const, runId: 'a', nowMs: 1, outcomes: [], error: { message: 'throttled' } };
    const a = digestId({ ...MESSAGE, digest: error });
    expect(digestId({ ...MESSAGE, digest: { ...error, job: 'check' } })).not.toBe(a);
    expect(digestId({ ...MESSAGE, digest: { ...error, runId: 'b' } })).not.toBe(a);
    // Pending lines a renew run could not deliver everywhere go out again with the next check: the same id.
    const lines = { job: 'renew' as const, runId: 'a', nowMs: 1, outcomes: [line] };
    expect(digestId({ ...MESSAGE, digest: { ...lines, job: 'check', runId: 'b' } })).toBe(
      digestId({ ...MESSAGE, digest: lines }),
    );
  });
});
