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
