-- Payments on debit notes, Galera-safe as those on invoices (0009): one row
-- per debit note, bumped first by every payment of it in its transaction,
-- so that two payments of one debit note through two nodes cannot both be
-- checked against the same open amount (the second aborts and runs again).
-- It replaces the debit note's row lock (FOR UPDATE), which held only on
-- the node that took it.
CREATE TABLE debit_note_writes (
  debit_note_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  n              BIGINT UNSIGNED NOT NULL,
  CONSTRAINT FOREIGN KEY (debit_note_id) REFERENCES debit_notes (id)
) ENGINE=InnoDB;

-- Each payment call's own random token: db_tx runs a transaction again when
-- the connection is lost, also while committing (the outcome unknown: on
-- Galera the node may have committed it just before it went away).  The
-- rerun first looks for its token and finds its own payment instead of
-- recording it twice; the unique key refuses a second row in any case.
-- NULL on payments recorded before.
ALTER TABLE payments ADD COLUMN token CHAR(32) NULL, ADD UNIQUE KEY (token);
ALTER TABLE debit_note_payments ADD COLUMN token CHAR(32) NULL, ADD UNIQUE KEY (token);
