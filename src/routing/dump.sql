\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/routing/dump.sql
-- pg_dump keeps the rules, the decisions and the assignment settings, with
-- the identity sequences of the first two.  (One call per statement:
-- pg_extension_config_dump updates the extension's catalog row each time.)
SELECT pg_catalog.pg_extension_config_dump('referral_crm.routing_rules', '');
SELECT pg_catalog.pg_extension_config_dump(
         pg_catalog.pg_get_serial_sequence('referral_crm.routing_rules', 'rule_id')::regclass, '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.routing_decisions', '');
SELECT pg_catalog.pg_extension_config_dump(
         pg_catalog.pg_get_serial_sequence('referral_crm.routing_decisions', 'decision_id')::regclass, '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.queue_routing', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.staff_capacity', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.staff_hours', '');
