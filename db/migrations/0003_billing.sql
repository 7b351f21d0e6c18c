-- vepanel billing: VE state history, invoices, credit notes, payments and
-- traffic caps (SPEC section 8; lib/rating.h has the rating rules).
--
-- Money is BIGINT minor units, quantities BIGINT micro-units, times BIGINT
-- epoch seconds UTC.  Issued documents (invoices, credit notes, payments)
-- are immutable: the triggers below refuse UPDATE and DELETE with SQLSTATE
-- 45000, so a correction is always a new document.  Every trigger is one
-- statement, so this file applies the same through `vepctl migrate` and
-- through the mariadb command-line client.

-- Every state a VE was in, from when.  Written by the database itself
-- (triggers on ves), so no code path can change a state without a trace.
-- `at` is the row's new updated_at when the statement set one, else the
-- server's clock.
CREATE TABLE ve_state_log (
  id      BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  ve_id   CHAR(8) NOT NULL,
  at      BIGINT NOT NULL,
  state   ENUM('active','suspended','expired','deleted') NOT NULL,
  reason  VARCHAR(255) NOT NULL DEFAULT '',
  KEY (ve_id, at),
  KEY (at)
) ENGINE=InnoDB;

-- The history of VEs that exist already: created active, then their state now.
INSERT INTO ve_state_log (ve_id, at, state, reason)
  SELECT id, created_at, 'active', '' FROM ves;
INSERT INTO ve_state_log (ve_id, at, state, reason)
  SELECT id, GREATEST(updated_at, created_at), state, state_reason FROM ves WHERE state <> 'active';

CREATE TRIGGER ves_state_log_insert AFTER INSERT ON ves FOR EACH ROW
  INSERT INTO ve_state_log (ve_id, at, state, reason)
  VALUES (NEW.id, NEW.created_at, NEW.state, NEW.state_reason);

CREATE TRIGGER ves_state_log_update AFTER UPDATE ON ves FOR EACH ROW
  INSERT INTO ve_state_log (ve_id, at, state, reason)
  SELECT NEW.id, IF(NEW.updated_at <> OLD.updated_at, NEW.updated_at, UNIX_TIMESTAMP()),
         NEW.state, NEW.state_reason
  FROM DUAL WHERE NEW.state <> OLD.state;

-- A VE row removed outright (tests; production only marks 'deleted') never
-- existed for billing: its history goes with it.
CREATE TRIGGER ves_state_log_delete AFTER DELETE ON ves FOR EACH ROW
  DELETE FROM ve_state_log WHERE ve_id = OLD.id;

-- Gapless document numbers: one row per kind and year, locked FOR UPDATE by
-- the transaction that issues the next number and bumped in it.
CREATE TABLE billing_counters (
  kind     ENUM('INV','CN') NOT NULL,
  year     SMALLINT UNSIGNED NOT NULL,
  next_no  INT UNSIGNED NOT NULL,
  PRIMARY KEY (kind, year)
) ENGINE=InnoDB;

-- One invoice per account, period and currency (an account's VEs normally
-- share one currency).
CREATE TABLE invoices (
  id              BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  number          VARCHAR(24) NOT NULL UNIQUE,           -- INV-2026-000001
  account_id      INT UNSIGNED NOT NULL,
  period          CHAR(7) NOT NULL,                      -- YYYY-MM
  period_from     BIGINT NOT NULL,
  period_to       BIGINT NOT NULL,
  currency        CHAR(3) NOT NULL,
  tax_bp          INT UNSIGNED NOT NULL,
  subtotal_minor  BIGINT NOT NULL,
  tax_minor       BIGINT NOT NULL,
  total_minor     BIGINT NOT NULL,
  issued_at       BIGINT NOT NULL,
  due_at          BIGINT NOT NULL,
  UNIQUE KEY (account_id, period, currency),
  KEY (period),
  KEY (due_at),
  CONSTRAINT FOREIGN KEY (account_id) REFERENCES accounts (id),
  CONSTRAINT CHECK (total_minor = subtotal_minor + tax_minor)
) ENGINE=InnoDB;

CREATE TABLE invoice_lines (
  invoice_id        BIGINT UNSIGNED NOT NULL,
  seq               INT UNSIGNED NOT NULL,
  ve_id             CHAR(8) NOT NULL,
  kind              ENUM('fee','usage','overage') NOT NULL,
  resource          ENUM('fee','disk','cpu','vmem','traffic','traffic_in','traffic_out') NOT NULL,
  plan_version_id   INT UNSIGNED NOT NULL,
  quantity_micro    BIGINT NOT NULL,
  unit              VARCHAR(16) NOT NULL,
  unit_price_minor  BIGINT NOT NULL,
  amount_minor      BIGINT NOT NULL,
  PRIMARY KEY (invoice_id, seq),
  KEY (ve_id, invoice_id),
  CONSTRAINT FOREIGN KEY (invoice_id) REFERENCES invoices (id)
) ENGINE=InnoDB;

