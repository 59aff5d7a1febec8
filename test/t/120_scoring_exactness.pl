# Scoring: train_logit agrees with statsmodels (coefficients, standard
# errors, z, p, log-likelihood within 1e-9 relative), with scikit-learn's
# L2 fit (C = 1/l2 on standardised features, within 1e-6) and with MADlib's
# documented example (within 1e-10); serial and parallel fits agree within
# 1e-12; the pass runs as Partial Aggregate under Gather; states of shards
# merge into the state of the whole.
#
# Oracle values: data/scoring/reference.json (data/scoring/make_reference.py).
use strict;
use warnings;
use Cwd qw(abs_path);
use JSON::PP;
use List::Util qw(max);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $ref = decode_json(slurp_file('data/scoring/reference.json'));
my $csv = abs_path('data/scoring/readmit_sample.csv');
my @features = @{ $ref->{readmit}{features} };
my $farr = 'ARRAY[' . join(', ', map { "'$_'" } @features) . ']';

my $node = PostgreSQL::Test::Cluster->new('scoring_exact');
$node->init;
$node->append_conf('postgresql.conf', "max_worker_processes = 8\nmax_parallel_workers = 4\n");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');
$node->safe_psql('postgres', qq{
  CREATE TABLE readmit (encounter_id bigint, readmitted_30 int, @{[ join(', ', map { "$_ int" } @features) ]});
  COPY readmit FROM '$csv' (FORMAT csv, HEADER);
  ANALYZE readmit;
});

