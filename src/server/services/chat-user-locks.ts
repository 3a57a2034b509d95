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
// A bulk job reads its lines' states ahead of its writes, after noting a point in the write history
// (`mark`). Its shared holder is told whether an interactive save or an Undo wrote the user after
// that point, so it reads again, inside the lock, before writing.
//
// With several instances on one database (PostgreSQL), both kinds hold the user there too
// (Store.instanceLocks): an exclusive holder alone among every instance, and this instance's
// shared holders of a user together under one shared hold, taken by the first and let go by the
// last. The end of every exclusive hold is recorded in the database before the user is let go, so
// a shared holder on another instance learns of a write made there after its mark.
//
// The table lives beside the database it protects (one per Store): everything that writes marks
// through one Markdesk store shares it — routes, Undo, the job runner.
import type { InstanceLocks, SharedHold, Store } from '../store/database';

/** A point in the write history, noted before a read of state made outside the lock. */
export type WriteMark = {
  /** This process's count of exclusive writes. */
  local: number;
  /** The last exclusive hold's end recorded in the database (0 without instance locks). */
  acrossInstances: number;
};

type Waiter = { mode: 'shared' | 'exclusive'; grant: () => void };
type UserLock = {
  shared: number;
  exclusive: boolean;
  queue: Waiter[];
  /** The shared hold across instances of this process's shared holders, while there are any. */
  acrossInstances: Promise<SharedHold> | null;
};

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

  /** @param instances the lock table every instance on the database shares; without it, the locks are this process's alone. */
  constructor(private readonly instances?: InstanceLocks) {}

  /**
   * Runs `work` holding the user's lock alone — here, and against every holder of the same user on
   * other instances sharing the database (their saves, Undos, reconcile passes and job calls).
   */
  exclusive<T>(chatUser: string, work: () => Promise<T>): Promise<T> {
    return this.hold(chatUser, 'exclusive', async () => {
      try {
        return await (this.instances ? this.instances.exclusive(instanceKey(chatUser), work) : work());
      } finally {
        this.noteExclusiveWrite(chatUser);
      }
    });
  }

  /**
   * Runs `work` holding the user's lock together with other shared holders, never with an exclusive
   * one (here or on another instance). `work` is told whether an exclusive writer wrote the user
   * after `since` — conservatively true when unsure.
   */
  shared<T>(chatUser: string, since: WriteMark, work: (writtenSince: boolean) => Promise<T>): Promise<T> {
    return this.hold(chatUser, 'shared', async (lock) => {
      let writtenElsewhere = false;
      if (this.instances) {
        lock.acrossInstances ??= this.instances.holdShared(instanceKey(chatUser));
        writtenElsewhere = (await lock.acrossInstances).lastExclusiveEnd > since.acrossInstances;
      }
      return work(writtenElsewhere || this.exclusiveWritesSince(chatUser, since.local));
    });
  }

  /** A point in the write history, noted before a read of state made outside the lock. */
  async mark(): Promise<WriteMark> {
    const local = this.writeSeq;
    return { local, acrossInstances: this.instances ? await this.instances.lastExclusiveEnd() : 0 };
  }

  /** Whether an exclusive writer of this process wrote `chatUser` after `mark` (conservatively true when unsure). */
  private exclusiveWritesSince(chatUser: string, mark: number): boolean {
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

  private async hold<T>(chatUser: string, mode: Waiter['mode'], work: (lock: UserLock) => Promise<T>): Promise<T> {
    const lock = this.locks.get(chatUser) ?? { shared: 0, exclusive: false, queue: [], acrossInstances: null };
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
      return await work(lock);
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
    if (lock.shared === 0 && lock.acrossInstances) {
      // The last shared holder here lets the hold across instances go (one that could not be taken: nothing to let go).
      lock.acrossInstances.then((hold) => hold.release(), () => undefined);
      lock.acrossInstances = null;
    }
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

/** The user's key in the lock table across instances. */
const instanceKey = (chatUser: string) => `chat-user:${chatUser}`;

const byStore = new WeakMap<Store, ChatUserLocks>();

/** The lock table of everything that writes marks through this store. */
export function chatUserLocks(store: Store): ChatUserLocks {
  let locks = byStore.get(store);
  if (!locks) {
    locks = new ChatUserLocks(store.instanceLocks);
    byStore.set(store, locks);
  }
  return locks;
}
