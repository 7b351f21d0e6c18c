-- The invoice run writes what the two AFTER INSERT triggers of invoices
-- write, for a chunk of up to 200 invoices at once (lib/db/db_invoice_run.c,
-- S_BULK_MAIL and S_BULK_PAGE): one statement per trigger and invoice cost
-- MariaDB 1.0 s of CPU for 10,000 invoices, against 0.1 s for the rows
-- themselves.  Its session sets @vep_invoice_bulk = 1 around its INSERTs of
-- invoices only; every other session leaves it NULL and the triggers do as
-- before.  (One statement each, no IF block: the migrations are also fed to
-- the mariadb client, which would split a block at its semicolons.)
DROP TRIGGER mail_invoices_insert;
DROP TRIGGER ve_page_inv_i;
CREATE TRIGGER mail_invoices_insert AFTER INSERT ON invoices FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, next_try, created_at)
  SELECT 'invoice', NEW.number, NEW.account_id, NEW.number, UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM DUAL WHERE @vep_invoice_bulk IS NULL;
CREATE TRIGGER ve_page_inv_i AFTER INSERT ON invoices FOR EACH ROW
  UPDATE ve_page p JOIN ves v ON v.id = p.ve_id SET p.generation = p.generation + 1, p.made_ms = 0
  WHERE v.account_id = NEW.account_id AND @vep_invoice_bulk IS NULL;
