import { existsSync } from "node:fs";
import path from "node:path";

/**
 * The project's shared data (benchmarks, elemental tables, potentials, recorded
 * fixtures, LAMMPS references) lives beside the checkout, not in it. A fresh clone
 * without it skips the tests that need it, and says so.
 */
const REPO_ROOT = path.resolve(__dirname, "..", "..");

export const SHARED_DATA_DIR = process.env["MATGRAPH_SHARED_DATA"] ?? path.resolve(REPO_ROOT, "..", "shared", "data");

export const hasSharedData = existsSync(SHARED_DATA_DIR);

export function sharedData(...parts: string[]): string {
  return path.join(SHARED_DATA_DIR, ...parts);
}

export function hasSharedFile(...parts: string[]): boolean {
  return existsSync(sharedData(...parts));
}

/** A suffix for test names that tells a reader why the test was skipped. */
export const SKIP_REASON = hasSharedData ? "" : " [skipped: shared data not found beside the checkout]";

if (!hasSharedData) {
  console.warn(`shared data not found at ${SHARED_DATA_DIR}: tests that need it are skipped`);
}
