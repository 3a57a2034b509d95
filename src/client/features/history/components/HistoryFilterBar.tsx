import FilterAltOff from '@mui/icons-material/FilterAltOff';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { auditStatusSchema, type AuditStatus } from '../../../../shared/api/audit';
import { useT } from '../../../lib/i18n/I18nProvider';
import { isComposing } from '../../../lib/ime';
import { DATE_PRESETS, EMPTY_HISTORY_FILTERS, historySearchParams, presetOf, presetRange, type DatePreset, type HistoryFilters } from '../../../entities/audit/model/filters';
import { STATUS_LABEL } from './AuditEntryCard';

const ANY = '';
const STATUSES = auditStatusSchema.options;

type HistoryFilterBarProps = { filters: HistoryFilters; onApply: (filters: HistoryFilters) => void };

/**
 * Text filters apply on Enter (never mid-IME-composition) or with "Apply filters"; choices and dates
 * apply at once. What is applied is in the address bar; the fields follow it (back button, links).
 */
export function HistoryFilterBar({ filters, onApply }: HistoryFilterBarProps) {
  const t = useT();
  const [draft, setDraft] = useState(filters);
  // The fields follow the address when it changes. But what this form applies reaches the address
  // a moment later (a navigation is a transition, and typing goes first): the fields already show
  // it, so its arrival must not reset them — that would undo what was typed in between (say right
  // after "Clear filters"). Only another address (back button, a link) takes the fields over.
  const addressKey = historySearchParams(filters).toString();
  const [seenKey, setSeenKey] = useState(addressKey);
  const [sentKey, setSentKey] = useState<string | null>(null);
  if (addressKey !== seenKey) {
    setSeenKey(addressKey);
    setSentKey(null);
    if (addressKey !== sentKey) setDraft(filters);
  }

  const apply = (next: HistoryFilters) => {
    const applied = trimmed(next);
    const key = historySearchParams(applied).toString();
    setSentKey(key === addressKey ? null : key);
    onApply(applied);
  };

  const change = (patch: Partial<HistoryFilters>, applyNow = false) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    if (applyNow) apply(next);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply(draft);
  };

  // Enter submits the form natively; during composition it only confirms the character.
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && isComposing(event)) event.preventDefault();
  };

  const text = (name: 'chatUser' | 'conversationId' | 'staff' | 'reason' | 'jobId' | 'requestId', label: string, helperText?: string) => (
    <TextField
      size="small"
      label={label}
      {...(helperText ? { helperText } : {})}
      value={draft[name]}
      onChange={(event) => change({ [name]: event.target.value })}
      onKeyDown={onKeyDown}
      autoComplete="off"
      spellCheck={false}
    />
  );

  return (
    <Box component="form" role="search" aria-label={t('history.filters')} onSubmit={submit} sx={{ mb: 2 }}>
      <Box sx={{ display: 'grid', gap: 1.5, gridTemplateColumns: { xs: '1fr', sm: 'repeat(2, minmax(0, 1fr))', lg: 'repeat(4, minmax(0, 1fr))' }, mb: 1.5 }}>
        {text('chatUser', t('history.filterChatUser'))}
        <TextField
          select
          size="small"
          label={t('history.filterConversationType')}
          value={draft.conversationType ?? ANY}
          onChange={(event) => change({ conversationType: event.target.value === 'c2c' || event.target.value === 'group' ? event.target.value : null }, true)}
        >
          <MenuItem value={ANY}>{t('history.anyType')}</MenuItem>
          <MenuItem value="c2c">{t('type.c2c')}</MenuItem>
          <MenuItem value="group">{t('type.group')}</MenuItem>
        </TextField>
        {text('conversationId', t('history.filterConversationId'))}
        {text('staff', t('history.filterStaff'))}
        <TextField
          select
          size="small"
          label={t('history.filterStatus')}
          value={draft.status ?? ANY}
          onChange={(event) => {
            const status = auditStatusSchema.safeParse(event.target.value);
            change({ status: status.success ? status.data : null }, true);
          }}
        >
          <MenuItem value={ANY}>{t('history.anyStatus')}</MenuItem>
          {STATUSES.map((status: AuditStatus) => (
            <MenuItem key={status} value={status}>
              {t(STATUS_LABEL[status])}
            </MenuItem>
          ))}
        </TextField>
        {text('reason', t('history.searchReasons'), t('history.searchReasonsHelp'))}
        {text('jobId', t('history.filterJob'))}
        {text('requestId', t('history.filterRequest'))}
        <TextField
          size="small"
          type="date"
          label={t('history.filterFrom')}
          value={draft.from}
          onChange={(event) => change({ from: event.target.value }, isSettledDay(event.target.value))}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          size="small"
          type="date"
          label={t('history.filterTo')}
          value={draft.to}
          onChange={(event) => change({ to: event.target.value }, isSettledDay(event.target.value))}
          slotProps={{ inputLabel: { shrink: true } }}
        />
      </Box>
      <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'center', flexWrap: 'wrap', mb: 1.5 }}>
        <ToggleButtonGroup
          size="small"
          exclusive
          aria-label={t('history.datePresets')}
          value={presetOf(draft, new Date())}
          onChange={(_event, preset: DatePreset | null) => change(preset === null ? { from: '', to: '' } : presetRange(preset, new Date()), true)}
        >
          {DATE_PRESETS.map((preset) => (
            <ToggleButton key={preset} value={preset}>
              {t(`history.preset.${preset}`)}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        <FormControlLabel
          control={<Checkbox checked={draft.exact} onChange={(event) => change({ exact: event.target.checked }, true)} />}
          label={t('history.exactMatch')}
          title={t('history.exactMatchHelp')}
        />
        {draft.entryId !== '' ? (
          <Chip label={t('history.filterEntry', { id: draft.entryId })} onDelete={() => change({ entryId: '' }, true)} />
        ) : null}
      </Box>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        <Button type="submit" variant="contained">
          {t('history.applyFilters')}
        </Button>
        <Button type="button" startIcon={<FilterAltOff />} onClick={() => change(EMPTY_HISTORY_FILTERS, true)}>
          {t('history.clearFilters')}
        </Button>
      </Box>
    </Box>
  );
}

function trimmed(filters: HistoryFilters): HistoryFilters {
  return {
    ...filters,
    chatUser: filters.chatUser.trim(),
    conversationId: filters.conversationId.trim(),
    staff: filters.staff.trim(),
    reason: filters.reason.trim(),
    jobId: filters.jobId.trim(),
    requestId: filters.requestId.trim(),
  };
}

// While the year is being typed the date input already reports days like 0002-11-20: apply only
// a cleared field or a plausible year, the Apply button takes anything else.
function isSettledDay(value: string): boolean {
  return value === '' || value >= '1970';
}
