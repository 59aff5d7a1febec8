# pg_dump of a populated database, restored into a fresh cluster, gives
# identical row counts and content checksums for every table of the
# extension, the restored identity sequences go on where they stopped, and
# settings such as routing on insert are kept.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $src = PostgreSQL::Test::Cluster->new('source');
$src->init;
$src->start;
$src->safe_psql('postgres', 'CREATE DATABASE crm');
$src->safe_psql('crm', 'CREATE EXTENSION referral_crm');
$src->safe_psql('crm', slurp_file('data/sample/sample.sql'));

# History, an added specialty and rows in every other table.
$src->safe_psql('crm', q{
  INSERT INTO referral_crm.specialties (specialty, display_name) VALUES ('lifestyle-medicine', 'Lifestyle medicine');
  UPDATE referral_crm.referrals SET status = 'accepted' WHERE status = 'received';
  UPDATE referral_crm.referrals SET stage = 'contacted' WHERE status = 'accepted' AND stage = 'new';
  INSERT INTO referral_crm.staff (display_name, role, login_role) VALUES ('Sam', 'scheduler', 'sam');
  INSERT INTO referral_crm.queues (code, name, specialty) VALUES ('cardiology', 'Cardiology intake', 'cardiology');
  INSERT INTO referral_crm.queue_members SELECT q.queue_id, s.staff_id FROM referral_crm.queues q, referral_crm.staff s;
  INSERT INTO referral_crm.clinician_locations (clinician_id, location_id, is_primary)
       SELECT clinician_id, 1, true FROM referral_crm.clinicians WHERE specialty = 'cardiology';
  INSERT INTO referral_crm.appointments (referral_id, patient_id, start_at, status)
       SELECT referral_id, patient_id, authored_at + interval '9 days', 'fulfilled'
         FROM referral_crm.referrals WHERE stage = 'visit-completed';
  INSERT INTO referral_crm.claims (claim_number, patient_id, service_from, total_charge, referral_id)
       SELECT 'C' || referral_id, patient_id, (authored_at + interval '9 days')::date, 180.50, referral_id
         FROM referral_crm.referrals WHERE stage = 'visit-completed';
  INSERT INTO referral_crm.referral_notes (referral_id, body) SELECT referral_id, 'Please see, r/o CAD.' FROM referral_crm.referrals LIMIT 10;
  INSERT INTO referral_crm.communications (referral_id, channel, direction, party, outcome)
       SELECT referral_id, 'call', 'outbound', 'patient', 'reached' FROM referral_crm.referrals WHERE stage = 'contacted';
  INSERT INTO referral_crm.tasks (referral_id, task_type, task_key) SELECT referral_id, 'schedule', 'k' || referral_id
         FROM referral_crm.referrals WHERE stage = 'contacted';
  UPDATE referral_crm.crm_config SET route_on_insert = true;
});

# Row count and an md5 of every row, per table, in key order.
my $fingerprint_sql = q{
  SELECT string_agg(format('%s %s %s', c.relname,
           (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM referral_crm.%I', c.relname), false, true, '')))[1]::text,
           (xpath('/row/h/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) AS h FROM referral_crm.%I t', c.relname), false, true, '')))[1]::text),
         E'\n' ORDER BY c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'referral_crm' AND c.relkind = 'r'
};
my $before = $src->safe_psql('crm', $fingerprint_sql);
my @tables = split /\n/, $before;
cmp_ok(scalar(@tables), '>=', 18, 'fingerprints of all tables taken');
my %nonempty = map { (split / /)[0] => 1 } grep { (split / /)[1] > 0 } @tables;
ok($nonempty{$_}, "$_ has rows before the dump")
  for qw(organizations locations clinicians clinician_locations payers payer_plans staff queues
         queue_members patients referrals referral_events appointments claims referral_notes
         communications tasks specialties);

my $dump = $PostgreSQL::Test::Utils::tmp_check . '/crm.dump';
$src->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $src->connstr('crm') ], 'pg_dump');

my $dst = PostgreSQL::Test::Cluster->new('restored');
$dst->init;
$dst->start;
$dst->safe_psql('postgres', 'CREATE DATABASE crm');
$dst->command_ok([ 'pg_restore', '--exit-on-error', '-d', $dst->connstr('crm'), $dump ], 'pg_restore');

my $after = $dst->safe_psql('crm', $fingerprint_sql);
is($after, $before, 'every table has the same rows after restore');

# The built-in specialties are not doubled, the added one is back.
is($dst->safe_psql('crm', q{SELECT count(*) FILTER (WHERE builtin) || ' ' || count(*) FILTER (WHERE NOT builtin) FROM referral_crm.specialties}),
   $src->safe_psql('crm', q{SELECT count(*) FILTER (WHERE builtin) || ' ' || count(*) FILTER (WHERE NOT builtin) FROM referral_crm.specialties}),
   'specialties restored without duplicates');

# Identity sequences continue after the restored rows.
my $max = $dst->safe_psql('crm', 'SELECT max(referral_id) FROM referral_crm.referrals');
my $new = $dst->safe_psql('crm', q{
  INSERT INTO referral_crm.referrals (patient_id, authored_at) VALUES (1, now()) RETURNING referral_id});
cmp_ok($new, '>', $max, 'new referral ids continue after the restored ones');
# Routing on insert was on in the source, and still is.
is($dst->safe_psql('crm', "SELECT method FROM referral_crm.routing_decisions WHERE referral_id = $new"), 'trigger',
   'routing on insert is still on after restore');
my $ev = $dst->safe_psql('crm', q{
  UPDATE referral_crm.referrals SET status = 'accepted' WHERE referral_id = (SELECT max(referral_id) FROM referral_crm.referrals);
  SELECT count(*) FROM referral_crm.referral_events e WHERE e.event_id > (SELECT max(event_id) - 1 FROM referral_crm.referral_events)});
is($ev, '1', 'events keep being recorded after restore');

# The rules still hold in the restored database.
my ($rc, $out, $err) = $dst->psql('crm', q{UPDATE referral_crm.referrals SET status = 'draft' WHERE status = 'completed'});
like($err, qr/illegal referral status transition from "completed" to "draft"/, 'transitions enforced after restore');
($rc, $out, $err) = $dst->psql('crm', q{DELETE FROM referral_crm.referral_events});
like($err, qr/referral_events is append-only/, 'history still append-only after restore');

$src->stop;
$dst->stop;
done_testing();
