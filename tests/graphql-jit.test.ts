import { createHash } from "node:crypto";
import type { BaseContext } from "@apollo/server";
import { parse, print } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config";
import { startHttpServer, type RunningServer } from "../src/http/app";
import type { CompiledQueries } from "../src/http/compiled-queries";
import { QueryFastPath } from "../src/http/query-fast-path";
import { seed } from "./support/seed";
import { openTestStore, STORE_KIND, type TestStore } from "./support/test-store";

/**
 * Queries run compiled by graphql-jit, and plain successful ones are answered
 * before Apollo's pipeline (src/http/query-fast-path.ts). Both must answer every
 * request exactly as Apollo on graphql-js does: the reference here is the same
 * server started with `compiledQueries: false`, over the same store. Each request
 * is sent twice to the compiled server: first Apollo validates the text, then
 * the fast path may answer it; status, content type and body bytes must match
 * the reference both times.
 */
interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

interface Case {
  readonly name: string;
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  /** graphql-js runs it even on the compiled server (documents with @skip or @include). */
  readonly isLeftToGraphqlJs?: boolean;
}

const TOKEN = "jit-test-token";
const PAGE_QUERY = `query($after: String) { materials(first: 50, after: $after) { edges { cursor node { id formula elements nelements chemsys
  entries { source sourceId properties { key value unit } } } } } }`;

