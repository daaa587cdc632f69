export { decideEvent, decideInstallationAcknowledged, decideSecretsShredded, eventTime, needsKnownInstallation, revocationWatermark } from './decide.ts';
export { IgnoreReason, type DecideContext, type InstallInfo, type InstallVerdict } from './types.ts';
