-- scoring: logistic regression inside PostgreSQL (train_logit, models,
-- predict, evaluation aggregates, split, explanations) and its errors.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- MADlib's documented 20-row example (logregr_train): second heart attack
-- against treatment and trait anxiety.
CREATE TEMP TABLE scoring_patients (id int, second_attack int, treatment int, trait_anxiety int);
INSERT INTO scoring_patients VALUES
  (1,1,1,70),(2,1,1,80),(3,1,1,50),(4,1,0,60),(5,1,0,40),(6,1,0,65),(7,1,0,75),(8,1,0,80),(9,1,0,70),(10,1,0,60),
  (11,0,1,65),(12,0,1,50),(13,0,1,45),(14,0,1,35),(15,0,1,40),(16,0,1,50),(17,0,0,55),(18,0,0,45),(19,0,0,50),(20,0,0,60);

SELECT name, version, purpose, label, features, rows_used, rows_skipped, iterations, trained_by = current_user AS by_me
  FROM referral_crm.train_logit('scoring_madlib', 'SELECT * FROM scoring_patients ; ', 'second_attack',
                                ARRAY['treatment', 'trait_anxiety']);

-- Coefficients, standard errors, z, p, odds ratios (MADlib: -6.36346994178192,
-- -1.02410605239327, 0.119044916668607; log-likelihood -9.41018298388876).
SELECT i, round(coefficients[i]::numeric, 10) AS coef, round(std_errors[i]::numeric, 8) AS se,
       round(z_values[i]::numeric, 8) AS z, round(p_values[i]::numeric, 8) AS p,
       round(odds_ratios[i]::numeric, 8) AS odds_ratio
  FROM referral_crm.models, generate_subscripts(coefficients, 1) i
 WHERE name = 'scoring_madlib' ORDER BY i;
SELECT round(log_likelihood::numeric, 10) AS ll, round(null_log_likelihood::numeric, 10) AS ll0,
       round(mcfadden_r2::numeric, 10) AS r2, round(aic::numeric, 8) AS aic, round(bic::numeric, 8) AS bic,
       round(condition_number::numeric, 4) AS condition_number, l2,
       metrics->'converged' AS converged, metrics->'positive_rate' AS positive_rate
  FROM referral_crm.models WHERE name = 'scoring_madlib';
-- within 1e-10 of MADlib
SELECT abs(coefficients[1] - -6.36346994178192) < 1e-10 * 6.36346994178192 AS b0,
       abs(coefficients[2] - -1.02410605239327) < 1e-10 * 1.02410605239327 AS b1,
       abs(coefficients[3] - 0.119044916668607) < 1e-10 * 0.119044916668607 AS b2,
       abs(log_likelihood - -9.41018298388876) < 1e-10 * 9.41018298388876 AS ll
  FROM referral_crm.models WHERE name = 'scoring_madlib';

-- A boolean label gives the same fit; NULL rows are skipped and counted.
SELECT version, rows_used, rows_skipped,
       round(coefficients[3]::numeric, 10) AS b_anxiety
  FROM referral_crm.train_logit('scoring_madlib',
         'SELECT second_attack = 1 AS attacked, treatment, CASE WHEN id % 7 = 0 THEN NULL ELSE trait_anxiety END AS trait_anxiety
            FROM scoring_patients UNION ALL SELECT NULL, 1, 50',
         'attacked', ARRAY['treatment', 'trait_anxiety']);
-- Retraining keeps the old version; current_models shows the newest.
SELECT name, version, rows_used FROM referral_crm.models WHERE name = 'scoring_madlib' ORDER BY version;
SELECT name, version FROM referral_crm.current_models WHERE name = 'scoring_madlib';

-- L2: penalty on standardised coefficients, intercept unpenalised.
SELECT round(coefficients[2]::numeric, 8) AS b_treatment, round(coefficients[3]::numeric, 8) AS b_anxiety,
       round((metrics->>'penalised_log_likelihood')::numeric, 8) AS penalised_ll, l2
  FROM referral_crm.train_logit('scoring_madlib_l2', 'SELECT * FROM scoring_patients', 'second_attack',
                                ARRAY['treatment', 'trait_anxiety'], l2 => 2);

