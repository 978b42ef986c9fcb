import { defineConfig } from "vite";

// The explorer is served by the MatGraph server at `/` (src/http/web.router.ts);
// in `vite dev` the API calls are proxied to a server on localhost:4000.
export default defineConfig({
  root: __dirname,
  base: "/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
  server: {
    proxy: {
      "/graphql": { target: "http://localhost:4000", ws: true },
      "/health": "http://localhost:4000",
    },
  },
});
