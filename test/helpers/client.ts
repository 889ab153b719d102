import fetchCookie from "fetch-cookie";
import { CookieJar, type Cookie } from "tough-cookie";

export interface GqlResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

/** A browser stand-in: its own cookie jar, talking GraphQL over HTTP. */
export class TestClient {
  private readonly fetch: typeof fetch;

  constructor(
    readonly url: string,
    private readonly extraHeaders: Record<string, string> = {},
    readonly jar = new CookieJar(),
  ) {
    this.fetch = fetchCookie(fetch, this.jar) as unknown as typeof fetch;
  }

  async gql<T = any>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GqlResponse<T>> {
    const res = await this.fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...this.extraHeaders, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: { data?: T; errors?: GqlResponse["errors"] } = {};
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
    }
    return { status: res.status, headers: res.headers, data: body.data ?? undefined, errors: body.errors };
  }

  /** Like gql, but fails the test when there are errors. */
  async ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await this.gql<T>(query, variables);
    if (res.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
    return res.data as T;
  }

  /** The same browser (same cookies) talking to another instance; cookies ignore the port, as in browsers. */
  at(url: string): TestClient {
    return new TestClient(url, this.extraHeaders, this.jar);
  }

  async cookies(): Promise<Cookie[]> {
    return this.jar.getCookies(this.url);
  }

  /** The raw Cookie header this client would send, to replay it from another client. */
  async cookieHeader(): Promise<string> {
    return this.jar.getCookieString(this.url);
  }
}

/** The error codes of a response, in order. */
export const codes = (res: GqlResponse) => (res.errors ?? []).map((e) => e.extensions?.code);
