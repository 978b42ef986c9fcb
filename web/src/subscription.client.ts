import { createClient, type Client } from "graphql-ws";
import { GRAPHQL_PATH } from "./graphql.client";
import { authorizationHeader, onTokenChange } from "./token.store";

/**
 * One graphql-ws connection to the page's server, opened on first use and
 * re-opened with the new token when the user changes it (the token travels in
 * the connection_init payload as `authorization`).
 */
let client: Client | undefined;

function wsUrl(): string {
  const url = new URL(GRAPHQL_PATH, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

function getClient(): Client {
  client ??= createClient({
    url: wsUrl(),
    lazy: true,
    retryAttempts: 5,
    connectionParams: () => {
      const authorization = authorizationHeader();
      return authorization ? { authorization } : {};
    },
  });
  return client;
}

onTokenChange(() => {
  const old = client;
  client = undefined;
  void old?.dispose();
});

export interface SubscriptionHandlers<T> {
  next(data: T): void;
  error(message: string): void;
  complete(): void;
}

/** Starts a subscription; returns a function that stops it. */
export function subscribe<T>(
  query: string,
  variables: Record<string, unknown>,
  handlers: SubscriptionHandlers<T>,
): () => void {
  return getClient().subscribe<T>(
    { query, variables },
    {
      next: (message) => {
        if (message.errors?.length) handlers.error(message.errors.map((e) => e.message).join("; "));
        else if (message.data) handlers.next(message.data);
      },
      error: (error) => handlers.error(describeSocketError(error)),
      complete: () => handlers.complete(),
    },
  );
}

function describeSocketError(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join("; ");
  if (error instanceof Error) return error.message;
  if (typeof CloseEvent !== "undefined" && error instanceof CloseEvent)
    return `connection closed (${error.code}${error.reason ? `: ${error.reason}` : ""})`;
  return "subscription failed";
}
