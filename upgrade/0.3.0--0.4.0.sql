-- referral_crm 0.3.0 -> 0.4.0: changes to objects that 0.3.0 already had.
-- Each room's changes are in a section of its own, in install order; the
-- same changes are in the room's fragments, so that a fresh install and an
-- upgrade give the same catalog (test/t/003_upgrade.pl compares them).

-- ==== names
-- match_clinician looks up specialty and ZIP evidence only for candidates
-- that can still reach the top.
CREATE OR REPLACE FUNCTION referral_crm.match_clinician(query text, k integer DEFAULT 5,
    specialty text DEFAULT NULL, zip text DEFAULT NULL)
  RETURNS TABLE (clinician_id bigint, npi text, display_name text, score double precision, band text)
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$
  WITH cand AS (
    SELECT c.clinician_id, c.npi, c.given_name, c.middle_name, c.family_name, c.name_suffix,
           c.credentials, c.specialty,
           referral_crm.name_score((SELECT referral_crm.try_clinician_name($1)),
                                   c.given_name, c.middle_name, c.family_name, c.name_suffix) AS base
      FROM referral_crm.clinicians c
     WHERE referral_crm.name_keys(c.given_name, c.family_name)
           OPERATOR(pg_catalog.&&) referral_crm.name_query_keys($1))
  SELECT r.clinician_id, r.npi, r.display_name, r.score,
         CASE WHEN r.rn = 1 AND r.score >= referral_crm.name_setting('auto_threshold')
                   AND r.score - coalesce(r.next_score, 0) >= referral_crm.name_setting('auto_margin')
              THEN 'auto'
              WHEN r.score >= referral_crm.name_setting('review_threshold') THEN 'review'
              ELSE 'reject' END
    FROM (
      SELECT s.*, row_number() OVER w AS rn, lead(s.score) OVER w AS next_score
        FROM (
          SELECT c.clinician_id, c.npi,
                 concat_ws(' ', c.given_name, c.middle_name, c.family_name, c.name_suffix)
                   || CASE WHEN cardinality(c.credentials) > 0
                           THEN ', ' || array_to_string(c.credentials, ', ') ELSE '' END AS display_name,
                 CASE WHEN $3 IS NULL AND $4 IS NULL THEN c.base
                      ELSE 0.94 * c.base
                           + CASE WHEN $3 IS NULL OR c.specialty IS NULL THEN 0.015
                                  WHEN c.specialty = $3 THEN 0.03 ELSE 0 END
                           + CASE WHEN $4 IS NULL THEN 0.015
                                  ELSE coalesce((SELECT max(CASE WHEN left(l.zip, 5) = left($4, 5) THEN 0.03
                                                                 WHEN left(l.zip, 3) = left($4, 3) THEN 0.02
                                                                 ELSE 0 END)
                                                   FROM referral_crm.clinician_locations cl
                                                   JOIN referral_crm.locations l ON l.location_id = cl.location_id
                                                  WHERE cl.clinician_id = c.clinician_id), 0.015) END
                 END AS score
            FROM cand c
           WHERE c.base >= coalesce((SELECT x.base FROM cand x ORDER BY x.base DESC
                                      LIMIT 1 OFFSET greatest($2, 2) - 1), 0)
                           - CASE WHEN $3 IS NULL AND $4 IS NULL THEN 0 ELSE 0.07 END
        ) s
      WINDOW w AS (ORDER BY s.score DESC, s.clinician_id)
    ) r
   ORDER BY r.score DESC, r.clinician_id
   LIMIT greatest($2, 1)
$$;
