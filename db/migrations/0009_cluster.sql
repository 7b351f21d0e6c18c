-- vepanel on a Galera cluster (README "Running on a Galera cluster").
--
-- Galera certifies each transaction against the rows it writes, cluster-
-- wide; the locks of SELECT ... FOR UPDATE and GET_LOCK() hold only on the
-- node that takes them.  Where the code relied on such a lock to keep out
-- a concurrent writer, the writers now also write one row in common: the
-- second to commit, through whichever node, fails certification (1213,
-- DB_RETRY) and runs its transaction again (db_tx), seeing the first.
-- On a single server these rows cost one small write each.
-- (Every table of the schema has a primary key and is InnoDB, and nothing
-- uses LOCK TABLES: Galera replicates nothing else reliably.)

-- One row per invoice, bumped by every payment and credit note in its
-- transaction: two payments of one invoice through two nodes cannot both
-- be checked against the same open amount.
CREATE TABLE invoice_writes (
  invoice_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  n           BIGINT UNSIGNED NOT NULL,
  CONSTRAINT FOREIGN KEY (invoice_id) REFERENCES invoices (id)
) ENGINE=InnoDB;

-- Cluster-wide locks of periodic jobs (billingd's retention) instead of
-- GET_LOCK(): the holder and until when, on the database server's clock
-- (each node's own on Galera: fine while the nodes' clocks agree).
-- `taken` changes on every take so the affected-row count tells who won.
CREATE TABLE job_locks (
  name    VARCHAR(64) NOT NULL PRIMARY KEY,
  owner   VARCHAR(64) NOT NULL DEFAULT '',
  until   BIGINT NOT NULL DEFAULT 0,
  taken   BIGINT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB;
