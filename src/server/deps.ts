import type { Identity } from './auth/identity';
import type { LoginThrottle } from './auth/login-throttle';
import type { ChatClient } from './chat/client';
import type { ChatRegion } from './chat/regions';
import type { SessionCookie } from './http/auth';
import type { VerifyOptions } from './store/audit-verify';
import type { Readiness } from './readiness';
import type { Store } from './store/database';
import { type Clock } from './clock';

/**
 * Everything the routes need, built once in main.ts (or by a test). The app owns the store, the
 * Chat client and the upstream from then on: they close with it (plugins/). The job and survey
 * runners are the app's own (app.jobs, app.surveys).
 */
export type AppDeps = {
  store: Store;
  chat: ChatClient;
  clock: Clock;
  loginThrottle: LoginThrottle;
  cookie: SessionCookie;
  mode: 'sandbox' | 'live';
  /** What the top bar shows; neither is a secret. */
  chatApp: { sdkAppId: number | null; region: ChatRegion | null };
  version: string;
  /** What the Chat client talks to (sandbox mode: the embedded emulator); closed with the client. */
  upstream?: { close(): Promise<void> };
  /** How the audit chain check slices its work (tests pass a budget, time source or pause of their own). */
  auditVerify?: Omit<VerifyOptions, 'onProgress'>;
  /** Background readiness checks; main.ts passes its own (fed by the Chat client). Without one the app makes its own. */
  readiness?: Readiness;
  /** Single sign-on, local sign-in, required MFA and the sealing key; without it: local passwords only, MFA optional. */
  identity?: Identity;
};
