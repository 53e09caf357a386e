import { appSession } from './utils/session';

App({
  onLaunch() {
    // Sign in silently (my.getAuthCode, auth_base) before the shopper needs it. Not in onShow:
    // Alipay asks not to call it from lifecycles that repeat. A page that needs the shopper and
    // finds no session signs in again and says so if that fails.
    appSession.token().catch(() => undefined);
  },
  onError(error: string) {
    console.error('mini app error', error);
  },
});
