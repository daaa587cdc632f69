import { describeStoreContract } from '../../src/testing/index.ts';
import { createMemoryStore } from '../../src/stores/index.ts';

describeStoreContract('memory', async () => createMemoryStore(), { requireRevocationFanout: true });
