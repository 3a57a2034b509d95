// What each bit is called on screen. Standard bits have translated names; custom bits the names
// admins gave them (not translated: they are data), else "Custom bit N"; reserved bits are "Reserved".
import type { LabelMap } from '../../../../shared/api/labels';
import { bitGroup, STANDARD_BITS, type StandardBitName } from '../../../../shared/marks/bits';
import type { PlainMessageKey, Translate } from '../../../lib/i18n/translate';

const STANDARD_LABEL_KEYS: Record<StandardBitName, PlainMessageKey> = {
  favourite: 'bit.favourite',
  unread: 'bit.unread',
  collapsed: 'bit.collapsed',
  hidden: 'bit.hidden',
};

const STANDARD_KEY_BY_BIT = new Map<number, PlainMessageKey>(
  (Object.entries(STANDARD_BITS) as [StandardBitName, number][]).map(([name, bit]) => [bit, STANDARD_LABEL_KEYS[name]]),
);

export type BitLabeler = {
  /** `Favourite`, `VIP`, `Custom bit 40`, `Reserved`. */
  label(bit: number): string;
  /** The checkbox's accessible name: `Favourite (bit 0)`, `VIP (bit 32)`, `Reserved (bit 17)`. */
  accessibleName(bit: number): string;
  /** How a bit reads in a sentence or a chip: standard bits by name, others with their number. */
  shortName(bit: number): string;
  /** The admin's description of a custom bit, when there is one. */
  description(bit: number): string | undefined;
  /** True for a custom bit an admin has named (the editor never folds those away). */
  named(bit: number): boolean;
};

export function createBitLabeler(t: Translate, labels: LabelMap | undefined): BitLabeler {
  const customName = (bit: number): string | undefined => {
    const name = labels?.[String(bit)]?.name;
    return name && name.trim() !== '' ? name : undefined;
  };
  const label = (bit: number): string => {
    const group = bitGroup(bit);
    if (group === 'standard') return t(STANDARD_KEY_BY_BIT.get(bit) as PlainMessageKey);
    if (group === 'reserved') return t('bit.reserved');
    return customName(bit) ?? t('bit.custom', { bit });
  };
  const accessibleName = (bit: number) => t('bit.accessibleName', { label: label(bit), bit });
  return {
    label,
    accessibleName,
    shortName: (bit) => (bitGroup(bit) === 'standard' ? label(bit) : accessibleName(bit)),
    description: (bit) => {
      if (bitGroup(bit) !== 'custom') return undefined;
      const description = labels?.[String(bit)]?.description;
      return description && description !== '' ? description : undefined;
    },
    named: (bit) => bitGroup(bit) === 'custom' && customName(bit) !== undefined,
  };
}
