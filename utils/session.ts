import type { CreateSessionRequest } from '../server/contract';
import { authCodeOrSandboxCode } from './auth-code';
import { request } from './request';
import type { JsonObject, RequestFn } from './request';
import { readStorage, writeStorage } from './storage';

/**
 * The shopper's session with the backend: `POST /api/session {authCode}` gives a bearer token
 * for every buyer call, until `expiresAt`. The token is kept in storage, so a restart of the
 * mini app reuses it until it expires; when storage refuses it, it is kept in memory for the
 * session. The token is a secret: it is never logged nor put in an error message.
 */
export interface SessionSource {
  /** The kept token while it has not expired, else one from a silent sign-in. */
  token(): Promise<string>;
  /** The backend refused `rejected` (401): a new token. Calls refused together share one sign-in. */
  renew(rejected: string): Promise<string>;
  /** Whether a token is kept now (no sign-in). */
  hasToken(): boolean;
}

/** Signing in did not work: Alipay gave no code (`reason` an AuthCodeError), or the backend refused it (an ApiError). */
export class SignInError extends Error {
  readonly isSignInError = true;
  readonly reason: unknown;

  constructor(message: string, reason: unknown) {
    super(message);
    Object.setPrototypeOf(this, SignInError.prototype);
    this.name = 'SignInError';
    this.reason = reason;
  }
}

export function isSignInError(error: unknown): error is SignInError {
  return typeof error === 'object' && error !== null && (error as { isSignInError?: unknown }).isSignInError === true;
}

interface Session {
  token: string;
  expiresAt: string;
}

const STORAGE_KEY = 'session';

export function createSessionKeeper(send: RequestFn = request, now: () => number = () => Date.now()): SessionSource {
  let kept: Session | null = null;
  let storageRead = false;
  let signingIn: Promise<Session> | null = null;

  function current(): Session | null {
    if (!storageRead) {
      storageRead = true;
      kept = storedSession();
    }
    return kept !== null && now() < Date.parse(kept.expiresAt) ? kept : null;
  }

  function signInOnce(): Promise<Session> {
    if (signingIn === null) {
      signingIn = signIn(send).then(
        (session) => {
          signingIn = null;
          kept = session;
          writeStorage(STORAGE_KEY, session); // refused: kept in memory for this session only
          return session;
        },
        (error: unknown) => {
          signingIn = null;
          throw error;
        },
      );
    }
    return signingIn;
  }

  return {
    async token() {
      const session = current();
      return session ? session.token : (await signInOnce()).token;
    },
    async renew(rejected) {
      const session = current();
      // Another call refused with the same token has signed in again already.
      if (session && session.token !== rejected) return session.token;
      kept = null;
      return (await signInOnce()).token;
    },
    hasToken: () => current() !== null,
  };
}

async function signIn(send: RequestFn): Promise<Session> {
  let authCode: string;
  try {
    authCode = await authCodeOrSandboxCode(send);
  } catch (error) {
    throw new SignInError('Alipay gave no auth code', error);
  }
  const payload: CreateSessionRequest = { authCode };
  let body: JsonObject;
  try {
    body = await send({ method: 'POST', path: '/api/session', body: payload });
  } catch (error) {
    throw new SignInError('the backend did not open a session', error);
  }
  const session = asSession(body);
  if (!session) throw new SignInError('/api/session answered with a shape the contract does not allow', null);
  return session;
}

function asSession(value: unknown): Session | null {
  if (typeof value !== 'object' || value === null) return null;
  const { token, expiresAt } = value as Record<string, unknown>;
  if (typeof token !== 'string' || token === '' || typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt))) return null;
  return { token, expiresAt };
}

function storedSession(): Session | null {
  const stored = readStorage(STORAGE_KEY);
  return stored.ok ? asSession(stored.data) : null;
}

/** The app's one session: every page's api client shares it, so calls share one sign-in. */
export const appSession: SessionSource = createSessionKeeper();
