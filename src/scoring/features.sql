\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/scoring/features.sql
-- Feature views over the data model, one-call training per purpose
-- (conversion of a referral to a visit; no-show of an appointment), and
-- referral_scores, the scores with their top contributing features that
-- the pipeline views read.

------------------------------------------------------------------------
-- Geography
------------------------------------------------------------------------

CREATE TABLE referral_crm.zip_centroids (
  zip       text PRIMARY KEY CHECK (referral_crm.check_code('zip', zip)),
  latitude  double precision NOT NULL CONSTRAINT zip_centroids_latitude_range CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision NOT NULL CONSTRAINT zip_centroids_longitude_range CHECK (longitude BETWEEN -180 AND 180)
);
COMMENT ON TABLE referral_crm.zip_centroids IS
  'optional ZIP centroids for patient distances; without a row, the mean position of the locations in the ZIP is used';

CREATE FUNCTION referral_crm.distance_km(lat1 double precision, lon1 double precision,
                                         lat2 double precision, lon2 double precision)
  RETURNS double precision
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN lat1 BETWEEN -90 AND 90 AND lat2 BETWEEN -90 AND 90
                   AND lon1 BETWEEN -360 AND 360 AND lon2 BETWEEN -360 AND 360
              THEN 2 * 6371.0088 * asin(least(1.0, sqrt(power(sin(radians(lat2 - lat1) / 2), 2)
                                                        + cos(radians(lat1)) * cos(radians(lat2))
                                                          * power(sin(radians(lon2 - lon1) / 2), 2)))) END;
COMMENT ON FUNCTION referral_crm.distance_km(double precision, double precision, double precision, double precision) IS
  'great-circle (haversine) distance in km on the mean Earth radius; NULL unless latitudes are within [-90, 90] and longitudes within [-360, 360]';

------------------------------------------------------------------------
-- Feature views
------------------------------------------------------------------------

CREATE VIEW referral_crm.conversion_features WITH (security_invoker = true) AS
WITH waits AS (
  SELECT r.target_specialty AS specialty,
         date_trunc('week', a.booked_at AT TIME ZONE (SELECT referral_crm.calendar_zone())) AS week,
         avg(extract(epoch FROM a.start_at - a.booked_at) / 86400.0)::double precision AS days
    FROM referral_crm.appointments a
    JOIN referral_crm.referrals r ON r.referral_id = a.referral_id
   WHERE a.booked_at IS NOT NULL AND a.start_at >= a.booked_at AND r.target_specialty IS NOT NULL
   GROUP BY 1, 2
), specialty_waits AS (
  SELECT specialty, avg(days) AS days FROM waits GROUP BY 1
), zip_positions AS (
  SELECT l.zip, avg(l.latitude) AS latitude, avg(l.longitude) AS longitude
    FROM referral_crm.locations l
   WHERE l.latitude IS NOT NULL AND l.zip IS NOT NULL
   GROUP BY l.zip
)
SELECT r.referral_id,
       r.patient_id,
       r.authored_at,
       r.stage,
       CASE r.stage WHEN 'visit-completed' THEN true WHEN 'closed-lost' THEN false END AS converted,
       referral_crm.code_rank('priority', r.priority) AS priority_rank,
       coalesce(pp.prior_auth_required
                AND (cardinality(pp.prior_auth_specialties) = 0
                     OR r.target_specialty = ANY (pp.prior_auth_specialties)), false) AS prior_auth_required,
       coalesce(dist.km, 0) AS distance_km,
       dist.km IS NULL AS distance_unknown,
       (coalesce(rr.converted, 0) + 1.0)::double precision / (coalesce(rr.closed, 0) + 2) AS referrer_conversion_rate,
       coalesce(w.days, sw.days, 0) AS days_to_first_slot,
       CASE WHEN pn.seen > 0 THEN pn.noshows::double precision / pn.seen ELSE 0 END AS patient_noshow_rate
  FROM referral_crm.referrals r
  JOIN referral_crm.patients pt ON pt.patient_id = r.patient_id
  LEFT JOIN referral_crm.payer_plans pp ON pp.plan_id = r.plan_id
  LEFT JOIN referral_crm.zip_centroids zc ON zc.zip = pt.zip
  LEFT JOIN zip_positions zp ON zp.zip = pt.zip
  LEFT JOIN LATERAL (
    SELECT l.latitude, l.longitude
      FROM referral_crm.locations l
     WHERE l.location_id = coalesce(r.target_location_id,
                                    (SELECT cl.location_id FROM referral_crm.clinician_locations cl
                                      WHERE cl.clinician_id = r.target_clinician_id AND cl.is_primary))
  ) tl ON true
  LEFT JOIN LATERAL (
    SELECT referral_crm.distance_km(coalesce(zc.latitude, zp.latitude), coalesce(zc.longitude, zp.longitude),
                                    tl.latitude, tl.longitude) AS km
  ) dist ON true
  LEFT JOIN LATERAL (
    SELECT count(*) AS closed, count(*) FILTER (WHERE r2.stage = 'visit-completed') AS converted
      FROM referral_crm.referrals r2
     WHERE r2.referring_clinician_id = r.referring_clinician_id
       AND r2.authored_at < r.authored_at
       AND r2.stage IN ('visit-completed', 'closed-lost')
  ) rr ON true
  LEFT JOIN waits w ON w.specialty = r.target_specialty
                   AND w.week = date_trunc('week', r.authored_at AT TIME ZONE (SELECT referral_crm.calendar_zone()))
                                - interval '1 week'
  LEFT JOIN specialty_waits sw ON sw.specialty = r.target_specialty
  LEFT JOIN LATERAL (
    SELECT count(*) AS seen, count(*) FILTER (WHERE a.status = 'noshow') AS noshows
      FROM referral_crm.appointments a
     WHERE a.patient_id = r.patient_id
       AND a.start_at < r.authored_at
       AND a.status IN ('noshow', 'fulfilled', 'arrived', 'checked-in')
  ) pn ON true
 WHERE r.status <> 'entered-in-error';
