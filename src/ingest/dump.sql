-- src/ingest/dump.sql
-- pg_dump keeps the load history, the rejects and rows still staged.
SELECT pg_catalog.pg_extension_config_dump('referral_crm.ingest_batches', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.ingest_rejects', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.staged_rows', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('referral_crm.ingest_batches', 'batch_id')::regclass, '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('referral_crm.ingest_rejects', 'reject_id')::regclass, '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.staging_load_seq', '');
