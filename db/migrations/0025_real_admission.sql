-- Real VEs, the rest of issue 14: what a template needs and what a node can
-- guarantee (SPEC sections 3 and 9).
--
-- os_templates.min_disk_mb: the smallest disk_quota_mb the template's
-- system fits in (its unpacked size, the file system's own overhead and
-- room to boot), recorded by `vepctl template add --file` (measured from
-- the tarball) or given with --min-disk-mb; 0 = not known, no minimum.
ALTER TABLE os_templates
  ADD COLUMN min_disk_mb INT UNSIGNED NOT NULL DEFAULT 0;

-- Admission control: the node's uplink (kbit/s per direction) that the
-- VEs' guaranteed bandwidth minima share, and its CPU count (the CPU
-- minima share cpus x bogomips_per_cpu).  0 = not declared: no admission
-- on that resource (the simulated demo nodes).
ALTER TABLE nodes
  ADD COLUMN uplink_kbps BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN cpus INT UNSIGNED NOT NULL DEFAULT 0;
