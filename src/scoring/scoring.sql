\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/scoring/scoring.sql
-- Logistic regression trained inside PostgreSQL (C: src/scoring/logit.c,
-- scoring_fmgr.c): the IRLS pass aggregate, train_logit, the models table
-- with its versions, prediction with a per-backend cache, evaluation
-- aggregates (auc, log_loss, brier), calibration and the train/test split.

------------------------------------------------------------------------
-- Models: one row per trained version
------------------------------------------------------------------------

CREATE TABLE referral_crm.models (
  model_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                text NOT NULL
                      CONSTRAINT models_name_format CHECK (length(name) BETWEEN 1 AND 100),
  version             integer NOT NULL CONSTRAINT models_version_positive CHECK (version > 0),
  purpose             text CONSTRAINT models_purpose_code CHECK (purpose IN ('conversion', 'noshow')),
  source_query        text NOT NULL,
  label               text NOT NULL,
  features            text[] NOT NULL,
  coefficients        double precision[] NOT NULL,
  std_errors          double precision[] NOT NULL,
  z_values            double precision[] NOT NULL,
  p_values            double precision[] NOT NULL,
  odds_ratios         double precision[] NOT NULL,
  feature_means       double precision[] NOT NULL,
  feature_scales      double precision[] NOT NULL,
  l2                  double precision NOT NULL DEFAULT 0,
  log_likelihood      double precision NOT NULL,
  null_log_likelihood double precision NOT NULL,
  mcfadden_r2         double precision NOT NULL,
  aic                 double precision NOT NULL,
  bic                 double precision NOT NULL,
  rows_used           bigint NOT NULL,
  rows_skipped        bigint NOT NULL,
  iterations          integer NOT NULL,
  condition_number    double precision,
  trained_at          timestamptz NOT NULL DEFAULT now(),
  trained_by          name NOT NULL DEFAULT current_user,
  metrics             jsonb NOT NULL DEFAULT '{}',
  UNIQUE (name, version),
  CONSTRAINT models_coefficients_length
    CHECK (cardinality(coefficients) = cardinality(features) + 1
           AND cardinality(std_errors) = cardinality(coefficients)
           AND cardinality(feature_means) = cardinality(features)
           AND cardinality(feature_scales) = cardinality(features))
);
COMMENT ON TABLE referral_crm.models IS
  'trained logistic-regression models, one row per version; the current version of a name is its highest';
COMMENT ON COLUMN referral_crm.models.coefficients IS
  'on the original scale of the features, intercept first';
COMMENT ON COLUMN referral_crm.models.std_errors IS
  'from the inverse Hessian at the final coefficients (penalised when l2 > 0)';
COMMENT ON COLUMN referral_crm.models.feature_means IS
  'the training means used for standardisation and for explaining scores';
COMMENT ON COLUMN referral_crm.models.feature_scales IS
  'the training population standard deviations used for standardisation (and for the l2 penalty)';
COMMENT ON COLUMN referral_crm.models.condition_number IS
  'sqrt(largest / smallest eigenvalue) of X''WX at the optimum on the original scale (MADlib''s condition_no)';

CREATE VIEW referral_crm.current_models WITH (security_invoker = true) AS
  SELECT DISTINCT ON (name) *
    FROM referral_crm.models
   ORDER BY name, version DESC;
COMMENT ON VIEW referral_crm.current_models IS 'the current (highest) version of every model';

-- Every change to models invalidates the model caches of all backends.
CREATE FUNCTION referral_crm.models_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'models_changed' LANGUAGE C;
CREATE TRIGGER models_changed
  AFTER INSERT OR UPDATE OR DELETE ON referral_crm.models
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.models_changed();
CREATE TRIGGER models_truncated
  AFTER TRUNCATE ON referral_crm.models
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.models_changed();

