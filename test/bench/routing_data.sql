-- test/bench/routing_data.sql: seeded referrals for test/bench/routing.sh (psql -v scale=N).
SELECT setseed(0.42);
SET session_replication_role = replica;   -- generated rows are valid; skip per-row triggers
INSERT INTO referral_crm.payers (payer_code, name, payer_class)
SELECT 'PAY' || i, 'Payer ' || i,
       (ARRAY['medicare', 'medicare-advantage', 'medicaid', 'commercial', 'commercial', 'commercial', 'tricare', 'self-pay'])[1 + i % 8]
  FROM generate_series(1, 40) i;
INSERT INTO referral_crm.payer_plans (payer_id, plan_code, name)
SELECT p.payer_id, 'PLN' || p.payer_id || '-' || k, 'Plan ' || k FROM referral_crm.payers p, generate_series(1, 3) k;
CREATE TEMP TABLE zips AS
SELECT lpad((1001 + i * 37)::text, 5, '0') AS zip, 42 + random() * 5 AS lat, -73 + random() * 6 AS lon
  FROM generate_series(0, 299) i;
INSERT INTO referral_crm.zip_centroids SELECT zip, lat, lon FROM zips;
INSERT INTO referral_crm.locations (name, zip, latitude, longitude)
SELECT 'Site ' || i, z.zip, z.lat + 0.01, z.lon + 0.01
  FROM generate_series(1, 50) i JOIN (SELECT zip, lat, lon, row_number() OVER () AS n FROM zips) z ON z.n = i * 5;
CREATE TEMP TABLE npis AS
SELECT array_agg('1' || lpad(i::text, 8, '0') || referral_crm.npi_check_digit('1' || lpad(i::text, 8, '0')) ORDER BY i) AS a
  FROM generate_series(1, 2000) i;
CREATE TEMP TABLE ziparr AS SELECT array_agg(zip ORDER BY zip) AS a FROM zips;
INSERT INTO referral_crm.patients (given_name, family_name, birth_date, zip, preferred_language)
SELECT 'G' || i, 'F' || i, date '1930-01-01' + (random() * 33000)::int,
       (SELECT a FROM ziparr)[1 + (i::bigint * 7919) % 300],
       CASE WHEN random() < 0.8 THEN 'en' WHEN random() < 0.6 THEN 'es'
            ELSE (ARRAY['vi', 'zh', 'fr', 'pt', 'ar'])[1 + (i % 5)] END
  FROM generate_series(1, greatest(:scale / 5, 10)) i;
CREATE TEMP TABLE specs AS
SELECT array_agg(specialty ORDER BY specialty) AS a FROM referral_crm.specialties WHERE builtin;
CREATE TEMP TABLE plans AS
SELECT array_agg(plan_id ORDER BY payer_id, plan_code) AS a, array_agg(DISTINCT payer_id) AS p FROM referral_crm.payer_plans;
INSERT INTO referral_crm.referrals
       (patient_id, authored_at, received_at, referring_npi, target_specialty, priority, payer_id, plan_id,
        in_network, channel, target_location_id, status)
SELECT 1 + (random() * (greatest(:scale / 5, 10) - 1))::int,
       a, a + (random() * 3000)::int * interval '1 minute',
       (SELECT a FROM npis)[1 + (g::bigint * 104729) % 2000],
       (SELECT a FROM specs)[1 + least(75, floor(76 * power(random(), 2))::int)],
       CASE WHEN r < 0.70 THEN 'routine' WHEN r < 0.90 THEN 'urgent' WHEN r < 0.97 THEN 'asap' ELSE 'stat' END,
       (SELECT p FROM plans)[pay], (SELECT a FROM plans)[(pay - 1) * 3 + 1 + g % 3],
       random() < 0.8,
       (ARRAY['ehr', 'fax', 'portal', 'phone', 'email', 'direct', 'paper'])[1 + (g % 7)],
       CASE WHEN random() < 0.5 THEN (SELECT min(location_id) FROM referral_crm.locations) + (g % 50) END,
       'requested'
  FROM (SELECT g, timestamptz '2026-01-01 00:00Z' + random() * interval '300 days' AS a, random() AS r,
               1 + (random() * 39)::int AS pay
          FROM generate_series(1, :scale) g) s;
RESET session_replication_role;
INSERT INTO referral_crm.queues (code, name) SELECT 'bench-q' || i, 'Bench queue ' || i FROM generate_series(1, 20) i;
INSERT INTO referral_crm.queue_routing (queue_id, strategy) SELECT queue_id, 'none' FROM referral_crm.queues;
ANALYZE;
