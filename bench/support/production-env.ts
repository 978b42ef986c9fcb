/**
 * bench:api measures the server as it is deployed (docker/Dockerfile sets NODE_ENV=production). graphql-js
 * reads NODE_ENV once, when it is first loaded, and outside production adds a cross-realm check to every
 * failed `instanceof` it makes while completing values; so this module is imported before anything that
 * loads graphql. An explicit NODE_ENV is kept.
 */
process.env["NODE_ENV"] ??= "production";

export const benchNodeEnv: string = process.env["NODE_ENV"];
