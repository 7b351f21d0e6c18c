-- vepanel admin screens: the audit trail of plan changes, and indexes for
-- the admin's searches and the audit log per object.
--
-- Every admin change is written to audit_log in the transaction that makes
-- it.  Plans are stored by catalog_plan_import (lib/catalog.c), which runs
-- its own transaction, so their audit rows are written here, by triggers,
-- inside that transaction: by whoever imports (admin screen, API, vepctl).
-- The writer names itself in the session variables @vep_actor and @vep_now
-- (lib/db_admin.c sets them around the import); without them the actor is
-- 'vepctl' and the time the server's clock.  Every trigger is one
-- statement, so this file applies through `vepctl migrate` and the mariadb
-- client alike.

CREATE TRIGGER plans_audit_insert AFTER INSERT ON plans FOR EACH ROW
  INSERT INTO audit_log (at, actor, action, object, before_json, after_json)
  VALUES (COALESCE(@vep_now, UNIX_TIMESTAMP()), COALESCE(@vep_actor, 'vepctl'), 'plan.create',
    NEW.code, NULL,
    JSON_OBJECT('name', NEW.name, 'currency', NEW.currency, 'active', NEW.active,
      'max_disk_quota_mb', NEW.max_disk_quota_mb, 'max_ip_count', NEW.max_ip_count,
      'login', NEW.login_allowed, 'cap_action', NEW.cap_action));

CREATE TRIGGER plans_audit_update AFTER UPDATE ON plans FOR EACH ROW
  INSERT INTO audit_log (at, actor, action, object, before_json, after_json)
  SELECT COALESCE(@vep_now, UNIX_TIMESTAMP()), COALESCE(@vep_actor, 'vepctl'), 'plan.update',
    NEW.code,
    JSON_OBJECT('name', OLD.name, 'currency', OLD.currency, 'active', OLD.active,
      'max_disk_quota_mb', OLD.max_disk_quota_mb, 'max_ip_count', OLD.max_ip_count,
      'login', OLD.login_allowed, 'cap_action', OLD.cap_action),
    JSON_OBJECT('name', NEW.name, 'currency', NEW.currency, 'active', NEW.active,
      'max_disk_quota_mb', NEW.max_disk_quota_mb, 'max_ip_count', NEW.max_ip_count,
      'login', NEW.login_allowed, 'cap_action', NEW.cap_action)
  FROM DUAL
  WHERE NOT (NEW.code <=> OLD.code AND NEW.name <=> OLD.name AND NEW.currency <=> OLD.currency
    AND NEW.active <=> OLD.active AND NEW.max_disk_quota_mb <=> OLD.max_disk_quota_mb
    AND NEW.max_ip_count <=> OLD.max_ip_count AND NEW.login_allowed <=> OLD.login_allowed
    AND NEW.cap_action <=> OLD.cap_action);

