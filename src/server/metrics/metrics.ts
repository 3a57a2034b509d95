// Prometheus metrics (served at GET /metrics only when MARKDESK_METRICS_TOKEN is set; see
// routes.ts). Counters are fed where things happen (HTTP responses, Chat client reports, job
// ledger commits); gauges that the database already knows are read when Prometheus scrapes.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { SESSION_ABSOLUTE_TIMEOUT_MS, SESSION_IDLE_TIMEOUT_MS } from '../auth/sessions';
import type { ChatClient, ChatClientEvent } from '../chat/client';
import { CHAT_COMMANDS } from '../chat/commands';
import type { LedgerCommit } from '../jobs/ledger';
import type { Store } from '../store/database';

export type Metrics = {
  registry: Registry;
  observeRequest(request: { method: string; route: string | undefined; statusCode: number; seconds: number }): void;
  observeChat(event: ChatClientEvent): void;
  observeLedgerCommit(commit: Pick<LedgerCommit, 'settled'>): void;
};

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** `chat` is read only when scraped (the limiters' queues), so it may be attached after creation. */
export function createMetrics(sources: { store: Store; chat: () => Pick<ChatClient, 'limiterFor'> | null; now?: () => number }): Metrics {
  const now = sources.now ?? Date.now;
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const http = new Histogram({
    name: 'markdesk_http_request_duration_seconds',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const chatCalls = new Counter({
    name: 'markdesk_chat_calls_total',
    help: 'Attempts of upstream Chat REST calls, by command and result (ok, or the Chat error code; -1 network, -2 unreadable answer).',
    labelNames: ['command', 'result'] as const,
    registers,
  });
  const chatDuration = new Histogram({
    name: 'markdesk_chat_call_duration_seconds',
    help: 'Duration of upstream Chat REST call attempts, by command.',
    labelNames: ['command'] as const,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const limiterWait = new Histogram({
    name: 'markdesk_chat_rate_limiter_wait_seconds',
    help: 'Time a Chat call attempt waited for the per-command rate limiter.',
    labelNames: ['command'] as const,
    buckets: [0, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new Gauge({
    name: 'markdesk_chat_rate_limiter_queue',
    help: 'Chat calls waiting for the per-command rate limiter now.',
    labelNames: ['command'] as const,
    registers,
    collect() {
      this.reset();
      const chat = sources.chat();
      if (!chat) return;
      for (const command of CHAT_COMMANDS) {
        const pending = chat.limiterFor(command).pending();
        if (pending > 0) this.set({ command }, pending);
      }
    },
  });
  const jobRows = new Counter({
    name: 'markdesk_job_rows_total',
    help: 'Bulk job lines settled, by outcome (applied, unchanged, conflict, failed).',
    labelNames: ['outcome'] as const,
    registers,
  });
  new Counter({
    name: 'markdesk_audit_entries_total',
    help: 'Audit log rows appended since the database was created (interactive saves, bulk job lines, undo).',
    registers,
    async collect() {
      const row = await sources.store.read.selectFrom('audit').select((eb) => eb.fn.coalesce(eb.fn.max('seq'), eb.lit(0)).as('seq')).executeTakeFirstOrThrow();
      this.reset();
      this.inc(row.seq);
    },
  });
  new Gauge({
    name: 'markdesk_sessions_active',
    help: 'Staff sessions that are neither idle too long nor too old.',
    registers,
    async collect() {
      const at = now();
      const row = await sources.store.read
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('last_seen_at', '>', new Date(at - SESSION_IDLE_TIMEOUT_MS).toISOString())
        .where('created_at', '>', new Date(at - SESSION_ABSOLUTE_TIMEOUT_MS).toISOString())
        .executeTakeFirstOrThrow();
      this.set(row.n);
    },
  });

  return {
    registry,
    observeRequest({ method, route, statusCode, seconds }) {
      // Unknown paths share one label: a scanner must not grow the series without bound.
      http.observe({ method, route: route ?? '(unmatched)', status_code: String(statusCode) }, seconds);
    },
    observeChat(event) {
      chatCalls.inc({ command: event.command, result: event.errorCode === undefined ? 'ok' : String(event.errorCode) });
      chatDuration.observe({ command: event.command }, event.durationMs / 1000);
      if (event.waitedMs !== undefined) limiterWait.observe({ command: event.command }, event.waitedMs / 1000);
    },
    observeLedgerCommit(commit) {
      for (const line of commit.settled) jobRows.inc({ outcome: line.status });
    },
  };
}
