import { gql } from "./graphql.client";

/**
 * The enums the forms offer (property keys with their units, sources, simulation
 * kinds), read once from the server's schema by introspection so that the page
 * follows the API instead of a copied list.
 */
export interface PropertyKeyInfo {
  name: string;
  /** e.g. "Bulk modulus, Voigt–Reuss–Hill average" */
  label: string;
  /** e.g. "Bulk modulus", for column heads and axis titles */
  shortLabel: string;
  /** Canonical unit, "" for dimensionless values */
  unit: string;
  /** 6×6 tensors and other array values: shown, but not offered for ranges and plots */
  isArray: boolean;
}

export interface SchemaEnums {
  keys: PropertyKeyInfo[];
  sources: string[];
  simulationKinds: string[];
}

interface EnumType {
  enumValues: Array<{ name: string; description: string | null }>;
}

const QUERY = `{
  keys: __type(name: "PropertyKey") { enumValues { name description } }
  sources: __type(name: "Source") { enumValues { name description } }
  kinds: __type(name: "SimulationKind") { enumValues { name description } }
}`;

let cached: Promise<SchemaEnums> | undefined;

export function loadSchemaEnums(): Promise<SchemaEnums> {
  cached ??= gql<{ keys: EnumType; sources: EnumType; kinds: EnumType }>(QUERY).then((r) => ({
    keys: r.keys.enumValues.map((v) => parseKey(v.name, v.description ?? "")),
    sources: r.sources.enumValues.map((v) => v.name),
    simulationKinds: r.kinds.enumValues.map((v) => v.name),
  }));
  cached.catch(() => (cached = undefined));
  return cached;
}

export function parseKey(name: string, description: string): PropertyKeyInfo {
  const match = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(description);
  const label = match?.[1] || description || name;
  const unit = match?.[2] ?? "";
  const shortLabel = label.split(",")[0]?.trim() || label;
  return { name, label, shortLabel, unit: unit === "dimensionless" ? "" : unit, isArray: /tensor/i.test(description) };
}

export function keyInfo(enums: SchemaEnums, name: string): PropertyKeyInfo {
  return enums.keys.find((k) => k.name === name) ?? { name, label: name, shortLabel: name, unit: "", isArray: false };
}