describe(`compiled queries answer as Apollo on graphql-js does, on ${STORE_KIND}`, () => {
  let store: TestStore;
  const servers: RunningServer[] = [];
  let compiled: RunningServer;
  let reference: RunningServer;
  let compiledPrivate: RunningServer;
  let referencePrivate: RunningServer;
  let compiledDev: RunningServer;
  let referenceDev: RunningServer;
  let materialId: string;
  let secondCursor: string;
  const answers = vi.spyOn(QueryFastPath.prototype, "answer");

  beforeAll(async () => {
    store = await openTestStore();
    await seed(store.dataSource);
    const env = { PORT: "0", HOST: "127.0.0.1", MATGRAPH_TOKENS: TOKEN };
    const production = loadConfig({ ...env, NODE_ENV: "production" });
    const privateReads = loadConfig({ ...env, NODE_ENV: "production", MATGRAPH_PRIVATE_READS: "true" });
    const development = loadConfig({ ...env, NODE_ENV: "development" });
    const start = async (config: typeof production, compiledQueries: boolean) => {
      const server = await startHttpServer(store.dataSource, config, {}, { compiledQueries });
      servers.push(server);
      return server;
    };
    compiled = await start(production, true);
    reference = await start(production, false);
    compiledPrivate = await start(privateReads, true);
    referencePrivate = await start(privateReads, false);
    compiledDev = await start(development, true);
    referenceDev = await start(development, false);

    const first = JSON.parse(
      (await post(reference, { name: "", query: "{ materials(first: 2) { edges { cursor node { id } } } }" })).body,
    ) as { data: { materials: { edges: Array<{ cursor: string; node: { id: string } }> } } };
    const [a, b] = first.data.materials.edges;
    if (!a || !b) throw new Error("the seed holds fewer than two materials");
    materialId = a.node.id;
    secondCursor = a.cursor;
    expect(b.node.id).not.toBe(materialId);
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    await store?.close();
  });

  async function post(server: RunningServer, c: Case): Promise<Answer> {
    const { name: _name, headers, isLeftToGraphqlJs: _isLeft, ...payload } = c;
    const res = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(payload),
    });
    return { status: res.status, contentType: res.headers.get("content-type"), body: await res.text() };
  }

  /** The fast path's verdict on the last request it saw: the body it sent, or null when Apollo answered. */
  async function lastFastAnswer(): Promise<string | null | undefined> {
    const last = answers.mock.results.at(-1);
    return last ? ((await last.value) as string | null) : undefined;
  }

  /** Sends a case to both servers (twice to the compiled one) and returns the reference answer. */
  async function expectSameAnswers(c: Case, pair: [RunningServer, RunningServer] = [compiled, reference]) {
    const want = await post(pair[1], c);
    const first = await post(pair[0], c);
    const second = await post(pair[0], c);
    expect(first).toEqual(want);
    expect(second).toEqual(want);
    return { want, fast: await lastFastAnswer() };
  }

  const successes = (): Case[] => [
    { name: "the bench's 50-material page", query: PAGE_QUERY, variables: { after: secondCursor } },
    {
      name: "a page with page info and total count",
      query: `{ materials(first: 5) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id formula anonymousFormula } } } }`,
    },
    {
      name: "one material with every entry and property field",
      query: `query($id: ID!) { material(id: $id) { id formula elements entries { id source sourceId method functional
        volumeAngstrom3 densityGPerCm3 nsites sourceUrl spacegroup { number symbol }
        structure { lattice nsites volume sites { species abc xyz } }
        properties { key value values unit source sourceId method temperatureK sourceValue sourceUnit updatedAt } } } }`,
      variables: { id: materialId },
    },
    {
      name: "the bench's property-range filter",
      query: `query($min: Float!, $max: Float!) { materials(first: 50, filter: { elements: { hasAll: ["O"] },
        properties: [{ key: BAND_GAP, min: $min, max: $max }] }) { edges { node { id formula properties(keys: [BAND_GAP]) { value unit source } } } } }`,
      variables: { min: 0.5, max: 2.5 },
    },
    {
      name: "fragments, inline fragments, aliases and __typename",
      query: `query Frag($id: ID!) { m: material(id: $id) { ...M ... on Material { chemsys } __typename }
          again: material(id: $id) { id } }
        fragment M on Material { id formula e: entries(sources: [MP, AFLOW]) { sourceId __typename }
          props: properties(keys: [BAND_GAP, BULK_MODULUS_VRH]) { key value source entry { sourceId } } }`,
      variables: { id: materialId },
    },
    {
      name: "@include and @skip, taken",
      query: `query($entries: Boolean!, $noFormula: Boolean!) { materials(first: 3) { edges { node { id
        formula @skip(if: $noFormula) entries @include(if: $entries) { sourceId } } } } }`,
      variables: { entries: true, noFormula: false },
      isLeftToGraphqlJs: true,
    },
    {
      name: "@include and @skip, left out",
      query: `query($entries: Boolean!, $noFormula: Boolean!) { materials(first: 3) { edges { node { id
        formula @skip(if: $noFormula) entries @include(if: $entries) { sourceId } } } } }`,
      variables: { entries: false, noFormula: true },
      isLeftToGraphqlJs: true,
    },
    {
      name: "fields merged across fragments in selection order",
      query: `query($id: ID!) { material(id: $id) { ...B formula ... on Material { id entries { source } } ...A } }
        fragment A on Material { entries { sourceId properties { value } } id nelements }
        fragment B on Material { chemsys entries { properties { key } } }`,
      variables: { id: materialId },
    },
    ...[true, false].map((on) => ({
      name: `@include and @skip on fragment spreads and inline fragments (${on})`,
      query: `query($id: ID!, $on: Boolean!) { material(id: $id) { id ...M @include(if: $on)
          ... on Material @skip(if: $on) { chemsys entries { ...E @skip(if: $on) source } } } }
        fragment M on Material { formula entries { ...E } }
        fragment E on Entry { sourceId properties { key ... @include(if: $on) { value } } }`,
      variables: { id: materialId, on },
      isLeftToGraphqlJs: true,
    })),
    {
      name: "a named operation among several",
      query: `query One { materials(first: 1) { edges { node { id } } } }
        query Two($id: ID!) { material(id: $id) { formula entries(source: MP) { sourceId } } }`,
      operationName: "Two",
      variables: { id: materialId },
    },
    {
      name: "enum list variables with a default and an order",
      query: `query($keys: [PropertyKey!] = [BULK_MODULUS_VRH]) { materials(first: 4, orderBy: { field: FORMULA, direction: DESC }) {
        edges { node { formula properties(keys: $keys) { key value } } } } }`,
    },
    {
      name: "an entry with its material, and a formula with no material",
      query: `{ entry(source: MP, sourceId: "mp-13") { sourceId formula material { id formula } }
        materialByFormula(formula: "Au3Ag") { id } }`,
    },
    {
      name: "introspection",
      query: `{ __schema { queryType { name } } __type(name: "PropertyValue") { name fields { name type { name kind ofType { name } } } } }`,
    },
  ];

  it("answers successful queries with the same bytes, the second time from the fast path", async () => {
    for (const c of successes()) {
      const { want, fast } = await expectSameAnswers(c);
      expect(want.status, c.name).toBe(200);
      expect(JSON.parse(want.body), c.name).not.toHaveProperty("errors");
      expect(fast, c.name).toBe(c.isLeftToGraphqlJs ? null : want.body);
    }
  });

  const failures = (): Case[] => [
    { name: "a missing material (NOT_FOUND)", query: `{ material(id: "99999999") { id formula } }` },
    {
      name: "data beside two errors",
      query: `query($id: ID!) { a: material(id: $id) { id formula } b: material(id: "0") { id } c: material(id: "-4") { id } }`,
      variables: { id: materialId },
    },
    { name: "a forged cursor", query: PAGE_QUERY, variables: { after: "not-a-cursor" } },
    {
      name: "an error in a nested field of every list item",
      query: `{ materials(first: 3) { edges { cursor node { id predicted(key: BAND_GAP, model: "0") { key value } } } } }`,
    },
    { name: "an unknown field", query: `{ materials(first: 1) { edges { node { density } } } }` },
    { name: "a syntax error", query: `{ materials(first: 1) { edges { node { id } }` },
    {
      name: "a variable of the wrong type",
      query: `query($first: Int) { materials(first: $first) { edges { cursor } } }`,
      variables: { first: "ten" },
    },
    { name: "a missing required variable", query: `query($id: ID!) { material(id: $id) { id } }` },
    {
      name: "a query over the depth limit",
      query: `query($id: ID!) { material(id: $id) { entries { material { entries { material { entries { material {
        entries { material { entries { material { entries { material { id } } } } } } } } } } } } }`,
      variables: { id: materialId },
    },
    {
      name: "an unknown operation name",
      query: `query One { materials(first: 1) { edges { cursor } } }`,
      operationName: "Two",
    },
    { name: "a mutation without a token", query: `mutation { cancelJob(id: "1") { id } }` },
    {
      name: "a client that asks for graphql-response+json",
      query: `{ materials(first: 2) { edges { cursor } } }`,
      headers: { accept: "application/graphql-response+json" },
    },
  ];

  it("answers failing and unusual requests the same, all through Apollo", async () => {
    for (const c of failures()) {
      const { want, fast } = await expectSameAnswers(c);
      if (c.headers?.["accept"]) {
        expect(want.contentType, c.name).toMatch(/graphql-response\+json/);
      } else {
        expect(JSON.parse(want.body), c.name).toHaveProperty("errors");
      }
      expect(fast ?? null, c.name).toBeNull();
    }
  });

  it("serves automatic persisted queries the same", async () => {
    const query = `{ materials(first: 2) { edges { node { formula } } } }`;
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const hashOnly = { name: "hash alone", query: undefined as unknown as string, extensions };
    // Each server learns the query from its own first request with the text.
    for (const server of [compiled, reference]) {
      expect((await post(server, { name: "register", query, extensions })).status).toBe(200);
    }
    const want = await post(reference, hashOnly);
    expect(want.status).toBe(200);
    expect(await post(compiled, hashOnly)).toEqual(want);
  });

  it("keeps private reads private: 401 without a token, the same data with one", async () => {
    const c: Case = { name: "page", query: PAGE_QUERY, variables: { after: secondCursor } };
    const anonymous = await expectSameAnswers(c, [compiledPrivate, referencePrivate]);
    expect(anonymous.want.status).toBe(401);
    expect(anonymous.want.body).toMatch(/UNAUTHENTICATED/);
    expect(anonymous.fast ?? null).toBeNull();

    const signed = await expectSameAnswers({ ...c, headers: { authorization: `Bearer ${TOKEN}` } }, [
      compiledPrivate,
      referencePrivate,
    ]);
    expect(signed.want.status).toBe(200);
    expect(signed.fast).toBe(signed.want.body);
  });

  it("gives the same errors in development, stack traces aside", async () => {
    const withoutStacks = (answer: Answer) => ({
      ...answer,
      body: JSON.parse(answer.body, (key, value: unknown) => (key === "stacktrace" ? undefined : value)) as unknown,
    });
    for (const c of [...failures(), successes()[0]!]) {
      const want = await post(referenceDev, c);
      for (let i = 0; i < 2; i++)
        expect(withoutStacks(await post(compiledDev, c)), c.name).toEqual(withoutStacks(want));
    }
  });
});

describe("the fast path's memory of validated queries", () => {
  it("forgets the oldest query texts beyond its character budget, and answers none it does not know", async () => {
    const texts = ["{ a: __typename }", "{ bb: __typename }", "{ ccc: __typename }"];
    const reached: string[] = [];
    const fastPath = new QueryFastPath<BaseContext>({
      compiled: null as unknown as CompiledQueries, // never reached: mayRun refuses every request
      mayRun: (_ctx, document) => {
        reached.push(print(document));
        return false;
      },
      maxQueryChars: texts[1]!.length + texts[2]!.length,
    });
    const hooks = await fastPath.plugin().requestDidStart?.({} as never);
    for (const text of texts) await hooks?.didResolveOperation?.({ source: text, document: parse(text) } as never);

    for (const text of texts) expect(await fastPath.answer({ query: text }, {}, async () => ({}))).toBeNull();
    // The first text no longer fits; the other two were looked up and handed to the checks.
    expect(reached).toEqual(texts.slice(1).map((t) => print(parse(t))));
    expect(await fastPath.answer({ query: "{ never: __typename }" }, {}, async () => ({}))).toBeNull();
    expect(reached).toHaveLength(2);
  });
});
