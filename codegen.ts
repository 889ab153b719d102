import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

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
        // persisted-documents.json: `sha256:<hex>` -> document, the API's TRUSTED_DOCUMENTS manifest
        // (docs/operations.md). Each document carries its id, which the app sends in production builds.
        persistedDocuments: { hashPropertyName: "documentId", hashAlgorithm: "sha256" },
      },
      // The documents as Apollo Client sends them (it adds __typename for its cache), so the manifest's
      // document answers what the client expects.
      documentTransforms: [addTypenameSelectionDocumentTransform],
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
