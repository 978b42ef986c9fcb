import type { MaterialsPageQuery, MaterialsPageQueryVariables } from "./generated";

/**
 * A typed call as a frontend would make it: the variables and the answer are
 * the generated operation types, so a renamed field fails to compile here.
 */
export const MATERIALS_PAGE = `query MaterialsPage($filter: MaterialFilter, $first: Int, $after: String, $keys: [PropertyKey!]) {
  materials(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id formula chemsys properties(keys: $keys) { key value unit source sourceId method } } }
  }
}`;

export async function fetchMaterialsPage(
  url: string,
  variables: MaterialsPageQueryVariables,
): Promise<MaterialsPageQuery> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: MATERIALS_PAGE, variables }),
  });
  const body = (await response.json()) as { data?: MaterialsPageQuery; errors?: Array<{ message: string }> };
  if (!body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
  return body.data;
}

/** Every (formula, source, value) of one key on a page, typed end to end. */
export function valuesOf(
  page: MaterialsPageQuery,
  key: string,
): Array<{ formula: string; source: string; value: number | null }> {
  return page.materials.edges.flatMap(({ node }) =>
    node.properties
      .filter((p) => p.key === key)
      .map((p) => ({ formula: node.formula, source: p.source, value: p.value ?? null })),
  );
}
