\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/scoring/dump.sql
-- pg_dump keeps the trained models (and their identity sequence), the
-- scores and the ZIP centroids.
SELECT pg_catalog.pg_extension_config_dump('referral_crm.models', '');
SELECT pg_catalog.pg_extension_config_dump(
         pg_catalog.pg_get_serial_sequence('referral_crm.models', 'model_id')::regclass, '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.referral_scores', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.zip_centroids', '');
