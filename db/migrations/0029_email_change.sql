-- Changing an account's e-mail address (/account, "E-mail address"): the
-- new address is proven by a link mailed to it; only then does the
-- account's address (email and login_email) change, and the old address
-- is told.  Only the SHA-256 of the link's token is kept; it is valid 24
-- hours and once, and a newer request replaces the account's older ones.
CREATE TABLE account_email_changes (
  token_hash  CHAR(64) NOT NULL PRIMARY KEY,
  account_id  INT UNSIGNED NOT NULL,
  new_email   VARCHAR(254) NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  KEY (account_id),
  CONSTRAINT FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB;

-- A message to an address that is not the account's own at sending time
-- (the link to the new address, the notice to the old one); NULL: the
-- account's address, as before.
ALTER TABLE mail_outbox ADD COLUMN rcpt VARCHAR(254) NULL;
