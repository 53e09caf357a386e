import { randomBytes } from 'node:crypto';
import type { Buyer } from './buyers';

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** `yyyy-MM-dd HH:mm:ss`, Beijing time, as Alipay writes its times. */
function beijingTime(now: Date): string {
  return new Date(now.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

function token(): string {
  return `authbseB${randomBytes(16).toString('hex')}`;
}

/** The fields of a successful alipay.system.oauth.token answer (https://opendocs.alipay.com/open/02ailc). */
export function tokenAnswer(buyer: Buyer, now = new Date()): Record<string, string | number> {
  return {
    ...buyer,
    access_token: token(),
    expires_in: 1296000,
    refresh_token: token(),
    re_expires_in: 2592000,
    auth_start: beijingTime(now),
  };
}