-- Prediction: logit_predict and predict (current version, cached).
SELECT round(referral_crm.logit_predict(ARRAY[-6.36346994178192, -1.02410605239327, 0.119044916668607], ARRAY[1, 70])::numeric, 10) AS p;
SELECT referral_crm.logit_predict(ARRAY[0, 1], ARRAY[800]) AS one, referral_crm.logit_predict(ARRAY[0, 1], ARRAY[-800]) AS zero,
       referral_crm.logit_predict(ARRAY[0, 1], ARRAY[-30]) > 0 AS tiny_but_positive;
SELECT round(referral_crm.predict('scoring_madlib', ARRAY[1, 70])::numeric, 10) AS current_v2;
-- the cache follows every change, committed or rolled back
BEGIN;
DELETE FROM referral_crm.models WHERE name = 'scoring_madlib' AND version = 2;
SELECT round(referral_crm.predict('scoring_madlib', ARRAY[1, 70])::numeric, 10) AS back_to_v1;
UPDATE referral_crm.models SET coefficients = '{0,0,0}' WHERE name = 'scoring_madlib';
SELECT referral_crm.predict('scoring_madlib', ARRAY[1, 70]) AS after_update;
ROLLBACK;
SELECT round(referral_crm.predict('scoring_madlib', ARRAY[1, 70])::numeric, 10) AS after_rollback_v2;
BEGIN;
DELETE FROM referral_crm.models WHERE name = 'scoring_madlib' AND version = 2;
COMMIT;
SELECT round(referral_crm.predict('scoring_madlib', ARRAY[1, 70])::numeric, 10) AS after_commit_v1;
SELECT referral_crm.predict('scoring_madlib', ARRAY[1, 70, 3]);
SELECT referral_crm.predict('scoring_no_such_model', ARRAY[1, 70]);
SELECT referral_crm.logit_predict(ARRAY[1, 2, 3], ARRAY[1]);
SELECT referral_crm.logit_predict(ARRAY[1, 2], ARRAY['NaN']::float8[]);
SELECT referral_crm.logit_predict(ARRAY[1, 2], ARRAY[NULL]::float8[]);
-- finite values whose products overflow both ways: an error, not NaN
SELECT referral_crm.logit_predict(ARRAY[0, 2, -2], ARRAY[1e308, 1e308]);
SELECT referral_crm.logit_predict(ARRAY[0, 2, 2], ARRAY[1e308, 1e308]) AS overflow_one_way_is_one;
-- a model name of 100 two-byte characters (200 bytes) is found
SELECT version FROM referral_crm.train_logit(repeat('é', 100), 'SELECT * FROM scoring_patients', 'second_attack',
                                             ARRAY['treatment', 'trait_anxiety']);
SELECT round(referral_crm.predict(repeat('é', 100), ARRAY[1, 70])::numeric, 10) AS long_name;
DELETE FROM referral_crm.models WHERE name = repeat('é', 100);

-- Explanations: coefficient x (value - mean), largest first.
SELECT e->>'feature' AS feature, round((e->>'contribution')::numeric, 10) AS contribution
  FROM referral_crm.models,
       jsonb_array_elements(referral_crm.logit_contributions(coefficients, feature_means, ARRAY[1, 35], features, 3)) e
 WHERE name = 'scoring_madlib';
SELECT referral_crm.logit_contributions(ARRAY[0, 2, -1, 0.5], ARRAY[0, 0, 0], ARRAY[1, 3, -2], ARRAY['a', 'b "q"', 'c'], 2);
SELECT referral_crm.logit_contributions(ARRAY[0, 2], ARRAY[0, 0], ARRAY[1], ARRAY['a'], 1);

-- Evaluation aggregates against hand-computed values.
CREATE TEMP TABLE scoring_eval (score float8, label boolean);
INSERT INTO scoring_eval VALUES (0.1, false), (0.4, false), (0.35, true), (0.8, true), (0.4, true), (NULL, true), (0.2, NULL);
SELECT referral_crm.auc(score, label) AS auc,             -- (1 + 2 + 1.5) / 6 = 0.75
       round(referral_crm.log_loss(score, label)::numeric, 12) AS log_loss,
       round(referral_crm.brier(score, label)::numeric, 12) AS brier
  FROM scoring_eval;
