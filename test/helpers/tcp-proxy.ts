import { connect, createServer, type Server, type Socket } from "node:net";
import { freePort } from "./ports";

/**
 * A TCP proxy on 127.0.0.1 that a test can cut, hang and restore, to take a dependency away from the
 * API without stopping the shared service.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private hanging = false;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  /** Forwards again; connections that hung are dropped, as they would be when a peer comes back. */
  async restore(): Promise<void> {
    if (this.server && !this.hanging) return;
    await this.cut();
    this.hanging = false;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.server = server;
  }

  /** Drops every connection and refuses new ones, as a stopped server does. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps connections open and accepts new ones, but lets nothing through, as a hung server does. */
  hang(): void {
    this.hanging = true;
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.hanging) return;
    const upstream = connect(this.target.port, this.target.host);
    this.track(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("end", () => upstream.end());
    upstream.on("error", drop).on("end", () => client.end());
    client.on("data", (chunk) => this.hanging || upstream.write(chunk));
    upstream.on("data", (chunk) => this.hanging || client.write(chunk));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket)).on("error", () => socket.destroy());
  }
}
