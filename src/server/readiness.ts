// Readiness: can Markdesk do its work — is the database usable, does Chat answer and accept our
// credentials? Checked in the background (every 15 s by default, and at once when real traffic
// meets a failure that smells like an outage), never per request: a probe or a banner poll costs
// nothing upstream. A change of state is logged once, not on every check.
import { chatErrorInfo, CHAT_INVALID_RESPONSE_CODE, CHAT_NETWORK_ERROR_CODE } from '../shared/chat-errors/catalogue';
import type { ReadinessProblem, ReadyResponse } from '../shared/api/health';
import type { ChatClient, ChatClientEvent } from './chat/client';
import { isChatError } from './chat/errors';
import type { Store } from './store/database';
import { selectRow } from './store/sql';

export const READINESS_CHECK_EVERY_MS = 15_000;
/** A failure seen by real traffic checks at once, but not more often than this. */
const MIN_TRIGGERED_GAP_MS = 5_000;

const REASONS: Record<ReadinessProblem, string> = {
  database: 'The database cannot be used (it cannot be reached, or a full disk, permissions or damage stop it).',
  'chat-unreachable': 'Chat cannot be reached (network, DNS or a Chat outage).',
  'chat-credentials': 'Chat refuses Markdesk’s credentials (SDKAppID, secret key or admin account).',
};

type Log = { info(object: object, message: string): void; warn(object: object, message: string): void };

export type Readiness = {
  /**
   * The last check's answer. Before any check, it waits for one; without the background checks
   * (tests), an answer older than the check interval is checked again.
   */
  current(): Promise<ReadyResponse>;
  /** Checks now (one check at a time: joins one in progress). */
  checkNow(): Promise<ReadyResponse>;
  /** Feed of the Chat client's reports: an outage-like failure triggers a check. */
  noteChatEvent(event: Pick<ChatClientEvent, 'errorCode'>): void;
  /** Starts the periodic check; `log` receives one line per change of state. */
  start(log: Log, everyMs?: number): void;
  stop(): void;
};

/** True for an error code that says Chat is unreachable or refuses the credentials. */
function problemOfCode(code: number): ReadinessProblem | null {
  if (code === CHAT_NETWORK_ERROR_CODE || code === CHAT_INVALID_RESPONSE_CODE) return 'chat-unreachable';
  const kind = chatErrorInfo(code).class;
  return kind === 'configuration' || kind === 'regenerate-sig' ? 'chat-credentials' : null;
}

export function createReadiness(options: {
  store: Store;
  chat: Pick<ChatClient, 'call'>;
  everyMs?: number;
  now?: () => number;
}): Readiness {
  const now = options.now ?? Date.now;
  const everyMs = options.everyMs ?? READINESS_CHECK_EVERY_MS;
  let last: ReadyResponse | null = null;
  let inFlight: Promise<ReadyResponse> | null = null;
  let lastTriggeredAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  let log: Log | null = null;

  async function databaseUsable(): Promise<boolean> {
    try {
      return (await selectRow(options.store.read, 'SELECT 1 AS ok')) !== undefined;
    } catch {
      return false;
    }
  }

  async function upstreamProblem(): Promise<ReadinessProblem | null> {
    try {
      // A cheap authenticated call: proves the address, the SDKAppID, the admin and the key.
      await options.chat.call('im_open_login_svc/account_check', { CheckItem: [{ UserID: 'markdesk-readiness-probe' }] });
      return null;
    } catch (error) {
      // Any other refusal (too frequent, say) still proves that Chat answers and knows us.
      return isChatError(error) ? problemOfCode(error.code) : 'chat-unreachable';
    }
  }

  async function check(): Promise<ReadyResponse> {
    const database = await databaseUsable();
    const upstream = await upstreamProblem();
    const problem: ReadinessProblem | null = !database ? 'database' : upstream;
    const answer: ReadyResponse = {
      ready: problem === null,
      checks: { database, upstream: upstream === null },
      database: options.store.location.dialect,
      problem,
      reason: problem === null ? null : REASONS[problem],
      checkedAt: new Date(now()).toISOString(),
    };
    if (last === null ? !answer.ready : last.problem !== answer.problem) {
      if (answer.ready) log?.info({ event: 'readiness', ready: true }, 'Markdesk is ready again');
      else log?.warn({ event: 'readiness', ready: false, problem }, `Markdesk is not ready: ${answer.reason}`);
    }
    last = answer;
    return answer;
  }

  function checkNow(): Promise<ReadyResponse> {
    inFlight ??= check().finally(() => (inFlight = null));
    return inFlight;
  }

  return {
    current() {
      if (last === null) return checkNow();
      if (timer === null && now() - Date.parse(last.checkedAt) >= everyMs) return checkNow();
      return Promise.resolve(last);
    },
    checkNow,
    noteChatEvent(event) {
      if (event.errorCode === undefined || problemOfCode(event.errorCode) === null || timer === null) return;
      if (inFlight || now() - lastTriggeredAt < MIN_TRIGGERED_GAP_MS) return;
      lastTriggeredAt = now();
      void checkNow();
    },
    start(startLog, startEveryMs = everyMs) {
      log = startLog;
      if (timer) return;
      void checkNow();
      timer = setInterval(() => void checkNow(), startEveryMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