SELECT round(avg(CASE WHEN label THEN -ln(score) ELSE -ln(1 - score) END)::numeric, 12) AS log_loss_by_hand,
       round(avg((score - label::int) ^ 2)::numeric, 12) AS brier_by_hand
  FROM scoring_eval WHERE score IS NOT NULL AND label IS NOT NULL;
SELECT referral_crm.auc(score, label) AS one_class, referral_crm.log_loss(score, label) AS empty
  FROM scoring_eval WHERE label AND score > 1;
SELECT referral_crm.log_loss(s, l) FROM (VALUES (0.0::float8, true), (1.0, false)) v (s, l);
SELECT referral_crm.auc(s, l) FROM (VALUES (0.5::float8, true), (0.5, false)) v (s, l);
SELECT referral_crm.brier(1.5, true);
SELECT referral_crm.log_loss(-0.1, true);
SELECT referral_crm.auc('NaN', true);
SELECT referral_crm.auc(s, l) OVER (ORDER BY s ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
  FROM (VALUES (0.1::float8, false), (0.4, true), (0.3, false), (0.9, true)) v (s, l);

-- Calibration by bins of the current version's scores.
SELECT bin, rows, round(mean_score::numeric, 6) AS mean_score, observed_rate
  FROM referral_crm.calibration('scoring_madlib', 'SELECT * FROM scoring_patients', 4);
SELECT * FROM referral_crm.calibration('scoring_no_such_model', 'SELECT 1');
SELECT * FROM referral_crm.calibration('scoring_madlib', 'SELECT 1', 1);

-- Deterministic split by hash of id.
SELECT referral_crm.split_fraction(1) AS f1, referral_crm.split_fraction(1, 7) AS f1_seed7,
       referral_crm.split_fraction(-42) AS f_neg;
SELECT count(*) FILTER (WHERE referral_crm.in_test_set(g)) AS test_rows,
       count(*) FILTER (WHERE referral_crm.in_test_set(g, 0.5, 3)) AS half_seed3
  FROM generate_series(1, 10000) g;
SELECT referral_crm.in_test_set(1, 1.5);

-- Bad input: each is a clear error with a hint.
\set VERBOSITY default
CREATE TEMP TABLE scoring_bad AS
  SELECT g AS id, (g % 3 = 0)::int AS y, g % 17 AS a, (g * 7) % 11 AS b, 'x' || g AS t, 5 AS c
    FROM generate_series(1, 300) g;
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 't', ARRAY['a']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT *, y + 1 AS y2 FROM scoring_bad', 'y2', ARRAY['a']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', ARRAY['a', 't']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', ARRAY['a', 'c']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT *, a AS a_again FROM scoring_bad', 'y', ARRAY['a', 'b', 'a_again']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT *, -2 * b AS mirror FROM scoring_bad', 'y', ARRAY['b', 'mirror']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT *, a + 2 * b AS combo FROM scoring_bad', 'y', ARRAY['a', 'b', 'combo']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad WHERE id <= 2', 'y', ARRAY['a', 'b']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad WHERE false', 'y', ARRAY['a']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT y, NULL::int AS a FROM scoring_bad', 'y', ARRAY['a']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad WHERE y = 1', 'y', ARRAY['a']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', ARRAY['a', 'nope']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'nope', ARRAY['a']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', ARRAY['a', 'a']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', ARRAY['y']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', '{}');
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', ARRAY['a'], l2 => -1);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', ARRAY['a'], max_iter => 0);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT * FROM scoring_bad', 'y', ARRAY['a', 'b'], max_iter => 1);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT *, ''Infinity''::float8 AS inf FROM scoring_bad', 'y', ARRAY['a', 'inf']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT *, a * 1e200::float8 AS huge FROM scoring_bad', 'y', ARRAY['huge']);
SELECT referral_crm.train_logit(NULL, 'SELECT 1', 'y', ARRAY['a']);
SELECT referral_crm.train_logit('', 'SELECT 1', 'y', ARRAY['a']);
-- perfect separation (complete, then quasi-complete), and the cure: l2
SELECT referral_crm.train_logit('scoring_bad', 'SELECT *, y AS leak FROM scoring_bad', 'y', ARRAY['a', 'leak']);
SELECT referral_crm.train_logit('scoring_bad', 'SELECT *, (y = 1 AND id % 2 = 0)::int AS leak FROM scoring_bad', 'y', ARRAY['a', 'leak']);
SELECT round(coefficients[3]::numeric, 6) AS leak_coef, iterations
  FROM referral_crm.train_logit('scoring_sep_l2', 'SELECT *, y AS leak FROM scoring_bad', 'y', ARRAY['a', 'leak'], l2 => 1);
