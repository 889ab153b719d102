import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents for the example app, from the committed schema.graphql (so codegen needs no
 * running server). `npm run codegen` writes them; `npm run codegen:check` fails when they are stale.
 */
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["examples/web/src/**/*.{ts,tsx}", "!examples/web/src/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    "examples/web/src/gql/": {
      preset: "client",
      presetConfig: {
        // Components read the fields they asked for directly; no fragment masking to unwrap.
        fragmentMasking: false,
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        // DateTime travels as an ISO 8601 string in JSON.
        scalars: { DateTime: "string" },
        strictScalars: true,
      },
    },
  },
};

export default config;