------------------------------------------------------------------------
-- Training
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.logit_pass_step(state double precision[], params double precision[],
                                             y double precision, x double precision[])
  RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'logit_pass_step'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION referral_crm.logit_pass_combine(double precision[], double precision[])
  RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'logit_pass_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE referral_crm.logit_pass(params double precision[], y double precision,
                                         x double precision[]) (
  SFUNC = referral_crm.logit_pass_step,
  STYPE = double precision[],
  COMBINEFUNC = referral_crm.logit_pass_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE referral_crm.logit_pass(double precision[], double precision, double precision[]) IS
  'one IRLS pass: params = coefficients (standardised, intercept first), means, scales; the float8[] state holds counts, log-likelihood, gradient and X''WX';

CREATE FUNCTION referral_crm.logit_pass_columns_step(state double precision[], params double precision[],
                                                     y "any", VARIADIC x "any")
  RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'logit_pass_columns_step'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE referral_crm.logit_pass_columns(params double precision[], y "any", VARIADIC x "any") (
  SFUNC = referral_crm.logit_pass_columns_step,
  STYPE = double precision[],
  COMBINEFUNC = referral_crm.logit_pass_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE referral_crm.logit_pass_columns(double precision[], "any", VARIADIC "any") IS
  'logit_pass reading the label and features from columns of any numeric or boolean type (what train_logit runs)';

-- Merge pass states computed elsewhere (shards, partitions, batches).
CREATE AGGREGATE referral_crm.logit_merge(state double precision[]) (
  SFUNC = referral_crm.logit_pass_combine,
  STYPE = double precision[],
  COMBINEFUNC = referral_crm.logit_pass_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE referral_crm.logit_merge(double precision[]) IS
  'the sum of logit_pass states of the same pass computed on parts of the data (shards, partitions)';

CREATE FUNCTION referral_crm.train_logit(model_name text, source_query text, label text,
                                         features text[], l2 double precision DEFAULT 0,
                                         max_iter integer DEFAULT 50)
  RETURNS referral_crm.models
  AS 'MODULE_PATHNAME', 'train_logit'
  LANGUAGE C VOLATILE CALLED ON NULL INPUT;
COMMENT ON FUNCTION referral_crm.train_logit(text, text, text, text[], double precision, integer) IS
  'fit a logistic regression by Newton/IRLS (one parallel aggregate pass per iteration) and record it as a new version in referral_crm.models';

-- A feature or label value as float8 (numbers as they are, booleans 0/1).
CREATE FUNCTION referral_crm.feature_value(v double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN v;
CREATE FUNCTION referral_crm.feature_value(v boolean) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN v::integer::double precision;

------------------------------------------------------------------------
-- Prediction and explanation
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.logit_predict(coef double precision[], x double precision[])
  RETURNS double precision
  AS 'MODULE_PATHNAME', 'logit_predict'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.logit_predict(double precision[], double precision[]) IS
  'the probability 1 / (1 + exp(-(coef[1] + coef[2:] . x))), computed without overflow';

CREATE FUNCTION referral_crm.predict(model_name text, x double precision[])
  RETURNS double precision
  AS 'MODULE_PATHNAME', 'predict'
  LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.predict(text, double precision[]) IS
  'the probability from the current version of a model (cached per backend, refreshed when models change)';

CREATE FUNCTION referral_crm.logit_contributions(coef double precision[], means double precision[],
                                                 x double precision[], features text[],
                                                 top integer DEFAULT 3)
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'logit_contributions'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.logit_contributions(double precision[], double precision[], double precision[], text[], integer) IS
  'the top features by |coefficient x (value - mean)| (standardised coefficient x standardised value) as [{feature, contribution}]';

------------------------------------------------------------------------
-- Evaluation
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.auc_step(internal, double precision, boolean) RETURNS internal
  AS 'MODULE_PATHNAME', 'auc_step' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION referral_crm.auc_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'auc_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION referral_crm.auc_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME', 'auc_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.auc_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'auc_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.auc_final(internal) RETURNS double precision
  AS 'MODULE_PATHNAME', 'auc_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE referral_crm.auc(score double precision, label boolean) (
  SFUNC = referral_crm.auc_step,
  STYPE = internal,
  FINALFUNC = referral_crm.auc_final,
  FINALFUNC_MODIFY = READ_WRITE,
  COMBINEFUNC = referral_crm.auc_combine,
  SERIALFUNC = referral_crm.auc_serialize,
  DESERIALFUNC = referral_crm.auc_deserialize,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE referral_crm.auc(double precision, boolean) IS
  'exact area under the ROC curve (ties count one half); NULL unless both labels occur';

CREATE FUNCTION referral_crm.log_loss_step(double precision[], double precision, boolean)
  RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'log_loss_step' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.brier_step(double precision[], double precision, boolean)
  RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'brier_step' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.mean_metric_combine(double precision[], double precision[])
  RETURNS double precision[]
  AS 'MODULE_PATHNAME', 'mean_metric_combine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.mean_metric_final(double precision[]) RETURNS double precision
  AS 'MODULE_PATHNAME', 'mean_metric_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE referral_crm.log_loss(score double precision, label boolean) (
  SFUNC = referral_crm.log_loss_step,
  STYPE = double precision[],
  INITCOND = '{0,0,0}',
  FINALFUNC = referral_crm.mean_metric_final,
  COMBINEFUNC = referral_crm.mean_metric_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE referral_crm.log_loss(double precision, boolean) IS
  'mean negative log-likelihood of the labels under the scores (scores clipped to [1e-15, 1 - 1e-15])';

CREATE AGGREGATE referral_crm.brier(score double precision, label boolean) (
  SFUNC = referral_crm.brier_step,
  STYPE = double precision[],
  INITCOND = '{0,0,0}',
  FINALFUNC = referral_crm.mean_metric_final,
  COMBINEFUNC = referral_crm.mean_metric_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE referral_crm.brier(double precision, boolean) IS
  'mean squared difference between score and label (Brier score)';

CREATE FUNCTION referral_crm.split_fraction(id bigint, seed integer DEFAULT 0)
  RETURNS double precision
  AS 'MODULE_PATHNAME', 'split_fraction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.split_fraction(bigint, integer) IS
  'a number in [0, 1) fixed by id and seed (splitmix64), the same on every platform and release';
CREATE FUNCTION referral_crm.in_test_set(id bigint, test_fraction double precision DEFAULT 0.2,
                                         seed integer DEFAULT 0)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'in_test_set' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.in_test_set(bigint, double precision, integer) IS
  'deterministic train/test split by hash of id: true for about test_fraction of ids';

-- Calibration of the current version of a model on the rows of a query
-- (columns named like the model's label and features), by score bins.
CREATE FUNCTION referral_crm.calibration(model_name text, query text, bins integer DEFAULT 10)
  RETURNS TABLE (bin integer, rows bigint, mean_score double precision,
                 observed_rate double precision, min_score double precision,
                 max_score double precision)
  LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
  m referral_crm.models;
  xs text;
BEGIN
  IF bins IS NULL OR bins < 2 OR bins > 1000 THEN
    RAISE EXCEPTION 'bins must be between 2 and 1000, not %', bins
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO m FROM referral_crm.models c WHERE c.name = model_name ORDER BY c.version DESC LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'model "%" does not exist', model_name
      USING ERRCODE = 'undefined_object',
            HINT = 'Train it with referral_crm.train_logit() or referral_crm.train().';
  END IF;
  SELECT string_agg(format('referral_crm.feature_value(s.%I)', f), ', ' ORDER BY o)
    INTO xs FROM unnest(m.features) WITH ORDINALITY AS u (f, o);
  RETURN QUERY EXECUTE format(
    'SELECT b, count(*), avg(score), avg(y), min(score), max(score)
       FROM (SELECT score, y, ntile(%s) OVER (ORDER BY score)::integer AS b
               FROM (SELECT referral_crm.logit_predict($1, x) AS score, y
                       FROM (SELECT ARRAY[%s]::float8[] AS x, referral_crm.feature_value(s.%I) AS y
                               FROM (%s) AS s) AS t0
                      WHERE pg_catalog.array_position(x, NULL) IS NULL AND y IS NOT NULL) AS t) AS u
      GROUP BY b ORDER BY b',
    bins, xs, m.label, query)
    USING m.coefficients;
END
$$;
COMMENT ON FUNCTION referral_crm.calibration(text, text, integer) IS
  'observed rate against mean score by score bins (deciles by default) for the current version of a model';
