/**
 * Local KMS + Account API emulator (docs/behaviour.md §10). `startEmulator()` serves it in-process on loopback;
 * point the AWS SDK clients at the returned `url` (`endpoint` or `AWS_ENDPOINT_URL`).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Emulator, type EmulatorOptions } from './emulator.ts';
import { requestListener } from './server.ts';

export type { EmulatorOptions } from './emulator.ts';
export { DEFAULT_ACCOUNT_ID } from './emulator.ts';
export { DEFAULT_ENABLED_REGIONS, OPT_IN_REGIONS } from './regions.ts';

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Stops listening and drops every open connection (including calls held by a crash point). */
  close(): Promise<void>;
}

/** Starts an emulator on 127.0.0.1 (`port` 0 or absent = ephemeral). */
export function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  const server = createServer(requestListener(emulator));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
