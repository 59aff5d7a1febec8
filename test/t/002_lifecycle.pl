# The extension's life cycle: the packaging metadata agrees with itself;
# DROP EXTENSION removes everything and CREATE EXTENSION comes back clean;
# data survive a clean restart and a crash (immediate shutdown).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# META.json's version is the control file's default_version.
my ($control_version) = slurp_file('referral_crm.control') =~ /^default_version\s*=\s*'([^']+)'/m;
my $meta = slurp_file('META.json');
my ($meta_version) = $meta =~ /"version"\s*:\s*"([^"]+)"/;
my ($provides_version) = $meta =~ /"provides".*?"version"\s*:\s*"([^"]+)"/s;
ok(defined $control_version, "control file has a default_version ($control_version)");
is($meta_version, $control_version, 'META.json version equals default_version');
is($provides_version, $control_version, 'META.json provides the same version');
like($meta, qr/"meta-spec"\s*:\s*\{[^}]*"version"\s*:\s*"1\.0\.0"/s, 'META.json uses meta-spec 1.0.0');

my $node = PostgreSQL::Test::Cluster->new('life');
$node->init;
$node->start;

my $objects = q{
  SELECT count(*) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
   WHERE e.extname = 'referral_crm' AND d.deptype = 'e'};

$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');
my $n_objects = $node->safe_psql('postgres', $objects);
cmp_ok($n_objects, '>', 50, "extension owns $n_objects objects");
is($node->safe_psql('postgres', q{SELECT extversion FROM pg_extension WHERE extname = 'referral_crm'}),
   $control_version, 'installed version is the default version');

for my $cycle (1 .. 2)
{
	$node->safe_psql('postgres', slurp_file('data/sample/sample.sql'));
	$node->safe_psql('postgres', 'DROP EXTENSION referral_crm');
	is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	                                   WHERE n.nspname = 'referral_crm'}),
	   '0', "cycle $cycle: DROP EXTENSION removes every table, view and sequence");
	is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_proc WHERE proname = 'referral_guard'}),
	   '0', "cycle $cycle: no function is left behind");
	$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');
	is($node->safe_psql('postgres', $objects), $n_objects, "cycle $cycle: CREATE EXTENSION again gives the same objects");
	is($node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.referrals'), '0', "cycle $cycle: starts empty");
}

# DROP EXTENSION leaves the (empty) schema that CREATE EXTENSION made for
# it; installing into a schema that another role owns, or that holds
# objects, is refused.
$node->safe_psql('postgres', 'DROP EXTENSION referral_crm; DROP SCHEMA referral_crm');
$node->safe_psql('postgres', 'CREATE ROLE mallory; CREATE SCHEMA referral_crm AUTHORIZATION mallory');
my ($rc, $out, $err) = $node->psql('postgres', 'CREATE EXTENSION referral_crm');
like($err, qr/schema referral_crm is owned by role mallory/, 'a schema owned by another role is refused');
$node->safe_psql('postgres', 'ALTER SCHEMA referral_crm OWNER TO CURRENT_USER; CREATE TABLE referral_crm.planted (x int)');
($rc, $out, $err) = $node->psql('postgres', 'CREATE EXTENSION referral_crm');
like($err, qr/schema referral_crm already holds \d+ objects/, 'a schema that holds objects is refused');
$node->safe_psql('postgres', 'DROP TABLE referral_crm.planted; CREATE EXTENSION referral_crm');

# The schema is the fixed one; the extension cannot be relocated.
($rc, $out, $err) = $node->psql('postgres', 'ALTER EXTENSION referral_crm SET SCHEMA public');
like($err, qr/does not support SET SCHEMA/, 'not relocatable');

# Data survive a clean restart and a crash.
$node->safe_psql('postgres', slurp_file('data/sample/sample.sql'));
$node->safe_psql('postgres', q{UPDATE referral_crm.referrals SET status = 'accepted' WHERE status = 'received'});
my $state = q{SELECT count(*) || '/' || (SELECT count(*) FROM referral_crm.referral_events) || '/' ||
                     md5(string_agg(referral_id || status || stage, ',' ORDER BY referral_id))
                FROM referral_crm.referrals};
my $before = $node->safe_psql('postgres', $state);
$node->restart;
is($node->safe_psql('postgres', $state), $before, 'data and history survive a restart');

$node->safe_psql('postgres', q{UPDATE referral_crm.referrals SET stage = 'contacted' WHERE status = 'accepted' AND stage = 'new'});
$before = $node->safe_psql('postgres', $state);
$node->stop('immediate');
$node->start;
is($node->safe_psql('postgres', $state), $before, 'committed changes survive a crash');

$node->stop;
done_testing();
