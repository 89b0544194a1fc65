import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from './server-config.ts';

const load = (env: NodeJS.ProcessEnv) => loadServerConfig([], env).artifactStorage;

describe('artifact storage config', () => {
  it('keeps artifacts on local disk unless STAMPER_ARTIFACTS_URL is set, whatever else is', () => {
    expect(load({})).toBeUndefined();
    expect(load({ STAMPER_ARTIFACTS_URL: '', STAMPER_S3_ENDPOINT: 'http://127.0.0.1:4569', STAMPER_ARTIFACTS_DOWNLOAD: 'presigned' })).toBeUndefined();
  });

  it('reads bucket and prefix from the URL, with proxy downloads, us-east-1 and 300 s presigning by default', () => {
    expect(load({ STAMPER_ARTIFACTS_URL: 's3://stamper-artifacts/prod/images/' })).toEqual({
      url: { bucket: 'stamper-artifacts', prefix: 'prod/images/' },
      region: 'us-east-1',
      forcePathStyle: false,
      download: 'proxy',
      presignSeconds: 300,
    });
    expect(load({ STAMPER_ARTIFACTS_URL: 's3://stamper-artifacts' })?.url).toEqual({ bucket: 'stamper-artifacts', prefix: '' });
    expect(load({ STAMPER_ARTIFACTS_URL: 's3://stamper-artifacts/' })?.url).toEqual({ bucket: 'stamper-artifacts', prefix: '' });
  });

  it('takes the endpoint, region, path style, download mode and presign time from their variables', () => {
    const config = load({
      STAMPER_ARTIFACTS_URL: 's3://bkt/p',
      STAMPER_S3_ENDPOINT: 'http://127.0.0.1:4569',
      STAMPER_S3_REGION: 'eu-central-1',
      STAMPER_S3_FORCE_PATH_STYLE: '1',
      STAMPER_ARTIFACTS_DOWNLOAD: 'presigned',
      STAMPER_PRESIGN_SECONDS: '120',
    });
    expect(config).toEqual({
      url: { bucket: 'bkt', prefix: 'p/' },
      endpoint: 'http://127.0.0.1:4569',
      region: 'eu-central-1',
      forcePathStyle: true,
      download: 'presigned',
      presignSeconds: 120,
    });
  });

  it.each([
    [{ STAMPER_ARTIFACTS_URL: 'https://bucket/prefix' }, /STAMPER_ARTIFACTS_URL must be s3:\/\/bucket/],
    [{ STAMPER_ARTIFACTS_URL: 's3://Upper_Case' }, /valid bucket name/],
    [{ STAMPER_ARTIFACTS_URL: 's3://bkt', STAMPER_S3_ENDPOINT: 'not a url' }, /STAMPER_S3_ENDPOINT must be a URL/],
    [{ STAMPER_ARTIFACTS_URL: 's3://bkt', STAMPER_S3_FORCE_PATH_STYLE: 'yes please' }, /STAMPER_S3_FORCE_PATH_STYLE must be 1 or 0/],
    [{ STAMPER_ARTIFACTS_URL: 's3://bkt', STAMPER_ARTIFACTS_DOWNLOAD: 'direct' }, /STAMPER_ARTIFACTS_DOWNLOAD must be proxy or presigned/],
    [{ STAMPER_ARTIFACTS_URL: 's3://bkt', STAMPER_PRESIGN_SECONDS: 'soon' }, /STAMPER_PRESIGN_SECONDS must be a number/],
    [{ STAMPER_ARTIFACTS_URL: 's3://bkt', STAMPER_PRESIGN_SECONDS: '0' }, /at least 1/],
    [{ STAMPER_ARTIFACTS_URL: 's3://bkt', STAMPER_PRESIGN_SECONDS: '604801' }, /at most 604800/],
  ])('refuses %o at start-up with a message naming the variable', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
