import { isApiError, isDomainNotAllowed, isRequestStopped } from './api-error';
import type { ApiError } from './api-error';
import { isCheckoutError } from './checkout';
import { t } from './i18n';
import { isPaymentError } from './payment';

const PAYMENT_SERVICE_CODES = ['latipay_error', 'latipay_unavailable', 'latipay_timeout'];

/** What went wrong, in the shopper's words. Never the server's own message (English, technical). */
export function describeError(error: unknown): string {
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
