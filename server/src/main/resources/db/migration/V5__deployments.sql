-- Patching (issue #4): maintenance windows and blackouts attached to groups and hosts, deployments
-- with their rings and targets, and the signed jobs handed to agents. Every state lives here and
-- advances in transactions, so a restarted server resumes each deployment where it was.

-- kind is 'window' or 'blackout'. A recurring entry has rrule, zone, first_start (wall clock in
-- zone, ISO-8601 local date-time) and duration_seconds; a one-off blackout has start/end instead.
CREATE TABLE patch_window (
    id               TEXT    PRIMARY KEY,
    name             TEXT    NOT NULL UNIQUE,
    kind             TEXT    NOT NULL,
    rrule            TEXT,
    zone             TEXT,
    first_start      TEXT,
    duration_seconds BIGINT,
    start_micros     BIGINT,
    end_micros       BIGINT,
    all_hosts        INTEGER NOT NULL DEFAULT 0,
    created_micros   BIGINT  NOT NULL
);

-- What a window or blackout applies to: a group (static members and rule) or one host.
CREATE TABLE patch_window_scope (
    window_id TEXT NOT NULL REFERENCES patch_window (id) ON DELETE CASCADE,
    group_id  TEXT REFERENCES host_group (id) ON DELETE CASCADE,
    host_id   TEXT REFERENCES host (id) ON DELETE CASCADE
);
CREATE INDEX patch_window_scope_window ON patch_window_scope (window_id);

-- spec is the deployment as created (JSON), kept for inspection; the columns are what the engine
-- reads and advances.
CREATE TABLE deployment (
    id                TEXT    PRIMARY KEY,
    name              TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    spec              TEXT    NOT NULL,
    window_mode       TEXT    NOT NULL,
    reboot_policy     TEXT    NOT NULL,
    auto_rollback     INTEGER NOT NULL,
    expected_seconds  BIGINT  NOT NULL,
    health_checks     TEXT    NOT NULL,
    preflight         TEXT    NOT NULL DEFAULT 'BLOCK',
    offline_seconds   BIGINT  NOT NULL DEFAULT 3600,
    current_ring      INTEGER NOT NULL DEFAULT 0,
    created_by        TEXT    NOT NULL,
    created_micros    BIGINT  NOT NULL,
    approved_by       TEXT,
    approved_micros   BIGINT,
    finished_micros   BIGINT,
    reason            TEXT    NOT NULL DEFAULT '',
    updated_micros    BIGINT  NOT NULL
);
CREATE INDEX deployment_state ON deployment (state);

CREATE TABLE deployment_ring (
    deployment_id     TEXT    NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    ring_index        INTEGER NOT NULL,
    name              TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    bake_seconds      BIGINT  NOT NULL,
    min_success_ratio DOUBLE PRECISION NOT NULL,
    max_failures      INTEGER NOT NULL,
    max_failure_ratio DOUBLE PRECISION NOT NULL,
    concurrency       INTEGER NOT NULL,
    started_micros    BIGINT,
    passed_micros     BIGINT,
    finished_micros   BIGINT,
    PRIMARY KEY (deployment_id, ring_index)
);

-- packages: JSON [{name, version, arch}] this host gets; before: JSON package states the agent
-- reported before its install job ran (what a rollback restores).
CREATE TABLE deployment_target (
    deployment_id   TEXT    NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    host_id         TEXT    NOT NULL REFERENCES host (id) ON DELETE CASCADE,
    hostname        TEXT    NOT NULL,
    ring_index      INTEGER NOT NULL,
    state           TEXT    NOT NULL,
    packages        TEXT    NOT NULL,
    before_state    TEXT,
    attempts        INTEGER NOT NULL DEFAULT 0,
    detail          TEXT    NOT NULL DEFAULT '',
    job_id          TEXT,
    boot_id         TEXT,
    preflight       TEXT,
    preflight_job   TEXT,
    updated_micros  BIGINT  NOT NULL,
    PRIMARY KEY (deployment_id, host_id)
);
CREATE INDEX deployment_target_ring ON deployment_target (deployment_id, ring_index, state);

-- A signed job for one host. state: queued (not yet handed out), delivered (handed out at least
-- once; handed out again until a result arrives), done (result stored), expired (its start window
-- passed before the agent took it), cancelled. payload is the signed job's wire JSON.
CREATE TABLE job (
    id                TEXT    PRIMARY KEY,
    host_id           TEXT    NOT NULL REFERENCES host (id) ON DELETE CASCADE,
    deployment_id     TEXT    REFERENCES deployment (id) ON DELETE CASCADE,
    type              TEXT    NOT NULL,
    state             TEXT    NOT NULL,
    payload           TEXT    NOT NULL,
    created_micros    BIGINT  NOT NULL,
    not_before_micros BIGINT  NOT NULL,
    expires_micros    BIGINT  NOT NULL,
    delivered_micros  BIGINT,
    deliveries        INTEGER NOT NULL DEFAULT 0,
    result_status     TEXT,
    result            TEXT,
    finished_micros   BIGINT
);
CREATE INDEX job_host_state ON job (host_id, state);
CREATE INDEX job_deployment ON job (deployment_id, state);

-- The check-in's single statement reads jobs_waiting: only a host with open jobs costs a second query.
ALTER TABLE host ADD COLUMN jobs_waiting INTEGER NOT NULL DEFAULT 0;
ALTER TABLE host ADD COLUMN boot_id TEXT NOT NULL DEFAULT '';

-- Automatic approval: a policy approves a deployment waiting for approval when it matches.
CREATE TABLE approval_policy (
    id             TEXT    PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    rule           TEXT    NOT NULL,
    enabled        INTEGER NOT NULL DEFAULT 1,
    created_by     TEXT    NOT NULL,
    created_micros BIGINT  NOT NULL
);

-- Recurring deployments ("all security updates for group X every Tuesday"): at each occurrence of
-- the rule a deployment is created from the template, approved by the schedule when auto_approve.
CREATE TABLE deployment_schedule (
    id                TEXT    PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    template          TEXT    NOT NULL,
    rrule             TEXT    NOT NULL,
    zone              TEXT    NOT NULL,
    first_start       TEXT    NOT NULL,
    auto_approve      INTEGER NOT NULL,
    enabled           INTEGER NOT NULL DEFAULT 1,
    created_by        TEXT    NOT NULL,
    created_micros    BIGINT  NOT NULL,
    last_fired_micros BIGINT,
    last_deployment   TEXT,
    last_error        TEXT
);
