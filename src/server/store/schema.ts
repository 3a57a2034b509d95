import type { Generated } from 'kysely';
import type { SurveyState } from '../../shared/api/insights';
import type { JobImpactKind, JobKind, JobRowStatus, JobState } from '../../shared/api/jobs';
import type { MarkResultStatus } from '../../shared/api/marks';
import type { UiLanguage } from '../../shared/api/preferences';
import type { AuthMethod, Role } from '../../shared/api/session';
import type { StaffSource } from '../../shared/api/staff';
import type { ConversationType } from '../../shared/marks/conversation';

// The tables as Kysely sees them (the migrations in migrations/ create them).
// Timestamps are stored as ISO-8601 UTC strings (Date#toISOString), which sort correctly as text.
// Columns holding a word of the API's vocabulary (roles, statuses, states, kinds) take its type from
// the shared schemas, so the two cannot drift apart.

export interface StaffTable {
  username: string;
  role: Role;
  password_hash: string;
  /** 0 or 1 */
  disabled: number;
  created_at: string;
  last_login_at: string | null;
  failed_logins: number;
  locked_until: string | null;
  source: Generated<StaffSource>;
  /** 0 or 1: a local account that signs in with its password even when local sign-in is off. */
  break_glass: Generated<number>;
  /** `{issuer} {sub}` of an SSO account. */
  sso_subject: Generated<string | null>;
  /** The confirmed TOTP secret, sealed (auth/secret-box.ts); null without TOTP. */
  totp_secret: Generated<string | null>;
  /** A secret shown for enrolment and not yet confirmed with a code, sealed. */
  totp_pending_secret: Generated<string | null>;
  /** The last TOTP time step accepted: a code is good once. */
  totp_last_step: Generated<number | null>;
  mfa_failures: Generated<number>;
  mfa_locked_until: Generated<string | null>;
}

export interface RecoveryCodesTable {
  username: string;
  /** HMAC-SHA-256 of the normalised code under a key derived from the audit key. */
  code_hash: string;
  used_at: string | null;
}

export type { AuthMethod };

export interface AuthFlowsTable {
  id_hash: string;
  kind: 'mfa' | 'enrol' | 'oidc';
  username: string | null;
  /** The session a step-up flow belongs to (hash), else null. */
  session_hash: string | null;
  data_json: string;
  created_at: string;
}

export interface EndedSessionsTable {
  id_hash: string;
  reason: 'revoked' | 'role_removed' | 'expired';
  ended_at: string;
}

export interface SessionsTable {
  /** SHA-256 hex of the session id; the id itself is never stored. */
  id_hash: string;
  username: string;
  created_at: string;
  last_seen_at: string;
  ip: string;
  user_agent: string;
  method: Generated<AuthMethod>;
  /** When this session's person last authenticated strongly (sign-in or step-up). */
  auth_at: Generated<string | null>;
  /** SSO: the provider's refresh token, sealed; null when none was issued. */
  refresh_token: Generated<string | null>;
  /** SSO: when the provider last confirmed the person's groups. */
  idp_checked_at: Generated<string | null>;
}

export type AuditRowKind = 'intent' | 'outcome' | 'entry' | 'admin' | 'repair';

/**
 * One appended row of the audit log. An `intent` row is written before an upstream write and an
 * `outcome` row (refers_to = the intent's id) after it; an `entry` row is a one-shot entry that
 * needed no upstream write; an `admin` row is staff activity (action, target, ip, user_agent,
 * details_json) and a `repair` row vouches, under the audit key, for an old row whose text SQLite
 * could not store exactly. JSON columns hold text so the hash covers exactly what is stored.
 */
export interface AuditTable {
  seq: Generated<number>;
  id: string;
  kind: AuditRowKind;
  refers_to: string | null;
  at: string;
  staff: string | null;
  chat_user: string | null;
  conversation_type: ConversationType | null;
  conversation_id: string | null;
  requested_json: string | null;
  before_json: string | null;
  after_json: string | null;
  /** An outcome's or a one-shot entry's; null on an intent (its status comes with its outcome). */
  status: MarkResultStatus | null;
  upstream_code: number | null;
  message: string | null;
  reason: string | null;
  request_id: string | null;
  revert_of: string | null;
  prev_hash: string;
  hash: string;
  action: string | null;
  target: string | null;
  ip: string | null;
  user_agent: string | null;
  details_json: string | null;
}

/** One row: the seq from which audit rows carry an HMAC, with a MAC of that seq under the audit key. */
export interface AuditChainTable {
  id: number;
  keyed_from: number;
  mac: string;
}

export interface MarkLabelsTable {
  bit: number;
  name: string;
  description: string;
}

/** The single row (id 1) naming the current version of the labels and who saved it, when. */
export interface MarkLabelsVersionTable {
  id: number;
  /** Goes up by one with every successful replace of the labels. */
  version: number;
  /** Staff username of the last save; null before the first save (or for a save by no one in particular). */
  updated_by: string | null;
  updated_at: string | null;
}

/** 'uploading' is internal: the file is still being read (never shown; removed if the server dies). */
export type JobTableState = 'uploading' | JobState;

