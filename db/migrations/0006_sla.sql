-- vepanel availability SLA (issue 9): measured availability per VE and
-- minute, plans' availability targets and service-credit tables, and the
-- invoice line that credits a missed target.  lib/sla.h has the rules.
--
-- Availability is written by billingd in the transaction of the usage
-- batch it was observed with.  A minute row holds one bit per second of
-- the minute: seen (the agent answered and said whether the VE runs, or
-- the whole node was seen down) and up (it ran).  Writing is a bitwise OR,
-- so a second can never be counted twice however often a batch is
-- replayed or two billingd overlap at a lease handover; up wins over a
-- contradicting down for the same second (a measurement beats an
-- inference).  seen_s and up_s are the bits counted.
CREATE TABLE usage_avail_minute (
  ve_id      CHAR(8) NOT NULL,
  t          BIGINT NOT NULL,                      -- the minute's first second, epoch UTC
  seen_mask  BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- bit i: second t+i observed
  up_mask    BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- bit i: second t+i observed up
  seen_s     TINYINT UNSIGNED AS (BIT_COUNT(seen_mask)) STORED,
  up_s       TINYINT UNSIGNED AS (BIT_COUNT(up_mask)) STORED,
  PRIMARY KEY (ve_id, t),
  KEY (t),
  CONSTRAINT CHECK (t % 60 = 0 AND seen_mask < 1152921504606846976 AND up_mask & ~seen_mask = 0)
) ENGINE=InnoDB;

-- The same per day, kept for ever (minute rows go after [billingd]
-- minute_retention_days): what billing reads, 31 rows per VE and month.
-- Kept by the triggers below in the very statement that sets a minute's
-- bits, from the bits that statement newly set, so it is exactly the sum
-- of its minutes and as idempotent as they are.
CREATE TABLE usage_avail_day (
  ve_id   CHAR(8) NOT NULL,
  t       BIGINT NOT NULL,                         -- the day's first second
  seen_s  INT NOT NULL DEFAULT 0,
  up_s    INT NOT NULL DEFAULT 0,
  PRIMARY KEY (ve_id, t),
  KEY (t),
  CONSTRAINT CHECK (t % 86400 = 0)
) ENGINE=InnoDB;

CREATE TRIGGER usage_avail_minute_day_insert AFTER INSERT ON usage_avail_minute FOR EACH ROW
  INSERT INTO usage_avail_day (ve_id, t, seen_s, up_s)
  VALUES (NEW.ve_id, NEW.t - NEW.t % 86400, BIT_COUNT(NEW.seen_mask), BIT_COUNT(NEW.up_mask))
  ON DUPLICATE KEY UPDATE seen_s = seen_s + VALUES(seen_s), up_s = up_s + VALUES(up_s);

CREATE TRIGGER usage_avail_minute_day_update AFTER UPDATE ON usage_avail_minute FOR EACH ROW
  INSERT INTO usage_avail_day (ve_id, t, seen_s, up_s)
  VALUES (NEW.ve_id, NEW.t - NEW.t % 86400,
    CAST(BIT_COUNT(NEW.seen_mask) AS SIGNED) - CAST(BIT_COUNT(OLD.seen_mask) AS SIGNED),
    CAST(BIT_COUNT(NEW.up_mask) AS SIGNED) - CAST(BIT_COUNT(OLD.up_mask) AS SIGNED))
  ON DUPLICATE KEY UPDATE seen_s = seen_s + VALUES(seen_s), up_s = up_s + VALUES(up_s);

-- A plan version's availability target and credit steps (plan JSON "sla").
-- No row: the version has no SLA.  Written by catalog_plan_import with its
-- version, in the same transaction.
CREATE TABLE plan_sla_credits (
  plan_version_id  INT UNSIGNED NOT NULL,
  below_ppm        INT UNSIGNED NOT NULL,
  credit_bp        INT UNSIGNED NOT NULL,
  PRIMARY KEY (plan_version_id, below_ppm),
  CONSTRAINT FOREIGN KEY (plan_version_id) REFERENCES plan_versions (id) ON DELETE CASCADE,
  CONSTRAINT CHECK (below_ppm BETWEEN 1 AND 1000000 AND credit_bp BETWEEN 1 AND 10000)
) ENGINE=InnoDB;

CREATE TABLE plan_sla (
  plan_version_id          INT UNSIGNED NOT NULL PRIMARY KEY,
  availability_target_ppm  INT UNSIGNED NOT NULL,
  CONSTRAINT FOREIGN KEY (plan_version_id) REFERENCES plan_versions (id) ON DELETE CASCADE,
  CONSTRAINT CHECK (availability_target_ppm BETWEEN 1 AND 1000000)
) ENGINE=InnoDB;

-- The audit trail of SLA terms (credits are written before their plan_sla
-- row, so the row's trigger sees them; see 0005_admin.sql for @vep_*).
CREATE TRIGGER plan_sla_audit_insert AFTER INSERT ON plan_sla FOR EACH ROW
  INSERT INTO audit_log (at, actor, action, object, before_json, after_json)
  SELECT COALESCE(@vep_now, UNIX_TIMESTAMP()), COALESCE(@vep_actor, 'vepctl'), 'plan.sla',
    p.code, NULL,
    JSON_OBJECT('valid_from', v.valid_from, 'availability_target_ppm', NEW.availability_target_ppm,
      'credits', (SELECT JSON_ARRAYAGG(JSON_OBJECT('below_ppm', c.below_ppm, 'credit_bp', c.credit_bp))
        FROM plan_sla_credits c WHERE c.plan_version_id = NEW.plan_version_id))
  FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE v.id = NEW.plan_version_id;

CREATE TRIGGER plan_sla_audit_delete AFTER DELETE ON plan_sla FOR EACH ROW
  INSERT INTO audit_log (at, actor, action, object, before_json, after_json)
  SELECT COALESCE(@vep_now, UNIX_TIMESTAMP()), COALESCE(@vep_actor, 'vepctl'), 'plan.sla',
    p.code, JSON_OBJECT('valid_from', v.valid_from,
      'availability_target_ppm', OLD.availability_target_ppm), NULL
  FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE v.id = OLD.plan_version_id;

-- The credit line of a missed target: kind 'credit', resource 'availability'.
-- A credit note may also name the resource (a manual goodwill credit).
ALTER TABLE invoice_lines
  MODIFY kind ENUM('fee','usage','overage','credit') NOT NULL,
  MODIFY resource ENUM('fee','disk','cpu','vmem','traffic','traffic_in','traffic_out',
    'availability') NOT NULL;
ALTER TABLE credit_note_lines
  MODIFY resource ENUM('fee','disk','cpu','vmem','traffic','traffic_in','traffic_out',
    'availability') NOT NULL;
