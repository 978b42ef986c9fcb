import { existsSync } from "node:fs";
import path from "node:path";
import express, { type Router } from "express";

/**
 * Serves the browser explorer (the Vite build in web/dist) at `/`. Paths that are
 * not files of the build get index.html, so deep links such as /materials/12 load
 * the app, which routes on the client. The API's own paths are never answered
 * here: they fall through to the routers mounted after this one.
 */
const API_PREFIXES = ["/graphql", "/health", "/export", "/optimade"] as const;

const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MatGraph</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>MatGraph</h1>
<p>The browser explorer has not been built. Run <code>npm run build</code>, then reload this page.</p>
<p>The GraphQL API is available at <a href="/graphql">/graphql</a>.</p>
</body></html>`;

export function isApiPath(urlPath: string): boolean {
  return API_PREFIXES.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));
}

/** web/dist of the checkout, found from this file whether it runs from src/ or dist/src/. */
export function defaultWebDistDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve("web", "dist");
    dir = parent;
  }
  return path.join(dir, "web", "dist");
}

export function webRouter(distDir: string = defaultWebDistDir()): Router {
  const router = express.Router();
  const indexFile = path.join(distDir, "index.html");
  // Hashed asset names change with their content, so they may be cached for good;
  // index.html must always be revalidated so that a new build is picked up.
  const assets = express.static(distDir, {
    index: false,
    fallthrough: true,
    setHeaders(res, filePath) {
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      res.setHeader("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });

  router.use((req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || isApiPath(req.path)) return next();
    assets(req, res, () => {
      // A missing file with an extension (/favicon.ico, /assets/x.js) is a 404, not the app.
      if (path.posix.basename(req.path).includes(".")) return next();
      if (!existsSync(indexFile)) {
        res.status(503).type("html").send(MISSING_BUILD_PAGE);
        return;
      }
      res.setHeader("Cache-Control", "no-cache");
      res.sendFile(indexFile);
    });
  });
  return router;
}
