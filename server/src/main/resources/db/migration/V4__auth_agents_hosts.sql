-- Users, sessions, tokens, agents, host facts and groups (issue #3). Secrets are never stored:
-- passwords as Argon2id PHC strings, tokens and agent credentials as SHA-256 of their random
-- 256-bit value (high-entropy secrets need no slow hash; the lookup is by that digest).
CREATE TABLE app_user (
    id             TEXT   PRIMARY KEY,
    username       TEXT   NOT NULL UNIQUE,
    password_hash  TEXT   NOT NULL,
    role           TEXT   NOT NULL,
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_micros BIGINT NOT NULL
);

CREATE TABLE user_session (
    token_hash      TEXT   PRIMARY KEY,
    user_id         TEXT   NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_token      TEXT   NOT NULL,
    created_micros  BIGINT NOT NULL,
    expires_micros  BIGINT NOT NULL
);

CREATE TABLE api_token (
    id              TEXT   PRIMARY KEY,
    user_id         TEXT   NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    name            TEXT   NOT NULL,
    token_hash      TEXT   NOT NULL UNIQUE,
    prefix          TEXT   NOT NULL,
    created_micros  BIGINT NOT NULL,
    expires_micros  BIGINT NOT NULL,
    revoked_micros  BIGINT,
    last_used_micros BIGINT
);

CREATE TABLE login_failure (
    username    TEXT   NOT NULL,
    remote      TEXT   NOT NULL,
    time_micros BIGINT NOT NULL
);
CREATE INDEX login_failure_user ON login_failure (username, time_micros);
CREATE INDEX login_failure_remote ON login_failure (remote, time_micros);

CREATE TABLE host_group (
    id             TEXT   PRIMARY KEY,
    name           TEXT   NOT NULL UNIQUE,
    description    TEXT   NOT NULL DEFAULT '',
    rule           TEXT,
    created_micros BIGINT NOT NULL
);

CREATE TABLE host_group_member (
    group_id TEXT NOT NULL REFERENCES host_group (id) ON DELETE CASCADE,
    host_id  TEXT NOT NULL REFERENCES host (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, host_id)
);

CREATE TABLE enrollment_token (
    id              TEXT   PRIMARY KEY,
    token_hash      TEXT   NOT NULL UNIQUE,
    prefix          TEXT   NOT NULL,
    group_id        TEXT   REFERENCES host_group (id) ON DELETE SET NULL,
    description     TEXT   NOT NULL DEFAULT '',
    created_by      TEXT   NOT NULL,
    created_micros  BIGINT NOT NULL,
    expires_micros  BIGINT NOT NULL,
    revoked_micros  BIGINT,
    uses            INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE agent (
    id               TEXT   PRIMARY KEY,
    host_id          TEXT   NOT NULL REFERENCES host (id) ON DELETE CASCADE,
    credential_hash  TEXT   NOT NULL UNIQUE,
    agent_version    TEXT   NOT NULL DEFAULT '',
    created_micros   BIGINT NOT NULL,
    last_checkin_micros BIGINT,
    revoked_micros   BIGINT
);
CREATE INDEX agent_host ON agent (host_id);

-- Facts the agent reports at every check-in, and what operators set.
ALTER TABLE host ADD COLUMN machine_id TEXT NOT NULL DEFAULT '';
ALTER TABLE host ADD COLUMN os_name TEXT NOT NULL DEFAULT '';
ALTER TABLE host ADD COLUMN kernel_running TEXT NOT NULL DEFAULT '';
ALTER TABLE host ADD COLUMN kernel_installed TEXT NOT NULL DEFAULT '';
ALTER TABLE host ADD COLUMN reboot_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE host ADD COLUMN criticality TEXT NOT NULL DEFAULT 'medium';
ALTER TABLE host ADD COLUMN exposure TEXT NOT NULL DEFAULT 'controlled';
ALTER TABLE host ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE host ADD COLUMN refresh_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE host ADD COLUMN pending_hash TEXT NOT NULL DEFAULT '';

CREATE TABLE host_label (
    host_id TEXT NOT NULL REFERENCES host (id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (host_id, name)
);
CREATE INDEX host_hostname ON host (hostname);

-- Background work takes a lease before it runs, so that two server nodes sharing a database never
-- run the same job at once and a restarted node picks up after the lease of a dead one expires.
CREATE TABLE scheduler_lease (
    name           TEXT   PRIMARY KEY,
    owner          TEXT   NOT NULL,
    expires_micros BIGINT NOT NULL,
    last_run_micros BIGINT
);
