import { existsSync } from "node:fs";
import path from "node:path";

/** The checkout's root: the nearest folder above this file holding package.json (works from src and from dist). */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("package.json not found above " + __dirname);
    dir = parent;
  }
  return dir;
}

/** The shared data folder beside the checkout (MATGRAPH_SHARED_DATA overrides). */
export function sharedDataDir(): string {
  return process.env["MATGRAPH_SHARED_DATA"] ?? path.resolve(repoRoot(), "..", "shared", "data");
}
