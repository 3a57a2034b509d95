// The database as a Fastify plugin: the app owns the store it is given and closes it last, when
// everything registered after it (ledger, Chat client, runners, routes) has closed.
import fp from 'fastify-plugin';
import type { Store } from '../store/database';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

export const storePlugin = fp<{ store: Store }>(
  async (app, { store }) => {
    app.decorate('store', store);
    app.addHook('onClose', async () => store.close());
  },
  { name: 'markdesk-store', fastify: '5.x' },
);
