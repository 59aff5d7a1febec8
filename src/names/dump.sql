\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/names/dump.sql
-- pg_dump keeps the decisions and the rows users added to the nickname and
-- frequency tables (built-in rows come back with CREATE EXTENSION).
SELECT pg_catalog.pg_extension_config_dump('referral_crm.name_variants', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.name_frequencies', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.name_resolutions', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('referral_crm.name_resolutions', 'resolution_id')::regclass, '');
