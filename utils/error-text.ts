import { isApiError, isDomainNotAllowed, isRequestStopped } from './api-error';
import type { ApiError } from './api-error';
import { isCheckoutError } from './checkout';
import { t } from './i18n';
import { isPaymentError } from './payment';
import { isSignInError } from './session';
import type { SignInError } from './session';

const PAYMENT_SERVICE_CODES = ['latipay_error', 'latipay_unavailable', 'latipay_timeout'];
/** POST /api/session: the backend could not check the code with Alipay. */
const ALIPAY_SERVICE_CODES = ['alipay_unavailable', 'alipay_error'];

/** What went wrong, in the shopper's words. Never the server's own message (English, technical). */
export function describeError(error: unknown): string {
  if (isSignInError(error)) return signInText(error);
  if (isApiError(error)) {
    switch (error.kind) {
      case 'network':
        return networkText(error);
      case 'timeout':
        return t('errorTimeout');
      case 'malformed':
        return t('errorMalformed');
      default:
        if (error.code === 'unknown_product') return t('errorUnknownProduct');
        if (error.code === 'not_found') return t('errorNotFound');
        // Refused again right after signing in again.
        if (error.code === 'unauthorized' || error.status === 401) return t('errorSignIn');
        // The checkout reuses a key only with the same order, so this means "still being created".
        if (error.code === 'idempotency_conflict') return t('errorOrderNotReady');
        if (error.code !== null && PAYMENT_SERVICE_CODES.indexOf(error.code) >= 0) return t('errorPaymentService');
        if (error.code === null && error.status === null) return t('errorServerUnknown');
        return t('errorServer', { code: error.code ?? String(error.status) });
    }
  }
  if (isPaymentError(error)) return t('errorInvalidPayment');
  if (isCheckoutError(error)) {
    if (error.kind === 'not_payable_here') return t('payElsewhere');
    if (error.kind === 'order_not_ready') return t('errorOrderNotReady');
    if (error.kind === 'sandbox_in_release') return t('errorSandboxInRelease');
    return t('errorNotPayable');
  }
  return t('errorUnexpected');
}

/** Alipay refusing to send a request is a setup problem, not the shopper's connection: say what to check. */
function networkText(error: ApiError): string {
  if (isDomainNotAllowed(error)) return t('errorDomainNotAllowed', { code: String(error.requestError) });
  if (isRequestStopped(error)) return t('errorRequestStopped');
  return t('errorNetwork');
}

/** A page that needs the shopper says sign-in failed (with Retry), not a generic network error. */
function signInText(error: SignInError): string {
  const reason = error.reason;
  if (isApiError(reason) && reason.code !== null && ALIPAY_SERVICE_CODES.indexOf(reason.code) >= 0) return t('errorSignInService');
  return t('errorSignIn');
}
