import { isIP } from 'node:net';
import { z } from 'zod';
import { parseRoleMap } from './auth/oidc';
import { CHAT_REGIONS, type ChatRegion } from './chat/regions';
import type { Role } from './store/database';

const CHAT_REGION_NAMES = Object.keys(CHAT_REGIONS) as [ChatRegion, ...ChatRegion[]];

export type ChatConfig = {
  sdkAppId: number;
  secretKey: string;
  adminIdentifier: string;
  region: ChatRegion;
  /** From CHAT_API_BASE_URL, else null (the region's domain is used). */
  baseUrlOverride: string | null;
};

/** Single sign-on (MARKDESK_OIDC_*); the redirect URI follows from the public origin. */
export type OidcConfig = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  roleClaim: string;
  roleMap: Map<string, Role>;
  name: string;
  scopes: string;
};

export type IdentityConfig = {
  oidc: OidcConfig | null;
  /** MARKDESK_LOCAL_LOGIN=off → false: only break-glass accounts sign in with a password. */
  localLogin: boolean;
  /** MARKDESK_REQUIRE_MFA=1: every local account enrols TOTP at its next sign-in. */
  requireMfa: boolean;
};

export type Config = {
  host: string;
  port: number;
  dataDir: string;
  /** The origin browsers use; state-changing requests with another Origin are refused. */
  publicOrigin: string;
  /** Fastify trustProxy value; false unless MARKDESK_TRUST_PROXY names proxies. */
  trustProxy: string | false;
  rateLimitPerSecond: number;
  /** MARKDESK_AUDIT_KEY: the audit chain's HMAC key; null → the key file in the data directory. Never logged. */
  auditKey: string | null;
  /** MARKDESK_DATABASE_URL: PostgreSQL, shared by every instance; null → SQLite in the data directory. Never logged. */
  databaseUrl: string | null;
  /** null → sandbox mode (embedded emulator with fresh random credentials). */
  chat: ChatConfig | null;
  /** Bearer token of GET /metrics; null → no metrics endpoint. */
  metricsToken: string | null;
  /** SIGTERM: how long in-flight requests and a running job's calls may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  identity: IdentityConfig;
};

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalText = z.preprocess(emptyToUndefined, z.string().trim().optional());

/** One entry of a trusted proxy list as Fastify's trustProxy takes it: an address, a CIDR range or a named range. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

const envSchema = z.object({
  MARKDESK_HOST: z.preprocess(emptyToUndefined, z.string().trim().default('127.0.0.1')),
  MARKDESK_PORT: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number from 0 to 65535' })
      .int('must be a whole number from 0 to 65535')
      .min(0, 'must be a whole number from 0 to 65535')
      .max(65535, 'must be a whole number from 0 to 65535')
      .default(8080),
  ),
  MARKDESK_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  MARKDESK_PUBLIC_ORIGIN: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be an origin such as https://markdesk.example.com' })
      .refine((value) => new URL(value).origin === value.replace(/\/$/, ''), 'must be an origin only (scheme, host and port, no path)')
      .optional(),
  ),
  MARKDESK_TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine(
        (value) => value.split(',').every((entry) => isProxyAddress(entry.trim())),
        'must list the trusted reverse proxies, separated by commas: IP addresses, CIDR ranges such as 10.0.0.0/8, or loopback, linklocal, uniquelocal',
      )
      .optional(),
  ),
  MARKDESK_AUDIT_KEY: z.preprocess(
    emptyToUndefined,
    z.string().trim().min(32, 'must be at least 32 characters (for example 64 hex digits from `openssl rand -hex 32`)').optional(),
  ),
  MARKDESK_DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((value) => /^postgres(ql)?:\/\/./.test(value), 'must be a PostgreSQL URL such as postgres://markdesk@db.example.com:5432/markdesk')
      .optional(),
  ),
  CHAT_SDKAPPID: z.preprocess(
    emptyToUndefined,
    z.coerce.number({ message: 'must be your Chat app’s numeric SDKAppID' }).int('must be your Chat app’s numeric SDKAppID').positive('must be your Chat app’s numeric SDKAppID').optional(),
  ),
  CHAT_SECRET_KEY: optionalText,
  CHAT_ADMIN_IDENTIFIER: z.preprocess(emptyToUndefined, z.string().trim().max(32, 'must be at most 32 bytes').default('administrator')),
  CHAT_REGION: z.preprocess(
    emptyToUndefined,
    z.enum(CHAT_REGION_NAMES, { message: `must be one of ${CHAT_REGION_NAMES.join(', ')}` }).default('singapore'),
  ),
  CHAT_API_BASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be a URL such as https://adminapisgp.im.qcloud.com' })
      .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must start with https:// (or http:// for a local test server)')
      .optional(),
  ),
  CHAT_RATE_LIMIT_PER_SECOND: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number from 1 to 200 (Tencent’s ceiling)' })
      .int('must be a whole number from 1 to 200 (Tencent’s ceiling)')
      .min(1, 'must be a whole number from 1 to 200 (Tencent’s ceiling)')
      .max(200, 'must be a whole number from 1 to 200 (Tencent’s ceiling)')
      .default(180),
  ),
  MARKDESK_METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().trim().min(16, 'must be at least 16 characters (a random token)').optional()),
  MARKDESK_SHUTDOWN_TIMEOUT_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'must be a whole number of seconds from 1 to 600' })
      .int('must be a whole number of seconds from 1 to 600')
      .min(1, 'must be a whole number of seconds from 1 to 600')
      .max(600, 'must be a whole number of seconds from 1 to 600')
      .default(25),
  ),
  MARKDESK_OIDC_ISSUER: z.preprocess(
    emptyToUndefined,
    z
      .url({ message: 'must be the identity provider’s issuer URL, e.g. https://login.example.com/realms/staff' })
      .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must start with https:// (or http:// for a provider on this machine)')
      .optional(),
  ),
  MARKDESK_OIDC_CLIENT_ID: optionalText,
  MARKDESK_OIDC_CLIENT_SECRET: optionalText,
  MARKDESK_OIDC_ROLE_CLAIM: z.preprocess(emptyToUndefined, z.string().trim().default('groups')),
  MARKDESK_OIDC_ROLE_MAP: optionalText,
  MARKDESK_OIDC_NAME: z.preprocess(emptyToUndefined, z.string().trim().max(40, 'must be at most 40 characters').default('SSO')),
  MARKDESK_OIDC_SCOPES: z.preprocess(emptyToUndefined, z.string().trim().default('openid profile email offline_access')),
  MARKDESK_LOCAL_LOGIN: z.preprocess(emptyToUndefined, z.enum(['on', 'off'], { message: 'must be on or off' }).default('on')),
  MARKDESK_REQUIRE_MFA: z.preprocess(emptyToUndefined, z.enum(['0', '1'], { message: 'must be 0 or 1' }).default('0')),
});

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/**
 * Reads the configuration from the environment. Each problem is one line naming the variable;
 * values are never echoed, so a mistyped secret cannot end up in a terminal or a log.
 */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0])} ${issue.message}.`);
    return { ok: false, problems };
  }
  const e = parsed.data;
  if (e.CHAT_SDKAPPID !== undefined && !e.CHAT_SECRET_KEY) {
    problems.push('CHAT_SECRET_KEY is required when CHAT_SDKAPPID is set (find it in the Chat console under Basic Configuration).');
  }
  // Every instance on one database appends to one audit chain: they must all sign with one key, and
  // a key file generated in one instance's data directory would be that instance's alone.
  if (e.MARKDESK_DATABASE_URL && !e.MARKDESK_AUDIT_KEY) {
    problems.push('MARKDESK_AUDIT_KEY is required when MARKDESK_DATABASE_URL is set: every instance must sign the audit log with the same key (for example 64 hex digits from `openssl rand -hex 32`).');
  }
  if (e.CHAT_SDKAPPID === undefined && e.CHAT_SECRET_KEY) {
    problems.push('CHAT_SDKAPPID must be set when CHAT_SECRET_KEY is set (without it Markdesk runs its sandbox).');
  }
  // Listening on every address, the origin browsers use cannot be guessed, and every write would
  // fail the Origin check: better to say so at start than to refuse every save later.
  if (['0.0.0.0', '::', '[::]'].includes(e.MARKDESK_HOST) && !e.MARKDESK_PUBLIC_ORIGIN) {
    problems.push(`MARKDESK_PUBLIC_ORIGIN is required when MARKDESK_HOST is ${e.MARKDESK_HOST} (every address): set it to the address people open, e.g. https://markdesk.example.com.`);
  }
  let oidc: OidcConfig | null = null;
  if (e.MARKDESK_OIDC_ISSUER) {
    if (!e.MARKDESK_OIDC_CLIENT_ID) problems.push('MARKDESK_OIDC_CLIENT_ID is required when MARKDESK_OIDC_ISSUER is set (the client registered at the provider).');
    if (!e.MARKDESK_OIDC_CLIENT_SECRET) problems.push('MARKDESK_OIDC_CLIENT_SECRET is required when MARKDESK_OIDC_ISSUER is set.');
    const roleMap = e.MARKDESK_OIDC_ROLE_MAP ? parseRoleMap(e.MARKDESK_OIDC_ROLE_MAP) : null;
    if (roleMap === null) problems.push('MARKDESK_OIDC_ROLE_MAP is required when MARKDESK_OIDC_ISSUER is set, e.g. md-admins=admin,md-support=editor,md-pm=viewer.');
    else if ('problem' in roleMap) problems.push(`MARKDESK_OIDC_ROLE_MAP ${roleMap.problem}.`);
    if (!e.MARKDESK_OIDC_SCOPES.split(/\s+/).includes('openid')) problems.push('MARKDESK_OIDC_SCOPES must include openid.');
    if (roleMap && 'map' in roleMap && e.MARKDESK_OIDC_CLIENT_ID && e.MARKDESK_OIDC_CLIENT_SECRET) {
      oidc = {
        issuer: e.MARKDESK_OIDC_ISSUER,
        clientId: e.MARKDESK_OIDC_CLIENT_ID,
        clientSecret: e.MARKDESK_OIDC_CLIENT_SECRET,
        roleClaim: e.MARKDESK_OIDC_ROLE_CLAIM,
        roleMap: roleMap.map,
        name: e.MARKDESK_OIDC_NAME,
        scopes: e.MARKDESK_OIDC_SCOPES,
      };
    }
  } else if (e.MARKDESK_OIDC_CLIENT_ID || e.MARKDESK_OIDC_CLIENT_SECRET || e.MARKDESK_OIDC_ROLE_MAP) {
    problems.push('MARKDESK_OIDC_ISSUER must be set when the other MARKDESK_OIDC_ variables are (without it single sign-on is off).');
  }
  if (problems.length > 0) return { ok: false, problems };

  const hostForUrl = e.MARKDESK_HOST.includes(':') ? `[${e.MARKDESK_HOST}]` : e.MARKDESK_HOST;
  const config: Config = {
    host: e.MARKDESK_HOST,
    port: e.MARKDESK_PORT,
    dataDir: e.MARKDESK_DATA_DIR,
    publicOrigin: e.MARKDESK_PUBLIC_ORIGIN?.replace(/\/$/, '') ?? `http://${hostForUrl}:${e.MARKDESK_PORT}`,
    trustProxy: e.MARKDESK_TRUST_PROXY ?? false,
    rateLimitPerSecond: e.CHAT_RATE_LIMIT_PER_SECOND,
    auditKey: e.MARKDESK_AUDIT_KEY ?? null,
    databaseUrl: e.MARKDESK_DATABASE_URL ?? null,
    chat:
      e.CHAT_SDKAPPID === undefined
        ? null
        : {
            sdkAppId: e.CHAT_SDKAPPID,
            secretKey: e.CHAT_SECRET_KEY ?? '',
            adminIdentifier: e.CHAT_ADMIN_IDENTIFIER,
            region: e.CHAT_REGION,
            baseUrlOverride: e.CHAT_API_BASE_URL?.replace(/\/$/, '') ?? null,
          },
    metricsToken: e.MARKDESK_METRICS_TOKEN ?? null,
    shutdownTimeoutMs: e.MARKDESK_SHUTDOWN_TIMEOUT_SECONDS * 1000,
    identity: { oidc, localLogin: e.MARKDESK_LOCAL_LOGIN === 'on', requireMfa: e.MARKDESK_REQUIRE_MFA === '1' },
  };
  return { ok: true, config };
}
