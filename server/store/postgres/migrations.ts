/**
 * The Postgres schema, numbered like the SQLite migrations (server/store/migrations.ts)
 * and holding the same tables and columns, so both stores answer the same contract.
 * Applied in order, one transaction each, recorded in stamper_schema; never edit a
 * shipped migration, add the next. Timestamps stay ISO-8601 text as in SQLite, so rows
 * map to the same BuildRow; `ordinal` stands in for SQLite's rowid as the tie-breaker.
 */
export const postgresMigrations: readonly string[] = [
  `
  CREATE TABLE builds (
    id TEXT PRIMARY KEY,
    ordinal BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    build_key TEXT NOT NULL,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    kubernetes_version TEXT NOT NULL,
    release TEXT NOT NULL,
    formats TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    spec_yaml TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    error TEXT,
    failed_stage TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    pruned INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    owner TEXT,
    pid INTEGER,
    pgid INTEGER,
    last_seq INTEGER NOT NULL DEFAULT 0,
    retry_of TEXT,
    supersedes TEXT
  );
  CREATE INDEX builds_by_key ON builds (build_key);
  CREATE INDEX builds_by_state ON builds (state, created_at, ordinal);
  CREATE INDEX builds_by_created ON builds (created_at, ordinal);
  CREATE INDEX builds_by_supersedes ON builds (supersedes);

  CREATE TABLE stages (
    build_id TEXT NOT NULL REFERENCES builds (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    message TEXT,
    started_at TEXT,
    finished_at TEXT,
    duration_ms INTEGER,
    PRIMARY KEY (build_id, name)
  );

  CREATE TABLE events (
    build_id TEXT NOT NULL REFERENCES builds (id),
    seq INTEGER NOT NULL,
    time TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (build_id, seq)
  );

  CREATE TABLE artifacts (
    build_id TEXT NOT NULL REFERENCES builds (id),
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT,
    PRIMARY KEY (build_id, name)
  );

  CREATE TABLE verify_checks (
    build_id TEXT NOT NULL REFERENCES builds (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    ok INTEGER NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (build_id, position)
  );

  CREATE TABLE published_images (
    build_id TEXT NOT NULL REFERENCES builds (id),
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (build_id, position)
  );

  CREATE TABLE build_inputs (
    build_id TEXT NOT NULL REFERENCES builds (id),
    identity TEXT NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (build_id, identity)
  );

  CREATE TABLE build_updates (
    build_id TEXT PRIMARY KEY REFERENCES builds (id),
    checked_at TEXT NOT NULL,
    update_count INTEGER NOT NULL,
    security_count INTEGER NOT NULL,
    body TEXT NOT NULL
  );

  CREATE TABLE channels (
    image TEXT NOT NULL,
    channel TEXT NOT NULL,
    build_id TEXT NOT NULL REFERENCES builds (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (image, channel)
  );

  CREATE TABLE channel_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    image TEXT NOT NULL,
    channel TEXT NOT NULL,
    action TEXT NOT NULL,
    from_build TEXT,
    to_build TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX channel_history_by_channel ON channel_history (image, channel, id);
  `,
  // 2: the worker registry (SQLite migration 5): every executing process, its capacity, heartbeat and drain flag
  `
  CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    capacity INTEGER NOT NULL,
    heartbeat_seconds DOUBLE PRECISION NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    draining INTEGER NOT NULL DEFAULT 0
  );
  `,
  // 3: sign-in (SQLite migration 4), so every API replica knows the same tokens, sessions, roles,
  // submitters and audit log; timestamps compared as text use the C collation, where ISO-8601 sorts by time
  `
  ALTER TABLE builds ADD COLUMN submitted_by TEXT;

  CREATE TABLE access_tokens (
    id TEXT PRIMARY KEY,
    ordinal BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    name TEXT NOT NULL,
    subject TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT COLLATE "C",
    revoked_at TEXT
  );

  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    name TEXT NOT NULL,
    claimed_role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
  );
  CREATE INDEX sessions_by_expiry ON sessions (expires_at);

  CREATE TABLE user_roles (
    subject TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL
  );

  CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT
  );
  CREATE INDEX audit_log_by_action ON audit_log (action, id);
  `,
  // 4: channel policies and their runs (SQLite migration 3); a policy's claim is an advisory lock, so it has no table here
  `
  CREATE TABLE channel_policies (
    image TEXT NOT NULL,
    channel TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (image, channel)
  );

  CREATE TABLE channel_policy_runs (
    id INTEGER GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    image TEXT NOT NULL,
    channel TEXT NOT NULL,
    from_build TEXT NOT NULL REFERENCES builds (id),
    updates_key TEXT NOT NULL,
    successor TEXT NOT NULL REFERENCES builds (id),
    promote_to TEXT NOT NULL,
    security_updates INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT,
    started_at TEXT NOT NULL,
    settled_at TEXT,
    UNIQUE (image, channel, from_build, updates_key)
  );
  CREATE INDEX channel_policy_runs_by_source ON channel_policy_runs (from_build, updates_key);
  CREATE INDEX channel_policy_runs_by_outcome ON channel_policy_runs (outcome);
  `,
];
