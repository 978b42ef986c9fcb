import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import type * as GraphQL from "graphql";
import { describe, expect, it } from "vitest";
import { buildMatGraphSchema } from "../src/schema/build-schema";
import { hasSharedData, sharedData, SKIP_REASON } from "./support/shared-data";
import { TEST_DATABASE_URL } from "./support/test-store";

/**
 * The docs cannot rot: every ```sh block of the README and of docs/ runs here, in
 * order, one bash session per file, with `npx matgraph` being this checkout's CLI,
 * a fresh embedded store, and BENCHMARKS / POTENTIALS naming the shared data.
 * (Blocks fenced without `sh` — install, the test command itself, deployment — are
 * run by CI as they are, or are not commands.)
 */
const ROOT = path.resolve(__dirname, "..");
const FILES = [
  "README.md",
  ...readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f)),
];

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
}

const PREAMBLE = `set -euo pipefail
npx() { if [ "$1" = matgraph ]; then shift; node "$REPO/bin/matgraph.js" "$@"; else command npx "$@"; fi; }
# Background servers are subshells running node: stop their children too, or a pipe stays open.
trap 'for p in $(jobs -p); do pkill -TERM -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done; true' EXIT
`;

const DOCS_SKIP = TEST_DATABASE_URL
  ? " [skipped: the documented commands run on the embedded store; this run targets DATABASE_URL]"
  : SKIP_REASON;

describe.skipIf(!hasSharedData || Boolean(TEST_DATABASE_URL))(`documented commands${DOCS_SKIP}`, () => {
  it.each(FILES.filter((f) => shellBlocks(readFileSync(path.join(ROOT, f), "utf8")).length > 0))(
    "every shell block of %s runs",
    async (file) => {
      const blocks = shellBlocks(readFileSync(path.join(ROOT, file), "utf8"));
      const work = mkdtempSync(path.join(tmpdir(), "matgraph-docs-"));
      const { stdout } = await promisify(execFile)("bash", ["-c", PREAMBLE + blocks.join("\n")], {
        cwd: work,
        encoding: "utf8",
        timeout: 600_000,
        maxBuffer: 16 << 20,
        env: {
          ...process.env,
          REPO: ROOT,
          MATGRAPH_DATA_DIR: path.join(work, "pgdata"),
          BENCHMARKS: sharedData("benchmarks"),
          POTENTIALS: sharedData("potentials"),
          DATABASE_URL: "",
        },
      });
      expect(stdout.length).toBeGreaterThan(0);
    },
    600_000,
  );
});

// The schema is built by type-graphql with the CommonJS graphql; validate with the same copy.
const { parse, validate } = createRequire(__filename)("graphql") as typeof GraphQL;

function graphqlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```graphql\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
}

describe("documented GraphQL", () => {
  const withGraphql = FILES.filter((f) => graphqlBlocks(readFileSync(path.join(ROOT, f), "utf8")).length > 0);
  it.each(withGraphql)("every operation in %s is valid against the schema", async (file) => {
    const schema = await buildMatGraphSchema();
    let operations = 0;
    for (const block of graphqlBlocks(readFileSync(path.join(ROOT, file), "utf8"))) {
      for (const definition of parse(block).definitions) {
        const document: GraphQL.DocumentNode = { kind: parse("{ __typename }").kind, definitions: [definition] };
        expect(validate(schema, document).map((e) => e.message)).toEqual([]);
        operations += 1;
      }
    }
    expect(operations).toBeGreaterThan(0);
  });
});
