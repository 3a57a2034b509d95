// CPU time per row of the job ledger alone: the commits a 100,000-row job in random order makes
// (per chunk of one user's lines: its announcements; then the settled lines in groups with the
// announcements they settle), replayed on an on-disk database in this thread, without Chat.
// CPU time rather than wall time, so that a busy machine does not change the figure much.
// `npx tsx src/bench/ledger-cpu.ts [rows] [random|grouped]`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MarkState } from '../shared/marks/change';
import type { CheckedRow } from '../server/jobs/csv';
import { applyLedgerCommit, settledLine, type LedgerCommit, type SettledLine } from '../server/jobs/ledger';
import { nextPendingChunk } from '../server/jobs/line-store';
import { storeCheckedJob } from '../server/jobs/upload-store';
import { verifyAuditChain } from '../server/store/audit-verify';
import { DATABASE_FILE_NAME, openDatabase, type Tx } from '../server/store/database';
import { runStatement } from '../server/store/sql';
import { systemClock } from '../server/clock';

const ROWS = Number(process.argv[2] ?? 100_000);
const PER_USER = 1000;
const FLUSH_ROWS = 2000;

const dir = mkdtempSync(join(tmpdir(), 'markdesk-ledger-cpu-'));
try {
  const store = await openDatabase({ file: join(dir, DATABASE_FILE_NAME) });
  // Extra SQL to try a schema change (several statements, triggers included).
  if (process.env.LEDGER_SQL) await store.write((tx) => runScript(tx, process.env.LEDGER_SQL!));
  // Random order: user u's lines are scattered over the file, as in the bench's random file.
  const order = Array.from({ length: ROWS }, (_, i) => i);
  let seed = 12345;
  for (let i = process.argv[3] === 'grouped' ? 0 : order.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  async function* rows(): AsyncGenerator<CheckedRow> {
    for (let n = 0; n < ROWS; n++) {
      const i = order[n]!;
      const chatUser = `bench.${Math.floor(i / PER_USER)}`;
      const id = `customer.${i % PER_USER}`;
      yield {
        line: n + 2,
        input: [chatUser, 'c2c', id, 'favourite 32', '', 'VIP, 우선', ''],
        ok: true,
        chatUser,
        conversation: { type: 'c2c', id },
        change: { setBits: [0, 32], clearBits: [], customMark: 'VIP, 우선' },
      };
    }
  }
  const uploadCpu = process.cpuUsage();
  const { jobId } = await storeCheckedJob(store, { createdBy: 'bench', clock: systemClock }, rows());
  const uploadMicros = process.cpuUsage(uploadCpu);

  const before: MarkState = { bits: [], customMark: '' };
  const after: MarkState = { bits: [0, 32], customMark: 'VIP, 우선' };
  const commit = (settled: SettledLine[], announce: LedgerCommit['announce'], forget: number[]) =>
    store.write((tx) => applyLedgerCommit(tx, store.auditKey, { jobId, staff: 'bench', at: new Date().toISOString(), settled, announce, forget }));

  const cpu = process.cpuUsage();
  let taken: { chatUser: string; line: number } | null = null;
  let pendingSettled: SettledLine[] = [];
  let pendingForget: number[] = [];
  let commits = 0;
  let takeMicros = 0;
  for (;;) {
    const takeCpu = process.cpuUsage();
    const chunk = await nextPendingChunk(store.read, jobId, taken, 900);
    const took = process.cpuUsage(takeCpu);
    takeMicros += took.user + took.system;
    if (!chunk) break;
    taken = { chatUser: chunk.chatUser, line: chunk.rows[chunk.rows.length - 1]!.line };
    const batches: (typeof chunk.rows)[] = [];
    for (let start = 0; start < chunk.rows.length; start += 100) batches.push(chunk.rows.slice(start, start + 100));
    const ids = await commit([], batches.map((lines) => ({ chatUser: chunk.chatUser, lines: lines.map(({ line }) => ({ line, before })) })), []);
    commits++;
    batches.forEach((lines, index) => {
      for (const row of lines) pendingSettled.push(settledLine(chunk.chatUser, row, before, 'applied', after));
      pendingForget.push(ids[index]!);
    });
    if (pendingSettled.length >= FLUSH_ROWS) {
      await commit(pendingSettled, [], pendingForget);
      commits++;
      pendingSettled = [];
      pendingForget = [];
    }
  }
  if (pendingSettled.length > 0) await commit(pendingSettled, [], pendingForget);
  const used = process.cpuUsage(cpu);
  const verdict = await verifyAuditChainOk();
  console.log(
    JSON.stringify({
      rows: ROWS,
      commits,
      ledgerCpuMicrosPerRow: Math.round(((used.user + used.system - takeMicros) / ROWS) * 10) / 10,
      takeChunkCpuMicrosPerRow: Math.round((takeMicros / ROWS) * 10) / 10,
      uploadCpuMicrosPerRow: Math.round(((uploadMicros.user + uploadMicros.system) / ROWS) * 10) / 10,
      chain: verdict,
    }),
  );
  await store.close();

  async function verifyAuditChainOk(): Promise<string> {
    const result = await verifyAuditChain(store);
    return result.ok ? 'intact' : JSON.stringify(result);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs a script of several statements, one at a time (a statement is run on its own): text up to a
 * semicolon that SQLite finds incomplete — inside a trigger's BEGIN … END — takes the text up to
 * the next one too.
 */
async function runScript(tx: Tx, script: string): Promise<void> {
  let statement = '';
  for (const piece of script.split(/(?<=;)/)) {
    statement += piece;
    if (statement.trim() === '') continue;
    try {
      await runStatement(tx, statement);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      if (/incomplete input/.test(error.message)) continue;
      // Only comments: nothing to run.
      if (!/contains no statements/.test(error.message)) throw error;
    }
    statement = '';
  }
  if (statement.trim() !== '') throw new Error(`LEDGER_SQL ends inside a statement: ${statement.trim()}`);
}
