import { ConfigError } from './env-parsers';

/**
 * A failure to listen, as the setting to fix when there is one: a HOST that does not resolve
 * or is not this machine's, a PORT in use or not allowed. Anything else is returned as is.
 */
export function listenError(err: unknown, address: { host: string; port: number }): unknown {
  const { host, port } = address;
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError('HOST', `"${host}" does not resolve to an address`);
    case 'EADDRNOTAVAIL':
      return new ConfigError('HOST', `"${host}" is not an address of this machine`);
    case 'EADDRINUSE':
      return new ConfigError('PORT', `port ${port} is already in use on ${host}`);
    case 'EACCES':
      return new ConfigError('PORT', `not allowed to listen on port ${port} on ${host}`);
    default:
      return err;
  }
}
