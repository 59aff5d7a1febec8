# Scoring end to end on an invented history with planted effects
# (data/scoring/fixture.sql): one-call training per purpose with a holdout,
# referral_scores filled set-based with explanations, versions on
# retraining, the predict cache of another session refreshed when a model
# changes, and the catalog properties other rooms rely on.
use strict;
use warnings;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('scoring_purposes');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');
my $sql = sub { $node->safe_psql('postgres', $_[0]) };

# Before any model: scoring a purpose says what to do; scoring all is a no-op.
my ($rc, $out, $err) = $node->psql('postgres', q{SELECT referral_crm.score_referrals('noshow')});
like($err, qr/no model for purpose "noshow".*\n.*HINT:  Train one with referral_crm.train\('noshow'\)/s, 'scoring without a model: clear error');
is($sql->('SELECT referral_crm.score_referrals()'), '0', 'score_referrals() with no model writes nothing');
($rc, $out, $err) = $node->psql('postgres', q{SELECT referral_crm.train('conversion')});
like($err, qr/no labelled rows to train the conversion model on/, 'training without history: clear error');

$node->safe_psql('postgres', slurp_file('data/scoring/fixture.sql'));

# 1. No-show model: planted effects recovered, holdout measured.
my $ns = decode_json($sql->(q{
  SELECT json_build_object('features', features, 'coef', coefficients, 'p', p_values, 'version', version,
                           'purpose', purpose, 'metrics', metrics)
    FROM referral_crm.train('noshow')}));
my %nsc = map { ($ns->{features}[$_] => $ns->{coef}[$_ + 1]) } 0 .. $#{ $ns->{features} };
my %nsp = map { ($ns->{features}[$_] => $ns->{p}[$_ + 1]) } 0 .. $#{ $ns->{features} };
is($ns->{purpose}, 'noshow', 'train(noshow) records the purpose');
is($ns->{version}, 1, 'first version');
cmp_ok($nsc{lead_days}, '>', 0.02, "longer lead time raises the no-show risk ($nsc{lead_days})");
cmp_ok($nsc{reminder_sent}, '<', -0.7, "a reminder lowers it ($nsc{reminder_sent})");
cmp_ok($nsp{reminder_sent}, '<', 1e-6, 'the reminder effect is significant');
cmp_ok($ns->{metrics}{holdout_rows}, '>', 200, "holdout of $ns->{metrics}{holdout_rows} appointments");
cmp_ok($ns->{metrics}{holdout_auc}, '>', 0.65, "no-show holdout AUC $ns->{metrics}{holdout_auc}");
cmp_ok($ns->{metrics}{holdout_log_loss}, '<', 0.55, "no-show holdout log-loss $ns->{metrics}{holdout_log_loss}");
is_deeply($ns->{metrics}{left_out_constant_features}, ['same_day'], 'constant features are left out and listed');

# 2. Conversion model.
my $cv = decode_json($sql->(q{
  SELECT json_build_object('features', features, 'coef', coefficients, 'metrics', metrics)
    FROM referral_crm.train('conversion', l2 => 0.1)}));
my %cvc = map { ($cv->{features}[$_] => $cv->{coef}[$_ + 1]) } 0 .. $#{ $cv->{features} };
cmp_ok($cvc{referrer_conversion_rate}, '>', 1, "referrers' past conversion predicts conversion ($cvc{referrer_conversion_rate})");
cmp_ok($cv->{metrics}{holdout_auc}, '>', 0.6, "conversion holdout AUC $cv->{metrics}{holdout_auc}");
is($cv->{metrics}{l2}, 0.1, 'the penalty is recorded');

# 3. referral_scores: one row per referral and purpose, set-based.
my $n = $sql->('SELECT referral_crm.score_referrals()');
is($n, $sql->(q{SELECT count(*) FROM referral_crm.referral_scores}), "score_referrals() returns the rows written ($n)");
is($sql->(q{SELECT string_agg(purpose || ':' || c, ' ' ORDER BY purpose) FROM
             (SELECT purpose, count(*) c FROM referral_crm.referral_scores GROUP BY 1) s}),
   'conversion:3000 noshow:3000', 'every referral has both scores');
is($sql->(q{
  SELECT count(*) FROM referral_crm.referral_scores s
    JOIN referral_crm.current_models m ON m.name = s.model_name AND m.version = s.model_version AND m.purpose = s.purpose
   WHERE jsonb_array_length(s.top_features) = 3
     AND (SELECT bool_and(e->>'feature' = ANY (m.features) AND jsonb_typeof(e->'contribution') = 'number')
            FROM jsonb_array_elements(s.top_features) e)
     AND s.score > 0 AND s.score < 1}),
   '6000', 'scores name the current model and carry three {feature, contribution}');
