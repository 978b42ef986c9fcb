import type { DataSource } from "typeorm";
import { JOB_COLUMNS, TERMINAL_STATES, type JobRecord } from "./job-record";

type Listener = (job: JobRecord) => void;

/**
 * Streams a job's changes to subscribers. Workers may run in other processes, so
 * changes are read from the jobs table: one query per tick for all watched jobs,
 * and only while someone watches.
 */
export class JobWatcher {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly lastSeen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly intervalMs = 200,
  ) {}

  /** The job's current state first, then each change, ending after a terminal state. */
  watch(jobId: string, signal?: AbortSignal): AsyncIterableIterator<JobRecord> {
    const queue: JobRecord[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const listener: Listener = (job) => {
      queue.push(job);
      wake?.();
    };
    const stop = () => {
      done = true;
      this.remove(jobId, listener);
      wake?.();
    };
    signal?.addEventListener("abort", stop, { once: true });
    this.add(jobId, listener);
    const iterator: AsyncIterableIterator<JobRecord> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        const job = queue.shift();
        if (!job) return { value: undefined, done: true };
        if (TERMINAL_STATES.has(job.state)) stop();
        return { value: job, done: false };
      },
      return: async () => {
        stop();
        return { value: undefined, done: true };
      },
    };
    return iterator;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private add(jobId: string, listener: Listener): void {
    const set = this.listeners.get(jobId) ?? new Set();
    set.add(listener);
    this.listeners.set(jobId, set);
    this.lastSeen.delete(jobId); // a new subscriber gets the current state at once
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs);
    void this.poll();
  }

  private remove(jobId: string, listener: Listener): void {
    const set = this.listeners.get(jobId);
    set?.delete(listener);
    if (set && set.size === 0) {
      this.listeners.delete(jobId);
      this.lastSeen.delete(jobId);
    }
    if (this.listeners.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling || this.listeners.size === 0) return;
    this.polling = true;
    try {
      const rows: JobRecord[] = await this.dataSource.query(
        `SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ANY($1::uuid[])`,
        [[...this.listeners.keys()]],
      );
      for (const job of rows) {
        const stamp = new Date(job.updatedAt).getTime();
        if (this.lastSeen.get(job.id) === stamp) continue;
        this.lastSeen.set(job.id, stamp);
        for (const listener of this.listeners.get(job.id) ?? []) listener(job);
      }
    } catch {
      // the next tick tries again; a closed store ends with close()
    } finally {
      this.polling = false;
    }
  }
}
