import type { Sealer } from '../crypto/types.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import type { AppConnectOptions } from '../config/types.ts';
import { createEventsHandler, createOutboxWorker } from '../events/index.ts';
import type { Store } from '../stores/types.ts';
import { createInstallationTokens } from '../talkdesk/token-cache.ts';
import type { TalkdeskClient } from '../talkdesk/types.ts';
import type { Logger } from '../telemetry/types.ts';
import type { Handler } from './routes.ts';
import type { OutboxWorkerControl } from './app-connect-types.ts';

/** The events callback and the outbox worker, built from the kit's options. */
export function createEventsWiring(input: {
  options: AppConnectOptions;
  config: ResolvedConfig;
  store: Store;
  sealer: Sealer;
  talkdesk: TalkdeskClient;
  logger: Logger;
}): { handler: Handler; worker: OutboxWorkerControl } {
  const { options, config, store, sealer, talkdesk, logger } = input;
  const tokens = createInstallationTokens({ tokens: store.tokens, sealer, talkdesk, clock: config.clock });
  const worker = createOutboxWorker({ store, sealer, talkdesk, tokens, logger, clock: config.clock });
  const hooks = {
    ...(options.onInstall ? { onInstall: options.onInstall } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  };
  const handler = createEventsHandler({
    store,
    sealer,
    talkdesk,
    tokens,
    hostPolicy: config.hostPolicy,
    ...(options.verification ? { verification: options.verification } : {}),
    ...(config.appId ? { appId: config.appId } : {}),
    hooks,
    logger,
    clock: config.clock,
    worker,
    maxBodyBytes: config.maxEventBodyBytes,
  });
  return { handler, worker };
}
