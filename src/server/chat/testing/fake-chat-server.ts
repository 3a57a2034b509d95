// A throwaway Chat REST upstream for the client's tests: real HTTP on 127.0.0.1, a scripted
// answer per request. Not the emulator: it models nothing, it only records and replies.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RecordedRequest = {
  method: string;
  /** `service/command` from /v4/{service}/{command}. */
  command: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  rawBody: string;
  body: unknown;
};

/** Close the connection without answering (a reset, as far as the client can tell). */
export const DESTROY_SOCKET = Symbol('destroy socket');
/** Answer with an HTTP status and a raw body instead of a JSON envelope. */
export type RawReply = { status: number; rawBody: string };

export type Reply = Record<string, unknown> | RawReply | typeof DESTROY_SOCKET;
export type FakeHandler = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

export type FakeChatServer = {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
};

export function ok(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ErrorDisplay: '', ...fields };
}

export function fail(code: number, info = 'failure'): Record<string, unknown> {
  return { ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info, ErrorDisplay: '' };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (part: Buffer) => chunks.push(part));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function isRawReply(reply: Reply): reply is RawReply {
  return typeof reply === 'object' && 'status' in reply && 'rawBody' in reply;
}

export async function startFakeChatServer(handler: FakeHandler): Promise<FakeChatServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const rawBody = await readBody(request);
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      command: url.pathname.replace(/^.*\/v4\//, ''),
      path: url.pathname,
      query: url.searchParams,
      contentType: request.headers['content-type'],
      rawBody,
      body,
    };
    const index = requests.length;
    requests.push(recorded);
    const reply = await handler(recorded, index);
    if (reply === DESTROY_SOCKET) {
      request.socket.destroy();
      return;
    }
    if (isRawReply(reply)) {
      response.writeHead(reply.status, { 'content-type': 'text/plain' });
      response.end(reply.rawBody);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of sockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
