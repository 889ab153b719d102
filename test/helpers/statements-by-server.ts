import { tracingChannel } from "node:diagnostics_channel";

/**
 * Counts the statements sent to each MySQL server (by port) while `work` runs, from mysql2's own
 * diagnostics channels. Run nothing else against these servers meanwhile.
 */
export async function statementsByPort<T>(work: () => Promise<T>): Promise<{ result: T; byPort: Map<number, string[]> }> {
  const byPort = new Map<number, string[]>();
  const handlers = {
    start(message: { query?: string; serverPort?: number }) {
      const port = Number(message.serverPort);
      byPort.set(port, [...(byPort.get(port) ?? []), String(message.query ?? "")]);
    },
  };
  const channels = [tracingChannel("mysql2:query"), tracingChannel("mysql2:execute")];
  for (const channel of channels) channel.subscribe(handlers as never);
  try {
    return { result: await work(), byPort };
  } finally {
    for (const channel of channels) channel.unsubscribe(handlers as never);
  }
}