is($sql->(q{
  SELECT count(*) FROM referral_crm.referral_scores s
   WHERE NOT (SELECT bool_and(abs((a.e->>'contribution')::float8) >= abs((b.e->>'contribution')::float8))
                FROM jsonb_array_elements(s.top_features) WITH ORDINALITY a (e, i)
                JOIN jsonb_array_elements(s.top_features) WITH ORDINALITY b (e, i) ON b.i = a.i + 1)}),
   '0', 'top features are ordered by absolute contribution');
# the no-show score of an open referral is its next (booked) appointment's
my $xs = $sql->(q{SELECT string_agg(format('referral_crm.feature_value(f.%I)', f), ', ' ORDER BY i)
                    FROM referral_crm.current_models m, unnest(m.features) WITH ORDINALITY u (f, i) WHERE m.name = 'noshow'});
is($sql->(qq{
  SELECT count(*) FROM referral_crm.referral_scores s
    JOIN referral_crm.noshow_features f ON f.referral_id = s.referral_id AND f.status = 'booked'
   WHERE s.purpose = 'noshow' AND s.score = referral_crm.predict('noshow', ARRAY[$xs])}),
   $sql->(q{SELECT count(*) FROM referral_crm.appointments WHERE status = 'booked'}),
   'open referrals carry the score of their booked appointment, equal to predict()');

# 4. Retraining makes version 2 and keeps version 1; scores follow.
$sql->(q{SELECT referral_crm.train('noshow', l2 => 5)});
is($sql->(q{SELECT string_agg(version::text, ',' ORDER BY version) FROM referral_crm.models WHERE name = 'noshow'}),
   '1,2', 'retraining keeps the old version');
$sql->(q{SELECT referral_crm.score_referrals('noshow')});
is($sql->(q{SELECT string_agg(DISTINCT purpose || ':' || model_version, ' ') FROM referral_crm.referral_scores}),
   'conversion:1 noshow:2', 'score_referrals(noshow) rescored with the new version only');

# The pipeline shows both scores and their top features.
is($sql->(q{
  SELECT count(*) FROM referral_crm.pipeline p
    JOIN referral_crm.referral_scores c ON c.referral_id = p.referral_id AND c.purpose = 'conversion'
   WHERE p.conversion_score = c.score AND p.top_features -> 'conversion' = c.top_features}),
   $sql->(q{SELECT count(*) FROM referral_crm.referral_scores WHERE purpose = 'conversion'}),
   'pipeline carries every conversion score with its top features');
is($sql->(q{
  SELECT count(*) FROM referral_crm.pipeline p
    JOIN referral_crm.referral_scores n ON n.referral_id = p.referral_id AND n.purpose = 'noshow'
   WHERE p.noshow_score = n.score AND p.top_features -> 'noshow' = n.top_features}),
   $sql->(q{SELECT count(*) FROM referral_crm.referral_scores WHERE purpose = 'noshow'}),
   'pipeline carries every no-show score with its top features');

# 5. Another session's predict cache sees a new version at once.
my $x = q{ARRAY[10, 0, 0, 1, 0, 0, 2, 1, 1, 50]::float8[]};
my $a = $node->background_psql('postgres');
my $v2 = $a->query_safe(qq{SELECT referral_crm.predict('noshow', $x)});
is($v2, $sql->(qq{SELECT referral_crm.logit_predict(coefficients, $x) FROM referral_crm.current_models WHERE name = 'noshow'}),
   'session A predicts with version 2');
$sql->(q{SELECT referral_crm.train('noshow')});
my $v3 = $a->query_safe(qq{SELECT referral_crm.predict('noshow', $x)});
isnt($v3, $v2, 'after session B trains version 3, session A predicts differently');
is($v3, $sql->(qq{SELECT referral_crm.logit_predict(coefficients, $x) FROM referral_crm.models WHERE name = 'noshow' AND version = 3}),
   'session A uses version 3');
$sql->(q{DELETE FROM referral_crm.models WHERE name = 'noshow' AND version = 3});
is($a->query_safe(qq{SELECT referral_crm.predict('noshow', $x)}), $v2, 'and version 2 again once version 3 is deleted');
$a->quit;