-- A correction of an invoice: negative lines, never more than its open amount.
CREATE TABLE credit_notes (
  id              BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  number          VARCHAR(24) NOT NULL UNIQUE,           -- CN-2026-000001
  invoice_id      BIGINT UNSIGNED NOT NULL,
  reason          VARCHAR(255) NOT NULL,
  subtotal_minor  BIGINT NOT NULL,
  tax_minor       BIGINT NOT NULL,
  total_minor     BIGINT NOT NULL,
  issued_at       BIGINT NOT NULL,
  actor           VARCHAR(64) NOT NULL,
  KEY (invoice_id),
  CONSTRAINT FOREIGN KEY (invoice_id) REFERENCES invoices (id),
  CONSTRAINT CHECK (subtotal_minor < 0 AND tax_minor <= 0 AND total_minor = subtotal_minor + tax_minor)
) ENGINE=InnoDB;

CREATE TABLE credit_note_lines (
  credit_note_id    BIGINT UNSIGNED NOT NULL,
  seq               INT UNSIGNED NOT NULL,
  ve_id             CHAR(8) NULL,
  resource          ENUM('fee','disk','cpu','vmem','traffic','traffic_in','traffic_out') NOT NULL,
  description       VARCHAR(255) NOT NULL DEFAULT '',
  amount_minor      BIGINT NOT NULL,
  PRIMARY KEY (credit_note_id, seq),
  KEY (ve_id),
  CONSTRAINT FOREIGN KEY (credit_note_id) REFERENCES credit_notes (id),
  CONSTRAINT CHECK (amount_minor < 0)
) ENGINE=InnoDB;

-- Money received (or, negative, returned) against an invoice.  The balance
-- is always computed: total + credit notes (negative) - payments.
CREATE TABLE payments (
  id            BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  invoice_id    BIGINT UNSIGNED NOT NULL,
  amount_minor  BIGINT NOT NULL,
  paid_at       BIGINT NOT NULL,                         -- the payment's date, 00:00 UTC
  reference     VARCHAR(128) NOT NULL,
  created_at    BIGINT NOT NULL,
  actor         VARCHAR(64) NOT NULL,
  KEY (invoice_id),
  CONSTRAINT FOREIGN KEY (invoice_id) REFERENCES invoices (id),
  CONSTRAINT CHECK (amount_minor <> 0)
) ENGINE=InnoDB;

CREATE TRIGGER invoices_immutable_u BEFORE UPDATE ON invoices FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'invoices are immutable once issued; issue a credit note';
CREATE TRIGGER invoices_immutable_d BEFORE DELETE ON invoices FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'invoices are immutable once issued; issue a credit note';
CREATE TRIGGER invoice_lines_immutable_u BEFORE UPDATE ON invoice_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'invoice lines are immutable once issued';
CREATE TRIGGER invoice_lines_immutable_d BEFORE DELETE ON invoice_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'invoice lines are immutable once issued';
CREATE TRIGGER credit_notes_immutable_u BEFORE UPDATE ON credit_notes FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'credit notes are immutable once issued';
CREATE TRIGGER credit_notes_immutable_d BEFORE DELETE ON credit_notes FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'credit notes are immutable once issued';
CREATE TRIGGER credit_note_lines_immutable_u BEFORE UPDATE ON credit_note_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'credit note lines are immutable once issued';
CREATE TRIGGER credit_note_lines_immutable_d BEFORE DELETE ON credit_note_lines FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'credit note lines are immutable once issued';
CREATE TRIGGER payments_immutable_u BEFORE UPDATE ON payments FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'payments are immutable; record a reversal';
CREATE TRIGGER payments_immutable_d BEFORE DELETE ON payments FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'payments are immutable; record a reversal';

-- Traffic caps reached this month (SPEC section 3's max quotas).  The agent
-- limits a throttled VE to throttle_kbps until the month ends; a suspended
-- one is resumed by billing_caps_check when the next month starts.
CREATE TABLE ve_caps (
  ve_id          CHAR(8) NOT NULL,
  period         CHAR(7) NOT NULL,
  resource       ENUM('traffic','traffic_in','traffic_out') NOT NULL,
  reached_at     BIGINT NOT NULL,
  used_bytes     BIGINT NOT NULL,
  cap_bytes      BIGINT NOT NULL,
  action         ENUM('throttle','suspend') NOT NULL,
  throttle_kbps  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (ve_id, period, resource),
  KEY (period)
) ENGINE=InnoDB;
