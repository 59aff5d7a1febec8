\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/routing/dump.sql
-- pg_dump keeps the rules, the decisions and the assignment settings.
DO $$
DECLARE
  t   text;
  seq text;
BEGIN
  FOREACH t IN ARRAY ARRAY['routing_rules', 'routing_decisions', 'queue_routing',
                           'staff_capacity', 'staff_hours']
  LOOP
    PERFORM pg_catalog.pg_extension_config_dump(format('referral_crm.%I', t)::regclass, '');
    FOR seq IN
      SELECT pg_catalog.pg_get_serial_sequence(format('referral_crm.%I', t), a.attname)
        FROM pg_catalog.pg_attribute a
       WHERE a.attrelid = format('referral_crm.%I', t)::regclass
         AND a.attidentity <> '' AND NOT a.attisdropped
    LOOP
      PERFORM pg_catalog.pg_extension_config_dump(seq::regclass, '');
    END LOOP;
  END LOOP;
END
$$;
