# Two sessions ingesting the same feed at once neither duplicate nor lose
# rows: overlapping transactions loading the same file, and two ingests
# competing for the same staged rows.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('concurrent');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');

my $n = 300;
my $header = 'source_system,referral_id,patient_mrn,patient_given_name,patient_family_name,patient_birth_date,'
  . 'patient_sex,patient_zip,patient_phone,patient_language,authored_at,received_at,referring_npi,referring_name,'
  . 'referring_organization,target_specialty,target_npi,target_location_code,priority,reason,diagnosis_codes,'
  . 'payer_code,payer_name,payer_class,plan_code,channel,referral_number,auth_status,prior_auth_number,status,'
  . 'status_reason,stage,stage_reason,needed_by,note_text';
my $csv = join("\n", $header,
	map { sprintf('ehr,R%d,M%d,Pat,Ient%d,1970-01-01,F,04101,,,2026-09-01T09:00:00Z,,,,,cardiology,,,routine,,,'
		  . 'P1,Payer One,MB,,fax,,,,requested,,new,,,note %d', $_, $_ % 120, $_ % 120, $_) } 1 .. $n) . "\n";
my $stage = "SELECT staged FROM referral_crm.stage_csv('referrals', \$csv\$$csv\$csv\$)";
my $ingest = q{SELECT 'counts:' || inserted || ',' || updated || ',' || unchanged || ',' || rejected FROM referral_crm.ingest('referrals')};

# 1. Both sessions stage the same file and ingest it in overlapping
# transactions: the second waits for the first, then finds nothing new.
my $a = $node->background_psql('postgres');
my $b = $node->background_psql('postgres');
$a->query_safe('BEGIN');
is($a->query_safe($stage), $n, 'A staged the file');
like($a->query_safe($ingest), qr/counts:$n,0,0,0/, 'A inserted every referral (not yet committed)');
$b->query_safe('BEGIN');
is($b->query_safe($stage), $n, 'B staged the same file');
$b->query_until(qr/started/, "\\echo started\n$ingest;\n");
ok($node->poll_query_until('postgres',
	q{SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%ingest(%'}),
   'B waits for A');
$a->query_safe('COMMIT');
my $out = $b->query_safe('COMMIT');
like($out, qr/counts:0,0,$n,0/, 'B found every referral already there');
is($node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.referrals'), $n, 'no referral duplicated');
is($node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.patients'), '120', 'no patient duplicated');
is($node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.referral_notes'), $n, 'no note duplicated');
is($node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.staged_rows'), '0', 'nothing left staged');

# 2. Rows staged by two loads and committed; two ingests compete for them.
# Each staged row is processed by exactly one of them.
my $changed = $csv =~ s/,routine,/,urgent,/gr;
$node->safe_psql('postgres', "SELECT referral_crm.stage_csv('referrals', \$csv\$$changed\$csv\$)");
$node->safe_psql('postgres', "SELECT referral_crm.stage_csv('referrals', \$csv\$$changed\$csv\$)");
$a->query_safe('BEGIN');
my $ra = $a->query_safe($ingest);
my $rb = $b->query_safe($ingest);
$a->query_safe('COMMIT');
my @ca = $ra =~ /counts:(\d+),(\d+),(\d+),(\d+)/;
my @cb = $rb =~ /counts:(\d+),(\d+),(\d+),(\d+)/;
my $total = 0;
$total += $_ for @ca, @cb;
is($total, 2 * $n, 'the two ingests together account for every staged row');
is($ca[1] + $cb[1], $n, 'each referral updated once, by the first load');
is($ca[2] + $cb[2], $n, 'the second load, applied after it, changes nothing');
is($node->safe_psql('postgres', q{SELECT count(*) FROM referral_crm.referrals WHERE priority = 'urgent'}), $n,
   'every referral has the new priority');
is($node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.staged_rows'), '0', 'nothing left staged');
is($node->safe_psql('postgres', q{SELECT sum(inserted + updated + unchanged + rejected) FROM referral_crm.ingest_batches}),
   4 * $n, 'the batches account for every row staged');

$a->quit;
$b->quit;
$node->stop;
done_testing();
