import type { Identity } from './auth/identity';
import type { LoginThrottle } from './auth/login-throttle';
import type { ChatClient } from './chat/client';
import type { ChatRegion } from './chat/regions';
import type { SessionCookie } from './http/auth';
import type { SurveyRunner } from './insights/survey-runner';
import type { JobRunner } from './jobs/runner';
import type { VerifyOptions } from './store/audit-verify';
import type { Readiness } from './readiness';
import type { Clock, Store } from './store/database';

/** Everything the routes need, built once in main.ts (or by a test). */
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
  /** Runs bulk jobs; main.ts passes its own (resumed at start). Without one the job routes make theirs. */
  jobs?: JobRunner;
  /** Runs surveys (Insights); without one the Insights routes make theirs, which goes on with running surveys when the app is ready. */
  surveys?: SurveyRunner;
  /** How the audit chain check slices its work (tests pass a budget, time source or pause of their own). */
  auditVerify?: Omit<VerifyOptions, 'onProgress'>;
  /** Background readiness checks; main.ts passes its own (fed by the Chat client). Without one the app makes its own. */
  readiness?: Readiness;
  /** Single sign-on, local sign-in, required MFA and the sealing key; without it: local passwords only, MFA optional. */
  identity?: Identity;
};
