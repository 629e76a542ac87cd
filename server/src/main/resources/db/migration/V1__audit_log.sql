-- The tamper-evident audit log (issue #3). One schema for SQLite and PostgreSQL: times are
-- microseconds since the epoch (BIGINT), text is TEXT, so both databases store the same values
-- and the hash chain verifies the same on both.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    time_micros BIGINT NOT NULL,
    actor       TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    subject     TEXT   NOT NULL,
    details     TEXT   NOT NULL,
    prev_hash   TEXT   NOT NULL,
    hash        TEXT   NOT NULL
);

CREATE TABLE audit_checkpoint (
    seq         BIGINT PRIMARY KEY,
    hash        TEXT   NOT NULL,
    time_micros BIGINT NOT NULL,
    signature   TEXT   NOT NULL
);