-- no failed attempt left a row behind
SELECT count(*) FROM referral_crm.models WHERE name = 'scoring_bad';

-- The aggregate state is checked before use.
SELECT referral_crm.logit_pass(ARRAY[0, 0]::float8[], 1, ARRAY[1]::float8[]);
SELECT referral_crm.logit_pass(ARRAY[0, 0, 0, 0]::float8[], 1, ARRAY[1]::float8[]);
SELECT cardinality(referral_crm.logit_pass(ARRAY[0, 0, 0, 1]::float8[], y, ARRAY[a]::float8[])) AS state_len
  FROM scoring_bad;
SELECT referral_crm.logit_pass(ARRAY[0, 0, 0, 1]::float8[], y, ARRAY[a, b]::float8[]) FROM scoring_bad;
SELECT referral_crm.logit_pass_combine(ARRAY[1]::float8[], ARRAY[2]::float8[]);
-- the column form (what train_logit runs) equals the array form
SELECT referral_crm.logit_pass_columns(ARRAY[0.1, 0.2, 0.3, 5, 8, 4, 3]::float8[], y = 1, a, b::numeric)
       = referral_crm.logit_pass(ARRAY[0.1, 0.2, 0.3, 5, 8, 4, 3]::float8[], y, ARRAY[a, b]::float8[]) AS same_state
  FROM scoring_bad;
SELECT referral_crm.logit_pass_columns(ARRAY[0, 0, 0, 1]::float8[], y, t) FROM scoring_bad;
SELECT referral_crm.logit_pass_columns(ARRAY[0, 0, 0, 1]::float8[], y, a, b) FROM scoring_bad;
SELECT referral_crm.logit_pass_columns(ARRAY[0, 0, 0, 1]::float8[], y + 1, a) FROM scoring_bad;
SELECT referral_crm.logit_pass_columns(ARRAY[0, 0, 0, 1]::float8[], y, NULL::int) FROM scoring_bad;

-- More features than a function takes arguments (100): the pass reads an
-- array per row instead of one argument per column.
DO $$
BEGIN
  EXECUTE 'CREATE TEMP TABLE scoring_wide AS SELECT g AS id, (referral_crm.split_fraction(g, 5) < 0.5) AS y, '
       || (SELECT string_agg(format('referral_crm.split_fraction(g, %s) + CASE WHEN g %% 7 = %s THEN 0.1 ELSE 0 END AS f%s',
                                    j + 10, j % 7, j), ', ' ORDER BY j)
             FROM generate_series(1, 120) j)
       || ' FROM generate_series(1, 400) g';
END
$$;
SELECT cardinality(features) AS features, rows_used, iterations, metrics->'converged' AS converged
  FROM referral_crm.train_logit('scoring_wide', 'SELECT * FROM scoring_wide', 'y',
                                (SELECT array_agg('f' || j ORDER BY j) FROM generate_series(1, 120) j), l2 => 1);
-- at the boundary: 97 features are the column form's last (99 aggregate
-- arguments), 98 the array form's first
SELECT cardinality(features) AS features, rows_used
  FROM referral_crm.train_logit('scoring_wide97', 'SELECT * FROM scoring_wide', 'y',
                                (SELECT array_agg('f' || j ORDER BY j) FROM generate_series(1, 97) j), l2 => 1);
SELECT cardinality(features) AS features, rows_used
  FROM referral_crm.train_logit('scoring_wide98', 'SELECT * FROM scoring_wide', 'y',
                                (SELECT array_agg('f' || j ORDER BY j) FROM generate_series(1, 98) j), l2 => 1);

-- One-call training knows two purposes.
SELECT referral_crm.train('churn');
SELECT referral_crm.score_referrals('churn');

DELETE FROM referral_crm.models WHERE name LIKE 'scoring\_%';

