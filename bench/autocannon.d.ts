// The small part of autocannon's API the bench uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      overallRate?: number;
      timeout?: number;
      verifyBody?: (body: string) => boolean;
      requests?: Array<Record<string, unknown>>;
    }
    interface Result {
      non2xx: number;
      errors: number;
      timeouts: number;
      mismatches: number;
    }
    type Instance = EventEmitter & PromiseLike<Result>;
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
