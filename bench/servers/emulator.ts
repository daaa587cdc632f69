import { startEmulator } from '../../src/emulator/index.ts';
import { serveChild } from './ipc.ts';

/** The offline Talkdesk in its own process. */
serveChild<{ dataDir: string }>(async (config) => {
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', dataDir: config.dataDir });
  return { port: emulator.port, info: { url: emulator.url }, close: () => emulator.close() };
});
