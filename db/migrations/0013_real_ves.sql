-- Real VEs (SPEC section 9, issue 14): what the panel must tell a real node.
--
-- ves.root_crypt: a crypt(3) hash (yescrypt "$y$", libxcrypt) of the root
-- password, made beside the argon2id hash at order time and on every
-- password change; the node writes it into the VE's /etc/shadow.  The
-- password itself is never stored.  NULL for VEs ordered before.
-- ves.power / power_seq: the owner's or operator's power wish (SPEC
-- section 11); power_seq grows by one on every action, so a node sees a
-- "restart" as a larger power_seq with power 'running'.
ALTER TABLE ves
  ADD COLUMN root_crypt VARCHAR(255) NULL,
  ADD COLUMN power ENUM('running','stopped') NOT NULL DEFAULT 'running',
  ADD COLUMN power_seq BIGINT UNSIGNED NOT NULL DEFAULT 0;

-- The login styles a template's system gives, and its rootfs tarball as
-- registered (the node reads <template-dir>/<code>.tar.zst).  Templates
-- registered before offer every style, as orders assumed until now.
ALTER TABLE os_templates
  ADD COLUMN login_styles VARCHAR(64) NOT NULL DEFAULT 'ssh,telnet,rsh,x11',
  ADD COLUMN file VARCHAR(255) NULL;

-- A pool may serve one node only (a real node routes its own addresses);
-- a pool without a node serves every node that has no pool of its own.
ALTER TABLE ip_pools
  ADD COLUMN node_id INT UNSIGNED NULL,
  ADD CONSTRAINT FOREIGN KEY (node_id) REFERENCES nodes (id);

-- A node placed on only when no other has room (customers' orders without
-- a node), e.g. a real node beside simulated demo nodes.
ALTER TABLE nodes ADD COLUMN last_resort TINYINT(1) NOT NULL DEFAULT 0;

-- Token kinds: 'admin' (the operator's, as before) and 've': read-only
-- owner rights on one VE (its /etc/VE/VEinfo.conf), made by the VE's node,
-- revoked when the VE is deleted or gets a new one.
ALTER TABLE admin_tokens
  ADD COLUMN kind ENUM('admin','ve') NOT NULL DEFAULT 'admin',
  ADD COLUMN ve_id CHAR(8) NULL,
  ADD KEY (ve_id, kind);
