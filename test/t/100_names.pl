# The names room across sessions and at directory scale: the nickname cache
# follows edits made by another session; clinician_name survives the binary
# COPY format; match_clinician reads its candidates from the name-key index
# (no sequential scan of the directory, in the plan it executes) on a few
# thousand clinicians; the string functions give the same answers in
# parallel workers.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use File::Spec;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('names');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');

# 1. Another session edits name_variants; this session's cache follows.
$ENV{PGHOST} = $node->host;
$ENV{PGPORT} = $node->port;
my $out = $node->safe_psql('postgres', q{
  SELECT round(referral_crm.name_similarity('Zed Quill', 'Zebulon Quill')::numeric, 3);
  \! psql -X -q -d postgres -c "INSERT INTO referral_crm.name_variants (name, variant) VALUES ('zebulon', 'zed')"
  SELECT round(referral_crm.name_similarity('Zed Quill', 'Zebulon Quill')::numeric, 3);
  \! psql -X -q -d postgres -c "TRUNCATE referral_crm.name_variants"
  SELECT round(referral_crm.name_similarity('Bob Quill', 'Robert Quill')::numeric, 3);
});
my @s = split /\n/, $out;
is(scalar(@s), 3, 'three similarities');
cmp_ok($s[1], '>', $s[0], "a nickname added by another session raises the score ($s[0] -> $s[1])");
cmp_ok($s[2], '<', 0.95, "after another session empties the table, Bob is no longer Robert ($s[2])");
$node->safe_psql('postgres', 'DROP EXTENSION referral_crm CASCADE');
$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');

# 2. Binary COPY round trip (send/recv).
my $file = File::Spec->rel2abs($node->basedir . '/names.bin');
$node->safe_psql('postgres', qq{
  CREATE TABLE n_src (n referral_crm.clinician_name);
  INSERT INTO n_src VALUES ('Dr. Bob Smith MD'), ('José Núñez-García, PA-C'), ('Robert "Bob" van der Berg Jr., M.D., FACS'),
                           ('Smith,'), (', Valery'), ('Иван Петров');
  COPY n_src TO '$file' WITH (FORMAT binary);
  CREATE TABLE n_dst (n referral_crm.clinician_name);
  COPY n_dst FROM '$file' WITH (FORMAT binary);
});
is($node->safe_psql('postgres', q{
  SELECT count(*) FROM n_src s JOIN n_dst d ON s.n::text = d.n::text AND s.n OPERATOR(referral_crm.=) d.n}),
   '6', 'binary COPY keeps every value');

# 2b. The same in a LATIN1 database: send wrote the UTF-8 text as if it were
# in the server encoding, so recv read back another name ("JosÃ©").
$node->safe_psql('postgres',
  q{CREATE DATABASE names_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0});
$node->safe_psql('names_latin1', 'CREATE EXTENSION referral_crm');
my $file1 = File::Spec->rel2abs($node->basedir . '/names_latin1.bin');
$node->safe_psql('names_latin1', qq{
  SET client_encoding = 'UTF8';
  CREATE TABLE n_src (n referral_crm.clinician_name);
  INSERT INTO n_src VALUES ('José Núñez-García, PA-C'), ('Jürgen Müller'), ('Smith, Bob');
  COPY n_src TO '$file1' WITH (FORMAT binary);
  CREATE TABLE n_dst (n referral_crm.clinician_name);
  COPY n_dst FROM '$file1' WITH (FORMAT binary);
});
is($node->safe_psql('names_latin1', q{
  SELECT count(*) FROM n_src s JOIN n_dst d ON s.n::text = d.n::text AND s.n OPERATOR(referral_crm.=) d.n}),
   '3', 'binary COPY keeps every value in a LATIN1 database');
is($node->safe_psql('names_latin1', q{
  SET client_encoding = 'UTF8';
  SELECT count(*) FROM n_dst WHERE referral_crm.family_name(n) IN ('Núñez-García', 'Müller', 'Smith')}),
   '3', 'and the accented names read back as written');

# 3. match_clinician uses the index on a directory of a few thousand.
$node->safe_psql('postgres', q{
  INSERT INTO referral_crm.clinicians (npi, given_name, family_name, source_system, source_id)
  SELECT '19' || lpad(i::text, 7, '0') || referral_crm.npi_check_digit('19' || lpad(i::text, 7, '0')),
         (ARRAY['JOHN','MARY','ROBERT','LINDA','JAMES','SUSAN','DAVID','KAREN','WEI','JOSE'])[1 + i % 10],
         upper(f.name), 'tap', 'C' || i
    FROM generate_series(1, 5000) i
    JOIN (SELECT name, row_number() OVER (ORDER BY census_count DESC, name) AS r
            FROM referral_crm.name_frequencies) f ON f.r = 1 + (i * 7919) % 2000;
  DELETE FROM referral_crm.clinicians WHERE family_name = 'SMITH';
  INSERT INTO referral_crm.clinicians (npi, given_name, family_name, source_system, source_id)
  VALUES ('199999901' || referral_crm.npi_check_digit('199999901'), 'ROBERT', 'SMITH', 'tap', 'S1'),
         ('199999902' || referral_crm.npi_check_digit('199999902'), 'JANE', 'SMITH', 'tap', 'S2');
  ANALYZE referral_crm.clinicians;
});
# match_clinician executes a cached plan: auto_explain prints the nested
# plan it runs (as a notice).
my ($rc, $stdout, $plan) = $node->psql('postgres', q{
  LOAD 'auto_explain';
  SET auto_explain.log_min_duration = 0;
  SET auto_explain.log_nested_statements = on;
  SET auto_explain.log_level = notice;
  SELECT count(*) FROM referral_crm.match_clinician('Bob Smith', 5, 'cardiology', '04101');
  SELECT count(*) FROM referral_crm.match_clinician('Bob Smith', 5, 'cardiology', '04101');});
is($rc, 0, 'match_clinician under auto_explain');
like($plan, qr/Bitmap Index Scan on clinicians_name_keys_idx/, 'candidates from the name-key index');
unlike($plan, qr/Seq Scan on clinicians/, 'no sequential scan of the directory');
is($node->safe_psql('postgres', q{SELECT display_name, band FROM referral_crm.match_clinician('Bob Smith', 1)}),
   'ROBERT SMITH|auto', 'Bob Smith finds Robert Smith');
is($node->safe_psql('postgres', q{SELECT display_name FROM referral_crm.match_clinician('Dr. J. Smith', 5) LIMIT 1}),
   'JANE SMITH', 'an initial finds the one J. Smith first');

# 4. Parallel workers give the same answers (caches are per backend).
my $serial = $node->safe_psql('postgres', q{
  SELECT sum(referral_crm.name_similarity(given_name || ' ' || family_name, 'Bob Smith'))::numeric(12,6)
    FROM referral_crm.clinicians});
my $parallel = $node->safe_psql('postgres', q{
  SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
  SET max_parallel_workers_per_gather = 2; SET force_parallel_mode = on;
  SELECT sum(referral_crm.name_similarity(given_name || ' ' || family_name, 'Bob Smith'))::numeric(12,6)
    FROM referral_crm.clinicians});
is($parallel, $serial, 'name_similarity in parallel workers');

$node->stop;
done_testing();
