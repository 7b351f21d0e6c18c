-- A raw second whose traffic is all one address's (the usual VE: one
-- address) names that address in usage_raw.ip and has no usage_raw_ip
-- row: one row a sample instead of two, the largest share of billingd's
-- writes (README, "Where the time goes").  ip '' (every row written
-- before this migration, and seconds with traffic on several addresses or
-- none): the second's split by address is its usage_raw_ip rows.  So a
-- second's traffic of address A is its usage_raw_ip row for A, or its
-- whole net_in_bytes / net_out_bytes when usage_raw.ip = A.
--
-- billingd writes each row with INSERT ... ON DUPLICATE KEY UPDATE, adding
-- amounts and setting ip = VALUES(ip) (the address of what it adds, or
-- '').  When that meets a row of another address, the two triggers below
-- keep the split exact: the old amounts (if they had an address) and the
-- added ones (if they have one) go to usage_raw_ip, and the row's ip
-- becomes ''.  Single statements each (no BEGIN ... END), so any client
-- can run this file.
ALTER TABLE usage_raw ADD COLUMN ip VARCHAR(45) NOT NULL DEFAULT '';

CREATE TRIGGER usage_raw_split BEFORE UPDATE ON usage_raw FOR EACH ROW
  INSERT INTO usage_raw_ip (ve_id, t, ip, in_bytes, out_bytes)
  SELECT NEW.ve_id, NEW.t, x.ip, x.a, x.b FROM (
    SELECT OLD.ip AS ip, OLD.net_in_bytes AS a, OLD.net_out_bytes AS b
    UNION ALL
    SELECT NEW.ip, NEW.net_in_bytes - OLD.net_in_bytes, NEW.net_out_bytes - OLD.net_out_bytes
  ) x
  WHERE OLD.ip <> NEW.ip AND x.ip <> ''
  ON DUPLICATE KEY UPDATE in_bytes = in_bytes + VALUES(in_bytes),
    out_bytes = out_bytes + VALUES(out_bytes);

CREATE TRIGGER usage_raw_split_ip BEFORE UPDATE ON usage_raw FOR EACH ROW
  FOLLOWS usage_raw_split
  SET NEW.ip = IF(OLD.ip = NEW.ip, NEW.ip, '');
