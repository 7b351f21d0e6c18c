-- Move with data (issue 14): while a real VE's volume is copied from the
-- node it left (move_from_node_id) to the node it is placed on (node_id),
-- both nodes list it: the old one with "move_out" (it keeps the stopped
-- VE's volume and serves it once, to a request carrying move_token), the
-- new one with "move_from" (the old agent's URL and the token).  The new
-- node says when the VE runs there (POST /api/v1/nodes/{name}/ves/{id}/moved)
-- and both columns go back to NULL: the old node no longer lists the VE and
-- erases its copy.  The token is one-time, 64 hex characters, and only
-- lives for the copy.
ALTER TABLE ves
  ADD COLUMN move_from_node_id INT UNSIGNED NULL,
  ADD COLUMN move_token CHAR(64) NULL;

-- Only between nodes that move data (real nodes: `vepctl node set NAME
-- --moves-data 1`, done by ./dev up for real1): a simulated node has no
-- volume and would never say the VE runs.
ALTER TABLE nodes
  ADD COLUMN moves_data TINYINT(1) NOT NULL DEFAULT 0;
