// The demo customers' own marks, so that a survey of the sandbox has something to find: 1,490
// customers, most with a few marked conversations (the one with the shop, heavy.user, first of
// all), some with dozens, a handful with hundreds and a few close to Chat's cap of 1,000.
// Seeded from its own PRNG after everything else, so the rest of the demo data stays as it was.
import { maskFromBits } from '../../shared/marks/mask';
import { createRandom } from '../random';
import type { EmulatorStore } from '../store';
import { CONTACT_TYPE_C2C, CONTACT_TYPE_GROUP, type ConversationRef } from '../validate';

const SEED = 20_261_117;
const DAY = 86_400;
const CUSTOM_BITS = [32, 33, 34, 35, 36, 40, 63] as const;
/** Bits 33 and 34 stay off the shop conversation: sandbox walk-throughs (and the browser tests) set them there with bulk jobs. */
const SHOP_CUSTOM_BITS = [32, 35, 36, 40, 63] as const;
const VALUES = ['VIP', 'follow up', 'refund asked', '재구매 고객', '배송 문의', '待回复', '老客户', 'nudged-2026-11'] as const;

/** How many other conversations a customer has marked: most a few, some dozens, a few hundreds or near the cap. */
function otherCount(random: ReturnType<typeof createRandom>): number {
  const roll = random.next();
  if (roll < 0.004) return random.int(900, 998);
  if (roll < 0.012) return random.int(150, 600);
  if (roll < 0.12) return random.int(10, 60);
  return random.int(0, 4);
}

export function seedCustomerMarks(
  store: EmulatorStore,
  options: { customers: readonly string[]; shop: string; groups: readonly string[]; baseTime: number },
): void {
  const random = createRandom(SEED);
  const { customers, shop, groups, baseTime } = options;
  for (const [index, customer] of customers.entries()) {
    if (random.chance(0.12)) continue; // no marks at all
    const mark = (conversation: ConversationRef, bits: number[], customMark: string) => {
      if (bits.length === 0 && customMark === '') return;
      store.upsertMark(customer, { ...conversation, mask: maskFromBits(bits), customMark, updatedAt: baseTime - random.int(0, 40) * DAY });
    };
    // The conversation with the shop: favourites, last week's unread nudge, some hidden or collapsed.
    const shopBits: number[] = [];
    if (random.chance(0.45)) shopBits.push(0);
    if (random.chance(0.35)) shopBits.push(1);
    if (random.chance(0.08)) shopBits.push(2);
    if (random.chance(0.12)) shopBits.push(3);
    if (random.chance(0.2)) shopBits.push(random.pick(SHOP_CUSTOM_BITS));
    mark({ type: CONTACT_TYPE_C2C, peer: shop }, shopBits, random.chance(0.15) ? random.pick(VALUES) : '');
    const count = otherCount(random);
    for (let n = 0; n < count; n++) {
      const inGroup = random.chance(0.1) && groups.length > 0;
      const conversation: ConversationRef = inGroup
        ? { type: CONTACT_TYPE_GROUP, peer: random.pick(groups) }
        : { type: CONTACT_TYPE_C2C, peer: n < customers.length - 1 ? customers[(index + 1 + n) % customers.length]! : `friend.${index}.${n}` };
      const bits: number[] = [];
      if (random.chance(0.3)) bits.push(0);
      if (random.chance(0.2)) bits.push(1);
      if (random.chance(0.1)) bits.push(2);
      if (random.chance(0.08)) bits.push(3);
      if (random.chance(0.15)) bits.push(random.pick(CUSTOM_BITS));
      mark(conversation, bits.length === 0 ? [0] : [...new Set(bits)].sort((a, b) => a - b), random.chance(0.1) ? random.pick(VALUES) : '');
    }
  }
}
