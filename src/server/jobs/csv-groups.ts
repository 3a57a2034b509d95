// The optional groups_add / groups_remove columns of a bulk-job CSV: conversation group names
// separated by "|", each held to Chat's group-name rule (1..32 UTF-8 bytes). Read from a row's
// input (JOB_INPUT_COLUMNS order), both when the file is checked and when the job applies them.
import { JOB_CSV_GROUP_SEPARATOR } from '../../shared/api/jobs';
import { CONVERSATION_GROUP_NAME_MAX_BYTES } from '../../shared/chat-errors/groups';
import { utf8ByteLength } from '../../shared/marks/utf8';

export type RowGroups = { add: string[]; remove: string[] };

// Where the two columns sit in a row's input: after the seven required columns and custom_mark_only_if_empty.
const GROUPS_ADD_INDEX = 8;
const GROUPS_REMOVE_INDEX = 9;

function names(field: string): string[] {
  return [...new Set(field.split(JOB_CSV_GROUP_SEPARATOR).map((name) => name.trim()).filter((name) => name !== ''))];
}

/** The row's group changes, or undefined when it names none; problems are added to `errors`. */
export function rowGroups(input: readonly string[], errors: string[] = []): RowGroups | undefined {
  const add = names(input[GROUPS_ADD_INDEX] ?? '');
  const remove = names(input[GROUPS_REMOVE_INDEX] ?? '');
  for (const [column, list] of [['groups_add', add], ['groups_remove', remove]] as const) {
    for (const name of list) {
      const bytes = utf8ByteLength(name);
      if (bytes > CONVERSATION_GROUP_NAME_MAX_BYTES) {
        errors.push(`${column}: the group name "${name}" is ${bytes} bytes; Chat allows at most ${CONVERSATION_GROUP_NAME_MAX_BYTES} bytes (a Korean or Chinese character is 3).`);
      }
    }
  }
  for (const name of add.filter((name) => remove.includes(name))) {
    errors.push(`The group "${name}" is in both groups_add and groups_remove; a row either adds to a group or removes from it.`);
  }
  return add.length + remove.length > 0 ? { add, remove } : undefined;
}
