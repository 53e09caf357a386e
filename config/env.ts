/**
 * The one place that says where the merchant backend is, per mini program version
 * (`my.getAccountInfoSync().miniProgram.envVersion`).
 *
 * - develop: the Alipay IDE simulator on the developer's machine, against a local `npm start`
 *   (it prints the URL to put here). To preview on a phone, put the computer's LAN address
 *   here (e.g. http://192.168.1.20:3000) and start the backend with HOST=0.0.0.0. Against a
 *   backend on the sandbox, "Pay" opens the sandbox cashier instead of Alipay's.
 * - trial / release: must be HTTPS on a domain whitelisted in the Alipay Open Platform
 *   (服务器域名白名单). Replace the placeholders before uploading: `npm run preview` and
 *   `npm run upload` refuse to run while they are still there (scripts/check-upload-urls.ts).
 */
export const API_BASE_URLS = {
  develop: 'http://127.0.0.1:3000',
  trial: 'https://merchant-staging.example.com',
  release: 'https://merchant.example.com',
} as const;

/** Ordinary API calls. */
export const REQUEST_TIMEOUT_MS = 15000;

/** Creating an order waits for the backend, which waits for Latipay. */
export const CREATE_ORDER_TIMEOUT_MS = 30000;
