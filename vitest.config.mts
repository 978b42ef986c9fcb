import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// SWC instead of esbuild: TypeORM and type-graphql read decorator metadata,
// which esbuild does not emit.
const swcPlugin = () =>
  swc.vite({
    jsc: {
      parser: { syntax: "typescript", decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: "es2022",
    },
    module: { type: "es6" },
  });

export default defineConfig({
  plugins: [swcPlugin()],
  test: {
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        plugins: [swcPlugin()],
        test: {
          name: "unit",
          include: ["src/**/*.test.ts"],
          testTimeout: 120_000,
        },
      },
      {
        plugins: [swcPlugin()],
        test: {
          name: "integration",
          include: ["tests/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration tests share one database per run: run files one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
