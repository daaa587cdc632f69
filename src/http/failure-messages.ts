import { ErrorCode } from '../errors/index.ts';

/** What a failure page says for a code: HTTP status, a short title and a plain-language reason. */
export interface FailureMessage {
  status: number;
  title: string;
  reason: string;
}

const launchAgain = 'Open the app again from Talkdesk.';

const messages: Partial<Record<string, FailureMessage>> = {
  [ErrorCode.LaunchInvalidRequest]: { status: 400, title: 'This link is not valid', reason: 'The app was opened with a link that is missing information or is damaged.' },
  [ErrorCode.LaunchUnknownInstallation]: { status: 404, title: 'App not set up for your account', reason: 'This app is not installed for your Talkdesk account, or the installation is not known to the app yet.' },
  [ErrorCode.LaunchInstallationInactive]: { status: 403, title: 'App not available', reason: 'This app has been uninstalled, is not approved yet, or was refused for your Talkdesk account.' },
  [ErrorCode.LaunchTooManyPending]: { status: 503, title: 'Too many sign-ins right now', reason: 'The app is receiving too many sign-in attempts. Please wait a minute and try again.' },
  [ErrorCode.CallbackInvalidRequest]: { status: 400, title: 'Sign-in could not be completed', reason: 'The sign-in response was malformed.' },
  [ErrorCode.CallbackStateMissing]: { status: 400, title: 'Sign-in could not be completed', reason: 'The sign-in response did not belong to a sign-in started by this app.' },
  [ErrorCode.CallbackStateInvalid]: { status: 400, title: 'Sign-in expired', reason: 'This sign-in has expired or was already used.' },
  [ErrorCode.CallbackBrowserMismatch]: { status: 400, title: 'Sign-in started in another browser', reason: 'The sign-in was started in a different browser or tab, or your browser blocked the app\'s cookies.' },
  [ErrorCode.CallbackAuthorizationError]: { status: 403, title: 'Talkdesk did not sign you in', reason: 'Talkdesk refused or could not complete the sign-in.' },
  [ErrorCode.CallbackInstallationInactive]: { status: 403, title: 'App not available', reason: 'This app was uninstalled or disabled for your Talkdesk account during sign-in.' },
  [ErrorCode.TokenRequestFailed]: { status: 502, title: 'Sign-in failed', reason: 'The app could not complete the sign-in with Talkdesk.' },
  [ErrorCode.TokenTimeout]: { status: 504, title: 'Talkdesk did not answer in time', reason: 'Talkdesk took too long to complete the sign-in.' },
  [ErrorCode.TokenResponseInvalid]: { status: 502, title: 'Sign-in failed', reason: 'Talkdesk sent an answer the app could not understand.' },
  [ErrorCode.IdTokenInvalid]: { status: 502, title: 'Sign-in failed', reason: 'The identity Talkdesk reported was inconsistent.' },
  [ErrorCode.UserinfoFailed]: { status: 502, title: 'Sign-in failed', reason: 'The app could not read your Talkdesk profile.' },
  [ErrorCode.UserinfoTimeout]: { status: 504, title: 'Talkdesk did not answer in time', reason: 'Talkdesk took too long to send your profile.' },
  [ErrorCode.UserinfoInvalid]: { status: 502, title: 'Sign-in failed', reason: 'Talkdesk sent a profile the app could not understand.' },
  [ErrorCode.UserNotLicensed]: { status: 403, title: 'No licence for this app', reason: 'You signed in to Talkdesk, but your user has no licence for this app. An administrator of your Talkdesk account can assign one.' },
  [ErrorCode.UserRefused]: { status: 403, title: 'Access not allowed', reason: 'You signed in to Talkdesk, but this app has no access for your user.' },
  [ErrorCode.LoggedOutDuringLogin]: { status: 401, title: 'You were signed out', reason: 'You signed out of Talkdesk while the app was signing you in.' },
  [ErrorCode.SessionMissing]: { status: 401, title: 'Please open the app from Talkdesk', reason: 'You are not signed in to this app.' },
  [ErrorCode.SessionExpired]: { status: 401, title: 'Your session ended', reason: 'Your session in this app has ended.' },
  [ErrorCode.OutboundUrlNotAllowed]: { status: 502, title: 'Sign-in failed', reason: 'The app refused to contact an address that is not a Talkdesk address.' },
  [ErrorCode.ClientAuthFailed]: { status: 502, title: 'Sign-in failed', reason: 'The app\'s credentials for your Talkdesk account were refused.' },
  [ErrorCode.SealOpenFailed]: { status: 500, title: 'Sign-in failed', reason: 'The app could not read its stored credentials for your Talkdesk account.' },
  [ErrorCode.StoreUnavailable]: { status: 503, title: 'The app is temporarily unavailable', reason: 'The app could not reach its database.' },
  [ErrorCode.InternalError]: { status: 500, title: 'Something went wrong', reason: 'The app ran into an unexpected problem.' },
};

const fallback: FailureMessage = { status: 500, title: 'Something went wrong', reason: 'The app ran into an unexpected problem.' };

export function failureMessage(code: string): FailureMessage {
  return messages[code] ?? fallback;
}

export const LAUNCH_AGAIN_HINT = launchAgain;
