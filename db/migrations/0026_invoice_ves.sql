-- Which VEs an invoice bills: one row per VE and invoice (issue 19).
--
-- The lookups "the invoices of a VE" (a VE's documents on /self and the
-- owner API, its notes, the invoice run's "already billed this month")
-- used the key (ve_id, invoice_id) of invoice_lines: ten index entries per
-- VE and month that every invoice run wrote, about 40% of its writing.
-- This table holds one entry per VE and invoice instead; the invoice run
-- writes it in the same transaction as the lines (lib/db/db_invoice_run.c),
-- and every reader by VE reads it.  Rows are as immutable as the lines.
CREATE TABLE invoice_ves (
  ve_id       CHAR(8) NOT NULL,
  invoice_id  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (ve_id, invoice_id),
  KEY (invoice_id),
  CONSTRAINT FOREIGN KEY (invoice_id) REFERENCES invoices (id)
) ENGINE=InnoDB;

INSERT INTO invoice_ves (ve_id, invoice_id)
  SELECT DISTINCT ve_id, invoice_id FROM invoice_lines;

ALTER TABLE invoice_lines DROP KEY ve_id;

CREATE TRIGGER invoice_ves_immutable_u BEFORE UPDATE ON invoice_ves FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'invoice lines are immutable once issued';
CREATE TRIGGER invoice_ves_immutable_d BEFORE DELETE ON invoice_ves FOR EACH ROW
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'invoice lines are immutable once issued';
