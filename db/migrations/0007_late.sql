-- vepanel late usage: usage that reaches the database after its month was
-- invoiced is billed, never lost (lib/adjust.h has the rules, lib/db_adjust.c
-- the SQL).  The next invoice run, the billing jobs of billingd and `vepctl
-- invoice run` re-rate only the (VE, month) pairs marked here and issue a
-- debit note (DN-YYYY-NNNNNN, a new document kind) or a credit note
-- (CN-YYYY-NNNNNN, the existing kind) for exactly the difference between
-- what the month rates to now and what was billed for it (the invoice's
-- lines plus the earlier late notes).
--
-- Every trigger is one statement, so this file applies the same through
-- `vepctl migrate` and through the mariadb command-line client.

-- The months an invoice run has started for.  The run inserts its month
-- (committed) before it reads any usage.  Whoever stores usage reads the
-- row of each month it writes to with a shared lock, in its own
-- transaction: either that transaction commits before the run can insert
-- the row (the run then reads its usage), or it sees the row and marks.
CREATE TABLE invoiced_periods (
  period    CHAR(7) NOT NULL PRIMARY KEY,                -- YYYY-MM
  first_at  BIGINT NOT NULL
) ENGINE=InnoDB;

INSERT INTO invoiced_periods (period, first_at)
  SELECT period, MIN(issued_at) FROM invoices GROUP BY period;

-- (VE, month) pairs that got usage after the month was invoiced.  n counts
-- the writes: a mark is cleared only if no write came after it was read.
CREATE TABLE usage_late (
  ve_id     CHAR(8) NOT NULL,
  period    CHAR(7) NOT NULL,
  n         BIGINT UNSIGNED NOT NULL DEFAULT 1,
  first_at  BIGINT NOT NULL,
  last_at   BIGINT NOT NULL,
  PRIMARY KEY (ve_id, period),
  KEY (period)
) ENGINE=InnoDB;

-- A VE row removed outright (tests; production only marks 'deleted') has
-- nothing late either.
CREATE TRIGGER ves_usage_late_delete AFTER DELETE ON ves FOR EACH ROW
  DELETE FROM usage_late WHERE ve_id = OLD.id;

-- Debit notes are numbered like invoices and credit notes.
ALTER TABLE billing_counters MODIFY kind ENUM('INV','CN','DN') NOT NULL;

-- A charge added to an invoiced month: positive lines, tax at the invoice's
-- rate, its own due date; paid on its own (debit_note_payments).
CREATE TABLE debit_notes (
  id              BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  number          VARCHAR(24) NOT NULL UNIQUE,           -- DN-2026-000001
  invoice_id      BIGINT UNSIGNED NOT NULL,              -- the invoice of the month
  reason          VARCHAR(255) NOT NULL,
  subtotal_minor  BIGINT NOT NULL,
  tax_minor       BIGINT NOT NULL,
  total_minor     BIGINT NOT NULL,
  issued_at       BIGINT NOT NULL,
  due_at          BIGINT NOT NULL,
  actor           VARCHAR(64) NOT NULL,
  KEY (invoice_id),
  KEY (due_at),
  CONSTRAINT FOREIGN KEY (invoice_id) REFERENCES invoices (id),
  CONSTRAINT CHECK (subtotal_minor > 0 AND tax_minor >= 0 AND total_minor = subtotal_minor + tax_minor)
) ENGINE=InnoDB;

CREATE TABLE debit_note_lines (
  debit_note_id     BIGINT UNSIGNED NOT NULL,
  seq               INT UNSIGNED NOT NULL,
  ve_id             CHAR(8) NULL,
  resource          ENUM('fee','disk','cpu','vmem','traffic','traffic_in','traffic_out') NOT NULL,
  description       VARCHAR(255) NOT NULL DEFAULT '',
  amount_minor      BIGINT NOT NULL,
  PRIMARY KEY (debit_note_id, seq),
  KEY (ve_id),
  CONSTRAINT FOREIGN KEY (debit_note_id) REFERENCES debit_notes (id),
  CONSTRAINT CHECK (amount_minor > 0)
) ENGINE=InnoDB;

-- Money received (or, negative, returned) against a debit note.
CREATE TABLE debit_note_payments (
  id             BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  debit_note_id  BIGINT UNSIGNED NOT NULL,
  amount_minor   BIGINT NOT NULL,
  paid_at        BIGINT NOT NULL,
  reference      VARCHAR(128) NOT NULL,
  created_at     BIGINT NOT NULL,
  actor          VARCHAR(64) NOT NULL,
  KEY (debit_note_id),
  CONSTRAINT FOREIGN KEY (debit_note_id) REFERENCES debit_notes (id),
  CONSTRAINT CHECK (amount_minor <> 0)
) ENGINE=InnoDB;

-- The per-line difference behind every note late usage caused (a debit
-- note's or a credit note's line seq): quantities billed before and rated
-- now, in micro-units, and the amount.  "Billed" for a VE, resource and
-- month is its invoice lines plus these rows; manual credit notes are not
-- in it (they are goodwill, not a rating).
CREATE TABLE late_lines (
  note_kind         ENUM('DN','CN') NOT NULL,
  note_id           BIGINT UNSIGNED NOT NULL,
  seq               INT UNSIGNED NOT NULL,
  invoice_id        BIGINT UNSIGNED NOT NULL,
  ve_id             CHAR(8) NOT NULL,
  resource          ENUM('fee','disk','cpu','vmem','traffic','traffic_in','traffic_out') NOT NULL,
  unit              VARCHAR(16) NOT NULL,
  qty_before_micro  BIGINT NOT NULL,
  qty_after_micro   BIGINT NOT NULL,
  amount_minor      BIGINT NOT NULL,
  PRIMARY KEY (note_kind, note_id, seq),
  KEY (invoice_id, ve_id),
  CONSTRAINT FOREIGN KEY (invoice_id) REFERENCES invoices (id),
  CONSTRAINT CHECK (amount_minor <> 0)
) ENGINE=InnoDB;

CREATE TRIGGER debit_notes_immutable_u BEFORE UPDATE ON debit_notes FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'debit notes are immutable once issued';
CREATE TRIGGER debit_notes_immutable_d BEFORE DELETE ON debit_notes FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'debit notes are immutable once issued';
CREATE TRIGGER debit_note_lines_immutable_u BEFORE UPDATE ON debit_note_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'debit note lines are immutable once issued';
CREATE TRIGGER debit_note_lines_immutable_d BEFORE DELETE ON debit_note_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'debit note lines are immutable once issued';
CREATE TRIGGER debit_note_payments_immutable_u BEFORE UPDATE ON debit_note_payments FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'payments are immutable; record a reversal';
CREATE TRIGGER debit_note_payments_immutable_d BEFORE DELETE ON debit_note_payments FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'payments are immutable; record a reversal';
CREATE TRIGGER late_lines_immutable_u BEFORE UPDATE ON late_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'late note lines are immutable once issued';
CREATE TRIGGER late_lines_immutable_d BEFORE DELETE ON late_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'late note lines are immutable once issued';