# Largest relative difference between two lists of numbers.
sub max_rel
{
	my ($got, $want) = @_;
	die "lengths differ" unless @$got == @$want;
	return max(map { abs($got->[$_] - $want->[$_]) / max(abs($want->[$_]), 1e-300) } 0 .. $#$want);
}

# The fitted model's arrays and log-likelihood as Perl lists.
sub model
{
	my ($sql) = @_;
	my $row = $node->safe_psql('postgres', qq{
	  SELECT json_build_object('coef', coefficients, 'se', std_errors, 'z', z_values, 'p', p_values,
	                           'llf', log_likelihood, 'llnull', null_log_likelihood, 'workers',
	                           metrics->'parallel_workers_planned', 'rows', rows_used)
	    FROM ($sql) m});
	return decode_json($row);
}

# 1. Unpenalised fit against statsmodels (Logit, tol 1e-14).
my $sm = $ref->{readmit}{statsmodels};
my $m = model(qq{SELECT * FROM referral_crm.train_logit('readmit', 'SELECT * FROM readmit', 'readmitted_30', $farr)});
is($m->{rows}, $ref->{readmit}{rows}, "all $m->{rows} rows used");
for my $what (qw(coef se z p))
{
	my $d = max_rel($m->{$what}, $sm->{$what});
	cmp_ok($d, '<', 1e-9, sprintf('readmission: %s within 1e-9 of statsmodels (max rel diff %.2e)', $what, $d));
}
my $dll = abs($m->{llf} - $sm->{llf}) / abs($sm->{llf});
cmp_ok($dll, '<', 1e-9, sprintf('readmission: log-likelihood within 1e-9 (%.2e)', $dll));
$dll = abs($m->{llnull} - $sm->{llnull}) / abs($sm->{llnull});
cmp_ok($dll, '<', 1e-9, sprintf('readmission: null log-likelihood within 1e-9 (%.2e)', $dll));

# 2. L2 against scikit-learn (newton-cholesky, tol 1e-10, C = 1/l2).
for my $sk (@{ $ref->{readmit}{sklearn_l2} })
{
	my $l2 = $sk->{l2};
	my $f = model(qq{SELECT * FROM referral_crm.train_logit('readmit_l2', 'SELECT * FROM readmit', 'readmitted_30', $farr, l2 => $l2)});
	my $d = max_rel($f->{coef}, $sk->{coef});
	cmp_ok($d, '<', 1e-6, sprintf('l2 = %s: coefficients within 1e-6 of scikit-learn (max rel diff %.2e)', $l2, $d));
}

# 3. MADlib's documented example.
$node->safe_psql('postgres', q{
  CREATE TABLE patients (second_attack int, treatment int, trait_anxiety int);
  INSERT INTO patients VALUES (1,1,70),(1,1,80),(1,1,50),(1,0,60),(1,0,40),(1,0,65),(1,0,75),(1,0,80),(1,0,70),(1,0,60),
    (0,1,65),(0,1,50),(0,1,45),(0,1,35),(0,1,40),(0,1,50),(0,0,55),(0,0,45),(0,0,50),(0,0,60);
});
my $mad = $ref->{madlib_patients}{madlib};
my $p = model(q{SELECT * FROM referral_crm.train_logit('patients', 'SELECT * FROM patients', 'second_attack', ARRAY['treatment', 'trait_anxiety'])});
my $d = max_rel($p->{coef}, $mad->{coef});
cmp_ok($d, '<', 1e-10, sprintf('MADlib example: coefficients within 1e-10 (%.2e)', $d));
$d = abs($p->{llf} - $mad->{llf}) / abs($mad->{llf});
cmp_ok($d, '<', 1e-10, sprintf('MADlib example: log-likelihood within 1e-10 (%.2e)', $d));
$d = max_rel($p->{se}, $ref->{madlib_patients}{statsmodels}{se});
cmp_ok($d, '<', 1e-9, sprintf('MADlib example: standard errors within 1e-9 of statsmodels (%.2e)', $d));

# 4. Serial against parallel: ten copies of the sample, two workers, the
# leader not scanning (so that every row goes through a combine).
$node->safe_psql('postgres', q{
  CREATE TABLE readmit10 AS SELECT r.* FROM readmit r, generate_series(1, 10) ORDER BY random();
  ANALYZE readmit10;
});
my $parallel = q{SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
  SET max_parallel_workers_per_gather = 2; SET parallel_leader_participation = off;};
my $serial = q{SET max_parallel_workers_per_gather = 0;};
my $ser = model(qq{SELECT * FROM referral_crm.train_logit('ser', 'SELECT * FROM readmit10', 'readmitted_30', $farr)});
my $row = $node->safe_psql('postgres', qq{$parallel
  SELECT json_build_object('coef', coefficients, 'se', std_errors, 'llf', log_likelihood, 'workers', metrics->'parallel_workers_planned')
    FROM referral_crm.train_logit('par', 'SELECT * FROM readmit10', 'readmitted_30', $farr)});
my $par = decode_json($row);
is($ser->{workers}, 0, 'serial fit planned no worker');
is($par->{workers}, 2, 'parallel fit planned two workers');
$d = max_rel($par->{coef}, $ser->{coef});
cmp_ok($d, '<', 1e-12, sprintf('serial and parallel coefficients within 1e-12 (%.2e)', $d));
$d = max_rel($par->{se}, $ser->{se});
cmp_ok($d, '<', 1e-12, sprintf('serial and parallel standard errors within 1e-12 (%.2e)', $d));
$d = abs($par->{llf} - $ser->{llf}) / abs($ser->{llf});
cmp_ok($d, '<', 1e-12, sprintf('serial and parallel log-likelihood within 1e-12 (%.2e)', $d));
# the copies give the same coefficients as the sample itself
$d = max_rel($ser->{coef}, $m->{coef});
cmp_ok($d, '<', 1e-9, sprintf('ten copies give the coefficients of one (%.2e)', $d));

# 5. The plan of the pass train_logit runs (logit_pass_columns) and of the
# array form: Finalize Aggregate over Gather over Partial Aggregate.
my $cols = qq{SELECT referral_crm.logit_pass_columns(ARRAY[0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0, 1,1,1,1,1,1,1,1,1]::float8[],
  readmitted_30, @{[ join(', ', @features) ]}) FROM readmit10};
my $cplan = $node->safe_psql('postgres', "$parallel EXPLAIN (COSTS OFF) $cols");
like($cplan, qr/Finalize Aggregate\s*\n\s*->\s*Gather\s*\n\s*Workers Planned: 2\s*\n\s*->\s*Partial Aggregate\s*\n\s*->\s*Parallel Seq Scan on readmit10/,
	 'EXPLAIN of the training pass shows Partial Aggregate under Gather') or diag($cplan);
my $pass = qq{SELECT referral_crm.logit_pass(ARRAY[0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0, 1,1,1,1,1,1,1,1,1]::float8[],
  readmitted_30, ARRAY[@{[ join(', ', @features) ]}]::float8[]) FROM readmit10};
my $plan = $node->safe_psql('postgres', "$parallel EXPLAIN (COSTS OFF) $pass");
like($plan, qr/Finalize Aggregate\s*\n\s*->\s*Gather\s*\n\s*Workers Planned: 2\s*\n\s*->\s*Partial Aggregate\s*\n\s*->\s*Parallel Seq Scan on readmit10/,
	 'EXPLAIN of the array form too') or diag($plan);
my $analyze = $node->safe_psql('postgres', "$parallel EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) $pass");
like($analyze, qr/Workers Launched: 2/, 'two workers ran the pass') or diag($analyze);
is($node->safe_psql('postgres', "$serial SELECT ($pass) = ($cols)"), 't', 'serially, the column and array forms give the same state');
is($node->safe_psql('postgres', "$parallel SELECT ($pass) = (SELECT referral_crm.logit_pass(ARRAY[0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0, 1,1,1,1,1,1,1,1,1]::float8[],
  readmitted_30, ARRAY[@{[ join(', ', @features) ]}]::float8[]) FROM readmit10 WHERE false) IS NOT TRUE"),
   't', 'a pass over no rows is NULL, not a state');

# 6. Shards: states of parts merge into the state of the whole.
(my $pass_of = $pass) =~ s/FROM readmit10/FROM readmit WHERE %s/;
my $merged = $node->safe_psql('postgres', sprintf(qq{$serial
  WITH parts AS (SELECT (%s) AS s UNION ALL SELECT (%s) UNION ALL SELECT (%s))
  SELECT max(abs(a - b) / greatest(abs(b), 1))
    FROM unnest((SELECT referral_crm.logit_merge(s) FROM parts), (%s)) AS u (a, b)},
  sprintf($pass_of, 'encounter_id % 3 = 0'), sprintf($pass_of, 'encounter_id % 3 = 1'),
  sprintf($pass_of, 'encounter_id % 3 = 2'), sprintf($pass_of, 'true')));
cmp_ok($merged, '<', 1e-10, "merged shard states equal the whole-table state (max diff $merged, relative above 1)");
my ($rc, $out, $err) = $node->psql('postgres', qq{SELECT referral_crm.logit_merge(s) FROM (VALUES (($pass)), (ARRAY[1,2,3]::float8[])) v (s)});
like($err, qr/not a logit_pass state/, 'merging a foreign array is refused');

done_testing();
