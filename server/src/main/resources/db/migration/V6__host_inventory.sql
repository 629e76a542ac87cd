-- Each host's last stored inventory in one compressed row (the rows of host_package, encoded by
-- InventoryStore), so that a changed upload is compared with one row instead of a row per package
-- (ADR 0008). host_package stays the queryable record; both are written in the same transaction.
-- inventory_hash names the inventory the row holds: a row whose hash is not the host's
-- inventory_hash is not used.
CREATE TABLE host_inventory (
    host_id        TEXT  PRIMARY KEY REFERENCES host (id) ON DELETE CASCADE,
    inventory_hash TEXT  NOT NULL,
    packages       BYTEA NOT NULL
);
