import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/**
 * The typed example queries for frontend code stay in step with the schema:
 * GraphQL Code Generator, run on the compiled schema (npm test builds first),
 * must produce exactly the checked-in examples/typescript/generated.ts, and the
 * example client using those types compiles with the rest (tsc in the build).
 */
const ROOT = path.resolve(__dirname, "..", "..");

describe("GraphQL Code Generator example", () => {
  it("generated.ts matches the current schema and queries", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      path.join(ROOT, "dist", "examples", "typescript", "generate.js"),
      "--check",
    ]);
    expect(stdout).toContain("up to date");
  });

  it("types every operation of queries.graphql", () => {
    const generated = readFileSync(path.join(ROOT, "examples", "typescript", "generated.ts"), "utf8");
    for (const name of ["MaterialsPageQuery", "CrossSourceQuery", "SimulateMutation", "JobUpdatedSubscription"]) {
      expect(generated).toContain(`export type ${name} =`);
      expect(generated).toContain(`export type ${name}Variables =`);
    }
  });
});
