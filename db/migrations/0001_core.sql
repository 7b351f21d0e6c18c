-- vepanel core schema: catalogue, accounts, orders, VEs, addresses, nodes,
-- operators, sessions.  Times are BIGINT seconds since the epoch (UTC);
-- money is BIGINT minor units; sizes as the SPEC gives them (MB = 10^6 B).

CREATE TABLE plans (
  id            INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  code          VARCHAR(32) NOT NULL UNIQUE,
  name          VARCHAR(128) NOT NULL,
  currency      CHAR(3) NOT NULL,
  active        TINYINT(1) NOT NULL DEFAULT 1,
  max_disk_quota_mb BIGINT UNSIGNED NOT NULL,
  max_ip_count  INT UNSIGNED NOT NULL,
  login_allowed VARCHAR(64) NOT NULL,          -- comma list of ssh,telnet,rsh,x11
  cap_action    ENUM('throttle','suspend') NOT NULL DEFAULT 'throttle',
  created_at    BIGINT NOT NULL
) ENGINE=InnoDB;

-- Prices and included amounts change by version, each in force from valid_from.
CREATE TABLE plan_versions (
  id                  INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  plan_id             INT UNSIGNED NOT NULL,
  valid_from          BIGINT NOT NULL,
  monthly_fee_minor   BIGINT NOT NULL,
  inc_disk_gb         BIGINT NOT NULL DEFAULT 0,
  inc_traffic_gb      BIGINT NOT NULL DEFAULT 0,
  inc_traffic_in_gb   BIGINT NOT NULL DEFAULT 0,
  inc_traffic_out_gb  BIGINT NOT NULL DEFAULT 0,
  inc_cpu_hours       BIGINT NOT NULL DEFAULT 0,
  inc_vmem_gb_hours   BIGINT NOT NULL DEFAULT 0,
  ov_disk_gb_month    BIGINT NOT NULL DEFAULT 0,
  ov_traffic_gb       BIGINT NOT NULL DEFAULT 0,
  ov_traffic_in_gb    BIGINT NOT NULL DEFAULT 0,
  ov_traffic_out_gb   BIGINT NOT NULL DEFAULT 0,
  ov_cpu_hour         BIGINT NOT NULL DEFAULT 0,
  ov_vmem_gb_hour     BIGINT NOT NULL DEFAULT 0,
  UNIQUE KEY (plan_id, valid_from),
  CONSTRAINT FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT CHECK (monthly_fee_minor >= 0)
) ENGINE=InnoDB;

CREATE TABLE os_templates (
  id      INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  code    VARCHAR(32) NOT NULL UNIQUE,
  name    VARCHAR(128) NOT NULL,
  active  TINYINT(1) NOT NULL DEFAULT 1
) ENGINE=InnoDB;

CREATE TABLE nodes (
  id            INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  name          VARCHAR(64) NOT NULL UNIQUE,
  url           VARCHAR(255) NOT NULL,
  token_hash    CHAR(64) NOT NULL,                 -- SHA-256 hex of the node's token
  enabled       TINYINT(1) NOT NULL DEFAULT 1,
  max_ves       INT UNSIGNED NOT NULL DEFAULT 500,
  disk_mb       BIGINT UNSIGNED NOT NULL DEFAULT 2000000,
  bogomips_per_cpu INT UNSIGNED NOT NULL DEFAULT 4800,
  created_at    BIGINT NOT NULL,
  -- health, written by billingd
  state         ENUM('unknown','up','failing','down') NOT NULL DEFAULT 'unknown',
  last_poll_at  BIGINT NULL,
  last_ok_at    BIGINT NULL,
  lag_ms        INT NULL,
  -- which billingd polls it (leases let several billingd share the nodes)
  lease_owner   VARCHAR(64) NULL,
  lease_until   BIGINT NULL
) ENGINE=InnoDB;

CREATE TABLE ip_pools (
  id        INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  name      VARCHAR(64) NOT NULL UNIQUE,
  netmask   VARCHAR(15) NOT NULL,
  gateway   VARCHAR(15) NOT NULL,
  dns1      VARCHAR(15) NOT NULL,
  dns2      VARCHAR(15) NULL
) ENGINE=InnoDB;

CREATE TABLE accounts (
  id          INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  email       VARCHAR(254) NOT NULL,
  tax_bp      INT UNSIGNED NOT NULL DEFAULT 0,     -- tax in basis points
  created_at  BIGINT NOT NULL
) ENGINE=InnoDB;

