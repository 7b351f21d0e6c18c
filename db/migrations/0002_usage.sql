-- vepanel usage accounting, written by billingd (see billingd(8)).
--
-- Per-second records of the origin document's accounting record (VE id,
-- time, CPU user and system microseconds since the last sample, virtual
-- memory, disk, traffic per address since the last sample) and their
-- minute, hour and day rollups.  Every amount is an exact integer: CPU in
-- microseconds, memory, disk and traffic in bytes; t is the bucket start
-- (or the second) in epoch seconds UTC.  A delta that spans missed polls is
-- spread over the seconds it covers, so each rollup level sums to the
-- counters' deltas exactly.
--
-- "net_in" is what the VE received (ve_network_receive_bytes_total),
-- "net_out" what it transmitted.

-- Raw seconds: partitioned by range of t (billingd creates the partitions
-- ahead and drops whole partitions past raw_retention_h; never DELETE).
-- pmax only catches rows beyond the partitions made so far.
-- vmem_bytes and disk_bytes are NULL on seconds that only carry a share of a
-- spread delta (no gauge was sampled at that second).
CREATE TABLE usage_raw (
  ve_id          CHAR(8) NOT NULL,
  t              BIGINT NOT NULL,
  cpu_user_us    BIGINT NOT NULL DEFAULT 0,
  cpu_sys_us     BIGINT NOT NULL DEFAULT 0,
  vmem_bytes     BIGINT NULL,
  disk_bytes     BIGINT NULL,
  net_in_bytes   BIGINT NOT NULL DEFAULT 0,
  net_out_bytes  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (ve_id, t)
) ENGINE=InnoDB
  PARTITION BY RANGE (t) (PARTITION pmax VALUES LESS THAN MAXVALUE);

CREATE TABLE usage_raw_ip (
  ve_id      CHAR(8) NOT NULL,
  t          BIGINT NOT NULL,
  ip         VARCHAR(45) NOT NULL,
  in_bytes   BIGINT NOT NULL DEFAULT 0,
  out_bytes  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (ve_id, t, ip)
) ENGINE=InnoDB
  PARTITION BY RANGE (t) (PARTITION pmax VALUES LESS THAN MAXVALUE);

-- Rollups.  vmem_sum_bytes / samples is the average over the seconds that
-- were sampled; *_last_bytes is the gauge at last_t, the latest sample in
-- the bucket.  Minute rows are kept 90 days, hour rows 2 years, day rows
-- for ever.
CREATE TABLE usage_minute (
  ve_id            CHAR(8) NOT NULL,
  t                BIGINT NOT NULL,
  cpu_user_us      BIGINT NOT NULL DEFAULT 0,
  cpu_sys_us       BIGINT NOT NULL DEFAULT 0,
  net_in_bytes     BIGINT NOT NULL DEFAULT 0,
  net_out_bytes    BIGINT NOT NULL DEFAULT 0,
  vmem_sum_bytes   BIGINT NOT NULL DEFAULT 0,
  disk_sum_bytes   BIGINT NOT NULL DEFAULT 0,
  samples          INT NOT NULL DEFAULT 0,
  vmem_last_bytes  BIGINT NOT NULL DEFAULT 0,
  disk_last_bytes  BIGINT NOT NULL DEFAULT 0,
  last_t           BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (ve_id, t),
  KEY (t)
) ENGINE=InnoDB;

CREATE TABLE usage_hour LIKE usage_minute;
CREATE TABLE usage_day LIKE usage_minute;

CREATE TABLE usage_ip_hour (
  ve_id      CHAR(8) NOT NULL,
  ip         VARCHAR(45) NOT NULL,
  t          BIGINT NOT NULL,
  in_bytes   BIGINT NOT NULL DEFAULT 0,
  out_bytes  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (ve_id, ip, t),
  KEY (t)
) ENGINE=InnoDB;

-- Totals since the VE was created (veinfo's "Inbound traffic" etc.).
CREATE TABLE ve_totals (
  ve_id            CHAR(8) NOT NULL PRIMARY KEY,
  cpu_user_us      BIGINT NOT NULL DEFAULT 0,
  cpu_sys_us       BIGINT NOT NULL DEFAULT 0,
  net_in_bytes     BIGINT NOT NULL DEFAULT 0,
  net_out_bytes    BIGINT NOT NULL DEFAULT 0,
  vmem_last_bytes  BIGINT NOT NULL DEFAULT 0,
  disk_last_bytes  BIGINT NOT NULL DEFAULT 0,
  last_t           BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;

-- The last counter values billingd turned into usage, committed in the
-- same transaction as that usage: the baseline after a restart.
-- agent_start and ve_start are the agent's start times in microseconds.
CREATE TABLE counter_state (
  ve_id        CHAR(8) NOT NULL PRIMARY KEY,
  node_id      INT UNSIGNED NULL,
  agent_start  BIGINT NOT NULL,
  ve_start     BIGINT NOT NULL,
  cpu_user_us  BIGINT NOT NULL,
  cpu_sys_us   BIGINT NOT NULL,
  last_t       BIGINT NOT NULL
) ENGINE=InnoDB;

CREATE TABLE counter_state_ip (
  ve_id  CHAR(8) NOT NULL,
  ip     VARCHAR(45) NOT NULL,
  rx     BIGINT NOT NULL,
  tx     BIGINT NOT NULL,
  PRIMARY KEY (ve_id, ip)
) ENGINE=InnoDB;

-- The last batch each billingd (by its --id) applied, written in the batch's
-- own transaction: a spooled batch replayed twice is skipped the second time.
CREATE TABLE billingd_batches (
  owner       VARCHAR(64) NOT NULL PRIMARY KEY,
  seq         BIGINT NOT NULL,
  applied_at  BIGINT NOT NULL
) ENGINE=InnoDB;

-- Every running billingd says it is alive each lease round; the nodes are
-- shared out among those seen within their lease time.
CREATE TABLE billingd_instances (
  owner    VARCHAR(64) NOT NULL PRIMARY KEY,
  seen_at  BIGINT NOT NULL
) ENGINE=InnoDB;
