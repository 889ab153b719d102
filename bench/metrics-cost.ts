/**
 * `node dist/bench/metrics-cost.js`: the CPU the metrics add to one GraphQL request, measured alone (the
 * pipeline's counting handler and what it records when the response closes), because on a busy machine the
 * difference between two whole-request runs drowns in noise. Compare with a request's CPU in `npm run bench`.
 */
import { EventEmitter } from "node:events";
import type { NextFunction, Request, Response } from "express";
import { operationMetrics } from "../src/http/operation-metrics";
import { recordGraphQLOutcome } from "../src/http/request-log";
import { Metrics } from "../src/observability/metrics";
import { OperationNames } from "../src/observability/operation-names";

const metrics = new Metrics(false);
const handler = operationMetrics(metrics, new OperationNames(["Products", "Me", "AddToCart"], 100));
const next: NextFunction = () => undefined;
const names = ["Products", "Me", "AddToCart", undefined];

function once(i: number, withMetrics: boolean): void {
  const res = Object.assign(new EventEmitter(), { locals: {} as Record<string, unknown>, statusCode: 200 }) as unknown as Response;
  if (withMetrics) handler({} as Request, res, next);
  recordGraphQLOutcome(res, names[i % 4], i % 10 ? [] : [{ message: "x", extensions: { code: "BAD_USER_INPUT" } }], true, "query");
  res.emit("close");
}

function run(withMetrics: boolean, n: number): number {
  const started = process.cpuUsage();
  for (let i = 0; i < n; i++) once(i, withMetrics);
  const used = process.cpuUsage(started);
  return ((used.user + used.system) / n) * 1000; // ns per request
}

const n = 500_000;
for (let round = 0; round < 3; round++) run(true, n) + run(false, n); // warm-up
const rounds = Array.from({ length: 5 }, () => run(true, n) - run(false, n));
rounds.sort((a, b) => a - b);
console.log(`metrics: ${(rounds[2] / 1000).toFixed(2)} µs of CPU per request (median of 5 rounds of ${n}; each round's difference with and without the handler)`);
