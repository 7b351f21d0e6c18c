-- VAT per account and what an EU invoice must carry (issue 18).
--
-- accounts: the buyer's details (name, company, postal address, VAT id;
-- the same columns as 0020_accounts.sql adds for the profile, hence IF NOT
-- EXISTS) and its country, and how its tax rate (tax_bp, 0001) is chosen:
-- 'auto' from [isp] tax_bp / tax_rates and the buyer's country and VAT id
-- (lib/domain/tax.c: reverse charge for another EU state's VAT id), or
-- 'manual', a rate the operator fixed.  tax_scheme is what the rate means.
ALTER TABLE accounts
  ADD COLUMN IF NOT EXISTS name       VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS company    VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS address    VARCHAR(512) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS vat_id     VARCHAR(20) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS country    CHAR(2) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS tax_mode   ENUM('auto','manual') NOT NULL DEFAULT 'auto',
  ADD COLUMN IF NOT EXISTS tax_scheme ENUM('standard','reverse_charge') NOT NULL DEFAULT 'standard';

-- The buyer as the invoice run found it: an issued invoice never changes,
-- so a later change of the profile does not rewrite it.  Credit and debit
-- notes print their invoice's buyer.  Invoices issued before this migration
-- keep '' (their documents print the account's e-mail as before).
ALTER TABLE invoices
  ADD COLUMN buyer_name     VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN buyer_company  VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN buyer_address  VARCHAR(512) NOT NULL DEFAULT '',
  ADD COLUMN buyer_country  CHAR(2) NOT NULL DEFAULT '',
  ADD COLUMN buyer_vat_id   VARCHAR(20) NOT NULL DEFAULT '',
  ADD COLUMN tax_scheme     ENUM('standard','reverse_charge') NOT NULL DEFAULT 'standard';
