/**
 * Why an auth code did not give a buyer.
 * - invalid_code: Alipay says the code is invalid, expired or already used (the shopper signs
 *   in again).
 * - refused: any other Alipay refusal (a bad request signature, an unknown app id, …): the
 *   merchant's configuration.
 * - unavailable: Alipay could not be reached, did not answer in time, answered an HTTP error,
 *   or said it is unavailable (code 20000).
 * - invalid_answer: an answer whose signature does not verify, that is unsigned, or malformed.
 */
export type IdentityFailureKind = 'invalid_code' | 'refused' | 'unavailable' | 'invalid_answer';

/**
 * The message is safe to log: it never holds a key, the auth code, or Alipay's answer beyond
 * its sub_code (Alipay's sub_msg can quote the signed request, code included).
 */
export class IdentityError extends Error {
  /** Alipay's sub_code, when Alipay refused. */
  readonly subCode: string | null;

  constructor(
    readonly kind: IdentityFailureKind,
    message: string,
    subCode?: string,
  ) {
    super(message);
    this.name = 'IdentityError';
    this.subCode = subCode ?? null;
  }
}
