import { startSandbox, type RunningSandbox } from '../../server/sandbox';
import { startTestServer, type TestServer } from '../support/server';
import { destroyAll, exchange, type RawResponse } from './raw-client';

/**
 * Requests Node's HTTP parser refuses before any route sees them are answered in the API's
 * error shape by the backend and by the standalone sandbox alike, and the connection closed.
 */
const HOST = 'Host: 127.0.0.1\r\n';
const CASES: [string, number, string, string][] = [
  ['a control character in a header value', 400, 'invalid_request', `GET /healthz HTTP/1.1\r\n${HOST}X-Note: a\x01b\r\n\r\n`],
  ['NUL in a header value', 400, 'invalid_request', `GET /healthz HTTP/1.1\r\n${HOST}X-Note: a\x00b\r\n\r\n`],
  ['a space in a header name', 400, 'invalid_request', `GET /healthz HTTP/1.1\r\n${HOST}X Note: b\r\n\r\n`],
  [
    'Content-Length together with Transfer-Encoding',
    400,
    'invalid_request',
    `POST /healthz HTTP/1.1\r\n${HOST}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
  ],
  ['a garbage request line', 400, 'invalid_request', 'HELLO THERE\r\n\r\n'],
  ['TLS spoken to the plain HTTP port', 400, 'invalid_request', '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03'],
  ['headers over 16 KiB', 431, 'headers_too_large', `GET /healthz HTTP/1.1\r\n${HOST}X-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`],
  ['HTTP/1.1 without Host', 400, 'invalid_request', 'GET /healthz HTTP/1.1\r\n\r\n'],
];

function expectErrorAnswer(response: RawResponse | undefined, status: number, code: string): void {
  expect(response).toBeDefined();
  const { headers, body } = response!;
  expect(response!.status).toBe(status);
  expect(headers['content-type']).toMatch(/^application\/json/);
  expect(headers.connection).toBe('close');
  expect(Number(headers['content-length'])).toBe(Buffer.byteLength(body));
  expect(JSON.parse(body)).toEqual({ error: { code, message: expect.stringMatching(/\w/) } });
}

afterEach(destroyAll);

describe.each([
  ['the backend', async () => startTestServer({ env: { REQUEST_TIMEOUT_MS: '500' } })],
  ['the standalone sandbox', async () => startSandbox({ requestTimeoutMs: 500 })],
] as [string, () => Promise<TestServer | RunningSandbox>][])('%s', (_name, start) => {
  let server: TestServer | RunningSandbox;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(() => server.close());

  it.each(CASES)('%s: %i %s, then the connection is closed', async (_what, status, code, request) => {
    const result = await exchange(server.url, request, 3000);
    expect(result.responses).toHaveLength(1);
    expectErrorAnswer(result.responses[0], status, code);
    expect(result.closedByServer).toBe(true);
  });

  it('chunk extensions over 16 KiB in a body: 413 payload_too_large', async () => {
    const path = 'sandboxUrl' in server ? '/api/latipay/notify' : '/sandbox/faults';
    const request =
      `POST ${path} HTTP/1.1\r\n${HOST}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `1;ext=${'a'.repeat(20 * 1024)}\r\n{\r\n0\r\n\r\n`;
    const result = await exchange(server.url, request, 3000);
    expectErrorAnswer(result.responses[0], 413, 'payload_too_large');
  });

  it('headers that do not arrive within the request timeout: 408 request_timeout', async () => {
    const result = await exchange(server.url, `GET /healthz HTTP/1.1\r\n${HOST}`, 3000);
    expectErrorAnswer(result.responses[0], 408, 'request_timeout');
    expect(JSON.parse(result.responses[0].body).error.message).toContain('500 ms');
  });
});

describe('the backend log', () => {
  it('has one line per transport error, with its code and nothing it received', async () => {
    const server = await startTestServer();
    try {
      const secret = 'Bearer transport-secret-0123456789';
      const result = await exchange(server.url, `GET /healthz HTTP/1.1\r\n${HOST}Authorization: ${secret}\r\nX-Note: a\x00b\r\n\r\n`, 3000);
      expect(result.responses[0].status).toBe(400);
      const lines = server.logEntries().filter((entry) => entry.msg === 'transport error answered');
      expect(lines).toEqual([expect.objectContaining({ statusCode: 400, errorCode: 'HPE_INVALID_HEADER_TOKEN' })]);
      expect(server.logs.join('\n')).not.toContain('transport-secret');
    } finally {
      await server.close();
    }
  });
});
