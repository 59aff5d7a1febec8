-- upgrade/0.1.0--0.2.0.sql
-- Changes to objects that 0.1.0 created.  The Makefile appends the
-- fragments that are new in 0.2.0 (ingestion) to form
-- referral_crm--0.1.0--0.2.0.sql.

ALTER TABLE referral_crm.referrals
  ADD COLUMN target_npi text CHECK (referral_crm.check_npi(target_npi));
ALTER TABLE referral_crm.claims ADD COLUMN referring_name text;
COMMENT ON COLUMN referral_crm.claims.referring_name IS
  'the referring provider as the claim names it, when it carries no NPI; awaits name resolution';
CREATE INDEX claims_unresolved_referrer_idx ON referral_crm.claims (claim_id)
  WHERE referring_clinician_id IS NULL AND referring_npi IS NULL AND referring_name IS NOT NULL;
CREATE INDEX locations_source_id_idx ON referral_crm.locations (source_id);
