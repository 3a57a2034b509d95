// Writes to one Chat user are serialised (mark_contact acts per From_Account). Two kinds of writer
// take a user's lock:
//   - exclusive: an interactive save or an Undo. It reads the current state, decides, writes and
//     records, with nobody else writing that user meanwhile, so a guarded item
//     (expectedCustomMark) or an Undo's "still as the entry left it" is checked against a state
//     read inside the critical section, just before its write.
//   - shared: a bulk job's mark_contact call. Calls of bulk jobs to one user may overlap each other
//     (each is a delta on lines read before), but never an exclusive writer. A waiting exclusive
//     writer goes first: new shared holders queue behind it, so an interactive save waits for the
//     bulk calls already in flight only, never for a whole job.
// A bulk job reads its lines' states ahead of its writes. `exclusiveWritesSince` tells it whether an
// interactive save or an Undo wrote the user after that read, so it reads again, inside the lock,
// before writing.
//
// The table lives beside the database it protects (one per Store): everything that writes marks
// through one Markdesk store shares it — routes, Undo, the job runner.
import type { Store } from '../store/database';

type Waiter = { mode: 'shared' | 'exclusive'; grant: () => void };
type UserLock = { shared: number; exclusive: boolean; queue: Waiter[] };

/** How many users' last exclusive writes are remembered; older ones count as "maybe changed". */
const REMEMBERED_USERS = 10_000;

export class ChatUserLocks {
  private readonly locks = new Map<string, UserLock>();
  private readonly waitWatchers: { chatUser: string; count: number; resolve: () => void }[] = [];
  /** Increases with every exclusive write; a bulk read notes it (`mark`). */
  private writeSeq = 0;
  /** chat user → writeSeq of its last exclusive write (insertion order = age). */
  private readonly lastExclusive = new Map<string, number>();
  /** Every forgotten user's last exclusive write is at or below this. */
  private forgottenUpTo = 0;

  /**
   * @param acrossInstances holds a key alone among every instance on the database (Store's
   *   exclusiveAcrossInstances): without it, the lock is this process's alone.
   */
  constructor(private readonly acrossInstances: <T>(key: string, work: () => Promise<T>) => Promise<T> = (_key, work) => work()) {}

  /**
   * Runs `work` holding the user's lock alone — here, and against exclusive writers of the same
   * user on other instances sharing the database (their saves, Undos and reconcile passes).
   */
  exclusive<T>(chatUser: string, work: () => Promise<T>): Promise<T> {
    return this.hold(chatUser, 'exclusive', () =>
      this.acrossInstances(`chat-user:${chatUser}`, async () => {
        try {
          return await work();
        } finally {
          this.noteExclusiveWrite(chatUser);
        }
      }),
    );
  }

  /** Runs `work` holding the user's lock together with other shared holders. */
  shared<T>(chatUser: string, work: () => Promise<T>): Promise<T> {
    return this.hold(chatUser, 'shared', work);
  }

  /** A point in the write history, taken before a read of state made outside the lock. */
  mark(): number {
    return this.writeSeq;
  }

  /** Whether an exclusive writer wrote `chatUser` after `mark` (conservatively true when unsure). */
  exclusiveWritesSince(chatUser: string, mark: number): boolean {
    const last = this.lastExclusive.get(chatUser);
    return last !== undefined ? last > mark : this.forgottenUpTo > mark;
  }

  /** Writers waiting for the user's lock (not holding it). */
  waiting(chatUser: string): number {
    return this.locks.get(chatUser)?.queue.length ?? 0;
  }

  /** Resolves once at least `count` writers wait for the user's lock: how a test knows a writer is blocked. */
  whenWaiting(chatUser: string, count = 1): Promise<void> {
    if (this.waiting(chatUser) >= count) return Promise.resolve();
    return new Promise((resolve) => this.waitWatchers.push({ chatUser, count, resolve }));
  }

  private async hold<T>(chatUser: string, mode: Waiter['mode'], work: () => Promise<T>): Promise<T> {
    const lock = this.locks.get(chatUser) ?? { shared: 0, exclusive: false, queue: [] };
    this.locks.set(chatUser, lock);
    const free = mode === 'exclusive' ? !lock.exclusive && lock.shared === 0 : !lock.exclusive && lock.queue.length === 0;
    if (free) this.take(lock, mode);
    else {
      await new Promise<void>((grant) => {
        lock.queue.push({ mode, grant });
        this.wakeWatchers(chatUser);
      });
    }
    try {
      return await work();
    } finally {
      this.release(chatUser, lock, mode);
    }
  }

  private take(lock: UserLock, mode: Waiter['mode']): void {
    if (mode === 'exclusive') lock.exclusive = true;
    else lock.shared++;
  }

  private release(chatUser: string, lock: UserLock, mode: Waiter['mode']): void {
    if (mode === 'exclusive') lock.exclusive = false;
    else lock.shared--;
    // Grant in queue order: one exclusive writer, or every shared writer up to the next exclusive one.
    while (lock.queue.length > 0 && !lock.exclusive) {
      const next = lock.queue[0]!;
      if (next.mode === 'exclusive' && lock.shared > 0) break;
      lock.queue.shift();
      this.take(lock, next.mode);
      next.grant();
      if (next.mode === 'exclusive') break;
    }
    if (!lock.exclusive && lock.shared === 0 && lock.queue.length === 0) this.locks.delete(chatUser);
  }

  private noteExclusiveWrite(chatUser: string): void {
    this.writeSeq++;
    this.lastExclusive.delete(chatUser);
    this.lastExclusive.set(chatUser, this.writeSeq);
    if (this.lastExclusive.size > REMEMBERED_USERS) {
      const [oldest, seq] = this.lastExclusive.entries().next().value as [string, number];
      this.lastExclusive.delete(oldest);
      this.forgottenUpTo = Math.max(this.forgottenUpTo, seq);
    }
  }

  private wakeWatchers(chatUser: string): void {
    for (let index = this.waitWatchers.length - 1; index >= 0; index--) {
      const watcher = this.waitWatchers[index]!;
      if (watcher.chatUser === chatUser && this.waiting(chatUser) >= watcher.count) {
        this.waitWatchers.splice(index, 1);
        watcher.resolve();
      }
    }
  }
}

const byStore = new WeakMap<Store, ChatUserLocks>();

/** The lock table of everything that writes marks through this store. */
export function chatUserLocks(store: Store): ChatUserLocks {
  let locks = byStore.get(store);
  if (!locks) {
    locks = new ChatUserLocks((key, work) => store.exclusiveAcrossInstances(key, work));
    byStore.set(store, locks);
  }
  return locks;
}
