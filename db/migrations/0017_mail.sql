-- Mail, password reset and provider webhooks (SPEC section 10).
--
-- mail_outbox: every message to send, one row per event, unique per
-- (kind, ref) so that an event is mailed once however often it is seen.
-- The rows of billing and lifecycle events are written by the triggers
-- below, so each is in the same transaction as the event that caused it
-- (an invoice, a credit or debit note, a payment, a VE created or its
-- state changed, a traffic cap reached) without any code path having to
-- remember it.  vep-mailer (mailer/) claims rows with a lease, sends them
-- and marks them sent; a row that keeps failing becomes 'failed'.
-- Every trigger is one statement (as in 0003_billing.sql).
CREATE TABLE mail_outbox (
  id           BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  kind         VARCHAR(24) NOT NULL,          -- order, invoice, credit_note, debit_note, payment, state, cap, reminder, expiry, reset
  ref          VARCHAR(96) NOT NULL,          -- the event's own key within kind
  account_id   INT UNSIGNED NULL,
  ve_id        CHAR(8) NULL,
  number       VARCHAR(24) NULL,              -- a billing document's number
  detail       VARCHAR(255) NOT NULL DEFAULT '',  -- state and reason, days left, ...
  secret       VARCHAR(128) NULL,             -- a reset link's token until it is handed to the relay, then NULL
  state        ENUM('queued','sent','failed') NOT NULL DEFAULT 'queued',
  attempts     INT UNSIGNED NOT NULL DEFAULT 0,
  next_try     BIGINT NOT NULL,
  lease_owner  CHAR(32) NULL,
  lease_until  BIGINT NOT NULL DEFAULT 0,
  last_error   VARCHAR(255) NOT NULL DEFAULT '',
  message_id   VARCHAR(128) NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,
  sent_at      BIGINT NULL,
  UNIQUE KEY (kind, ref),
  KEY (state, next_try)
) ENGINE=InnoDB;

-- Password reset links: only the SHA-256 of the token is kept.
CREATE TABLE password_resets (
  token_hash  CHAR(64) NOT NULL PRIMARY KEY,
  ve_id       CHAR(8) NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  used_at     BIGINT NULL,
  KEY (ve_id, created_at)
) ENGINE=InnoDB;

-- Provider events already recorded: a payment made by the webhook carries
-- the actor "webhook:<event id>", and the triggers below write the event
-- here in the payment's own statement; the unique key refuses the same
-- event a second time, and with it the second payment.
CREATE TABLE webhook_events (
  event_id    VARCHAR(56) NOT NULL PRIMARY KEY,
  doc_kind    ENUM('invoice','debit_note') NOT NULL,
  payment_id  BIGINT UNSIGNED NOT NULL,
  at          BIGINT NOT NULL
) ENGINE=InnoDB;

-- vep-mailer's expiry notices look for active VEs by their end of lifetime.
ALTER TABLE ves ADD KEY ves_expiry (state, expires_at);

CREATE TRIGGER mail_ves_insert AFTER INSERT ON ves FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, ve_id, next_try, created_at)
  VALUES ('order', NEW.id, NEW.account_id, NEW.id, UNIX_TIMESTAMP(), UNIX_TIMESTAMP());

-- A VE's state changed (ve_state_log has one row per change, 0003): a
-- suspension, a deletion or expiry, or a resumption (active after another state).
CREATE TRIGGER mail_state_insert AFTER INSERT ON ve_state_log FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, ve_id, detail, next_try, created_at)
  SELECT 'state', CONCAT('S', NEW.id), v.account_id, NEW.ve_id,
         LEFT(CONCAT(IF(NEW.state = 'active', 'resumed', NEW.state), ':', NEW.reason), 255),
         UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM ves v
  WHERE v.id = NEW.ve_id
    AND (NEW.state <> 'active'
         OR EXISTS (SELECT 1 FROM ve_state_log l WHERE l.ve_id = NEW.ve_id AND l.id < NEW.id));

CREATE TRIGGER mail_invoices_insert AFTER INSERT ON invoices FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, next_try, created_at)
  VALUES ('invoice', NEW.number, NEW.account_id, NEW.number, UNIX_TIMESTAMP(), UNIX_TIMESTAMP());

CREATE TRIGGER mail_credit_notes_insert AFTER INSERT ON credit_notes FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, next_try, created_at)
  SELECT 'credit_note', NEW.number, i.account_id, NEW.number, UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM invoices i WHERE i.id = NEW.invoice_id;

CREATE TRIGGER mail_debit_notes_insert AFTER INSERT ON debit_notes FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, next_try, created_at)
  SELECT 'debit_note', NEW.number, i.account_id, NEW.number, UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM invoices i WHERE i.id = NEW.invoice_id;

-- A receipt for money received (a reversal, amount < 0, is not mailed).
CREATE TRIGGER mail_payments_insert AFTER INSERT ON payments FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, detail, next_try, created_at)
  SELECT 'payment', CONCAT('P', NEW.id), i.account_id, i.number,
         CONCAT(NEW.amount_minor, ':', i.currency), UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM invoices i WHERE i.id = NEW.invoice_id AND NEW.amount_minor > 0;

CREATE TRIGGER mail_dn_payments_insert AFTER INSERT ON debit_note_payments FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, number, detail, next_try, created_at)
  SELECT 'payment', CONCAT('D', NEW.id), i.account_id, d.number,
         CONCAT(NEW.amount_minor, ':', i.currency), UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM debit_notes d JOIN invoices i ON i.id = d.invoice_id
  WHERE d.id = NEW.debit_note_id AND NEW.amount_minor > 0;

CREATE TRIGGER webhook_payments_insert AFTER INSERT ON payments FOR EACH ROW
  INSERT INTO webhook_events (event_id, doc_kind, payment_id, at)
  SELECT SUBSTRING(NEW.actor, 9), 'invoice', NEW.id, NEW.created_at
  FROM DUAL WHERE NEW.actor LIKE 'webhook:%';

CREATE TRIGGER webhook_dn_payments_insert AFTER INSERT ON debit_note_payments FOR EACH ROW
  INSERT INTO webhook_events (event_id, doc_kind, payment_id, at)
  SELECT SUBSTRING(NEW.actor, 9), 'debit_note', NEW.id, NEW.created_at
  FROM DUAL WHERE NEW.actor LIKE 'webhook:%';

CREATE TRIGGER mail_caps_insert AFTER INSERT ON ve_caps FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, ve_id, detail, next_try, created_at)
  SELECT 'cap', CONCAT(NEW.ve_id, ':', NEW.period, ':', NEW.resource), v.account_id, NEW.ve_id,
         CONCAT(NEW.resource, ':', NEW.action, ':', NEW.cap_bytes), UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM ves v WHERE v.id = NEW.ve_id;
