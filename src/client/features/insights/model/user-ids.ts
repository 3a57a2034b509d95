// Chat user IDs pasted or uploaded for a survey: one per line (or separated by commas, semicolons,
// tabs or spaces); in a CSV file, the first column, and a header row naming it is skipped.
import { SURVEY_MAX_USERS } from '../../../../shared/api/insights';

const HEADER = /^(user_?id|chat_?user|chat user id|userid)$/i;

export function parsePastedIds(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).map((id) => id.trim()).filter((id) => id !== ''))];
}

export function parseCsvIds(text: string): string[] {
  const ids: string[] = [];
  for (const [index, line] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    const first = line.split(/[,;\t]/)[0]?.trim().replace(/^"(.*)"$/, '$1') ?? '';
    if (first === '' || (index === 0 && HEADER.test(first))) continue;
    ids.push(first);
  }
  return [...new Set(ids)];
}

export function tooMany(ids: readonly string[]): boolean {
  return ids.length > SURVEY_MAX_USERS;
}
