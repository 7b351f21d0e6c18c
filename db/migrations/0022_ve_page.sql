-- The dashboard's precomputed page (issue 19): one row per VE whose owner
-- looked at GET /self, read together with the session in one statement
-- (lib/db/db_auth.c S_SESS_GET_PAGE) and rendered again by vep-self when
-- it is older than a second or invalidated (lib/db/db_vepage.c).
--
-- body: the page as rendered, with marker (64 random hex digits chosen at
-- each render) where the session's CSRF token goes; made_ms: when it was
-- rendered, in the page's clock (ms); 0 = never, or invalidated.
-- generation: bumped by every write that changes what the page shows (the
-- triggers below); a render is stored back only while the generation it
-- read is still there, so a render that raced a write is never kept.
CREATE TABLE ve_page (
  ve_id       CHAR(8) NOT NULL PRIMARY KEY,
  generation  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  made_ms     BIGINT NOT NULL DEFAULT 0,
  marker      CHAR(64) NOT NULL DEFAULT '',
  body        MEDIUMBLOB NULL
) ENGINE=InnoDB;

-- Invalidation in the database, in the writer's own transaction, so that
-- every writer (vep-self, vep-admin, the API, billingd's policy and
-- invoice jobs, vepctl, an operator's SQL) is covered, and a page read
-- right after the write's COMMIT (a POST-redirect-GET) is never the old one.
-- Usage (the usage_* tables, written every second) has no trigger: the
-- page's one-second age limit covers it, and billingd's ingest stays as it
-- was.  A trigger's UPDATE of a VE without a row (nobody looked at its
-- page) is one primary-key miss.

-- The VE itself: state, reason, expiry, power, node, backups, passwords.
CREATE TRIGGER ve_page_ves_u AFTER UPDATE ON ves FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id = NEW.id;
-- The order (service changes, reinstall's template).
CREATE TRIGGER ve_page_orders_u AFTER UPDATE ON orders FOR EACH ROW
  UPDATE ve_page p JOIN ves v ON v.id = p.ve_id SET p.generation = p.generation + 1, p.made_ms = 0
  WHERE v.order_id = NEW.id;
-- The account (e-mail shown, tax rate of the charges).
CREATE TRIGGER ve_page_accounts_u AFTER UPDATE ON accounts FOR EACH ROW
  UPDATE ve_page p JOIN ves v ON v.id = p.ve_id SET p.generation = p.generation + 1, p.made_ms = 0
  WHERE v.account_id = NEW.id;
-- Addresses and their names.
CREATE TRIGGER ve_page_ips_i AFTER INSERT ON ip_addresses FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id = NEW.ve_id;
CREATE TRIGGER ve_page_ips_u AFTER UPDATE ON ip_addresses FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id IN (OLD.ve_id, NEW.ve_id);
CREATE TRIGGER ve_page_ips_d AFTER DELETE ON ip_addresses FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id = OLD.ve_id;
-- Documents: invoices, credit and debit notes, payments.  An invoice bumps
-- the pages of its account's VEs, once per invoice: the invoice run writes
-- about ten lines per VE, and a trigger per line would cost it a million
-- lookups at 100,000 VEs.  Its lines come later in the same transaction,
-- which holds the bumped rows locked until it commits.
CREATE TRIGGER ve_page_inv_i AFTER INSERT ON invoices FOR EACH ROW
  UPDATE ve_page p JOIN ves v ON v.id = p.ve_id SET p.generation = p.generation + 1, p.made_ms = 0
  WHERE v.account_id = NEW.account_id;
CREATE TRIGGER ve_page_cn_i AFTER INSERT ON credit_notes FOR EACH ROW
  UPDATE ve_page p JOIN invoice_lines l ON l.ve_id = p.ve_id SET p.generation = p.generation + 1, p.made_ms = 0
  WHERE l.invoice_id = NEW.invoice_id;
CREATE TRIGGER ve_page_cn_lines_i AFTER INSERT ON credit_note_lines FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id = NEW.ve_id;
CREATE TRIGGER ve_page_dn_i AFTER INSERT ON debit_notes FOR EACH ROW
  UPDATE ve_page p JOIN invoice_lines l ON l.ve_id = p.ve_id SET p.generation = p.generation + 1, p.made_ms = 0
  WHERE l.invoice_id = NEW.invoice_id;
CREATE TRIGGER ve_page_dn_lines_i AFTER INSERT ON debit_note_lines FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id = NEW.ve_id;
CREATE TRIGGER ve_page_pay_i AFTER INSERT ON payments FOR EACH ROW
  UPDATE ve_page p JOIN invoice_lines l ON l.ve_id = p.ve_id SET p.generation = p.generation + 1, p.made_ms = 0
  WHERE l.invoice_id = NEW.invoice_id;
CREATE TRIGGER ve_page_dn_pay_i AFTER INSERT ON debit_note_payments FOR EACH ROW
  UPDATE ve_page p JOIN debit_notes d ON d.id = NEW.debit_note_id
  JOIN invoice_lines l ON l.invoice_id = d.invoice_id AND l.ve_id = p.ve_id
  SET p.generation = p.generation + 1, p.made_ms = 0;
-- Traffic caps reached (the banner, the throttle).
CREATE TRIGGER ve_page_caps_i AFTER INSERT ON ve_caps FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id = NEW.ve_id;
CREATE TRIGGER ve_page_caps_u AFTER UPDATE ON ve_caps FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id = NEW.ve_id;
CREATE TRIGGER ve_page_caps_d AFTER DELETE ON ve_caps FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0 WHERE ve_id = OLD.ve_id;
-- The node's name and CPU size; not its health, which billingd writes at every poll.
CREATE TRIGGER ve_page_nodes_u AFTER UPDATE ON nodes FOR EACH ROW
  UPDATE ve_page p JOIN ves v ON v.id = p.ve_id SET p.generation = p.generation + 1, p.made_ms = 0
  WHERE v.node_id = NEW.id AND NOT (OLD.name <=> NEW.name AND OLD.bogomips_per_cpu <=> NEW.bogomips_per_cpu);
-- The catalogue (an operator's rare edits): every page.
CREATE TRIGGER ve_page_plans_u AFTER UPDATE ON plans FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
CREATE TRIGGER ve_page_plan_versions_i AFTER INSERT ON plan_versions FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
CREATE TRIGGER ve_page_plan_versions_u AFTER UPDATE ON plan_versions FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
CREATE TRIGGER ve_page_plan_sla_i AFTER INSERT ON plan_sla FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
CREATE TRIGGER ve_page_plan_sla_d AFTER DELETE ON plan_sla FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
CREATE TRIGGER ve_page_plan_sla_credits_i AFTER INSERT ON plan_sla_credits FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
CREATE TRIGGER ve_page_plan_sla_credits_d AFTER DELETE ON plan_sla_credits FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
CREATE TRIGGER ve_page_templates_u AFTER UPDATE ON os_templates FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
CREATE TRIGGER ve_page_pools_u AFTER UPDATE ON ip_pools FOR EACH ROW
  UPDATE ve_page SET generation = generation + 1, made_ms = 0;
