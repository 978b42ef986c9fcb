import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";
import { JobQueue } from "../src/jobs/job-queue";
import { openTestStore, STORE_KIND, type TestStore } from "./support/test-store";

/**
 * The retry policy a job gets in pg-boss. pg-boss creates a queue once and keeps the
 * settings it was created with, so a server started with other settings (an operator's
 * changed MATGRAPH_JOB_EXPIRE_SECONDS, or on PostgreSQL an earlier test file) must still
 * get its own expiry and attempts for the jobs it queues.
 */
describe(`job retry policy on ${STORE_KIND}`, () => {
  let store: TestStore;
  const queues: JobQueue[] = [];

  beforeAll(async () => {
    store = await openTestStore();
  });
  afterAll(async () => {
    for (const queue of queues) await queue.stop();
    await store?.close();
  });

  async function policyOf(jobId: string): Promise<{ expireSeconds: number; retryLimit: number }> {
    const [row] = await store.dataSource.query(
      `SELECT extract(epoch FROM expire_in)::int AS "expireSeconds", retry_limit AS "retryLimit"
       FROM pgboss.job WHERE data->>'jobId' = $1`,
      [jobId],
    );
    if (!row) throw new Error(`job ${jobId} is not in pg-boss's queue`);
    return row;
  }

  it("sends each job with the expiry and attempts of the server that queues it, whatever the queue was created with", async () => {
    const first = await JobQueue.start(store.dataSource, store.url, loadConfig({}).jobs);
    queues.push(first);
    const defaults = await first.submit("FEM_CANTILEVER", { formula: "Cu", case: "defaults" }, { client: "test" });
    // The defaults: one hour of wall time plus a minute, three attempts.
    expect(await policyOf(defaults.job.id)).toEqual({ expireSeconds: 3660, retryLimit: 2 });

    const env = { MATGRAPH_JOB_EXPIRE_SECONDS: "10", MATGRAPH_JOB_MAX_ATTEMPTS: "2" };
    const second = await JobQueue.start(store.dataSource, store.url, loadConfig(env).jobs);
    queues.push(second);
    const changed = await second.submit("FEM_CANTILEVER", { formula: "Cu", case: "changed" }, { client: "test" });
    expect(changed.job.maxAttempts).toBe(2);
    expect(await policyOf(changed.job.id)).toEqual({ expireSeconds: 10, retryLimit: 1 });
    // The first server's jobs keep its policy.
    const again = await first.submit("FEM_CANTILEVER", { formula: "Cu", case: "defaults again" }, { client: "test" });
    expect(await policyOf(again.job.id)).toEqual({ expireSeconds: 3660, retryLimit: 2 });
  });
});
