import { parseRequestUrl, singleParam } from '../http/query.ts';

/** The authorization response, read strictly (checklist C07, C10). */
export type CallbackParams =
  | { ok: true; state?: string; code?: string; error?: string }
  | { ok: false; reason: string };

const STATE = /^[A-Za-z0-9_-]{43}$/;
const ERROR_CODE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

export function readCallbackParams(url: string): CallbackParams {
  const query = parseRequestUrl(url);
  if (!query) return { ok: false, reason: 'callback URL too long or malformed' };
  const state = singleParam(query.params, 'state', 512);
  const code = singleParam(query.params, 'code', 4096);
  const error = singleParam(query.params, 'error', 256);
  for (const [name, value] of [['state', state], ['code', code], ['error', error]] as const) {
    if (!value.ok) return { ok: false, reason: `${name} ${value.reason === 'repeated' ? 'given more than once' : 'too long'}` };
  }
  if (!state.ok || !code.ok || !error.ok) return { ok: false, reason: 'unreachable' };
  if (code.value !== undefined && error.value !== undefined) return { ok: false, reason: 'both code and error given' };
  if (error.value !== undefined && !ERROR_CODE.test(error.value)) return { ok: false, reason: 'error parameter malformed' };
  if (code.value !== undefined && !/^[\x21-\x7e]{1,4096}$/.test(code.value)) return { ok: false, reason: 'code parameter malformed' };
  return {
    ok: true,
    ...(state.value !== undefined && state.value !== '' ? { state: state.value } : {}),
    ...(code.value !== undefined ? { code: code.value } : {}),
    ...(error.value !== undefined ? { error: error.value } : {}),
  };
}

export function isWellFormedState(state: string): boolean {
  return STATE.test(state);
}
