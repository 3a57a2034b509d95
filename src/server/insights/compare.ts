// Two surveys of the same users side by side: per bit, users and conversations carrying it in
// each, and how many users gained or lost it, over the users both surveys could read.
import type { SurveyCompareResponse } from '../../shared/api/insights';
import type { Reader } from '../store/database';
import { surveyUsers } from './survey-store';
import { bitsOf, type UserSummary } from './summary';

export async function compareSurveys(db: Reader, a: string, b: string): Promise<SurveyCompareResponse> {
  const first = new Map<string, UserSummary>();
  for await (const user of surveyUsers(db, a)) if (user.summary) first.set(user.userId, user.summary);
  type Row = SurveyCompareResponse['bits'][number];
  const rows = new Map<number, Row>();
  const row = (bit: number): Row => {
    let found = rows.get(bit);
    if (!found) rows.set(bit, (found = { bit, usersA: 0, usersB: 0, conversationsA: 0, conversationsB: 0, gained: 0, lost: 0 }));
    return found;
  };
  let usersInBoth = 0;
  for await (const user of surveyUsers(db, b)) {
    const before = user.summary ? first.get(user.userId) : undefined;
    if (!before || !user.summary) continue;
    usersInBoth++;
    const bitsBefore = bitsOf(before);
    const bitsAfter = bitsOf(user.summary);
    for (const bit of bitsBefore) {
      const r = row(bit);
      r.usersA++;
      r.conversationsA += before.bits[bit] ?? 0;
      if (!bitsAfter.has(bit)) r.lost++;
    }
    for (const bit of bitsAfter) {
      const r = row(bit);
      r.usersB++;
      r.conversationsB += user.summary.bits[bit] ?? 0;
      if (!bitsBefore.has(bit)) r.gained++;
    }
  }
  return { a, b, usersInBoth, bits: [...rows.values()].sort((x, y) => x.bit - y.bit) };
}
