// Conversation groups as tabs above a list, the way Tencent's Chat UIKit shows them: "All", then
// one tab per group with its count. Picking one filters the list; nothing is written.
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import type { ConversationGroupInfo } from '../../../../shared/api/groups';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';

const ALL = 'all';

/** The entries a tab shows: every one for null, else those in the group. */
export function entriesInGroup<Entry extends Pick<ConversationEntry, 'groupIds'>>(entries: readonly Entry[], groupId: number | null): readonly Entry[] {
  return groupId === null ? entries : entries.filter((entry) => entry.groupIds.includes(groupId));
}

export function GroupTabs({
  groups,
  entries,
  value,
  onChange,
}: {
  groups: readonly Pick<ConversationGroupInfo, 'id' | 'name'>[];
  entries: readonly Pick<ConversationEntry, 'groupIds'>[];
  /** The chosen group's id; null for All. */
  value: number | null;
  onChange: (groupId: number | null) => void;
}) {
  const t = useT();
  const format = useFormat();
  if (groups.length === 0) return null;
  const chosen = value !== null && groups.some((group) => group.id === value) ? String(value) : ALL;
  return (
    <Tabs
      value={chosen}
      onChange={(_event, next: string) => onChange(next === ALL ? null : Number(next))}
      aria-label={t('groups.tabs')}
      variant="scrollable"
      scrollButtons="auto"
      allowScrollButtonsMobile
      sx={{ mb: 1, borderBottom: 1, borderColor: 'divider' }}
    >
      <Tab value={ALL} label={t('groups.tabAll', { count: format.number(entries.length) })} sx={{ textTransform: 'none' }} />
      {groups.map((group) => (
        <Tab
          key={group.id}
          value={String(group.id)}
          label={t('groups.tab', { name: group.name, count: format.number(entriesInGroup(entries, group.id).length) })}
          sx={{ textTransform: 'none' }}
        />
      ))}
    </Tabs>
  );
}
