// The audit chain's head in the server log (store/audit-head.ts) as a Fastify plugin: logged at
// start, checked every second, and logged once more at shutdown, after the ledger's last commits
// and before the database closes.
import fp from 'fastify-plugin';
import { createHeadAnchor } from '../store/audit-head';
import { type Clock } from '../clock';

export const auditHeadPlugin = fp<{ clock: Clock }>(
  async (app, { clock }) => {
    const anchor = await createHeadAnchor({
      store: app.store,
      clock,
      log: (fields, message) => app.log.info(fields, message),
      onError: (error) => app.log.warn({ event: 'audit_head_check_failed', err: error }, 'the audit chain head could not be read; trying again in a second'),
    });
    app.addHook('onReady', async () => anchor.start());
    app.addHook('onClose', async () => {
      anchor.stop();
      await anchor.flush();
    });
  },
  { name: 'markdesk-audit-head', fastify: '5.x', dependencies: ['markdesk-store'] },
);
