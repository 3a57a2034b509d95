// What the shared rule accepts is what SQLite keeps: for any storable reason, custom mark and label
// description, the row read back holds exactly the text written, and re-hashing the raw row gives
// the hash stored with it (so the audit chain keeps verifying).
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storableString } from '../../shared/text/storable-arbitraries';
import { isStorableText } from '../../shared/text/storable';
import { recordEntries } from './audit';
import { keyedChainHash } from './audit-chain';
import { type Store } from './database';
import { createFakeClock } from '../testing/fake-clock';
import { getLabels, replaceLabels } from './labels';
import { rawGet } from '../testing/raw-sql';
import { openTestStore } from '../testing/test-store';

let store: Store;
beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await store.close();
});

// Guarded by the predicate itself, so the property covers exactly what the API lets in.
const accepted = storableString.filter(isStorableText);

type RawAuditRow = Parameters<typeof keyedChainHash>[2] & { prev_hash: string; hash: string };

describe('storable text at the storage level', () => {
  it('an audit entry holds its reason, custom mark and message exactly, and its raw row re-hashes to the stored hash', async () => {
    const clock = createFakeClock('2026-11-20T08:00:00.000Z');
    await fc.assert(
      fc.asyncProperty(accepted, accepted, accepted, async (reason, customMark, description) => {
        const [id] = await recordEntries(
          store,
          [
            {
              staff: 'rita',
              chatUser: 'minji.kim',
              conversation: { type: 'c2c', id: 'jiwoo.park' },
              requested: { setBits: [32], clearBits: [], customMark },
              before: { bits: [], customMark: '' },
              after: { bits: [32], customMark },
              status: 'applied',
              // A label description stands in for an admin's free text in an entry's message.
              message: description,
              reason,
              requestId: 'req-text',
            },
          ],
          clock,
        );
        const row = (await rawGet(store, 'SELECT * FROM audit WHERE id = ?', [id])) as RawAuditRow;
        expect(row.reason).toBe(reason);
        expect(row.message).toBe(description);
        expect(JSON.parse(row.requested_json as string)).toMatchObject({ customMark });
        expect(JSON.parse(row.after_json as string)).toMatchObject({ customMark });
        const { prev_hash: prevHash, hash, ...content } = row;
        expect(keyedChainHash(store.auditKey, prevHash, content)).toBe(hash);
      }),
    );
  });

  it('a label description is read back exactly as written', async () => {
    await fc.assert(
      fc.asyncProperty(accepted, async (description) => {
        await replaceLabels(store, { '32': { name: 'VIP', description } });
        const raw = (await rawGet(store, 'SELECT description FROM mark_labels WHERE bit = 32')) as { description: string };
        // The store trims, as the request schema does before it gets there.
        expect(raw.description).toBe(description.trim());
        expect((await getLabels(store.read))['32']?.description).toBe(description.trim());
      }),
      // Each run replaces the whole table in a transaction: fewer runs keep it quick.
      { numRuns: 50 },
    );
  });
});
