import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", ".matgraph/", "examples/", "web/dist/"] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        __dirname: "readonly",
        require: "readonly",
        module: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setImmediate: "readonly",
        fetch: "readonly",
        URL: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    // The engine is pure computation: nothing from the store, the API, ingest or services.
    files: ["src/engine/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "**/store/**",
                "**/schema/**",
                "**/resolvers/**",
                "**/ingest/**",
                "**/services/**",
                "**/http/**",
                "**/cli/**",
                "**/config",
                "typeorm",
                "graphql",
                "pg",
                "express",
                "axios",
              ],
              message: "src/engine imports nothing from the rest of the codebase",
            },
            {
              group: ["node:fs", "fs", "node:http", "http", "node:net", "net"],
              message: "src/engine does no I/O: take contents as arguments",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests of engine code read the shared reference files; the code under test still does no I/O.
    files: ["src/engine/**/*.test.ts", "src/engine/**/*.test-support.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["bin/**/*.js"],
    languageOptions: { sourceType: "commonjs" },
  },
);