# A REPEATABLE READ transaction that takes in the invalidation of a new
# version (here by locking another table) reloads the model under its older
# snapshot: correct inside it, but that older version must not stay cached
# once it ends, when no invalidation is left to come.
$a = $node->background_psql('postgres');
is($a->query_safe(qq{SELECT referral_crm.predict('noshow', $x)}), $v2, 'session A caches version 2');
$a->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
$a->query_safe('SELECT 1');
$sql->(q{SELECT referral_crm.train('noshow', l2 => 50)});
$a->query_safe('SELECT count(*) FROM referral_crm.zip_centroids');
is($a->query_safe(qq{SELECT referral_crm.predict('noshow', $x)}), $v2, 'inside its older snapshot: version 2');
$a->query_safe('COMMIT');
my $v3b = $sql->(qq{SELECT referral_crm.logit_predict(coefficients, $x) FROM referral_crm.current_models WHERE name = 'noshow'});
isnt($v3b, $v2, 'the penalised version 3 predicts differently');
is($a->query_safe(qq{SELECT referral_crm.predict('noshow', $x)}), $v3b, 'after it: version 3, not a stale version 2');
$sql->(q{DELETE FROM referral_crm.models WHERE name = 'noshow' AND version = 3});
$a->quit;

# Two sessions refilling at once: the second waits, then replaces.
my $b = $node->background_psql('postgres');
$b->query_safe('BEGIN');
$b->query_safe(q{SELECT referral_crm.score_referrals('conversion')});
my $c = $node->background_psql('postgres');
$c->query_until(qr/started/, q{\echo started
SELECT 'refilled:' || referral_crm.score_referrals('conversion');
});
$b->query_safe('COMMIT');
$b->quit;
ok($c->query_until(qr/refilled:3000/, ''), 'the waiting refill finishes after the first commits');
$c->quit;
is($sql->(q{SELECT count(*) FROM referral_crm.referral_scores WHERE purpose = 'conversion'}), '3000',
   'concurrent refills of a purpose do not collide');

# 6. Calibration of the no-show model on its own view.
my $cal = $sql->(q{SELECT count(*), sum(rows), bool_and(mean_score BETWEEN min_score AND max_score)
                     FROM referral_crm.calibration('noshow', 'SELECT * FROM referral_crm.noshow_features WHERE noshow IS NOT NULL')});
is($cal, '10|' . $sql->(q{SELECT count(*) FROM referral_crm.noshow_features WHERE noshow IS NOT NULL}) . '|t',
   'calibration: ten bins covering every labelled appointment');

# The holdout skips rows with a NULL feature, as training does: a held-out
# appointment of a patient without a birth date (age NULL) does not fail
# train().
is($sql->(q{
  BEGIN;
  UPDATE referral_crm.patients SET birth_date = NULL
   WHERE patient_id = (SELECT min(patient_id) FROM referral_crm.noshow_features
                        WHERE noshow IS NOT NULL AND referral_crm.in_test_set(appointment_id));
  SELECT (m.metrics->>'holdout_rows')::bigint = (SELECT count(*) FROM referral_crm.noshow_features
                                                 WHERE noshow IS NOT NULL AND age IS NOT NULL
                                                   AND referral_crm.in_test_set(appointment_id))
    FROM referral_crm.train('noshow') m;
  ROLLBACK}), 't', 'train() skips held-out rows with a NULL feature');

# 7. Catalog properties: dumped tables, invoker views, parallel safety.
is($sql->(q{SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_extension e, unnest(e.extconfig) r JOIN pg_class c ON c.oid = r
             WHERE e.extname = 'referral_crm' AND c.relname IN ('models', 'models_model_id_seq', 'referral_scores', 'zip_centroids')}),
   'models,models_model_id_seq,referral_scores,zip_centroids', 'models, scores and centroids are dumped');
is($sql->(q{SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
             WHERE relname IN ('conversion_features', 'noshow_features') AND 'security_invoker=true' = ANY (reloptions)}),
   'conversion_features,noshow_features', 'feature views run with the caller\'s privileges');
is($sql->(q{SELECT string_agg(proname, ',' ORDER BY proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'referral_crm' AND proname IN ('logit_pass', 'logit_merge', 'auc', 'log_loss', 'brier',
                   'logit_predict', 'predict', 'calibration', 'in_test_set', 'split_fraction') AND proparallel <> 's'}),
   '', 'training, prediction and evaluation are PARALLEL SAFE');
is($sql->(q{SELECT provolatile FROM pg_proc WHERE proname = 'logit_predict'}), 'i', 'logit_predict is IMMUTABLE');

done_testing();