COMMENT ON VIEW referral_crm.conversion_features IS
  'one row per referral: converted (visit-completed true, closed-lost false, open NULL) and the conversion features, each known when the referral was authored';

CREATE VIEW referral_crm.noshow_features WITH (security_invoker = true) AS
SELECT a.appointment_id,
       a.referral_id,
       a.patient_id,
       a.start_at,
       a.status,
       CASE WHEN a.status = 'noshow' THEN true
            WHEN a.status IN ('fulfilled', 'arrived', 'checked-in') THEN false END AS noshow,
       greatest(cal.start_day - cal.booked_day, 0) AS lead_days,
       cal.start_day <= cal.booked_day AS same_day,
       extract(isodow FROM cal.start_local)::integer AS weekday,
       extract(isodow FROM cal.start_local) = 2 AS wd_tue,
       extract(isodow FROM cal.start_local) = 3 AS wd_wed,
       extract(isodow FROM cal.start_local) = 4 AS wd_thu,
       extract(isodow FROM cal.start_local) = 5 AS wd_fri,
       extract(isodow FROM cal.start_local) >= 6 AS wd_weekend,
       prior.appointments AS prior_appointments,
       prior.noshows AS prior_noshows,
       a.reminder_sent,
       extract(year FROM age(cal.start_day, p.birth_date))::integer AS age
  FROM referral_crm.appointments a
  JOIN referral_crm.patients p ON p.patient_id = a.patient_id
  -- dates and weekdays in the organisation's zone, not the session's
  -- (each (SELECT calendar_zone()) is an init plan: one call per query)
  CROSS JOIN LATERAL (
    SELECT a.start_at AT TIME ZONE (SELECT referral_crm.calendar_zone()) AS start_local,
           (a.start_at AT TIME ZONE (SELECT referral_crm.calendar_zone()))::date AS start_day,
           (coalesce(a.booked_at, a.created_at) AT TIME ZONE (SELECT referral_crm.calendar_zone()))::date AS booked_day
  ) cal
  LEFT JOIN LATERAL (
    SELECT count(*) AS appointments, count(*) FILTER (WHERE a2.status = 'noshow') AS noshows
      FROM referral_crm.appointments a2
     WHERE a2.patient_id = a.patient_id
       AND a2.start_at < coalesce(a.booked_at, a.created_at)
       AND a2.status IN ('noshow', 'fulfilled', 'arrived', 'checked-in')
  ) prior ON true
 WHERE a.status <> 'entered-in-error';
COMMENT ON VIEW referral_crm.noshow_features IS
  'one row per appointment: noshow (NULL while not yet attended or missed) and the no-show features, past attendance as known at booking time';

------------------------------------------------------------------------
-- One-call training and scoring
------------------------------------------------------------------------

