# Upgrading from every earlier release gives the same objects as a fresh
# install of the current one, and keeps the data.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my ($current) = slurp_file('referral_crm.control') =~ /^default_version\s*=\s*'([^']+)'/m;
my @releases = sort map { m{upgrade/referral_crm--([0-9.]+)\.sql$} ? $1 : () } glob('upgrade/referral_crm--*.sql');
ok(scalar(@releases) >= 1, 'earlier releases are kept: ' . join(', ', @releases));

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;

# Everything the extension owns, described by name (column order aside).
my $signature = q{
  WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'referral_crm'),
  members AS (SELECT d.classid, d.objid FROM pg_depend d, ext WHERE d.refobjid = ext.oid AND d.deptype = 'e')
  SELECT string_agg(line, E'\n' ORDER BY line) FROM (
    SELECT 'function ' || p.oid::regprocedure || ' ' || p.provolatile::text || p.proparallel::text || p.proisstrict::text
           || ' ' || pg_get_function_result(p.oid) || ' ' || md5(coalesce(p.prosrc, '')) || coalesce(array_to_string(p.proconfig, ','), '')
           || CASE WHEN p.prosecdef THEN ' security definer' ELSE '' END || ' acl=' || coalesce(p.proacl::text, 'default') AS line
      FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
    UNION ALL
    SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || ' ' || coalesce(pg_get_expr(ad.adbin, ad.adrelid), '')
           || ' ' || a.attidentity::text
      FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
    UNION ALL
    SELECT 'constraint ' || c.relname || ' ' || regexp_replace(pg_get_constraintdef(k.oid), '\(.*', '')
           || ' ' || pg_get_constraintdef(k.oid)
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
      JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = i.indrelid
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(t.oid)
      FROM pg_trigger t JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = t.tgrelid
     WHERE NOT t.tgisinternal
    UNION ALL
    SELECT 'view ' || c.relname || ' ' || md5(pg_get_viewdef(c.oid))
      FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid WHERE c.relkind = 'v'
    UNION ALL
    SELECT 'relation ' || c.relname || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity
           || ' force=' || c.relforcerowsecurity || ' acl=' || coalesce(c.relacl::text, 'default')
      FROM pg_class c JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
    UNION ALL
    SELECT 'policy ' || c.relname || ' ' || p.polname || ' ' || p.polcmd::text || ' '
           || coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' / ' || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
      FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
      JOIN members m ON m.classid = 'pg_class'::regclass AND m.objid = c.oid
    UNION ALL
    SELECT 'event trigger ' || t.evtname || ' ' || t.evtevent || ' ' || t.evtfoid::regproc::text
      FROM pg_event_trigger t JOIN members m ON m.classid = 'pg_event_trigger'::regclass AND m.objid = t.oid
    UNION ALL
    SELECT 'dump ' || x::regclass || ' ' || coalesce(w, '')
      FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS u (x, w) WHERE e.extname = 'referral_crm'
    UNION ALL
    SELECT 'type ' || t.typname FROM pg_type t JOIN members m ON m.classid = 'pg_type'::regclass AND m.objid = t.oid
  ) s};

$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION referral_crm');
my $fresh = $node->safe_psql('fresh', $signature);
is($node->safe_psql('fresh', q{SET TimeZone = 'America/Denver'; SELECT referral_crm.calendar_zone()}), 'UTC',
   'a fresh install dates in UTC until crm_config.time_zone is set');
cmp_ok(length($fresh), '>', 1000, 'signature of a fresh install');

for my $from (grep { $_ ne $current } @releases)
{
	my $db = "from_" . ($from =~ s/\./_/gr);
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION referral_crm VERSION '$from'");
	$node->safe_psql($db, slurp_file('data/sample/sample.sql'));
	$node->safe_psql($db, q{UPDATE referral_crm.referrals SET status = 'accepted' WHERE status = 'received'});
	my $data = q{SELECT (SELECT count(*) FROM referral_crm.referrals) || '/' || (SELECT count(*) FROM referral_crm.referral_events)
	             || '/' || (SELECT md5(string_agg(referral_id || status || stage, ',' ORDER BY referral_id)) FROM referral_crm.referrals)};
	my $before = $node->safe_psql($db, $data);
	# A release that switched routing on insert with ALTER TABLE ENABLE
	# TRIGGER: the update carries the state over to crm_config.
	my $had_trigger = $node->safe_psql($db, q{SELECT count(*) FROM pg_trigger WHERE tgname = 'referrals_route_on_insert'});
	$node->safe_psql($db, 'ALTER TABLE referral_crm.referrals ENABLE TRIGGER referrals_route_on_insert')
	  if $had_trigger;
	# in a session of another zone than the server's: the calendar zone
	# (crm_config.time_zone) becomes the zone the sessions computed in
	$node->safe_psql($db, "SET TimeZone = 'America/Denver'; ALTER EXTENSION referral_crm UPDATE TO '$current'");
	is($node->safe_psql($db, q{SELECT time_zone FROM referral_crm.crm_config}), 'America/Denver',
	   "$from -> $current: the calendar zone is the updating session's");
	is($node->safe_psql($db, q{SELECT extversion FROM pg_extension WHERE extname = 'referral_crm'}), $current,
	   "$from -> $current: updated");
	is($node->safe_psql($db, q{SELECT c.route_on_insert || '/' || t.tgenabled::text FROM referral_crm.crm_config c, pg_trigger t
	                            WHERE t.tgname = 'referrals_route_on_insert'}),
	   ($had_trigger ? 'true' : 'false') . '/O',
	   "$from -> $current: routing on insert is " . ($had_trigger ? 'kept on' : 'off') . ', the trigger enabled');
	my $upgraded = $node->safe_psql($db, $signature);
	my @f = split /\n/, $fresh;
	my @u = split /\n/, $upgraded;
	my %in_u = map { $_ => 1 } @u;
	my %in_f = map { $_ => 1 } @f;
	my @missing = grep { !$in_u{$_} } @f;
	my @extra = grep { !$in_f{$_} } @u;
	is(join("\n", @missing), '', "$from -> $current: nothing of a fresh install is missing");
	is(join("\n", @extra), '', "$from -> $current: nothing more than a fresh install");
	is($node->safe_psql($db, $data), $before, "$from -> $current: data kept");
	# The new version works on the upgraded data.
	$node->safe_psql($db, q{
	  INSERT INTO referral_crm.staging_claims (source_system, claim_number, patient_mrn, service_from, total_charge)
	  VALUES ('upgrade', 'C1', 'MRN-1', '2026-01-02', '10.00')});
	is($node->safe_psql($db, q{SELECT inserted FROM referral_crm.ingest('claims')}), '1', "$from -> $current: ingest works");
}

$node->stop;
done_testing();
