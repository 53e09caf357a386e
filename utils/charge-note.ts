import { t } from './i18n';

/** Prices not in CNY: Alipay shows the charge converted at its own rate. '' for CNY. */
export function chargeNote(currency: string): string {
  return currency === 'CNY' ? '' : t('chargeInCnyNote', { currency });
}
