import { OwnRedis } from "./redis-server";
import { freshDependencies, startTestServerOn, type TestServer } from "./server";
import { until } from "./until";

/**
 * An API on MySQL and on a Redis of its own, which a test stops to cut the caches' invalidation channel
 * (and the sessions with it) and starts again, without touching the shared Redis.
 */
export class ServerOnOwnRedis {
  private constructor(
    readonly server: TestServer,
    private readonly redis: OwnRedis,
  ) {}

  static async start(name: string, env: Record<string, string>): Promise<ServerOnOwnRedis> {
    const redis = await OwnRedis.start();
    const { databaseUrl, redisPrefix } = await freshDependencies(name);
    return new ServerOnOwnRedis(await startTestServerOn({ databaseUrl, redisPrefix }, { ...env, REDIS_URL: redis.url }), redis);
  }

  /** Stops Redis and waits until the server knows it hears no invalidation. */
  async deafen(): Promise<void> {
    await this.redis.stop();
    await until("the subscriber noticed", () => !this.server.services.invalidation.isListening());
  }

  /** Starts Redis again and waits until the server listens again. */
  async restore(): Promise<void> {
    await this.redis.start();
    await until("the subscriber is back", () => this.server.services.invalidation.isListening());
  }

  async close(): Promise<void> {
    await this.server.close();
    await this.redis.stop();
  }
}
