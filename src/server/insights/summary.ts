// What a survey keeps per user (a summary of the user's marked conversations) and how a survey's
// results are folded from those summaries. Pure: the runner feeds it, the property test checks it
// against a count over the raw rows.
import {
  MARKED_PER_USER_BUCKETS,
  NEAR_CAP_FROM,
  SURVEY_SAMPLE_USERS,
  SURVEY_TOP_CUSTOM_MARKS,
  type BitCounts,
  type SurveyResults,
} from '../../shared/api/insights';
import type { Conversation } from '../../shared/marks/conversation';
import { bitsFromMask } from '../../shared/marks/mask';

/** One user's marked or grouped conversations, counted. */
export type UserSummary = {
  /** Marked or grouped conversations (what counts toward Chat's cap of 1,000). */
  conversations: number;
  c2c: number;
  group: number;
  /** Bit index → conversations carrying it. */
  bits: Record<string, number>;
  /** Custom mark value → conversations carrying it (empty values are not custom marks). */
  customMarks: Record<string, number>;
  /** Conversations in the recent list, when it was read. */
  recent?: number;
};

export type MarkedRow = { conversation: Conversation; mask: bigint; customMark: string };

export function summarizeUser(rows: readonly MarkedRow[], recent?: number): UserSummary {
  const summary: UserSummary = { conversations: rows.length, c2c: 0, group: 0, bits: {}, customMarks: {} };
  for (const row of rows) {
    if (row.conversation.type === 'c2c') summary.c2c++;
    else summary.group++;
    for (const bit of bitsFromMask(row.mask)) summary.bits[bit] = (summary.bits[bit] ?? 0) + 1;
    if (row.customMark !== '') summary.customMarks[row.customMark] = (summary.customMarks[row.customMark] ?? 0) + 1;
  }
  if (recent !== undefined) summary.recent = recent;
  return summary;
}

function add(counts: BitCounts, key: string, by: number): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** Folds user summaries into a survey's results, one user at a time (a survey may hold 100,000). */
export function createAggregator() {
  const usersWithBit: BitCounts = {};
  const conversationsWithBit: BitCounts = {};
  const customMarks = new Map<string, number>();
  const histogram = MARKED_PER_USER_BUCKETS.map(([from, to]) => ({ from, to, users: 0 }));
  const c2c = { users: 0, conversations: 0 };
  const group = { users: 0, conversations: 0 };
  const sampleUsers: string[] = [];
  let recent: { users: number; conversations: number } | undefined;
  let usersRead = 0;
  let usersWithMarks = 0;
  let conversations = 0;
  let nearCap = 0;
  let usersWithCustomMark = 0;

  return {
    add(userId: string, summary: UserSummary): void {
      usersRead++;
      conversations += summary.conversations;
      if (summary.conversations > 0) {
        usersWithMarks++;
        if (sampleUsers.length < SURVEY_SAMPLE_USERS) sampleUsers.push(userId);
      }
      if (summary.conversations >= NEAR_CAP_FROM) nearCap++;
      const bucket = histogram.find((b) => summary.conversations >= b.from && summary.conversations <= b.to) ?? histogram[histogram.length - 1]!;
      bucket.users++;
      if (summary.c2c > 0) c2c.users++;
      if (summary.group > 0) group.users++;
      c2c.conversations += summary.c2c;
      group.conversations += summary.group;
      for (const [bit, count] of Object.entries(summary.bits)) {
        if (count <= 0) continue;
        add(usersWithBit, bit, 1);
        add(conversationsWithBit, bit, count);
      }
      const values = Object.entries(summary.customMarks);
      if (values.length > 0) usersWithCustomMark++;
      for (const [value, count] of values) customMarks.set(value, (customMarks.get(value) ?? 0) + count);
      if (summary.recent !== undefined) {
        recent ??= { users: 0, conversations: 0 };
        if (summary.recent > 0) recent.users++;
        recent.conversations += summary.recent;
      }
    },
    result(): SurveyResults {
      const topCustomMarks = [...customMarks]
        .sort(([va, a], [vb, b]) => b - a || (va < vb ? -1 : va > vb ? 1 : 0))
        .slice(0, SURVEY_TOP_CUSTOM_MARKS)
        .map(([value, count]) => ({ value, count }));
      return {
        usersRead,
        usersWithMarks,
        conversations,
        usersWithBit: sortedCounts(usersWithBit),
        conversationsWithBit: sortedCounts(conversationsWithBit),
        markedPerUser: histogram,
        nearCap,
        c2c,
        group,
        usersWithCustomMark,
        topCustomMarks,
        ...(recent ? { recent } : {}),
        sampleUsers,
      };
    },
  };
}

function sortedCounts(counts: BitCounts): BitCounts {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => Number(a) - Number(b)));
}

/** Bits whose users changed between two summaries of the same user. */
export function bitsOf(summary: UserSummary): Set<number> {
  return new Set(
    Object.entries(summary.bits)
      .filter(([, count]) => count > 0)
      .map(([bit]) => Number(bit)),
  );
}
