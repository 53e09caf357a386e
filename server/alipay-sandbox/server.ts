import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { AlipaySandboxOptions } from './options';
import { alipaySandboxPlugin } from './plugin';

export interface StartAlipaySandboxOptions extends AlipaySandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1: the stand-in is a development tool, not a public service. */
  host?: string;
}

export interface RunningAlipaySandbox {
  /** e.g. http://127.0.0.1:4200, no trailing slash. */
  url: string;
  /** The gateway to give alipay-sdk: `${url}/gateway.do`. */
  gateway: string;
  close(): Promise<void>;
}

function urlHost(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/** The stand-in on its own HTTP server, without a logger (tests). Rejects with the listen error. */
export async function startAlipaySandbox(opts: StartAlipaySandboxOptions = {}): Promise<RunningAlipaySandbox> {
  const { port = 0, host = '127.0.0.1', ...options } = opts;
  const app = Fastify({ logger: false });
  try {
    await app.register(alipaySandboxPlugin, options);
    await app.listen({ port, host });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  const url = `http://${urlHost(address)}:${address.port}`;
  return { url, gateway: `${url}/gateway.do`, close: () => app.close() };
}
