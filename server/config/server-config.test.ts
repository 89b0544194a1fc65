import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, dataDirFromEnvironment, loadServerConfig } from './server-config.ts';

describe('server config', () => {
  it('defaults to 127.0.0.1:8080 and ./data', () => {
    const config = loadServerConfig([], {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: path.resolve('data'), concurrency: 1 });
    expect(config.cacheDir).toBe(path.resolve('data', 'cache'));
  });

  it('gives the command-line tools the data dir the server uses, an empty STAMPER_DATA_DIR meaning the default', () => {
    expect(dataDirFromEnvironment({})).toBe(loadServerConfig([], {}).dataDir);
    expect(dataDirFromEnvironment({ STAMPER_DATA_DIR: '' })).toBe(path.resolve('data'));
    expect(dataDirFromEnvironment({ STAMPER_DATA_DIR: '/tmp/y' })).toBe(loadServerConfig([], { STAMPER_DATA_DIR: '/tmp/y' }).dataDir);
  });

  it('lets flags win over the environment', () => {
    const config = loadServerConfig(['--port', '9000', '--data-dir', '/tmp/x'], { STAMPER_PORT: '7000', STAMPER_DATA_DIR: '/tmp/y' });
    expect(config).toMatchObject({ port: 9000, dataDir: '/tmp/x' });
  });

  it('refuses a non-loopback address without a token', () => {
    expect(() => loadServerConfig(['--host', '0.0.0.0'], {})).toThrow(/without a token/);
    expect(() => loadServerConfig([], { STAMPER_HOST: '192.0.2.1' })).toThrow(ConfigError);
  });

  it('allows the whole loopback range without a token', () => {
    expect(loadServerConfig(['--host', '127.0.0.2'], {}).host).toBe('127.0.0.2');
    expect(loadServerConfig(['--host', '::1'], {}).host).toBe('::1');
  });

  it('accepts a non-loopback address with a long enough token', () => {
    expect(() => loadServerConfig(['--host', '0.0.0.0'], { STAMPER_TOKEN: 'short' })).toThrow(/16 characters/);
    expect(loadServerConfig(['--host', '0.0.0.0'], { STAMPER_TOKEN: 'x'.repeat(32) }).token).toHaveLength(32);
  });

  it('rejects bad numbers and unknown flags', () => {
    expect(() => loadServerConfig(['--port', 'abc'], {})).toThrow(ConfigError);
    expect(() => loadServerConfig(['--port', '70000'], {})).toThrow(ConfigError);
    expect(() => loadServerConfig(['--bogus'], {})).toThrow(ConfigError);
  });
});
