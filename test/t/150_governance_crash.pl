# The audit entry of a change is written in the same transaction as the
# change: after kill -9 right after a commit, the committed change and its
# audit entry are both there; with synchronous_commit off, whatever a
# crash keeps of the data, the audit trail keeps exactly as much.  The
# hash chain verifies after each crash.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

# kill -9 of the postmaster, then start again once it and its children are gone.
sub kill9_and_restart
{
	my ($node) = @_;
	my $pid = $node->{_pid};
	$node->kill9;
	for my $try (1 .. 100)
	{
		last unless kill 0, $pid;
		usleep(100_000);
	}
	for my $try (1 .. 50)
	{
		return if $node->start(fail_ok => 1);
		$node->{_pid} = undef;
		usleep(200_000);
	}
	BAIL_OUT('the server did not start again after kill -9');
}

my $node = PostgreSQL::Test::Cluster->new('govcrash');
$node->init;
$node->append_conf('postgresql.conf', "restart_after_crash = on\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');
$node->safe_psql('postgres', q{
  INSERT INTO referral_crm.patients (given_name, source_system, source_id) VALUES ('Ana', 'crash', 'P1');
  INSERT INTO referral_crm.referrals (patient_id, authored_at, source_system, source_id)
  SELECT patient_id, now(), 'crash', 'R1' FROM referral_crm.patients WHERE source_id = 'P1';
});

# 1. kill -9 of the backend right after its COMMIT returned.
my $s = $node->background_psql('postgres');
my $pid = $s->query_safe('SELECT pg_backend_pid()');
$s->query_safe('BEGIN');
my $xid = $s->query_safe('SELECT txid_current()');
$s->query_safe(q{INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
                 SELECT referral_id, 'committed before the crash', 'crash', 'N1' FROM referral_crm.referrals WHERE source_id = 'R1'});
$s->query_safe('COMMIT');
my $log_offset = -s $node->logfile;
kill 'KILL', $pid;
$s->quit;
# The postmaster resets every backend and recovers: wait for the end of that
# cycle in the log (a connection before it may land in the reset window).
$node->wait_for_log(qr/all server processes terminated; reinitializing/, $log_offset);
$node->wait_for_log(qr/database system is ready to accept connections/, $log_offset);
ok($node->poll_query_until('postgres', 'SELECT 1', '1'), 'server back after the backend was killed');
is($node->safe_psql('postgres', q{SELECT count(*) FROM referral_crm.referral_notes WHERE source_id = 'N1'}),
   '1', 'the committed note survived');
is($node->safe_psql('postgres', qq{SELECT count(*) FROM referral_crm_audit.audit_log
                                    WHERE xid = $xid AND table_name = 'referral_crm.referral_notes' AND operation = 'INSERT'}),
   '1', 'its audit entry survived');
is($node->safe_psql('postgres', 'SELECT ok FROM referral_crm.audit_verify()'), 't', 'the chain verifies after the crash');

# 2. kill -9 of the postmaster right after a commit.
$node->safe_psql('postgres', q{
  UPDATE referral_crm.referrals SET status = 'accepted' WHERE source_id = 'R1'});
my $xid2 = $node->safe_psql('postgres', q{
  SELECT xid FROM referral_crm_audit.audit_log WHERE table_name = 'referral_crm.referrals' AND operation = 'UPDATE'
   ORDER BY logged_at DESC LIMIT 1});
kill9_and_restart($node);
is($node->safe_psql('postgres', q{SELECT status FROM referral_crm.referrals WHERE source_id = 'R1'}),
   'accepted', 'the committed update survived a postmaster kill -9');
is($node->safe_psql('postgres', qq{SELECT old_values->>'status' || ' -> ' || (new_values->>'status')
                                     FROM referral_crm_audit.audit_log WHERE xid = $xid2 AND operation = 'UPDATE'
                                      AND table_name = 'referral_crm.referrals'}),
   'requested -> accepted', 'its audit entry survived');

# 3. synchronous_commit off: a crash may lose the last commits, but data
# and audit trail are lost together (one transaction, one WAL stream).
$node->safe_psql('postgres', 'ALTER SYSTEM SET synchronous_commit = off');
$node->reload;
my $writer = $node->background_psql('postgres');
$writer->query_safe(q{SET synchronous_commit = off});
for my $i (1 .. 300)
{
	$writer->query_safe(qq{INSERT INTO referral_crm.referral_notes (referral_id, body, source_system, source_id)
	                        SELECT referral_id, 'async $i', 'crash', 'A$i' FROM referral_crm.referrals WHERE source_id = 'R1'});
}
kill9_and_restart($node);
eval { $writer->quit; };
my $notes = $node->safe_psql('postgres', q{SELECT count(*) FROM referral_crm.referral_notes WHERE body LIKE 'async %'});
my $entries = $node->safe_psql('postgres', q{
  SELECT count(*) FROM referral_crm_audit.audit_log
   WHERE table_name = 'referral_crm.referral_notes' AND operation = 'INSERT' AND row_key ? 'note_id'
     AND (row_key->>'note_id')::bigint IN (SELECT note_id FROM referral_crm.referral_notes WHERE body LIKE 'async %')});
my $all_entries = $node->safe_psql('postgres', q{
  SELECT count(*) FROM referral_crm_audit.audit_log
   WHERE table_name = 'referral_crm.referral_notes' AND operation = 'INSERT'}) - 1;
cmp_ok($notes, '>', 0, "some asynchronous commits survived ($notes of 300)");
is($entries, $notes, 'every surviving note has its audit entry');
is($all_entries, $notes, 'and no audit entry outlived its note');
is($node->safe_psql('postgres', 'SELECT ok FROM referral_crm.audit_verify()'), 't', 'the chain verifies');
my $head = $node->safe_psql('postgres', 'SELECT digest FROM referral_crm.audit_head()');
is($node->safe_psql('postgres', "SELECT ok FROM referral_crm.audit_verify('$head')"), 't', 'a new checkpoint verifies');

# 4. concurrent writers each append to their own chain; nothing is missing.
$node->safe_psql('postgres', 'ALTER SYSTEM RESET synchronous_commit');
$node->reload;
my $script = $PostgreSQL::Test::Utils::tmp_check . '/gov_notes.sql';
open my $fh, '>', $script or die;
print $fh q{INSERT INTO referral_crm.referral_notes (referral_id, body, source_system)
SELECT referral_id, 'concurrent', 'concurrent' FROM referral_crm.referrals WHERE source_id = 'R1';
UPDATE referral_crm.referrals SET stage_reason = md5(random()::text) WHERE source_id = 'R1';
};
close $fh;
$node->command_ok([ 'pgbench', '-n', '-c', '4', '-j', '2', '-t', '50', '-f', $script, $node->connstr('postgres') ],
	'4 concurrent writers');
is($node->safe_psql('postgres', q{SELECT count(*) FROM referral_crm.referral_notes WHERE source_system = 'concurrent'}),
   '200', 'all notes written');
is($node->safe_psql('postgres', q{
  SELECT count(*) FROM referral_crm_audit.audit_log
   WHERE table_name = 'referral_crm.referral_notes' AND operation = 'INSERT' AND new_values->>'source_system' = 'concurrent'}),
   '200', 'one audit entry per note');
cmp_ok($node->safe_psql('postgres', q{
  SELECT count(DISTINCT chain_id) FROM referral_crm_audit.audit_log WHERE new_values->>'source_system' = 'concurrent'}),
   '>=', 4, 'the writers appended to chains of their own');
is($node->safe_psql('postgres', 'SELECT ok FROM referral_crm.audit_verify()'), 't', 'the chains verify');

$node->stop;
done_testing();
