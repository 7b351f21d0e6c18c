-- Customer accounts with their own login (issue 18): e-mail and password
-- at /account, a mailed verification link, a profile, several VEs on one
-- account and so one invoice a month for all of them.
--
-- An account made by an order from outside (the signup form or POST
-- /api/v1/orders) keeps login_email NULL: it has no login of its own, and
-- its VE is reached with VEid and password on /self as before.  An account
-- made by sign-up at /account has login_email (the address in lower case,
-- unique among accounts with a login) and an argon2id hash; verified_at is
-- set when the mailed link is opened, and only then may VEs be ordered
-- into it or linked to it.
ALTER TABLE accounts
  ADD COLUMN IF NOT EXISTS login_email    VARCHAR(254) NULL,
  ADD COLUMN IF NOT EXISTS password_hash  VARCHAR(255) NULL,
  ADD COLUMN IF NOT EXISTS verified_at    BIGINT NULL,
  ADD COLUMN IF NOT EXISTS name           VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS company        VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS address        VARCHAR(512) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS vat_id         VARCHAR(20) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS phone          VARCHAR(32) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS country        CHAR(2) NOT NULL DEFAULT '',       -- ISO 3166-1 alpha-2, '' not given
  ADD UNIQUE KEY accounts_login (login_email);

-- Account sessions beside the VE owners' and the operators'.
ALTER TABLE sessions MODIFY kind ENUM('self','admin','account') NOT NULL;

-- Verification links: only the SHA-256 of the token is kept; a new link
-- (sign-up again, "send the link again") replaces the account's older ones.
CREATE TABLE account_verifications (
  token_hash  CHAR(64) NOT NULL PRIMARY KEY,
  account_id  INT UNSIGNED NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  KEY (account_id),
  CONSTRAINT FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB;

-- A VE linked to an account (with the account's login and the VE's own
-- password): from where, when.  The invoice run bills a VE once a period
-- whichever account it is in by then (invoice_lines), so a link never
-- bills a month twice.
CREATE TABLE account_links (
  id            BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  ve_id         CHAR(8) NOT NULL,
  from_account  INT UNSIGNED NOT NULL,
  to_account    INT UNSIGNED NOT NULL,
  at            BIGINT NOT NULL,
  KEY (ve_id),
  KEY (to_account)
) ENGINE=InnoDB;

-- "Forgot password?" of an account: only the SHA-256 of the mailed token;
-- valid 30 minutes and once.
CREATE TABLE account_resets (
  token_hash  CHAR(64) NOT NULL PRIMARY KEY,
  account_id  INT UNSIGNED NOT NULL,
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  used_at     BIGINT NULL,
  KEY (account_id),
  CONSTRAINT FOREIGN KEY (account_id) REFERENCES accounts (id)
) ENGINE=InnoDB;