export interface JobsTable {
  seq: Generated<number>;
  id: string;
  state: JobTableState;
  created_by: string;
  created_at: string;
  started_by: string | null;
  started_at: string | null;
  finished_at: string | null;
  /** Data rows in the file. */
  total_rows: number;
  /** Rows that passed the check. */
  valid_rows: number;
  applied: number;
  unchanged: number;
  conflicts: number;
  failed: number;
  cancelled: number;
  message: string | null;
  kind: Generated<JobKind>;
  source_job_id: string | null;
  /** When the check read the rows' current state in Chat (null: not read, or the read failed). */
  impact_checked_at: string | null;
  /** The instance holding the job's lease (jobs/leases.ts, 0017); null: nobody. */
  lease_owner: Generated<string | null>;
  /** Until when the lease holds, in ms since the epoch (the holder's clock); null with no holder. */
  lease_expires_at: Generated<number | null>;
  /** Raised at every take of the lease: the fencing token a run's commits check. */
  lease_epoch: Generated<number>;
}

/** A line that falls under an impact kind of its job's check, with the state found (JSON). */
export interface JobChecksTable {
  job_id: string;
  kind: JobImpactKind;
  line: number;
  found_json: string | null;
}

export interface JobRowsTable {
  job_id: string;
  /** Where the line is stored: its chat user, '' for an invalid line (see 0012_bulk_indexes). */
  cluster: string;
  /** Line of the file where the row starts (the header is line 1). */
  line: number;
  /** The seven input fields as written, in JOB_CSV_COLUMNS order (JSON array). */
  input_json: string;
  status: JobRowStatus;
  chat_user: string | null;
  conversation_type: ConversationType | null;
  conversation_id: string | null;
  /** The checked MarkChange (JSON), bit names already resolved. */
  change_json: string | null;
  upstream_code: number | null;
  message: string | null;
  /** The line's WriteGuard (JSON), when it has one. */
  guard_json: string | null;
  /** The audit entry this line undoes (a rollback job's lines). */
  revert_of: string | null;
}

/** One mark_contact call of a bulk job, recorded before it is sent and deleted once its lines are settled. */
export interface JobWritesTable {
  id: Generated<number>;
  job_id: string;
  chat_user: string;
  /** [{line, before: {bits, customMark}}] (JSON), the call's lines and the state read before each. */
  lines_json: string;
}

/** A survey: a read-only job over many Chat users (src/server/insights). */
export interface SurveysTable {
  seq: Generated<number>;
  id: string;
  label: Generated<string>;
  state: SurveyState;
  /** The SurveySource (JSON). */
  source_json: string;
  /** 0 or 1: whether each user's recent list is read too. */
  include_recent: number;
  total: number;
  done: Generated<number>;
  failed: Generated<number>;
  created_by: string;
  created_at: string;
  finished_at: string | null;
  message: string | null;
  /** The SurveyResults (JSON), once done. */
  results_json: string | null;
  /** The instance holding the survey's lease (jobs/leases.ts, 0017); null: nobody. */
  lease_owner: Generated<string | null>;
  /** Until when the lease holds, in ms since the epoch (the holder's clock); null with no holder. */
  lease_expires_at: Generated<number | null>;
  /** Raised at every take of the lease: the fencing token a run's commits check. */
  lease_epoch: Generated<number>;
}

/** One surveyed user: pending until read, then its UserSummary (JSON) or the failure. */
export interface SurveyUsersTable {
  survey_id: string;
  position: number;
  user_id: string;
  state: 'pending' | 'read' | 'failed';
  result_json: string | null;
}

/** One measurement of a finished bulk job's effect (JobEffect, JSON). */
export interface JobEffectsTable {
  id: Generated<number>;
  job_id: string;
  measured_at: string;
  result_json: string;
}

/** An interactive save's state read before its write, until its outcome is recorded (0016). */
export interface MarkWritesInFlightTable {
  entry_id: string;
  before_json: string;
}

/** The language each person chose (0011_history_search); null: not chosen yet. */
export interface StaffPreferencesTable {
  username: string;
  language: UiLanguage | null;
}

/**
 * A place held in a client address's sliding window of sign-in attempts (0018_login_throttle): one
 * per attempt not given back, until it leaves the window (auth/login-throttle.ts).
 */
export interface LoginIpAttemptsTable {
  /** Random; a successful sign-in gives back its own place by it. */
  attempt_id: string;
  /** The address as it is counted: IPv4, or an IPv6 /64 (ipThrottleKey). */
  ip_key: string;
  /** When the place was taken, in ms since the epoch. */
  at_ms: number;
}

/** Failed sign-ins under a name without an account, counted like staff.failed_logins (0018). */
export interface LoginUnknownNamesTable {
  /** HMAC of the name typed, under a key derived from the audit key: it may be a mistyped password. */
  name_hash: string;
  failures: number;
  /** No attempt under this name before this time (ms since the epoch); 0 or past: none held back. */
  locked_until_ms: number;
  last_failure_ms: number;
}

/** Where a key's last exclusive hold across instances ended (0020_exclusive_ends; PostgreSQL only). */
export interface ExclusiveEndsTable {
  key: string;
  seq: number;
}

export interface Database {
  staff: StaffTable;
  sessions: SessionsTable;
  audit: AuditTable;
  audit_chain: AuditChainTable;
  mark_labels: MarkLabelsTable;
  mark_labels_version: MarkLabelsVersionTable;
  jobs: JobsTable;
  job_rows: JobRowsTable;
  job_writes: JobWritesTable;
  job_checks: JobChecksTable;
  recovery_codes: RecoveryCodesTable;
  auth_flows: AuthFlowsTable;
  ended_sessions: EndedSessionsTable;
  surveys: SurveysTable;
  survey_users: SurveyUsersTable;
  job_effects: JobEffectsTable;
  mark_writes_in_flight: MarkWritesInFlightTable;
  staff_preferences: StaffPreferencesTable;
  login_ip_attempts: LoginIpAttemptsTable;
  login_unknown_names: LoginUnknownNamesTable;
  exclusive_ends: ExclusiveEndsTable;
}
