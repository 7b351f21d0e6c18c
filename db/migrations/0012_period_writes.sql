-- Late usage on a Galera cluster (0007_late.sql, lib/db_adjust.c).
--
-- The writer's shared lock on invoiced_periods keeps an invoice run out on
-- one server, but a lock holds only on the node that takes it.  So both
-- sides also write one row in common, per month: billingd's writer when it
-- stores usage for a month other than the current one (before it reads
-- whether that month is invoiced), the invoice run when it opens the month.
-- Whichever commits second through another node fails certification and
-- runs again, and then sees the other: the writer marks its usage late, or
-- the run reads that usage.  On a single server the row only orders them.
CREATE TABLE period_writes (
  period  CHAR(7) NOT NULL PRIMARY KEY,                  -- YYYY-MM
  n       BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB;
