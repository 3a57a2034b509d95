import Stack from '@mui/material/Stack';
import { memo, useRef, useState } from 'react';
import type { ConversationGroup } from '../../../../shared/api/chat-users';
import { EDITABLE_BITS } from '../../../../shared/marks/bits';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import type { ConversationFilters as Filters } from '../model/filters';
import { Field } from '../../../components/Field';

const ANY = 'any';

type ConversationFiltersProps = {
  filters: Filters;
  onChange: (change: Partial<Filters>) => void;
  labeler: BitLabeler;
  /** The Chat user's conversation groups. */
  groups: readonly ConversationGroup[];
};

/**
 * Text, type, bit and conversation-group filters. The text filter applies only outside IME composition.
 * Memoised: selecting rows does not render its four MUI fields again.
 */
export const ConversationFilters = memo(function ConversationFilters({ filters, onChange, labeler, groups }: ConversationFiltersProps) {
  const t = useT();
  const [text, setText] = useState(filters.q);
  // The address's q as last seen, and the values this field sent that the address has not shown
  // yet: the address updates in a transition, after the keystrokes, so it may show an older value
  // of ours (typed fast, say 'cu' while the field already holds 'custo'); only a value that is not
  // ours (back/forward, a shared link) replaces the text.
  const [seenQ, setSeenQ] = useState(filters.q);
  const [inFlight, setInFlight] = useState<readonly string[]>([]);
  const composing = useRef(false);
  // A shared link may filter on a reserved bit: keep it selectable so the filter stays visible.
  const bitOptions = filters.bit === null || EDITABLE_BITS.includes(filters.bit) ? EDITABLE_BITS : [...EDITABLE_BITS, filters.bit].sort((a, b) => a - b);

  // A link may name a group since deleted: keep it selectable, so the filter shows why nothing matches.
  const groupMissing = filters.group !== null && !groups.some((group) => group.id === filters.group);

  if (filters.q !== seenQ) {
    setSeenQ(filters.q);
    const ours = inFlight.indexOf(filters.q);
    if (ours >= 0) {
      setInFlight(inFlight.slice(ours + 1));
    } else {
      // Back/forward or a shared link changed the filter: show it.
      setInFlight([]);
      setText(filters.q);
    }
  }

  const apply = (value: string) => {
    setInFlight((sent) => [...sent, value]);
    onChange({ q: value });
  };

  return (
    // Wraps: beside the editor the list's column is narrow, and the text filter keeps a usable width.
    <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1.5} useFlexGap sx={{ mb: 1.5, flexWrap: 'wrap' }}>
      <Field
        id="conversation-filter"
        size="small"
        label={t('list.filter')}
        placeholder={t('list.filterHelp')}
        type="search"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          if (!composing.current && !(event.nativeEvent as InputEvent).isComposing) apply(event.target.value);
        }}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={(event) => {
          composing.current = false;
          // Composition events bubble from the input to the field's root: read the input itself.
          apply((event.target as HTMLInputElement).value);
        }}
        sx={{ flexGrow: 1, flexBasis: { sm: '100%', xl: 0 }, minWidth: { sm: 220 } }}
      />
      <Field
        id="conversation-type-filter"
        select
        size="small"
        label={t('list.typeFilter')}
        value={filters.type ?? ANY}
        onChange={(event) => onChange({ type: event.target.value === 'c2c' || event.target.value === 'group' ? event.target.value : null })}
        sx={{ minWidth: 150 }}
      >
        <option value={ANY}>{t('list.typeAll')}</option>
        <option value="c2c">{t('type.c2c')}</option>
        <option value="group">{t('type.group')}</option>
      </Field>
      <Field
        id="conversation-bit-filter"
        select
        size="small"
        label={t('list.bitFilter')}
        value={filters.bit === null ? ANY : String(filters.bit)}
        onChange={(event) => onChange({ bit: event.target.value === ANY ? null : Number(event.target.value) })}
        sx={{ minWidth: 200 }}
      >
        <option value={ANY}>{t('list.bitAny')}</option>
        {bitOptions.map((bit) => (
          <option key={bit} value={String(bit)}>
            {labeler.accessibleName(bit)}
          </option>
        ))}
      </Field>
      {groups.length > 0 || filters.group !== null ? (
        <Field
          id="conversation-group-filter"
          select
          size="small"
          label={t('list.groupFilter')}
          value={filters.group === null ? ANY : String(filters.group)}
          onChange={(event) => onChange({ group: event.target.value === ANY ? null : Number(event.target.value) })}
          sx={{ minWidth: 180 }}
        >
          <option value={ANY}>{t('list.groupAll')}</option>
          {groups.map((group) => (
            <option key={group.id} value={String(group.id)}>
              {group.name}
            </option>
          ))}
          {groupMissing ? <option value={String(filters.group)}>{t('list.groupMissing', { id: String(filters.group) })}</option> : null}
        </Field>
      ) : null}
    </Stack>
  );
});
