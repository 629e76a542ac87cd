-- Updates the host's package manager reports as pending (issue #3). security is 1, 0, or NULL when
-- the package manager cannot tell (apk).
CREATE TABLE pending_update (
    host_id   TEXT NOT NULL REFERENCES host (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    arch      TEXT NOT NULL,
    installed TEXT,
    available TEXT NOT NULL,
    origin    TEXT,
    security  INTEGER,
    PRIMARY KEY (host_id, name, arch)
);
