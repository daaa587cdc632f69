/**
 * Stable error codes of the kit. Codes never change meaning once published; add new ones at the end of
 * their group. docs/error-codes.md lists each with its HTTP status and what to do.
 */
export const ErrorCode = {
  // configuration and start-up
  ConfigInvalid: 'APPCONNECT_CONFIG_INVALID',
  StoreUnavailable: 'APPCONNECT_STORE_UNAVAILABLE',
  StoreUrlInvalid: 'APPCONNECT_STORE_URL_INVALID',
  SecretKeyInvalid: 'APPCONNECT_SECRET_KEY_INVALID',
  SealOpenFailed: 'APPCONNECT_SEAL_OPEN_FAILED',

  // events callback (webhook)
  EventMethodNotAllowed: 'APPCONNECT_EVENT_METHOD_NOT_ALLOWED',
  EventUnsupportedMediaType: 'APPCONNECT_EVENT_UNSUPPORTED_MEDIA_TYPE',
  EventBodyTooLarge: 'APPCONNECT_EVENT_BODY_TOO_LARGE',
  EventMalformed: 'APPCONNECT_EVENT_MALFORMED',
  EventInvalid: 'APPCONNECT_EVENT_INVALID',
  EventUnknownType: 'APPCONNECT_EVENT_UNKNOWN_TYPE',
  EventSignatureInvalid: 'APPCONNECT_EVENT_SIGNATURE_INVALID',
  EventSignatureKeyUnavailable: 'APPCONNECT_EVENT_SIGNATURE_KEY_UNAVAILABLE',
  EventUnverified: 'APPCONNECT_EVENT_UNVERIFIED',
  EventFetchBackMismatch: 'APPCONNECT_EVENT_FETCH_BACK_MISMATCH',
  EventLinkNotAllowed: 'APPCONNECT_EVENT_LINK_NOT_ALLOWED',
  EventWrongApp: 'APPCONNECT_EVENT_WRONG_APP',
  EventTooOld: 'APPCONNECT_EVENT_TOO_OLD',
  EventUnknownInstallation: 'APPCONNECT_EVENT_UNKNOWN_INSTALLATION',
  EventNotDurable: 'APPCONNECT_EVENT_NOT_DURABLE',

  // standalone URL (launch)
  LaunchInvalidRequest: 'APPCONNECT_LAUNCH_INVALID_REQUEST',
  LaunchUnknownInstallation: 'APPCONNECT_LAUNCH_UNKNOWN_INSTALLATION',
  LaunchInstallationInactive: 'APPCONNECT_LAUNCH_INSTALLATION_INACTIVE',
  LaunchTooManyPending: 'APPCONNECT_LAUNCH_TOO_MANY_PENDING',

  // redirect URL (callback)
  CallbackInvalidRequest: 'APPCONNECT_CALLBACK_INVALID_REQUEST',
  CallbackStateMissing: 'APPCONNECT_CALLBACK_STATE_MISSING',
  CallbackStateInvalid: 'APPCONNECT_CALLBACK_STATE_INVALID',
  CallbackBrowserMismatch: 'APPCONNECT_CALLBACK_BROWSER_MISMATCH',
  CallbackAuthorizationError: 'APPCONNECT_CALLBACK_AUTHORIZATION_ERROR',
  CallbackInstallationInactive: 'APPCONNECT_CALLBACK_INSTALLATION_INACTIVE',
  TokenRequestFailed: 'APPCONNECT_TOKEN_REQUEST_FAILED',
  TokenTimeout: 'APPCONNECT_TOKEN_TIMEOUT',
  TokenResponseInvalid: 'APPCONNECT_TOKEN_RESPONSE_INVALID',
  IdTokenInvalid: 'APPCONNECT_ID_TOKEN_INVALID',
  UserinfoFailed: 'APPCONNECT_USERINFO_FAILED',
  UserinfoTimeout: 'APPCONNECT_USERINFO_TIMEOUT',
  UserinfoInvalid: 'APPCONNECT_USERINFO_INVALID',
  UserNotLicensed: 'APPCONNECT_USER_NOT_LICENSED',
  UserRefused: 'APPCONNECT_USER_REFUSED',
  LoggedOutDuringLogin: 'APPCONNECT_LOGGED_OUT_DURING_LOGIN',
  /** Recorded (not a failure page): the `talkdesk_user_id` hint differed from the userinfo user. */
  HintMismatch: 'APPCONNECT_HINT_MISMATCH',

  // sessions
  SessionMissing: 'APPCONNECT_SESSION_MISSING',
  SessionExpired: 'APPCONNECT_SESSION_EXPIRED',

  // Apps API and outbound calls
  AppsApiFailed: 'APPCONNECT_APPS_API_FAILED',
  OutboundUrlNotAllowed: 'APPCONNECT_OUTBOUND_URL_NOT_ALLOWED',
  ClientAuthFailed: 'APPCONNECT_CLIENT_AUTH_FAILED',

  InternalError: 'APPCONNECT_INTERNAL_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
