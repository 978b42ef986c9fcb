/**
 * The operator token the user pasted, kept for this browser tab only
 * (sessionStorage), sent as `Authorization: Bearer …` over HTTP and as the
 * graphql-ws connection payload.
 */
const KEY = "matgraph.token";
const listeners = new Set<(token: string) => void>();

export function getToken(): string {
  try {
    return sessionStorage.getItem(KEY) ?? "";
  } catch {
    return ""; // storage disabled: the token lives only as long as the input field
  }
}

export function setToken(token: string): void {
  const trimmed = token.trim();
  try {
    if (trimmed) sessionStorage.setItem(KEY, trimmed);
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled: nothing to persist
  }
  for (const listener of listeners) listener(trimmed);
}

export function onTokenChange(listener: (token: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function authorizationHeader(): string | undefined {
  const token = getToken();
  return token ? `Bearer ${token}` : undefined;
}
