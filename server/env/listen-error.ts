import { ConfigError } from './parsers';

export interface ListenSettings {
  host: string;
  port: number;
  /** The variables that set them, e.g. HOST and PORT, or SANDBOX_HOST and SANDBOX_PORT. */
  names: { host: string; port: string };
}

/**
 * A failure to listen, as the setting to fix when there is one: a host that does not resolve
 * or is not this machine's, a port in use or not allowed. Anything else is returned as is.
 */
export function listenError(err: unknown, { host, port, names }: ListenSettings): unknown {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConfigError(names.host, `"${host}" does not resolve to an address`);
    case 'EADDRNOTAVAIL':
      return new ConfigError(names.host, `"${host}" is not an address of this machine`);
    case 'EADDRINUSE':
      return new ConfigError(names.port, `port ${port} is already in use on ${host}`);
    case 'EACCES':
      return new ConfigError(names.port, `not allowed to listen on port ${port} on ${host}`);
    default:
      return err;
  }
}
