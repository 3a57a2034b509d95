// Durable commits without holding the event loop. A COMMIT at synchronous = FULL makes SQLite fsync
// the WAL on the calling thread: the whole server waited for the disk (a third of a one-item save's
// main-thread time on the bench machine). Instead a durable transaction commits at NORMAL — the WAL
// is written, not yet synced — and then waits here for an fdatasync of the WAL file, which runs on
// libuv's thread pool while the event loop serves other requests.
//
// Why this is as durable as FULL: the WAL is one append-only file and fsync flushes the file, not a
// descriptor, so a sync that starts after a commit returned covers that commit (and every earlier
// one). A checkpoint that moves the WAL into the database file syncs the WAL first (SQLite does so
// at NORMAL), and the WAL is only rewritten from its start after such a checkpoint. The WAL file is
// deleted only when the last connection closes; the descriptor is reopened if its file was replaced.
//
// Commits that arrive while a sync is running share the next one (group commit): at most one sync
// runs and at most one waits.
//
// Other queries on the connection see a commit a moment before it is synced, as they did not under
// FULL. Nothing is sent to Chat on the strength of that: every upstream write follows its sender's
// own durable commit (the audit intent, a ledger announcement), and a sync covers every commit before
// it. What a power cut in that moment can lose is a read shown to a person, never a record a write
// relied on.
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';

export type SyncFile = (fd: number) => Promise<void>;

const fdatasyncOnPool: SyncFile = (fd) => new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

export class WalSync {
  #fd: number | null = null;
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;

  constructor(
    private readonly walFile: string,
    private readonly syncFile: SyncFile = fdatasyncOnPool,
  ) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    if (!this.#running) return this.#start();
    // The running sync may have started before the caller's commit: wait for the one after it.
    this.#next ??= this.#running.then(
      () => this.#startQueued(),
      () => this.#startQueued(),
    );
    return this.#next;
  }

  /** Closes the descriptor once the syncs already asked for have finished. */
  async close(): Promise<void> {
    await Promise.allSettled([this.#running, this.#next]);
    this.#closeDescriptor();
  }

  #closeDescriptor(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #startQueued(): Promise<void> {
    this.#next = null;
    return this.#start();
  }

  #start(): Promise<void> {
    const running = Promise.resolve()
      .then(() => this.syncFile(this.#descriptor()))
      .finally(() => {
        if (this.#running === running) this.#running = null;
      });
    this.#running = running;
    return running;
  }

  /** The WAL's descriptor, (re)opened when there is none or the file at the path is another one. */
  #descriptor(): number {
    if (this.#fd !== null && fstatSync(this.#fd).ino !== statSync(this.walFile, { throwIfNoEntry: false })?.ino) this.#closeDescriptor();
    this.#fd ??= openSync(this.walFile, 'r');
    return this.#fd;
  }
}
