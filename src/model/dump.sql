-- src/model/dump.sql
-- Register the data model's tables (and their identity sequences) with
-- pg_extension_config_dump, so that pg_dump keeps their rows.  Built-in
-- specialties come back with CREATE EXTENSION; only added ones are dumped.

SELECT pg_catalog.pg_extension_config_dump('referral_crm.specialties', 'WHERE NOT builtin');

DO $$
DECLARE
  t   text;
  seq text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations', 'locations', 'clinicians', 'clinician_locations',
                           'payers', 'payer_plans', 'staff', 'queues', 'queue_members',
                           'patients', 'referrals', 'referral_events', 'appointments',
                           'claims', 'referral_notes', 'communications', 'tasks']
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