-- The SLA order exactly as the customer placed it (SPEC section 3).
CREATE TABLE orders (
  id                    INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  account_id            INT UNSIGNED NOT NULL,
  plan_id               INT UNSIGNED NOT NULL,
  template_id           INT UNSIGNED NOT NULL,
  idempotency_key       VARCHAR(128) NULL UNIQUE,
  disk_quota_mb         BIGINT UNSIGNED NOT NULL,
  always_on             TINYINT(1) NOT NULL,
  lifetime_days         INT UNSIGNED NOT NULL,
  login                 VARCHAR(32) NOT NULL,
  cpu_min_bogomips      BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_bw_min_kbps       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_bw_max_kbps       BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_in_bw_min_kbps    BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_in_bw_max_kbps    BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_out_bw_min_kbps   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_out_bw_max_kbps   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_quota_min_mb      BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_quota_max_mb      BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_in_quota_min_mb   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_in_quota_max_mb   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_out_quota_min_mb  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  net_out_quota_max_mb  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  mem_max_mb            BIGINT UNSIGNED NOT NULL DEFAULT 0,
  fs_fault_tolerance_s  INT UNSIGNED NOT NULL,
  backup_hours          INT UNSIGNED NOT NULL,
  firewall              ENUM('open','client','simple','closed','none','file') NOT NULL,
  firewall_file         VARCHAR(64) NULL,
  ip_count              INT UNSIGNED NOT NULL,
  user_info             VARCHAR(1024) NOT NULL DEFAULT '',
  created_at            BIGINT NOT NULL,
  CONSTRAINT FOREIGN KEY (account_id) REFERENCES accounts (id),
  CONSTRAINT FOREIGN KEY (plan_id) REFERENCES plans (id),
  CONSTRAINT FOREIGN KEY (template_id) REFERENCES os_templates (id)
) ENGINE=InnoDB;

CREATE TABLE ves (
  id             CHAR(8) NOT NULL PRIMARY KEY,      -- VEid, 8 upper-case hex digits
  account_id     INT UNSIGNED NOT NULL,
  order_id       INT UNSIGNED NOT NULL UNIQUE,
  node_id        INT UNSIGNED NULL,
  state          ENUM('active','suspended','expired','deleted') NOT NULL DEFAULT 'active',
  state_reason   VARCHAR(255) NOT NULL DEFAULT '',
  password_hash  VARCHAR(255) NOT NULL,             -- argon2id encoded
  created_at     BIGINT NOT NULL,
  expires_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  KEY (node_id, state),
  CONSTRAINT FOREIGN KEY (account_id) REFERENCES accounts (id),
  CONSTRAINT FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT FOREIGN KEY (node_id) REFERENCES nodes (id)
) ENGINE=InnoDB;

-- Every address of a pool; ve_id set while assigned.
CREATE TABLE ip_addresses (
  id         INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  pool_id    INT UNSIGNED NOT NULL,
  address    VARCHAR(15) NOT NULL UNIQUE,
  addr_num   INT UNSIGNED NOT NULL,
  ve_id      CHAR(8) NULL,
  seq        INT UNSIGNED NULL,                    -- 1-based order within the VE
  dns_name   VARCHAR(253) NULL,
  KEY (ve_id, seq),
  KEY (pool_id, ve_id, addr_num),
  CONSTRAINT FOREIGN KEY (pool_id) REFERENCES ip_pools (id),
  CONSTRAINT FOREIGN KEY (ve_id) REFERENCES ves (id)
) ENGINE=InnoDB;

CREATE TABLE admins (
  id             INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  name           VARCHAR(64) NOT NULL UNIQUE,
  password_hash  VARCHAR(255) NOT NULL,
  created_at     BIGINT NOT NULL
) ENGINE=InnoDB;

CREATE TABLE admin_tokens (
  id          INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  token_hash  CHAR(64) NOT NULL UNIQUE,             -- SHA-256 hex; the token itself is never stored
  label       VARCHAR(64) NOT NULL,
  created_at  BIGINT NOT NULL,
  revoked_at  BIGINT NULL
) ENGINE=InnoDB;

CREATE TABLE sessions (
  id_hash     CHAR(64) NOT NULL PRIMARY KEY,        -- SHA-256 hex of the cookie value
  kind        ENUM('self','admin') NOT NULL,
  subject     VARCHAR(64) NOT NULL,                 -- VEid or admin name
  csrf        CHAR(64) NOT NULL,
  created_at  BIGINT NOT NULL,
  last_seen   BIGINT NOT NULL,
  KEY (kind, subject)
) ENGINE=InnoDB;

-- Failed logins, for throttling per VE and per client address.
CREATE TABLE login_failures (
  id        BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  subject   VARCHAR(64) NOT NULL,
  addr      VARCHAR(45) NOT NULL,
  at        BIGINT NOT NULL,
  KEY (subject, at),
  KEY (addr, at)
) ENGINE=InnoDB;

CREATE TABLE audit_log (
  id        BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  at        BIGINT NOT NULL,
  actor     VARCHAR(64) NOT NULL,
  action    VARCHAR(64) NOT NULL,
  object    VARCHAR(64) NOT NULL,
  before_json TEXT NULL,
  after_json  TEXT NULL,
  KEY (at)
) ENGINE=InnoDB;
