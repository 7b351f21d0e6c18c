-- Issue 17 (security): what an order needs for its limits and its
-- idempotency key.
--
-- client_addr: the client the order came from, as counted (an IPv4 address,
-- or an IPv6 /64 as "2001:db8:1::/64": lib/domain/netaddr.c); NULL for an
-- operator's order.  [signup] orders_per_hour and unpaid_ves_per_addr
-- count it.
-- order_digest: SHA-256 (hex) of the order's fields but the password and
-- the key, in one canonical JSON form (lib/db/db_ve.c): the same
-- idempotency_key with another order is refused (409).  NULL on orders made
-- before this migration (then only the e-mail address is compared).
ALTER TABLE orders
  ADD COLUMN client_addr  VARCHAR(45) NULL,
  ADD COLUMN order_digest CHAR(64) NULL,
  ADD KEY orders_client (client_addr, created_at);

-- [signup] unpaid_ves_per_email counts the VEs of one address's accounts.
ALTER TABLE accounts ADD KEY accounts_email (email);