-- The view, label, id and default features of a purpose.
CREATE FUNCTION referral_crm.scoring_purpose(purpose text,
    OUT view_name text, OUT label text, OUT id_column text, OUT features text[])
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
  CASE purpose
    WHEN 'conversion' THEN
      view_name := 'conversion_features'; label := 'converted'; id_column := 'referral_id';
      features := ARRAY['priority_rank', 'prior_auth_required', 'distance_km', 'distance_unknown',
                        'referrer_conversion_rate', 'days_to_first_slot', 'patient_noshow_rate'];
    WHEN 'noshow' THEN
      view_name := 'noshow_features'; label := 'noshow'; id_column := 'appointment_id';
      features := ARRAY['lead_days', 'same_day', 'wd_tue', 'wd_wed', 'wd_thu', 'wd_fri', 'wd_weekend',
                        'prior_appointments', 'prior_noshows', 'reminder_sent', 'age'];
    ELSE
      RAISE EXCEPTION 'unknown scoring purpose "%"', purpose
        USING ERRCODE = 'invalid_parameter_value', HINT = 'The purposes are conversion and noshow.';
  END CASE;
END
$$;

CREATE FUNCTION referral_crm.train(purpose text, l2 double precision DEFAULT 0,
                                   test_fraction double precision DEFAULT 0.2,
                                   seed integer DEFAULT 0, max_iter integer DEFAULT 50)
  RETURNS referral_crm.models
  LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  d record;
  src text;
  test_src text;
  keep text[] := '{}';
  dropped text[] := '{}';
  varies boolean[];
  n_rows bigint;
  xs text;
  m referral_crm.models;
  ev record;
  i integer;
BEGIN
  d := referral_crm.scoring_purpose(purpose);
  IF test_fraction IS NULL OR test_fraction < 0 OR test_fraction >= 1 THEN
    RAISE EXCEPTION 'test_fraction must be at least 0 and below 1, not %', test_fraction
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  src := format('SELECT * FROM referral_crm.%I WHERE %I IS NOT NULL AND NOT referral_crm.in_test_set(%I, %s, %s)',
                d.view_name, d.label, d.id_column, test_fraction, coalesce(seed, 0));
  test_src := format('SELECT * FROM referral_crm.%I WHERE %I IS NOT NULL AND referral_crm.in_test_set(%I, %s, %s)',
                     d.view_name, d.label, d.id_column, test_fraction, coalesce(seed, 0));
  -- Leave out features that are constant in the rows trained on: those
  -- with every feature known (train_logit skips the others).
  EXECUTE format('SELECT count(*), ARRAY[%s] FROM (%s) AS s WHERE %s',
                 (SELECT string_agg(format('min(referral_crm.feature_value(s.%1$I)) IS DISTINCT FROM max(referral_crm.feature_value(s.%1$I))', f), ', ' ORDER BY o)
                    FROM unnest(d.features) WITH ORDINALITY AS u (f, o)),
                 src,
                 (SELECT string_agg(format('referral_crm.feature_value(s.%I) IS NOT NULL', f), ' AND ' ORDER BY o)
                    FROM unnest(d.features) WITH ORDINALITY AS u (f, o)))
    INTO n_rows, varies;
  IF n_rows = 0 THEN
    RAISE EXCEPTION 'no labelled rows to train the % model on', purpose
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('referral_crm.%s has no row with %s set and every feature known outside the holdout.',
                            d.view_name, d.label),
            HINT = 'Scores need history: referrals closed as visit-completed or closed-lost, appointments attended or missed.';
  END IF;
  FOR i IN 1 .. cardinality(d.features) LOOP
    IF varies[i] THEN keep := keep || d.features[i]; ELSE dropped := dropped || d.features[i]; END IF;
  END LOOP;
  IF cardinality(dropped) > 0 THEN
    RAISE NOTICE 'features left out of model "%" because they are constant in its training rows: %',
                 purpose, array_to_string(dropped, ', ');
  END IF;
  m := referral_crm.train_logit(purpose, src, d.label, keep, l2, max_iter);
  -- Holdout evaluation, skipping rows with a NULL feature as training does.
  SELECT string_agg(format('referral_crm.feature_value(s.%I)', f), ', ' ORDER BY o)
    INTO xs FROM unnest(m.features) WITH ORDINALITY AS u (f, o);
  EXECUTE format('SELECT count(p) AS n, referral_crm.auc(p, y) AS auc, referral_crm.log_loss(p, y) AS log_loss,
                         referral_crm.brier(p, y) AS brier
                    FROM (SELECT referral_crm.logit_predict($1, t0.x) AS p, t0.y
                            FROM (SELECT ARRAY[%s]::float8[] AS x, s.%I AS y FROM (%s) AS s) AS t0
                           WHERE pg_catalog.array_position(t0.x, NULL) IS NULL) AS t',
                 xs, d.label, test_src)
    USING m.coefficients INTO ev;
  UPDATE referral_crm.models AS mm
     SET purpose = train.purpose,
         metrics = mm.metrics || jsonb_build_object(
           'test_fraction', test_fraction, 'seed', coalesce(seed, 0), 'holdout_rows', ev.n,
           'holdout_auc', ev.auc, 'holdout_log_loss', ev.log_loss, 'holdout_brier', ev.brier,
           'left_out_constant_features', to_jsonb(dropped))
   WHERE mm.model_id = m.model_id
  RETURNING * INTO m;
  RETURN m;
