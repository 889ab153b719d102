import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ValidationContext, type ValidationRule } from "graphql";
import type { Config } from "../config";

/**
 * Reports a refused document as a validation error, which Apollo answers with HTTP 400 and
 * GRAPHQL_VALIDATION_FAILED before any resolver runs. graphql-armor words its refusals as "Syntax Error",
 * which they are not, and reports a cost with all its decimals.
 */
const refuse = (ctx: ValidationContext | null, error: GraphQLError) =>
  ctx?.reportError(
    new GraphQLError(error.message.replace(/^Syntax Error: /, "Query refused: ").replace(/(\d)\.\d+/g, "$1"), { nodes: error.nodes }),
  );

const onRejection = { onReject: [refuse], propagateOnRejection: false };

/**
 * Depth, alias and directive limits as validation rules (graphql-armor), and the token limit in
 * graphql-js's own parser, so an oversized document is refused before it is even fully parsed. The body
 * size is limited by express.json (app.ts). Field suggestions are removed in format-error.ts, which also
 * covers the errors that graphql-armor's suggestion plugin misses.
 */
export function queryLimits(config: Config): { validationRules: ValidationRule[]; parseOptions: { maxTokens: number } } {
  const { maxDepth, maxAliases, maxTokens } = config.limits;
  const { validationRules } = new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
    maxDepth: { n: maxDepth, ...onRejection },
    maxAliases: { n: maxAliases, ...onRejection },
    maxDirectives: { n: 50, ...onRejection },
    // The cost needs the variables' values, which validation does not see: query-cost.ts checks it.
    costLimit: { enabled: false },
  }).protect();
  return { validationRules, parseOptions: { maxTokens } };
}
