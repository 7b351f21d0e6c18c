-- Each payment call's own random token: db_tx runs a transaction again when
-- the connection is lost, also while committing (the outcome unknown: on
-- Galera the node may have committed it just before it went away).  The
-- rerun first looks for its token and finds its own payment instead of
-- recording it twice; the unique key refuses a second row in any case.
-- NULL on payments recorded before.
ALTER TABLE payments ADD COLUMN token CHAR(32) NULL, ADD UNIQUE KEY (token);
ALTER TABLE debit_note_payments ADD COLUMN token CHAR(32) NULL, ADD UNIQUE KEY (token);