END
$$;
COMMENT ON FUNCTION referral_crm.train(text, double precision, double precision, integer, integer) IS
  'train the model of a purpose (conversion or noshow) on its feature view, minus a hash-split holdout whose AUC, log-loss and Brier score go into metrics';

CREATE TABLE referral_crm.referral_scores (
  referral_id   bigint NOT NULL REFERENCES referral_crm.referrals ON DELETE CASCADE,
  purpose       text NOT NULL CONSTRAINT referral_scores_purpose CHECK (purpose IN ('conversion', 'noshow')),
  model_name    text NOT NULL,
  model_version integer NOT NULL,
  score         double precision NOT NULL CONSTRAINT referral_scores_probability CHECK (score BETWEEN 0 AND 1),
  top_features  jsonb NOT NULL,
  scored_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (referral_id, purpose)
);
COMMENT ON TABLE referral_crm.referral_scores IS
  'the current score of each referral per purpose (noshow: its next, else first, appointment), with the top contributing features';
COMMENT ON COLUMN referral_crm.referral_scores.top_features IS
  '[{feature, contribution}] by |standardised coefficient x standardised value|, largest first';

CREATE FUNCTION referral_crm.score_referrals(purpose text DEFAULT NULL) RETURNS bigint
  LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  p text;
  d record;
  m referral_crm.models;
  xs text;
  pick text;
  n bigint;
  total bigint := 0;
BEGIN
  FOREACH p IN ARRAY CASE WHEN purpose IS NULL THEN ARRAY['conversion', 'noshow'] ELSE ARRAY[purpose] END LOOP
    d := referral_crm.scoring_purpose(p);
    SELECT * INTO m FROM referral_crm.current_models c WHERE c.purpose = p
     ORDER BY c.trained_at DESC, c.model_id DESC LIMIT 1;
    IF NOT FOUND THEN
      IF purpose IS NOT NULL THEN
        RAISE EXCEPTION 'no model for purpose "%"', p
          USING ERRCODE = 'undefined_object', HINT = format('Train one with referral_crm.train(%L).', p);
      END IF;
      CONTINUE;
    END IF;
    SELECT string_agg(format('referral_crm.feature_value(f.%I)', f), ', ' ORDER BY o)
      INTO xs FROM unnest(m.features) WITH ORDINALITY AS u (f, o);
    IF p = 'conversion' THEN
      pick := 'SELECT f.referral_id, ARRAY[' || xs || ']::float8[] AS x FROM referral_crm.conversion_features f';
    ELSE
      -- the next appointment not cancelled, else the first one
      pick := 'SELECT DISTINCT ON (f.referral_id) f.referral_id, ARRAY[' || xs || ']::float8[] AS x
                 FROM referral_crm.noshow_features f WHERE f.referral_id IS NOT NULL
                ORDER BY f.referral_id, f.status <> ''cancelled'' DESC,
                         (f.start_at >= now() AND f.status IN (''proposed'', ''pending'', ''booked'', ''waitlist'')) DESC,
                         f.start_at';
    END IF;
    -- one refill of a purpose at a time (a concurrent one waits, then replaces)
    PERFORM pg_advisory_xact_lock(7177, hashtext('referral_scores:' || p));
    DELETE FROM referral_crm.referral_scores s WHERE s.purpose = p;
    EXECUTE format('INSERT INTO referral_crm.referral_scores
                           (referral_id, purpose, model_name, model_version, score, top_features, scored_at)
                    SELECT t.referral_id, %L, $1, $2, referral_crm.logit_predict($3, t.x),
                           referral_crm.logit_contributions($3, $4, t.x, $5, 3), now()
                      FROM (%s) AS t
                     WHERE pg_catalog.array_position(t.x, NULL) IS NULL', p, pick)
      USING m.name, m.version, m.coefficients, m.feature_means, m.features;
    GET DIAGNOSTICS n = ROW_COUNT;
    total := total + n;
  END LOOP;
  RETURN total;
END
$$;
COMMENT ON FUNCTION referral_crm.score_referrals(text) IS
  'refill referral_scores for one purpose (or both) from the current model of that purpose; returns the rows written';
