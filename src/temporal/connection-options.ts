import { readFileSync } from 'node:fs';
import type { Config } from '../config';

/** Connection options shared by the client and the worker's native connection. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer }; serverNameOverride?: string } | boolean;
  apiKey?: string;
}

/**
 * Builds connection options from config: plain for the dev server, TLS with an API key for Temporal
 * Cloud, or mTLS with a client certificate.
 */
export function temporalConnectionOptions(config: Config['temporal'], address: string): TemporalConnectionOptions {
  if (!config.tls.enabled) return { address, ...(config.apiKey && { apiKey: config.apiKey }) };
  const tls = {
    ...(config.tls.certPath &&
      config.tls.keyPath && {
        clientCertPair: { crt: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) },
      }),
    ...(config.tls.serverName && { serverNameOverride: config.tls.serverName }),
  };
  return { address, tls: Object.keys(tls).length > 0 ? tls : true, ...(config.apiKey && { apiKey: config.apiKey }) };
}