-- Great-circle distance: antipodes do not fail on rounding; latitudes
-- outside [-90, 90] give NULL, not an arithmetic error.
SELECT round(referral_crm.distance_km(0, 0, 0, 180)::numeric, 1) AS half_circumference,
       round(referral_crm.distance_km(43.6591, -70.2568, 43.6615, -70.2553)::numeric, 3) AS portland_blocks,
       referral_crm.distance_km(100, 0, 0, 0) AS bad_latitude, referral_crm.distance_km(0, 'NaN', 0, 0) AS nan_longitude;

-- Dates, weekdays, hours and ages in features and routing attributes are
-- taken in the organisation's time zone (crm_config.time_zone, UTC here),
-- whatever the session's TimeZone.
SELECT referral_crm.calendar_zone();
CREATE TEMP TABLE tz_utc AS
  SELECT appointment_id, start_at, lead_days, same_day, weekday, age FROM referral_crm.noshow_features;
CREATE TEMP TABLE tz_utc_routing AS SELECT referral_id, hour, weekday, patient_age FROM referral_crm.routing_input;
SET TimeZone = 'Pacific/Kiritimati';
-- what a session's zone would move (the appointments after 10:00 UTC fall
-- on the next day at UTC+14) ...
SELECT count(*) AS appointments,
       count(*) FILTER (WHERE extract(isodow FROM start_at) <> weekday) AS session_weekday_differs
  FROM tz_utc;
-- ... moves nothing
SELECT count(*) FILTER (WHERE (f.lead_days, f.same_day, f.weekday, f.age)
                              IS DISTINCT FROM (u.lead_days, u.same_day, u.weekday, u.age)) AS features_changed
  FROM referral_crm.noshow_features f JOIN tz_utc u USING (appointment_id);
SELECT count(*) AS referrals,
       count(*) FILTER (WHERE (r.hour, r.weekday, r.patient_age)
                              IS DISTINCT FROM (u.hour, u.weekday, u.patient_age)) AS routing_changed
  FROM referral_crm.routing_input r JOIN tz_utc_routing u USING (referral_id);
-- the organisation's zone does move them
UPDATE referral_crm.crm_config SET time_zone = 'Pacific/Kiritimati';
SELECT count(*) FILTER (WHERE f.weekday <> u.weekday) AS weekdays_moved
  FROM referral_crm.noshow_features f JOIN tz_utc u USING (appointment_id);
SELECT count(*) FILTER (WHERE r.hour <> u.hour) AS hours_moved
  FROM referral_crm.routing_input r JOIN tz_utc_routing u USING (referral_id);
UPDATE referral_crm.crm_config SET time_zone = 'UTC';
SET TimeZone = 'UTC';

-- A feature that varies only in rows that training skips (they lack
-- another feature: no birth date, so no age) is constant in the rows
-- trained on: it is left out like any constant feature, not an error.
BEGIN;
INSERT INTO referral_crm.patients (given_name, family_name, birth_date, source_system, source_id)
SELECT 'Tess', 'Const' || g, CASE WHEN g <= 60 THEN date '1940-01-01' + g * 300 END, 'const-test', 'P' || g
  FROM generate_series(1, 70) g;
INSERT INTO referral_crm.appointments (patient_id, status, start_at, booked_at, reminder_sent, source_system, source_id)
SELECT p.patient_id, CASE WHEN g % 3 = 0 OR g % 7 = 0 THEN 'noshow' ELSE 'fulfilled' END,
       timestamptz '2026-01-05 09:00+00' + g * interval '1 day',
       timestamptz '2026-01-05 09:00+00' + g * interval '1 day' - (g % 11) * interval '1 day',
       g > 60 AND g % 2 = 0, 'const-test', 'A' || g
  FROM generate_series(1, 70) g
  JOIN referral_crm.patients p ON p.source_system = 'const-test' AND p.source_id = 'P' || g;
SELECT count(*) FILTER (WHERE reminder_sent) AS reminded, count(*) FILTER (WHERE reminder_sent AND age IS NULL) AS reminded_without_age
  FROM referral_crm.noshow_features WHERE noshow IS NOT NULL AND NOT referral_crm.in_test_set(appointment_id, 0.2, 0);
SELECT m.rows_used > 0 AS trained, m.metrics->'left_out_constant_features' AS left_out
  FROM referral_crm.train('noshow', l2 => 1) m;
ROLLBACK;
