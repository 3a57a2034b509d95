import { type Migration, sql } from 'kysely';
import type { AnyDb } from '../migrations/any-db';

// The PostgreSQL schema as SQLite's migrations 0001–0016 leave it, in one step: a PostgreSQL
// database starts here, and migrations from 0017 on (written with Kysely's portable schema
// builder) run on both engines. Where SQLite needed a feature of its own, PostgreSQL has its
// counterpart:
// - every text column collates as "C" (byte order), as SQLite's BINARY does: key ranges, cursors
//   and ORDER BY give the same order on both engines, whatever the server's locale;
// - INTEGER PRIMARY KEY / AUTOINCREMENT become BIGSERIAL; audit_high_water remembers the highest
//   audit seq ever used, as sqlite_sequence does (audit-verify.ts reads it);
// - the append-only triggers raise an exception, and also refuse TRUNCATE;
// - history search's FTS5 trigram table has no counterpart: audit_terms holds each distinct
//   value once, few enough to match a term by scanning them (audit-query.ts), so no extension is
//   needed;
// - WITHOUT ROWID tables are ordinary tables (their primary key is their index either way).
const T = 'text COLLATE "C"';

const SCHEMA = `
CREATE TABLE staff (
  username ${T} PRIMARY KEY CHECK (username !~ '[^a-z0-9._-]' AND length(username) BETWEEN 1 AND 64),
  role ${T} NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  password_hash ${T} NOT NULL,
  disabled integer NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at ${T} NOT NULL,
  last_login_at ${T},
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until ${T},
  source ${T} NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'sso')),
  break_glass integer NOT NULL DEFAULT 0 CHECK (break_glass IN (0, 1)),
  sso_subject ${T},
  totp_secret ${T},
  totp_pending_secret ${T},
  totp_last_step bigint,
  mfa_failures integer NOT NULL DEFAULT 0,
  mfa_locked_until ${T}
);
CREATE UNIQUE INDEX staff_by_sso_subject ON staff (sso_subject) WHERE sso_subject IS NOT NULL;

CREATE TABLE sessions (
  id_hash ${T} PRIMARY KEY,
  username ${T} NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
  created_at ${T} NOT NULL,
  last_seen_at ${T} NOT NULL,
  ip ${T} NOT NULL,
  user_agent ${T} NOT NULL,
  method ${T} NOT NULL DEFAULT 'password' CHECK (method IN ('password', 'totp', 'sso')),
  auth_at ${T},
  refresh_token ${T},
  idp_checked_at ${T}
);
CREATE INDEX sessions_by_username ON sessions (username);

CREATE TABLE mark_labels (
  bit integer PRIMARY KEY CHECK (bit BETWEEN 32 AND 63),
  name ${T} NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
  description ${T} NOT NULL DEFAULT ''
);
CREATE TABLE mark_labels_version (
  id integer PRIMARY KEY CHECK (id = 1),
  version integer NOT NULL CHECK (version >= 0),
  updated_by ${T},
  updated_at ${T}
);
INSERT INTO mark_labels_version (id, version, updated_by, updated_at) VALUES (1, 0, NULL, NULL);

CREATE TABLE jobs (
  seq bigserial PRIMARY KEY,
  id ${T} NOT NULL UNIQUE,
  state ${T} NOT NULL CHECK (state IN ('uploading', 'checked', 'running', 'paused', 'done', 'cancelled', 'failed')),
  created_by ${T} NOT NULL,
  created_at ${T} NOT NULL,
  started_by ${T},
  started_at ${T},
  finished_at ${T},
  total_rows integer NOT NULL DEFAULT 0,
  valid_rows integer NOT NULL DEFAULT 0,
  applied integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  conflicts integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  cancelled integer NOT NULL DEFAULT 0,
  message ${T},
  kind ${T} NOT NULL DEFAULT 'upload' CHECK (kind IN ('upload', 'rollback', 'retry')),
  source_job_id ${T},
  impact_checked_at ${T}
);
CREATE INDEX jobs_by_state ON jobs (state);

CREATE TABLE job_rows (
  cluster ${T} NOT NULL,
  job_id ${T} NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  line integer NOT NULL,
  input_json ${T} NOT NULL,
  status ${T} NOT NULL CHECK (status IN ('invalid', 'pending', 'claimed', 'applied', 'unchanged', 'conflict', 'failed', 'cancelled')),
  chat_user ${T},
  conversation_type ${T} CHECK (conversation_type IN ('c2c', 'group')),
  conversation_id ${T},
  change_json ${T},
  upstream_code integer,
  message ${T},
  guard_json ${T},
  revert_of ${T},
  PRIMARY KEY (job_id, cluster, line),
  CHECK (status = 'invalid' OR (chat_user IS NOT NULL AND conversation_type IS NOT NULL AND conversation_id IS NOT NULL AND change_json IS NOT NULL))
);
CREATE INDEX job_rows_pending ON job_rows (job_id, chat_user, line) WHERE status = 'pending';
CREATE UNIQUE INDEX job_rows_by_line ON job_rows (job_id, line);

CREATE TABLE job_writes (
  id bigserial PRIMARY KEY,
  job_id ${T} NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  chat_user ${T} NOT NULL,
  lines_json ${T} NOT NULL
);
CREATE INDEX job_writes_by_job ON job_writes (job_id, id);

CREATE TABLE job_checks (
  job_id ${T} NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  kind ${T} NOT NULL CHECK (kind IN ('overwritesCustomMark', 'alreadyInState', 'wouldExceedCap', 'notImported')),
  line integer NOT NULL,
  found_json ${T},
  PRIMARY KEY (job_id, kind, line)
);

CREATE TABLE job_effects (
  id bigserial PRIMARY KEY,
  job_id ${T} NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  measured_at ${T} NOT NULL,
  result_json ${T} NOT NULL
);
CREATE INDEX job_effects_by_job ON job_effects (job_id, id);

CREATE TABLE audit (
  seq bigserial PRIMARY KEY,
  id ${T} NOT NULL UNIQUE,
  kind ${T} NOT NULL CHECK (kind IN ('intent', 'outcome', 'entry', 'admin', 'repair')),
  refers_to ${T} REFERENCES audit (id),
  at ${T} NOT NULL,
  staff ${T},
  chat_user ${T},
  conversation_type ${T} CHECK (conversation_type IN ('c2c', 'group')),
  conversation_id ${T},
  requested_json ${T},
  before_json ${T},
  after_json ${T},
  status ${T} CHECK (status IN ('applied', 'unchanged', 'conflict', 'failed')),
  upstream_code integer,
  message ${T},
  reason ${T},
  request_id ${T},
  revert_of ${T},
  prev_hash ${T} NOT NULL,
  hash ${T} NOT NULL,
  action ${T},
  target ${T},
  ip ${T},
  user_agent ${T},
  details_json ${T},
  CONSTRAINT audit_row_shape CHECK (
    (kind = 'outcome' AND refers_to IS NOT NULL AND status IS NOT NULL)
    OR (kind = 'intent' AND refers_to IS NULL AND status IS NULL AND staff IS NOT NULL)
    OR (kind = 'entry' AND refers_to IS NULL AND status IS NOT NULL AND staff IS NOT NULL)
    OR (kind = 'admin' AND refers_to IS NULL AND staff IS NOT NULL AND action IS NOT NULL)
    OR (kind = 'repair' AND refers_to IS NULL AND target IS NOT NULL AND details_json IS NOT NULL)
  )
);
CREATE UNIQUE INDEX audit_outcome_of ON audit (refers_to) WHERE refers_to IS NOT NULL;
CREATE INDEX audit_by_chat_user ON audit (chat_user, seq) WHERE chat_user IS NOT NULL;
CREATE INDEX audit_by_staff ON audit (staff, seq) WHERE staff IS NOT NULL;
CREATE INDEX audit_by_conversation ON audit (conversation_id, conversation_type, seq) WHERE conversation_id IS NOT NULL;
CREATE INDEX audit_by_revert_of ON audit (revert_of) WHERE revert_of IS NOT NULL;
CREATE INDEX audit_admin ON audit (seq) WHERE kind = 'admin';
CREATE INDEX audit_repairs ON audit (seq) WHERE kind = 'repair';
CREATE INDEX audit_by_request_id ON audit (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX audit_marks_by_at ON audit (at) WHERE kind IN ('intent', 'entry');
CREATE INDEX audit_group_changes ON audit (chat_user, seq) WHERE kind IN ('intent', 'entry') AND action IS NOT NULL AND action LIKE 'group.%';
CREATE INDEX audit_by_reason ON audit (reason, seq) WHERE reason IS NOT NULL;

CREATE FUNCTION markdesk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION markdesk_refuse_change('audit log is append-only');
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
  FOR EACH STATEMENT EXECUTE FUNCTION markdesk_refuse_change('audit log is append-only');

-- The highest seq ever given to an audit row, as sqlite_sequence keeps it: a sequence will not
-- do, as it is not rolled back with its transaction. One update per INSERT statement.
CREATE TABLE audit_high_water (
  id integer PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL
);
INSERT INTO audit_high_water (id, seq) VALUES (1, 0);
CREATE FUNCTION markdesk_audit_high_water() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE audit_high_water SET seq = GREATEST(seq, (SELECT coalesce(max(seq), 0) FROM inserted));
  RETURN NULL;
END
$$;
CREATE TRIGGER audit_high_water AFTER INSERT ON audit REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION markdesk_audit_high_water();

CREATE TABLE audit_chain (
  id integer PRIMARY KEY CHECK (id = 1),
  keyed_from bigint NOT NULL,
  mac ${T} NOT NULL
);
CREATE TRIGGER audit_chain_no_change BEFORE UPDATE OR DELETE ON audit_chain
  FOR EACH ROW EXECUTE FUNCTION markdesk_refuse_change('the audit chain record is written once');
CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
  FOR EACH STATEMENT EXECUTE FUNCTION markdesk_refuse_change('the audit chain record is written once');

CREATE TABLE audit_terms (
  id bigserial PRIMARY KEY,
  field ${T} NOT NULL CHECK (field IN ('chat_user', 'conversation_id', 'staff', 'reason')),
  value ${T} NOT NULL,
  UNIQUE (field, value)
);

CREATE TABLE recovery_codes (
  username ${T} NOT NULL REFERENCES staff (username) ON DELETE CASCADE,
  code_hash ${T} NOT NULL,
  used_at ${T},
  PRIMARY KEY (username, code_hash)
);
CREATE TABLE auth_flows (
  id_hash ${T} PRIMARY KEY,
  kind ${T} NOT NULL CHECK (kind IN ('mfa', 'enrol', 'oidc')),
  username ${T},
  session_hash ${T},
  data_json ${T} NOT NULL,
  created_at ${T} NOT NULL
);
CREATE TABLE ended_sessions (
  id_hash ${T} PRIMARY KEY,
  reason ${T} NOT NULL CHECK (reason IN ('revoked', 'role_removed', 'expired')),
  ended_at ${T} NOT NULL
);
CREATE TABLE staff_preferences (
  username ${T} PRIMARY KEY REFERENCES staff (username) ON DELETE CASCADE,
  language ${T} CHECK (language IN ('en', 'ko', 'zh-CN'))
);

CREATE TABLE surveys (
  seq bigserial PRIMARY KEY,
  id ${T} NOT NULL UNIQUE,
  label ${T} NOT NULL DEFAULT '',
  state ${T} NOT NULL CHECK (state IN ('running', 'paused', 'done', 'cancelled', 'failed')),
  source_json ${T} NOT NULL,
  include_recent integer NOT NULL CHECK (include_recent IN (0, 1)),
  total integer NOT NULL,
  done integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  created_by ${T} NOT NULL,
  created_at ${T} NOT NULL,
  finished_at ${T},
  message ${T},
  results_json ${T}
);
CREATE TABLE survey_users (
  survey_id ${T} NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
  position integer NOT NULL,
  user_id ${T} NOT NULL,
  state ${T} NOT NULL CHECK (state IN ('pending', 'read', 'failed')),
  result_json ${T},
  PRIMARY KEY (survey_id, position)
);
CREATE INDEX survey_users_pending ON survey_users (survey_id, position) WHERE state = 'pending';

CREATE TABLE mark_writes_in_flight (
  entry_id ${T} PRIMARY KEY,
  before_json ${T} NOT NULL
);
`;

/** The migration name this baseline stands in for: SQLite's migrations up to it are never run on PostgreSQL. */
export const POSTGRES_BASELINE_NAME = '0016_mark_writes_in_flight';

export const postgresBaseline: Migration = {
  async up(db: AnyDb) {
    await sql.raw(SCHEMA).execute(db);
  },
};
