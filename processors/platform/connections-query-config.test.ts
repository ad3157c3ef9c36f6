import { hostname } from 'node:os';
import { ConfigError, connectionsQueryConfig, connectionsUrl } from './config';

describe('interactive query settings', () => {
  it('advertise http://<hostname>:<METRICS_PORT> unless told otherwise, and need no token', () => {
    expect(connectionsQueryConfig({ METRICS_PORT: '9500' })).toEqual({
      advertisedUrl: `http://${hostname()}:9500`,
      token: undefined,
    });
    expect(
      connectionsQueryConfig({ CONNECTIONS_ADVERTISED_URL: 'https://conn-1.internal:9464/' }),
    ).toMatchObject({ advertisedUrl: 'https://conn-1.internal:9464' });
    expect(connectionsUrl({})).toBe('http://127.0.0.1:9464');
  });

  it('refuse a bad URL naming the variable', () => {
    expect(() => connectionsQueryConfig({ CONNECTIONS_ADVERTISED_URL: 'conn-1:9464' })).toThrow(
      /CONNECTIONS_ADVERTISED_URL/,
    );
    expect(() => connectionsUrl({ CONNECTIONS_URL: 'nowhere' })).toThrow(/CONNECTIONS_URL/);
  });

  it('refuse a short token without ever showing it', () => {
    let thrown: unknown;
    try {
      connectionsQueryConfig({ CONNECTIONS_QUERY_TOKEN: 'short-secret' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(/CONNECTIONS_QUERY_TOKEN=\(hidden\)/);
    expect((thrown as Error).message).not.toContain('short-secret');
    const token = 'a-long-enough-query-token';
    expect(connectionsQueryConfig({ CONNECTIONS_QUERY_TOKEN: token }).token).toBe(token);
  });
});
