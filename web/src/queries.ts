import { gql } from "./graphql.client";

/** The GraphQL documents the explorer sends, and the shapes it reads back. */

export interface PropertyValue {
  key: string;
  value: number | null;
  values: number[] | null;
  unit: string;
  source: string;
  sourceId: string;
  method: string;
  temperatureK: number | null;
}

export interface Site {
  species: string;
  /** Cartesian, Å */
  xyz: number[];
  /** Fractional */
  abc: number[];
}

export interface Structure {
  /** Lattice vectors a, b, c as rows, Å */
  lattice: number[][];
  sites: Site[];
}

export interface EntrySummary {
  id: string;
  source: string;
  sourceId: string;
  method: string | null;
  functional: string | null;
  sourceUrl: string | null;
  spacegroup: { number: number | null; symbol: string | null } | null;
  structure: Structure | null;
}

export interface JobView {
  id: string;
  kind: string;
  state: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
  /** 0–1 */
  progress: number;
  message: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface MaterialDetail {
  id: string;
  formula: string;
  elements: string[];
  nelements: number;
  chemsys: string;
  anonymousFormula: string;
  properties: PropertyValue[];
  entries: EntrySummary[];
}

export interface MaterialRow {
  id: string;
  formula: string;
  elements: string[];
  nelements: number;
  chemsys: string;
  properties: Array<Pick<PropertyValue, "key" | "value" | "unit" | "source">>;
  entries: Array<{ source: string }>;
}

export interface MaterialPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ cursor: string; node: MaterialRow }>;
}

export const JOB_FIELDS = "id kind state progress message result error attempts createdAt finishedAt";

const MATERIALS_QUERY = `query Materials($filter: MaterialFilter, $orderBy: MaterialOrder, $first: Int, $after: String) {
  materials(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id formula elements nelements chemsys properties { key value unit source } entries { source } } }
  }
}`;

export async function searchMaterials(variables: {
  filter: Record<string, unknown>;
  orderBy?: Record<string, unknown>;
  first: number;
  after?: string | null;
}): Promise<MaterialPage> {
  return (await gql<{ materials: MaterialPage }>(MATERIALS_QUERY, variables)).materials;
}

const MATERIAL_QUERY = `query Material($id: ID!) {
  material(id: $id) {
    id formula elements nelements chemsys anonymousFormula
    properties { key value values unit source sourceId method temperatureK }
    entries {
      id source sourceId method functional sourceUrl
      spacegroup { number symbol }
      structure { lattice sites { species xyz abc } }
    }
  }
}`;

export async function loadMaterial(id: string): Promise<MaterialDetail> {
  return (await gql<{ material: MaterialDetail }>(MATERIAL_QUERY, { id })).material;
}

export async function loadMaterialJobs(materialId: string): Promise<JobView[]> {
  const query = `query Jobs($materialId: ID!) { jobs(first: 8, filter: { materialId: $materialId }) { ${JOB_FIELDS} } }`;
  return (await gql<{ jobs: JobView[] }>(query, { materialId })).jobs;
}

export async function startSimulation(input: Record<string, unknown>): Promise<JobView> {
  const query = `mutation Simulate($input: SimulateInput!) { simulate(input: $input) { ${JOB_FIELDS} } }`;
  return (await gql<{ simulate: JobView }>(query, { input })).simulate;
}

export async function cancelJob(id: string): Promise<JobView> {
  const query = `mutation Cancel($id: ID!) { cancelJob(id: $id) { ${JOB_FIELDS} } }`;
  return (await gql<{ cancelJob: JobView }>(query, { id })).cancelJob;
}

export const JOB_UPDATED = `subscription JobUpdated($id: ID!) { jobUpdated(id: $id) { ${JOB_FIELDS} } }`;
