import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { InvalidInputError, NotFoundError } from "../errors";
import { createErrorFormatter } from "./format-error";

function formatted(error: unknown) {
  const wrapped = new GraphQLError(error instanceof Error ? error.message : "x", {
    originalError: error instanceof Error ? error : undefined,
    path: ["materials"],
  });
  return { formatted: wrapped.toJSON(), wrapped };
}

describe("error formatting", () => {
  it("keeps the message and code of typed errors", () => {
    const logged: unknown[] = [];
    const format = createErrorFormatter(true, (_m, e) => logged.push(e));
    const { formatted: f, wrapped } = formatted(new NotFoundError("no material with id 7"));
    expect(format(f, wrapped)).toMatchObject({ message: "no material with id 7", extensions: { code: "NOT_FOUND" } });
    const bad = formatted(new InvalidInputError("filter.formula: bad"));
    expect(format(bad.formatted, bad.wrapped).extensions?.["code"]).toBe("BAD_USER_INPUT");
    expect(logged).toHaveLength(0);
  });

  it("hides internals in production and logs them in full", () => {
    const logged: unknown[] = [];
    const format = createErrorFormatter(true, (_m, e) => logged.push(e));
    const sqlError = new Error('relation "materials" does not exist at character 15: SELECT m.id FROM materials m');
    const { formatted: f, wrapped } = formatted(sqlError);
    const out = format({ ...f, extensions: { stacktrace: ["at query (pg.js:1)"] } }, wrapped);
    expect(out.message).toBe("Internal server error");
    expect(JSON.stringify(out)).not.toMatch(/SELECT|pg\.js|relation/);
    expect(out.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR" });
    expect(logged).toEqual([sqlError]);
  });

  it("shows internals in development, still coded as internal", () => {
    const format = createErrorFormatter(false, () => undefined);
    const { formatted: f, wrapped } = formatted(new Error("boom"));
    expect(format(f, wrapped)).toMatchObject({ message: "boom", extensions: { code: "INTERNAL_SERVER_ERROR" } });
  });
});
