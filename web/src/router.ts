/**
 * Client-side routes over the History API: `/` (search, its form in the query
 * string) and `/materials/:id`. The server answers every non-API path with
 * index.html, so these URLs can be bookmarked and reloaded.
 */
export type Route =
  { name: "search"; params: URLSearchParams } | { name: "material"; id: string } | { name: "not-found"; path: string };

export function parseRoute(location: Location): Route {
  const path = location.pathname.replace(/\/+$/, "") || "/";
  if (path === "/") return { name: "search", params: new URLSearchParams(location.search) };
  const material = /^\/materials\/([^/]+)$/.exec(path);
  if (material?.[1]) return { name: "material", id: decodeURIComponent(material[1]) };
  return { name: "not-found", path };
}

let onChange: (route: Route) => void = () => undefined;

export function startRouter(render: (route: Route) => void): void {
  onChange = render;
  window.addEventListener("popstate", () => onChange(parseRoute(window.location)));
  // Same-origin links navigate without a reload; modified clicks keep their usual meaning.
  document.addEventListener("click", (event) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    const anchor = (event.target as Element | null)?.closest?.("a[data-link]");
    if (!(anchor instanceof HTMLAnchorElement)) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search);
  });
  onChange(parseRoute(window.location));
}

export function navigate(url: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  onChange(parseRoute(window.location));
}

export function materialUrl(id: string): string {
  return `/materials/${encodeURIComponent(id)}`;
}

let searchUrl = "/";

/** The search (with its page) the user last saw, for the material page's back link. */
export function lastSearchUrl(): string {
  return searchUrl;
}

export function rememberSearchUrl(url: string): void {
  searchUrl = url;
}
