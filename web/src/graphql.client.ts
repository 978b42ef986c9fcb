import { authorizationHeader } from "./token.store";

/** GraphQL over HTTP POST to the server that served the page. */
export const GRAPHQL_PATH = "/graphql";

export class GraphQLRequestError extends Error {
  readonly code: string;
  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GraphQLRequestError";
    this.code = code;
  }
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: unknown } }>;
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  const auth = authorizationHeader();
  if (auth) headers["authorization"] = auth;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new GraphQLRequestError("The server cannot be reached", "NETWORK", { cause: error });
  }
  let body: GraphQLResponse<T>;
  try {
    body = (await response.json()) as GraphQLResponse<T>;
  } catch (error) {
    throw new GraphQLRequestError(`The server answered ${response.status} without a GraphQL body`, "HTTP", {
      cause: error,
    });
  }
  const first = body.errors?.[0];
  if (first) {
    const code = typeof first.extensions?.code === "string" ? first.extensions.code : "GRAPHQL";
    throw new GraphQLRequestError(first.message, code);
  }
  if (!body.data) throw new GraphQLRequestError("The server returned no data", "GRAPHQL");
  return body.data;
}

export function describeError(error: unknown): string {
  if (error instanceof GraphQLRequestError) {
    if (error.code === "UNAUTHENTICATED") return "This needs an operator token: paste one in the header field.";
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
