// A TCP relay to a database server that a test can cut (every connection dropped, new ones
// refused) and restore on the same port: PostgreSQL out of reach for a while, deterministically.
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type DatabaseRelay = {
  /** `target` with the relay's address in place of the server's. */
  url(): string;
  cut(): Promise<void>;
  restore(): Promise<void>;
};

export async function databaseRelay(target: URL): Promise<DatabaseRelay> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  };
  await listen();
  return {
    url: () => {
      const url = new URL(target.toString());
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    async cut() {
      const closed = new Promise((resolve) => server!.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    restore: listen,
  };
}
