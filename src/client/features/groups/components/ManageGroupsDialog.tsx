// A Chat user's conversation groups in one dialog: create one from the selected conversations,
// rename or delete the others. Standalone, to be placed on the Marks page; every change goes
// through the groups API (audited, undoable) and its answer is said in words.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ConversationGroupInfo, GroupAuditEntry } from '../../../../shared/api/groups';
import { CONVERSATION_GROUP_NAME_MAX_BYTES } from '../../../../shared/chat-errors/groups';
import type { Conversation } from '../../../../shared/marks/conversation';
import { utf8ByteLength } from '../../../../shared/marks/utf8';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { useToast } from '../../../components/ToastProvider';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../../lib/use-describe-error';
import { useCreateGroup, useDeleteGroup, useGroups, useRenameGroup } from '../api/groups-api';
import { Field } from '../../../components/Field';

type Translate = ReturnType<typeof useT>;

/** What the person reads for a change that did not apply; null when it did. */
export function changeProblem(change: GroupAuditEntry, t: Translate): string | null {
  if (change.status === 'applied') return null;
  if (change.status === 'unchanged') return t('groups.unchanged');
  if (change.status === 'unknown') return t('groups.undecided');
  return change.problem ? t(`groups.problem.${change.problem}`) : (change.message ?? t('groups.problem.GROUP_CHANGED'));
}

/** The name's problem before anything is sent (the server holds the same rule). */
function nameProblem(name: string, t: Translate): string | null {
  if (name.trim() === '') return t('groups.nameEmpty');
  const bytes = utf8ByteLength(name.trim());
  return bytes > CONVERSATION_GROUP_NAME_MAX_BYTES ? t('groups.nameTooLong', { bytes: String(bytes) }) : null;
}

function NameField({ label, value, onChange, error }: { label: string; value: string; onChange: (value: string) => void; error: string | null }) {
  const t = useT();
  const bytes = utf8ByteLength(value.trim());
  return (
    <Field
      size="small"
      label={label}
      value={value}
      onChange={(event) => onChange(event.target.value)}
      error={error !== null && value !== ''}
      helperText={error !== null && value !== '' ? error : t('groups.nameBytes', { bytes: String(bytes) })}
      sx={{ flexGrow: 1, minWidth: 200 }}
    />
  );
}

export function ManageGroupsDialog({ userId, selected, onClose }: { userId: string; selected: readonly Conversation[]; onClose: () => void }) {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const describe = useDescribeError();
  const groups = useGroups(userId);
  const create = useCreateGroup(userId);
  const rename = useRenameGroup(userId);
  const remove = useDeleteGroup(userId);
  const [newName, setNewName] = useState('');
  const [editing, setEditing] = useState<{ group: ConversationGroupInfo; name: string } | null>(null);
  const [deleting, setDeleting] = useState<ConversationGroupInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const settle = (change: GroupAuditEntry, success: string) => {
    const said = changeProblem(change, t);
    setProblem(said);
    if (said === null) toast({ severity: 'success', message: success });
    return said === null;
  };
  const failed = (error: unknown) => setProblem(describe(error).sentence);

  const createProblem = nameProblem(newName, t);
  const onCreate = () => {
    const name = newName.trim();
    create.mutate(
      { name, conversations: [...selected] },
      { onSuccess: (change) => settle(change, t('groups.created', { name })) && setNewName(''), onError: failed },
    );
  };
  const onRename = () => {
    if (!editing) return;
    const name = editing.name.trim();
    rename.mutate(
      { groupId: editing.group.id, name, expectedName: editing.group.name },
      { onSuccess: (change) => settle(change, t('groups.renamed', { name })) && setEditing(null), onError: failed },
    );
  };
  const onDelete = (group: ConversationGroupInfo) => {
    setDeleting(null);
    remove.mutate({ groupId: group.id, expectedName: group.name }, { onSuccess: (change) => settle(change, t('groups.deleted', { name: group.name })), onError: failed });
  };

  const list = groups.data?.groups ?? [];
  return (
    <Dialog open onClose={onClose} aria-labelledby="manage-groups-title" fullWidth maxWidth="sm">
      <DialogTitle id="manage-groups-title">{t('groups.dialogTitle', { userId })}</DialogTitle>
      <DialogContent>
        {problem ? (
          <Alert severity="error" sx={{ mb: 2 }} role="alert">
            {problem}
          </Alert>
        ) : null}
        {groups.isError ? <Alert severity="error">{describe(groups.error).sentence}</Alert> : null}
        {groups.data ? (
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
            {t('groups.count', { count: format.number(list.length), limit: format.number(groups.data.limit) })}
          </Typography>
        ) : null}
        {groups.data && list.length === 0 ? <Typography>{t('groups.none')}</Typography> : null}
        <List dense aria-label={t('groups.tabs')}>
          {list.map((group) => (
            <ListItem key={group.id} disableGutters sx={{ gap: 1, flexWrap: 'wrap' }}>
              {editing?.group.id === group.id ? (
                <>
                  <NameField
                    label={t('groups.newName', { name: group.name })}
                    value={editing.name}
                    onChange={(name) => setEditing({ group, name })}
                    error={nameProblem(editing.name, t)}
                  />
                  <Button variant="contained" onClick={onRename} disabled={nameProblem(editing.name, t) !== null || rename.isPending}>
                    {t('groups.saveName')}
                  </Button>
                  <Button onClick={() => setEditing(null)}>{t('groups.cancel')}</Button>
                </>
              ) : (
                <>
                  <ListItemText primary={group.name} secondary={t('groups.conversations', { count: format.number(group.conversationCount) })} />
                  <Button onClick={() => setEditing({ group, name: group.name })} aria-label={t('groups.rename', { name: group.name })}>
                    {t('groups.renameButton')}
                  </Button>
                  <Button color="error" onClick={() => setDeleting(group)} aria-label={t('groups.delete', { name: group.name })} disabled={remove.isPending}>
                    {t('groups.deleteButton')}
                  </Button>
                </>
              )}
            </ListItem>
          ))}
        </List>
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: 'wrap', mt: 2 }}>
          <NameField label={t('groups.name')} value={newName} onChange={setNewName} error={createProblem} />
          <Button variant="contained" onClick={onCreate} disabled={createProblem !== null || selected.length === 0 || create.isPending}>
            {t('groups.create', { count: format.number(selected.length) })}
          </Button>
        </Box>
        {selected.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            {t('groups.createNeedsSelection')}
          </Typography>
        ) : null}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{t('groups.close')}</Button>
      </DialogActions>
      {deleting ? (
        <ConfirmDialog
          title={t('groups.delete', { name: deleting.name })}
          body={t('groups.deleteConfirm', { name: deleting.name, count: format.number(deleting.conversationCount) })}
          confirmLabel={t('groups.delete', { name: deleting.name })}
          onConfirm={() => onDelete(deleting)}
          onClose={() => setDeleting(null)}
        />
      ) : null}
    </Dialog>
  );
}
