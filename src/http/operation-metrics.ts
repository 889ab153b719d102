import type { RequestHandler } from "express";
import type { Metrics } from "../observability/metrics";
import { outcomeLabel, type OperationNames } from "../observability/operation-names";
import { graphqlOutcome } from "./request-log";

/**
 * Counts and times every GraphQL request when its response ends, from what the fast path or Apollo recorded
 * (recordGraphQLOutcome): declared once in the pipeline (graphql-pipeline.ts), so both paths record the same.
 */
export function operationMetrics(metrics: Metrics, names: OperationNames): RequestHandler {
  return (_req, res, next) => {
    const started = performance.now();
    res.once("close", () => {
      const outcome = graphqlOutcome(res);
      const operation = names.label(outcome?.operationName, outcome?.operationType !== undefined);
      metrics.recordOperation(operation, outcomeLabel(outcome?.errorCodes, res.statusCode), (performance.now() - started) / 1000);
    });
    next();
  };
}
