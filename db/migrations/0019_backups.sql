-- Reinstall and backups (SPEC section 11, issue 15).
--
-- ves.reinstall_seq / restore_seq / backup_seq grow by one on every
-- request, as power_seq does (0013): the node compares them with what it
-- has done (kept beside the VE's volume) and acts once per step.
-- restore_backup names the backup (a borg archive) the latest restore asked for.
-- backup_ok_at / backup_error(_at): the node's latest report; an error
-- stays until a later backup succeeds.
ALTER TABLE ves
  ADD COLUMN reinstall_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN restore_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN restore_backup VARCHAR(64) NULL,
  ADD COLUMN backup_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN backup_ok_at BIGINT NULL,
  ADD COLUMN backup_error VARCHAR(255) NULL,
  ADD COLUMN backup_error_at BIGINT NULL;

-- The backups a VE's node reports it keeps (replaced as a whole by every
-- report): id is the archive's name in the node's borg repository.
CREATE TABLE ve_backups (
  ve_id     CHAR(8) NOT NULL,
  id        VARCHAR(64) NOT NULL,
  taken_at  BIGINT NOT NULL,
  bytes     BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (ve_id, id)
) ENGINE=InnoDB;

-- What the node's repository holds on disk (deduplicated, compressed).
ALTER TABLE nodes
  ADD COLUMN backup_bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN backup_report_at BIGINT NULL;

-- The owner hears of a reinstall, a restore and a failed backup: the mail
-- is written by the audit row's own statement, so in its transaction.
CREATE TRIGGER mail_audit_backup AFTER INSERT ON audit_log FOR EACH ROW
  INSERT IGNORE INTO mail_outbox (kind, ref, account_id, ve_id, detail, next_try, created_at)
  SELECT 've_event', CONCAT('A', NEW.id), v.account_id, v.id,
         LEFT(CONCAT(NEW.action, ':', COALESCE(NEW.after_json, '')), 255),
         UNIX_TIMESTAMP(), UNIX_TIMESTAMP()
  FROM ves v
  WHERE v.id = NEW.object AND NEW.action IN ('ve.reinstall', 've.restore', 've.backup_failed');
