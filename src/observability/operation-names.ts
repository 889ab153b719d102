/**
 * The operation label of the metrics and spans, bounded: a name from the trusted-documents manifest, or one
 * of the first `capacity` names of documents that validated (Apollo resolved them to an operation); every
 * other request counts as `other`. Any client can send a valid document under a name of its choosing, so
 * without the cap each new name would be a new time series for as long as the process runs.
 */
export class OperationNames {
  static readonly OTHER = "other";
  private readonly known: Set<string>;
  private learned = 0;

  constructor(
    trusted: Iterable<string>,
    private readonly capacity: number,
  ) {
    this.known = new Set(trusted);
  }

  /** The label for a request's operation name; `valid`: its document validated and resolved to that operation. */
  label(name: string | undefined, valid: boolean): string {
    if (name === undefined) return OperationNames.OTHER;
    if (this.known.has(name)) return name;
    if (!valid || this.learned >= this.capacity || !LABEL.test(name)) return OperationNames.OTHER;
    this.learned++;
    this.known.add(name);
    return name;
  }
}

// GraphQL's own name rule, shorter: a label never needs escaping.
const LABEL = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** The outcome label: `ok`, or the first error's code when it looks like one of the API's codes. */
export function outcomeLabel(errorCodes: readonly string[] | undefined, status: number): string {
  const code = errorCodes?.[0];
  if (code !== undefined) return CODE.test(code) ? code : "INTERNAL_SERVER_ERROR";
  if (status < 400) return "ok";
  return status === 503 ? "SERVICE_UNAVAILABLE" : status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
}

const CODE = /^[A-Z][A-Z_]{0,47}$/;
