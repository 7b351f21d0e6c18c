-- Service changes (SPEC section 11, issue 15): the order parameters in
-- force are a history, not a row overwritten.
--
-- orders keeps the parameters in force now (every existing reader goes on
-- reading it); order_history has one row per version of them, valid from
-- the second of the change: the signup's (a trigger writes it with the
-- order) and one per change (lib/db/db_change.c, in the change's own
-- transaction).  Rating reads plan_id and disk_quota_mb of the rows in
-- force during a month and splits the month at each valid_from
-- (lib/db/db_charges.c, lib/db/db_invoice_run.c).  params holds every
-- changeable field of that version as JSON, for the charges' parts, the
-- audit and the customer's history.  Two changes in one second: the later
-- one replaces the row of that second.
CREATE TABLE order_history (
  id            BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  order_id      INT UNSIGNED NOT NULL,
  valid_from    BIGINT NOT NULL,
  plan_id       INT UNSIGNED NOT NULL,
  disk_quota_mb BIGINT UNSIGNED NOT NULL,
  params        TEXT NOT NULL,
  actor         VARCHAR(64) NOT NULL,
  changed       VARCHAR(255) NOT NULL DEFAULT '',   -- the fields this change set, comma list
  UNIQUE KEY (order_id, valid_from),
  CONSTRAINT FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  CONSTRAINT FOREIGN KEY (plan_id) REFERENCES plans (id)
) ENGINE=InnoDB;

INSERT INTO order_history (order_id, valid_from, plan_id, disk_quota_mb, params, actor)
  SELECT id, created_at, plan_id, disk_quota_mb, '{}', 'signup' FROM orders;

CREATE TRIGGER order_history_signup AFTER INSERT ON orders FOR EACH ROW
  INSERT INTO order_history (order_id, valid_from, plan_id, disk_quota_mb, params, actor)
  VALUES (NEW.id, NEW.created_at, NEW.plan_id, NEW.disk_quota_mb, '{}', 'signup');

-- The owner's confirmation of a change (SPEC section 10), in the change's
-- own statement: detail is the changed fields (vep-mailer's c_change).
CREATE TRIGGER mail_order_history_insert AFTER INSERT ON order_history FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, ve_id, detail, next_try, created_at)
  SELECT 'change', CONCAT('C', NEW.id), v.account_id, v.id, NEW.changed,
         UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM ves v WHERE v.order_id = NEW.order_id AND NEW.actor <> 'signup';

-- A change in the same second as the row before it replaces that row
-- (ON DUPLICATE KEY UPDATE): mailed too, once per distinct version.
CREATE TRIGGER mail_order_history_update AFTER UPDATE ON order_history FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, ve_id, detail, next_try, created_at)
  SELECT 'change', CONCAT('C', NEW.id, '-', LEFT(SHA2(CONCAT(NEW.params, '|', NEW.changed), 256), 16)),
         v.account_id, v.id, NEW.changed, UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM ves v WHERE v.order_id = NEW.order_id AND NEW.actor <> 'signup' AND NEW.changed <> '';

-- An invoice line of a month cut by a service change says which part it is
-- of ([part_from, part_to) in epoch seconds); 0 for a month not cut.
ALTER TABLE invoice_lines
  ADD COLUMN part_from BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN part_to BIGINT NOT NULL DEFAULT 0;
