// Requests that arrive too slowly are cut off: real sockets against a listening app, with the
// app's timeouts shortened through the same option main.ts leaves at its defaults. Each test waits
// for the server to close the socket (its 'close' event), never for a length of time.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
let port: number;
let editorCookie: string;

beforeAll(async () => {
  bff = await startTestBff({ timeouts: { headersMs: 300, bodyMs: 300, checkIntervalMs: 50 } });
  editorCookie = await bff.signIn('editor');
  port = Number(new URL(await bff.app.listen({ host: '127.0.0.1', port: 0 })).port);
});
afterAll(() => bff.close());

type Client = { socket: Socket; received: () => string; closed: Promise<void> };

async function open(): Promise<Client> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let raw = '';
  socket.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => raw, closed };
}

/** Writes one byte of `text` at a time until the socket closes or the text runs out. */
function trickle(client: Client, text: string): void {
  let next = 0;
  const timer = setInterval(() => {
    if (client.socket.destroyed || next >= text.length) return clearInterval(timer);
    client.socket.write(text[next++]!);
  }, 20);
  void client.closed.then(() => clearInterval(timer));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const writeHeaders = (origin: string) => ['X-Requested-By: markdesk', `Origin: ${origin}`];

describe('request timeouts', () => {
  it('closes a sign-in whose body trickles in', async () => {
    const client = await open();
    const body = JSON.stringify({ username: 'viewer', password: 'x'.repeat(200) });
    client.socket.write(head(['POST /api/session HTTP/1.1', 'Host: markdesk', 'Content-Type: application/json', `Content-Length: ${body.length}`, ...writeHeaders(bff.origin)]));
    trickle(client, body);
    await client.closed;
    expect(bff.logs.some((line) => line.includes('"event":"request_timeout"'))).toBe(true);
  });

  it('closes a refused request whose body goes on trickling after the refusal', async () => {
    const client = await open();
    client.socket.write(head(['PUT /api/mark-labels HTTP/1.1', 'Host: markdesk', 'Content-Type: application/json', 'Content-Length: 5000', ...writeHeaders(bff.origin)]));
    trickle(client, '{"labels":{}}'.padEnd(5000, ' '));
    await until(() => client.received().includes('\r\n\r\n'));
    expect(client.received()).toMatch(/^HTTP\/1\.1 401 /);
    await client.closed;
  });

  it('closes a connection whose headers trickle in', async () => {
    const client = await open();
    trickle(client, 'GET /api/health HTTP/1.1\r\nHost: markdesk\r\nX-Slow: ' + 'y'.repeat(500));
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('gives a signed-in editor’s CSV upload longer than other bodies', async () => {
    const csv = 'chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark\nminji.kim,c2c,jiwoo.park,1,,,\n';
    const upload = await open();
    upload.socket.write(
      head(['POST /api/jobs HTTP/1.1', 'Host: markdesk', 'Content-Type: text/csv', `Content-Length: ${Buffer.byteLength(csv)}`, `Cookie: ${editorCookie}`, ...writeHeaders(bff.origin)]),
    );
    upload.socket.write(csv.slice(0, 10));
    await until(() => bff.logs.some((line) => line.includes('"url":"/api/jobs"') && line.includes('incoming request')));
    // A stranger's trickle that starts later is cut off first…
    const stranger = await open();
    stranger.socket.write(head(['POST /api/session HTTP/1.1', 'Host: markdesk', 'Content-Type: application/json', 'Content-Length: 100', ...writeHeaders(bff.origin)]));
    trickle(stranger, '{"username":"x"'.padEnd(100, ' '));
    await stranger.closed;
    // …while the upload, begun earlier, is still open and is answered once it is complete.
    expect(upload.socket.destroyed).toBe(false);
    // write, not end: a half-closed socket may be closed by the server before the check (which reads Chat) answers.
    upload.socket.write(csv.slice(10));
    await until(() => upload.received().includes('\r\n\r\n'));
    expect(upload.received()).toMatch(/^HTTP\/1\.1 201 /);
    upload.socket.destroy();
  });
});

describe('the log of cut-off connections', () => {
  it('has no error lines or stack traces, only the one warning per connection cut', () => {
    const lines = bff.logs.map((line) => JSON.parse(line) as { level: number; event?: string; err?: unknown });
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(bff.logs.filter((line) => line.includes('"stack"'))).toEqual([]);
  });
});
