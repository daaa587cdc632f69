export { describeStoreContract } from './store-contract.ts';
export type { StoreContractOptions } from './store-contract.ts';
export { sampleInstallation, sampleTransaction, sampleSession, sampleFailure } from './fixtures.ts';
