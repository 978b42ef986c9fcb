import type { JobSettings } from "../config";
import type { Store } from "../store/data-source";
import { JobQueue } from "./job-queue";
import { JobRunner } from "./job-runner";
import { JobWatcher } from "./job-watcher";

/** The job system on one store: the queue, a watcher for subscriptions and, optionally, a worker. */
export interface JobSystem {
  readonly jobs: JobQueue;
  readonly watcher: JobWatcher;
  readonly runner: JobRunner | undefined;
  stop(): Promise<void>;
}

export async function startJobSystem(store: Store, settings: JobSettings, withWorker: boolean): Promise<JobSystem> {
  const jobs = await JobQueue.start(store.dataSource, store.url, settings);
  const watcher = new JobWatcher(store.dataSource);
  const runner = withWorker ? new JobRunner(store.dataSource, jobs.boss, settings) : undefined;
  await runner?.start();
  return {
    jobs,
    watcher,
    runner,
    async stop() {
      watcher.close();
      await runner?.stop();
      await jobs.stop();
    },
  };
}