-- A new price version: "before" is the version that was in force at its
-- valid_from (NULL for a plan's first).
CREATE TRIGGER plan_versions_audit_insert AFTER INSERT ON plan_versions FOR EACH ROW
  INSERT INTO audit_log (at, actor, action, object, before_json, after_json)
  VALUES (COALESCE(@vep_now, UNIX_TIMESTAMP()), COALESCE(@vep_actor, 'vepctl'), 'plan.version',
    (SELECT code FROM plans WHERE id = NEW.plan_id),
    (SELECT JSON_OBJECT('valid_from', w.valid_from, 'monthly_fee_minor', w.monthly_fee_minor,
        'included', JSON_OBJECT('disk_gb', w.inc_disk_gb, 'traffic_gb', w.inc_traffic_gb,
          'traffic_in_gb', w.inc_traffic_in_gb, 'traffic_out_gb', w.inc_traffic_out_gb,
          'cpu_hours', w.inc_cpu_hours, 'vmem_gb_hours', w.inc_vmem_gb_hours),
        'overage_minor', JSON_OBJECT('disk_gb_month', w.ov_disk_gb_month,
          'traffic_gb', w.ov_traffic_gb, 'traffic_in_gb', w.ov_traffic_in_gb,
          'traffic_out_gb', w.ov_traffic_out_gb, 'cpu_hour', w.ov_cpu_hour,
          'vmem_gb_hour', w.ov_vmem_gb_hour))
      FROM plan_versions w WHERE w.plan_id = NEW.plan_id AND w.valid_from < NEW.valid_from
      ORDER BY w.valid_from DESC LIMIT 1),
    JSON_OBJECT('valid_from', NEW.valid_from, 'monthly_fee_minor', NEW.monthly_fee_minor,
      'included', JSON_OBJECT('disk_gb', NEW.inc_disk_gb, 'traffic_gb', NEW.inc_traffic_gb,
        'traffic_in_gb', NEW.inc_traffic_in_gb, 'traffic_out_gb', NEW.inc_traffic_out_gb,
        'cpu_hours', NEW.inc_cpu_hours, 'vmem_gb_hours', NEW.inc_vmem_gb_hours),
      'overage_minor', JSON_OBJECT('disk_gb_month', NEW.ov_disk_gb_month,
        'traffic_gb', NEW.ov_traffic_gb, 'traffic_in_gb', NEW.ov_traffic_in_gb,
        'traffic_out_gb', NEW.ov_traffic_out_gb, 'cpu_hour', NEW.ov_cpu_hour,
        'vmem_gb_hour', NEW.ov_vmem_gb_hour)));

-- The same valid_from imported again replaces that version's prices.
CREATE TRIGGER plan_versions_audit_update AFTER UPDATE ON plan_versions FOR EACH ROW
  INSERT INTO audit_log (at, actor, action, object, before_json, after_json)
  VALUES (COALESCE(@vep_now, UNIX_TIMESTAMP()), COALESCE(@vep_actor, 'vepctl'), 'plan.version',
    (SELECT code FROM plans WHERE id = NEW.plan_id),
    JSON_OBJECT('valid_from', OLD.valid_from, 'monthly_fee_minor', OLD.monthly_fee_minor,
      'included', JSON_OBJECT('disk_gb', OLD.inc_disk_gb, 'traffic_gb', OLD.inc_traffic_gb,
        'traffic_in_gb', OLD.inc_traffic_in_gb, 'traffic_out_gb', OLD.inc_traffic_out_gb,
        'cpu_hours', OLD.inc_cpu_hours, 'vmem_gb_hours', OLD.inc_vmem_gb_hours),
      'overage_minor', JSON_OBJECT('disk_gb_month', OLD.ov_disk_gb_month,
        'traffic_gb', OLD.ov_traffic_gb, 'traffic_in_gb', OLD.ov_traffic_in_gb,
        'traffic_out_gb', OLD.ov_traffic_out_gb, 'cpu_hour', OLD.ov_cpu_hour,
        'vmem_gb_hour', OLD.ov_vmem_gb_hour)),
    JSON_OBJECT('valid_from', NEW.valid_from, 'monthly_fee_minor', NEW.monthly_fee_minor,
      'included', JSON_OBJECT('disk_gb', NEW.inc_disk_gb, 'traffic_gb', NEW.inc_traffic_gb,
        'traffic_in_gb', NEW.inc_traffic_in_gb, 'traffic_out_gb', NEW.inc_traffic_out_gb,
        'cpu_hours', NEW.inc_cpu_hours, 'vmem_gb_hours', NEW.inc_vmem_gb_hours),
      'overage_minor', JSON_OBJECT('disk_gb_month', NEW.ov_disk_gb_month,
        'traffic_gb', NEW.ov_traffic_gb, 'traffic_in_gb', NEW.ov_traffic_in_gb,
        'traffic_out_gb', NEW.ov_traffic_out_gb, 'cpu_hour', NEW.ov_cpu_hour,
        'vmem_gb_hour', NEW.ov_vmem_gb_hour)));

-- The audit trail of one object (a VE's, a node's, an invoice's history).
ALTER TABLE audit_log ADD KEY audit_object (object, at);
