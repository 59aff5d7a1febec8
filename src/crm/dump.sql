\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/crm/dump.sql
-- pg_dump keeps the message templates.  referral_facts is derived: after a
-- restore the first refresh_referral_facts() rebuilds it in full.
SELECT pg_catalog.pg_extension_config_dump('referral_crm.message_templates', '');
