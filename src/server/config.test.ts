import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to sandbox mode on 127.0.0.1:8080 with ./data', () => {
    const result = loadConfig({});
    expect(result).toEqual({
      ok: true,
      config: {
        host: '127.0.0.1',
        port: 8080,
        dataDir: './data',
        publicOrigin: 'http://127.0.0.1:8080',
        trustProxy: false,
        rateLimitPerSecond: 180,
        auditKey: null,
        databaseUrl: null,
        chat: null,
        metricsToken: null,
        shutdownTimeoutMs: 25_000,
        identity: { oidc: null, localLogin: true, requireMfa: false },
      },
    });
  });

  it('reads the metrics token and the shutdown deadline, and refuses a short token without echoing it', () => {
    const result = loadConfig({ MARKDESK_METRICS_TOKEN: 'a-long-random-metrics-token', MARKDESK_SHUTDOWN_TIMEOUT_SECONDS: '40' });
    expect(result.ok && [result.config.metricsToken, result.config.shutdownTimeoutMs]).toEqual(['a-long-random-metrics-token', 40_000]);
    const short = loadConfig({ MARKDESK_METRICS_TOKEN: 'short-one' });
    expect(short).toEqual({ ok: false, problems: [expect.stringMatching(/^MARKDESK_METRICS_TOKEN must be at least 16 characters/)] });
    expect(JSON.stringify(short)).not.toContain('short-one');
  });

  it('reads live mode with a region and an override URL', () => {
    const result = loadConfig({
      CHAT_SDKAPPID: '1400123456',
      CHAT_SECRET_KEY: 'top-secret',
      CHAT_REGION: 'seoul',
      CHAT_API_BASE_URL: 'http://127.0.0.1:9000/',
      MARKDESK_PUBLIC_ORIGIN: 'https://markdesk.example.com',
    });
    expect(result.ok && result.config.chat).toEqual({
      sdkAppId: 1400123456,
      secretKey: 'top-secret',
      adminIdentifier: 'administrator',
      region: 'seoul',
      baseUrlOverride: 'http://127.0.0.1:9000',
    });
    expect(result.ok && result.config.publicOrigin).toBe('https://markdesk.example.com');
  });

  it('names every problem on its own line and never echoes a secret', () => {
    const secret = 'sk-do-not-print-me';
    const result = loadConfig({
      MARKDESK_PORT: 'eighty',
      CHAT_REGION: 'mars',
      CHAT_RATE_LIMIT_PER_SECOND: '500',
      CHAT_SECRET_KEY: secret,
      CHAT_SDKAPPID: secret,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((line) => line.split(' ')[0])).toEqual(
      expect.arrayContaining(['MARKDESK_PORT', 'CHAT_REGION', 'CHAT_RATE_LIMIT_PER_SECOND', 'CHAT_SDKAPPID']),
    );
    expect(result.problems.join('\n')).not.toContain(secret);
  });

  it('requires the secret key with an SDKAppID', () => {
    const result = loadConfig({ CHAT_SDKAPPID: '1400000000' });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^CHAT_SECRET_KEY is required/)] });
  });

  it('asks for the public origin when listening on every address', () => {
    expect(loadConfig({ MARKDESK_HOST: '0.0.0.0' })).toEqual({ ok: false, problems: [expect.stringMatching(/^MARKDESK_PUBLIC_ORIGIN is required/)] });
    const withOrigin = loadConfig({ MARKDESK_HOST: '0.0.0.0', MARKDESK_PUBLIC_ORIGIN: 'https://markdesk.example.com' });
    expect(withOrigin.ok && withOrigin.config.publicOrigin).toBe('https://markdesk.example.com');
  });

  it('refuses a public origin with a path', () => {
    const result = loadConfig({ MARKDESK_PUBLIC_ORIGIN: 'https://example.com/markdesk' });
    expect(result.ok).toBe(false);
  });

  it('takes trusted proxies as addresses, ranges and named ranges, and refuses anything else in one line', () => {
    expect(loadConfig({ MARKDESK_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback' })).toMatchObject({ ok: true });
    for (const value of ['true', '10.0.0.0/33', '10.0.0.1/8/1', 'proxy.internal']) {
      expect(loadConfig({ MARKDESK_TRUST_PROXY: value }), value).toEqual({ ok: false, problems: [expect.stringMatching(/^MARKDESK_TRUST_PROXY must list the trusted reverse proxies/)] });
    }
  });

  it('takes an audit key of at least 32 characters and never echoes a short one', () => {
    const key = 'k'.repeat(40);
    expect(loadConfig({ MARKDESK_AUDIT_KEY: key })).toMatchObject({ ok: true, config: { auditKey: key } });
    const result = loadConfig({ MARKDESK_AUDIT_KEY: 'short-secret' });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^MARKDESK_AUDIT_KEY must be at least 32 characters/)] });
    expect(JSON.stringify(result)).not.toContain('short-secret');
  });

  it('takes a PostgreSQL URL only with an audit key, and never echoes the URL', () => {
    const url = 'postgres://markdesk:hunter2-secret@db.internal:5432/markdesk';
    const key = 'k'.repeat(40);
    expect(loadConfig({ MARKDESK_DATABASE_URL: url, MARKDESK_AUDIT_KEY: key })).toMatchObject({ ok: true, config: { databaseUrl: url } });
    const keyless = loadConfig({ MARKDESK_DATABASE_URL: url });
    expect(keyless).toEqual({ ok: false, problems: [expect.stringMatching(/^MARKDESK_AUDIT_KEY is required when MARKDESK_DATABASE_URL is set/)] });
    const wrong = loadConfig({ MARKDESK_DATABASE_URL: 'mysql://markdesk:hunter2-secret@db/markdesk', MARKDESK_AUDIT_KEY: key });
    expect(wrong).toEqual({ ok: false, problems: [expect.stringMatching(/^MARKDESK_DATABASE_URL must be a PostgreSQL URL/)] });
    expect(JSON.stringify([keyless, wrong])).not.toContain('hunter2');
  });
});
