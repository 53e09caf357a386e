/**
 * The `error_response` body of Alipay's gateway. Codes and sub-codes as Alipay documents them:
 * public ones (https://opendocs.alipay.com/common/02km9f) and alipay.system.oauth.token's own
 * (https://opendocs.alipay.com/open/02ailc).
 */
export type GatewayError = {
  code: string;
  msg: string;
  sub_code: string;
  sub_msg: string;
};

export function missingArgument(subCode: string, subMsg: string): GatewayError {
  return { code: '40001', msg: 'Missing Required Arguments', sub_code: subCode, sub_msg: subMsg };
}

export function invalidArgument(subCode: string, subMsg: string): GatewayError {
  return { code: '40002', msg: 'Invalid Arguments', sub_code: subCode, sub_msg: subMsg };
}

export function serviceUnavailable(): GatewayError {
  return { code: '20000', msg: 'Service Currently Unavailable', sub_code: 'isp.unknow-error', sub_msg: 'the stand-in failed; see its log' };
}

export const CODE_INVALID_MESSAGE = 'the auth code is invalid, already used or expired';
