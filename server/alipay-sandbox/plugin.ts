import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { SandboxBuyers } from './buyers';
import { checkTokenRequest } from './check-request';
import { CODE_INVALID_MESSAGE, invalidArgument, serviceUnavailable } from './gateway-errors';
import { resolveAlipaySandboxOptions, type AlipaySandboxOptions } from './options';
import { readRequestParams } from './request-params';
import { signedAnswer } from './signature';
import { tokenAnswer } from './token-answer';

const TOKEN_RESPONSE_KEY = 'alipay_system_oauth_token_response';
const ERROR_RESPONSE_KEY = 'error_response';
const MAX_BODY_BYTES = 16 * 1024;

/**
 * A stand-in for Alipay's OpenAPI gateway (`/gateway.do`), answering alipay.system.oauth.token
 * only, for development and tests (see README.md). Encapsulated, not wrapped with
 * fastify-plugin: its body parsing and error handler stay inside, and a host app mounts it under
 * a prefix.
 *
 * Every answer is HTTP 200 and signed with the "Alipay" private key, errors included:
 * `{"error_response":{...},"sign":"..."}`, the signature over the exact text of the value, as
 * Alipay sends them. Verified in alipay-sdk 4.14's source (exec, checkResponseSign,
 * getSignStr): with `validateSign: true` the SDK cannot verify an error_response (it looks for
 * the text after `"alipay_system_oauth_token_response"`), so it throws AlipayRequestError
 * ("验签失败…") with the answer in `responseDataRaw`, exactly as with Alipay; an unsigned
 * answer would make it throw a TypeError instead. server/app/alipay/sdk-failure.ts reads the
 * error from there.
 */
export const alipaySandboxPlugin: FastifyPluginAsync<AlipaySandboxOptions> = async (app, options) => {
  const settings = resolveAlipaySandboxOptions({
    appId: options.appId,
    appPublicKey: options.appPublicKey,
    alipayPrivateKey: options.alipayPrivateKey,
    maxUsedCodes: options.maxUsedCodes,
  });
  const buyers = new SandboxBuyers(settings.appId, settings.maxUsedCodes);
  const answer = (reply: FastifyReply, key: string, value: Record<string, string | number>) =>
    reply.code(200).type('application/json;charset=utf-8').send(signedAnswer(key, value, settings.alipayPrivateKey));

  // The gateway reads form bodies itself (a host's JSON or form parser must not get there first).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_BODY_BYTES }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      // The message only: never the request, which carries signatures and codes.
      app.log.error({ errorCode: error.code, errorMessage: error.message }, 'alipay sandbox internal error');
      return answer(reply, ERROR_RESPONSE_KEY, serviceUnavailable());
    }
    const reason = typeof error.code === 'string' ? ` (${error.code})` : '';
    return answer(reply, ERROR_RESPONSE_KEY, invalidArgument('isv.invalid-parameter', `the request could not be read${reason}`));
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/gateway.do',
    handler: async (request, reply) => {
      const read = readRequestParams(request);
      if (!read.ok) return answer(reply, ERROR_RESPONSE_KEY, invalidArgument('isv.invalid-parameter', read.problem));
      const checked = checkTokenRequest(read.params, settings);
      if (!checked.ok) return answer(reply, ERROR_RESPONSE_KEY, checked.error);
      const buyer = buyers.exchange(checked.code);
      if (!buyer) return answer(reply, ERROR_RESPONSE_KEY, invalidArgument('isv.code-invalid', CODE_INVALID_MESSAGE));
      return answer(reply, TOKEN_RESPONSE_KEY, tokenAnswer(buyer));
    },
  });
};
