-- referral_crm 0.2.0 -> 0.3.0: assembled by the Makefile; do not edit.
\echo Use "ALTER EXTENSION referral_crm UPDATE TO '0.3.0'" to load this file. \quit

-- ==== upgrade/0.2.0--0.3.0.sql
-- referral_crm 0.2.0 -> 0.3.0: changes to objects that 0.2.0 already had.
-- The fragments of the rooms new in 0.3.0 (Makefile: ROOMS_NEW_IN_0.3.0)
-- follow this file in the assembled upgrade script.

-- ==== src/names/names.sql
-- src/names/names.sql
-- Clinician name matching: the clinician_name type, Unicode string metrics,
-- nickname-aware field-wise similarity, the nickname and frequency tables,
-- index-assisted directory search (match_clinician) and the resolution of
-- name-only referrers (resolve_referrers).  C: src/names/.

------------------------------------------------------------------------
-- The clinician_name type
------------------------------------------------------------------------

CREATE TYPE referral_crm.clinician_name;

CREATE FUNCTION referral_crm.clinician_name_in(cstring) RETURNS referral_crm.clinician_name
  AS 'MODULE_PATHNAME', 'clinician_name_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_out(referral_crm.clinician_name) RETURNS cstring
  AS 'MODULE_PATHNAME', 'clinician_name_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_recv(internal) RETURNS referral_crm.clinician_name
  AS 'MODULE_PATHNAME', 'clinician_name_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_send(referral_crm.clinician_name) RETURNS bytea
  AS 'MODULE_PATHNAME', 'clinician_name_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE referral_crm.clinician_name (
  INPUT = referral_crm.clinician_name_in,
  OUTPUT = referral_crm.clinician_name_out,
  RECEIVE = referral_crm.clinician_name_recv,
  SEND = referral_crm.clinician_name_send,
  INTERNALLENGTH = VARIABLE,
  STORAGE = extended
);
COMMENT ON TYPE referral_crm.clinician_name IS
  'a parsed clinician name: title, given, middle, family, suffix, credentials, nickname; equal when the normalised forms are equal';

CREATE FUNCTION referral_crm.clinician_name(text) RETURNS referral_crm.clinician_name
  AS 'MODULE_PATHNAME', 'clinician_name_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.clinician_name(text) IS
  'parse free text into a clinician_name; raises invalid_text_representation when there is no name part';
CREATE CAST (text AS referral_crm.clinician_name)
  WITH FUNCTION referral_crm.clinician_name(text) AS ASSIGNMENT;

CREATE FUNCTION referral_crm.try_clinician_name(text) RETURNS referral_crm.clinician_name
  AS 'MODULE_PATHNAME', 'clinician_name_try' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.try_clinician_name(text) IS
  'parse free text into a clinician_name, or NULL when it has no name part or cannot be parsed';

CREATE FUNCTION referral_crm.clinician_name_eq(referral_crm.clinician_name, referral_crm.clinician_name)
  RETURNS boolean AS 'MODULE_PATHNAME', 'clinician_name_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_ne(referral_crm.clinician_name, referral_crm.clinician_name)
  RETURNS boolean AS 'MODULE_PATHNAME', 'clinician_name_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_lt(referral_crm.clinician_name, referral_crm.clinician_name)
  RETURNS boolean AS 'MODULE_PATHNAME', 'clinician_name_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_le(referral_crm.clinician_name, referral_crm.clinician_name)
  RETURNS boolean AS 'MODULE_PATHNAME', 'clinician_name_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_gt(referral_crm.clinician_name, referral_crm.clinician_name)
  RETURNS boolean AS 'MODULE_PATHNAME', 'clinician_name_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_ge(referral_crm.clinician_name, referral_crm.clinician_name)
  RETURNS boolean AS 'MODULE_PATHNAME', 'clinician_name_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_cmp(referral_crm.clinician_name, referral_crm.clinician_name)
  RETURNS integer AS 'MODULE_PATHNAME', 'clinician_name_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.clinician_name_hash(referral_crm.clinician_name)
  RETURNS integer AS 'MODULE_PATHNAME', 'clinician_name_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR referral_crm.= (
  LEFTARG = referral_crm.clinician_name, RIGHTARG = referral_crm.clinician_name,
  FUNCTION = referral_crm.clinician_name_eq, COMMUTATOR = OPERATOR(referral_crm.=),
  NEGATOR = OPERATOR(referral_crm.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR referral_crm.<> (
  LEFTARG = referral_crm.clinician_name, RIGHTARG = referral_crm.clinician_name,
  FUNCTION = referral_crm.clinician_name_ne, COMMUTATOR = OPERATOR(referral_crm.<>),
  NEGATOR = OPERATOR(referral_crm.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR referral_crm.< (
  LEFTARG = referral_crm.clinician_name, RIGHTARG = referral_crm.clinician_name,
  FUNCTION = referral_crm.clinician_name_lt, COMMUTATOR = OPERATOR(referral_crm.>),
  NEGATOR = OPERATOR(referral_crm.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR referral_crm.<= (
  LEFTARG = referral_crm.clinician_name, RIGHTARG = referral_crm.clinician_name,
  FUNCTION = referral_crm.clinician_name_le, COMMUTATOR = OPERATOR(referral_crm.>=),
  NEGATOR = OPERATOR(referral_crm.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR referral_crm.> (
  LEFTARG = referral_crm.clinician_name, RIGHTARG = referral_crm.clinician_name,
  FUNCTION = referral_crm.clinician_name_gt, COMMUTATOR = OPERATOR(referral_crm.<),
  NEGATOR = OPERATOR(referral_crm.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR referral_crm.>= (
  LEFTARG = referral_crm.clinician_name, RIGHTARG = referral_crm.clinician_name,
  FUNCTION = referral_crm.clinician_name_ge, COMMUTATOR = OPERATOR(referral_crm.<=),
  NEGATOR = OPERATOR(referral_crm.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS referral_crm.clinician_name_ops
  DEFAULT FOR TYPE referral_crm.clinician_name USING btree AS
    OPERATOR 1 referral_crm.<, OPERATOR 2 referral_crm.<=, OPERATOR 3 referral_crm.=,
    OPERATOR 4 referral_crm.>=, OPERATOR 5 referral_crm.>,
    FUNCTION 1 referral_crm.clinician_name_cmp(referral_crm.clinician_name, referral_crm.clinician_name);
CREATE OPERATOR CLASS referral_crm.clinician_name_hash_ops
  DEFAULT FOR TYPE referral_crm.clinician_name USING hash AS
    OPERATOR 1 referral_crm.=,
    FUNCTION 1 referral_crm.clinician_name_hash(referral_crm.clinician_name);

-- Accessors (display forms; NULL when the part is absent).
CREATE FUNCTION referral_crm.given_name(n referral_crm.clinician_name) RETURNS text
  AS 'MODULE_PATHNAME', 'clinician_name_given' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.family_name(n referral_crm.clinician_name) RETURNS text
  AS 'MODULE_PATHNAME', 'clinician_name_family' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.middle_names(n referral_crm.clinician_name) RETURNS text
  AS 'MODULE_PATHNAME', 'clinician_name_middle' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.name_suffix(n referral_crm.clinician_name) RETURNS text
  AS 'MODULE_PATHNAME', 'clinician_name_suffix' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.name_title(n referral_crm.clinician_name) RETURNS text
  AS 'MODULE_PATHNAME', 'clinician_name_title' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.nickname(n referral_crm.clinician_name) RETURNS text
  AS 'MODULE_PATHNAME', 'clinician_name_nickname' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.credentials(n referral_crm.clinician_name) RETURNS text[]
  AS 'MODULE_PATHNAME', 'clinician_name_credentials' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.name_key(n referral_crm.clinician_name) RETURNS text
  AS 'MODULE_PATHNAME', 'clinician_name_key' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.name_key(referral_crm.clinician_name) IS
  'normalised "family|given|middle|suffix", for grouping and joins';

------------------------------------------------------------------------
-- Normalisation and string metrics (on code points, never bytes)
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.normalize_name(text) RETURNS text
  AS 'MODULE_PATHNAME', 'names_normalize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.normalize_name(text) IS
  'ICU transliteration to Latin-ASCII, lower case, apostrophes and periods dropped, other punctuation and white space folded to single spaces';

CREATE FUNCTION referral_crm.jaro_winkler(a text, b text, long_tolerance boolean DEFAULT false)
  RETURNS double precision
  AS 'MODULE_PATHNAME', 'names_jaro_winkler' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.jaro_similarity(a text, b text) RETURNS double precision
  AS 'MODULE_PATHNAME', 'names_jaro' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.levenshtein(a text, b text) RETURNS integer
  AS 'MODULE_PATHNAME', 'names_levenshtein' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.damerau_levenshtein(a text, b text) RETURNS integer
  AS 'MODULE_PATHNAME', 'names_damerau_levenshtein' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.soundex(text) RETURNS text
  AS 'MODULE_PATHNAME', 'names_soundex' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.nysiis(text) RETURNS text
  AS 'MODULE_PATHNAME', 'names_nysiis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.metaphone(text) RETURNS text
  AS 'MODULE_PATHNAME', 'names_metaphone' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.match_rating_codex(text) RETURNS text
  AS 'MODULE_PATHNAME', 'names_match_rating_codex' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.match_rating_comparison(a text, b text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'names_match_rating_comparison' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.match_rating_comparison(text, text) IS
  'match rating approach: true if similar, NULL when the codex lengths differ by 3 or more';
CREATE FUNCTION referral_crm.double_metaphone(text) RETURNS text[]
  AS 'MODULE_PATHNAME', 'names_double_metaphone' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.double_metaphone(text) IS
  '{primary, alternate} Double Metaphone codes (4 characters at most) of the Latin-ASCII transliteration';

------------------------------------------------------------------------
-- Nicknames and name frequencies
------------------------------------------------------------------------

CREATE TABLE referral_crm.name_variants (
  name         text NOT NULL CONSTRAINT name_variants_name_nonempty CHECK (name <> ''),
  variant      text NOT NULL CONSTRAINT name_variants_variant_nonempty CHECK (variant <> ''),
  relationship text NOT NULL DEFAULT 'has_nickname'
               CONSTRAINT name_variants_relationship CHECK (relationship ~ '^[a-z_]+$'),
  builtin      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (name, variant),
  CONSTRAINT name_variants_distinct CHECK (name <> variant)
);
COMMENT ON TABLE referral_crm.name_variants IS
  'nicknames and diminutives (name has_nickname variant), normalised; editable; two names are compatible when they share a formal name. Built-in rows: carltonnorthern/nicknames (Apache-2.0)';
CREATE INDEX name_variants_variant_idx ON referral_crm.name_variants (variant);

-- Store names normalised, whatever the writer typed.
CREATE FUNCTION referral_crm.name_variants_normalize() RETURNS trigger
  LANGUAGE plpgsql AS
$$
BEGIN
  NEW.name := referral_crm.normalize_name(NEW.name);
  NEW.variant := referral_crm.normalize_name(NEW.variant);
  RETURN NEW;
END
$$;
CREATE TRIGGER name_variants_normalize
  BEFORE INSERT OR UPDATE ON referral_crm.name_variants
  FOR EACH ROW EXECUTE FUNCTION referral_crm.name_variants_normalize();

CREATE TABLE referral_crm.name_frequencies (
  kind            text NOT NULL CONSTRAINT name_frequencies_kind CHECK (kind IN ('family', 'given')),
  name            text NOT NULL CONSTRAINT name_frequencies_name_nonempty CHECK (name <> ''),
  census_count    bigint NOT NULL DEFAULT 0 CHECK (census_count >= 0),
  directory_count bigint NOT NULL DEFAULT 0 CHECK (directory_count >= 0),
  builtin         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (kind, name)
);
COMMENT ON TABLE referral_crm.name_frequencies IS
  'name counts: census_count from the US surname list (SOEMPI, Apache-2.0; share of 1,022,550), directory_count from referral_crm.refresh_name_frequencies()';

-- Rarity in [0, 1]: 0 for a name carried by 1 % of people or more, 1 for
-- one in a million or rarer, linear in the logarithm between.
CREATE VIEW referral_crm.name_rarity AS
  WITH tot AS (
    SELECT greatest(sum(directory_count), 1)::float8 AS dir_total
      FROM referral_crm.name_frequencies WHERE kind = 'family')
  SELECT f.kind, f.name,
         least(1.0, greatest(0.0,
           (-log(greatest(f.census_count / 1022550.0, f.directory_count / tot.dir_total, 1e-9)) - 2.0) / 4.0))::float8
           AS rarity
    FROM referral_crm.name_frequencies f, tot;
COMMENT ON VIEW referral_crm.name_rarity IS
  'rarity of each name in [0, 1] (0: 1 % of people or more; 1: one in a million or rarer); weighs the family name in name_similarity';

CREATE FUNCTION referral_crm.names_tables_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'names_tables_changed' LANGUAGE C;
CREATE TRIGGER name_variants_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referral_crm.name_variants
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.names_tables_changed();
CREATE TRIGGER name_frequencies_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referral_crm.name_frequencies
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.names_tables_changed();

-- Every name compatible with a name: its variants, its formal names, and
-- the other variants of those.
CREATE FUNCTION referral_crm.name_variants_of(name text) RETURNS SETOF text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE AS
$$
  WITH n AS (SELECT referral_crm.normalize_name($1) AS n),
  formal AS (
    SELECT n.n AS f FROM n
    UNION SELECT v.name FROM referral_crm.name_variants v, n WHERE v.variant = n.n)
  SELECT DISTINCT x FROM (
    SELECT f AS x FROM formal
    UNION ALL
    SELECT v.variant FROM referral_crm.name_variants v JOIN formal ON v.name = formal.f) s, n
   WHERE x <> n.n
   ORDER BY 1
$$;

-- Count family names and first given names in the directory (adding names
-- the census lacks).
CREATE FUNCTION referral_crm.refresh_name_frequencies() RETURNS bigint
  LANGUAGE plpgsql AS
$$
DECLARE
  n bigint;
BEGIN
  UPDATE referral_crm.name_frequencies SET directory_count = 0 WHERE directory_count <> 0;
  INSERT INTO referral_crm.name_frequencies AS f (kind, name, directory_count)
  SELECT kind, nm, count(*)
    FROM (SELECT 'family' AS kind, referral_crm.normalize_name(c.family_name) AS nm FROM referral_crm.clinicians c
          UNION ALL
          SELECT 'given', split_part(referral_crm.normalize_name(c.given_name), ' ', 1)
            FROM referral_crm.clinicians c WHERE c.given_name IS NOT NULL) s
   WHERE nm <> ''
   GROUP BY kind, nm
  ON CONFLICT (kind, name) DO UPDATE SET directory_count = EXCLUDED.directory_count;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.refresh_name_frequencies() IS
  'recount family and first given names of referral_crm.clinicians into name_frequencies.directory_count (rarity weights, broad index keys for rare names); returns the number of names counted';

------------------------------------------------------------------------
-- Similarity
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.name_similarity(a referral_crm.clinician_name, b referral_crm.clinician_name)
  RETURNS double precision
  AS 'MODULE_PATHNAME', 'names_similarity_cn' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.name_similarity(a text, b text) RETURNS double precision
  AS 'MODULE_PATHNAME', 'names_similarity_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.name_similarity(text, text) IS
  'field-wise similarity in [0, 1] of two names (nicknames, initials, swapped order, rarity-weighted family); 0 when either has no name part';
CREATE FUNCTION referral_crm.name_match_explain(a referral_crm.clinician_name, b referral_crm.clinician_name)
  RETURNS jsonb
  AS 'MODULE_PATHNAME', 'names_explain_cn' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.name_match_explain(a text, b text) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'names_explain_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- Internal pieces of match_clinician.
CREATE FUNCTION referral_crm.name_score(query referral_crm.clinician_name, given text, middle text,
                                        family text, suffix text)
  RETURNS double precision
  AS 'MODULE_PATHNAME', 'names_score_fields' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION referral_crm.name_keys(given text, family text) RETURNS text[]
  AS 'MODULE_PATHNAME', 'names_keys' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10000;
COMMENT ON FUNCTION referral_crm.name_keys(text, text) IS
  'index keys of a directory name: Double Metaphone of the family name with the given initial, of the given name with the family prefix, and letter prefixes';
CREATE FUNCTION referral_crm.name_query_keys(query text) RETURNS text[]
  AS 'MODULE_PATHNAME', 'names_query_keys' LANGUAGE C STABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION referral_crm.name_query_keys(text) IS
  'the name_keys a query looks up: its own, the swapped reading, and those of every nickname variant of its given name';
CREATE FUNCTION referral_crm.name_setting(which text) RETURNS double precision
  AS 'MODULE_PATHNAME', 'names_setting' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- fastupdate off: a directory is read far more often than written, and a
-- pending list left by a bulk load would be scanned by every search until
-- the next vacuum.
CREATE INDEX clinicians_name_keys_idx ON referral_crm.clinicians
  USING gin (referral_crm.name_keys(given_name, family_name)) WITH (fastupdate = off);

------------------------------------------------------------------------
-- Directory search
------------------------------------------------------------------------

-- Candidates come only from clinicians_name_keys_idx; each is scored with
-- name_similarity, then adjusted by specialty and ZIP evidence when given:
-- score = 0.94 * name + specialty (0.03 same, 0.015 unknown, 0 other)
--                     + zip (0.03 same ZIP5, 0.02 same ZIP3, 0.015 unknown, 0 other).
-- band: auto when the best candidate reaches name_auto_threshold and leads
-- the runner-up by name_auto_margin; review at name_review_threshold; else
-- reject.  A SQL function so that the planner inlines it (EXPLAIN shows the
-- index scan).
CREATE FUNCTION referral_crm.match_clinician(query text, k integer DEFAULT 5,
    specialty text DEFAULT NULL, zip text DEFAULT NULL)
  RETURNS TABLE (clinician_id bigint, npi text, display_name text, score double precision, band text)
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$
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
                 CASE WHEN $3 IS NULL AND $4 IS NULL THEN n.base
                      ELSE 0.94 * n.base
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
            FROM referral_crm.clinicians c
           CROSS JOIN LATERAL (
             SELECT referral_crm.name_score((SELECT referral_crm.try_clinician_name($1)),
                                            c.given_name, c.middle_name, c.family_name, c.name_suffix) AS base) n
           WHERE referral_crm.name_keys(c.given_name, c.family_name)
                 OPERATOR(pg_catalog.&&) referral_crm.name_query_keys($1)
        ) s
      WINDOW w AS (ORDER BY s.score DESC, s.clinician_id)
    ) r
   ORDER BY r.score DESC, r.clinician_id
   LIMIT greatest($2, 1)
$$;
COMMENT ON FUNCTION referral_crm.match_clinician(text, integer, text, text) IS
  'the k directory clinicians most similar to a free-text name, with score and band (auto, review, reject); specialty and ZIP are evidence, not filters';

------------------------------------------------------------------------
-- Resolving name-only referrers
------------------------------------------------------------------------

CREATE TABLE referral_crm.name_resolutions (
  resolution_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_table    text NOT NULL CONSTRAINT name_resolutions_subject CHECK (subject_table IN ('referrals', 'claims')),
  subject_id       bigint NOT NULL,
  referring_name   text NOT NULL,
  band             text NOT NULL CONSTRAINT name_resolutions_band CHECK (band IN ('auto', 'review', 'reject')),
  clinician_id     bigint REFERENCES referral_crm.clinicians ON DELETE SET NULL,
  score            double precision,
  runner_up_score  double precision,
  candidates       jsonb NOT NULL DEFAULT '[]',
  task_id          bigint REFERENCES referral_crm.tasks ON DELETE SET NULL,
  auto_threshold   double precision NOT NULL,
  review_threshold double precision NOT NULL,
  decided_at       timestamptz NOT NULL DEFAULT now(),
  decided_by       name NOT NULL DEFAULT current_user,
  UNIQUE (subject_table, subject_id, referring_name)
);
COMMENT ON TABLE referral_crm.name_resolutions IS
  'every decision of resolve_referrers(): the name, the best candidate and its score, the band, the review task';
CREATE INDEX name_resolutions_clinician_idx ON referral_crm.name_resolutions (clinician_id);
CREATE INDEX name_resolutions_band_idx ON referral_crm.name_resolutions (band, decided_at);

-- Link name-only referrers: auto-band matches are linked, review-band
-- matches become review-match tasks, rejects stay unlinked.  Each name is
-- decided once (re-run after the directory changes: delete its decision).
-- ZIP evidence: the first location of the referring organisation.
CREATE FUNCTION referral_crm.resolve_referrers(max_rows integer DEFAULT NULL)
  RETURNS TABLE (subject text, auto bigint, review bigint, reject bigint)
  LANGUAGE plpgsql AS
$$
DECLARE
  r record;
  best record;
  cands jsonb;
  second double precision;
  task bigint;
  n_auto bigint;
  n_review bigint;
  n_reject bigint;
  thr_auto double precision := referral_crm.name_setting('auto_threshold');
  thr_review double precision := referral_crm.name_setting('review_threshold');
BEGIN
  FOR subject IN SELECT unnest(ARRAY['referrals', 'claims']) LOOP
    n_auto := 0; n_review := 0; n_reject := 0;
    FOR r IN EXECUTE CASE subject
      WHEN 'referrals' THEN
        $q$SELECT x.referral_id AS id, x.referral_id, x.referring_name AS nm,
                  (SELECT l.zip FROM referral_crm.locations l
                    WHERE l.organization_id = x.referring_organization_id
                    ORDER BY l.location_id LIMIT 1) AS zip
             FROM referral_crm.referrals x
            WHERE x.referring_clinician_id IS NULL AND x.referring_name IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM referral_crm.name_resolutions d
                               WHERE d.subject_table = 'referrals' AND d.subject_id = x.referral_id
                                 AND d.referring_name = x.referring_name)
            ORDER BY x.referral_id LIMIT $1$q$
      ELSE
        $q$SELECT x.claim_id AS id, x.referral_id, x.referring_name AS nm, NULL::text AS zip
             FROM referral_crm.claims x
            WHERE x.referring_clinician_id IS NULL AND x.referring_npi IS NULL
              AND x.referring_name IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM referral_crm.name_resolutions d
                               WHERE d.subject_table = 'claims' AND d.subject_id = x.claim_id
                                 AND d.referring_name = x.referring_name)
            ORDER BY x.claim_id LIMIT $1$q$
      END USING max_rows
    LOOP
      SELECT coalesce(jsonb_agg(jsonb_build_object('clinician_id', m.clinician_id, 'npi', m.npi,
                                                   'display_name', m.display_name,
                                                   'score', round(m.score::numeric, 4), 'band', m.band)
                                ORDER BY m.score DESC, m.clinician_id), '[]')
        INTO cands
        FROM referral_crm.match_clinician(r.nm, 3, NULL, r.zip) m;
      SELECT (c->>'clinician_id')::bigint AS clinician_id, c->>'npi' AS npi, c->>'display_name' AS display_name,
             (c->>'score')::float8 AS score, coalesce(c->>'band', 'reject') AS band
        INTO best FROM (SELECT cands->0 AS c) s;
      second := (cands->1->>'score')::float8;
      task := NULL;
      IF best.band = 'auto' THEN
        n_auto := n_auto + 1;
        IF subject = 'referrals' THEN
          UPDATE referral_crm.referrals SET referring_clinician_id = best.clinician_id WHERE referral_id = r.id;
        ELSE
          UPDATE referral_crm.claims SET referring_clinician_id = best.clinician_id WHERE claim_id = r.id;
        END IF;
      ELSIF best.band = 'review' THEN
        n_review := n_review + 1;
        INSERT INTO referral_crm.tasks (referral_id, task_type, description, task_key)
        VALUES (r.referral_id, 'review-match',
                format('Referring clinician "%s" on %s %s: best match %s (NPI %s), score %s; confirm or pick another.',
                       r.nm, CASE subject WHEN 'referrals' THEN 'referral' ELSE 'claim' END, r.id,
                       best.display_name, coalesce(best.npi, 'none'), best.score),
                format('review-match:%s:%s', subject, r.id))
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id INTO task;
      ELSE
        n_reject := n_reject + 1;
      END IF;
      INSERT INTO referral_crm.name_resolutions
             (subject_table, subject_id, referring_name, band, clinician_id, score, runner_up_score,
              candidates, task_id, auto_threshold, review_threshold)
      VALUES (subject, r.id, r.nm, coalesce(best.band, 'reject'), best.clinician_id, best.score, second,
              cands, task, thr_auto, thr_review);
    END LOOP;
    auto := n_auto; review := n_review; reject := n_reject;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION referral_crm.resolve_referrers(integer) IS
  'link name-only referrers of referrals and claims: auto band linked, review band -> review-match task, reject left; every decision recorded in name_resolutions';

-- ==== src/names/names_data.sql
-- src/names/names_data.sql: built-in rows of name_variants and
-- name_frequencies, generated by src/names/gen_data.py; do not edit.
--
-- Nicknames: carltonnorthern/nicknames (names.csv), Copyright Carlton
-- Northern and contributors, Apache License 2.0
-- (https://github.com/carltonnorthern/nicknames; data/names/LICENSE-Apache-2.0).
-- Surname counts: the 5,000 most frequent US surnames from SOEMPI
-- (openempi/conf/lastnames.csv, derived from US Census data), Apache
-- License 2.0 (https://github.com/MrCsabaToth/SOEMPI).

INSERT INTO referral_crm.name_variants (name, variant, relationship, builtin) VALUES
  ('aaron', 'erin', 'has_nickname', true),
  ('aaron', 'ron', 'has_nickname', true),
  ('aaron', 'ronnie', 'has_nickname', true),
  ('abbigail', 'abbe', 'has_nickname', true),
  ('abbigail', 'abbey', 'has_nickname', true),
  ('abbigail', 'abbi', 'has_nickname', true),
  ('abbigail', 'abbie', 'has_nickname', true),
  ('abbigail', 'abby', 'has_nickname', true),
  ('abbigail', 'gail', 'has_nickname', true),
  ('abbigail', 'nabby', 'has_nickname', true),
  ('abbigale', 'abbe', 'has_nickname', true),
  ('abbigale', 'abbey', 'has_nickname', true),
  ('abbigale', 'abbi', 'has_nickname', true),
  ('abbigale', 'abbie', 'has_nickname', true),
  ('abbigale', 'abby', 'has_nickname', true),
  ('abbigale', 'gail', 'has_nickname', true),
  ('abbigale', 'nabby', 'has_nickname', true),
  ('abednego', 'bedney', 'has_nickname', true),
  ('abel', 'ab', 'has_nickname', true),
  ('abel', 'abe', 'has_nickname', true),
  ('abel', 'eb', 'has_nickname', true),
  ('abel', 'ebbie', 'has_nickname', true),
  ('abiel', 'ab', 'has_nickname', true),
  ('abigail', 'abbe', 'has_nickname', true),
  ('abigail', 'abbey', 'has_nickname', true),
  ('abigail', 'abbi', 'has_nickname', true),
  ('abigail', 'abbie', 'has_nickname', true),
  ('abigail', 'abby', 'has_nickname', true),
  ('abigail', 'gail', 'has_nickname', true),
  ('abigail', 'nabby', 'has_nickname', true),
  ('abigale', 'abbe', 'has_nickname', true),
  ('abigale', 'abbey', 'has_nickname', true),
  ('abigale', 'abbi', 'has_nickname', true),
  ('abigale', 'abbie', 'has_nickname', true),
  ('abigale', 'abby', 'has_nickname', true),
  ('abigale', 'gail', 'has_nickname', true),
  ('abigale', 'nabby', 'has_nickname', true),
  ('abijah', 'ab', 'has_nickname', true),
  ('abijah', 'bige', 'has_nickname', true),
  ('abner', 'ab', 'has_nickname', true),
  ('abraham', 'ab', 'has_nickname', true),
  ('abraham', 'abe', 'has_nickname', true),
  ('abram', 'ab', 'has_nickname', true),
  ('abram', 'abe', 'has_nickname', true),
  ('absalom', 'ab', 'has_nickname', true),
  ('absalom', 'abbie', 'has_nickname', true),
  ('absalom', 'app', 'has_nickname', true),
  ('ada', 'addy', 'has_nickname', true),
  ('ada', 'adie', 'has_nickname', true),
  ('adaline', 'ada', 'has_nickname', true),
  ('adaline', 'addy', 'has_nickname', true),
  ('adaline', 'adie', 'has_nickname', true),
  ('adaline', 'delia', 'has_nickname', true),
  ('adaline', 'dell', 'has_nickname', true),
  ('adaline', 'lena', 'has_nickname', true),
  ('addison', 'addie', 'has_nickname', true),
  ('addison', 'addy', 'has_nickname', true),
  ('adela', 'adie', 'has_nickname', true),
  ('adela', 'della', 'has_nickname', true),
  ('adelaide', 'addy', 'has_nickname', true),
  ('adelaide', 'adele', 'has_nickname', true),
  ('adelaide', 'adie', 'has_nickname', true),
  ('adelaide', 'dell', 'has_nickname', true),
  ('adelaide', 'della', 'has_nickname', true),
  ('adelaide', 'heidi', 'has_nickname', true),
  ('adelbert', 'albert', 'has_nickname', true),
  ('adelbert', 'bert', 'has_nickname', true),
  ('adelbert', 'del', 'has_nickname', true),
  ('adelbert', 'delbert', 'has_nickname', true),
  ('adele', 'addy', 'has_nickname', true),
  ('adele', 'dell', 'has_nickname', true),
  ('adeline', 'ada', 'has_nickname', true),
  ('adeline', 'addy', 'has_nickname', true),
  ('adeline', 'delia', 'has_nickname', true),
  ('adeline', 'dell', 'has_nickname', true),
  ('adeline', 'lena', 'has_nickname', true),
  ('adelphia', 'addy', 'has_nickname', true),
  ('adelphia', 'adele', 'has_nickname', true),
  ('adelphia', 'dell', 'has_nickname', true),
  ('adelphia', 'delphia', 'has_nickname', true),
  ('adelphia', 'philly', 'has_nickname', true),
  ('adena', 'adina', 'has_nickname', true),
  ('adena', 'deena', 'has_nickname', true),
  ('adena', 'dena', 'has_nickname', true),
  ('adena', 'dina', 'has_nickname', true),
  ('adolphus', 'ado', 'has_nickname', true),
  ('adolphus', 'adolph', 'has_nickname', true),
  ('adolphus', 'dolph', 'has_nickname', true),
  ('adrian', 'rian', 'has_nickname', true),
  ('adriane', 'riane', 'has_nickname', true),
  ('adrienne', 'addie', 'has_nickname', true),
  ('adrienne', 'enne', 'has_nickname', true),
  ('adrienne', 'rienne', 'has_nickname', true),
  ('agatha', 'aga', 'has_nickname', true),
  ('agatha', 'aggy', 'has_nickname', true),
  ('agnes', 'aggy', 'has_nickname', true),
  ('agnes', 'inez', 'has_nickname', true),
  ('agnes', 'nessa', 'has_nickname', true),
  ('aileen', 'allie', 'has_nickname', true),
  ('aileen', 'lena', 'has_nickname', true),
  ('alan', 'al', 'has_nickname', true),
  ('alanson', 'al', 'has_nickname', true),
  ('alanson', 'lanson', 'has_nickname', true),
  ('alastair', 'al', 'has_nickname', true),
  ('alazama', 'ali', 'has_nickname', true),
  ('albert', 'al', 'has_nickname', true),
  ('albert', 'bert', 'has_nickname', true),
  ('alberta', 'allie', 'has_nickname', true),
  ('alberta', 'bert', 'has_nickname', true),
  ('alberta', 'bertie', 'has_nickname', true),
  ('aldo', 'al', 'has_nickname', true),
  ('aldrich', 'rich', 'has_nickname', true),
  ('aldrich', 'riche', 'has_nickname', true),
  ('aldrich', 'richie', 'has_nickname', true),
  ('aleksandr', 'alek', 'has_nickname', true),
  ('aleksandr', 'alex', 'has_nickname', true),
  ('aleva', 'leve', 'has_nickname', true),
  ('aleva', 'levy', 'has_nickname', true),
  ('alex', 'al', 'has_nickname', true),
  ('alexander', 'al', 'has_nickname', true),
  ('alexander', 'alec', 'has_nickname', true),
  ('alexander', 'alex', 'has_nickname', true),
  ('alexander', 'sandy', 'has_nickname', true),
  ('alexandra', 'alex', 'has_nickname', true),
  ('alexandra', 'alla', 'has_nickname', true),
  ('alexandra', 'sandra', 'has_nickname', true),
  ('alexandra', 'sandy', 'has_nickname', true),
  ('alexandria', 'alex', 'has_nickname', true),
  ('alexandria', 'alexander', 'has_nickname', true),
  ('alexandria', 'alla', 'has_nickname', true),
  ('alexandria', 'drina', 'has_nickname', true),
  ('alexandria', 'sandra', 'has_nickname', true),
  ('alexis', 'alex', 'has_nickname', true),
  ('alexis', 'lexi', 'has_nickname', true),
  ('alfonse', 'al', 'has_nickname', true),
  ('alfred', 'al', 'has_nickname', true),
  ('alfred', 'fred', 'has_nickname', true),
  ('alfred', 'freddy', 'has_nickname', true),
  ('alfreda', 'alfy', 'has_nickname', true),
  ('alfreda', 'freda', 'has_nickname', true),
  ('alfreda', 'freddy', 'has_nickname', true),
  ('alfreda', 'frieda', 'has_nickname', true),
  ('algernon', 'algy', 'has_nickname', true),
  ('alice', 'allie', 'has_nickname', true),
  ('alice', 'elsie', 'has_nickname', true),
  ('alice', 'lisa', 'has_nickname', true),
  ('alicia', 'allie', 'has_nickname', true),
  ('alicia', 'elsie', 'has_nickname', true),
  ('alicia', 'lisa', 'has_nickname', true),
  ('aline', 'adeline', 'has_nickname', true),
  ('alison', 'ali', 'has_nickname', true),
  ('alison', 'allie', 'has_nickname', true),
  ('alixandra', 'alix', 'has_nickname', true),
  ('allan', 'al', 'has_nickname', true),
  ('allan', 'alan', 'has_nickname', true),
  ('allan', 'allen', 'has_nickname', true),
  ('allen', 'al', 'has_nickname', true),
  ('allen', 'alan', 'has_nickname', true),
  ('allen', 'allan', 'has_nickname', true),
  ('allisandra', 'ali', 'has_nickname', true),
  ('allisandra', 'allie', 'has_nickname', true),
  ('allisandra', 'ally', 'has_nickname', true),
  ('allison', 'ali', 'has_nickname', true),
  ('allison', 'allie', 'has_nickname', true),
  ('allison', 'ally', 'has_nickname', true),
  ('allyson', 'ali', 'has_nickname', true),
  ('allyson', 'allie', 'has_nickname', true),
  ('allyson', 'ally', 'has_nickname', true),
  ('allyssa', 'ali', 'has_nickname', true),
  ('allyssa', 'allie', 'has_nickname', true),
  ('allyssa', 'ally', 'has_nickname', true),
  ('almena', 'ali', 'has_nickname', true),
  ('almena', 'allie', 'has_nickname', true),
  ('almena', 'ally', 'has_nickname', true),
  ('almena', 'mena', 'has_nickname', true),
  ('almina', 'minnie', 'has_nickname', true),
  ('almira', 'myra', 'has_nickname', true),
  ('alonzo', 'al', 'has_nickname', true),
  ('alonzo', 'lon', 'has_nickname', true),
  ('alonzo', 'lonzo', 'has_nickname', true),
  ('alphinias', 'alphus', 'has_nickname', true),
  ('althea', 'ally', 'has_nickname', true),
  ('alverta', 'vert', 'has_nickname', true),
  ('alverta', 'virdie', 'has_nickname', true),
  ('alyssa', 'al', 'has_nickname', true),
  ('alyssa', 'ally', 'has_nickname', true),
  ('alyssa', 'lissia', 'has_nickname', true),
  ('alzada', 'zada', 'has_nickname', true),
  ('amanda', 'manda', 'has_nickname', true),
  ('amanda', 'mandy', 'has_nickname', true),
  ('ambrose', 'brose', 'has_nickname', true),
  ('amelia', 'amy', 'has_nickname', true),
  ('amelia', 'emily', 'has_nickname', true),
  ('amelia', 'mel', 'has_nickname', true),
  ('amelia', 'millie', 'has_nickname', true),
  ('amos', 'moses', 'has_nickname', true),
  ('anastasia', 'ana', 'has_nickname', true),
  ('anastasia', 'stacy', 'has_nickname', true),
  ('anderson', 'andy', 'has_nickname', true),
  ('andre', 'drea', 'has_nickname', true),
  ('andrea', 'andi', 'has_nickname', true),
  ('andrea', 'andrew', 'has_nickname', true),
  ('andrea', 'andy', 'has_nickname', true),
  ('andrea', 'drea', 'has_nickname', true),
  ('andrea', 'rea', 'has_nickname', true),
  ('andrew', 'andy', 'has_nickname', true),
  ('andrew', 'drew', 'has_nickname', true),
  ('andrew', 'randy', 'has_nickname', true),
  ('andriane', 'ada', 'has_nickname', true),
  ('andriane', 'adri', 'has_nickname', true),
  ('andriane', 'rienne', 'has_nickname', true),
  ('angela', 'angel', 'has_nickname', true),
  ('angela', 'angie', 'has_nickname', true),
  ('angelica', 'angel', 'has_nickname', true),
  ('angelica', 'angelika', 'has_nickname', true),
  ('angelica', 'angelique', 'has_nickname', true),
  ('angelica', 'angie', 'has_nickname', true),
  ('angelina', 'angel', 'has_nickname', true),
  ('angelina', 'angie', 'has_nickname', true),
  ('angelina', 'lina', 'has_nickname', true),
  ('ann', 'annie', 'has_nickname', true),
  ('ann', 'nan', 'has_nickname', true),
  ('anna', 'ann', 'has_nickname', true),
  ('anna', 'anne', 'has_nickname', true),
  ('anna', 'annie', 'has_nickname', true),
  ('anna', 'nan', 'has_nickname', true),
  ('anne', 'ann', 'has_nickname', true),
  ('anne', 'annie', 'has_nickname', true),
  ('anne', 'nan', 'has_nickname', true),
  ('annette', 'anna', 'has_nickname', true),
  ('annette', 'nettie', 'has_nickname', true),
  ('annie', 'ann', 'has_nickname', true),
  ('annie', 'anna', 'has_nickname', true),
  ('anselm', 'ance', 'has_nickname', true),
  ('anselm', 'anse', 'has_nickname', true),
  ('anselm', 'ansel', 'has_nickname', true),
  ('anselm', 'selma', 'has_nickname', true),
  ('anthony', 'ant', 'has_nickname', true),
  ('anthony', 'tony', 'has_nickname', true),
  ('antoinette', 'ann', 'has_nickname', true),
  ('antoinette', 'netta', 'has_nickname', true),
  ('antoinette', 'tony', 'has_nickname', true),
  ('antonia', 'ann', 'has_nickname', true),
  ('antonia', 'netta', 'has_nickname', true),
  ('antonia', 'tony', 'has_nickname', true),
  ('antonio', 'ant', 'has_nickname', true),
  ('antonio', 'tony', 'has_nickname', true),
  ('appoline', 'appie', 'has_nickname', true),
  ('appoline', 'appy', 'has_nickname', true),
  ('aquilla', 'quil', 'has_nickname', true),
  ('aquilla', 'quillie', 'has_nickname', true),
  ('ara', 'arry', 'has_nickname', true),
  ('ara', 'belle', 'has_nickname', true),
  ('arabella', 'ara', 'has_nickname', true),
  ('arabella', 'arry', 'has_nickname', true),
  ('arabella', 'bella', 'has_nickname', true),
  ('arabella', 'belle', 'has_nickname', true),
  ('arabelle', 'ara', 'has_nickname', true),
  ('arabelle', 'arry', 'has_nickname', true),
  ('arabelle', 'bella', 'has_nickname', true),
  ('arabelle', 'belle', 'has_nickname', true),
  ('araminta', 'armida', 'has_nickname', true),
  ('araminta', 'middie', 'has_nickname', true),
  ('araminta', 'minty', 'has_nickname', true),
  ('araminta', 'ruminta', 'has_nickname', true),
  ('archibald', 'archie', 'has_nickname', true),
  ('archilles', 'kill', 'has_nickname', true),
  ('archilles', 'killis', 'has_nickname', true),
  ('ariadne', 'ari', 'has_nickname', true),
  ('ariadne', 'arie', 'has_nickname', true),
  ('arielle', 'arie', 'has_nickname', true),
  ('aristotle', 'telly', 'has_nickname', true),
  ('arizona', 'ona', 'has_nickname', true),
  ('arizona', 'onie', 'has_nickname', true),
  ('arlene', 'arly', 'has_nickname', true),
  ('arlene', 'lena', 'has_nickname', true),
  ('armanda', 'mandy', 'has_nickname', true),
  ('armena', 'arry', 'has_nickname', true),
  ('armena', 'mena', 'has_nickname', true),
  ('armilda', 'milly', 'has_nickname', true),
  ('arminda', 'mindie', 'has_nickname', true),
  ('arminta', 'minite', 'has_nickname', true),
  ('arminta', 'minnie', 'has_nickname', true),
  ('arnold', 'arnie', 'has_nickname', true),
  ('aron', 'erin', 'has_nickname', true),
  ('aron', 'ron', 'has_nickname', true),
  ('aron', 'ronnie', 'has_nickname', true),
  ('artelepsa', 'epsey', 'has_nickname', true),
  ('artemus', 'art', 'has_nickname', true),
  ('arthur', 'art', 'has_nickname', true),
  ('arthusa', 'thursa', 'has_nickname', true),
  ('arzada', 'zaddi', 'has_nickname', true),
  ('asahel', 'asa', 'has_nickname', true),
  ('asaph', 'asa', 'has_nickname', true),
  ('asenath', 'assene', 'has_nickname', true),
  ('asenath', 'natty', 'has_nickname', true),
  ('asenath', 'sene', 'has_nickname', true),
  ('ashley', 'ash', 'has_nickname', true),
  ('ashley', 'ashly', 'has_nickname', true),
  ('ashley', 'leah', 'has_nickname', true),
  ('ashley', 'lee', 'has_nickname', true),
  ('aubrey', 'bree', 'has_nickname', true),
  ('audrey', 'audree', 'has_nickname', true),
  ('audrey', 'dee', 'has_nickname', true),
  ('august', 'gus', 'has_nickname', true),
  ('augusta', 'aggy', 'has_nickname', true),
  ('augusta', 'gatsy', 'has_nickname', true),
  ('augusta', 'gussie', 'has_nickname', true),
  ('augusta', 'tina', 'has_nickname', true),
  ('augustina', 'aggy', 'has_nickname', true),
  ('augustina', 'gatsy', 'has_nickname', true),
  ('augustina', 'gussie', 'has_nickname', true),
  ('augustina', 'tina', 'has_nickname', true),
  ('augustine', 'august', 'has_nickname', true),
  ('augustine', 'austin', 'has_nickname', true),
  ('augustine', 'gus', 'has_nickname', true),
  ('augustus', 'august', 'has_nickname', true),
  ('augustus', 'austin', 'has_nickname', true),
  ('augustus', 'gus', 'has_nickname', true),
  ('aurelia', 'aurilla', 'has_nickname', true),
  ('aurelia', 'ora', 'has_nickname', true),
  ('aurelia', 'orilla', 'has_nickname', true),
  ('aurelia', 'ree', 'has_nickname', true),
  ('aurelia', 'rilly', 'has_nickname', true),
  ('avarilla', 'rilla', 'has_nickname', true),
  ('azariah', 'aze', 'has_nickname', true),
  ('azariah', 'riah', 'has_nickname', true),
  ('bab', 'barby', 'has_nickname', true),
  ('babs', 'bab', 'has_nickname', true),
  ('babs', 'barbara', 'has_nickname', true),
  ('babs', 'barby', 'has_nickname', true),
  ('barbara', 'bab', 'has_nickname', true),
  ('barbara', 'babs', 'has_nickname', true),
  ('barbara', 'barbie', 'has_nickname', true),
  ('barbara', 'barby', 'has_nickname', true),
  ('barbara', 'bobbie', 'has_nickname', true),
  ('barbery', 'barbara', 'has_nickname', true),
  ('barbie', 'barbara', 'has_nickname', true),
  ('barnabas', 'barney', 'has_nickname', true),
  ('barney', 'barnabas', 'has_nickname', true),
  ('bart', 'bartholomew', 'has_nickname', true),
  ('bartholomew', 'bart', 'has_nickname', true),
  ('bartholomew', 'bartel', 'has_nickname', true),
  ('bartholomew', 'bat', 'has_nickname', true),
  ('bartholomew', 'mees', 'has_nickname', true),
  ('bartholomew', 'meus', 'has_nickname', true),
  ('barticus', 'bart', 'has_nickname', true),
  ('bazaleel', 'basil', 'has_nickname', true),
  ('bea', 'beatrice', 'has_nickname', true),
  ('beatrice', 'bea', 'has_nickname', true),
  ('beatrice', 'trisha', 'has_nickname', true),
  ('beatrice', 'trix', 'has_nickname', true),
  ('beatrice', 'trixie', 'has_nickname', true),
  ('becca', 'beck', 'has_nickname', true),
  ('beck', 'becky', 'has_nickname', true),
  ('bedelia', 'bridgit', 'has_nickname', true),
  ('bedelia', 'delia', 'has_nickname', true),
  ('belinda', 'belle', 'has_nickname', true),
  ('belinda', 'linda', 'has_nickname', true),
  ('bella', 'arabella', 'has_nickname', true),
  ('bella', 'belle', 'has_nickname', true),
  ('bella', 'isabella', 'has_nickname', true),
  ('benedict', 'ben', 'has_nickname', true),
  ('benedict', 'bennie', 'has_nickname', true),
  ('benjamin', 'ben', 'has_nickname', true),
  ('benjamin', 'benjy', 'has_nickname', true),
  ('benjamin', 'bennie', 'has_nickname', true),
  ('benjamin', 'benny', 'has_nickname', true),
  ('benjamin', 'jamie', 'has_nickname', true),
  ('benjy', 'benjamin', 'has_nickname', true),
  ('bernard', 'barney', 'has_nickname', true),
  ('bernard', 'berney', 'has_nickname', true),
  ('bernard', 'bernie', 'has_nickname', true),
  ('bernard', 'berny', 'has_nickname', true),
  ('berney', 'bernie', 'has_nickname', true),
  ('bert', 'bertie', 'has_nickname', true),
  ('bert', 'bob', 'has_nickname', true),
  ('bert', 'bobby', 'has_nickname', true),
  ('bertha', 'bert', 'has_nickname', true),
  ('bertha', 'bertie', 'has_nickname', true),
  ('bertha', 'birdie', 'has_nickname', true),
  ('bertram', 'bert', 'has_nickname', true),
  ('bertrand', 'randy', 'has_nickname', true),
  ('bess', 'bessie', 'has_nickname', true),
  ('beth', 'betsy', 'has_nickname', true),
  ('beth', 'betty', 'has_nickname', true),
  ('beth', 'elizabeth', 'has_nickname', true),
  ('bethena', 'beth', 'has_nickname', true),
  ('bethena', 'thaney', 'has_nickname', true),
  ('beverly', 'bev', 'has_nickname', true),
  ('bezaleel', 'zeely', 'has_nickname', true),
  ('biddie', 'biddy', 'has_nickname', true),
  ('bill', 'billy', 'has_nickname', true),
  ('bill', 'fred', 'has_nickname', true),
  ('bill', 'robert', 'has_nickname', true),
  ('bill', 'william', 'has_nickname', true),
  ('bill', 'willie', 'has_nickname', true),
  ('billy', 'fred', 'has_nickname', true),
  ('billy', 'robert', 'has_nickname', true),
  ('billy', 'william', 'has_nickname', true),
  ('blanche', 'bea', 'has_nickname', true),
  ('bob', 'rob', 'has_nickname', true),
  ('bob', 'robert', 'has_nickname', true),
  ('bobby', 'bob', 'has_nickname', true),
  ('bobby', 'rob', 'has_nickname', true),
  ('boetius', 'bo', 'has_nickname', true),
  ('brad', 'bradford', 'has_nickname', true),
  ('brad', 'ford', 'has_nickname', true),
  ('bradford', 'brad', 'has_nickname', true),
  ('bradford', 'ford', 'has_nickname', true),
  ('bradley', 'brad', 'has_nickname', true),
  ('brady', 'brody', 'has_nickname', true),
  ('breanna', 'bree', 'has_nickname', true),
  ('breanna', 'bri', 'has_nickname', true),
  ('breeanna', 'bree', 'has_nickname', true),
  ('brenda', 'brandy', 'has_nickname', true),
  ('brian', 'bryan', 'has_nickname', true),
  ('brian', 'bryant', 'has_nickname', true),
  ('brianna', 'bri', 'has_nickname', true),
  ('bridget', 'biddie', 'has_nickname', true),
  ('bridget', 'biddy', 'has_nickname', true),
  ('bridget', 'bridgie', 'has_nickname', true),
  ('bridget', 'bridie', 'has_nickname', true),
  ('brittany', 'britt', 'has_nickname', true),
  ('brittany', 'brittnie', 'has_nickname', true),
  ('brittney', 'britt', 'has_nickname', true),
  ('brittney', 'brittnie', 'has_nickname', true),
  ('broderick', 'brady', 'has_nickname', true),
  ('broderick', 'brody', 'has_nickname', true),
  ('broderick', 'rick', 'has_nickname', true),
  ('broderick', 'ricky', 'has_nickname', true),
  ('broderick', 'rod', 'has_nickname', true),
  ('bryanna', 'ana', 'has_nickname', true),
  ('bryanna', 'anna', 'has_nickname', true),
  ('bryanna', 'bri', 'has_nickname', true),
  ('bryanna', 'briana', 'has_nickname', true),
  ('bryanna', 'brianna', 'has_nickname', true),
  ('caitlin', 'cait', 'has_nickname', true),
  ('caitlin', 'caity', 'has_nickname', true),
  ('caitlyn', 'cait', 'has_nickname', true),
  ('caitlyn', 'caity', 'has_nickname', true),
  ('caldonia', 'calliedona', 'has_nickname', true),
  ('caleb', 'cal', 'has_nickname', true),
  ('california', 'callie', 'has_nickname', true),
  ('calista', 'kissy', 'has_nickname', true),
  ('calpurnia', 'cally', 'has_nickname', true),
  ('calvin', 'cal', 'has_nickname', true),
  ('calvin', 'vin', 'has_nickname', true),
  ('calvin', 'vinny', 'has_nickname', true),
  ('cameron', 'cam', 'has_nickname', true),
  ('cameron', 'ron', 'has_nickname', true),
  ('cameron', 'ronny', 'has_nickname', true),
  ('camile', 'cammie', 'has_nickname', true),
  ('camille', 'cammie', 'has_nickname', true),
  ('camille', 'millie', 'has_nickname', true),
  ('campbell', 'cam', 'has_nickname', true),
  ('candace', 'candy', 'has_nickname', true),
  ('candace', 'dacey', 'has_nickname', true),
  ('carla', 'carly', 'has_nickname', true),
  ('carla', 'karla', 'has_nickname', true),
  ('carlotta', 'lottie', 'has_nickname', true),
  ('carlton', 'carl', 'has_nickname', true),
  ('carmellia', 'mellia', 'has_nickname', true),
  ('carmelo', 'melo', 'has_nickname', true),
  ('carmon', 'cammie', 'has_nickname', true),
  ('carmon', 'carm', 'has_nickname', true),
  ('carmon', 'charm', 'has_nickname', true),
  ('carol', 'carolann', 'has_nickname', true),
  ('carol', 'carole', 'has_nickname', true),
  ('carol', 'caroline', 'has_nickname', true),
  ('carol', 'carri', 'has_nickname', true),
  ('carol', 'carrie', 'has_nickname', true),
  ('carol', 'cassie', 'has_nickname', true),
  ('carol', 'kara', 'has_nickname', true),
  ('carol', 'kari', 'has_nickname', true),
  ('carol', 'lynn', 'has_nickname', true),
  ('carolann', 'carol', 'has_nickname', true),
  ('carolann', 'carole', 'has_nickname', true),
  ('caroline', 'carol', 'has_nickname', true),
  ('caroline', 'carole', 'has_nickname', true),
  ('caroline', 'carrie', 'has_nickname', true),
  ('caroline', 'cassie', 'has_nickname', true),
  ('caroline', 'lynn', 'has_nickname', true),
  ('carolyn', 'carrie', 'has_nickname', true),
  ('carolyn', 'cassie', 'has_nickname', true),
  ('carolyn', 'lynn', 'has_nickname', true),
  ('carrie', 'cassie', 'has_nickname', true),
  ('carthaette', 'etta', 'has_nickname', true),
  ('carthaette', 'etty', 'has_nickname', true),
  ('casey', 'kc', 'has_nickname', true),
  ('casper', 'jasper', 'has_nickname', true),
  ('cassandra', 'cassie', 'has_nickname', true),
  ('cassandra', 'sandra', 'has_nickname', true),
  ('cassandra', 'sandy', 'has_nickname', true),
  ('cassidy', 'cass', 'has_nickname', true),
  ('cassidy', 'cassie', 'has_nickname', true),
  ('caswell', 'cass', 'has_nickname', true),
  ('catherine', 'casey', 'has_nickname', true),
  ('catherine', 'cassie', 'has_nickname', true),
  ('catherine', 'cathy', 'has_nickname', true),
  ('catherine', 'kathy', 'has_nickname', true),
  ('catherine', 'katy', 'has_nickname', true),
  ('catherine', 'kay', 'has_nickname', true),
  ('catherine', 'kit', 'has_nickname', true),
  ('catherine', 'kittie', 'has_nickname', true),
  ('catherine', 'lena', 'has_nickname', true),
  ('catherine', 'trina', 'has_nickname', true),
  ('cathleen', 'casey', 'has_nickname', true),
  ('cathleen', 'cassie', 'has_nickname', true),
  ('cathleen', 'cathy', 'has_nickname', true),
  ('cathleen', 'kathy', 'has_nickname', true),
  ('cathleen', 'katy', 'has_nickname', true),
  ('cathleen', 'kay', 'has_nickname', true),
  ('cathleen', 'kit', 'has_nickname', true),
  ('cathleen', 'kittie', 'has_nickname', true),
  ('cathleen', 'lena', 'has_nickname', true),
  ('cathleen', 'trina', 'has_nickname', true),
  ('cathy', 'catherine', 'has_nickname', true),
  ('cathy', 'cathleen', 'has_nickname', true),
  ('cathy', 'kathy', 'has_nickname', true),
  ('cecilia', 'celia', 'has_nickname', true),
  ('cecilia', 'cissy', 'has_nickname', true),
  ('cedric', 'ced', 'has_nickname', true),
  ('cedric', 'rick', 'has_nickname', true),
  ('cedric', 'ricky', 'has_nickname', true),
  ('celeste', 'celia', 'has_nickname', true),
  ('celeste', 'lessie', 'has_nickname', true),
  ('celinda', 'linda', 'has_nickname', true),
  ('celinda', 'lindy', 'has_nickname', true),
  ('celinda', 'lynn', 'has_nickname', true),
  ('charity', 'chat', 'has_nickname', true),
  ('charles', 'carl', 'has_nickname', true),
  ('charles', 'charlie', 'has_nickname', true),
  ('charles', 'chick', 'has_nickname', true),
  ('charles', 'chuck', 'has_nickname', true),
  ('charlie', 'charles', 'has_nickname', true),
  ('charlie', 'chuck', 'has_nickname', true),
  ('charlotte', 'char', 'has_nickname', true),
  ('charlotte', 'lotta', 'has_nickname', true),
  ('charlotte', 'lottie', 'has_nickname', true),
  ('charlotte', 'sherry', 'has_nickname', true),
  ('chauncey', 'chan', 'has_nickname', true),
  ('chelsey', 'chelsie', 'has_nickname', true),
  ('cheryl', 'cher', 'has_nickname', true),
  ('chesley', 'chet', 'has_nickname', true),
  ('chester', 'chet', 'has_nickname', true),
  ('chet', 'chester', 'has_nickname', true),
  ('chick', 'caroline', 'has_nickname', true),
  ('chick', 'charlotte', 'has_nickname', true),
  ('chick', 'chuck', 'has_nickname', true),
  ('chloe', 'clo', 'has_nickname', true),
  ('chris', 'kris', 'has_nickname', true),
  ('christa', 'chris', 'has_nickname', true),
  ('christian', 'chris', 'has_nickname', true),
  ('christian', 'kit', 'has_nickname', true),
  ('christiana', 'ann', 'has_nickname', true),
  ('christiana', 'chris', 'has_nickname', true),
  ('christiana', 'christy', 'has_nickname', true),
  ('christiana', 'crissy', 'has_nickname', true),
  ('christiana', 'kris', 'has_nickname', true),
  ('christiana', 'kristy', 'has_nickname', true),
  ('christiana', 'tina', 'has_nickname', true),
  ('christiano', 'chris', 'has_nickname', true),
  ('christina', 'chris', 'has_nickname', true),
  ('christina', 'chrissy', 'has_nickname', true),
  ('christina', 'christy', 'has_nickname', true),
  ('christina', 'crissy', 'has_nickname', true),
  ('christina', 'kris', 'has_nickname', true),
  ('christina', 'kristy', 'has_nickname', true),
  ('christina', 'tina', 'has_nickname', true),
  ('christine', 'chris', 'has_nickname', true),
  ('christine', 'chrissy', 'has_nickname', true),
  ('christine', 'christy', 'has_nickname', true),
  ('christine', 'crissy', 'has_nickname', true),
  ('christine', 'kris', 'has_nickname', true),
  ('christine', 'kristy', 'has_nickname', true),
  ('christine', 'tina', 'has_nickname', true),
  ('christoffer', 'chris', 'has_nickname', true),
  ('christoph', 'chris', 'has_nickname', true),
  ('christopher', 'chris', 'has_nickname', true),
  ('christopher', 'kit', 'has_nickname', true),
  ('christy', 'crissy', 'has_nickname', true),
  ('cicely', 'cilla', 'has_nickname', true),
  ('cinderella', 'arilla', 'has_nickname', true),
  ('cinderella', 'cindy', 'has_nickname', true),
  ('cinderella', 'rella', 'has_nickname', true),
  ('cinderella', 'rilla', 'has_nickname', true),
  ('cindy', 'cinderella', 'has_nickname', true),
  ('claire', 'clair', 'has_nickname', true),
  ('claire', 'clara', 'has_nickname', true),
  ('claire', 'clare', 'has_nickname', true),
  ('clara', 'clarissa', 'has_nickname', true),
  ('clare', 'clara', 'has_nickname', true),
  ('clarence', 'clair', 'has_nickname', true),
  ('clarence', 'clare', 'has_nickname', true),
  ('clarinda', 'clara', 'has_nickname', true),
  ('clarissa', 'cissy', 'has_nickname', true),
  ('clarissa', 'clara', 'has_nickname', true),
  ('claudia', 'claud', 'has_nickname', true),
  ('cleatus', 'cleat', 'has_nickname', true),
  ('clement', 'clem', 'has_nickname', true),
  ('clementine', 'clem', 'has_nickname', true),
  ('clementine', 'clement', 'has_nickname', true),
  ('cliff', 'clifford', 'has_nickname', true),
  ('clifford', 'cliff', 'has_nickname', true),
  ('clifford', 'ford', 'has_nickname', true),
  ('clifton', 'cliff', 'has_nickname', true),
  ('clifton', 'tony', 'has_nickname', true),
  ('cole', 'colie', 'has_nickname', true),
  ('columbus', 'clum', 'has_nickname', true),
  ('con', 'conny', 'has_nickname', true),
  ('conrad', 'con', 'has_nickname', true),
  ('conrad', 'conny', 'has_nickname', true),
  ('constance', 'connie', 'has_nickname', true),
  ('cordelia', 'cordy', 'has_nickname', true),
  ('cordelia', 'delia', 'has_nickname', true),
  ('corey', 'coco', 'has_nickname', true),
  ('corey', 'cordy', 'has_nickname', true),
  ('corey', 'ree', 'has_nickname', true),
  ('corinne', 'cora', 'has_nickname', true),
  ('corinne', 'ora', 'has_nickname', true),
  ('cornelia', 'cornie', 'has_nickname', true),
  ('cornelia', 'corny', 'has_nickname', true),
  ('cornelia', 'nelia', 'has_nickname', true),
  ('cornelia', 'nelle', 'has_nickname', true),
  ('cornelia', 'nelly', 'has_nickname', true),
  ('cornelius', 'con', 'has_nickname', true),
  ('cornelius', 'conny', 'has_nickname', true),
  ('cornelius', 'corny', 'has_nickname', true),
  ('cornelius', 'neil', 'has_nickname', true),
  ('cornelius', 'niel', 'has_nickname', true),
  ('cory', 'coco', 'has_nickname', true),
  ('cory', 'cordy', 'has_nickname', true),
  ('cory', 'ree', 'has_nickname', true),
  ('courtney', 'court', 'has_nickname', true),
  ('courtney', 'curt', 'has_nickname', true),
  ('crystal', 'chris', 'has_nickname', true),
  ('crystal', 'crys', 'has_nickname', true),
  ('crystal', 'stal', 'has_nickname', true),
  ('crystal', 'tal', 'has_nickname', true),
  ('curtis', 'curt', 'has_nickname', true),
  ('cynthia', 'cindy', 'has_nickname', true),
  ('cynthia', 'cintha', 'has_nickname', true),
  ('cyrenius', 'cene', 'has_nickname', true),
  ('cyrenius', 'cy', 'has_nickname', true),
  ('cyrenius', 'renius', 'has_nickname', true),
  ('cyrenius', 'serene', 'has_nickname', true),
  ('cyrenius', 'swene', 'has_nickname', true),
  ('cyrus', 'cy', 'has_nickname', true),
  ('dahl', 'dal', 'has_nickname', true),
  ('dalton', 'dahl', 'has_nickname', true),
  ('dalton', 'dal', 'has_nickname', true),
  ('daniel', 'dan', 'has_nickname', true),
  ('daniel', 'dann', 'has_nickname', true),
  ('daniel', 'danny', 'has_nickname', true),
  ('danielle', 'dani', 'has_nickname', true),
  ('danielle', 'ellie', 'has_nickname', true),
  ('danny', 'daniel', 'has_nickname', true),
  ('daphne', 'daph', 'has_nickname', true),
  ('daphne', 'daphie', 'has_nickname', true),
  ('darlene', 'darry', 'has_nickname', true),
  ('darlene', 'lena', 'has_nickname', true),
  ('david', 'dave', 'has_nickname', true),
  ('david', 'davey', 'has_nickname', true),
  ('david', 'day', 'has_nickname', true),
  ('daycia', 'dacia', 'has_nickname', true),
  ('daycia', 'daisha', 'has_nickname', true),
  ('deanne', 'ann', 'has_nickname', true),
  ('deanne', 'dee', 'has_nickname', true),
  ('debbie', 'deb', 'has_nickname', true),
  ('debbie', 'debby', 'has_nickname', true),
  ('debbie', 'deborah', 'has_nickname', true),
  ('debbie', 'debra', 'has_nickname', true),
  ('debby', 'deb', 'has_nickname', true),
  ('debora', 'deb', 'has_nickname', true),
  ('debora', 'debbie', 'has_nickname', true),
  ('debora', 'debby', 'has_nickname', true),
  ('deborah', 'deb', 'has_nickname', true),
  ('deborah', 'debbie', 'has_nickname', true),
  ('deborah', 'debby', 'has_nickname', true),
  ('debra', 'deb', 'has_nickname', true),
  ('debra', 'debbie', 'has_nickname', true),
  ('deidre', 'deedee', 'has_nickname', true),
  ('delbert', 'bert', 'has_nickname', true),
  ('delbert', 'del', 'has_nickname', true),
  ('delia', 'cordelia', 'has_nickname', true),
  ('delia', 'delius', 'has_nickname', true),
  ('delia', 'fidelia', 'has_nickname', true),
  ('delilah', 'dell', 'has_nickname', true),
  ('delilah', 'della', 'has_nickname', true),
  ('delilah', 'lil', 'has_nickname', true),
  ('delilah', 'lila', 'has_nickname', true),
  ('deliverance', 'della', 'has_nickname', true),
  ('deliverance', 'delly', 'has_nickname', true),
  ('deliverance', 'dilly', 'has_nickname', true),
  ('della', 'adela', 'has_nickname', true),
  ('della', 'adelaide', 'has_nickname', true),
  ('della', 'delilah', 'has_nickname', true),
  ('della', 'dell', 'has_nickname', true),
  ('delores', 'dee', 'has_nickname', true),
  ('delores', 'dell', 'has_nickname', true),
  ('delores', 'della', 'has_nickname', true),
  ('delores', 'lola', 'has_nickname', true),
  ('delores', 'lolly', 'has_nickname', true),
  ('delpha', 'philadelphia', 'has_nickname', true),
  ('delphine', 'del', 'has_nickname', true),
  ('delphine', 'delf', 'has_nickname', true),
  ('delphine', 'delphi', 'has_nickname', true),
  ('demaris', 'dea', 'has_nickname', true),
  ('demaris', 'maris', 'has_nickname', true),
  ('demaris', 'mary', 'has_nickname', true),
  ('demerias', 'dea', 'has_nickname', true),
  ('demerias', 'maris', 'has_nickname', true),
  ('demerias', 'mary', 'has_nickname', true),
  ('democrates', 'mock', 'has_nickname', true),
  ('dennis', 'dennie', 'has_nickname', true),
  ('dennis', 'denny', 'has_nickname', true),
  ('dennison', 'dennis', 'has_nickname', true),
  ('dennison', 'denny', 'has_nickname', true),
  ('derek', 'derrek', 'has_nickname', true),
  ('derek', 'rick', 'has_nickname', true),
  ('derek', 'ricky', 'has_nickname', true),
  ('derick', 'rick', 'has_nickname', true),
  ('derick', 'ricky', 'has_nickname', true),
  ('derrick', 'eric', 'has_nickname', true),
  ('derrick', 'rick', 'has_nickname', true),
  ('derrick', 'ricky', 'has_nickname', true),
  ('deuteronomy', 'duty', 'has_nickname', true),
  ('diana', 'di', 'has_nickname', true),
  ('diana', 'dicey', 'has_nickname', true),
  ('diana', 'didi', 'has_nickname', true),
  ('diane', 'di', 'has_nickname', true),
  ('diane', 'dian', 'has_nickname', true),
  ('diane', 'dianne', 'has_nickname', true),
  ('diane', 'dicey', 'has_nickname', true),
  ('diane', 'didi', 'has_nickname', true),
  ('dicey', 'dicie', 'has_nickname', true),
  ('dick', 'richard', 'has_nickname', true),
  ('dick', 'rick', 'has_nickname', true),
  ('dickson', 'dick', 'has_nickname', true),
  ('domenic', 'dom', 'has_nickname', true),
  ('domenic', 'nic', 'has_nickname', true),
  ('dominic', 'dom', 'has_nickname', true),
  ('dominic', 'nic', 'has_nickname', true),
  ('dominick', 'dom', 'has_nickname', true),
  ('dominick', 'nick', 'has_nickname', true),
  ('dominick', 'nicky', 'has_nickname', true),
  ('dominico', 'dom', 'has_nickname', true),
  ('donald', 'don', 'has_nickname', true),
  ('donald', 'donnie', 'has_nickname', true),
  ('donald', 'donny', 'has_nickname', true),
  ('donald', 'dony', 'has_nickname', true),
  ('donato', 'don', 'has_nickname', true),
  ('donna', 'dona', 'has_nickname', true),
  ('donovan', 'don', 'has_nickname', true),
  ('donovan', 'donnie', 'has_nickname', true),
  ('donovan', 'donny', 'has_nickname', true),
  ('donovan', 'dony', 'has_nickname', true),
  ('dorcus', 'darkey', 'has_nickname', true),
  ('dorinda', 'dora', 'has_nickname', true),
  ('dorinda', 'dorothea', 'has_nickname', true),
  ('doris', 'dora', 'has_nickname', true),
  ('dorothea', 'doda', 'has_nickname', true),
  ('dorothea', 'dora', 'has_nickname', true),
  ('dorothy', 'dolly', 'has_nickname', true),
  ('dorothy', 'dora', 'has_nickname', true),
  ('dorothy', 'dortha', 'has_nickname', true),
  ('dorothy', 'dot', 'has_nickname', true),
  ('dorothy', 'dottie', 'has_nickname', true),
  ('dorothy', 'dotty', 'has_nickname', true),
  ('dotha', 'dotty', 'has_nickname', true),
  ('dotty', 'dot', 'has_nickname', true),
  ('douglas', 'doug', 'has_nickname', true),
  ('drusilla', 'silla', 'has_nickname', true),
  ('duncan', 'dunk', 'has_nickname', true),
  ('earnest', 'ernestine', 'has_nickname', true),
  ('earnest', 'ernie', 'has_nickname', true),
  ('ebbie', 'eb', 'has_nickname', true),
  ('ebenezer', 'eb', 'has_nickname', true),
  ('ebenezer', 'ebbie', 'has_nickname', true),
  ('ebenezer', 'eben', 'has_nickname', true),
  ('eddie', 'ed', 'has_nickname', true),
  ('eddy', 'ed', 'has_nickname', true),
  ('edgar', 'ed', 'has_nickname', true),
  ('edgar', 'eddie', 'has_nickname', true),
  ('edgar', 'eddy', 'has_nickname', true),
  ('edith', 'edie', 'has_nickname', true),
  ('edith', 'edye', 'has_nickname', true),
  ('edmond', 'ed', 'has_nickname', true),
  ('edmond', 'eddie', 'has_nickname', true),
  ('edmond', 'eddy', 'has_nickname', true),
  ('edmund', 'ed', 'has_nickname', true),
  ('edmund', 'eddie', 'has_nickname', true),
  ('edmund', 'eddy', 'has_nickname', true),
  ('edmund', 'ned', 'has_nickname', true),
  ('edmund', 'ted', 'has_nickname', true),
  ('edna', 'edny', 'has_nickname', true),
  ('eduardo', 'ed', 'has_nickname', true),
  ('eduardo', 'eddie', 'has_nickname', true),
  ('eduardo', 'eddy', 'has_nickname', true),
  ('edward', 'ed', 'has_nickname', true),
  ('edward', 'eddie', 'has_nickname', true),
  ('edward', 'eddy', 'has_nickname', true),
  ('edward', 'ned', 'has_nickname', true),
  ('edward', 'ted', 'has_nickname', true),
  ('edward', 'teddy', 'has_nickname', true),
  ('edwin', 'ed', 'has_nickname', true),
  ('edwin', 'eddie', 'has_nickname', true),
  ('edwin', 'eddy', 'has_nickname', true),
  ('edwin', 'ned', 'has_nickname', true),
  ('edwin', 'win', 'has_nickname', true),
  ('edwina', 'edwin', 'has_nickname', true),
  ('edyth', 'edie', 'has_nickname', true),
  ('edyth', 'edye', 'has_nickname', true),
  ('edythe', 'edie', 'has_nickname', true),
  ('edythe', 'edye', 'has_nickname', true),
  ('egbert', 'bert', 'has_nickname', true),
  ('egbert', 'burt', 'has_nickname', true),
  ('eighta', 'athy', 'has_nickname', true),
  ('eileen', 'helen', 'has_nickname', true),
  ('elaine', 'helen', 'has_nickname', true),
  ('elaine', 'lainie', 'has_nickname', true),
  ('elbert', 'albert', 'has_nickname', true),
  ('elbert', 'bert', 'has_nickname', true),
  ('elbertson', 'bert', 'has_nickname', true),
  ('elbertson', 'elbert', 'has_nickname', true),
  ('eldora', 'dora', 'has_nickname', true),
  ('eleanor', 'elaine', 'has_nickname', true),
  ('eleanor', 'ellen', 'has_nickname', true),
  ('eleanor', 'ellie', 'has_nickname', true),
  ('eleanor', 'lanna', 'has_nickname', true),
  ('eleanor', 'lenora', 'has_nickname', true),
  ('eleanor', 'nelly', 'has_nickname', true),
  ('eleanor', 'nora', 'has_nickname', true),
  ('eleazer', 'lazar', 'has_nickname', true),
  ('elena', 'helen', 'has_nickname', true),
  ('elias', 'eli', 'has_nickname', true),
  ('elias', 'lee', 'has_nickname', true),
  ('elias', 'lias', 'has_nickname', true),
  ('elijah', 'eli', 'has_nickname', true),
  ('elijah', 'lige', 'has_nickname', true),
  ('eliphalel', 'life', 'has_nickname', true),
  ('eliphalet', 'left', 'has_nickname', true),
  ('elisa', 'lisa', 'has_nickname', true),
  ('elisha', 'eli', 'has_nickname', true),
  ('elisha', 'lish', 'has_nickname', true),
  ('eliza', 'elizabeth', 'has_nickname', true),
  ('elizabeth', 'bess', 'has_nickname', true),
  ('elizabeth', 'bessie', 'has_nickname', true),
  ('elizabeth', 'beth', 'has_nickname', true),
  ('elizabeth', 'betsy', 'has_nickname', true),
  ('elizabeth', 'betty', 'has_nickname', true),
  ('elizabeth', 'eliza', 'has_nickname', true),
  ('elizabeth', 'lib', 'has_nickname', true),
  ('elizabeth', 'libby', 'has_nickname', true),
  ('elizabeth', 'lisa', 'has_nickname', true),
  ('elizabeth', 'liz', 'has_nickname', true),
  ('elizabeth', 'liza', 'has_nickname', true),
  ('elizabeth', 'lizzie', 'has_nickname', true),
  ('elizabeth', 'lizzy', 'has_nickname', true),
  ('ella', 'el', 'has_nickname', true),
  ('ella', 'ellen', 'has_nickname', true),
  ('ellen', 'helen', 'has_nickname', true),
  ('ellen', 'nell', 'has_nickname', true),
  ('ellen', 'nellie', 'has_nickname', true),
  ('ellender', 'ellen', 'has_nickname', true),
  ('ellender', 'helen', 'has_nickname', true),
  ('ellender', 'nellie', 'has_nickname', true),
  ('ellie', 'elly', 'has_nickname', true),
  ('ellswood', 'elsey', 'has_nickname', true),
  ('elminie', 'minnie', 'has_nickname', true),
  ('elmira', 'ellie', 'has_nickname', true),
  ('elmira', 'elly', 'has_nickname', true),
  ('elmira', 'mira', 'has_nickname', true),
  ('elnora', 'nora', 'has_nickname', true),
  ('eloise', 'heloise', 'has_nickname', true),
  ('eloise', 'louise', 'has_nickname', true),
  ('elouise', 'louise', 'has_nickname', true),
  ('elsie', 'elsey', 'has_nickname', true),
  ('elswood', 'elsey', 'has_nickname', true),
  ('elvira', 'elvie', 'has_nickname', true),
  ('elwood', 'woody', 'has_nickname', true),
  ('elysia', 'lisa', 'has_nickname', true),
  ('elysia', 'lissa', 'has_nickname', true),
  ('elze', 'elsey', 'has_nickname', true),
  ('emanuel', 'manny', 'has_nickname', true),
  ('emanuel', 'manuel', 'has_nickname', true),
  ('emeline', 'em', 'has_nickname', true),
  ('emeline', 'emily', 'has_nickname', true),
  ('emeline', 'emma', 'has_nickname', true),
  ('emeline', 'emmy', 'has_nickname', true),
  ('emeline', 'milly', 'has_nickname', true),
  ('emil', 'em', 'has_nickname', true),
  ('emil', 'emily', 'has_nickname', true),
  ('emily', 'em', 'has_nickname', true),
  ('emily', 'emma', 'has_nickname', true),
  ('emily', 'emmy', 'has_nickname', true),
  ('emily', 'mel', 'has_nickname', true),
  ('emily', 'millie', 'has_nickname', true),
  ('emma', 'em', 'has_nickname', true),
  ('emma', 'emmy', 'has_nickname', true),
  ('epaphroditius', 'dite', 'has_nickname', true),
  ('epaphroditius', 'ditus', 'has_nickname', true),
  ('epaphroditius', 'dyce', 'has_nickname', true),
  ('epaphroditius', 'dyche', 'has_nickname', true),
  ('epaphroditius', 'eppa', 'has_nickname', true),
  ('ephraim', 'eph', 'has_nickname', true),
  ('erasmus', 'rasmus', 'has_nickname', true),
  ('erasmus', 'raze', 'has_nickname', true),
  ('eric', 'rick', 'has_nickname', true),
  ('eric', 'ricky', 'has_nickname', true),
  ('ernest', 'ernie', 'has_nickname', true),
  ('ernestine', 'erna', 'has_nickname', true),
  ('ernestine', 'ernest', 'has_nickname', true),
  ('ernestine', 'teeny', 'has_nickname', true),
  ('ernestine', 'tina', 'has_nickname', true),
  ('erwin', 'irwin', 'has_nickname', true),
  ('eseneth', 'senie', 'has_nickname', true),
  ('essy', 'es', 'has_nickname', true),
  ('estella', 'essy', 'has_nickname', true),
  ('estella', 'stella', 'has_nickname', true),
  ('estelle', 'essy', 'has_nickname', true),
  ('estelle', 'stella', 'has_nickname', true),
  ('esther', 'essie', 'has_nickname', true),
  ('esther', 'hester', 'has_nickname', true),
  ('eudicy', 'dicey', 'has_nickname', true),
  ('eudora', 'dora', 'has_nickname', true),
  ('eudoris', 'dosie', 'has_nickname', true),
  ('eudoris', 'dossie', 'has_nickname', true),
  ('eugene', 'gene', 'has_nickname', true),
  ('eunice', 'nicie', 'has_nickname', true),
  ('euphemia', 'effie', 'has_nickname', true),
  ('euphemia', 'effy', 'has_nickname', true),
  ('eurydice', 'dicey', 'has_nickname', true),
  ('eustacia', 'stacia', 'has_nickname', true),
  ('eustacia', 'stacy', 'has_nickname', true),
  ('eva', 'eve', 'has_nickname', true),
  ('evaline', 'eva', 'has_nickname', true),
  ('evaline', 'eve', 'has_nickname', true),
  ('evaline', 'lena', 'has_nickname', true),
  ('evangeline', 'ev', 'has_nickname', true),
  ('evangeline', 'evan', 'has_nickname', true),
  ('evangeline', 'vangie', 'has_nickname', true),
  ('evelyn', 'ev', 'has_nickname', true),
  ('evelyn', 'eve', 'has_nickname', true),
  ('evelyn', 'evelina', 'has_nickname', true),
  ('experience', 'exie', 'has_nickname', true),
  ('ezekiel', 'ez', 'has_nickname', true),
  ('ezekiel', 'zeke', 'has_nickname', true),
  ('ezideen', 'ez', 'has_nickname', true),
  ('ezra', 'ez', 'has_nickname', true),
  ('faith', 'fay', 'has_nickname', true),
  ('fallon', 'fal', 'has_nickname', true),
  ('fallon', 'falcon', 'has_nickname', true),
  ('fallon', 'fall', 'has_nickname', true),
  ('fallon', 'fallie', 'has_nickname', true),
  ('fallon', 'fally', 'has_nickname', true),
  ('fallon', 'falon', 'has_nickname', true),
  ('fallon', 'lon', 'has_nickname', true),
  ('fallon', 'lonnie', 'has_nickname', true),
  ('felicia', 'fel', 'has_nickname', true),
  ('felicia', 'feli', 'has_nickname', true),
  ('felicia', 'felix', 'has_nickname', true),
  ('felicity', 'flick', 'has_nickname', true),
  ('felicity', 'tick', 'has_nickname', true),
  ('feltie', 'felty', 'has_nickname', true),
  ('ferdinand', 'ferdie', 'has_nickname', true),
  ('ferdinand', 'fred', 'has_nickname', true),
  ('ferdinand', 'freddie', 'has_nickname', true),
  ('ferdinand', 'freddy', 'has_nickname', true),
  ('ferdinando', 'ferdie', 'has_nickname', true),
  ('ferdinando', 'fred', 'has_nickname', true),
  ('ferdinando', 'nando', 'has_nickname', true),
  ('fidelia', 'delia', 'has_nickname', true),
  ('fionna', 'fiona', 'has_nickname', true),
  ('flora', 'florence', 'has_nickname', true),
  ('florence', 'flo', 'has_nickname', true),
  ('florence', 'flora', 'has_nickname', true),
  ('florence', 'flossy', 'has_nickname', true),
  ('floyd', 'lloyd', 'has_nickname', true),
  ('fran', 'frannie', 'has_nickname', true),
  ('frances', 'cissy', 'has_nickname', true),
  ('frances', 'fanny', 'has_nickname', true),
  ('frances', 'fran', 'has_nickname', true),
  ('frances', 'francie', 'has_nickname', true),
  ('frances', 'frankie', 'has_nickname', true),
  ('frances', 'frannie', 'has_nickname', true),
  ('frances', 'franniey', 'has_nickname', true),
  ('frances', 'franny', 'has_nickname', true),
  ('frances', 'sis', 'has_nickname', true),
  ('francie', 'francine', 'has_nickname', true),
  ('francine', 'fran', 'has_nickname', true),
  ('francine', 'francie', 'has_nickname', true),
  ('francine', 'frannie', 'has_nickname', true),
  ('francine', 'franniey', 'has_nickname', true),
  ('francine', 'franny', 'has_nickname', true),
  ('francis', 'fran', 'has_nickname', true),
  ('francis', 'frank', 'has_nickname', true),
  ('francis', 'frankie', 'has_nickname', true),
  ('frankie', 'francis', 'has_nickname', true),
  ('frankie', 'frank', 'has_nickname', true),
  ('franklin', 'fran', 'has_nickname', true),
  ('franklin', 'frank', 'has_nickname', true),
  ('franklind', 'fran', 'has_nickname', true),
  ('franklind', 'frank', 'has_nickname', true),
  ('freda', 'frieda', 'has_nickname', true),
  ('frederica', 'erica', 'has_nickname', true),
  ('frederica', 'erika', 'has_nickname', true),
  ('frederica', 'freddy', 'has_nickname', true),
  ('frederica', 'frederick', 'has_nickname', true),
  ('frederica', 'rickey', 'has_nickname', true),
  ('frederick', 'derick', 'has_nickname', true),
  ('frederick', 'erick', 'has_nickname', true),
  ('frederick', 'fred', 'has_nickname', true),
  ('frederick', 'freddie', 'has_nickname', true),
  ('frederick', 'freddy', 'has_nickname', true),
  ('frederick', 'fritz', 'has_nickname', true),
  ('frederick', 'rick', 'has_nickname', true),
  ('frederick', 'ricky', 'has_nickname', true),
  ('fredericka', 'ericka', 'has_nickname', true),
  ('fredericka', 'freda', 'has_nickname', true),
  ('fredericka', 'freddy', 'has_nickname', true),
  ('fredericka', 'frieda', 'has_nickname', true),
  ('fredericka', 'ricka', 'has_nickname', true),
  ('fredericka', 'rickey', 'has_nickname', true),
  ('frieda', 'fred', 'has_nickname', true),
  ('frieda', 'freddie', 'has_nickname', true),
  ('frieda', 'freddy', 'has_nickname', true),
  ('gabriel', 'gabby', 'has_nickname', true),
  ('gabriel', 'gabe', 'has_nickname', true),
  ('gabriella', 'ella', 'has_nickname', true),
  ('gabriella', 'gabby', 'has_nickname', true),
  ('gabrielle', 'ella', 'has_nickname', true),
  ('gabrielle', 'gabby', 'has_nickname', true),
  ('gareth', 'gare', 'has_nickname', true),
  ('gareth', 'gary', 'has_nickname', true),
  ('garrett', 'barrett', 'has_nickname', true),
  ('garrett', 'gare', 'has_nickname', true),
  ('garrett', 'garratt', 'has_nickname', true),
  ('garrett', 'garret', 'has_nickname', true),
  ('garrett', 'garry', 'has_nickname', true),
  ('garrett', 'gary', 'has_nickname', true),
  ('garrett', 'jerry', 'has_nickname', true),
  ('garrett', 'rhett', 'has_nickname', true),
  ('garrick', 'garri', 'has_nickname', true),
  ('genevieve', 'eve', 'has_nickname', true),
  ('genevieve', 'jean', 'has_nickname', true),
  ('genevieve', 'jenny', 'has_nickname', true),
  ('geoffrey', 'geoff', 'has_nickname', true),
  ('geoffrey', 'jeff', 'has_nickname', true),
  ('george', 'georgie', 'has_nickname', true),
  ('georgiana', 'georgia', 'has_nickname', true),
  ('georgine', 'george', 'has_nickname', true),
  ('gerald', 'gerry', 'has_nickname', true),
  ('gerald', 'jerry', 'has_nickname', true),
  ('geraldine', 'dina', 'has_nickname', true),
  ('geraldine', 'gerri', 'has_nickname', true),
  ('geraldine', 'gerrie', 'has_nickname', true),
  ('geraldine', 'gerry', 'has_nickname', true),
  ('geraldine', 'jerry', 'has_nickname', true),
  ('gerhardt', 'gay', 'has_nickname', true),
  ('gertie', 'gert', 'has_nickname', true),
  ('gertie', 'gertrude', 'has_nickname', true),
  ('gertrude', 'gert', 'has_nickname', true),
  ('gertrude', 'gertie', 'has_nickname', true),
  ('gertrude', 'trudy', 'has_nickname', true),
  ('gilbert', 'bert', 'has_nickname', true),
  ('gilbert', 'gil', 'has_nickname', true),
  ('gilbert', 'wilber', 'has_nickname', true),
  ('giovanni', 'gio', 'has_nickname', true),
  ('glenn', 'glen', 'has_nickname', true),
  ('gloria', 'glory', 'has_nickname', true),
  ('governor', 'govie', 'has_nickname', true),
  ('greenberry', 'berry', 'has_nickname', true),
  ('greenberry', 'green', 'has_nickname', true),
  ('greggory', 'gregg', 'has_nickname', true),
  ('gregory', 'gory', 'has_nickname', true),
  ('gregory', 'greg', 'has_nickname', true),
  ('gretchen', 'margaret', 'has_nickname', true),
  ('griselda', 'grissel', 'has_nickname', true),
  ('gum', 'monty', 'has_nickname', true),
  ('gus', 'gussie', 'has_nickname', true),
  ('gustavus', 'gus', 'has_nickname', true),
  ('gustavus', 'gussie', 'has_nickname', true),
  ('gwen', 'wendy', 'has_nickname', true),
  ('gwendolyn', 'gwen', 'has_nickname', true),
  ('gwendolyn', 'wendy', 'has_nickname', true),
  ('hailey', 'haylee', 'has_nickname', true),
  ('hailey', 'hayley', 'has_nickname', true),
  ('hamilton', 'ham', 'has_nickname', true),
  ('hannah', 'anna', 'has_nickname', true),
  ('hannah', 'nan', 'has_nickname', true),
  ('hannah', 'nanny', 'has_nickname', true),
  ('harold', 'hal', 'has_nickname', true),
  ('harold', 'hap', 'has_nickname', true),
  ('harold', 'haps', 'has_nickname', true),
  ('harold', 'harry', 'has_nickname', true),
  ('harriet', 'hattie', 'has_nickname', true),
  ('harrison', 'hap', 'has_nickname', true),
  ('harrison', 'haps', 'has_nickname', true),
  ('harrison', 'harry', 'has_nickname', true),
  ('harry', 'hap', 'has_nickname', true),
  ('harry', 'haps', 'has_nickname', true),
  ('harry', 'harold', 'has_nickname', true),
  ('harry', 'henry', 'has_nickname', true),
  ('haseltine', 'hassie', 'has_nickname', true),
  ('haylee', 'hailey', 'has_nickname', true),
  ('haylee', 'hayley', 'has_nickname', true),
  ('hayley', 'hailey', 'has_nickname', true),
  ('hayley', 'haylee', 'has_nickname', true),
  ('heather', 'hetty', 'has_nickname', true),
  ('helen', 'ella', 'has_nickname', true),
  ('helen', 'ellen', 'has_nickname', true),
  ('helen', 'ellie', 'has_nickname', true),
  ('helen', 'lena', 'has_nickname', true),
  ('helena', 'aileen', 'has_nickname', true),
  ('helena', 'eileen', 'has_nickname', true),
  ('helena', 'elaine', 'has_nickname', true),
  ('helena', 'eleanor', 'has_nickname', true),
  ('helena', 'ellen', 'has_nickname', true),
  ('helena', 'lena', 'has_nickname', true),
  ('helena', 'nell', 'has_nickname', true),
  ('helena', 'nellie', 'has_nickname', true),
  ('helene', 'ella', 'has_nickname', true),
  ('helene', 'ellen', 'has_nickname', true),
  ('helene', 'ellie', 'has_nickname', true),
  ('helene', 'lena', 'has_nickname', true),
  ('heloise', 'eloise', 'has_nickname', true),
  ('heloise', 'elouise', 'has_nickname', true),
  ('heloise', 'lois', 'has_nickname', true),
  ('henrietta', 'etta', 'has_nickname', true),
  ('henrietta', 'etty', 'has_nickname', true),
  ('henrietta', 'hank', 'has_nickname', true),
  ('henrietta', 'henny', 'has_nickname', true),
  ('henrietta', 'nettie', 'has_nickname', true),
  ('henrietta', 'retta', 'has_nickname', true),
  ('henry', 'hal', 'has_nickname', true),
  ('henry', 'hank', 'has_nickname', true),
  ('henry', 'hap', 'has_nickname', true),
  ('henry', 'haps', 'has_nickname', true),
  ('henry', 'harry', 'has_nickname', true),
  ('hephsibah', 'hipsie', 'has_nickname', true),
  ('hepsibah', 'hipsie', 'has_nickname', true),
  ('herbert', 'bert', 'has_nickname', true),
  ('herbert', 'herb', 'has_nickname', true),
  ('herman', 'dutch', 'has_nickname', true),
  ('herman', 'harman', 'has_nickname', true),
  ('hermione', 'hermie', 'has_nickname', true),
  ('hester', 'esther', 'has_nickname', true),
  ('hester', 'hessy', 'has_nickname', true),
  ('hester', 'hetty', 'has_nickname', true),
  ('hezekiah', 'hez', 'has_nickname', true),
  ('hezekiah', 'hy', 'has_nickname', true),
  ('hezekiah', 'kiah', 'has_nickname', true),
  ('hillary', 'hilary', 'has_nickname', true),
  ('hipsbibah', 'hipsie', 'has_nickname', true),
  ('hiram', 'hy', 'has_nickname', true),
  ('honora', 'honey', 'has_nickname', true),
  ('honora', 'nora', 'has_nickname', true),
  ('honora', 'norah', 'has_nickname', true),
  ('honora', 'norry', 'has_nickname', true),
  ('hopkins', 'hop', 'has_nickname', true),
  ('hopkins', 'hopp', 'has_nickname', true),
  ('horace', 'horry', 'has_nickname', true),
  ('hortense', 'harty', 'has_nickname', true),
  ('hortense', 'tensey', 'has_nickname', true),
  ('hosea', 'hosey', 'has_nickname', true),
  ('hosea', 'hosie', 'has_nickname', true),
  ('howard', 'hal', 'has_nickname', true),
  ('howard', 'howie', 'has_nickname', true),
  ('hubert', 'bert', 'has_nickname', true),
  ('hubert', 'hub', 'has_nickname', true),
  ('hubert', 'hugh', 'has_nickname', true),
  ('ian', 'john', 'has_nickname', true),
  ('ignatius', 'iggy', 'has_nickname', true),
  ('ignatius', 'nace', 'has_nickname', true),
  ('ignatius', 'nate', 'has_nickname', true),
  ('ignatius', 'natius', 'has_nickname', true),
  ('ignatzio', 'iggy', 'has_nickname', true),
  ('ignatzio', 'nace', 'has_nickname', true),
  ('ignatzio', 'naz', 'has_nickname', true),
  ('immanuel', 'emmanuel', 'has_nickname', true),
  ('immanuel', 'manuel', 'has_nickname', true),
  ('india', 'indie', 'has_nickname', true),
  ('india', 'indy', 'has_nickname', true),
  ('inez', 'agnes', 'has_nickname', true),
  ('iona', 'onnie', 'has_nickname', true),
  ('irene', 'rena', 'has_nickname', true),
  ('irvin', 'irving', 'has_nickname', true),
  ('irving', 'irv', 'has_nickname', true),
  ('irwin', 'erwin', 'has_nickname', true),
  ('isaac', 'ike', 'has_nickname', true),
  ('isaac', 'zeke', 'has_nickname', true),
  ('isabel', 'bell', 'has_nickname', true),
  ('isabel', 'bella', 'has_nickname', true),
  ('isabel', 'belle', 'has_nickname', true),
  ('isabel', 'ib', 'has_nickname', true),
  ('isabel', 'issy', 'has_nickname', true),
  ('isabel', 'nib', 'has_nickname', true),
  ('isabel', 'nibby', 'has_nickname', true),
  ('isabel', 'tibbie', 'has_nickname', true),
  ('isabella', 'bella', 'has_nickname', true),
  ('isabella', 'belle', 'has_nickname', true),
  ('isabella', 'ib', 'has_nickname', true),
  ('isabella', 'issy', 'has_nickname', true),
  ('isabella', 'nib', 'has_nickname', true),
  ('isabella', 'nibby', 'has_nickname', true),
  ('isabella', 'tibbie', 'has_nickname', true),
  ('isabelle', 'bella', 'has_nickname', true),
  ('isabelle', 'belle', 'has_nickname', true),
  ('isabelle', 'ib', 'has_nickname', true),
  ('isabelle', 'issy', 'has_nickname', true),
  ('isabelle', 'nib', 'has_nickname', true),
  ('isabelle', 'nibby', 'has_nickname', true),
  ('isabelle', 'tibbie', 'has_nickname', true),
  ('isadora', 'dora', 'has_nickname', true),
  ('isadora', 'issy', 'has_nickname', true),
  ('isadore', 'izzy', 'has_nickname', true),
  ('isaiah', 'zadie', 'has_nickname', true),
  ('isaiah', 'zay', 'has_nickname', true),
  ('isidore', 'izzy', 'has_nickname', true),
  ('iva', 'ivy', 'has_nickname', true),
  ('ivan', 'john', 'has_nickname', true),
  ('jackson', 'jack', 'has_nickname', true),
  ('jacob', 'jaap', 'has_nickname', true),
  ('jacob', 'jake', 'has_nickname', true),
  ('jacob', 'jay', 'has_nickname', true),
  ('jacobus', 'jacob', 'has_nickname', true),
  ('jacqueline', 'jack', 'has_nickname', true),
  ('jacqueline', 'jackie', 'has_nickname', true),
  ('jacqueline', 'jacqui', 'has_nickname', true),
  ('jahoda', 'hoda', 'has_nickname', true),
  ('jahoda', 'hodie', 'has_nickname', true),
  ('jahoda', 'hody', 'has_nickname', true),
  ('jakob', 'jake', 'has_nickname', true),
  ('jalen', 'al', 'has_nickname', true),
  ('jalen', 'alen', 'has_nickname', true),
  ('jalen', 'haylen', 'has_nickname', true),
  ('jalen', 'jaelin', 'has_nickname', true),
  ('jalen', 'jaelyn', 'has_nickname', true),
  ('jalen', 'jailyn', 'has_nickname', true),
  ('jalen', 'jay', 'has_nickname', true),
  ('jalen', 'jaye', 'has_nickname', true),
  ('jalen', 'jaylin', 'has_nickname', true),
  ('jalen', 'jaylyn', 'has_nickname', true),
  ('jalen', 'len', 'has_nickname', true),
  ('jalen', 'lennie', 'has_nickname', true),
  ('jalen', 'lenny', 'has_nickname', true),
  ('james', 'jamie', 'has_nickname', true),
  ('james', 'jem', 'has_nickname', true),
  ('james', 'jim', 'has_nickname', true),
  ('james', 'jimmie', 'has_nickname', true),
  ('james', 'jimmy', 'has_nickname', true),
  ('jamey', 'james', 'has_nickname', true),
  ('jamey', 'jamie', 'has_nickname', true),
  ('jamie', 'james', 'has_nickname', true),
  ('jane', 'janie', 'has_nickname', true),
  ('jane', 'jean', 'has_nickname', true),
  ('jane', 'jennie', 'has_nickname', true),
  ('jane', 'jessie', 'has_nickname', true),
  ('janet', 'jan', 'has_nickname', true),
  ('janet', 'jessie', 'has_nickname', true),
  ('janice', 'jan', 'has_nickname', true),
  ('jannett', 'nettie', 'has_nickname', true),
  ('jasper', 'casper', 'has_nickname', true),
  ('jasper', 'jap', 'has_nickname', true),
  ('jayme', 'jay', 'has_nickname', true),
  ('jean', 'jane', 'has_nickname', true),
  ('jean', 'jeannie', 'has_nickname', true),
  ('jeanette', 'janet', 'has_nickname', true),
  ('jeanette', 'jean', 'has_nickname', true),
  ('jeanette', 'jessie', 'has_nickname', true),
  ('jeanette', 'nettie', 'has_nickname', true),
  ('jeanne', 'jane', 'has_nickname', true),
  ('jeanne', 'jeannie', 'has_nickname', true),
  ('jebadiah', 'jeb', 'has_nickname', true),
  ('jedediah', 'diah', 'has_nickname', true),
  ('jedediah', 'dyer', 'has_nickname', true),
  ('jedediah', 'jed', 'has_nickname', true),
  ('jedidiah', 'diah', 'has_nickname', true),
  ('jedidiah', 'dyer', 'has_nickname', true),
  ('jedidiah', 'jed', 'has_nickname', true),
  ('jefferey', 'jeff', 'has_nickname', true),
  ('jefferson', 'jeff', 'has_nickname', true),
  ('jefferson', 'sonny', 'has_nickname', true),
  ('jeffery', 'jeff', 'has_nickname', true),
  ('jeffrey', 'geoff', 'has_nickname', true),
  ('jeffrey', 'jeff', 'has_nickname', true),
  ('jehiel', 'hiel', 'has_nickname', true),
  ('jehu', 'gee', 'has_nickname', true),
  ('jehu', 'hugh', 'has_nickname', true),
  ('jemima', 'mima', 'has_nickname', true),
  ('jennet', 'jenn', 'has_nickname', true),
  ('jennet', 'jenny', 'has_nickname', true),
  ('jennet', 'jessie', 'has_nickname', true),
  ('jennifer', 'jen', 'has_nickname', true),
  ('jennifer', 'jenn', 'has_nickname', true),
  ('jennifer', 'jenni', 'has_nickname', true),
  ('jennifer', 'jennie', 'has_nickname', true),
  ('jennifer', 'jenny', 'has_nickname', true),
  ('jeremiah', 'jereme', 'has_nickname', true),
  ('jeremiah', 'jerry', 'has_nickname', true),
  ('jeremy', 'jez', 'has_nickname', true),
  ('jeremy', 'jezza', 'has_nickname', true),
  ('jerita', 'rita', 'has_nickname', true),
  ('jerry', 'geraldine', 'has_nickname', true),
  ('jerry', 'geri', 'has_nickname', true),
  ('jerry', 'gerry', 'has_nickname', true),
  ('jerry', 'jereme', 'has_nickname', true),
  ('jessica', 'jess', 'has_nickname', true),
  ('jessica', 'jessie', 'has_nickname', true),
  ('jessie', 'jane', 'has_nickname', true),
  ('jessie', 'janet', 'has_nickname', true),
  ('jessie', 'jess', 'has_nickname', true),
  ('jillian', 'jill', 'has_nickname', true),
  ('jim', 'jimmie', 'has_nickname', true),
  ('jincy', 'jane', 'has_nickname', true),
  ('jinsy', 'jane', 'has_nickname', true),
  ('joan', 'jo', 'has_nickname', true),
  ('joan', 'nonie', 'has_nickname', true),
  ('joann', 'jo', 'has_nickname', true),
  ('joanna', 'hannah', 'has_nickname', true),
  ('joanna', 'jo', 'has_nickname', true),
  ('joanna', 'joan', 'has_nickname', true),
  ('joanna', 'jodi', 'has_nickname', true),
  ('joanna', 'jody', 'has_nickname', true),
  ('joanne', 'jo', 'has_nickname', true),
  ('jody', 'jo', 'has_nickname', true),
  ('joe', 'joey', 'has_nickname', true),
  ('johann', 'john', 'has_nickname', true),
  ('johanna', 'jo', 'has_nickname', true),
  ('johannah', 'hannah', 'has_nickname', true),
  ('johannah', 'jo', 'has_nickname', true),
  ('johannah', 'joan', 'has_nickname', true),
  ('johannah', 'jody', 'has_nickname', true),
  ('johannah', 'nonie', 'has_nickname', true),
  ('johannes', 'john', 'has_nickname', true),
  ('johannes', 'johnny', 'has_nickname', true),
  ('johannes', 'jonathan', 'has_nickname', true),
  ('john', 'ian', 'has_nickname', true),
  ('john', 'jack', 'has_nickname', true),
  ('john', 'jock', 'has_nickname', true),
  ('john', 'johnny', 'has_nickname', true),
  ('john', 'jon', 'has_nickname', true),
  ('john', 'jonnie', 'has_nickname', true),
  ('john', 'jonny', 'has_nickname', true),
  ('johnathan', 'john', 'has_nickname', true),
  ('johnathan', 'johnathon', 'has_nickname', true),
  ('johnathan', 'johny', 'has_nickname', true),
  ('johnathan', 'jon', 'has_nickname', true),
  ('johnathan', 'jonathan', 'has_nickname', true),
  ('johnathan', 'jonathon', 'has_nickname', true),
  ('johnathan', 'jonnie', 'has_nickname', true),
  ('johnathan', 'jonny', 'has_nickname', true),
  ('johnathan', 'nathan', 'has_nickname', true),
  ('johnathon', 'john', 'has_nickname', true),
  ('johnathon', 'johnathan', 'has_nickname', true),
  ('johnathon', 'johny', 'has_nickname', true),
  ('johnathon', 'jon', 'has_nickname', true),
  ('johnathon', 'jonathan', 'has_nickname', true),
  ('johnathon', 'jonathon', 'has_nickname', true),
  ('johnathon', 'jonnie', 'has_nickname', true),
  ('johnathon', 'jonny', 'has_nickname', true),
  ('jon', 'john', 'has_nickname', true),
  ('jon', 'johnny', 'has_nickname', true),
  ('jon', 'jonnie', 'has_nickname', true),
  ('jon', 'jonny', 'has_nickname', true),
  ('jonathan', 'john', 'has_nickname', true),
  ('jonathan', 'johnathan', 'has_nickname', true),
  ('jonathan', 'johnathon', 'has_nickname', true),
  ('jonathan', 'johny', 'has_nickname', true),
  ('jonathan', 'jon', 'has_nickname', true),
  ('jonathan', 'jonathon', 'has_nickname', true),
  ('jonathan', 'jonnie', 'has_nickname', true),
  ('jonathan', 'jonny', 'has_nickname', true),
  ('jonathan', 'nathan', 'has_nickname', true),
  ('jonathon', 'john', 'has_nickname', true),
  ('jonathon', 'johnathan', 'has_nickname', true),
  ('jonathon', 'johnathon', 'has_nickname', true),
  ('jonathon', 'johny', 'has_nickname', true),
  ('jonathon', 'jon', 'has_nickname', true),
  ('jonathon', 'jonathan', 'has_nickname', true),
  ('jonathon', 'jonnie', 'has_nickname', true),
  ('jonathon', 'jonny', 'has_nickname', true),
  ('joseph', 'jody', 'has_nickname', true),
  ('joseph', 'joe', 'has_nickname', true),
  ('joseph', 'joey', 'has_nickname', true),
  ('joseph', 'jos', 'has_nickname', true),
  ('josephine', 'fina', 'has_nickname', true),
  ('josephine', 'jo', 'has_nickname', true),
  ('josephine', 'jody', 'has_nickname', true),
  ('josephine', 'joey', 'has_nickname', true),
  ('josephine', 'josey', 'has_nickname', true),
  ('josephine', 'josie', 'has_nickname', true),
  ('josetta', 'jettie', 'has_nickname', true),
  ('josey', 'josophine', 'has_nickname', true),
  ('joshua', 'joe', 'has_nickname', true),
  ('joshua', 'jos', 'has_nickname', true),
  ('joshua', 'josh', 'has_nickname', true),
  ('josiah', 'jos', 'has_nickname', true),
  ('josophine', 'jo', 'has_nickname', true),
  ('josophine', 'joey', 'has_nickname', true),
  ('josophine', 'josey', 'has_nickname', true),
  ('joyce', 'joy', 'has_nickname', true),
  ('juanita', 'nettie', 'has_nickname', true),
  ('juanita', 'nita', 'has_nickname', true),
  ('judah', 'jude', 'has_nickname', true),
  ('judah', 'juder', 'has_nickname', true),
  ('judith', 'juda', 'has_nickname', true),
  ('judith', 'jude', 'has_nickname', true),
  ('judith', 'judi', 'has_nickname', true),
  ('judith', 'judie', 'has_nickname', true),
  ('judith', 'judy', 'has_nickname', true),
  ('judson', 'jud', 'has_nickname', true),
  ('judson', 'sonny', 'has_nickname', true),
  ('judy', 'judith', 'has_nickname', true),
  ('julia', 'jill', 'has_nickname', true),
  ('julia', 'jules', 'has_nickname', true),
  ('julia', 'julie', 'has_nickname', true),
  ('julian', 'jule', 'has_nickname', true),
  ('julian', 'jules', 'has_nickname', true),
  ('julias', 'jule', 'has_nickname', true),
  ('julias', 'jules', 'has_nickname', true),
  ('julie', 'jule', 'has_nickname', true),
  ('julie', 'jules', 'has_nickname', true),
  ('julie', 'julia', 'has_nickname', true),
  ('june', 'junius', 'has_nickname', true),
  ('junior', 'jr', 'has_nickname', true),
  ('junior', 'june', 'has_nickname', true),
  ('junior', 'junie', 'has_nickname', true),
  ('justin', 'justina', 'has_nickname', true),
  ('justin', 'juston', 'has_nickname', true),
  ('justin', 'justus', 'has_nickname', true),
  ('kaitlin', 'kait', 'has_nickname', true),
  ('kaitlin', 'kaitie', 'has_nickname', true),
  ('kaitlyn', 'kait', 'has_nickname', true),
  ('kaitlyn', 'kaitie', 'has_nickname', true),
  ('kaitlynn', 'kait', 'has_nickname', true),
  ('kaitlynn', 'kaitie', 'has_nickname', true),
  ('kalli', 'cali', 'has_nickname', true),
  ('kalli', 'kali', 'has_nickname', true),
  ('kameron', 'kam', 'has_nickname', true),
  ('karla', 'carla', 'has_nickname', true),
  ('karla', 'carly', 'has_nickname', true),
  ('kasey', 'kc', 'has_nickname', true),
  ('katarina', 'catherine', 'has_nickname', true),
  ('katarina', 'tina', 'has_nickname', true),
  ('kate', 'kay', 'has_nickname', true),
  ('katelin', 'kate', 'has_nickname', true),
  ('katelin', 'kay', 'has_nickname', true),
  ('katelin', 'kaye', 'has_nickname', true),
  ('katelyn', 'kate', 'has_nickname', true),
  ('katelyn', 'kay', 'has_nickname', true),
  ('katelyn', 'kaye', 'has_nickname', true),
  ('katherine', 'cassie', 'has_nickname', true),
  ('katherine', 'cathy', 'has_nickname', true),
  ('katherine', 'kate', 'has_nickname', true),
  ('katherine', 'kathy', 'has_nickname', true),
  ('katherine', 'katy', 'has_nickname', true),
  ('katherine', 'kay', 'has_nickname', true),
  ('katherine', 'kaye', 'has_nickname', true),
  ('katherine', 'kit', 'has_nickname', true),
  ('katherine', 'kittie', 'has_nickname', true),
  ('katherine', 'lena', 'has_nickname', true),
  ('katherine', 'trina', 'has_nickname', true),
  ('kathleen', 'cassie', 'has_nickname', true),
  ('kathleen', 'cathy', 'has_nickname', true),
  ('kathleen', 'kathy', 'has_nickname', true),
  ('kathleen', 'katy', 'has_nickname', true),
  ('kathleen', 'kay', 'has_nickname', true),
  ('kathleen', 'kit', 'has_nickname', true),
  ('kathleen', 'kittie', 'has_nickname', true),
  ('kathleen', 'lena', 'has_nickname', true),
  ('kathleen', 'trina', 'has_nickname', true),
  ('kathryn', 'kate', 'has_nickname', true),
  ('kathryn', 'kathy', 'has_nickname', true),
  ('kathryn', 'katie', 'has_nickname', true),
  ('katia', 'kate', 'has_nickname', true),
  ('katia', 'katie', 'has_nickname', true),
  ('katy', 'kate', 'has_nickname', true),
  ('katy', 'kathy', 'has_nickname', true),
  ('katy', 'katie', 'has_nickname', true),
  ('kayla', 'kay', 'has_nickname', true),
  ('kelley', 'kelli', 'has_nickname', true),
  ('kelley', 'kellie', 'has_nickname', true),
  ('kelley', 'kelly', 'has_nickname', true),
  ('kendall', 'ken', 'has_nickname', true),
  ('kendall', 'kenny', 'has_nickname', true),
  ('kendra', 'kay', 'has_nickname', true),
  ('kendra', 'kenj', 'has_nickname', true),
  ('kendra', 'kenji', 'has_nickname', true),
  ('kendra', 'kenny', 'has_nickname', true),
  ('kendrick', 'ken', 'has_nickname', true),
  ('kendrick', 'kenny', 'has_nickname', true),
  ('kendrik', 'ken', 'has_nickname', true),
  ('kendrik', 'kenny', 'has_nickname', true),
  ('kenneth', 'ken', 'has_nickname', true),
  ('kenneth', 'kendrick', 'has_nickname', true),
  ('kenneth', 'kenny', 'has_nickname', true),
  ('kenny', 'ken', 'has_nickname', true),
  ('kenny', 'kenneth', 'has_nickname', true),
  ('kent', 'ken', 'has_nickname', true),
  ('kent', 'kendrick', 'has_nickname', true),
  ('kent', 'kenny', 'has_nickname', true),
  ('kerry', 'kerri', 'has_nickname', true),
  ('kevin', 'kev', 'has_nickname', true),
  ('keziah', 'kizza', 'has_nickname', true),
  ('keziah', 'kizzie', 'has_nickname', true),
  ('kimberley', 'kim', 'has_nickname', true),
  ('kimberley', 'kimberli', 'has_nickname', true),
  ('kimberley', 'kimberly', 'has_nickname', true),
  ('kimberly', 'kim', 'has_nickname', true),
  ('kimberly', 'kimberley', 'has_nickname', true),
  ('kimberly', 'kimberli', 'has_nickname', true),
  ('kingsley', 'king', 'has_nickname', true),
  ('kingston', 'king', 'has_nickname', true),
  ('kit', 'kittie', 'has_nickname', true),
  ('kris', 'chris', 'has_nickname', true),
  ('kristel', 'kris', 'has_nickname', true),
  ('kristen', 'chris', 'has_nickname', true),
  ('kristin', 'chris', 'has_nickname', true),
  ('kristine', 'chris', 'has_nickname', true),
  ('kristine', 'christy', 'has_nickname', true),
  ('kristine', 'crissy', 'has_nickname', true),
  ('kristine', 'kris', 'has_nickname', true),
  ('kristine', 'kristy', 'has_nickname', true),
  ('kristine', 'tina', 'has_nickname', true),
  ('kristofer', 'chris', 'has_nickname', true),
  ('kristofer', 'kris', 'has_nickname', true),
  ('kristoffer', 'chris', 'has_nickname', true),
  ('kristoffer', 'kris', 'has_nickname', true),
  ('kristopher', 'chris', 'has_nickname', true),
  ('kristopher', 'kris', 'has_nickname', true),
  ('kristy', 'chris', 'has_nickname', true),
  ('kymberly', 'kym', 'has_nickname', true),
  ('lafayette', 'fate', 'has_nickname', true),
  ('lafayette', 'laffie', 'has_nickname', true),
  ('lamont', 'monty', 'has_nickname', true),
  ('laodicia', 'cenia', 'has_nickname', true),
  ('laodicia', 'dicy', 'has_nickname', true),
  ('larry', 'laurence', 'has_nickname', true),
  ('larry', 'lawrence', 'has_nickname', true),
  ('latisha', 'tish', 'has_nickname', true),
  ('latisha', 'tisha', 'has_nickname', true),
  ('laurel', 'laurie', 'has_nickname', true),
  ('lauren', 'laurie', 'has_nickname', true),
  ('lauren', 'ren', 'has_nickname', true),
  ('laurence', 'larry', 'has_nickname', true),
  ('laurence', 'lon', 'has_nickname', true),
  ('laurence', 'lonny', 'has_nickname', true),
  ('laurence', 'lorne', 'has_nickname', true),
  ('laurence', 'lorry', 'has_nickname', true),
  ('laurinda', 'laura', 'has_nickname', true),
  ('laurinda', 'lawrence', 'has_nickname', true),
  ('lauryn', 'laurie', 'has_nickname', true),
  ('laveda', 'veda', 'has_nickname', true),
  ('laverne', 'verna', 'has_nickname', true),
  ('laverne', 'vernon', 'has_nickname', true),
  ('lavina', 'ina', 'has_nickname', true),
  ('lavina', 'vina', 'has_nickname', true),
  ('lavina', 'viney', 'has_nickname', true),
  ('lavinia', 'ina', 'has_nickname', true),
  ('lavinia', 'vina', 'has_nickname', true),
  ('lavinia', 'viney', 'has_nickname', true),
  ('lavonia', 'vina', 'has_nickname', true),
  ('lavonia', 'viney', 'has_nickname', true),
  ('lavonia', 'vonnie', 'has_nickname', true),
  ('lavonia', 'wyncha', 'has_nickname', true),
  ('lavonne', 'von', 'has_nickname', true),
  ('lawrence', 'larry', 'has_nickname', true),
  ('lawrence', 'lawrie', 'has_nickname', true),
  ('lawrence', 'lon', 'has_nickname', true),
  ('lawrence', 'lonny', 'has_nickname', true),
  ('lawrence', 'lorne', 'has_nickname', true),
  ('lawrence', 'lorry', 'has_nickname', true),
  ('leanne', 'annie', 'has_nickname', true),
  ('leanne', 'lea', 'has_nickname', true),
  ('lecurgus', 'curg', 'has_nickname', true),
  ('leilani', 'lani', 'has_nickname', true),
  ('lemuel', 'lem', 'has_nickname', true),
  ('lena', 'ellen', 'has_nickname', true),
  ('lenora', 'lee', 'has_nickname', true),
  ('lenora', 'nora', 'has_nickname', true),
  ('leo', 'leon', 'has_nickname', true),
  ('leonard', 'len', 'has_nickname', true),
  ('leonard', 'lenny', 'has_nickname', true),
  ('leonard', 'leo', 'has_nickname', true),
  ('leonard', 'leon', 'has_nickname', true),
  ('leonard', 'lineau', 'has_nickname', true),
  ('leonidas', 'lee', 'has_nickname', true),
  ('leonidas', 'leon', 'has_nickname', true),
  ('leonora', 'nell', 'has_nickname', true),
  ('leonora', 'nellie', 'has_nickname', true),
  ('leonora', 'nora', 'has_nickname', true),
  ('leonore', 'elenor', 'has_nickname', true),
  ('leonore', 'honor', 'has_nickname', true),
  ('leonore', 'nora', 'has_nickname', true),
  ('leroy', 'lee', 'has_nickname', true),
  ('leroy', 'lr', 'has_nickname', true),
  ('leroy', 'roy', 'has_nickname', true),
  ('lesley', 'les', 'has_nickname', true),
  ('leslie', 'les', 'has_nickname', true),
  ('lester', 'les', 'has_nickname', true),
  ('letitia', 'lettice', 'has_nickname', true),
  ('letitia', 'lettie', 'has_nickname', true),
  ('letitia', 'tish', 'has_nickname', true),
  ('letitia', 'titia', 'has_nickname', true),
  ('levi', 'lee', 'has_nickname', true),
  ('levicy', 'vicy', 'has_nickname', true),
  ('levone', 'von', 'has_nickname', true),
  ('lib', 'libby', 'has_nickname', true),
  ('lidia', 'lyddy', 'has_nickname', true),
  ('lil', 'lilly', 'has_nickname', true),
  ('lil', 'lily', 'has_nickname', true),
  ('lillah', 'lil', 'has_nickname', true),
  ('lillah', 'lilly', 'has_nickname', true),
  ('lillah', 'lily', 'has_nickname', true),
  ('lillah', 'lolly', 'has_nickname', true),
  ('lillian', 'lil', 'has_nickname', true),
  ('lillian', 'lilly', 'has_nickname', true),
  ('lillian', 'lolly', 'has_nickname', true),
  ('lilly', 'lil', 'has_nickname', true),
  ('lilly', 'lily', 'has_nickname', true),
  ('lincoln', 'link', 'has_nickname', true),
  ('linda', 'lindy', 'has_nickname', true),
  ('linda', 'lynn', 'has_nickname', true),
  ('lindsay', 'lindsey', 'has_nickname', true),
  ('lindsay', 'lindsie', 'has_nickname', true),
  ('lindsay', 'lindsy', 'has_nickname', true),
  ('lindy', 'lynn', 'has_nickname', true),
  ('lionel', 'leon', 'has_nickname', true),
  ('lisa', 'liz', 'has_nickname', true),
  ('littleberry', 'berry', 'has_nickname', true),
  ('littleberry', 'lb', 'has_nickname', true),
  ('littleberry', 'little', 'has_nickname', true),
  ('lizzie', 'liz', 'has_nickname', true),
  ('lois', 'lou', 'has_nickname', true),
  ('lois', 'louise', 'has_nickname', true),
  ('lonzo', 'lon', 'has_nickname', true),
  ('lorelei', 'laurie', 'has_nickname', true),
  ('lorelei', 'lori', 'has_nickname', true),
  ('lorelei', 'lorrie', 'has_nickname', true),
  ('lorenzo', 'loren', 'has_nickname', true),
  ('loretta', 'etta', 'has_nickname', true),
  ('loretta', 'lorie', 'has_nickname', true),
  ('loretta', 'lorrie', 'has_nickname', true),
  ('loretta', 'retta', 'has_nickname', true),
  ('lorraine', 'lorie', 'has_nickname', true),
  ('lorraine', 'lorrie', 'has_nickname', true),
  ('lotta', 'lottie', 'has_nickname', true),
  ('lou', 'louis', 'has_nickname', true),
  ('lou', 'lu', 'has_nickname', true),
  ('louis', 'lewis', 'has_nickname', true),
  ('louis', 'lou', 'has_nickname', true),
  ('louis', 'louie', 'has_nickname', true),
  ('louis', 'louise', 'has_nickname', true),
  ('louisa', 'eliza', 'has_nickname', true),
  ('louisa', 'lois', 'has_nickname', true),
  ('louisa', 'lou', 'has_nickname', true),
  ('louise', 'eliza', 'has_nickname', true),
  ('louise', 'lois', 'has_nickname', true),
  ('louise', 'lou', 'has_nickname', true),
  ('louvinia', 'vina', 'has_nickname', true),
  ('louvinia', 'viney', 'has_nickname', true),
  ('louvinia', 'vonnie', 'has_nickname', true),
  ('louvinia', 'wyncha', 'has_nickname', true),
  ('lucas', 'luke', 'has_nickname', true),
  ('lucia', 'lucius', 'has_nickname', true),
  ('lucia', 'lucy', 'has_nickname', true),
  ('lucias', 'luke', 'has_nickname', true),
  ('lucille', 'cille', 'has_nickname', true),
  ('lucille', 'lou', 'has_nickname', true),
  ('lucille', 'lu', 'has_nickname', true),
  ('lucille', 'lucy', 'has_nickname', true),
  ('lucina', 'sinah', 'has_nickname', true),
  ('lucinda', 'cindy', 'has_nickname', true),
  ('lucinda', 'lou', 'has_nickname', true),
  ('lucinda', 'lu', 'has_nickname', true),
  ('lucinda', 'lucy', 'has_nickname', true),
  ('lucretia', 'creasey', 'has_nickname', true),
  ('lucy', 'lucinda', 'has_nickname', true),
  ('luella', 'ella', 'has_nickname', true),
  ('luella', 'lu', 'has_nickname', true),
  ('luella', 'lula', 'has_nickname', true),
  ('luke', 'lucas', 'has_nickname', true),
  ('lunetta', 'nettie', 'has_nickname', true),
  ('lurana', 'lura', 'has_nickname', true),
  ('luther', 'luke', 'has_nickname', true),
  ('lydia', 'lyddy', 'has_nickname', true),
  ('lyndon', 'lindy', 'has_nickname', true),
  ('lyndon', 'lynn', 'has_nickname', true),
  ('mabel', 'amabel', 'has_nickname', true),
  ('mabel', 'mehitabel', 'has_nickname', true),
  ('mac', 'mc', 'has_nickname', true),
  ('mack', 'mac', 'has_nickname', true),
  ('mack', 'mc', 'has_nickname', true),
  ('mackenzie', 'kenzy', 'has_nickname', true),
  ('mackenzie', 'mac', 'has_nickname', true),
  ('mackenzie', 'mack', 'has_nickname', true),
  ('maddison', 'maddi', 'has_nickname', true),
  ('maddison', 'maddie', 'has_nickname', true),
  ('maddy', 'madeline', 'has_nickname', true),
  ('maddy', 'madelyn', 'has_nickname', true),
  ('maddy', 'madge', 'has_nickname', true),
  ('madeline', 'lena', 'has_nickname', true),
  ('madeline', 'maddi', 'has_nickname', true),
  ('madeline', 'maddie', 'has_nickname', true),
  ('madeline', 'maddy', 'has_nickname', true),
  ('madeline', 'madge', 'has_nickname', true),
  ('madeline', 'madie', 'has_nickname', true),
  ('madeline', 'magda', 'has_nickname', true),
  ('madeline', 'maggie', 'has_nickname', true),
  ('madeline', 'maud', 'has_nickname', true),
  ('madelyn', 'maddy', 'has_nickname', true),
  ('madelyn', 'madie', 'has_nickname', true),
  ('madie', 'madeline', 'has_nickname', true),
  ('madie', 'madelyn', 'has_nickname', true),
  ('madison', 'maddy', 'has_nickname', true),
  ('madison', 'mattie', 'has_nickname', true),
  ('maegen', 'meg', 'has_nickname', true),
  ('magdalena', 'lena', 'has_nickname', true),
  ('magdalena', 'maggie', 'has_nickname', true),
  ('magdelina', 'lena', 'has_nickname', true),
  ('magdelina', 'madge', 'has_nickname', true),
  ('magdelina', 'magda', 'has_nickname', true),
  ('magdelina', 'maggie', 'has_nickname', true),
  ('mahala', 'hallie', 'has_nickname', true),
  ('makayla', 'kayla', 'has_nickname', true),
  ('malachi', 'mally', 'has_nickname', true),
  ('malcolm', 'mac', 'has_nickname', true),
  ('malcolm', 'mal', 'has_nickname', true),
  ('malcolm', 'malc', 'has_nickname', true),
  ('malinda', 'lindy', 'has_nickname', true),
  ('manda', 'mandy', 'has_nickname', true),
  ('mandie', 'amanda', 'has_nickname', true),
  ('mandy', 'amanda', 'has_nickname', true),
  ('manerva', 'eve', 'has_nickname', true),
  ('manerva', 'minerva', 'has_nickname', true),
  ('manerva', 'nerva', 'has_nickname', true),
  ('manerva', 'nervie', 'has_nickname', true),
  ('manny', 'manuel', 'has_nickname', true),
  ('manoah', 'noah', 'has_nickname', true),
  ('manola', 'nonnie', 'has_nickname', true),
  ('manuel', 'emanuel', 'has_nickname', true),
  ('manuel', 'manny', 'has_nickname', true),
  ('marcus', 'marc', 'has_nickname', true),
  ('marcus', 'mark', 'has_nickname', true),
  ('margaret', 'daisy', 'has_nickname', true),
  ('margaret', 'gretta', 'has_nickname', true),
  ('margaret', 'madge', 'has_nickname', true),
  ('margaret', 'maggie', 'has_nickname', true),
  ('margaret', 'maggy', 'has_nickname', true),
  ('margaret', 'marge', 'has_nickname', true),
  ('margaret', 'margery', 'has_nickname', true),
  ('margaret', 'margie', 'has_nickname', true),
  ('margaret', 'margy', 'has_nickname', true),
  ('margaret', 'meg', 'has_nickname', true),
  ('margaret', 'midge', 'has_nickname', true),
  ('margaret', 'peg', 'has_nickname', true),
  ('margaret', 'peggy', 'has_nickname', true),
  ('margaret', 'rita', 'has_nickname', true),
  ('margaretta', 'daisy', 'has_nickname', true),
  ('margaretta', 'gretta', 'has_nickname', true),
  ('margaretta', 'madge', 'has_nickname', true),
  ('margaretta', 'maggie', 'has_nickname', true),
  ('margaretta', 'marge', 'has_nickname', true),
  ('margaretta', 'margery', 'has_nickname', true),
  ('margaretta', 'margie', 'has_nickname', true),
  ('margaretta', 'meg', 'has_nickname', true),
  ('margaretta', 'midge', 'has_nickname', true),
  ('margaretta', 'peg', 'has_nickname', true),
  ('margaretta', 'peggy', 'has_nickname', true),
  ('margaretta', 'rita', 'has_nickname', true),
  ('margarita', 'daisy', 'has_nickname', true),
  ('margarita', 'greta', 'has_nickname', true),
  ('margarita', 'madge', 'has_nickname', true),
  ('margarita', 'maggie', 'has_nickname', true),
  ('margarita', 'maisie', 'has_nickname', true),
  ('margarita', 'marge', 'has_nickname', true),
  ('margarita', 'margo', 'has_nickname', true),
  ('margarita', 'meg', 'has_nickname', true),
  ('margarita', 'megan', 'has_nickname', true),
  ('margarita', 'metta', 'has_nickname', true),
  ('margarita', 'midge', 'has_nickname', true),
  ('margarita', 'peggie', 'has_nickname', true),
  ('margarita', 'rita', 'has_nickname', true),
  ('marge', 'margaret', 'has_nickname', true),
  ('marge', 'margaretta', 'has_nickname', true),
  ('marge', 'margery', 'has_nickname', true),
  ('margie', 'marjorie', 'has_nickname', true),
  ('marguerite', 'peggy', 'has_nickname', true),
  ('mariah', 'maria', 'has_nickname', true),
  ('mariah', 'mary', 'has_nickname', true),
  ('marian', 'marianna', 'has_nickname', true),
  ('marian', 'marion', 'has_nickname', true),
  ('marie', 'mae', 'has_nickname', true),
  ('marie', 'mary', 'has_nickname', true),
  ('marietta', 'mae', 'has_nickname', true),
  ('marietta', 'mamie', 'has_nickname', true),
  ('marietta', 'maria', 'has_nickname', true),
  ('marietta', 'mariah', 'has_nickname', true),
  ('marietta', 'marie', 'has_nickname', true),
  ('marietta', 'marion', 'has_nickname', true),
  ('marietta', 'mary', 'has_nickname', true),
  ('marietta', 'maureen', 'has_nickname', true),
  ('marietta', 'may', 'has_nickname', true),
  ('marietta', 'mercy', 'has_nickname', true),
  ('marietta', 'minnie', 'has_nickname', true),
  ('marietta', 'mitzi', 'has_nickname', true),
  ('marietta', 'mollie', 'has_nickname', true),
  ('marietta', 'molly', 'has_nickname', true),
  ('marietta', 'polly', 'has_nickname', true),
  ('marilyn', 'mary', 'has_nickname', true),
  ('marion', 'mary', 'has_nickname', true),
  ('marissa', 'rissa', 'has_nickname', true),
  ('marjorie', 'margie', 'has_nickname', true),
  ('marjorie', 'margy', 'has_nickname', true),
  ('marni', 'marnie', 'has_nickname', true),
  ('marsha', 'marcia', 'has_nickname', true),
  ('marsha', 'marcie', 'has_nickname', true),
  ('marsha', 'mary', 'has_nickname', true),
  ('martha', 'marty', 'has_nickname', true),
  ('martha', 'mat', 'has_nickname', true),
  ('martha', 'mattie', 'has_nickname', true),
  ('martha', 'patsy', 'has_nickname', true),
  ('martha', 'patty', 'has_nickname', true),
  ('martin', 'marty', 'has_nickname', true),
  ('martina', 'tina', 'has_nickname', true),
  ('martine', 'tine', 'has_nickname', true),
  ('marv', 'marvin', 'has_nickname', true),
  ('marvin', 'marv', 'has_nickname', true),
  ('mary', 'mae', 'has_nickname', true),
  ('mary', 'mamie', 'has_nickname', true),
  ('mary', 'marie', 'has_nickname', true),
  ('mary', 'mitzi', 'has_nickname', true),
  ('mary', 'molly', 'has_nickname', true),
  ('mary', 'polly', 'has_nickname', true),
  ('masayuki', 'masa', 'has_nickname', true),
  ('mat', 'mattie', 'has_nickname', true),
  ('mathew', 'mat', 'has_nickname', true),
  ('mathew', 'matt', 'has_nickname', true),
  ('mathew', 'maty', 'has_nickname', true),
  ('mathilda', 'patty', 'has_nickname', true),
  ('mathilda', 'tillie', 'has_nickname', true),
  ('matilda', 'matty', 'has_nickname', true),
  ('matilda', 'maud', 'has_nickname', true),
  ('matilda', 'tilla', 'has_nickname', true),
  ('matilda', 'tilly', 'has_nickname', true),
  ('matthew', 'matt', 'has_nickname', true),
  ('matthew', 'mattie', 'has_nickname', true),
  ('matthew', 'matty', 'has_nickname', true),
  ('matthew', 'thias', 'has_nickname', true),
  ('matthew', 'thys', 'has_nickname', true),
  ('matthews', 'matt', 'has_nickname', true),
  ('matthews', 'mattie', 'has_nickname', true),
  ('matthews', 'matty', 'has_nickname', true),
  ('matthias', 'matt', 'has_nickname', true),
  ('matthias', 'thias', 'has_nickname', true),
  ('matthias', 'thys', 'has_nickname', true),
  ('maud', 'middy', 'has_nickname', true),
  ('maureen', 'mary', 'has_nickname', true),
  ('maurice', 'morey', 'has_nickname', true),
  ('mavery', 'mave', 'has_nickname', true),
  ('mavine', 'mave', 'has_nickname', true),
  ('maximilian', 'max', 'has_nickname', true),
  ('maximillian', 'max', 'has_nickname', true),
  ('maxine', 'max', 'has_nickname', true),
  ('maxwell', 'max', 'has_nickname', true),
  ('may', 'mae', 'has_nickname', true),
  ('mckenna', 'ken', 'has_nickname', true),
  ('mckenna', 'kenna', 'has_nickname', true),
  ('mckenna', 'meaka', 'has_nickname', true),
  ('medora', 'dora', 'has_nickname', true),
  ('megan', 'meg', 'has_nickname', true),
  ('meghan', 'meg', 'has_nickname', true),
  ('mehitabel', 'hetty', 'has_nickname', true),
  ('mehitabel', 'hitty', 'has_nickname', true),
  ('mehitabel', 'mabel', 'has_nickname', true),
  ('mehitabel', 'mitty', 'has_nickname', true),
  ('melanie', 'mellie', 'has_nickname', true),
  ('melchizedek', 'dick', 'has_nickname', true),
  ('melchizedek', 'zadock', 'has_nickname', true),
  ('melinda', 'linda', 'has_nickname', true),
  ('melinda', 'lindy', 'has_nickname', true),
  ('melinda', 'lynn', 'has_nickname', true),
  ('melinda', 'mel', 'has_nickname', true),
  ('melinda', 'mindy', 'has_nickname', true),
  ('melissa', 'lisa', 'has_nickname', true),
  ('melissa', 'lissa', 'has_nickname', true),
  ('melissa', 'mel', 'has_nickname', true),
  ('melissa', 'milly', 'has_nickname', true),
  ('melissa', 'missy', 'has_nickname', true),
  ('mellony', 'mellia', 'has_nickname', true),
  ('melody', 'lodi', 'has_nickname', true),
  ('melvin', 'mel', 'has_nickname', true),
  ('melvina', 'vina', 'has_nickname', true),
  ('mercedes', 'merci', 'has_nickname', true),
  ('mercedes', 'mercy', 'has_nickname', true),
  ('mercedes', 'sadie', 'has_nickname', true),
  ('merv', 'mervin', 'has_nickname', true),
  ('mervin', 'merv', 'has_nickname', true),
  ('mervyn', 'merv', 'has_nickname', true),
  ('micajah', 'cage', 'has_nickname', true),
  ('michael', 'micah', 'has_nickname', true),
  ('michael', 'mick', 'has_nickname', true),
  ('michael', 'mickey', 'has_nickname', true),
  ('michael', 'micky', 'has_nickname', true),
  ('michael', 'mike', 'has_nickname', true),
  ('michael', 'mikey', 'has_nickname', true),
  ('micheal', 'mike', 'has_nickname', true),
  ('micheal', 'mikey', 'has_nickname', true),
  ('micheal', 'miky', 'has_nickname', true),
  ('michelle', 'chelle', 'has_nickname', true),
  ('michelle', 'mickey', 'has_nickname', true),
  ('michelle', 'shelley', 'has_nickname', true),
  ('michelle', 'shellie', 'has_nickname', true),
  ('michelle', 'shelly', 'has_nickname', true),
  ('michelle', 'shely', 'has_nickname', true),
  ('mick', 'micky', 'has_nickname', true),
  ('miguel', 'michael', 'has_nickname', true),
  ('miguel', 'miggy', 'has_nickname', true),
  ('miguel', 'miguael', 'has_nickname', true),
  ('miguel', 'miguaell', 'has_nickname', true),
  ('miguel', 'miguail', 'has_nickname', true),
  ('miguel', 'miguaill', 'has_nickname', true),
  ('miguel', 'miguayl', 'has_nickname', true),
  ('miguel', 'miguayll', 'has_nickname', true),
  ('miguel', 'miguell', 'has_nickname', true),
  ('miguel', 'mike', 'has_nickname', true),
  ('mike', 'michael', 'has_nickname', true),
  ('mike', 'mick', 'has_nickname', true),
  ('mike', 'micky', 'has_nickname', true),
  ('mildred', 'milly', 'has_nickname', true),
  ('millicent', 'milly', 'has_nickname', true),
  ('millicent', 'missy', 'has_nickname', true),
  ('minerva', 'minnie', 'has_nickname', true),
  ('minnie', 'wilhelmina', 'has_nickname', true),
  ('miranda', 'mandy', 'has_nickname', true),
  ('miranda', 'mira', 'has_nickname', true),
  ('miranda', 'randi', 'has_nickname', true),
  ('miranda', 'randy', 'has_nickname', true),
  ('miriam', 'mimi', 'has_nickname', true),
  ('miriam', 'mitzi', 'has_nickname', true),
  ('miriam', 'mitzie', 'has_nickname', true),
  ('missy', 'melissa', 'has_nickname', true),
  ('mitch', 'mitchell', 'has_nickname', true),
  ('mitchell', 'mitch', 'has_nickname', true),
  ('mitzi', 'mary', 'has_nickname', true),
  ('mitzi', 'mittie', 'has_nickname', true),
  ('mitzi', 'mitty', 'has_nickname', true),
  ('mitzie', 'mittie', 'has_nickname', true),
  ('mitzie', 'mitty', 'has_nickname', true),
  ('monet', 'nettie', 'has_nickname', true),
  ('monica', 'monna', 'has_nickname', true),
  ('monica', 'monnie', 'has_nickname', true),
  ('monteleon', 'monte', 'has_nickname', true),
  ('montesque', 'monty', 'has_nickname', true),
  ('montgomery', 'gum', 'has_nickname', true),
  ('montgomery', 'monty', 'has_nickname', true),
  ('monty', 'lamont', 'has_nickname', true),
  ('morris', 'morey', 'has_nickname', true),
  ('mortimer', 'mort', 'has_nickname', true),
  ('moses', 'amos', 'has_nickname', true),
  ('moses', 'mose', 'has_nickname', true),
  ('moses', 'moss', 'has_nickname', true),
  ('muriel', 'mur', 'has_nickname', true),
  ('myrtle', 'mert', 'has_nickname', true),
  ('myrtle', 'myrt', 'has_nickname', true),
  ('myrtle', 'myrti', 'has_nickname', true),
  ('nadine', 'deedee', 'has_nickname', true),
  ('nadine', 'nada', 'has_nickname', true),
  ('nancy', 'ann', 'has_nickname', true),
  ('nancy', 'nan', 'has_nickname', true),
  ('nancy', 'nanny', 'has_nickname', true),
  ('naomi', 'omi', 'has_nickname', true),
  ('napoleon', 'leon', 'has_nickname', true),
  ('napoleon', 'nap', 'has_nickname', true),
  ('napoleon', 'nappy', 'has_nickname', true),
  ('natalie', 'natty', 'has_nickname', true),
  ('natalie', 'nettie', 'has_nickname', true),
  ('natasha', 'nat', 'has_nickname', true),
  ('natasha', 'tasha', 'has_nickname', true),
  ('nathan', 'nat', 'has_nickname', true),
  ('nathan', 'nate', 'has_nickname', true),
  ('nathaniel', 'nat', 'has_nickname', true),
  ('nathaniel', 'nate', 'has_nickname', true),
  ('nathaniel', 'nathan', 'has_nickname', true),
  ('nathaniel', 'natty', 'has_nickname', true),
  ('nathaniel', 'than', 'has_nickname', true),
  ('nelle', 'nelly', 'has_nickname', true),
  ('nelson', 'nels', 'has_nickname', true),
  ('newt', 'newton', 'has_nickname', true),
  ('newton', 'newt', 'has_nickname', true),
  ('nicholas', 'claas', 'has_nickname', true),
  ('nicholas', 'claes', 'has_nickname', true),
  ('nicholas', 'nic', 'has_nickname', true),
  ('nicholas', 'nick', 'has_nickname', true),
  ('nicholas', 'nickie', 'has_nickname', true),
  ('nicholas', 'nicky', 'has_nickname', true),
  ('nicholas', 'nico', 'has_nickname', true),
  ('nicholette', 'cole', 'has_nickname', true),
  ('nicholette', 'nichole', 'has_nickname', true),
  ('nicholette', 'nickey', 'has_nickname', true),
  ('nicholette', 'nicki', 'has_nickname', true),
  ('nicholette', 'nicky', 'has_nickname', true),
  ('nicholette', 'nicole', 'has_nickname', true),
  ('nicholette', 'nikki', 'has_nickname', true),
  ('nicodemus', 'nic', 'has_nickname', true),
  ('nicodemus', 'nick', 'has_nickname', true),
  ('nicodemus', 'nickie', 'has_nickname', true),
  ('nicodemus', 'nicky', 'has_nickname', true),
  ('nicodemus', 'nico', 'has_nickname', true),
  ('nicolas', 'nic', 'has_nickname', true),
  ('nicolas', 'nick', 'has_nickname', true),
  ('nicolas', 'nickie', 'has_nickname', true),
  ('nicolas', 'nicky', 'has_nickname', true),
  ('nicolas', 'nico', 'has_nickname', true),
  ('nicole', 'cole', 'has_nickname', true),
  ('nicole', 'nicki', 'has_nickname', true),
  ('nicole', 'nicky', 'has_nickname', true),
  ('nicole', 'nikki', 'has_nickname', true),
  ('nicole', 'nole', 'has_nickname', true),
  ('nikolas', 'claes', 'has_nickname', true),
  ('nikolas', 'nic', 'has_nickname', true),
  ('nikolas', 'nick', 'has_nickname', true),
  ('nikolas', 'nickie', 'has_nickname', true),
  ('nikolas', 'nicky', 'has_nickname', true),
  ('nikolas', 'nico', 'has_nickname', true),
  ('nikole', 'nikki', 'has_nickname', true),
  ('nora', 'nonie', 'has_nickname', true),
  ('norbert', 'bert', 'has_nickname', true),
  ('norbert', 'norby', 'has_nickname', true),
  ('norbusamte', 'norbu', 'has_nickname', true),
  ('norman', 'norm', 'has_nickname', true),
  ('nowell', 'noel', 'has_nickname', true),
  ('obadiah', 'diah', 'has_nickname', true),
  ('obadiah', 'dyer', 'has_nickname', true),
  ('obadiah', 'obed', 'has_nickname', true),
  ('obadiah', 'obie', 'has_nickname', true),
  ('obediah', 'obie', 'has_nickname', true),
  ('obedience', 'beda', 'has_nickname', true),
  ('obedience', 'beedy', 'has_nickname', true),
  ('obedience', 'biddie', 'has_nickname', true),
  ('obedience', 'obed', 'has_nickname', true),
  ('obie', 'obediah', 'has_nickname', true),
  ('octavia', 'tave', 'has_nickname', true),
  ('octavia', 'tavia', 'has_nickname', true),
  ('odell', 'odo', 'has_nickname', true),
  ('olive', 'livia', 'has_nickname', true),
  ('olive', 'nollie', 'has_nickname', true),
  ('olive', 'ollie', 'has_nickname', true),
  ('oliver', 'ollie', 'has_nickname', true),
  ('olivia', 'livia', 'has_nickname', true),
  ('olivia', 'nollie', 'has_nickname', true),
  ('olivia', 'ollie', 'has_nickname', true),
  ('ollie', 'oliver', 'has_nickname', true),
  ('onicyphorous', 'cy', 'has_nickname', true),
  ('onicyphorous', 'cyphorus', 'has_nickname', true),
  ('onicyphorous', 'one', 'has_nickname', true),
  ('onicyphorous', 'osaforum', 'has_nickname', true),
  ('onicyphorous', 'osaforus', 'has_nickname', true),
  ('onicyphorous', 'syphorous', 'has_nickname', true),
  ('orilla', 'ora', 'has_nickname', true),
  ('orilla', 'rilly', 'has_nickname', true),
  ('orlando', 'roland', 'has_nickname', true),
  ('orphelia', 'phelia', 'has_nickname', true),
  ('ossy', 'ozzy', 'has_nickname', true),
  ('oswald', 'ossy', 'has_nickname', true),
  ('oswald', 'ozzy', 'has_nickname', true),
  ('oswald', 'waldo', 'has_nickname', true),
  ('otis', 'ode', 'has_nickname', true),
  ('otis', 'ote', 'has_nickname', true),
  ('pamela', 'pam', 'has_nickname', true),
  ('pandora', 'dora', 'has_nickname', true),
  ('parmelia', 'amelia', 'has_nickname', true),
  ('parmelia', 'melia', 'has_nickname', true),
  ('parmelia', 'milly', 'has_nickname', true),
  ('parthenia', 'parsuny', 'has_nickname', true),
  ('parthenia', 'pasoonie', 'has_nickname', true),
  ('parthenia', 'phenie', 'has_nickname', true),
  ('parthenia', 'teeny', 'has_nickname', true),
  ('patience', 'pat', 'has_nickname', true),
  ('patience', 'patty', 'has_nickname', true),
  ('patricia', 'pat', 'has_nickname', true),
  ('patricia', 'patsy', 'has_nickname', true),
  ('patricia', 'patti', 'has_nickname', true),
  ('patricia', 'patty', 'has_nickname', true),
  ('patricia', 'tricia', 'has_nickname', true),
  ('patricia', 'trish', 'has_nickname', true),
  ('patricia', 'trisha', 'has_nickname', true),
  ('patrick', 'paddy', 'has_nickname', true),
  ('patrick', 'pat', 'has_nickname', true),
  ('patrick', 'pate', 'has_nickname', true),
  ('patrick', 'patsy', 'has_nickname', true),
  ('patrick', 'peter', 'has_nickname', true),
  ('patsy', 'patty', 'has_nickname', true),
  ('patty', 'patricia', 'has_nickname', true),
  ('paul', 'polly', 'has_nickname', true),
  ('paula', 'lina', 'has_nickname', true),
  ('paula', 'polly', 'has_nickname', true),
  ('paulina', 'lina', 'has_nickname', true),
  ('paulina', 'polly', 'has_nickname', true),
  ('pauline', 'polly', 'has_nickname', true),
  ('peggy', 'peg', 'has_nickname', true),
  ('pelegrine', 'perry', 'has_nickname', true),
  ('penelope', 'penny', 'has_nickname', true),
  ('percival', 'percy', 'has_nickname', true),
  ('peregrine', 'perry', 'has_nickname', true),
  ('permelia', 'mellie', 'has_nickname', true),
  ('permelia', 'melly', 'has_nickname', true),
  ('permelia', 'milly', 'has_nickname', true),
  ('pernetta', 'nettie', 'has_nickname', true),
  ('persephone', 'seph', 'has_nickname', true),
  ('persephone', 'sephy', 'has_nickname', true),
  ('peter', 'pate', 'has_nickname', true),
  ('peter', 'pete', 'has_nickname', true),
  ('petronella', 'nellie', 'has_nickname', true),
  ('pheney', 'josephine', 'has_nickname', true),
  ('pheriba', 'ferbie', 'has_nickname', true),
  ('pheriba', 'pherbia', 'has_nickname', true),
  ('philadelphia', 'delphia', 'has_nickname', true),
  ('philander', 'fie', 'has_nickname', true),
  ('philetus', 'leet', 'has_nickname', true),
  ('philetus', 'phil', 'has_nickname', true),
  ('philinda', 'linda', 'has_nickname', true),
  ('philinda', 'lindy', 'has_nickname', true),
  ('philinda', 'lynn', 'has_nickname', true),
  ('philip', 'phil', 'has_nickname', true),
  ('philip', 'pip', 'has_nickname', true),
  ('philipina', 'penie', 'has_nickname', true),
  ('philipina', 'phoebe', 'has_nickname', true),
  ('philipina', 'pip', 'has_nickname', true),
  ('phillip', 'phil', 'has_nickname', true),
  ('phillip', 'pip', 'has_nickname', true),
  ('philly', 'delphia', 'has_nickname', true),
  ('philomena', 'menaalmena', 'has_nickname', true),
  ('phoebe', 'fifi', 'has_nickname', true),
  ('pinckney', 'pink', 'has_nickname', true),
  ('pleasant', 'ples', 'has_nickname', true),
  ('pocahontas', 'pokey', 'has_nickname', true),
  ('posthuma', 'humey', 'has_nickname', true),
  ('prescott', 'pres', 'has_nickname', true),
  ('prescott', 'scott', 'has_nickname', true),
  ('prescott', 'scotty', 'has_nickname', true),
  ('priscilla', 'cilla', 'has_nickname', true),
  ('priscilla', 'cissy', 'has_nickname', true),
  ('priscilla', 'prissy', 'has_nickname', true),
  ('providence', 'provy', 'has_nickname', true),
  ('prudence', 'prudy', 'has_nickname', true),
  ('prudence', 'prue', 'has_nickname', true),
  ('prudy', 'prudence', 'has_nickname', true),
  ('rachel', 'rachael', 'has_nickname', true),
  ('rachel', 'shelly', 'has_nickname', true),
  ('rafaela', 'rafa', 'has_nickname', true),
  ('ramona', 'mona', 'has_nickname', true),
  ('randall', 'randy', 'has_nickname', true),
  ('randolf', 'dolph', 'has_nickname', true),
  ('randolf', 'randy', 'has_nickname', true),
  ('randolph', 'dolph', 'has_nickname', true),
  ('randolph', 'randy', 'has_nickname', true),
  ('raphael', 'ralph', 'has_nickname', true),
  ('ray', 'raymond', 'has_nickname', true),
  ('raymond', 'ray', 'has_nickname', true),
  ('reba', 'becca', 'has_nickname', true),
  ('reba', 'beck', 'has_nickname', true),
  ('rebecca', 'becca', 'has_nickname', true),
  ('rebecca', 'beck', 'has_nickname', true),
  ('rebecca', 'becky', 'has_nickname', true),
  ('rebecca', 'reba', 'has_nickname', true),
  ('reggie', 'reg', 'has_nickname', true),
  ('reggie', 'reginald', 'has_nickname', true),
  ('regina', 'gina', 'has_nickname', true),
  ('regina', 'reggie', 'has_nickname', true),
  ('reginald', 'naldo', 'has_nickname', true),
  ('reginald', 'reg', 'has_nickname', true),
  ('reginald', 'reggie', 'has_nickname', true),
  ('reginald', 'renny', 'has_nickname', true),
  ('relief', 'leafa', 'has_nickname', true),
  ('reuben', 'rube', 'has_nickname', true),
  ('reynold', 'reginald', 'has_nickname', true),
  ('rhoda', 'rodie', 'has_nickname', true),
  ('rhodella', 'della', 'has_nickname', true),
  ('rhyna', 'rhynie', 'has_nickname', true),
  ('ricardo', 'rick', 'has_nickname', true),
  ('ricardo', 'ricky', 'has_nickname', true),
  ('rich', 'dick', 'has_nickname', true),
  ('rich', 'rick', 'has_nickname', true),
  ('richard', 'dick', 'has_nickname', true),
  ('richard', 'dickie', 'has_nickname', true),
  ('richard', 'dickon', 'has_nickname', true),
  ('richard', 'dicky', 'has_nickname', true),
  ('richard', 'rich', 'has_nickname', true),
  ('richard', 'richie', 'has_nickname', true),
  ('richard', 'rick', 'has_nickname', true),
  ('richard', 'ricky', 'has_nickname', true),
  ('rick', 'ricky', 'has_nickname', true),
  ('ricky', 'dick', 'has_nickname', true),
  ('ricky', 'rich', 'has_nickname', true),
  ('robert', 'bill', 'has_nickname', true),
  ('robert', 'billy', 'has_nickname', true),
  ('robert', 'bob', 'has_nickname', true),
  ('robert', 'bobby', 'has_nickname', true),
  ('robert', 'dob', 'has_nickname', true),
  ('robert', 'dobbin', 'has_nickname', true),
  ('robert', 'hob', 'has_nickname', true),
  ('robert', 'hobkin', 'has_nickname', true),
  ('robert', 'rob', 'has_nickname', true),
  ('robert', 'robby', 'has_nickname', true),
  ('robert', 'rupert', 'has_nickname', true),
  ('roberta', 'bert', 'has_nickname', true),
  ('roberta', 'bertie', 'has_nickname', true),
  ('roberta', 'birdie', 'has_nickname', true),
  ('roberta', 'birtie', 'has_nickname', true),
  ('roberta', 'bobbie', 'has_nickname', true),
  ('roberta', 'robbie', 'has_nickname', true),
  ('roberta', 'roby', 'has_nickname', true),
  ('roberto', 'rob', 'has_nickname', true),
  ('roderick', 'erick', 'has_nickname', true),
  ('roderick', 'rickie', 'has_nickname', true),
  ('roderick', 'rod', 'has_nickname', true),
  ('roderick', 'roddy', 'has_nickname', true),
  ('rodger', 'bobby', 'has_nickname', true),
  ('rodger', 'hodge', 'has_nickname', true),
  ('rodger', 'rod', 'has_nickname', true),
  ('rodger', 'roge', 'has_nickname', true),
  ('rodger', 'roger', 'has_nickname', true),
  ('rodney', 'rod', 'has_nickname', true),
  ('roger', 'bobby', 'has_nickname', true),
  ('roger', 'hodge', 'has_nickname', true),
  ('roger', 'rod', 'has_nickname', true),
  ('roger', 'rodger', 'has_nickname', true),
  ('roger', 'roge', 'has_nickname', true),
  ('roland', 'lanny', 'has_nickname', true),
  ('roland', 'orlando', 'has_nickname', true),
  ('roland', 'rollo', 'has_nickname', true),
  ('roland', 'rolly', 'has_nickname', true),
  ('ron', 'ronnie', 'has_nickname', true),
  ('ron', 'ronny', 'has_nickname', true),
  ('ronald', 'naldo', 'has_nickname', true),
  ('ronald', 'ron', 'has_nickname', true),
  ('ronald', 'ronnie', 'has_nickname', true),
  ('ronald', 'ronny', 'has_nickname', true),
  ('ronny', 'ronald', 'has_nickname', true),
  ('rosa', 'rose', 'has_nickname', true),
  ('rosabel', 'belle', 'has_nickname', true),
  ('rosabel', 'rosa', 'has_nickname', true),
  ('rosabel', 'rose', 'has_nickname', true),
  ('rosabel', 'roz', 'has_nickname', true),
  ('rosabella', 'bella', 'has_nickname', true),
  ('rosabella', 'belle', 'has_nickname', true),
  ('rosabella', 'rosa', 'has_nickname', true),
  ('rosabella', 'rose', 'has_nickname', true),
  ('rosabella', 'roz', 'has_nickname', true),
  ('rosaenn', 'ann', 'has_nickname', true),
  ('rosaenna', 'ann', 'has_nickname', true),
  ('rosalinda', 'linda', 'has_nickname', true),
  ('rosalinda', 'rosa', 'has_nickname', true),
  ('rosalinda', 'rose', 'has_nickname', true),
  ('rosalinda', 'roz', 'has_nickname', true),
  ('rosalyn', 'linda', 'has_nickname', true),
  ('rosalyn', 'rosa', 'has_nickname', true),
  ('rosalyn', 'rose', 'has_nickname', true),
  ('rosalyn', 'roz', 'has_nickname', true),
  ('roscoe', 'ross', 'has_nickname', true),
  ('rose', 'rosie', 'has_nickname', true),
  ('roseann', 'ann', 'has_nickname', true),
  ('roseann', 'rose', 'has_nickname', true),
  ('roseann', 'rosie', 'has_nickname', true),
  ('roseann', 'roz', 'has_nickname', true),
  ('roseanna', 'ann', 'has_nickname', true),
  ('roseanna', 'rose', 'has_nickname', true),
  ('roseanna', 'rosie', 'has_nickname', true),
  ('roseanna', 'roz', 'has_nickname', true),
  ('roseanne', 'ann', 'has_nickname', true),
  ('rosemary', 'marie', 'has_nickname', true),
  ('rosemary', 'mary', 'has_nickname', true),
  ('rosemary', 'rose', 'has_nickname', true),
  ('rosemary', 'rosemarie', 'has_nickname', true),
  ('rosemary', 'rosey', 'has_nickname', true),
  ('rosina', 'sina', 'has_nickname', true),
  ('roxane', 'rox', 'has_nickname', true),
  ('roxane', 'roxie', 'has_nickname', true),
  ('roxanna', 'ann', 'has_nickname', true),
  ('roxanna', 'rose', 'has_nickname', true),
  ('roxanna', 'roxie', 'has_nickname', true),
  ('roxanne', 'ann', 'has_nickname', true),
  ('roxanne', 'rose', 'has_nickname', true),
  ('roxanne', 'roxie', 'has_nickname', true),
  ('rudolph', 'dolph', 'has_nickname', true),
  ('rudolph', 'olph', 'has_nickname', true),
  ('rudolph', 'rolf', 'has_nickname', true),
  ('rudolph', 'rudy', 'has_nickname', true),
  ('rudolphus', 'dolph', 'has_nickname', true),
  ('rudolphus', 'olph', 'has_nickname', true),
  ('rudolphus', 'rolf', 'has_nickname', true),
  ('rudolphus', 'rudy', 'has_nickname', true),
  ('russell', 'russ', 'has_nickname', true),
  ('russell', 'rusty', 'has_nickname', true),
  ('ryan', 'ry', 'has_nickname', true),
  ('sabrina', 'brina', 'has_nickname', true),
  ('safieel', 'safie', 'has_nickname', true),
  ('salome', 'loomie', 'has_nickname', true),
  ('salvador', 'sal', 'has_nickname', true),
  ('salvador', 'sally', 'has_nickname', true),
  ('sam', 'sammy', 'has_nickname', true),
  ('samantha', 'mantha', 'has_nickname', true),
  ('samantha', 'sam', 'has_nickname', true),
  ('samantha', 'sammy', 'has_nickname', true),
  ('sampson', 'sam', 'has_nickname', true),
  ('sampson', 'sammy', 'has_nickname', true),
  ('samson', 'sam', 'has_nickname', true),
  ('samson', 'sammy', 'has_nickname', true),
  ('samuel', 'sam', 'has_nickname', true),
  ('samuel', 'sammy', 'has_nickname', true),
  ('samyra', 'myra', 'has_nickname', true),
  ('samyra', 'sam', 'has_nickname', true),
  ('samyra', 'sammy', 'has_nickname', true),
  ('sandra', 'cassandra', 'has_nickname', true),
  ('sandra', 'sandy', 'has_nickname', true),
  ('sandy', 'sandra', 'has_nickname', true),
  ('sanford', 'sandy', 'has_nickname', true),
  ('sarah', 'sadie', 'has_nickname', true),
  ('sarah', 'sally', 'has_nickname', true),
  ('sarah', 'sara', 'has_nickname', true),
  ('sarilla', 'silla', 'has_nickname', true),
  ('savannah', 'anna', 'has_nickname', true),
  ('savannah', 'savanna', 'has_nickname', true),
  ('savannah', 'vannie', 'has_nickname', true),
  ('scott', 'sceeter', 'has_nickname', true),
  ('scott', 'scottie', 'has_nickname', true),
  ('scott', 'scotty', 'has_nickname', true),
  ('scott', 'squat', 'has_nickname', true),
  ('sebastian', 'seb', 'has_nickname', true),
  ('sebastian', 'sebby', 'has_nickname', true),
  ('selma', 'anselm', 'has_nickname', true),
  ('serena', 'rena', 'has_nickname', true),
  ('serilla', 'rilla', 'has_nickname', true),
  ('seymour', 'morey', 'has_nickname', true),
  ('seymour', 'see', 'has_nickname', true),
  ('shaina', 'sha', 'has_nickname', true),
  ('shaina', 'shay', 'has_nickname', true),
  ('sharon', 'sha', 'has_nickname', true),
  ('sharon', 'shay', 'has_nickname', true),
  ('shaun', 'shawn', 'has_nickname', true),
  ('shawn', 'shaun', 'has_nickname', true),
  ('sheila', 'cecilia', 'has_nickname', true),
  ('sheldon', 'shelly', 'has_nickname', true),
  ('shelton', 'shel', 'has_nickname', true),
  ('shelton', 'shelly', 'has_nickname', true),
  ('shelton', 'tony', 'has_nickname', true),
  ('sheridan', 'dan', 'has_nickname', true),
  ('sheridan', 'danny', 'has_nickname', true),
  ('sheridan', 'sher', 'has_nickname', true),
  ('sheryl', 'cheri', 'has_nickname', true),
  ('sheryl', 'cherie', 'has_nickname', true),
  ('sheryl', 'sher', 'has_nickname', true),
  ('sheryl', 'sheri', 'has_nickname', true),
  ('sheryl', 'sherri', 'has_nickname', true),
  ('sheryl', 'sherry', 'has_nickname', true),
  ('sheryl', 'sherryl', 'has_nickname', true),
  ('shirley', 'lee', 'has_nickname', true),
  ('shirley', 'sherry', 'has_nickname', true),
  ('shirley', 'shirl', 'has_nickname', true),
  ('sibbilla', 'sibbell', 'has_nickname', true),
  ('sibbilla', 'sibbie', 'has_nickname', true),
  ('sibbilla', 'sybill', 'has_nickname', true),
  ('sidney', 'sid', 'has_nickname', true),
  ('sidney', 'syd', 'has_nickname', true),
  ('sigfired', 'sid', 'has_nickname', true),
  ('sigfrid', 'sid', 'has_nickname', true),
  ('sigismund', 'sig', 'has_nickname', true),
  ('silas', 'si', 'has_nickname', true),
  ('silence', 'liley', 'has_nickname', true),
  ('silvester', 'si', 'has_nickname', true),
  ('silvester', 'sly', 'has_nickname', true),
  ('silvester', 'syl', 'has_nickname', true),
  ('silvester', 'vest', 'has_nickname', true),
  ('silvester', 'vester', 'has_nickname', true),
  ('simeon', 'si', 'has_nickname', true),
  ('simeon', 'sion', 'has_nickname', true),
  ('simon', 'si', 'has_nickname', true),
  ('simon', 'sion', 'has_nickname', true),
  ('smith', 'smitty', 'has_nickname', true),
  ('socrates', 'crate', 'has_nickname', true),
  ('solomon', 'sal', 'has_nickname', true),
  ('solomon', 'salmon', 'has_nickname', true),
  ('solomon', 'saul', 'has_nickname', true),
  ('solomon', 'sol', 'has_nickname', true),
  ('solomon', 'solly', 'has_nickname', true),
  ('solomon', 'zolly', 'has_nickname', true),
  ('sondra', 'dre', 'has_nickname', true),
  ('sondra', 'sonnie', 'has_nickname', true),
  ('sophia', 'sophie', 'has_nickname', true),
  ('sophronia', 'frona', 'has_nickname', true),
  ('sophronia', 'fronia', 'has_nickname', true),
  ('sophronia', 'sophia', 'has_nickname', true),
  ('stacey', 'staci', 'has_nickname', true),
  ('stacey', 'stacie', 'has_nickname', true),
  ('stacey', 'stacy', 'has_nickname', true),
  ('stacie', 'stacey', 'has_nickname', true),
  ('stacie', 'staci', 'has_nickname', true),
  ('stacie', 'stacy', 'has_nickname', true),
  ('stacy', 'staci', 'has_nickname', true),
  ('stephan', 'steve', 'has_nickname', true),
  ('stephanie', 'annie', 'has_nickname', true),
  ('stephanie', 'steffi', 'has_nickname', true),
  ('stephanie', 'steffie', 'has_nickname', true),
  ('stephanie', 'steph', 'has_nickname', true),
  ('stephanie', 'stephani', 'has_nickname', true),
  ('stephanie', 'stephany', 'has_nickname', true),
  ('stephanie', 'stephie', 'has_nickname', true),
  ('stephanie', 'stephine', 'has_nickname', true),
  ('stephanie', 'stevie', 'has_nickname', true),
  ('stephen', 'steph', 'has_nickname', true),
  ('stephen', 'steve', 'has_nickname', true),
  ('steven', 'steph', 'has_nickname', true),
  ('steven', 'steve', 'has_nickname', true),
  ('steven', 'stevie', 'has_nickname', true),
  ('stuart', 'stu', 'has_nickname', true),
  ('sue', 'susan', 'has_nickname', true),
  ('sue', 'susie', 'has_nickname', true),
  ('sullivan', 'sully', 'has_nickname', true),
  ('sullivan', 'van', 'has_nickname', true),
  ('susan', 'hannah', 'has_nickname', true),
  ('susan', 'sue', 'has_nickname', true),
  ('susan', 'sukey', 'has_nickname', true),
  ('susan', 'susie', 'has_nickname', true),
  ('susan', 'suzie', 'has_nickname', true),
  ('susannah', 'hannah', 'has_nickname', true),
  ('susannah', 'sue', 'has_nickname', true),
  ('susannah', 'sukey', 'has_nickname', true),
  ('susannah', 'susie', 'has_nickname', true),
  ('susie', 'suzie', 'has_nickname', true),
  ('suzanne', 'sue', 'has_nickname', true),
  ('suzanne', 'suki', 'has_nickname', true),
  ('suzanne', 'susie', 'has_nickname', true),
  ('sybill', 'sibbie', 'has_nickname', true),
  ('sydney', 'sid', 'has_nickname', true),
  ('sylvanus', 'sly', 'has_nickname', true),
  ('sylvanus', 'syl', 'has_nickname', true),
  ('sylvester', 'si', 'has_nickname', true),
  ('sylvester', 'sly', 'has_nickname', true),
  ('sylvester', 'sy', 'has_nickname', true),
  ('sylvester', 'syl', 'has_nickname', true),
  ('sylvester', 'vessie', 'has_nickname', true),
  ('sylvester', 'vester', 'has_nickname', true),
  ('sylvester', 'vet', 'has_nickname', true),
  ('tabby', 'tabitha', 'has_nickname', true),
  ('tabitha', 'tabby', 'has_nickname', true),
  ('tamarra', 'tammy', 'has_nickname', true),
  ('tammie', 'tami', 'has_nickname', true),
  ('tammie', 'tammy', 'has_nickname', true),
  ('tammy', 'tami', 'has_nickname', true),
  ('tammy', 'tammie', 'has_nickname', true),
  ('tanafra', 'tanny', 'has_nickname', true),
  ('tasha', 'tash', 'has_nickname', true),
  ('tasha', 'tashie', 'has_nickname', true),
  ('ted', 'teddy', 'has_nickname', true),
  ('temperance', 'tempy', 'has_nickname', true),
  ('terence', 'terry', 'has_nickname', true),
  ('teresa', 'terry', 'has_nickname', true),
  ('teresa', 'tess', 'has_nickname', true),
  ('teresa', 'tessa', 'has_nickname', true),
  ('teresa', 'tessie', 'has_nickname', true),
  ('terri', 'teri', 'has_nickname', true),
  ('terri', 'terrie', 'has_nickname', true),
  ('terri', 'terry', 'has_nickname', true),
  ('terry', 'terence', 'has_nickname', true),
  ('tess', 'teresa', 'has_nickname', true),
  ('tess', 'theresa', 'has_nickname', true),
  ('tessa', 'teresa', 'has_nickname', true),
  ('tessa', 'theresa', 'has_nickname', true),
  ('thad', 'thaddeus', 'has_nickname', true),
  ('thaddeus', 'thad', 'has_nickname', true),
  ('theo', 'theodore', 'has_nickname', true),
  ('theodora', 'dora', 'has_nickname', true),
  ('theodore', 'ted', 'has_nickname', true),
  ('theodore', 'teddy', 'has_nickname', true),
  ('theodore', 'theo', 'has_nickname', true),
  ('theodosia', 'dosia', 'has_nickname', true),
  ('theodosia', 'theo', 'has_nickname', true),
  ('theodosia', 'theodosius', 'has_nickname', true),
  ('theophilus', 'ophi', 'has_nickname', true),
  ('theotha', 'otha', 'has_nickname', true),
  ('theresa', 'terry', 'has_nickname', true),
  ('theresa', 'tess', 'has_nickname', true),
  ('theresa', 'tessa', 'has_nickname', true),
  ('theresa', 'tessie', 'has_nickname', true),
  ('theresa', 'thirza', 'has_nickname', true),
  ('theresa', 'thursa', 'has_nickname', true),
  ('theresa', 'traci', 'has_nickname', true),
  ('theresa', 'tracie', 'has_nickname', true),
  ('theresa', 'tracy', 'has_nickname', true),
  ('thom', 'thomas', 'has_nickname', true),
  ('thom', 'tom', 'has_nickname', true),
  ('thom', 'tommy', 'has_nickname', true),
  ('thomas', 'thom', 'has_nickname', true),
  ('thomas', 'tom', 'has_nickname', true),
  ('thomas', 'tommy', 'has_nickname', true),
  ('thomasa', 'tamzine', 'has_nickname', true),
  ('tiffany', 'tiff', 'has_nickname', true),
  ('tiffany', 'tiffy', 'has_nickname', true),
  ('tilford', 'tillie', 'has_nickname', true),
  ('tim', 'timmy', 'has_nickname', true),
  ('timothy', 'tim', 'has_nickname', true),
  ('timothy', 'timmy', 'has_nickname', true),
  ('tina', 'christina', 'has_nickname', true),
  ('tisha', 'tish', 'has_nickname', true),
  ('tobias', 'bias', 'has_nickname', true),
  ('tobias', 'toby', 'has_nickname', true),
  ('tom', 'thomas', 'has_nickname', true),
  ('tom', 'tommy', 'has_nickname', true),
  ('tony', 'anthony', 'has_nickname', true),
  ('tranquilla', 'quilla', 'has_nickname', true),
  ('tranquilla', 'trannie', 'has_nickname', true),
  ('trish', 'patricia', 'has_nickname', true),
  ('trish', 'trisha', 'has_nickname', true),
  ('trix', 'trixie', 'has_nickname', true),
  ('trudy', 'gertrude', 'has_nickname', true),
  ('tryphena', 'phena', 'has_nickname', true),
  ('unice', 'eunice', 'has_nickname', true),
  ('unice', 'nicie', 'has_nickname', true),
  ('uriah', 'riah', 'has_nickname', true),
  ('ursula', 'sula', 'has_nickname', true),
  ('ursula', 'sulie', 'has_nickname', true),
  ('valentina', 'felty', 'has_nickname', true),
  ('valentina', 'val', 'has_nickname', true),
  ('valentina', 'vallie', 'has_nickname', true),
  ('valentine', 'felty', 'has_nickname', true),
  ('valeri', 'val', 'has_nickname', true),
  ('valeri', 'valerie', 'has_nickname', true),
  ('valerie', 'val', 'has_nickname', true),
  ('vanburen', 'buren', 'has_nickname', true),
  ('vandalia', 'vannie', 'has_nickname', true),
  ('vanessa', 'essa', 'has_nickname', true),
  ('vanessa', 'nessa', 'has_nickname', true),
  ('vanessa', 'vanna', 'has_nickname', true),
  ('vernisee', 'nicey', 'has_nickname', true),
  ('veronica', 'franky', 'has_nickname', true),
  ('veronica', 'frony', 'has_nickname', true),
  ('veronica', 'ron', 'has_nickname', true),
  ('veronica', 'ronie', 'has_nickname', true),
  ('veronica', 'ronna', 'has_nickname', true),
  ('veronica', 'ronnie', 'has_nickname', true),
  ('veronica', 'ronny', 'has_nickname', true),
  ('veronica', 'vonnie', 'has_nickname', true),
  ('vic', 'vicki', 'has_nickname', true),
  ('vic', 'vickie', 'has_nickname', true),
  ('vic', 'vicky', 'has_nickname', true),
  ('vic', 'victor', 'has_nickname', true),
  ('vicki', 'vickie', 'has_nickname', true),
  ('vicki', 'vicky', 'has_nickname', true),
  ('vicki', 'victoria', 'has_nickname', true),
  ('victor', 'vic', 'has_nickname', true),
  ('victoria', 'tori', 'has_nickname', true),
  ('victoria', 'torie', 'has_nickname', true),
  ('victoria', 'torri', 'has_nickname', true),
  ('victoria', 'torrie', 'has_nickname', true),
  ('victoria', 'tory', 'has_nickname', true),
  ('victoria', 'vic', 'has_nickname', true),
  ('victoria', 'vicki', 'has_nickname', true),
  ('victoria', 'vickie', 'has_nickname', true),
  ('victoria', 'vicky', 'has_nickname', true),
  ('vijay', 'vij', 'has_nickname', true),
  ('vincent', 'vic', 'has_nickname', true),
  ('vincent', 'vin', 'has_nickname', true),
  ('vincent', 'vince', 'has_nickname', true),
  ('vincent', 'vinnie', 'has_nickname', true),
  ('vincent', 'vinny', 'has_nickname', true),
  ('vincenzo', 'vic', 'has_nickname', true),
  ('vincenzo', 'vin', 'has_nickname', true),
  ('vincenzo', 'vince', 'has_nickname', true),
  ('vincenzo', 'vinnie', 'has_nickname', true),
  ('vincenzo', 'vinny', 'has_nickname', true),
  ('vinson', 'vin', 'has_nickname', true),
  ('vinson', 'vince', 'has_nickname', true),
  ('vinson', 'vinnie', 'has_nickname', true),
  ('vinson', 'vinny', 'has_nickname', true),
  ('viola', 'ola', 'has_nickname', true),
  ('viola', 'vi', 'has_nickname', true),
  ('violetta', 'lettie', 'has_nickname', true),
  ('virginia', 'ginger', 'has_nickname', true),
  ('virginia', 'ginny', 'has_nickname', true),
  ('virginia', 'jane', 'has_nickname', true),
  ('virginia', 'jennie', 'has_nickname', true),
  ('virginia', 'virgy', 'has_nickname', true),
  ('vivian', 'vi', 'has_nickname', true),
  ('vivian', 'viv', 'has_nickname', true),
  ('waldo', 'ossy', 'has_nickname', true),
  ('waldo', 'ozzy', 'has_nickname', true),
  ('wallace', 'wally', 'has_nickname', true),
  ('wally', 'walt', 'has_nickname', true),
  ('walter', 'wally', 'has_nickname', true),
  ('walter', 'walt', 'has_nickname', true),
  ('washington', 'wash', 'has_nickname', true),
  ('webster', 'webb', 'has_nickname', true),
  ('wendy', 'wen', 'has_nickname', true),
  ('wesley', 'wes', 'has_nickname', true),
  ('westley', 'farmboy', 'has_nickname', true),
  ('westley', 'wes', 'has_nickname', true),
  ('westley', 'west', 'has_nickname', true),
  ('wilber', 'bert', 'has_nickname', true),
  ('wilber', 'will', 'has_nickname', true),
  ('wilbur', 'will', 'has_nickname', true),
  ('wilbur', 'willie', 'has_nickname', true),
  ('wilbur', 'willy', 'has_nickname', true),
  ('wilda', 'willie', 'has_nickname', true),
  ('wilfred', 'fred', 'has_nickname', true),
  ('wilfred', 'wil', 'has_nickname', true),
  ('wilfred', 'will', 'has_nickname', true),
  ('wilfred', 'willie', 'has_nickname', true),
  ('wilhelm', 'wil', 'has_nickname', true),
  ('wilhelm', 'willie', 'has_nickname', true),
  ('wilhelmina', 'mina', 'has_nickname', true),
  ('wilhelmina', 'minnie', 'has_nickname', true),
  ('wilhelmina', 'willie', 'has_nickname', true),
  ('wilhelmina', 'wilma', 'has_nickname', true),
  ('will', 'bill', 'has_nickname', true),
  ('will', 'fred', 'has_nickname', true),
  ('will', 'wilbur', 'has_nickname', true),
  ('will', 'willie', 'has_nickname', true),
  ('william', 'bela', 'has_nickname', true),
  ('william', 'bell', 'has_nickname', true),
  ('william', 'bill', 'has_nickname', true),
  ('william', 'billy', 'has_nickname', true),
  ('william', 'wil', 'has_nickname', true),
  ('william', 'will', 'has_nickname', true),
  ('william', 'willie', 'has_nickname', true),
  ('william', 'willy', 'has_nickname', true),
  ('willie', 'fred', 'has_nickname', true),
  ('willie', 'william', 'has_nickname', true),
  ('willis', 'bill', 'has_nickname', true),
  ('willis', 'willy', 'has_nickname', true),
  ('wilma', 'billiewilhelm', 'has_nickname', true),
  ('wilma', 'william', 'has_nickname', true),
  ('wilson', 'will', 'has_nickname', true),
  ('wilson', 'willie', 'has_nickname', true),
  ('wilson', 'willy', 'has_nickname', true),
  ('winfield', 'field', 'has_nickname', true),
  ('winfield', 'win', 'has_nickname', true),
  ('winfield', 'winny', 'has_nickname', true),
  ('winifred', 'freddie', 'has_nickname', true),
  ('winifred', 'winnet', 'has_nickname', true),
  ('winifred', 'winnie', 'has_nickname', true),
  ('winnie', 'winnifred', 'has_nickname', true),
  ('winnifred', 'fred', 'has_nickname', true),
  ('winnifred', 'freddie', 'has_nickname', true),
  ('winnifred', 'freddy', 'has_nickname', true),
  ('winnifred', 'winnie', 'has_nickname', true),
  ('winnifred', 'winny', 'has_nickname', true),
  ('winny', 'winnifred', 'has_nickname', true),
  ('winton', 'wint', 'has_nickname', true),
  ('woodrow', 'drew', 'has_nickname', true),
  ('woodrow', 'wood', 'has_nickname', true),
  ('woodrow', 'woody', 'has_nickname', true),
  ('yeona', 'ona', 'has_nickname', true),
  ('yeona', 'onie', 'has_nickname', true),
  ('yoshihiko', 'yoshi', 'has_nickname', true),
  ('yulan', 'lan', 'has_nickname', true),
  ('yulan', 'yul', 'has_nickname', true),
  ('yvonne', 'vonna', 'has_nickname', true),
  ('zach', 'zack', 'has_nickname', true),
  ('zach', 'zak', 'has_nickname', true),
  ('zachariah', 'zac', 'has_nickname', true),
  ('zachariah', 'zach', 'has_nickname', true),
  ('zachariah', 'zachy', 'has_nickname', true),
  ('zachariah', 'zack', 'has_nickname', true),
  ('zachariah', 'zak', 'has_nickname', true),
  ('zachariah', 'zakk', 'has_nickname', true),
  ('zachariah', 'zeke', 'has_nickname', true),
  ('zachary', 'zac', 'has_nickname', true),
  ('zachary', 'zach', 'has_nickname', true),
  ('zachary', 'zachy', 'has_nickname', true),
  ('zachary', 'zack', 'has_nickname', true),
  ('zachary', 'zak', 'has_nickname', true),
  ('zachary', 'zakk', 'has_nickname', true),
  ('zachary', 'zeke', 'has_nickname', true),
  ('zachery', 'zac', 'has_nickname', true),
  ('zachery', 'zach', 'has_nickname', true),
  ('zachery', 'zachy', 'has_nickname', true),
  ('zachery', 'zack', 'has_nickname', true),
  ('zachery', 'zak', 'has_nickname', true),
  ('zachery', 'zakk', 'has_nickname', true),
  ('zachery', 'zeke', 'has_nickname', true),
  ('zack', 'zach', 'has_nickname', true),
  ('zack', 'zak', 'has_nickname', true),
  ('zebedee', 'zeb', 'has_nickname', true),
  ('zedediah', 'diah', 'has_nickname', true),
  ('zedediah', 'dyer', 'has_nickname', true),
  ('zedediah', 'zed', 'has_nickname', true),
  ('zephaniah', 'zeph', 'has_nickname', true)
ON CONFLICT (name, variant) DO NOTHING;

INSERT INTO referral_crm.name_frequencies (kind, name, census_count, builtin) VALUES
  ('family', 'aaron', 88, true),
  ('family', 'abbott', 275, true),
  ('family', 'abel', 77, true),
  ('family', 'abell', 33, true),
  ('family', 'abernathy', 77, true),
  ('family', 'abner', 33, true),
  ('family', 'abney', 55, true),
  ('family', 'abraham', 88, true),
  ('family', 'abrams', 99, true),
  ('family', 'abreu', 44, true),
  ('family', 'acevedo', 143, true),
  ('family', 'acker', 55, true),
  ('family', 'ackerman', 99, true),
  ('family', 'ackley', 33, true),
  ('family', 'acosta', 242, true),
  ('family', 'acuna', 44, true),
  ('family', 'adair', 77, true),
  ('family', 'adam', 55, true),
  ('family', 'adame', 44, true),
  ('family', 'adams', 1914, true),
  ('family', 'adamson', 55, true),
  ('family', 'adcock', 55, true),
  ('family', 'addison', 77, true),
  ('family', 'adkins', 319, true),
  ('family', 'adler', 55, true),
  ('family', 'agee', 55, true),
  ('family', 'agnew', 33, true),
  ('family', 'aguayo', 33, true),
  ('family', 'aguiar', 33, true),
  ('family', 'aguilar', 330, true),
  ('family', 'aguilera', 66, true),
  ('family', 'aguirre', 154, true),
  ('family', 'ahern', 33, true),
  ('family', 'ahmad', 33, true),
  ('family', 'ahmed', 44, true),
  ('family', 'ahrens', 33, true),
  ('family', 'aiello', 33, true),
  ('family', 'aiken', 55, true),
  ('family', 'ainsworth', 44, true),
  ('family', 'akers', 121, true),
  ('family', 'akin', 33, true),
  ('family', 'akins', 88, true),
  ('family', 'alaniz', 55, true),
  ('family', 'alarcon', 33, true),
  ('family', 'alba', 33, true),
  ('family', 'albers', 44, true),
  ('family', 'albert', 143, true),
  ('family', 'albertson', 44, true),
  ('family', 'albrecht', 66, true),
  ('family', 'albright', 99, true),
  ('family', 'albritton', 22, true),
  ('family', 'alcala', 33, true),
  ('family', 'alcorn', 33, true),
  ('family', 'alderman', 44, true),
  ('family', 'aldrich', 77, true),
  ('family', 'aldridge', 99, true),
  ('family', 'aleman', 44, true),
  ('family', 'alexander', 935, true),
  ('family', 'alfaro', 77, true),
  ('family', 'alfonso', 33, true),
  ('family', 'alford', 143, true),
  ('family', 'alfred', 33, true),
  ('family', 'alger', 33, true),
  ('family', 'ali', 77, true),
  ('family', 'alicea', 44, true),
  ('family', 'allan', 33, true),
  ('family', 'allard', 55, true),
  ('family', 'allen', 2189, true),
  ('family', 'alley', 66, true),
  ('family', 'allison', 253, true),
  ('family', 'allman', 33, true),
  ('family', 'allred', 77, true),
  ('family', 'almanza', 33, true),
  ('family', 'almeida', 44, true),
  ('family', 'almond', 33, true),
  ('family', 'alonso', 55, true),
  ('family', 'alonzo', 66, true),
  ('family', 'alston', 154, true),
  ('family', 'altman', 66, true),
  ('family', 'alvarado', 297, true),
  ('family', 'alvarez', 528, true),
  ('family', 'alves', 33, true),
  ('family', 'amador', 44, true),
  ('family', 'amaral', 33, true),
  ('family', 'amato', 44, true),
  ('family', 'amaya', 55, true),
  ('family', 'ambrose', 66, true),
  ('family', 'ames', 110, true),
  ('family', 'ammons', 44, true),
  ('family', 'amos', 110, true),
  ('family', 'amundson', 33, true),
  ('family', 'anaya', 77, true),
  ('family', 'anders', 55, true),
  ('family', 'andersen', 132, true),
  ('family', 'anderson', 3421, true),
  ('family', 'andrade', 121, true),
  ('family', 'andre', 33, true),
  ('family', 'andres', 33, true),
  ('family', 'andrew', 55, true),
  ('family', 'andrews', 594, true),
  ('family', 'andrus', 33, true),
  ('family', 'angel', 55, true),
  ('family', 'angelo', 33, true),
  ('family', 'anglin', 44, true),
  ('family', 'angulo', 33, true),
  ('family', 'anthony', 242, true),
  ('family', 'antoine', 33, true),
  ('family', 'antonio', 33, true),
  ('family', 'apodaca', 44, true),
  ('family', 'aponte', 66, true),
  ('family', 'appel', 33, true),
  ('family', 'apple', 33, true),
  ('family', 'applegate', 44, true),
  ('family', 'appleton', 33, true),
  ('family', 'aquino', 55, true),
  ('family', 'aragon', 66, true),
  ('family', 'aranda', 44, true),
  ('family', 'araujo', 33, true),
  ('family', 'arce', 55, true),
  ('family', 'archer', 132, true),
  ('family', 'archibald', 44, true),
  ('family', 'archie', 33, true),
  ('family', 'archuleta', 44, true),
  ('family', 'arellano', 88, true),
  ('family', 'arevalo', 44, true),
  ('family', 'arias', 110, true),
  ('family', 'armenta', 33, true),
  ('family', 'armijo', 33, true),
  ('family', 'armstead', 44, true),
  ('family', 'armstrong', 583, true),
  ('family', 'arndt', 44, true),
  ('family', 'arnett', 55, true),
  ('family', 'arnold', 616, true),
  ('family', 'arredondo', 77, true),
  ('family', 'arreola', 33, true),
  ('family', 'arriaga', 33, true),
  ('family', 'arrington', 121, true),
  ('family', 'arriola', 22, true),
  ('family', 'arroyo', 132, true),
  ('family', 'arsenault', 44, true),
  ('family', 'arteaga', 44, true),
  ('family', 'arthur', 110, true),
  ('family', 'artis', 55, true),
  ('family', 'asbury', 33, true),
  ('family', 'ash', 99, true),
  ('family', 'ashby', 77, true),
  ('family', 'ashcraft', 55, true),
  ('family', 'ashe', 33, true),
  ('family', 'asher', 55, true),
  ('family', 'ashford', 44, true),
  ('family', 'ashley', 176, true),
  ('family', 'ashmore', 33, true),
  ('family', 'ashton', 55, true),
  ('family', 'ashworth', 44, true),
  ('family', 'askew', 77, true),
  ('family', 'atchison', 33, true),
  ('family', 'atherton', 33, true),
  ('family', 'atkins', 253, true),
  ('family', 'atkinson', 209, true),
  ('family', 'atwell', 44, true),
  ('family', 'atwood', 77, true),
  ('family', 'august', 33, true),
  ('family', 'augustine', 55, true),
  ('family', 'ault', 33, true),
  ('family', 'austin', 572, true),
  ('family', 'autry', 33, true),
  ('family', 'avalos', 66, true),
  ('family', 'avery', 165, true),
  ('family', 'avila', 209, true),
  ('family', 'aviles', 66, true),
  ('family', 'ayala', 253, true),
  ('family', 'ayers', 187, true),
  ('family', 'ayres', 44, true),
  ('family', 'babb', 77, true),
  ('family', 'babcock', 77, true),
  ('family', 'baber', 22, true),
  ('family', 'babin', 44, true),
  ('family', 'baca', 99, true),
  ('family', 'bach', 33, true),
  ('family', 'bachman', 44, true),
  ('family', 'back', 33, true),
  ('family', 'bacon', 132, true),
  ('family', 'bader', 33, true),
  ('family', 'badger', 44, true),
  ('family', 'badillo', 33, true),
  ('family', 'baer', 55, true),
  ('family', 'baez', 88, true),
  ('family', 'baggett', 66, true),
  ('family', 'bagley', 66, true),
  ('family', 'bagwell', 44, true),
  ('family', 'bailey', 1265, true),
  ('family', 'bain', 77, true),
  ('family', 'baines', 33, true),
  ('family', 'bair', 44, true),
  ('family', 'baird', 143, true),
  ('family', 'baker', 1881, true),
  ('family', 'balderas', 33, true),
  ('family', 'baldridge', 22, true),
  ('family', 'baldwin', 352, true),
  ('family', 'bales', 55, true),
  ('family', 'ball', 374, true),
  ('family', 'ballard', 286, true),
  ('family', 'ballinger', 22, true),
  ('family', 'ballou', 22, true),
  ('family', 'banda', 44, true),
  ('family', 'bandy', 44, true),
  ('family', 'banks', 528, true),
  ('family', 'bankston', 33, true),
  ('family', 'banner', 22, true),
  ('family', 'bannister', 44, true),
  ('family', 'banuelos', 33, true),
  ('family', 'baptiste', 44, true),
  ('family', 'barajas', 88, true),
  ('family', 'barba', 33, true),
  ('family', 'barbee', 55, true),
  ('family', 'barber', 352, true),
  ('family', 'barbosa', 44, true),
  ('family', 'barbour', 66, true),
  ('family', 'barclay', 55, true),
  ('family', 'bard', 22, true),
  ('family', 'barden', 33, true),
  ('family', 'barela', 33, true),
  ('family', 'barfield', 55, true),
  ('family', 'barger', 66, true),
  ('family', 'barham', 33, true),
  ('family', 'barker', 385, true),
  ('family', 'barkley', 55, true),
  ('family', 'barksdale', 55, true),
  ('family', 'barlow', 132, true),
  ('family', 'barnard', 99, true),
  ('family', 'barnes', 1067, true),
  ('family', 'barnett', 429, true),
  ('family', 'barnette', 44, true),
  ('family', 'barney', 66, true),
  ('family', 'barnhart', 77, true),
  ('family', 'barnhill', 44, true),
  ('family', 'baron', 66, true),
  ('family', 'barone', 33, true),
  ('family', 'barr', 187, true),
  ('family', 'barraza', 44, true),
  ('family', 'barrera', 143, true),
  ('family', 'barreto', 33, true),
  ('family', 'barrett', 429, true),
  ('family', 'barrientos', 33, true),
  ('family', 'barringer', 22, true),
  ('family', 'barrios', 66, true),
  ('family', 'barron', 187, true),
  ('family', 'barrow', 77, true),
  ('family', 'barrows', 44, true),
  ('family', 'barry', 165, true),
  ('family', 'bartels', 33, true),
  ('family', 'barth', 66, true),
  ('family', 'bartholomew', 55, true),
  ('family', 'bartlett', 187, true),
  ('family', 'bartley', 77, true),
  ('family', 'barton', 264, true),
  ('family', 'basham', 44, true),
  ('family', 'baskin', 33, true),
  ('family', 'bass', 275, true),
  ('family', 'bassett', 88, true),
  ('family', 'batchelor', 44, true),
  ('family', 'bateman', 77, true),
  ('family', 'bates', 407, true),
  ('family', 'batista', 44, true),
  ('family', 'batiste', 33, true),
  ('family', 'batson', 33, true),
  ('family', 'battaglia', 33, true),
  ('family', 'batten', 33, true),
  ('family', 'battle', 165, true),
  ('family', 'battles', 33, true),
  ('family', 'batts', 55, true),
  ('family', 'bauer', 187, true),
  ('family', 'baugh', 55, true),
  ('family', 'baughman', 55, true),
  ('family', 'baum', 66, true),
  ('family', 'bauman', 55, true),
  ('family', 'baumann', 33, true),
  ('family', 'baumgardner', 33, true),
  ('family', 'baumgartner', 33, true),
  ('family', 'bautista', 88, true),
  ('family', 'baxley', 33, true),
  ('family', 'baxter', 231, true),
  ('family', 'bayer', 33, true),
  ('family', 'baylor', 33, true),
  ('family', 'bayne', 33, true),
  ('family', 'bays', 33, true),
  ('family', 'beach', 143, true),
  ('family', 'beal', 88, true),
  ('family', 'beale', 33, true),
  ('family', 'beall', 44, true),
  ('family', 'beals', 33, true),
  ('family', 'beam', 66, true),
  ('family', 'beaman', 22, true),
  ('family', 'beamon', 33, true),
  ('family', 'bean', 187, true),
  ('family', 'beane', 33, true),
  ('family', 'bear', 33, true),
  ('family', 'beard', 209, true),
  ('family', 'bearden', 66, true),
  ('family', 'beardsley', 22, true),
  ('family', 'beasley', 220, true),
  ('family', 'beattie', 44, true),
  ('family', 'beatty', 121, true),
  ('family', 'beaty', 55, true),
  ('family', 'beauchamp', 44, true),
  ('family', 'beaudoin', 44, true),
  ('family', 'beaudry', 22, true),
  ('family', 'beaulieu', 55, true),
  ('family', 'beauregard', 33, true),
  ('family', 'beaver', 77, true),
  ('family', 'beavers', 66, true),
  ('family', 'becerra', 66, true),
  ('family', 'bechtel', 22, true),
  ('family', 'beck', 407, true),
  ('family', 'becker', 319, true),
  ('family', 'beckett', 44, true),
  ('family', 'beckham', 44, true),
  ('family', 'beckman', 66, true),
  ('family', 'beckwith', 44, true),
  ('family', 'becnel', 33, true),
  ('family', 'bedard', 33, true),
  ('family', 'bedford', 33, true),
  ('family', 'beebe', 66, true),
  ('family', 'beeler', 33, true),
  ('family', 'beers', 44, true),
  ('family', 'beeson', 33, true),
  ('family', 'begay', 77, true),
  ('family', 'begley', 44, true),
  ('family', 'behrens', 44, true),
  ('family', 'belanger', 77, true),
  ('family', 'belcher', 121, true),
  ('family', 'bell', 1287, true),
  ('family', 'bellamy', 77, true),
  ('family', 'bello', 44, true),
  ('family', 'belt', 44, true),
  ('family', 'belton', 33, true),
  ('family', 'beltran', 110, true),
  ('family', 'benavides', 77, true),
  ('family', 'benavidez', 44, true),
  ('family', 'bender', 154, true),
  ('family', 'benedict', 66, true),
  ('family', 'benefield', 33, true),
  ('family', 'benge', 22, true),
  ('family', 'benitez', 88, true),
  ('family', 'benjamin', 154, true),
  ('family', 'benner', 55, true),
  ('family', 'bennett', 1089, true),
  ('family', 'benoit', 77, true),
  ('family', 'benson', 363, true),
  ('family', 'bentley', 165, true),
  ('family', 'benton', 176, true),
  ('family', 'berg', 176, true),
  ('family', 'berger', 154, true),
  ('family', 'bergeron', 110, true),
  ('family', 'bergman', 77, true),
  ('family', 'bergstrom', 33, true),
  ('family', 'berlin', 33, true),
  ('family', 'berman', 55, true),
  ('family', 'bermudez', 77, true),
  ('family', 'bernal', 99, true),
  ('family', 'bernard', 165, true),
  ('family', 'bernhardt', 33, true),
  ('family', 'bernier', 66, true),
  ('family', 'bernstein', 66, true),
  ('family', 'berrios', 44, true),
  ('family', 'berry', 616, true),
  ('family', 'berryman', 33, true),
  ('family', 'bertram', 33, true),
  ('family', 'bertrand', 44, true),
  ('family', 'berube', 44, true),
  ('family', 'bess', 55, true),
  ('family', 'best', 176, true),
  ('family', 'betancourt', 55, true),
  ('family', 'bethea', 44, true),
  ('family', 'bethel', 33, true),
  ('family', 'bettencourt', 22, true),
  ('family', 'bettis', 22, true),
  ('family', 'betts', 99, true),
  ('family', 'betz', 33, true),
  ('family', 'beverly', 66, true),
  ('family', 'bevins', 33, true),
  ('family', 'bey', 22, true),
  ('family', 'beyer', 66, true),
  ('family', 'bible', 33, true),
  ('family', 'bickford', 33, true),
  ('family', 'biddle', 44, true),
  ('family', 'bigelow', 44, true),
  ('family', 'biggs', 88, true),
  ('family', 'billings', 99, true),
  ('family', 'billingsley', 55, true),
  ('family', 'billiot', 33, true),
  ('family', 'bills', 44, true),
  ('family', 'billups', 44, true),
  ('family', 'bilodeau', 33, true),
  ('family', 'binder', 44, true),
  ('family', 'bingham', 110, true),
  ('family', 'binkley', 33, true),
  ('family', 'birch', 44, true),
  ('family', 'bird', 132, true),
  ('family', 'bishop', 528, true),
  ('family', 'bisson', 33, true),
  ('family', 'bittner', 33, true),
  ('family', 'bivens', 44, true),
  ('family', 'bivins', 33, true),
  ('family', 'black', 693, true),
  ('family', 'blackburn', 176, true),
  ('family', 'blackman', 77, true),
  ('family', 'blackmon', 88, true),
  ('family', 'blackwell', 209, true),
  ('family', 'blackwood', 33, true),
  ('family', 'blaine', 33, true),
  ('family', 'blair', 330, true),
  ('family', 'blais', 33, true),
  ('family', 'blake', 308, true),
  ('family', 'blakely', 55, true),
  ('family', 'blalock', 66, true),
  ('family', 'blanchard', 176, true),
  ('family', 'blanchette', 33, true),
  ('family', 'blanco', 88, true),
  ('family', 'bland', 132, true),
  ('family', 'blank', 66, true),
  ('family', 'blankenship', 209, true),
  ('family', 'blanks', 22, true),
  ('family', 'blanton', 121, true),
  ('family', 'blaylock', 33, true),
  ('family', 'bledsoe', 77, true),
  ('family', 'blevins', 176, true),
  ('family', 'bliss', 77, true),
  ('family', 'block', 77, true),
  ('family', 'blocker', 44, true),
  ('family', 'blodgett', 44, true),
  ('family', 'bloom', 99, true),
  ('family', 'blount', 88, true),
  ('family', 'blue', 121, true),
  ('family', 'blum', 66, true),
  ('family', 'blunt', 44, true),
  ('family', 'blythe', 33, true),
  ('family', 'boatman', 22, true),
  ('family', 'boatright', 33, true),
  ('family', 'boatwright', 33, true),
  ('family', 'bobbitt', 33, true),
  ('family', 'bobo', 44, true),
  ('family', 'bock', 44, true),
  ('family', 'boehm', 33, true),
  ('family', 'boettcher', 33, true),
  ('family', 'bogan', 33, true),
  ('family', 'boggs', 132, true),
  ('family', 'bohannon', 44, true),
  ('family', 'bohn', 33, true),
  ('family', 'boisvert', 33, true),
  ('family', 'boland', 33, true),
  ('family', 'bolden', 121, true),
  ('family', 'bolduc', 44, true),
  ('family', 'bolen', 33, true),
  ('family', 'boles', 66, true),
  ('family', 'bolin', 55, true),
  ('family', 'boling', 44, true),
  ('family', 'bolling', 33, true),
  ('family', 'bollinger', 55, true),
  ('family', 'bolt', 33, true),
  ('family', 'bolton', 143, true),
  ('family', 'bond', 231, true),
  ('family', 'bonds', 77, true),
  ('family', 'bone', 55, true),
  ('family', 'bonilla', 110, true),
  ('family', 'bonner', 154, true),
  ('family', 'book', 22, true),
  ('family', 'booker', 209, true),
  ('family', 'boone', 264, true),
  ('family', 'booth', 220, true),
  ('family', 'boothe', 33, true),
  ('family', 'bordelon', 33, true),
  ('family', 'borden', 66, true),
  ('family', 'borders', 44, true),
  ('family', 'boren', 44, true),
  ('family', 'borges', 44, true),
  ('family', 'borrego', 33, true),
  ('family', 'bosley', 22, true),
  ('family', 'boss', 33, true),
  ('family', 'bostic', 55, true),
  ('family', 'bostick', 33, true),
  ('family', 'boston', 66, true),
  ('family', 'boswell', 99, true),
  ('family', 'bottoms', 33, true),
  ('family', 'bouchard', 77, true),
  ('family', 'boucher', 132, true),
  ('family', 'boudreau', 55, true),
  ('family', 'boudreaux', 66, true),
  ('family', 'bounds', 33, true),
  ('family', 'bourgeois', 66, true),
  ('family', 'bourne', 44, true),
  ('family', 'bourque', 55, true),
  ('family', 'bowden', 110, true),
  ('family', 'bowen', 363, true),
  ('family', 'bowens', 55, true),
  ('family', 'bower', 99, true),
  ('family', 'bowers', 264, true),
  ('family', 'bowie', 55, true),
  ('family', 'bowler', 22, true),
  ('family', 'bowles', 99, true),
  ('family', 'bowlin', 33, true),
  ('family', 'bowling', 110, true),
  ('family', 'bowman', 473, true),
  ('family', 'bowser', 66, true),
  ('family', 'box', 44, true),
  ('family', 'boyce', 132, true),
  ('family', 'boyd', 748, true),
  ('family', 'boyer', 198, true),
  ('family', 'boyette', 22, true),
  ('family', 'boykin', 77, true),
  ('family', 'boyle', 132, true),
  ('family', 'boyles', 66, true),
  ('family', 'boynton', 33, true),
  ('family', 'bozeman', 33, true),
  ('family', 'bracken', 33, true),
  ('family', 'brackett', 44, true),
  ('family', 'bradbury', 33, true),
  ('family', 'braden', 66, true),
  ('family', 'bradford', 242, true),
  ('family', 'bradley', 594, true),
  ('family', 'bradshaw', 187, true),
  ('family', 'brady', 275, true),
  ('family', 'bragg', 88, true),
  ('family', 'branch', 176, true),
  ('family', 'brand', 66, true),
  ('family', 'brandenburg', 33, true),
  ('family', 'brandon', 121, true),
  ('family', 'brandt', 121, true),
  ('family', 'branham', 55, true),
  ('family', 'brannon', 66, true),
  ('family', 'branson', 44, true),
  ('family', 'brant', 33, true),
  ('family', 'brantley', 99, true),
  ('family', 'braswell', 66, true),
  ('family', 'bratcher', 33, true),
  ('family', 'bratton', 33, true),
  ('family', 'braun', 121, true),
  ('family', 'bravo', 77, true),
  ('family', 'braxton', 66, true),
  ('family', 'bray', 165, true),
  ('family', 'brazil', 33, true),
  ('family', 'breaux', 55, true),
  ('family', 'breeden', 44, true),
  ('family', 'breedlove', 33, true),
  ('family', 'breen', 44, true),
  ('family', 'breland', 22, true),
  ('family', 'brennan', 176, true),
  ('family', 'brenner', 55, true),
  ('family', 'brent', 33, true),
  ('family', 'brewer', 462, true),
  ('family', 'brewster', 99, true),
  ('family', 'brice', 44, true),
  ('family', 'bridges', 253, true),
  ('family', 'briggs', 286, true),
  ('family', 'brigham', 22, true),
  ('family', 'bright', 143, true),
  ('family', 'briley', 33, true),
  ('family', 'brill', 33, true),
  ('family', 'brim', 33, true),
  ('family', 'brink', 44, true),
  ('family', 'brinkley', 55, true),
  ('family', 'brinkman', 33, true),
  ('family', 'brinson', 55, true),
  ('family', 'briones', 33, true),
  ('family', 'briscoe', 55, true),
  ('family', 'briseno', 33, true),
  ('family', 'brito', 44, true),
  ('family', 'britt', 154, true),
  ('family', 'brittain', 33, true),
  ('family', 'britton', 110, true),
  ('family', 'broadnax', 33, true),
  ('family', 'broadway', 33, true),
  ('family', 'brock', 275, true),
  ('family', 'brockman', 33, true),
  ('family', 'broderick', 44, true),
  ('family', 'brody', 33, true),
  ('family', 'brogan', 33, true),
  ('family', 'bromley', 22, true),
  ('family', 'bronson', 55, true),
  ('family', 'brookins', 33, true),
  ('family', 'brooks', 1133, true),
  ('family', 'brookshire', 22, true),
  ('family', 'broome', 44, true),
  ('family', 'brothers', 55, true),
  ('family', 'broughton', 44, true),
  ('family', 'broussard', 110, true),
  ('family', 'browder', 33, true),
  ('family', 'brower', 66, true),
  ('family', 'brown', 6831, true),
  ('family', 'browne', 88, true),
  ('family', 'brownell', 33, true),
  ('family', 'browning', 187, true),
  ('family', 'brownlee', 55, true),
  ('family', 'broyles', 44, true),
  ('family', 'brubaker', 44, true),
  ('family', 'bruce', 242, true),
  ('family', 'brumfield', 44, true),
  ('family', 'bruner', 77, true),
  ('family', 'brunner', 55, true),
  ('family', 'bruno', 99, true),
  ('family', 'bruns', 44, true),
  ('family', 'brunson', 88, true),
  ('family', 'bruton', 33, true),
  ('family', 'bryan', 264, true),
  ('family', 'bryant', 957, true),
  ('family', 'bryson', 88, true),
  ('family', 'buchanan', 286, true),
  ('family', 'bucher', 33, true),
  ('family', 'buck', 176, true),
  ('family', 'buckingham', 33, true),
  ('family', 'buckley', 176, true),
  ('family', 'buckner', 132, true),
  ('family', 'bueno', 44, true),
  ('family', 'buffington', 44, true),
  ('family', 'buford', 55, true),
  ('family', 'bui', 33, true),
  ('family', 'buie', 22, true),
  ('family', 'bull', 55, true),
  ('family', 'bullard', 99, true),
  ('family', 'bullock', 220, true),
  ('family', 'bumgarner', 33, true),
  ('family', 'bunch', 121, true),
  ('family', 'bundy', 55, true),
  ('family', 'bunker', 33, true),
  ('family', 'bunn', 55, true),
  ('family', 'bunnell', 33, true),
  ('family', 'bunting', 33, true),
  ('family', 'burbank', 22, true),
  ('family', 'burch', 154, true),
  ('family', 'burchett', 44, true),
  ('family', 'burchfield', 44, true),
  ('family', 'burden', 55, true),
  ('family', 'burdette', 44, true),
  ('family', 'burdick', 55, true),
  ('family', 'burge', 44, true),
  ('family', 'burger', 88, true),
  ('family', 'burgess', 341, true),
  ('family', 'burgos', 88, true),
  ('family', 'burk', 55, true),
  ('family', 'burke', 484, true),
  ('family', 'burkett', 88, true),
  ('family', 'burkhart', 66, true),
  ('family', 'burkholder', 33, true),
  ('family', 'burks', 143, true),
  ('family', 'burleson', 44, true),
  ('family', 'burley', 33, true),
  ('family', 'burnett', 253, true),
  ('family', 'burnette', 77, true),
  ('family', 'burney', 44, true),
  ('family', 'burnham', 66, true),
  ('family', 'burns', 715, true),
  ('family', 'burnside', 44, true),
  ('family', 'burr', 77, true),
  ('family', 'burrell', 99, true),
  ('family', 'burris', 143, true),
  ('family', 'burroughs', 77, true),
  ('family', 'burrow', 33, true),
  ('family', 'burrows', 66, true),
  ('family', 'burt', 132, true),
  ('family', 'burton', 506, true),
  ('family', 'busby', 77, true),
  ('family', 'busch', 66, true),
  ('family', 'bush', 396, true),
  ('family', 'buss', 33, true),
  ('family', 'bussey', 33, true),
  ('family', 'bustamante', 55, true),
  ('family', 'bustos', 33, true),
  ('family', 'butcher', 88, true),
  ('family', 'butler', 1001, true),
  ('family', 'butterfield', 55, true),
  ('family', 'button', 33, true),
  ('family', 'butts', 121, true),
  ('family', 'buxton', 33, true),
  ('family', 'byars', 33, true),
  ('family', 'byers', 143, true),
  ('family', 'bynum', 77, true),
  ('family', 'byrd', 451, true),
  ('family', 'byrne', 110, true),
  ('family', 'byrnes', 44, true),
  ('family', 'caballero', 66, true),
  ('family', 'caban', 33, true),
  ('family', 'cable', 44, true),
  ('family', 'cabral', 55, true),
  ('family', 'cabrera', 165, true),
  ('family', 'cade', 44, true),
  ('family', 'cady', 44, true),
  ('family', 'cage', 22, true),
  ('family', 'cagle', 66, true),
  ('family', 'cahill', 77, true),
  ('family', 'cain', 264, true),
  ('family', 'calabrese', 33, true),
  ('family', 'calderon', 154, true),
  ('family', 'caldwell', 429, true),
  ('family', 'calhoun', 220, true),
  ('family', 'calkins', 44, true),
  ('family', 'call', 66, true),
  ('family', 'callaghan', 33, true),
  ('family', 'callahan', 209, true),
  ('family', 'callaway', 55, true),
  ('family', 'callender', 33, true),
  ('family', 'calloway', 88, true),
  ('family', 'calvert', 77, true),
  ('family', 'calvin', 44, true),
  ('family', 'camacho', 187, true),
  ('family', 'camara', 22, true),
  ('family', 'camarillo', 33, true),
  ('family', 'cambell', 33, true),
  ('family', 'cameron', 231, true),
  ('family', 'camp', 121, true),
  ('family', 'campbell', 1639, true),
  ('family', 'campos', 209, true),
  ('family', 'canada', 44, true),
  ('family', 'canady', 33, true),
  ('family', 'canales', 66, true),
  ('family', 'candelaria', 33, true),
  ('family', 'canfield', 44, true),
  ('family', 'cannon', 330, true),
  ('family', 'cano', 99, true),
  ('family', 'cantrell', 154, true),
  ('family', 'cantu', 165, true),
  ('family', 'cantwell', 33, true),
  ('family', 'canty', 44, true),
  ('family', 'capps', 88, true),
  ('family', 'caraballo', 44, true),
  ('family', 'caraway', 33, true),
  ('family', 'carbajal', 33, true),
  ('family', 'carbone', 55, true),
  ('family', 'card', 44, true),
  ('family', 'carden', 33, true),
  ('family', 'cardenas', 165, true),
  ('family', 'carder', 33, true),
  ('family', 'cardona', 66, true),
  ('family', 'cardoza', 33, true),
  ('family', 'cardwell', 66, true),
  ('family', 'carey', 209, true),
  ('family', 'carl', 44, true),
  ('family', 'carlin', 44, true),
  ('family', 'carlisle', 99, true),
  ('family', 'carlos', 33, true),
  ('family', 'carlson', 462, true),
  ('family', 'carlton', 110, true),
  ('family', 'carmack', 22, true),
  ('family', 'carman', 33, true),
  ('family', 'carmichael', 99, true),
  ('family', 'carmona', 66, true),
  ('family', 'carnahan', 44, true),
  ('family', 'carnes', 66, true),
  ('family', 'carney', 143, true),
  ('family', 'caro', 33, true),
  ('family', 'caron', 77, true),
  ('family', 'carpenter', 583, true),
  ('family', 'carper', 22, true),
  ('family', 'carr', 561, true),
  ('family', 'carranza', 55, true),
  ('family', 'carrasco', 66, true),
  ('family', 'carrera', 33, true),
  ('family', 'carrico', 33, true),
  ('family', 'carrier', 66, true),
  ('family', 'carrillo', 187, true),
  ('family', 'carrington', 66, true),
  ('family', 'carrion', 33, true),
  ('family', 'carroll', 605, true),
  ('family', 'carson', 264, true),
  ('family', 'carswell', 33, true),
  ('family', 'carter', 1782, true),
  ('family', 'cartwright', 110, true),
  ('family', 'caruso', 55, true),
  ('family', 'carvalho', 33, true),
  ('family', 'carver', 165, true),
  ('family', 'cary', 55, true),
  ('family', 'casanova', 22, true),
  ('family', 'casas', 33, true),
  ('family', 'case', 165, true),
  ('family', 'casey', 264, true),
  ('family', 'cash', 143, true),
  ('family', 'casillas', 55, true),
  ('family', 'caskey', 33, true),
  ('family', 'cason', 55, true),
  ('family', 'casper', 44, true),
  ('family', 'cass', 33, true),
  ('family', 'cassell', 33, true),
  ('family', 'cassidy', 88, true),
  ('family', 'castaneda', 143, true),
  ('family', 'casteel', 44, true),
  ('family', 'castellano', 33, true),
  ('family', 'castellanos', 55, true),
  ('family', 'castillo', 561, true),
  ('family', 'castle', 99, true),
  ('family', 'castleberry', 33, true),
  ('family', 'castro', 429, true),
  ('family', 'caswell', 44, true),
  ('family', 'catalano', 33, true),
  ('family', 'cate', 22, true),
  ('family', 'cates', 99, true),
  ('family', 'cathey', 44, true),
  ('family', 'catlett', 22, true),
  ('family', 'cato', 44, true),
  ('family', 'catron', 33, true),
  ('family', 'caudill', 88, true),
  ('family', 'caudle', 33, true),
  ('family', 'causey', 55, true),
  ('family', 'cavanaugh', 55, true),
  ('family', 'cavazos', 66, true),
  ('family', 'cave', 44, true),
  ('family', 'cazares', 22, true),
  ('family', 'cecil', 44, true),
  ('family', 'ceja', 22, true),
  ('family', 'centeno', 33, true),
  ('family', 'cerda', 44, true),
  ('family', 'cervantes', 165, true),
  ('family', 'chacon', 77, true),
  ('family', 'chadwick', 66, true),
  ('family', 'chaffin', 44, true),
  ('family', 'chalmers', 33, true),
  ('family', 'chamberlain', 121, true),
  ('family', 'chamberlin', 44, true),
  ('family', 'chambers', 407, true),
  ('family', 'chambliss', 33, true),
  ('family', 'champagne', 66, true),
  ('family', 'champion', 77, true),
  ('family', 'chan', 176, true),
  ('family', 'chance', 55, true),
  ('family', 'chandler', 374, true),
  ('family', 'chaney', 154, true),
  ('family', 'chang', 187, true),
  ('family', 'chapa', 55, true),
  ('family', 'chapin', 44, true),
  ('family', 'chapman', 550, true),
  ('family', 'chappell', 110, true),
  ('family', 'charles', 242, true),
  ('family', 'charlton', 44, true),
  ('family', 'chase', 253, true),
  ('family', 'chastain', 55, true),
  ('family', 'chatman', 77, true),
  ('family', 'chau', 33, true),
  ('family', 'chavarria', 44, true),
  ('family', 'chaves', 33, true),
  ('family', 'chavez', 572, true),
  ('family', 'chavis', 66, true),
  ('family', 'cheatham', 55, true),
  ('family', 'cheek', 66, true),
  ('family', 'chen', 176, true),
  ('family', 'cheney', 55, true),
  ('family', 'cheng', 55, true),
  ('family', 'cherry', 165, true),
  ('family', 'chesser', 33, true),
  ('family', 'chester', 66, true),
  ('family', 'chestnut', 55, true),
  ('family', 'cheung', 33, true),
  ('family', 'chew', 33, true),
  ('family', 'child', 33, true),
  ('family', 'childers', 121, true),
  ('family', 'childress', 121, true),
  ('family', 'childs', 132, true),
  ('family', 'chilton', 33, true),
  ('family', 'chin', 77, true),
  ('family', 'chinn', 22, true),
  ('family', 'chisholm', 44, true),
  ('family', 'chism', 33, true),
  ('family', 'chisolm', 44, true),
  ('family', 'chitwood', 33, true),
  ('family', 'chiu', 22, true),
  ('family', 'cho', 77, true),
  ('family', 'choate', 55, true),
  ('family', 'choi', 88, true),
  ('family', 'chong', 44, true),
  ('family', 'chow', 44, true),
  ('family', 'christ', 22, true),
  ('family', 'christensen', 286, true),
  ('family', 'christenson', 55, true),
  ('family', 'christian', 231, true),
  ('family', 'christiansen', 77, true),
  ('family', 'christianson', 44, true),
  ('family', 'christie', 77, true),
  ('family', 'christman', 33, true),
  ('family', 'christmas', 33, true),
  ('family', 'christopher', 110, true),
  ('family', 'christy', 55, true),
  ('family', 'chu', 66, true),
  ('family', 'chun', 44, true),
  ('family', 'chung', 99, true),
  ('family', 'church', 176, true),
  ('family', 'churchill', 55, true),
  ('family', 'cintron', 44, true),
  ('family', 'cisneros', 110, true),
  ('family', 'clancy', 44, true),
  ('family', 'clanton', 33, true),
  ('family', 'clapp', 33, true),
  ('family', 'clark', 2541, true),
  ('family', 'clarke', 264, true),
  ('family', 'clarkson', 44, true),
  ('family', 'clary', 55, true),
  ('family', 'clausen', 33, true),
  ('family', 'clawson', 33, true),
  ('family', 'clay', 253, true),
  ('family', 'clayton', 264, true),
  ('family', 'cleary', 55, true),
  ('family', 'clegg', 33, true),
  ('family', 'clem', 33, true),
  ('family', 'clemens', 44, true),
  ('family', 'clement', 110, true),
  ('family', 'clemente', 22, true),
  ('family', 'clements', 143, true),
  ('family', 'clemmons', 33, true),
  ('family', 'clemons', 143, true),
  ('family', 'cleveland', 143, true),
  ('family', 'clevenger', 55, true),
  ('family', 'click', 33, true),
  ('family', 'clifford', 88, true),
  ('family', 'clifton', 121, true),
  ('family', 'cline', 220, true),
  ('family', 'clinton', 77, true),
  ('family', 'close', 44, true),
  ('family', 'cloud', 55, true),
  ('family', 'clough', 44, true),
  ('family', 'clouse', 22, true),
  ('family', 'cloutier', 55, true),
  ('family', 'coates', 99, true),
  ('family', 'coats', 66, true),
  ('family', 'cobb', 308, true),
  ('family', 'cobbs', 44, true),
  ('family', 'coble', 44, true),
  ('family', 'coburn', 55, true),
  ('family', 'cochran', 253, true),
  ('family', 'cochrane', 33, true),
  ('family', 'cockrell', 44, true),
  ('family', 'cody', 88, true),
  ('family', 'coe', 55, true),
  ('family', 'coffey', 154, true),
  ('family', 'coffin', 44, true),
  ('family', 'coffman', 110, true),
  ('family', 'coggins', 33, true),
  ('family', 'cohen', 330, true),
  ('family', 'cohn', 33, true),
  ('family', 'coker', 99, true),
  ('family', 'colbert', 99, true),
  ('family', 'colburn', 44, true),
  ('family', 'colby', 55, true),
  ('family', 'cole', 880, true),
  ('family', 'coleman', 1045, true),
  ('family', 'coles', 66, true),
  ('family', 'coley', 77, true),
  ('family', 'collado', 33, true),
  ('family', 'collazo', 55, true),
  ('family', 'collett', 22, true),
  ('family', 'collette', 22, true),
  ('family', 'colley', 33, true),
  ('family', 'collier', 253, true),
  ('family', 'collins', 1474, true),
  ('family', 'colon', 297, true),
  ('family', 'colson', 44, true),
  ('family', 'colvin', 88, true),
  ('family', 'colwell', 33, true),
  ('family', 'combs', 231, true),
  ('family', 'comeaux', 33, true),
  ('family', 'comer', 66, true),
  ('family', 'compton', 143, true),
  ('family', 'comstock', 44, true),
  ('family', 'conaway', 33, true),
  ('family', 'concepcion', 33, true),
  ('family', 'condon', 44, true),
  ('family', 'cone', 44, true),
  ('family', 'conger', 33, true),
  ('family', 'conklin', 99, true),
  ('family', 'conley', 253, true),
  ('family', 'conn', 88, true),
  ('family', 'connell', 77, true),
  ('family', 'connelly', 77, true),
  ('family', 'conner', 319, true),
  ('family', 'conners', 33, true),
  ('family', 'connolly', 99, true),
  ('family', 'connor', 121, true),
  ('family', 'connors', 77, true),
  ('family', 'conover', 33, true),
  ('family', 'conrad', 143, true),
  ('family', 'conroy', 66, true),
  ('family', 'conte', 33, true),
  ('family', 'conti', 44, true),
  ('family', 'contreras', 231, true),
  ('family', 'conway', 198, true),
  ('family', 'conyers', 33, true),
  ('family', 'cook', 1320, true),
  ('family', 'cooke', 132, true),
  ('family', 'cooks', 44, true),
  ('family', 'cooksey', 33, true),
  ('family', 'cooley', 154, true),
  ('family', 'coombs', 33, true),
  ('family', 'coon', 77, true),
  ('family', 'cooney', 44, true),
  ('family', 'coons', 33, true),
  ('family', 'cooper', 1243, true),
  ('family', 'cope', 88, true),
  ('family', 'copeland', 275, true),
  ('family', 'copley', 33, true),
  ('family', 'coppola', 33, true),
  ('family', 'corbett', 121, true),
  ('family', 'corbin', 110, true),
  ('family', 'corbitt', 33, true),
  ('family', 'corcoran', 66, true),
  ('family', 'cordell', 44, true),
  ('family', 'cordero', 88, true),
  ('family', 'cordova', 121, true),
  ('family', 'corey', 66, true),
  ('family', 'corley', 88, true),
  ('family', 'cormier', 88, true),
  ('family', 'cornejo', 22, true),
  ('family', 'cornelius', 77, true),
  ('family', 'cornell', 88, true),
  ('family', 'cornett', 99, true),
  ('family', 'cornish', 55, true),
  ('family', 'cornwell', 55, true),
  ('family', 'corona', 77, true),
  ('family', 'coronado', 66, true),
  ('family', 'corral', 33, true),
  ('family', 'correa', 110, true),
  ('family', 'correia', 33, true),
  ('family', 'corrigan', 33, true),
  ('family', 'cortes', 88, true),
  ('family', 'cortez', 264, true),
  ('family', 'corwin', 33, true),
  ('family', 'cosby', 44, true),
  ('family', 'cosgrove', 33, true),
  ('family', 'costa', 121, true),
  ('family', 'costello', 110, true),
  ('family', 'cota', 44, true),
  ('family', 'cote', 143, true),
  ('family', 'cothran', 33, true),
  ('family', 'cotter', 44, true),
  ('family', 'cottle', 22, true),
  ('family', 'cotton', 154, true),
  ('family', 'cottrell', 66, true),
  ('family', 'couch', 110, true),
  ('family', 'coughlin', 55, true),
  ('family', 'coulter', 88, true),
  ('family', 'council', 44, true),
  ('family', 'counts', 44, true),
  ('family', 'courtney', 110, true),
  ('family', 'cousins', 44, true),
  ('family', 'couture', 66, true),
  ('family', 'covert', 33, true),
  ('family', 'covey', 33, true),
  ('family', 'covington', 121, true),
  ('family', 'cowan', 132, true),
  ('family', 'coward', 33, true),
  ('family', 'cowart', 44, true),
  ('family', 'cowell', 33, true),
  ('family', 'cowles', 33, true),
  ('family', 'cowley', 33, true),
  ('family', 'cox', 1210, true),
  ('family', 'coy', 55, true),
  ('family', 'coyle', 66, true),
  ('family', 'coyne', 33, true),
  ('family', 'crabtree', 121, true),
  ('family', 'craddock', 33, true),
  ('family', 'craft', 143, true),
  ('family', 'craig', 418, true),
  ('family', 'crain', 77, true),
  ('family', 'cramer', 121, true),
  ('family', 'crandall', 77, true),
  ('family', 'crane', 154, true),
  ('family', 'cranford', 33, true),
  ('family', 'craven', 66, true),
  ('family', 'crawford', 748, true),
  ('family', 'crawley', 55, true),
  ('family', 'crayton', 33, true),
  ('family', 'creamer', 33, true),
  ('family', 'creech', 66, true),
  ('family', 'creed', 22, true),
  ('family', 'creel', 33, true),
  ('family', 'creighton', 33, true),
  ('family', 'crenshaw', 77, true),
  ('family', 'crespo', 55, true),
  ('family', 'cress', 22, true),
  ('family', 'crews', 99, true),
  ('family', 'crider', 44, true),
  ('family', 'crisp', 66, true),
  ('family', 'crist', 44, true),
  ('family', 'criswell', 33, true),
  ('family', 'crittenden', 33, true),
  ('family', 'crocker', 99, true),
  ('family', 'crockett', 110, true),
  ('family', 'croft', 66, true),
  ('family', 'cromer', 44, true),
  ('family', 'cromwell', 44, true),
  ('family', 'cronin', 66, true),
  ('family', 'crook', 66, true),
  ('family', 'crooks', 44, true),
  ('family', 'crosby', 176, true),
  ('family', 'cross', 341, true),
  ('family', 'croteau', 44, true),
  ('family', 'crouch', 110, true),
  ('family', 'crouse', 55, true),
  ('family', 'crow', 110, true),
  ('family', 'crowder', 99, true),
  ('family', 'crowe', 132, true),
  ('family', 'crowell', 77, true),
  ('family', 'crowley', 121, true),
  ('family', 'crum', 121, true),
  ('family', 'crump', 88, true),
  ('family', 'crumpton', 22, true),
  ('family', 'cruse', 33, true),
  ('family', 'crutcher', 44, true),
  ('family', 'crutchfield', 44, true),
  ('family', 'cruz', 825, true),
  ('family', 'cuellar', 55, true),
  ('family', 'cuevas', 110, true),
  ('family', 'culbertson', 44, true),
  ('family', 'cullen', 77, true),
  ('family', 'culp', 55, true),
  ('family', 'culpepper', 55, true),
  ('family', 'culver', 77, true),
  ('family', 'cummings', 352, true),
  ('family', 'cummins', 99, true),
  ('family', 'cunningham', 594, true),
  ('family', 'cupp', 33, true),
  ('family', 'curley', 55, true),
  ('family', 'curran', 99, true),
  ('family', 'currie', 77, true),
  ('family', 'currier', 55, true),
  ('family', 'curry', 385, true),
  ('family', 'curtin', 33, true),
  ('family', 'curtis', 440, true),
  ('family', 'cushing', 22, true),
  ('family', 'cushman', 33, true),
  ('family', 'custer', 44, true),
  ('family', 'cutler', 66, true),
  ('family', 'cyr', 66, true),
  ('family', 'dabbs', 22, true),
  ('family', 'dabney', 33, true),
  ('family', 'dagostino', 22, true),
  ('family', 'dahl', 88, true),
  ('family', 'daigle', 66, true),
  ('family', 'dailey', 121, true),
  ('family', 'daily', 44, true),
  ('family', 'dale', 143, true),
  ('family', 'daley', 88, true),
  ('family', 'dallas', 44, true),
  ('family', 'dalton', 209, true),
  ('family', 'daly', 99, true),
  ('family', 'damico', 44, true),
  ('family', 'damon', 33, true),
  ('family', 'damron', 33, true),
  ('family', 'dancy', 33, true),
  ('family', 'danforth', 22, true),
  ('family', 'dang', 33, true),
  ('family', 'dangelo', 33, true),
  ('family', 'daniel', 363, true),
  ('family', 'daniels', 682, true),
  ('family', 'danielson', 44, true),
  ('family', 'danner', 44, true),
  ('family', 'darby', 77, true),
  ('family', 'darden', 77, true),
  ('family', 'darling', 77, true),
  ('family', 'darnell', 88, true),
  ('family', 'dasilva', 33, true),
  ('family', 'daugherty', 154, true),
  ('family', 'daughtry', 33, true),
  ('family', 'davenport', 253, true),
  ('family', 'david', 154, true),
  ('family', 'davidson', 451, true),
  ('family', 'davies', 121, true),
  ('family', 'davila', 110, true),
  ('family', 'davis', 5280, true),
  ('family', 'davison', 88, true),
  ('family', 'dawkins', 88, true),
  ('family', 'dawson', 385, true),
  ('family', 'day', 473, true),
  ('family', 'dayton', 33, true),
  ('family', 'deal', 99, true),
  ('family', 'dean', 495, true),
  ('family', 'deane', 22, true),
  ('family', 'deaton', 66, true),
  ('family', 'deberry', 33, true),
  ('family', 'deboer', 22, true),
  ('family', 'decker', 209, true),
  ('family', 'dees', 44, true),
  ('family', 'dehart', 44, true),
  ('family', 'dejesus', 132, true),
  ('family', 'delacruz', 132, true),
  ('family', 'delagarza', 44, true),
  ('family', 'delaney', 143, true),
  ('family', 'delarosa', 110, true),
  ('family', 'delatorre', 55, true),
  ('family', 'deleon', 220, true),
  ('family', 'delgadillo', 33, true),
  ('family', 'delgado', 330, true),
  ('family', 'dell', 33, true),
  ('family', 'dellinger', 44, true),
  ('family', 'deloach', 55, true),
  ('family', 'delong', 66, true),
  ('family', 'delossantos', 44, true),
  ('family', 'deluca', 55, true),
  ('family', 'delvalle', 44, true),
  ('family', 'demarco', 44, true),
  ('family', 'demers', 33, true),
  ('family', 'dempsey', 110, true),
  ('family', 'denham', 44, true),
  ('family', 'denman', 22, true),
  ('family', 'denney', 44, true),
  ('family', 'denning', 33, true),
  ('family', 'dennis', 341, true),
  ('family', 'dennison', 77, true),
  ('family', 'denny', 77, true),
  ('family', 'denson', 66, true),
  ('family', 'dent', 66, true),
  ('family', 'denton', 110, true),
  ('family', 'derosa', 33, true),
  ('family', 'derr', 33, true),
  ('family', 'derrick', 44, true),
  ('family', 'desantis', 33, true),
  ('family', 'desimone', 33, true),
  ('family', 'desjardins', 22, true),
  ('family', 'devine', 88, true),
  ('family', 'devito', 33, true),
  ('family', 'devlin', 44, true),
  ('family', 'devore', 55, true),
  ('family', 'devries', 44, true),
  ('family', 'dew', 33, true),
  ('family', 'dewey', 44, true),
  ('family', 'dewitt', 99, true),
  ('family', 'dexter', 44, true),
  ('family', 'deyoung', 22, true),
  ('family', 'dial', 44, true),
  ('family', 'diamond', 88, true),
  ('family', 'dias', 66, true),
  ('family', 'diaz', 924, true),
  ('family', 'dibble', 22, true),
  ('family', 'dick', 99, true),
  ('family', 'dickens', 88, true),
  ('family', 'dickerson', 253, true),
  ('family', 'dickey', 110, true),
  ('family', 'dickinson', 110, true),
  ('family', 'dickson', 165, true),
  ('family', 'diehl', 55, true),
  ('family', 'dietrich', 55, true),
  ('family', 'dietz', 66, true),
  ('family', 'diggs', 77, true),
  ('family', 'dill', 77, true),
  ('family', 'dillard', 154, true),
  ('family', 'dillon', 165, true),
  ('family', 'dingle', 22, true),
  ('family', 'dinkins', 33, true),
  ('family', 'dion', 44, true),
  ('family', 'dionne', 22, true),
  ('family', 'dix', 44, true),
  ('family', 'dixon', 726, true),
  ('family', 'do', 44, true),
  ('family', 'doan', 33, true),
  ('family', 'dobbins', 66, true),
  ('family', 'dobbs', 66, true),
  ('family', 'dobson', 99, true),
  ('family', 'dockery', 44, true),
  ('family', 'dodd', 121, true),
  ('family', 'dodds', 33, true),
  ('family', 'dodge', 88, true),
  ('family', 'dodson', 187, true),
  ('family', 'doe', 66, true),
  ('family', 'doherty', 88, true),
  ('family', 'dolan', 88, true),
  ('family', 'doll', 33, true),
  ('family', 'dollar', 33, true),
  ('family', 'domingo', 33, true),
  ('family', 'dominguez', 242, true),
  ('family', 'dominquez', 33, true),
  ('family', 'donahue', 121, true),
  ('family', 'donald', 55, true),
  ('family', 'donaldson', 165, true),
  ('family', 'donato', 33, true),
  ('family', 'donley', 22, true),
  ('family', 'donnell', 33, true),
  ('family', 'donnelly', 99, true),
  ('family', 'donohue', 44, true),
  ('family', 'donovan', 143, true),
  ('family', 'dooley', 110, true),
  ('family', 'doolittle', 33, true),
  ('family', 'doran', 66, true),
  ('family', 'dorman', 55, true),
  ('family', 'dorn', 44, true),
  ('family', 'dorris', 33, true),
  ('family', 'dorsey', 220, true),
  ('family', 'dortch', 33, true),
  ('family', 'doss', 99, true),
  ('family', 'dotson', 176, true),
  ('family', 'doty', 77, true),
  ('family', 'doucette', 33, true),
  ('family', 'dougherty', 132, true),
  ('family', 'doughty', 44, true),
  ('family', 'douglas', 451, true),
  ('family', 'douglass', 55, true),
  ('family', 'dove', 66, true),
  ('family', 'dover', 33, true),
  ('family', 'dow', 77, true),
  ('family', 'dowd', 55, true),
  ('family', 'dowdell', 22, true),
  ('family', 'dowdy', 77, true),
  ('family', 'dowell', 55, true),
  ('family', 'dowling', 55, true),
  ('family', 'downes', 22, true),
  ('family', 'downey', 110, true),
  ('family', 'downing', 121, true),
  ('family', 'downs', 132, true),
  ('family', 'doyle', 297, true),
  ('family', 'dozier', 66, true),
  ('family', 'drake', 275, true),
  ('family', 'draper', 99, true),
  ('family', 'drayton', 33, true),
  ('family', 'drew', 99, true),
  ('family', 'driggers', 22, true),
  ('family', 'driscoll', 88, true),
  ('family', 'driver', 66, true),
  ('family', 'drummond', 88, true),
  ('family', 'drury', 44, true),
  ('family', 'duarte', 99, true),
  ('family', 'dube', 66, true),
  ('family', 'dubois', 110, true),
  ('family', 'dubose', 66, true),
  ('family', 'duckett', 33, true),
  ('family', 'duckworth', 55, true),
  ('family', 'dudley', 176, true),
  ('family', 'duff', 66, true),
  ('family', 'duffy', 143, true),
  ('family', 'dugan', 77, true),
  ('family', 'dugas', 33, true),
  ('family', 'duggan', 44, true),
  ('family', 'dugger', 44, true),
  ('family', 'duke', 154, true),
  ('family', 'dukes', 99, true),
  ('family', 'dulaney', 22, true),
  ('family', 'dumas', 88, true),
  ('family', 'dumont', 33, true),
  ('family', 'dunaway', 44, true),
  ('family', 'dunbar', 121, true),
  ('family', 'duncan', 605, true),
  ('family', 'dunham', 99, true),
  ('family', 'dunlap', 154, true),
  ('family', 'dunn', 638, true),
  ('family', 'dunne', 33, true),
  ('family', 'dunning', 44, true),
  ('family', 'duong', 33, true),
  ('family', 'dupont', 44, true),
  ('family', 'dupre', 66, true),
  ('family', 'dupree', 99, true),
  ('family', 'dupuis', 44, true),
  ('family', 'duran', 220, true),
  ('family', 'durand', 33, true),
  ('family', 'durant', 55, true),
  ('family', 'durbin', 55, true),
  ('family', 'durden', 33, true),
  ('family', 'durham', 187, true),
  ('family', 'durkin', 33, true),
  ('family', 'durr', 33, true),
  ('family', 'dutton', 77, true),
  ('family', 'duval', 44, true),
  ('family', 'duvall', 77, true),
  ('family', 'dwyer', 99, true),
  ('family', 'dye', 121, true),
  ('family', 'dyer', 231, true),
  ('family', 'dykes', 66, true),
  ('family', 'dyson', 55, true),
  ('family', 'eads', 22, true),
  ('family', 'eagle', 33, true),
  ('family', 'earl', 66, true),
  ('family', 'earle', 33, true),
  ('family', 'earley', 44, true),
  ('family', 'earls', 33, true),
  ('family', 'early', 66, true),
  ('family', 'earnest', 33, true),
  ('family', 'easley', 77, true),
  ('family', 'eason', 77, true),
  ('family', 'east', 55, true),
  ('family', 'easter', 55, true),
  ('family', 'easterling', 44, true),
  ('family', 'eastman', 88, true),
  ('family', 'easton', 33, true),
  ('family', 'eaton', 220, true),
  ('family', 'eaves', 44, true),
  ('family', 'ebert', 55, true),
  ('family', 'echevarria', 33, true),
  ('family', 'echols', 77, true),
  ('family', 'eck', 22, true),
  ('family', 'eckert', 66, true),
  ('family', 'eddy', 77, true),
  ('family', 'eden', 22, true),
  ('family', 'edgar', 44, true),
  ('family', 'edge', 44, true),
  ('family', 'edmond', 44, true),
  ('family', 'edmonds', 99, true),
  ('family', 'edmondson', 66, true),
  ('family', 'edward', 44, true),
  ('family', 'edwards', 1507, true),
  ('family', 'egan', 88, true),
  ('family', 'eggleston', 44, true),
  ('family', 'elam', 55, true),
  ('family', 'elder', 132, true),
  ('family', 'eldridge', 121, true),
  ('family', 'elias', 66, true),
  ('family', 'elizondo', 44, true),
  ('family', 'elkins', 121, true),
  ('family', 'eller', 55, true),
  ('family', 'ellington', 55, true),
  ('family', 'elliot', 77, true),
  ('family', 'elliott', 572, true),
  ('family', 'ellis', 847, true),
  ('family', 'ellison', 198, true),
  ('family', 'ellsworth', 55, true),
  ('family', 'elmore', 121, true),
  ('family', 'elrod', 55, true),
  ('family', 'elston', 33, true),
  ('family', 'ely', 55, true),
  ('family', 'emanuel', 33, true),
  ('family', 'embry', 33, true),
  ('family', 'emerson', 143, true),
  ('family', 'emery', 110, true),
  ('family', 'emmons', 55, true),
  ('family', 'eng', 33, true),
  ('family', 'engel', 88, true),
  ('family', 'england', 143, true),
  ('family', 'engle', 77, true),
  ('family', 'english', 198, true),
  ('family', 'ennis', 66, true),
  ('family', 'enos', 33, true),
  ('family', 'enright', 33, true),
  ('family', 'enriquez', 88, true),
  ('family', 'epperson', 66, true),
  ('family', 'epps', 88, true),
  ('family', 'epstein', 44, true),
  ('family', 'erdmann', 33, true),
  ('family', 'erickson', 319, true),
  ('family', 'ernst', 66, true),
  ('family', 'ervin', 121, true),
  ('family', 'erwin', 110, true),
  ('family', 'escalante', 44, true),
  ('family', 'escamilla', 44, true),
  ('family', 'escobar', 121, true),
  ('family', 'escobedo', 66, true),
  ('family', 'eskridge', 22, true),
  ('family', 'esparza', 99, true),
  ('family', 'espinal', 44, true),
  ('family', 'espino', 33, true),
  ('family', 'espinosa', 110, true),
  ('family', 'espinoza', 242, true),
  ('family', 'esposito', 77, true),
  ('family', 'esquivel', 66, true),
  ('family', 'estep', 55, true),
  ('family', 'estes', 187, true),
  ('family', 'estevez', 22, true),
  ('family', 'estrada', 297, true),
  ('family', 'estrella', 33, true),
  ('family', 'etheridge', 55, true),
  ('family', 'ethridge', 33, true),
  ('family', 'eubanks', 88, true),
  ('family', 'evans', 1551, true),
  ('family', 'everett', 187, true),
  ('family', 'everhart', 44, true),
  ('family', 'evers', 33, true),
  ('family', 'everson', 33, true),
  ('family', 'ewing', 154, true),
  ('family', 'ezell', 66, true),
  ('family', 'faber', 33, true),
  ('family', 'fabian', 33, true),
  ('family', 'fagan', 66, true),
  ('family', 'fahey', 33, true),
  ('family', 'fain', 44, true),
  ('family', 'fair', 88, true),
  ('family', 'fairbanks', 44, true),
  ('family', 'fairchild', 66, true),
  ('family', 'fairley', 44, true),
  ('family', 'faison', 44, true),
  ('family', 'fajardo', 33, true),
  ('family', 'falcon', 44, true),
  ('family', 'falk', 44, true),
  ('family', 'fallon', 33, true),
  ('family', 'falls', 33, true),
  ('family', 'fannin', 22, true),
  ('family', 'fanning', 44, true),
  ('family', 'farias', 33, true),
  ('family', 'farley', 165, true),
  ('family', 'farmer', 330, true),
  ('family', 'farnsworth', 55, true),
  ('family', 'farr', 99, true),
  ('family', 'farrar', 66, true),
  ('family', 'farrell', 198, true),
  ('family', 'farrington', 44, true),
  ('family', 'farris', 121, true),
  ('family', 'farrow', 44, true),
  ('family', 'faulk', 66, true),
  ('family', 'faulkner', 176, true),
  ('family', 'faust', 66, true),
  ('family', 'fawcett', 22, true),
  ('family', 'fay', 66, true),
  ('family', 'feeney', 33, true),
  ('family', 'felder', 66, true),
  ('family', 'feldman', 88, true),
  ('family', 'feliciano', 88, true),
  ('family', 'felix', 132, true),
  ('family', 'fellows', 33, true),
  ('family', 'felton', 88, true),
  ('family', 'felts', 33, true),
  ('family', 'fender', 22, true),
  ('family', 'fennell', 55, true),
  ('family', 'fenner', 33, true),
  ('family', 'fenton', 66, true),
  ('family', 'fenwick', 22, true),
  ('family', 'ferguson', 649, true),
  ('family', 'fernandes', 44, true),
  ('family', 'fernandez', 517, true),
  ('family', 'ferrara', 44, true),
  ('family', 'ferrari', 33, true),
  ('family', 'ferraro', 44, true),
  ('family', 'ferreira', 88, true),
  ('family', 'ferrell', 154, true),
  ('family', 'ferrer', 44, true),
  ('family', 'ferris', 99, true),
  ('family', 'ferro', 22, true),
  ('family', 'ferry', 33, true),
  ('family', 'field', 121, true),
  ('family', 'fielder', 33, true),
  ('family', 'fields', 561, true),
  ('family', 'fierro', 33, true),
  ('family', 'fife', 33, true),
  ('family', 'figueroa', 264, true),
  ('family', 'finch', 143, true),
  ('family', 'fincher', 44, true),
  ('family', 'findley', 33, true),
  ('family', 'fine', 44, true),
  ('family', 'fink', 99, true),
  ('family', 'finley', 176, true),
  ('family', 'finn', 88, true),
  ('family', 'finnegan', 33, true),
  ('family', 'finney', 66, true),
  ('family', 'fiore', 33, true),
  ('family', 'fischer', 231, true),
  ('family', 'fish', 99, true),
  ('family', 'fisher', 847, true),
  ('family', 'fishman', 33, true),
  ('family', 'fisk', 44, true),
  ('family', 'fitch', 88, true),
  ('family', 'fite', 33, true),
  ('family', 'fitts', 33, true),
  ('family', 'fitzgerald', 297, true),
  ('family', 'fitzpatrick', 143, true),
  ('family', 'fitzsimmons', 33, true),
  ('family', 'flagg', 33, true),
  ('family', 'flaherty', 66, true),
  ('family', 'flanagan', 121, true),
  ('family', 'flanders', 44, true),
  ('family', 'flanigan', 33, true),
  ('family', 'flannery', 44, true),
  ('family', 'fleck', 33, true),
  ('family', 'fleming', 451, true),
  ('family', 'flemming', 33, true),
  ('family', 'fletcher', 407, true),
  ('family', 'flint', 66, true),
  ('family', 'flood', 66, true),
  ('family', 'flora', 33, true),
  ('family', 'florence', 44, true),
  ('family', 'flores', 1012, true),
  ('family', 'florez', 33, true),
  ('family', 'flournoy', 33, true),
  ('family', 'flowers', 308, true),
  ('family', 'floyd', 297, true),
  ('family', 'flynn', 242, true),
  ('family', 'fogarty', 33, true),
  ('family', 'fogg', 33, true),
  ('family', 'fogle', 44, true),
  ('family', 'foley', 187, true),
  ('family', 'folk', 22, true),
  ('family', 'folse', 33, true),
  ('family', 'folsom', 44, true),
  ('family', 'foltz', 33, true),
  ('family', 'fong', 44, true),
  ('family', 'fonseca', 44, true),
  ('family', 'fontaine', 55, true),
  ('family', 'fontenot', 121, true),
  ('family', 'foote', 66, true),
  ('family', 'forbes', 132, true),
  ('family', 'ford', 902, true),
  ('family', 'foreman', 132, true),
  ('family', 'forest', 33, true),
  ('family', 'foret', 33, true),
  ('family', 'forman', 55, true),
  ('family', 'forney', 33, true),
  ('family', 'forrest', 110, true),
  ('family', 'forrester', 44, true),
  ('family', 'forster', 33, true),
  ('family', 'forsyth', 44, true),
  ('family', 'forsythe', 44, true),
  ('family', 'fort', 44, true),
  ('family', 'forte', 44, true),
  ('family', 'fortenberry', 33, true),
  ('family', 'fortier', 55, true),
  ('family', 'fortin', 44, true),
  ('family', 'fortner', 55, true),
  ('family', 'fortney', 22, true),
  ('family', 'fortune', 66, true),
  ('family', 'foss', 55, true),
  ('family', 'foster', 1001, true),
  ('family', 'fountain', 99, true),
  ('family', 'fournier', 77, true),
  ('family', 'foust', 55, true),
  ('family', 'fowler', 462, true),
  ('family', 'fowlkes', 22, true),
  ('family', 'fox', 583, true),
  ('family', 'foy', 44, true),
  ('family', 'fraley', 55, true),
  ('family', 'frame', 33, true),
  ('family', 'france', 66, true),
  ('family', 'francis', 319, true),
  ('family', 'francisco', 55, true),
  ('family', 'franco', 154, true),
  ('family', 'francois', 44, true),
  ('family', 'frank', 275, true),
  ('family', 'franklin', 561, true),
  ('family', 'franks', 132, true),
  ('family', 'frantz', 44, true),
  ('family', 'franz', 44, true),
  ('family', 'fraser', 99, true),
  ('family', 'frasier', 33, true),
  ('family', 'frazer', 33, true),
  ('family', 'frazier', 484, true),
  ('family', 'frederick', 154, true),
  ('family', 'fredericks', 33, true),
  ('family', 'fredrick', 33, true),
  ('family', 'fredrickson', 33, true),
  ('family', 'free', 44, true),
  ('family', 'freed', 33, true),
  ('family', 'freedman', 33, true),
  ('family', 'freeland', 22, true),
  ('family', 'freeman', 814, true),
  ('family', 'freese', 33, true),
  ('family', 'freitas', 44, true),
  ('family', 'french', 286, true),
  ('family', 'freund', 33, true),
  ('family', 'frey', 110, true),
  ('family', 'frias', 33, true),
  ('family', 'frick', 33, true),
  ('family', 'friday', 22, true),
  ('family', 'fried', 22, true),
  ('family', 'friedman', 132, true),
  ('family', 'friend', 77, true),
  ('family', 'frierson', 33, true),
  ('family', 'fries', 33, true),
  ('family', 'fritz', 110, true),
  ('family', 'frizzell', 33, true),
  ('family', 'frost', 176, true),
  ('family', 'fry', 154, true),
  ('family', 'frye', 154, true),
  ('family', 'fryer', 33, true),
  ('family', 'fuchs', 44, true),
  ('family', 'fuentes', 165, true),
  ('family', 'fugate', 66, true),
  ('family', 'fulcher', 33, true),
  ('family', 'fulkerson', 22, true),
  ('family', 'fuller', 495, true),
  ('family', 'fullerton', 33, true),
  ('family', 'fulmer', 33, true),
  ('family', 'fulton', 154, true),
  ('family', 'fultz', 55, true),
  ('family', 'funderburk', 33, true),
  ('family', 'funk', 99, true),
  ('family', 'fuqua', 33, true),
  ('family', 'furlong', 22, true),
  ('family', 'furman', 44, true),
  ('family', 'furr', 44, true),
  ('family', 'fusco', 33, true),
  ('family', 'gabbard', 22, true),
  ('family', 'gable', 44, true),
  ('family', 'gabriel', 88, true),
  ('family', 'gaddis', 44, true),
  ('family', 'gaddy', 44, true),
  ('family', 'gaffney', 44, true),
  ('family', 'gage', 77, true),
  ('family', 'gagne', 77, true),
  ('family', 'gagnon', 121, true),
  ('family', 'gaines', 231, true),
  ('family', 'gainey', 33, true),
  ('family', 'gaither', 55, true),
  ('family', 'galarza', 33, true),
  ('family', 'galbraith', 33, true),
  ('family', 'gale', 66, true),
  ('family', 'galindo', 99, true),
  ('family', 'gall', 22, true),
  ('family', 'gallagher', 231, true),
  ('family', 'gallant', 44, true),
  ('family', 'gallardo', 66, true),
  ('family', 'gallegos', 209, true),
  ('family', 'gallo', 77, true),
  ('family', 'galloway', 165, true),
  ('family', 'galvan', 132, true),
  ('family', 'galvez', 44, true),
  ('family', 'galvin', 33, true),
  ('family', 'gamble', 165, true),
  ('family', 'gamboa', 44, true),
  ('family', 'gamez', 55, true),
  ('family', 'gandy', 55, true),
  ('family', 'gann', 66, true),
  ('family', 'gannon', 55, true),
  ('family', 'gant', 66, true),
  ('family', 'gantt', 44, true),
  ('family', 'garay', 33, true),
  ('family', 'garber', 33, true),
  ('family', 'garcia', 2794, true),
  ('family', 'gardiner', 44, true),
  ('family', 'gardner', 627, true),
  ('family', 'garland', 110, true),
  ('family', 'garmon', 33, true),
  ('family', 'garner', 341, true),
  ('family', 'garnett', 44, true),
  ('family', 'garrett', 495, true),
  ('family', 'garris', 33, true),
  ('family', 'garrison', 220, true),
  ('family', 'garvey', 44, true),
  ('family', 'garvin', 55, true),
  ('family', 'gary', 121, true),
  ('family', 'garza', 517, true),
  ('family', 'gaskin', 33, true),
  ('family', 'gaskins', 55, true),
  ('family', 'gass', 33, true),
  ('family', 'gaston', 99, true),
  ('family', 'gates', 253, true),
  ('family', 'gatewood', 33, true),
  ('family', 'gatlin', 55, true),
  ('family', 'gault', 33, true),
  ('family', 'gauthier', 66, true),
  ('family', 'gavin', 55, true),
  ('family', 'gay', 165, true),
  ('family', 'gayle', 22, true),
  ('family', 'gaylord', 33, true),
  ('family', 'gaytan', 22, true),
  ('family', 'gearhart', 22, true),
  ('family', 'geary', 55, true),
  ('family', 'gee', 88, true),
  ('family', 'geer', 33, true),
  ('family', 'geiger', 77, true),
  ('family', 'gentile', 44, true),
  ('family', 'gentry', 198, true),
  ('family', 'george', 506, true),
  ('family', 'gerald', 33, true),
  ('family', 'gerard', 33, true),
  ('family', 'gerber', 55, true),
  ('family', 'german', 66, true),
  ('family', 'getz', 33, true),
  ('family', 'gibbons', 121, true),
  ('family', 'gibbs', 297, true),
  ('family', 'gibson', 825, true),
  ('family', 'gifford', 77, true),
  ('family', 'gil', 66, true),
  ('family', 'gilbert', 495, true),
  ('family', 'gilbertson', 33, true),
  ('family', 'gilbreath', 33, true),
  ('family', 'gilchrist', 55, true),
  ('family', 'giles', 176, true),
  ('family', 'gill', 297, true),
  ('family', 'gillen', 33, true),
  ('family', 'gillespie', 165, true),
  ('family', 'gillette', 55, true),
  ('family', 'gilley', 44, true),
  ('family', 'gilliam', 132, true),
  ('family', 'gilliland', 55, true),
  ('family', 'gillis', 77, true),
  ('family', 'gillum', 22, true),
  ('family', 'gilman', 55, true),
  ('family', 'gilmer', 33, true),
  ('family', 'gilmore', 242, true),
  ('family', 'gilson', 33, true),
  ('family', 'ginn', 33, true),
  ('family', 'giordano', 44, true),
  ('family', 'gipson', 88, true),
  ('family', 'girard', 55, true),
  ('family', 'giron', 33, true),
  ('family', 'giroux', 33, true),
  ('family', 'gist', 33, true),
  ('family', 'givens', 99, true),
  ('family', 'gladden', 33, true),
  ('family', 'gladney', 33, true),
  ('family', 'glaser', 33, true),
  ('family', 'glasgow', 33, true),
  ('family', 'glass', 198, true),
  ('family', 'glaze', 33, true),
  ('family', 'gleason', 88, true),
  ('family', 'glenn', 220, true),
  ('family', 'glover', 330, true),
  ('family', 'glynn', 33, true),
  ('family', 'goad', 44, true),
  ('family', 'goble', 33, true),
  ('family', 'goddard', 77, true),
  ('family', 'godfrey', 121, true),
  ('family', 'godinez', 33, true),
  ('family', 'godwin', 99, true),
  ('family', 'goebel', 33, true),
  ('family', 'goetz', 55, true),
  ('family', 'goff', 143, true),
  ('family', 'goforth', 44, true),
  ('family', 'goins', 110, true),
  ('family', 'gold', 66, true),
  ('family', 'goldberg', 110, true),
  ('family', 'golden', 209, true),
  ('family', 'golding', 22, true),
  ('family', 'goldman', 88, true),
  ('family', 'goldsmith', 66, true),
  ('family', 'goldstein', 121, true),
  ('family', 'gomes', 77, true),
  ('family', 'gomez', 825, true),
  ('family', 'gonsalves', 33, true),
  ('family', 'gonzales', 957, true),
  ('family', 'gonzalez', 1826, true),
  ('family', 'gooch', 55, true),
  ('family', 'good', 143, true),
  ('family', 'goode', 99, true),
  ('family', 'gooden', 55, true),
  ('family', 'goodin', 33, true),
  ('family', 'gooding', 33, true),
  ('family', 'goodman', 319, true),
  ('family', 'goodrich', 77, true),
  ('family', 'goodson', 66, true),
  ('family', 'goodwin', 330, true),
  ('family', 'goolsby', 33, true),
  ('family', 'gordon', 715, true),
  ('family', 'gore', 121, true),
  ('family', 'gorham', 33, true),
  ('family', 'gorman', 110, true),
  ('family', 'goss', 132, true),
  ('family', 'gossett', 44, true),
  ('family', 'gough', 44, true),
  ('family', 'gould', 165, true),
  ('family', 'goulet', 33, true),
  ('family', 'gower', 22, true),
  ('family', 'grace', 121, true),
  ('family', 'gracia', 33, true),
  ('family', 'grady', 121, true),
  ('family', 'graf', 55, true),
  ('family', 'graff', 44, true),
  ('family', 'gragg', 33, true),
  ('family', 'graham', 902, true),
  ('family', 'granados', 33, true),
  ('family', 'granger', 77, true),
  ('family', 'grant', 660, true),
  ('family', 'grantham', 55, true),
  ('family', 'graves', 429, true),
  ('family', 'gray', 1166, true),
  ('family', 'grayson', 88, true),
  ('family', 'greathouse', 33, true),
  ('family', 'greco', 55, true),
  ('family', 'green', 2013, true),
  ('family', 'greenberg', 77, true),
  ('family', 'greene', 583, true),
  ('family', 'greenfield', 44, true),
  ('family', 'greenlee', 33, true),
  ('family', 'greenwood', 110, true),
  ('family', 'greer', 286, true),
  ('family', 'gregg', 121, true),
  ('family', 'gregory', 418, true),
  ('family', 'greiner', 33, true),
  ('family', 'grenier', 44, true),
  ('family', 'gresham', 55, true),
  ('family', 'grey', 44, true),
  ('family', 'grice', 33, true),
  ('family', 'grider', 33, true),
  ('family', 'grier', 66, true),
  ('family', 'griffin', 924, true),
  ('family', 'griffis', 33, true),
  ('family', 'griffith', 352, true),
  ('family', 'griffiths', 44, true),
  ('family', 'griggs', 121, true),
  ('family', 'grigsby', 55, true),
  ('family', 'grimes', 231, true),
  ('family', 'grimm', 88, true),
  ('family', 'grisham', 33, true),
  ('family', 'grissom', 55, true),
  ('family', 'griswold', 33, true),
  ('family', 'groce', 33, true),
  ('family', 'groff', 22, true),
  ('family', 'grogan', 44, true),
  ('family', 'grooms', 44, true),
  ('family', 'gross', 297, true),
  ('family', 'grossman', 66, true),
  ('family', 'grove', 88, true),
  ('family', 'grover', 77, true),
  ('family', 'groves', 110, true),
  ('family', 'grubb', 66, true),
  ('family', 'grubbs', 88, true),
  ('family', 'gruber', 44, true),
  ('family', 'guajardo', 55, true),
  ('family', 'guay', 22, true),
  ('family', 'guenther', 33, true),
  ('family', 'guerin', 33, true),
  ('family', 'guerra', 209, true),
  ('family', 'guerrero', 297, true),
  ('family', 'guess', 33, true),
  ('family', 'guest', 44, true),
  ('family', 'guevara', 66, true),
  ('family', 'guffey', 33, true),
  ('family', 'guido', 22, true),
  ('family', 'guidry', 88, true),
  ('family', 'guillen', 55, true),
  ('family', 'guillory', 66, true),
  ('family', 'guinn', 66, true),
  ('family', 'gulley', 44, true),
  ('family', 'gunderson', 44, true),
  ('family', 'gunn', 110, true),
  ('family', 'gunter', 110, true),
  ('family', 'gunther', 33, true),
  ('family', 'gurley', 44, true),
  ('family', 'gustafson', 99, true),
  ('family', 'guthrie', 132, true),
  ('family', 'gutierrez', 561, true),
  ('family', 'guy', 154, true),
  ('family', 'guyton', 44, true),
  ('family', 'guzman', 374, true),
  ('family', 'ha', 33, true),
  ('family', 'haag', 44, true),
  ('family', 'haas', 132, true),
  ('family', 'haase', 33, true),
  ('family', 'hacker', 55, true),
  ('family', 'hackett', 77, true),
  ('family', 'hackney', 44, true),
  ('family', 'haddad', 22, true),
  ('family', 'hadden', 33, true),
  ('family', 'hadley', 88, true),
  ('family', 'hagan', 88, true),
  ('family', 'hagen', 88, true),
  ('family', 'hager', 88, true),
  ('family', 'haggard', 44, true),
  ('family', 'haggerty', 44, true),
  ('family', 'hahn', 143, true),
  ('family', 'haight', 33, true),
  ('family', 'hailey', 33, true),
  ('family', 'haines', 110, true),
  ('family', 'hair', 33, true),
  ('family', 'hairston', 99, true),
  ('family', 'halcomb', 33, true),
  ('family', 'hale', 407, true),
  ('family', 'hales', 33, true),
  ('family', 'haley', 176, true),
  ('family', 'hall', 2200, true),
  ('family', 'haller', 33, true),
  ('family', 'hallman', 33, true),
  ('family', 'halsey', 33, true),
  ('family', 'halstead', 33, true),
  ('family', 'halverson', 33, true),
  ('family', 'ham', 88, true),
  ('family', 'hamblin', 44, true),
  ('family', 'hamby', 66, true),
  ('family', 'hamel', 44, true),
  ('family', 'hamer', 33, true),
  ('family', 'hamilton', 902, true),
  ('family', 'hamlin', 88, true),
  ('family', 'hamm', 121, true),
  ('family', 'hammer', 77, true),
  ('family', 'hammett', 33, true),
  ('family', 'hammond', 308, true),
  ('family', 'hammonds', 55, true),
  ('family', 'hammons', 66, true),
  ('family', 'hampton', 319, true),
  ('family', 'hamrick', 44, true),
  ('family', 'han', 55, true),
  ('family', 'hancock', 231, true),
  ('family', 'hand', 88, true),
  ('family', 'handley', 44, true),
  ('family', 'handy', 66, true),
  ('family', 'hanes', 44, true),
  ('family', 'haney', 132, true),
  ('family', 'hankins', 99, true),
  ('family', 'hanks', 66, true),
  ('family', 'hanley', 77, true),
  ('family', 'hanlon', 33, true),
  ('family', 'hanna', 132, true),
  ('family', 'hannah', 99, true),
  ('family', 'hannan', 33, true),
  ('family', 'hannon', 44, true),
  ('family', 'hansen', 517, true),
  ('family', 'hanson', 473, true),
  ('family', 'harbin', 44, true),
  ('family', 'hardaway', 33, true),
  ('family', 'hardee', 33, true),
  ('family', 'harden', 121, true),
  ('family', 'harder', 55, true),
  ('family', 'hardesty', 44, true),
  ('family', 'hardin', 209, true),
  ('family', 'harding', 176, true),
  ('family', 'hardison', 55, true),
  ('family', 'hardman', 44, true),
  ('family', 'hardwick', 44, true),
  ('family', 'hardy', 385, true),
  ('family', 'hare', 77, true),
  ('family', 'hargett', 22, true),
  ('family', 'hargis', 33, true),
  ('family', 'hargrave', 33, true),
  ('family', 'hargrove', 99, true),
  ('family', 'harkins', 55, true),
  ('family', 'harlan', 44, true),
  ('family', 'harless', 22, true),
  ('family', 'harley', 55, true),
  ('family', 'harlow', 44, true),
  ('family', 'harman', 66, true),
  ('family', 'harmon', 330, true),
  ('family', 'harms', 55, true),
  ('family', 'harness', 44, true),
  ('family', 'haro', 22, true),
  ('family', 'harp', 55, true),
  ('family', 'harper', 594, true),
  ('family', 'harr', 33, true),
  ('family', 'harrell', 220, true),
  ('family', 'harrington', 264, true),
  ('family', 'harris', 3025, true),
  ('family', 'harrison', 836, true),
  ('family', 'harry', 44, true),
  ('family', 'hart', 594, true),
  ('family', 'harter', 33, true),
  ('family', 'hartley', 132, true),
  ('family', 'hartman', 220, true),
  ('family', 'hartmann', 33, true),
  ('family', 'hartnett', 22, true),
  ('family', 'hartwell', 33, true),
  ('family', 'harvey', 517, true),
  ('family', 'harwell', 33, true),
  ('family', 'harwood', 33, true),
  ('family', 'haskell', 44, true),
  ('family', 'haskins', 88, true),
  ('family', 'hass', 33, true),
  ('family', 'hassell', 33, true),
  ('family', 'hastings', 121, true),
  ('family', 'hatch', 99, true),
  ('family', 'hatcher', 121, true),
  ('family', 'hatchett', 33, true),
  ('family', 'hatfield', 176, true),
  ('family', 'hathaway', 99, true),
  ('family', 'hatley', 33, true),
  ('family', 'hatton', 55, true),
  ('family', 'haugen', 33, true),
  ('family', 'hauser', 55, true),
  ('family', 'havens', 55, true),
  ('family', 'hawes', 44, true),
  ('family', 'hawk', 77, true),
  ('family', 'hawkins', 649, true),
  ('family', 'hawks', 55, true),
  ('family', 'hawley', 66, true),
  ('family', 'hawthorne', 66, true),
  ('family', 'hay', 66, true),
  ('family', 'hayden', 154, true),
  ('family', 'hayes', 913, true),
  ('family', 'haynes', 396, true),
  ('family', 'hays', 143, true),
  ('family', 'hayward', 55, true),
  ('family', 'haywood', 88, true),
  ('family', 'hazel', 44, true),
  ('family', 'head', 132, true),
  ('family', 'headley', 44, true),
  ('family', 'headrick', 44, true),
  ('family', 'healey', 44, true),
  ('family', 'healy', 77, true),
  ('family', 'heard', 121, true),
  ('family', 'hearn', 77, true),
  ('family', 'heath', 231, true),
  ('family', 'heaton', 55, true),
  ('family', 'hebert', 165, true),
  ('family', 'heck', 55, true),
  ('family', 'heckman', 33, true),
  ('family', 'hedgepeth', 22, true),
  ('family', 'hedges', 33, true),
  ('family', 'hedrick', 88, true),
  ('family', 'heffner', 33, true),
  ('family', 'heflin', 33, true),
  ('family', 'hefner', 33, true),
  ('family', 'heilman', 22, true),
  ('family', 'heim', 33, true),
  ('family', 'hein', 44, true),
  ('family', 'heinrich', 33, true),
  ('family', 'heinz', 33, true),
  ('family', 'held', 33, true),
  ('family', 'heller', 99, true),
  ('family', 'helm', 55, true),
  ('family', 'helms', 132, true),
  ('family', 'helton', 99, true),
  ('family', 'hembree', 33, true),
  ('family', 'hemphill', 66, true),
  ('family', 'henderson', 1045, true),
  ('family', 'hendon', 33, true),
  ('family', 'hendrick', 44, true),
  ('family', 'hendricks', 165, true),
  ('family', 'hendrickson', 110, true),
  ('family', 'hendrix', 132, true),
  ('family', 'henke', 33, true),
  ('family', 'henley', 99, true),
  ('family', 'hennessey', 33, true),
  ('family', 'henning', 44, true),
  ('family', 'henry', 748, true),
  ('family', 'hensley', 231, true),
  ('family', 'henson', 209, true),
  ('family', 'her', 44, true),
  ('family', 'herbert', 121, true),
  ('family', 'heredia', 33, true),
  ('family', 'herman', 176, true),
  ('family', 'hermann', 33, true),
  ('family', 'hernandez', 2112, true),
  ('family', 'herndon', 77, true),
  ('family', 'herr', 33, true),
  ('family', 'herrera', 440, true),
  ('family', 'herrick', 44, true),
  ('family', 'herrin', 33, true),
  ('family', 'herring', 187, true),
  ('family', 'herrington', 77, true),
  ('family', 'herrmann', 44, true),
  ('family', 'herron', 121, true),
  ('family', 'hershberger', 33, true),
  ('family', 'herzog', 55, true),
  ('family', 'hess', 220, true),
  ('family', 'hester', 165, true),
  ('family', 'hetrick', 22, true),
  ('family', 'hewitt', 132, true),
  ('family', 'heyward', 33, true),
  ('family', 'hiatt', 44, true),
  ('family', 'hibbard', 33, true),
  ('family', 'hickey', 110, true),
  ('family', 'hickman', 198, true),
  ('family', 'hicks', 759, true),
  ('family', 'hickson', 33, true),
  ('family', 'hidalgo', 55, true),
  ('family', 'higdon', 44, true),
  ('family', 'higginbotham', 55, true),
  ('family', 'higgins', 330, true),
  ('family', 'higgs', 33, true),
  ('family', 'high', 55, true),
  ('family', 'hightower', 88, true),
  ('family', 'hildebrand', 44, true),
  ('family', 'hildreth', 33, true),
  ('family', 'hill', 2057, true),
  ('family', 'hillard', 33, true),
  ('family', 'hiller', 33, true),
  ('family', 'hilliard', 110, true),
  ('family', 'hillman', 66, true),
  ('family', 'hills', 66, true),
  ('family', 'hilton', 121, true),
  ('family', 'himes', 44, true),
  ('family', 'hindman', 33, true),
  ('family', 'hinds', 66, true),
  ('family', 'hines', 352, true),
  ('family', 'hinkle', 110, true),
  ('family', 'hinojosa', 66, true),
  ('family', 'hinson', 88, true),
  ('family', 'hinton', 165, true),
  ('family', 'hirsch', 66, true),
  ('family', 'hitchcock', 55, true),
  ('family', 'hite', 55, true),
  ('family', 'hitt', 44, true),
  ('family', 'hixson', 22, true),
  ('family', 'ho', 110, true),
  ('family', 'hoag', 22, true),
  ('family', 'hoang', 44, true),
  ('family', 'hobbs', 209, true),
  ('family', 'hobson', 77, true),
  ('family', 'hodge', 242, true),
  ('family', 'hodges', 319, true),
  ('family', 'hodgson', 33, true),
  ('family', 'hoff', 66, true),
  ('family', 'hoffman', 462, true),
  ('family', 'hoffmann', 44, true),
  ('family', 'hofmann', 22, true),
  ('family', 'hogan', 264, true),
  ('family', 'hogg', 44, true),
  ('family', 'hogue', 77, true),
  ('family', 'hoke', 33, true),
  ('family', 'holbrook', 99, true),
  ('family', 'holcomb', 143, true),
  ('family', 'holcombe', 33, true),
  ('family', 'holden', 143, true),
  ('family', 'holder', 154, true),
  ('family', 'holguin', 33, true),
  ('family', 'holiday', 33, true),
  ('family', 'holland', 462, true),
  ('family', 'hollenbeck', 33, true),
  ('family', 'holley', 132, true),
  ('family', 'holliday', 99, true),
  ('family', 'holliman', 22, true),
  ('family', 'hollingsworth', 99, true),
  ('family', 'hollins', 44, true),
  ('family', 'hollis', 121, true),
  ('family', 'holloman', 44, true),
  ('family', 'holloway', 275, true),
  ('family', 'holly', 33, true),
  ('family', 'holm', 55, true),
  ('family', 'holman', 165, true),
  ('family', 'holmes', 715, true),
  ('family', 'holt', 407, true),
  ('family', 'holton', 55, true),
  ('family', 'holtz', 33, true),
  ('family', 'homan', 33, true),
  ('family', 'homer', 33, true),
  ('family', 'honeycutt', 77, true),
  ('family', 'hong', 66, true),
  ('family', 'hood', 253, true),
  ('family', 'hook', 55, true),
  ('family', 'hooker', 77, true),
  ('family', 'hooks', 88, true),
  ('family', 'hooper', 154, true),
  ('family', 'hoover', 231, true),
  ('family', 'hope', 77, true),
  ('family', 'hopkins', 451, true),
  ('family', 'hoppe', 33, true),
  ('family', 'hopper', 165, true),
  ('family', 'hopson', 66, true),
  ('family', 'horan', 33, true),
  ('family', 'horn', 220, true),
  ('family', 'horne', 165, true),
  ('family', 'horner', 88, true),
  ('family', 'horning', 22, true),
  ('family', 'hornsby', 33, true),
  ('family', 'horowitz', 33, true),
  ('family', 'horsley', 33, true),
  ('family', 'horst', 22, true),
  ('family', 'horton', 429, true),
  ('family', 'horvath', 44, true),
  ('family', 'hoskins', 110, true),
  ('family', 'hostetler', 33, true),
  ('family', 'houck', 55, true),
  ('family', 'hough', 66, true),
  ('family', 'houghton', 44, true),
  ('family', 'houle', 55, true),
  ('family', 'house', 187, true),
  ('family', 'houser', 88, true),
  ('family', 'houston', 286, true),
  ('family', 'howard', 1210, true),
  ('family', 'howe', 165, true),
  ('family', 'howell', 528, true),
  ('family', 'howerton', 33, true),
  ('family', 'howes', 33, true),
  ('family', 'howland', 55, true),
  ('family', 'hoy', 44, true),
  ('family', 'hoyle', 44, true),
  ('family', 'hoyt', 88, true),
  ('family', 'hsu', 44, true),
  ('family', 'huang', 66, true),
  ('family', 'hubbard', 352, true),
  ('family', 'huber', 132, true),
  ('family', 'hubert', 33, true),
  ('family', 'huddleston', 77, true),
  ('family', 'hudgens', 33, true),
  ('family', 'hudgins', 55, true),
  ('family', 'hudson', 638, true),
  ('family', 'hudspeth', 22, true),
  ('family', 'huerta', 88, true),
  ('family', 'huey', 55, true),
  ('family', 'huff', 264, true),
  ('family', 'huffman', 242, true),
  ('family', 'huggins', 99, true),
  ('family', 'hughes', 1012, true),
  ('family', 'hughey', 33, true),
  ('family', 'hull', 187, true),
  ('family', 'hulsey', 44, true),
  ('family', 'hume', 22, true),
  ('family', 'humes', 33, true),
  ('family', 'hummel', 55, true),
  ('family', 'humphrey', 220, true),
  ('family', 'humphreys', 55, true),
  ('family', 'humphries', 66, true),
  ('family', 'hundley', 44, true),
  ('family', 'hunt', 693, true),
  ('family', 'hunter', 759, true),
  ('family', 'huntington', 33, true),
  ('family', 'huntley', 66, true),
  ('family', 'hurd', 88, true),
  ('family', 'hurley', 165, true),
  ('family', 'hurst', 198, true),
  ('family', 'hurt', 110, true),
  ('family', 'hurtado', 55, true),
  ('family', 'huskey', 33, true),
  ('family', 'hussey', 33, true),
  ('family', 'huston', 66, true),
  ('family', 'hutchens', 33, true),
  ('family', 'hutcherson', 44, true),
  ('family', 'hutcheson', 33, true),
  ('family', 'hutchings', 44, true),
  ('family', 'hutchins', 121, true),
  ('family', 'hutchinson', 220, true),
  ('family', 'hutchison', 99, true),
  ('family', 'hutson', 55, true),
  ('family', 'hutto', 33, true),
  ('family', 'hutton', 77, true),
  ('family', 'huynh', 77, true),
  ('family', 'hwang', 33, true),
  ('family', 'hyatt', 66, true),
  ('family', 'hyde', 132, true),
  ('family', 'hyland', 33, true),
  ('family', 'hylton', 33, true),
  ('family', 'hyman', 55, true),
  ('family', 'hynes', 33, true),
  ('family', 'ibarra', 121, true),
  ('family', 'ingalls', 22, true),
  ('family', 'ingle', 33, true),
  ('family', 'ingraham', 33, true),
  ('family', 'ingram', 330, true),
  ('family', 'inman', 99, true),
  ('family', 'irby', 55, true),
  ('family', 'ireland', 44, true),
  ('family', 'irish', 33, true),
  ('family', 'irizarry', 66, true),
  ('family', 'irons', 33, true),
  ('family', 'irvin', 99, true),
  ('family', 'irvine', 33, true),
  ('family', 'irving', 77, true),
  ('family', 'irwin', 143, true),
  ('family', 'isaac', 77, true),
  ('family', 'isaacs', 55, true),
  ('family', 'isaacson', 33, true),
  ('family', 'isbell', 55, true),
  ('family', 'isom', 55, true),
  ('family', 'ison', 44, true),
  ('family', 'israel', 44, true),
  ('family', 'iverson', 66, true),
  ('family', 'ives', 33, true),
  ('family', 'ivey', 110, true),
  ('family', 'ivory', 44, true),
  ('family', 'ivy', 66, true),
  ('family', 'jack', 77, true),
  ('family', 'jackman', 33, true),
  ('family', 'jacks', 33, true),
  ('family', 'jackson', 3410, true),
  ('family', 'jacob', 77, true),
  ('family', 'jacobs', 506, true),
  ('family', 'jacobsen', 77, true),
  ('family', 'jacobson', 165, true),
  ('family', 'jacoby', 44, true),
  ('family', 'jacques', 66, true),
  ('family', 'jaeger', 44, true),
  ('family', 'jaime', 22, true),
  ('family', 'james', 1155, true),
  ('family', 'jameson', 66, true),
  ('family', 'jamieson', 22, true),
  ('family', 'jamison', 121, true),
  ('family', 'janes', 44, true),
  ('family', 'jankowski', 33, true),
  ('family', 'jansen', 55, true),
  ('family', 'janssen', 33, true),
  ('family', 'jaramillo', 88, true),
  ('family', 'jarman', 22, true),
  ('family', 'jarrell', 66, true),
  ('family', 'jarrett', 88, true),
  ('family', 'jarvis', 154, true),
  ('family', 'jasper', 44, true),
  ('family', 'jasso', 22, true),
  ('family', 'jay', 33, true),
  ('family', 'jaynes', 33, true),
  ('family', 'jean', 77, true),
  ('family', 'jefferies', 33, true),
  ('family', 'jeffers', 88, true),
  ('family', 'jefferson', 275, true),
  ('family', 'jeffery', 44, true),
  ('family', 'jeffrey', 44, true),
  ('family', 'jeffries', 99, true),
  ('family', 'jenkins', 1045, true),
  ('family', 'jennings', 429, true),
  ('family', 'jensen', 451, true),
  ('family', 'jenson', 33, true),
  ('family', 'jernigan', 77, true),
  ('family', 'jerome', 22, true),
  ('family', 'jessup', 33, true),
  ('family', 'jeter', 55, true),
  ('family', 'jett', 44, true),
  ('family', 'jewell', 99, true),
  ('family', 'jewett', 33, true),
  ('family', 'jimenez', 429, true),
  ('family', 'jobe', 44, true),
  ('family', 'joe', 33, true),
  ('family', 'johansen', 33, true),
  ('family', 'john', 110, true),
  ('family', 'johns', 209, true),
  ('family', 'johnson', 8910, true),
  ('family', 'johnston', 539, true),
  ('family', 'joiner', 88, true),
  ('family', 'jolley', 33, true),
  ('family', 'jolly', 77, true),
  ('family', 'jones', 6831, true),
  ('family', 'jordan', 858, true),
  ('family', 'jordon', 55, true),
  ('family', 'jorgensen', 77, true),
  ('family', 'jorgenson', 33, true),
  ('family', 'jose', 33, true),
  ('family', 'joseph', 319, true),
  ('family', 'joy', 55, true),
  ('family', 'joyce', 176, true),
  ('family', 'joyner', 154, true),
  ('family', 'juarez', 198, true),
  ('family', 'judd', 77, true),
  ('family', 'jude', 44, true),
  ('family', 'judge', 44, true),
  ('family', 'judkins', 33, true),
  ('family', 'julian', 44, true),
  ('family', 'jung', 55, true),
  ('family', 'justice', 143, true),
  ('family', 'justus', 33, true),
  ('family', 'kahn', 55, true),
  ('family', 'kaiser', 110, true),
  ('family', 'kaminski', 44, true),
  ('family', 'kane', 176, true),
  ('family', 'kang', 55, true),
  ('family', 'kaplan', 99, true),
  ('family', 'karr', 44, true),
  ('family', 'kasper', 33, true),
  ('family', 'katz', 110, true),
  ('family', 'kauffman', 77, true),
  ('family', 'kaufman', 143, true),
  ('family', 'kay', 88, true),
  ('family', 'kaye', 33, true),
  ('family', 'keane', 33, true),
  ('family', 'kearney', 77, true),
  ('family', 'kearns', 66, true),
  ('family', 'keating', 55, true),
  ('family', 'keaton', 44, true),
  ('family', 'keck', 33, true),
  ('family', 'kee', 33, true),
  ('family', 'keefe', 33, true),
  ('family', 'keefer', 33, true),
  ('family', 'keegan', 33, true),
  ('family', 'keel', 33, true),
  ('family', 'keeler', 44, true),
  ('family', 'keeling', 44, true),
  ('family', 'keen', 88, true),
  ('family', 'keenan', 77, true),
  ('family', 'keene', 77, true),
  ('family', 'keener', 44, true),
  ('family', 'keeney', 33, true),
  ('family', 'keeton', 44, true),
  ('family', 'keister', 22, true),
  ('family', 'keith', 220, true),
  ('family', 'kell', 22, true),
  ('family', 'kelleher', 33, true),
  ('family', 'keller', 374, true),
  ('family', 'kelley', 572, true),
  ('family', 'kellogg', 66, true),
  ('family', 'kellum', 33, true),
  ('family', 'kelly', 1122, true),
  ('family', 'kelsey', 55, true),
  ('family', 'kelso', 33, true),
  ('family', 'kemp', 220, true),
  ('family', 'kemper', 33, true),
  ('family', 'kendall', 132, true),
  ('family', 'kendrick', 132, true),
  ('family', 'kennedy', 737, true),
  ('family', 'kenney', 99, true),
  ('family', 'kenny', 77, true),
  ('family', 'kent', 187, true),
  ('family', 'kenyon', 55, true),
  ('family', 'kern', 99, true),
  ('family', 'kerns', 77, true),
  ('family', 'kerr', 176, true),
  ('family', 'kersey', 22, true),
  ('family', 'kessler', 110, true),
  ('family', 'ketchum', 33, true),
  ('family', 'key', 165, true),
  ('family', 'keyes', 66, true),
  ('family', 'keys', 99, true),
  ('family', 'keyser', 33, true),
  ('family', 'khan', 77, true),
  ('family', 'kidd', 143, true),
  ('family', 'kidwell', 33, true),
  ('family', 'kiefer', 33, true),
  ('family', 'kilgore', 88, true),
  ('family', 'killian', 55, true),
  ('family', 'kilpatrick', 55, true),
  ('family', 'kim', 495, true),
  ('family', 'kimball', 121, true),
  ('family', 'kimble', 77, true),
  ('family', 'kimbrell', 33, true),
  ('family', 'kimbrough', 66, true),
  ('family', 'kimmel', 33, true),
  ('family', 'kinard', 33, true),
  ('family', 'kincaid', 77, true),
  ('family', 'kinder', 55, true),
  ('family', 'king', 2090, true),
  ('family', 'kingsbury', 22, true),
  ('family', 'kingsley', 33, true),
  ('family', 'kinney', 143, true),
  ('family', 'kinsey', 66, true),
  ('family', 'kirby', 242, true),
  ('family', 'kirchner', 33, true),
  ('family', 'kirk', 242, true),
  ('family', 'kirkland', 143, true),
  ('family', 'kirkpatrick', 121, true),
  ('family', 'kirkwood', 33, true),
  ('family', 'kiser', 77, true),
  ('family', 'kish', 33, true),
  ('family', 'kitchen', 66, true),
  ('family', 'kitchens', 44, true),
  ('family', 'klein', 286, true),
  ('family', 'kline', 165, true),
  ('family', 'klinger', 33, true),
  ('family', 'knapp', 176, true),
  ('family', 'knight', 660, true),
  ('family', 'knoll', 33, true),
  ('family', 'knott', 55, true),
  ('family', 'knotts', 33, true),
  ('family', 'knowles', 132, true),
  ('family', 'knowlton', 44, true),
  ('family', 'knox', 209, true),
  ('family', 'knudsen', 44, true),
  ('family', 'knudson', 33, true),
  ('family', 'knutson', 66, true),
  ('family', 'koch', 176, true),
  ('family', 'koehler', 66, true),
  ('family', 'koenig', 77, true),
  ('family', 'kohl', 33, true),
  ('family', 'kohler', 66, true),
  ('family', 'kohn', 33, true),
  ('family', 'kolb', 44, true),
  ('family', 'kong', 33, true),
  ('family', 'koonce', 33, true),
  ('family', 'koontz', 44, true),
  ('family', 'kopp', 44, true),
  ('family', 'kovach', 33, true),
  ('family', 'kowalski', 55, true),
  ('family', 'kozak', 33, true),
  ('family', 'kozlowski', 33, true),
  ('family', 'kraft', 77, true),
  ('family', 'kramer', 231, true),
  ('family', 'kraus', 55, true),
  ('family', 'krause', 121, true),
  ('family', 'krauss', 33, true),
  ('family', 'krebs', 44, true),
  ('family', 'krieger', 33, true),
  ('family', 'kroll', 33, true),
  ('family', 'krueger', 121, true),
  ('family', 'krug', 33, true),
  ('family', 'kruger', 55, true),
  ('family', 'kruse', 77, true),
  ('family', 'kuhn', 110, true),
  ('family', 'kunkel', 33, true),
  ('family', 'kuntz', 33, true),
  ('family', 'kunz', 33, true),
  ('family', 'kurtz', 88, true),
  ('family', 'kuykendall', 44, true),
  ('family', 'kyle', 88, true),
  ('family', 'labbe', 33, true),
  ('family', 'labelle', 33, true),
  ('family', 'labonte', 22, true),
  ('family', 'lacey', 77, true),
  ('family', 'lachance', 44, true),
  ('family', 'lackey', 88, true),
  ('family', 'lacroix', 44, true),
  ('family', 'lacy', 110, true),
  ('family', 'ladd', 77, true),
  ('family', 'ladner', 99, true),
  ('family', 'lafferty', 33, true),
  ('family', 'laflamme', 33, true),
  ('family', 'lafleur', 44, true),
  ('family', 'lahr', 22, true),
  ('family', 'lai', 33, true),
  ('family', 'laird', 88, true),
  ('family', 'lake', 121, true),
  ('family', 'lam', 110, true),
  ('family', 'lamar', 55, true),
  ('family', 'lamb', 264, true),
  ('family', 'lambert', 407, true),
  ('family', 'lamm', 44, true),
  ('family', 'lamontagne', 22, true),
  ('family', 'lancaster', 143, true),
  ('family', 'lance', 55, true),
  ('family', 'land', 99, true),
  ('family', 'landers', 88, true),
  ('family', 'landis', 66, true),
  ('family', 'landon', 33, true),
  ('family', 'landrum', 66, true),
  ('family', 'landry', 187, true),
  ('family', 'lane', 594, true),
  ('family', 'laney', 44, true),
  ('family', 'lang', 231, true),
  ('family', 'langdon', 33, true),
  ('family', 'lange', 99, true),
  ('family', 'langer', 33, true),
  ('family', 'langford', 88, true),
  ('family', 'langley', 132, true),
  ('family', 'langlois', 33, true),
  ('family', 'langston', 88, true),
  ('family', 'lanham', 44, true),
  ('family', 'lanier', 77, true),
  ('family', 'lankford', 55, true),
  ('family', 'lanning', 33, true),
  ('family', 'lantz', 44, true),
  ('family', 'laplante', 33, true),
  ('family', 'lapointe', 44, true),
  ('family', 'laporte', 33, true),
  ('family', 'lara', 187, true),
  ('family', 'large', 44, true),
  ('family', 'larkin', 99, true),
  ('family', 'laroche', 33, true),
  ('family', 'larose', 33, true),
  ('family', 'larry', 33, true),
  ('family', 'larsen', 231, true),
  ('family', 'larson', 484, true),
  ('family', 'larue', 44, true),
  ('family', 'lash', 33, true),
  ('family', 'lashley', 33, true),
  ('family', 'lassiter', 77, true),
  ('family', 'laster', 33, true),
  ('family', 'latham', 110, true),
  ('family', 'latimer', 33, true),
  ('family', 'lattimore', 33, true),
  ('family', 'lau', 55, true),
  ('family', 'lauer', 33, true),
  ('family', 'laughlin', 55, true),
  ('family', 'lavender', 33, true),
  ('family', 'lavigne', 44, true),
  ('family', 'lavoie', 44, true),
  ('family', 'law', 121, true),
  ('family', 'lawhorn', 33, true),
  ('family', 'lawler', 66, true),
  ('family', 'lawless', 33, true),
  ('family', 'lawrence', 572, true),
  ('family', 'laws', 66, true),
  ('family', 'lawson', 561, true),
  ('family', 'lawton', 55, true),
  ('family', 'lay', 88, true),
  ('family', 'layman', 44, true),
  ('family', 'layne', 55, true),
  ('family', 'layton', 66, true),
  ('family', 'le', 132, true),
  ('family', 'lea', 33, true),
  ('family', 'leach', 187, true),
  ('family', 'leahy', 33, true),
  ('family', 'leak', 33, true),
  ('family', 'leake', 33, true),
  ('family', 'leal', 99, true),
  ('family', 'lear', 44, true),
  ('family', 'leary', 77, true),
  ('family', 'leatherman', 22, true),
  ('family', 'leavitt', 55, true),
  ('family', 'leblanc', 187, true),
  ('family', 'leboeuf', 22, true),
  ('family', 'lebron', 33, true),
  ('family', 'leclair', 44, true),
  ('family', 'ledbetter', 88, true),
  ('family', 'ledesma', 44, true),
  ('family', 'ledet', 22, true),
  ('family', 'ledford', 77, true),
  ('family', 'ledoux', 44, true),
  ('family', 'lee', 2420, true),
  ('family', 'leeper', 33, true),
  ('family', 'lees', 33, true),
  ('family', 'lefebvre', 33, true),
  ('family', 'leger', 44, true),
  ('family', 'legg', 33, true),
  ('family', 'leggett', 55, true),
  ('family', 'lehman', 110, true),
  ('family', 'lehmann', 44, true),
  ('family', 'leigh', 44, true),
  ('family', 'leighton', 33, true),
  ('family', 'lemaster', 33, true),
  ('family', 'lemay', 44, true),
  ('family', 'lemieux', 44, true),
  ('family', 'lemke', 33, true),
  ('family', 'lemmon', 33, true),
  ('family', 'lemon', 66, true),
  ('family', 'lemons', 66, true),
  ('family', 'lemus', 44, true),
  ('family', 'lennon', 33, true),
  ('family', 'lentz', 66, true),
  ('family', 'lenz', 44, true),
  ('family', 'leon', 198, true),
  ('family', 'leonard', 374, true),
  ('family', 'leone', 55, true),
  ('family', 'lerma', 33, true),
  ('family', 'lerner', 33, true),
  ('family', 'leroy', 33, true),
  ('family', 'leslie', 110, true),
  ('family', 'lessard', 33, true),
  ('family', 'lester', 220, true),
  ('family', 'leung', 33, true),
  ('family', 'levesque', 55, true),
  ('family', 'levi', 33, true),
  ('family', 'levin', 55, true),
  ('family', 'levine', 143, true),
  ('family', 'levy', 154, true),
  ('family', 'lew', 33, true),
  ('family', 'lewandowski', 44, true),
  ('family', 'lewis', 2486, true),
  ('family', 'leyva', 55, true),
  ('family', 'li', 66, true),
  ('family', 'libby', 66, true),
  ('family', 'liddell', 33, true),
  ('family', 'lieberman', 33, true),
  ('family', 'light', 77, true),
  ('family', 'lightfoot', 44, true),
  ('family', 'lightner', 33, true),
  ('family', 'ligon', 33, true),
  ('family', 'liles', 55, true),
  ('family', 'lilley', 44, true),
  ('family', 'lilly', 99, true),
  ('family', 'lim', 66, true),
  ('family', 'lima', 44, true),
  ('family', 'limon', 33, true),
  ('family', 'lin', 99, true),
  ('family', 'linares', 33, true),
  ('family', 'lincoln', 66, true),
  ('family', 'lind', 66, true),
  ('family', 'lindberg', 44, true),
  ('family', 'linder', 55, true),
  ('family', 'lindgren', 33, true),
  ('family', 'lindley', 44, true),
  ('family', 'lindquist', 44, true),
  ('family', 'lindsay', 132, true),
  ('family', 'lindsey', 297, true),
  ('family', 'lindstrom', 33, true),
  ('family', 'link', 88, true),
  ('family', 'linkous', 33, true),
  ('family', 'linn', 55, true),
  ('family', 'linton', 55, true),
  ('family', 'linville', 33, true),
  ('family', 'lipscomb', 66, true),
  ('family', 'lira', 44, true),
  ('family', 'lister', 33, true),
  ('family', 'little', 506, true),
  ('family', 'littlefield', 55, true),
  ('family', 'littlejohn', 66, true),
  ('family', 'littleton', 44, true),
  ('family', 'liu', 55, true),
  ('family', 'lively', 44, true),
  ('family', 'livingston', 187, true),
  ('family', 'lloyd', 264, true),
  ('family', 'lo', 44, true),
  ('family', 'lock', 22, true),
  ('family', 'locke', 110, true),
  ('family', 'lockett', 88, true),
  ('family', 'lockhart', 121, true),
  ('family', 'locklear', 44, true),
  ('family', 'lockwood', 88, true),
  ('family', 'loera', 33, true),
  ('family', 'loftin', 33, true),
  ('family', 'loftis', 44, true),
  ('family', 'lofton', 66, true),
  ('family', 'loftus', 22, true),
  ('family', 'logan', 275, true),
  ('family', 'logsdon', 44, true),
  ('family', 'logue', 33, true),
  ('family', 'lohr', 22, true),
  ('family', 'lomax', 44, true),
  ('family', 'lombard', 33, true),
  ('family', 'lombardi', 44, true),
  ('family', 'lombardo', 55, true),
  ('family', 'london', 77, true),
  ('family', 'long', 1012, true),
  ('family', 'longo', 33, true),
  ('family', 'longoria', 77, true),
  ('family', 'loomis', 66, true),
  ('family', 'looney', 77, true),
  ('family', 'loper', 33, true),
  ('family', 'lopes', 66, true),
  ('family', 'lopez', 2057, true),
  ('family', 'lord', 110, true),
  ('family', 'lorenz', 55, true),
  ('family', 'lorenzo', 44, true),
  ('family', 'lott', 154, true),
  ('family', 'louis', 88, true),
  ('family', 'love', 385, true),
  ('family', 'lovejoy', 33, true),
  ('family', 'lovelace', 55, true),
  ('family', 'loveless', 33, true),
  ('family', 'lovell', 99, true),
  ('family', 'lovett', 88, true),
  ('family', 'loving', 33, true),
  ('family', 'low', 44, true),
  ('family', 'lowe', 429, true),
  ('family', 'lowell', 33, true),
  ('family', 'lowery', 198, true),
  ('family', 'lowman', 33, true),
  ('family', 'lowry', 110, true),
  ('family', 'loy', 33, true),
  ('family', 'loya', 33, true),
  ('family', 'loyd', 66, true),
  ('family', 'lozano', 132, true),
  ('family', 'lu', 44, true),
  ('family', 'lucas', 418, true),
  ('family', 'luce', 44, true),
  ('family', 'lucero', 132, true),
  ('family', 'luciano', 33, true),
  ('family', 'luckett', 44, true),
  ('family', 'ludwig', 66, true),
  ('family', 'lugo', 121, true),
  ('family', 'luis', 33, true),
  ('family', 'lujan', 77, true),
  ('family', 'luke', 66, true),
  ('family', 'lumpkin', 44, true),
  ('family', 'luna', 253, true),
  ('family', 'lund', 99, true),
  ('family', 'lundberg', 33, true),
  ('family', 'lundgren', 22, true),
  ('family', 'lundy', 77, true),
  ('family', 'lunn', 22, true),
  ('family', 'lunsford', 66, true),
  ('family', 'luong', 33, true),
  ('family', 'lusk', 77, true),
  ('family', 'luster', 33, true),
  ('family', 'luther', 55, true),
  ('family', 'luttrell', 33, true),
  ('family', 'lutz', 121, true),
  ('family', 'ly', 66, true),
  ('family', 'lyle', 66, true),
  ('family', 'lyles', 88, true),
  ('family', 'lyman', 55, true),
  ('family', 'lynch', 495, true),
  ('family', 'lynn', 154, true),
  ('family', 'lyon', 121, true),
  ('family', 'lyons', 363, true),
  ('family', 'lytle', 55, true),
  ('family', 'ma', 44, true),
  ('family', 'maas', 33, true),
  ('family', 'mabe', 33, true),
  ('family', 'mabry', 66, true),
  ('family', 'macdonald', 165, true),
  ('family', 'mace', 44, true),
  ('family', 'machado', 55, true),
  ('family', 'macias', 143, true),
  ('family', 'mack', 341, true),
  ('family', 'mackay', 33, true),
  ('family', 'mackenzie', 55, true),
  ('family', 'mackey', 121, true),
  ('family', 'mackie', 33, true),
  ('family', 'macklin', 33, true),
  ('family', 'maclean', 33, true),
  ('family', 'macleod', 33, true),
  ('family', 'macmillan', 22, true),
  ('family', 'macon', 44, true),
  ('family', 'macpherson', 22, true),
  ('family', 'madden', 143, true),
  ('family', 'maddox', 176, true),
  ('family', 'madera', 33, true),
  ('family', 'madigan', 22, true),
  ('family', 'madison', 121, true),
  ('family', 'madrid', 77, true),
  ('family', 'madrigal', 55, true),
  ('family', 'madsen', 66, true),
  ('family', 'maes', 33, true),
  ('family', 'maestas', 44, true),
  ('family', 'magana', 55, true),
  ('family', 'magee', 121, true),
  ('family', 'maggard', 33, true),
  ('family', 'magnuson', 33, true),
  ('family', 'maguire', 55, true),
  ('family', 'mahaffey', 33, true),
  ('family', 'mahan', 55, true),
  ('family', 'maher', 77, true),
  ('family', 'mahon', 55, true),
  ('family', 'mahoney', 121, true),
  ('family', 'maier', 44, true),
  ('family', 'main', 55, true),
  ('family', 'major', 99, true),
  ('family', 'majors', 44, true),
  ('family', 'maki', 33, true),
  ('family', 'malcolm', 44, true),
  ('family', 'maldonado', 319, true),
  ('family', 'mallard', 22, true),
  ('family', 'malley', 33, true),
  ('family', 'mallory', 66, true),
  ('family', 'malloy', 66, true),
  ('family', 'malone', 308, true),
  ('family', 'maloney', 121, true),
  ('family', 'mancini', 33, true),
  ('family', 'mancuso', 44, true),
  ('family', 'maness', 33, true),
  ('family', 'mangum', 44, true),
  ('family', 'manley', 121, true),
  ('family', 'mann', 341, true),
  ('family', 'manning', 330, true),
  ('family', 'manns', 33, true),
  ('family', 'mansfield', 88, true),
  ('family', 'manson', 33, true),
  ('family', 'manuel', 110, true),
  ('family', 'manzo', 33, true),
  ('family', 'maple', 33, true),
  ('family', 'maples', 44, true),
  ('family', 'marble', 33, true),
  ('family', 'march', 44, true),
  ('family', 'marchand', 33, true),
  ('family', 'marcotte', 33, true),
  ('family', 'marcum', 88, true),
  ('family', 'marcus', 77, true),
  ('family', 'mares', 44, true),
  ('family', 'marin', 88, true),
  ('family', 'marino', 99, true),
  ('family', 'marion', 77, true),
  ('family', 'mark', 55, true),
  ('family', 'markham', 55, true),
  ('family', 'markley', 33, true),
  ('family', 'marks', 198, true),
  ('family', 'marler', 33, true),
  ('family', 'marlow', 55, true),
  ('family', 'marlowe', 33, true),
  ('family', 'marquardt', 22, true),
  ('family', 'marquez', 253, true),
  ('family', 'marquis', 44, true),
  ('family', 'marr', 44, true),
  ('family', 'marra', 22, true),
  ('family', 'marrero', 99, true),
  ('family', 'marroquin', 44, true),
  ('family', 'marsh', 275, true),
  ('family', 'marshall', 825, true),
  ('family', 'martel', 55, true),
  ('family', 'martell', 44, true),
  ('family', 'martens', 33, true),
  ('family', 'martin', 3003, true),
  ('family', 'martindale', 33, true),
  ('family', 'martinez', 2574, true),
  ('family', 'martino', 55, true),
  ('family', 'martins', 33, true),
  ('family', 'martinson', 33, true),
  ('family', 'martz', 33, true),
  ('family', 'marvin', 44, true),
  ('family', 'marx', 44, true),
  ('family', 'mason', 748, true),
  ('family', 'massey', 264, true),
  ('family', 'massie', 44, true),
  ('family', 'mast', 33, true),
  ('family', 'masters', 77, true),
  ('family', 'masterson', 44, true),
  ('family', 'mata', 110, true),
  ('family', 'matheny', 44, true),
  ('family', 'matheson', 33, true),
  ('family', 'mathews', 231, true),
  ('family', 'mathias', 33, true),
  ('family', 'mathis', 264, true),
  ('family', 'matias', 22, true),
  ('family', 'matlock', 66, true),
  ('family', 'matney', 33, true),
  ('family', 'matos', 77, true),
  ('family', 'matson', 66, true),
  ('family', 'matteson', 33, true),
  ('family', 'matthew', 44, true),
  ('family', 'matthews', 616, true),
  ('family', 'mattingly', 55, true),
  ('family', 'mattison', 44, true),
  ('family', 'mattos', 33, true),
  ('family', 'mattox', 55, true),
  ('family', 'mattson', 66, true),
  ('family', 'mauldin', 55, true),
  ('family', 'maupin', 33, true),
  ('family', 'maurer', 77, true),
  ('family', 'mauro', 33, true),
  ('family', 'maxey', 44, true),
  ('family', 'maxfield', 33, true),
  ('family', 'maxwell', 308, true),
  ('family', 'may', 440, true),
  ('family', 'mayberry', 77, true),
  ('family', 'mayer', 143, true),
  ('family', 'mayers', 33, true),
  ('family', 'mayes', 121, true),
  ('family', 'mayfield', 132, true),
  ('family', 'mayhew', 33, true),
  ('family', 'maynard', 198, true),
  ('family', 'mayo', 154, true),
  ('family', 'mays', 176, true),
  ('family', 'mazza', 33, true),
  ('family', 'mcadams', 44, true),
  ('family', 'mcafee', 44, true),
  ('family', 'mcalister', 44, true),
  ('family', 'mcallister', 121, true),
  ('family', 'mcarthur', 44, true),
  ('family', 'mcbee', 33, true),
  ('family', 'mcbride', 286, true),
  ('family', 'mccabe', 110, true),
  ('family', 'mccaffrey', 33, true),
  ('family', 'mccain', 99, true),
  ('family', 'mccall', 198, true),
  ('family', 'mccallister', 33, true),
  ('family', 'mccallum', 33, true),
  ('family', 'mccann', 121, true),
  ('family', 'mccants', 33, true),
  ('family', 'mccarter', 44, true),
  ('family', 'mccarthy', 297, true),
  ('family', 'mccartney', 55, true),
  ('family', 'mccarty', 154, true),
  ('family', 'mccaskill', 33, true),
  ('family', 'mccauley', 99, true),
  ('family', 'mcclain', 231, true),
  ('family', 'mcclanahan', 44, true),
  ('family', 'mcclary', 33, true),
  ('family', 'mccleary', 33, true),
  ('family', 'mcclellan', 99, true),
  ('family', 'mcclelland', 66, true),
  ('family', 'mcclendon', 99, true),
  ('family', 'mcclintock', 44, true),
  ('family', 'mcclinton', 33, true),
  ('family', 'mccloskey', 33, true),
  ('family', 'mccloud', 66, true),
  ('family', 'mcclung', 44, true),
  ('family', 'mcclure', 198, true),
  ('family', 'mccollum', 88, true),
  ('family', 'mccombs', 44, true),
  ('family', 'mcconnell', 176, true),
  ('family', 'mccool', 33, true),
  ('family', 'mccord', 99, true),
  ('family', 'mccorkle', 44, true),
  ('family', 'mccormack', 55, true),
  ('family', 'mccormick', 275, true),
  ('family', 'mccoy', 528, true),
  ('family', 'mccracken', 77, true),
  ('family', 'mccrary', 55, true),
  ('family', 'mccray', 143, true),
  ('family', 'mccreary', 33, true),
  ('family', 'mccrory', 22, true),
  ('family', 'mccue', 33, true),
  ('family', 'mcculloch', 44, true),
  ('family', 'mccullough', 176, true),
  ('family', 'mccune', 33, true),
  ('family', 'mccurdy', 55, true),
  ('family', 'mccurry', 33, true),
  ('family', 'mccutcheon', 33, true),
  ('family', 'mcdade', 33, true),
  ('family', 'mcdaniel', 396, true),
  ('family', 'mcdaniels', 33, true),
  ('family', 'mcdermott', 110, true),
  ('family', 'mcdonald', 825, true),
  ('family', 'mcdonnell', 44, true),
  ('family', 'mcdonough', 88, true),
  ('family', 'mcdougal', 33, true),
  ('family', 'mcdougall', 33, true),
  ('family', 'mcdowell', 209, true),
  ('family', 'mcduffie', 55, true),
  ('family', 'mcelroy', 110, true),
  ('family', 'mcewen', 33, true),
  ('family', 'mcfadden', 143, true),
  ('family', 'mcfall', 33, true),
  ('family', 'mcfarland', 165, true),
  ('family', 'mcfarlane', 44, true),
  ('family', 'mcgee', 341, true),
  ('family', 'mcgehee', 33, true),
  ('family', 'mcghee', 121, true),
  ('family', 'mcgill', 110, true),
  ('family', 'mcginnis', 121, true),
  ('family', 'mcgough', 22, true),
  ('family', 'mcgovern', 44, true),
  ('family', 'mcgowan', 143, true),
  ('family', 'mcgrath', 121, true),
  ('family', 'mcgraw', 88, true),
  ('family', 'mcgregor', 55, true),
  ('family', 'mcgrew', 44, true),
  ('family', 'mcgriff', 33, true),
  ('family', 'mcguire', 253, true),
  ('family', 'mchenry', 44, true),
  ('family', 'mchugh', 66, true),
  ('family', 'mcinnis', 33, true),
  ('family', 'mcintire', 44, true),
  ('family', 'mcintosh', 176, true),
  ('family', 'mcintyre', 165, true),
  ('family', 'mckay', 154, true),
  ('family', 'mckee', 187, true),
  ('family', 'mckeever', 33, true),
  ('family', 'mckenna', 88, true),
  ('family', 'mckenney', 33, true),
  ('family', 'mckenzie', 253, true),
  ('family', 'mckeon', 33, true),
  ('family', 'mckeown', 33, true),
  ('family', 'mckinley', 99, true),
  ('family', 'mckinney', 418, true),
  ('family', 'mckinnon', 66, true),
  ('family', 'mcknight', 176, true),
  ('family', 'mclain', 66, true),
  ('family', 'mclane', 22, true),
  ('family', 'mclaughlin', 286, true),
  ('family', 'mclaurin', 44, true),
  ('family', 'mclean', 198, true),
  ('family', 'mclemore', 44, true),
  ('family', 'mclendon', 44, true),
  ('family', 'mcleod', 143, true),
  ('family', 'mcmahan', 55, true),
  ('family', 'mcmahon', 132, true),
  ('family', 'mcmanus', 88, true),
  ('family', 'mcmaster', 33, true),
  ('family', 'mcmichael', 22, true),
  ('family', 'mcmillan', 176, true),
  ('family', 'mcmillen', 33, true),
  ('family', 'mcmillian', 66, true),
  ('family', 'mcmullen', 88, true),
  ('family', 'mcmullin', 22, true),
  ('family', 'mcmurray', 44, true),
  ('family', 'mcnabb', 44, true),
  ('family', 'mcnair', 88, true),
  ('family', 'mcnally', 77, true),
  ('family', 'mcnamara', 88, true),
  ('family', 'mcnamee', 22, true),
  ('family', 'mcneal', 99, true),
  ('family', 'mcneely', 44, true),
  ('family', 'mcneil', 165, true),
  ('family', 'mcneill', 99, true),
  ('family', 'mcnulty', 44, true),
  ('family', 'mcnutt', 44, true),
  ('family', 'mcpherson', 143, true),
  ('family', 'mcqueen', 99, true),
  ('family', 'mcrae', 88, true),
  ('family', 'mcreynolds', 33, true),
  ('family', 'mcswain', 33, true),
  ('family', 'mcvay', 33, true),
  ('family', 'mcvey', 44, true),
  ('family', 'mcwhorter', 55, true),
  ('family', 'mcwilliams', 88, true),
  ('family', 'meacham', 33, true),
  ('family', 'mead', 88, true),
  ('family', 'meade', 110, true),
  ('family', 'meador', 55, true),
  ('family', 'meadows', 176, true),
  ('family', 'means', 77, true),
  ('family', 'mears', 33, true),
  ('family', 'medeiros', 77, true),
  ('family', 'medina', 462, true),
  ('family', 'medley', 66, true),
  ('family', 'medlin', 44, true),
  ('family', 'medlock', 33, true),
  ('family', 'medrano', 77, true),
  ('family', 'meehan', 55, true),
  ('family', 'meek', 55, true),
  ('family', 'meeker', 33, true),
  ('family', 'meeks', 132, true),
  ('family', 'meier', 77, true),
  ('family', 'mejia', 176, true),
  ('family', 'melancon', 33, true),
  ('family', 'melendez', 165, true),
  ('family', 'mello', 44, true),
  ('family', 'melton', 231, true),
  ('family', 'melvin', 88, true),
  ('family', 'mena', 44, true),
  ('family', 'menard', 55, true),
  ('family', 'mendenhall', 44, true),
  ('family', 'mendes', 22, true),
  ('family', 'mendez', 396, true),
  ('family', 'mendoza', 473, true),
  ('family', 'menendez', 33, true),
  ('family', 'mercado', 187, true),
  ('family', 'mercer', 154, true),
  ('family', 'merchant', 66, true),
  ('family', 'mercier', 44, true),
  ('family', 'meredith', 99, true),
  ('family', 'merrell', 33, true),
  ('family', 'merrick', 44, true),
  ('family', 'merrill', 143, true),
  ('family', 'merriman', 33, true),
  ('family', 'merritt', 209, true),
  ('family', 'mesa', 33, true),
  ('family', 'messenger', 33, true),
  ('family', 'messer', 99, true),
  ('family', 'messina', 44, true),
  ('family', 'metcalf', 99, true),
  ('family', 'metz', 88, true),
  ('family', 'metzger', 66, true),
  ('family', 'metzler', 33, true),
  ('family', 'meyer', 528, true),
  ('family', 'meyers', 220, true),
  ('family', 'meza', 99, true),
  ('family', 'michael', 154, true),
  ('family', 'michaels', 55, true),
  ('family', 'michaud', 88, true),
  ('family', 'michel', 88, true),
  ('family', 'michels', 22, true),
  ('family', 'mickens', 33, true),
  ('family', 'middleton', 176, true),
  ('family', 'milam', 55, true),
  ('family', 'milburn', 44, true),
  ('family', 'miles', 418, true),
  ('family', 'miley', 22, true),
  ('family', 'millard', 55, true),
  ('family', 'miller', 4664, true),
  ('family', 'milligan', 110, true),
  ('family', 'milliken', 33, true),
  ('family', 'mills', 671, true),
  ('family', 'milne', 33, true),
  ('family', 'milner', 55, true),
  ('family', 'milton', 110, true),
  ('family', 'mims', 88, true),
  ('family', 'miner', 99, true),
  ('family', 'minnick', 33, true),
  ('family', 'minor', 132, true),
  ('family', 'minter', 44, true),
  ('family', 'minton', 66, true),
  ('family', 'mintz', 33, true),
  ('family', 'miranda', 209, true),
  ('family', 'mireles', 44, true),
  ('family', 'mitchel', 22, true),
  ('family', 'mitchell', 1760, true),
  ('family', 'mixon', 66, true),
  ('family', 'mize', 55, true),
  ('family', 'mobley', 121, true),
  ('family', 'mock', 77, true),
  ('family', 'moe', 44, true),
  ('family', 'moeller', 55, true),
  ('family', 'moen', 33, true),
  ('family', 'moffett', 55, true),
  ('family', 'moffitt', 44, true),
  ('family', 'mohr', 77, true),
  ('family', 'mojica', 44, true),
  ('family', 'molina', 242, true),
  ('family', 'moll', 33, true),
  ('family', 'monaco', 33, true),
  ('family', 'monaghan', 33, true),
  ('family', 'monahan', 55, true),
  ('family', 'mondragon', 22, true),
  ('family', 'money', 33, true),
  ('family', 'moniz', 33, true),
  ('family', 'monk', 55, true),
  ('family', 'monroe', 242, true),
  ('family', 'monson', 44, true),
  ('family', 'montague', 44, true),
  ('family', 'montalvo', 55, true),
  ('family', 'montanez', 55, true),
  ('family', 'montano', 88, true),
  ('family', 'montemayor', 33, true),
  ('family', 'montenegro', 22, true),
  ('family', 'montero', 33, true),
  ('family', 'montes', 121, true),
  ('family', 'montez', 33, true),
  ('family', 'montgomery', 539, true),
  ('family', 'montoya', 209, true),
  ('family', 'moody', 308, true),
  ('family', 'moon', 176, true),
  ('family', 'mooney', 143, true),
  ('family', 'moore', 3432, true),
  ('family', 'moorman', 33, true),
  ('family', 'mora', 132, true),
  ('family', 'morales', 737, true),
  ('family', 'moran', 286, true),
  ('family', 'moreau', 44, true),
  ('family', 'morehead', 33, true),
  ('family', 'moreland', 77, true),
  ('family', 'moreno', 473, true),
  ('family', 'morey', 44, true),
  ('family', 'morgan', 1298, true),
  ('family', 'moriarty', 33, true),
  ('family', 'morin', 165, true),
  ('family', 'morley', 44, true),
  ('family', 'morrell', 55, true),
  ('family', 'morrill', 33, true),
  ('family', 'morris', 1375, true),
  ('family', 'morrison', 528, true),
  ('family', 'morrissey', 55, true),
  ('family', 'morrow', 242, true),
  ('family', 'morse', 187, true),
  ('family', 'mortensen', 33, true),
  ('family', 'morton', 275, true),
  ('family', 'mosby', 33, true),
  ('family', 'moseley', 88, true),
  ('family', 'moser', 121, true),
  ('family', 'moses', 209, true),
  ('family', 'mosher', 66, true),
  ('family', 'mosier', 33, true),
  ('family', 'mosley', 231, true),
  ('family', 'moss', 341, true),
  ('family', 'mota', 22, true),
  ('family', 'moten', 22, true),
  ('family', 'motley', 55, true),
  ('family', 'mott', 66, true),
  ('family', 'moulton', 55, true),
  ('family', 'moultrie', 33, true),
  ('family', 'mount', 33, true),
  ('family', 'mouton', 22, true),
  ('family', 'mowery', 33, true),
  ('family', 'moya', 55, true),
  ('family', 'moye', 44, true),
  ('family', 'moyer', 121, true),
  ('family', 'mueller', 220, true),
  ('family', 'muhammad', 33, true),
  ('family', 'muir', 33, true),
  ('family', 'mulkey', 33, true),
  ('family', 'mull', 44, true),
  ('family', 'mullen', 154, true),
  ('family', 'muller', 99, true),
  ('family', 'mulligan', 44, true),
  ('family', 'mullin', 44, true),
  ('family', 'mullins', 363, true),
  ('family', 'mullis', 33, true),
  ('family', 'muncy', 44, true),
  ('family', 'mundy', 33, true),
  ('family', 'munger', 22, true),
  ('family', 'muniz', 110, true),
  ('family', 'munn', 33, true),
  ('family', 'munoz', 374, true),
  ('family', 'munson', 77, true),
  ('family', 'murdock', 99, true),
  ('family', 'murillo', 88, true),
  ('family', 'murphy', 1287, true),
  ('family', 'murray', 814, true),
  ('family', 'murrell', 55, true),
  ('family', 'murry', 66, true),
  ('family', 'muse', 44, true),
  ('family', 'musgrove', 33, true),
  ('family', 'musselman', 22, true),
  ('family', 'musser', 33, true),
  ('family', 'myers', 913, true),
  ('family', 'myles', 77, true),
  ('family', 'myrick', 77, true),
  ('family', 'nabors', 33, true),
  ('family', 'nadeau', 88, true),
  ('family', 'nagel', 44, true),
  ('family', 'nagle', 44, true),
  ('family', 'nagy', 44, true),
  ('family', 'nail', 22, true),
  ('family', 'najera', 33, true),
  ('family', 'nakamura', 33, true),
  ('family', 'nall', 33, true),
  ('family', 'nance', 110, true),
  ('family', 'napier', 77, true),
  ('family', 'naquin', 66, true),
  ('family', 'naranjo', 33, true),
  ('family', 'narvaez', 33, true),
  ('family', 'nash', 253, true),
  ('family', 'nason', 22, true),
  ('family', 'nathan', 33, true),
  ('family', 'nation', 33, true),
  ('family', 'nava', 77, true),
  ('family', 'navarrete', 33, true),
  ('family', 'navarro', 220, true),
  ('family', 'naylor', 66, true),
  ('family', 'neal', 429, true),
  ('family', 'nealy', 33, true),
  ('family', 'necaise', 22, true),
  ('family', 'needham', 44, true),
  ('family', 'neel', 33, true),
  ('family', 'neeley', 44, true),
  ('family', 'neely', 110, true),
  ('family', 'neff', 77, true),
  ('family', 'negrete', 44, true),
  ('family', 'negron', 77, true),
  ('family', 'neil', 44, true),
  ('family', 'neill', 44, true),
  ('family', 'nelms', 33, true),
  ('family', 'nelson', 1782, true),
  ('family', 'nemeth', 22, true),
  ('family', 'nesbitt', 66, true),
  ('family', 'nesmith', 33, true),
  ('family', 'ness', 44, true),
  ('family', 'nestor', 33, true),
  ('family', 'nettles', 44, true),
  ('family', 'neuman', 44, true),
  ('family', 'neumann', 55, true),
  ('family', 'nevarez', 33, true),
  ('family', 'neville', 44, true),
  ('family', 'new', 44, true),
  ('family', 'newberry', 55, true),
  ('family', 'newby', 66, true),
  ('family', 'newcomb', 66, true),
  ('family', 'newell', 132, true),
  ('family', 'newkirk', 44, true),
  ('family', 'newman', 396, true),
  ('family', 'newsom', 55, true),
  ('family', 'newsome', 121, true),
  ('family', 'newton', 330, true),
  ('family', 'ng', 55, true),
  ('family', 'ngo', 55, true),
  ('family', 'nguyen', 506, true),
  ('family', 'nicholas', 99, true),
  ('family', 'nichols', 660, true),
  ('family', 'nicholson', 242, true),
  ('family', 'nickel', 33, true),
  ('family', 'nickerson', 77, true),
  ('family', 'nielsen', 143, true),
  ('family', 'nielson', 55, true),
  ('family', 'nieto', 55, true),
  ('family', 'nieves', 132, true),
  ('family', 'niles', 44, true),
  ('family', 'nix', 110, true),
  ('family', 'nixon', 198, true),
  ('family', 'noble', 187, true),
  ('family', 'nobles', 55, true),
  ('family', 'noe', 55, true),
  ('family', 'noel', 132, true),
  ('family', 'nolan', 176, true),
  ('family', 'noland', 55, true),
  ('family', 'nolen', 55, true),
  ('family', 'noll', 33, true),
  ('family', 'noonan', 44, true),
  ('family', 'norfleet', 33, true),
  ('family', 'noriega', 44, true),
  ('family', 'norman', 308, true),
  ('family', 'norris', 385, true),
  ('family', 'north', 77, true),
  ('family', 'norton', 264, true),
  ('family', 'norwood', 110, true),
  ('family', 'novak', 110, true),
  ('family', 'novotny', 33, true),
  ('family', 'nowak', 55, true),
  ('family', 'nowell', 22, true),
  ('family', 'nowlin', 33, true),
  ('family', 'noyes', 44, true),
  ('family', 'nugent', 66, true),
  ('family', 'null', 33, true),
  ('family', 'numbers', 110, true),
  ('family', 'nunes', 33, true),
  ('family', 'nunez', 286, true),
  ('family', 'nunley', 33, true),
  ('family', 'nunn', 66, true),
  ('family', 'nutt', 33, true),
  ('family', 'nutter', 33, true),
  ('family', 'nye', 44, true),
  ('family', 'oakes', 88, true),
  ('family', 'oakley', 77, true),
  ('family', 'oaks', 33, true),
  ('family', 'oates', 33, true),
  ('family', 'obrien', 429, true),
  ('family', 'obryan', 33, true),
  ('family', 'ocampo', 44, true),
  ('family', 'ocasio', 44, true),
  ('family', 'ochoa', 165, true),
  ('family', 'ochs', 33, true),
  ('family', 'oconnell', 132, true),
  ('family', 'oconner', 33, true),
  ('family', 'oconnor', 242, true),
  ('family', 'odell', 132, true),
  ('family', 'oden', 33, true),
  ('family', 'odom', 143, true),
  ('family', 'odonnell', 154, true),
  ('family', 'odum', 33, true),
  ('family', 'ogden', 77, true),
  ('family', 'ogle', 55, true),
  ('family', 'oglesby', 44, true),
  ('family', 'oh', 33, true),
  ('family', 'ohara', 88, true),
  ('family', 'ojeda', 55, true),
  ('family', 'okeefe', 55, true),
  ('family', 'oldham', 55, true),
  ('family', 'olds', 33, true),
  ('family', 'oleary', 77, true),
  ('family', 'oliphant', 33, true),
  ('family', 'oliva', 44, true),
  ('family', 'olivares', 55, true),
  ('family', 'olivarez', 44, true),
  ('family', 'olivas', 44, true),
  ('family', 'olive', 33, true),
  ('family', 'oliveira', 33, true),
  ('family', 'oliver', 550, true),
  ('family', 'olivo', 33, true),
  ('family', 'olmstead', 44, true),
  ('family', 'olsen', 220, true),
  ('family', 'olson', 605, true),
  ('family', 'olvera', 44, true),
  ('family', 'omalley', 44, true),
  ('family', 'oneal', 242, true),
  ('family', 'oneil', 132, true),
  ('family', 'oneill', 176, true),
  ('family', 'ontiveros', 44, true),
  ('family', 'oquendo', 22, true),
  ('family', 'ordonez', 33, true),
  ('family', 'oreilly', 33, true),
  ('family', 'orellana', 33, true),
  ('family', 'orlando', 44, true),
  ('family', 'ornelas', 55, true),
  ('family', 'orosco', 33, true),
  ('family', 'orourke', 55, true),
  ('family', 'orozco', 121, true),
  ('family', 'orr', 209, true),
  ('family', 'orta', 33, true),
  ('family', 'ortega', 319, true),
  ('family', 'orth', 22, true),
  ('family', 'ortiz', 825, true),
  ('family', 'orton', 22, true),
  ('family', 'osborn', 154, true),
  ('family', 'osborne', 297, true),
  ('family', 'osburn', 33, true),
  ('family', 'osgood', 33, true),
  ('family', 'oshea', 33, true),
  ('family', 'osorio', 44, true),
  ('family', 'osteen', 33, true),
  ('family', 'ostrander', 44, true),
  ('family', 'osullivan', 33, true),
  ('family', 'oswald', 44, true),
  ('family', 'oswalt', 33, true),
  ('family', 'otero', 77, true),
  ('family', 'otis', 44, true),
  ('family', 'otoole', 44, true),
  ('family', 'ott', 88, true),
  ('family', 'otto', 77, true),
  ('family', 'ouellette', 77, true),
  ('family', 'outlaw', 55, true),
  ('family', 'overby', 33, true),
  ('family', 'overstreet', 55, true),
  ('family', 'overton', 88, true),
  ('family', 'owen', 275, true),
  ('family', 'owens', 858, true),
  ('family', 'pace', 187, true),
  ('family', 'pacheco', 209, true),
  ('family', 'pack', 77, true),
  ('family', 'packard', 44, true),
  ('family', 'packer', 33, true),
  ('family', 'padgett', 99, true),
  ('family', 'padilla', 286, true),
  ('family', 'pagan', 110, true),
  ('family', 'page', 374, true),
  ('family', 'paige', 110, true),
  ('family', 'paine', 55, true),
  ('family', 'painter', 88, true),
  ('family', 'pak', 33, true),
  ('family', 'palacios', 99, true),
  ('family', 'palma', 44, true),
  ('family', 'palmer', 682, true),
  ('family', 'palumbo', 44, true),
  ('family', 'pannell', 44, true),
  ('family', 'pantoja', 33, true),
  ('family', 'pape', 33, true),
  ('family', 'pappas', 44, true),
  ('family', 'paquette', 66, true),
  ('family', 'paradis', 44, true),
  ('family', 'pardo', 33, true),
  ('family', 'paredes', 33, true),
  ('family', 'parent', 44, true),
  ('family', 'parham', 88, true),
  ('family', 'paris', 55, true),
  ('family', 'parish', 66, true),
  ('family', 'park', 275, true),
  ('family', 'parker', 1606, true),
  ('family', 'parkinson', 33, true),
  ('family', 'parks', 385, true),
  ('family', 'parnell', 66, true),
  ('family', 'parr', 77, true),
  ('family', 'parra', 77, true),
  ('family', 'parris', 55, true),
  ('family', 'parrish', 220, true),
  ('family', 'parrott', 55, true),
  ('family', 'parry', 44, true),
  ('family', 'parson', 77, true),
  ('family', 'parsons', 286, true),
  ('family', 'partin', 44, true),
  ('family', 'partridge', 44, true),
  ('family', 'passmore', 33, true),
  ('family', 'pate', 143, true),
  ('family', 'patel', 220, true),
  ('family', 'paterson', 33, true),
  ('family', 'patino', 33, true),
  ('family', 'patrick', 264, true),
  ('family', 'patten', 66, true),
  ('family', 'patterson', 1012, true),
  ('family', 'patton', 319, true),
  ('family', 'paul', 297, true),
  ('family', 'pauley', 44, true),
  ('family', 'paulk', 22, true),
  ('family', 'paulsen', 44, true),
  ('family', 'paulson', 77, true),
  ('family', 'paxton', 55, true),
  ('family', 'payne', 627, true),
  ('family', 'payton', 110, true),
  ('family', 'paz', 44, true),
  ('family', 'peace', 33, true),
  ('family', 'peachey', 66, true),
  ('family', 'peacock', 88, true),
  ('family', 'peak', 44, true),
  ('family', 'pearce', 132, true),
  ('family', 'pearl', 22, true),
  ('family', 'pearsall', 22, true),
  ('family', 'pearson', 462, true),
  ('family', 'pease', 55, true),
  ('family', 'peck', 165, true),
  ('family', 'pedersen', 55, true),
  ('family', 'pederson', 55, true),
  ('family', 'pedigo', 22, true),
  ('family', 'pedroza', 22, true),
  ('family', 'peebles', 44, true),
  ('family', 'peek', 44, true),
  ('family', 'peel', 33, true),
  ('family', 'peeler', 33, true),
  ('family', 'peeples', 33, true),
  ('family', 'pellegrino', 22, true),
  ('family', 'pelletier', 88, true),
  ('family', 'peltier', 33, true),
  ('family', 'pemberton', 55, true),
  ('family', 'pena', 407, true),
  ('family', 'pence', 44, true),
  ('family', 'pender', 33, true),
  ('family', 'pendergrass', 44, true),
  ('family', 'pendleton', 77, true),
  ('family', 'penn', 99, true),
  ('family', 'pennell', 33, true),
  ('family', 'pennington', 176, true),
  ('family', 'penny', 44, true),
  ('family', 'penrod', 22, true),
  ('family', 'peoples', 99, true),
  ('family', 'pepper', 66, true),
  ('family', 'perales', 33, true),
  ('family', 'peralta', 66, true),
  ('family', 'perdue', 77, true),
  ('family', 'perea', 33, true),
  ('family', 'pereira', 77, true),
  ('family', 'perez', 1705, true),
  ('family', 'perkins', 638, true),
  ('family', 'perreault', 33, true),
  ('family', 'perrin', 33, true),
  ('family', 'perron', 33, true),
  ('family', 'perry', 1034, true),
  ('family', 'perryman', 55, true),
  ('family', 'person', 77, true),
  ('family', 'peter', 33, true),
  ('family', 'peterman', 44, true),
  ('family', 'peters', 572, true),
  ('family', 'petersen', 220, true),
  ('family', 'peterson', 1177, true),
  ('family', 'petit', 33, true),
  ('family', 'petrie', 33, true),
  ('family', 'pettigrew', 33, true),
  ('family', 'pettis', 33, true),
  ('family', 'pettit', 77, true),
  ('family', 'pettway', 33, true),
  ('family', 'petty', 165, true),
  ('family', 'peyton', 33, true),
  ('family', 'pfeifer', 33, true),
  ('family', 'pfeiffer', 44, true),
  ('family', 'pham', 88, true),
  ('family', 'phan', 44, true),
  ('family', 'phelan', 44, true),
  ('family', 'phelps', 253, true),
  ('family', 'phifer', 33, true),
  ('family', 'philips', 22, true),
  ('family', 'phillip', 22, true),
  ('family', 'phillips', 1639, true),
  ('family', 'phipps', 110, true),
  ('family', 'piazza', 22, true),
  ('family', 'picard', 44, true),
  ('family', 'pichardo', 22, true),
  ('family', 'pickard', 44, true),
  ('family', 'pickens', 66, true),
  ('family', 'pickering', 55, true),
  ('family', 'pickett', 154, true),
  ('family', 'pierce', 616, true),
  ('family', 'pierre', 99, true),
  ('family', 'pierson', 121, true),
  ('family', 'pike', 121, true),
  ('family', 'pilcher', 33, true),
  ('family', 'pimentel', 55, true),
  ('family', 'pina', 77, true),
  ('family', 'pinckney', 33, true),
  ('family', 'pineda', 110, true),
  ('family', 'pinkerton', 33, true),
  ('family', 'pinkney', 22, true),
  ('family', 'pinkston', 33, true),
  ('family', 'pino', 33, true),
  ('family', 'pinson', 55, true),
  ('family', 'pinto', 44, true),
  ('family', 'piper', 99, true),
  ('family', 'pipkin', 33, true),
  ('family', 'pippin', 33, true),
  ('family', 'pitcher', 22, true),
  ('family', 'pitman', 33, true),
  ('family', 'pitre', 33, true),
  ('family', 'pitt', 44, true),
  ('family', 'pittman', 275, true),
  ('family', 'pitts', 253, true),
  ('family', 'place', 33, true),
  ('family', 'plante', 33, true),
  ('family', 'platt', 88, true),
  ('family', 'pleasant', 33, true),
  ('family', 'plummer', 121, true),
  ('family', 'plunkett', 44, true),
  ('family', 'poe', 110, true),
  ('family', 'pogue', 33, true),
  ('family', 'poindexter', 55, true),
  ('family', 'pointer', 33, true),
  ('family', 'poirier', 66, true),
  ('family', 'polanco', 44, true),
  ('family', 'poland', 33, true),
  ('family', 'poling', 33, true),
  ('family', 'polk', 121, true),
  ('family', 'pollack', 44, true),
  ('family', 'pollard', 154, true),
  ('family', 'pollock', 99, true),
  ('family', 'pomeroy', 33, true),
  ('family', 'ponce', 121, true),
  ('family', 'pond', 44, true),
  ('family', 'ponder', 55, true),
  ('family', 'pool', 66, true),
  ('family', 'poole', 275, true),
  ('family', 'poore', 44, true),
  ('family', 'pope', 308, true),
  ('family', 'popp', 33, true),
  ('family', 'porter', 759, true),
  ('family', 'porterfield', 44, true),
  ('family', 'portillo', 55, true),
  ('family', 'posey', 88, true),
  ('family', 'post', 88, true),
  ('family', 'poston', 44, true),
  ('family', 'potter', 330, true),
  ('family', 'potts', 165, true),
  ('family', 'poulin', 55, true),
  ('family', 'pounds', 33, true),
  ('family', 'powell', 1023, true),
  ('family', 'power', 55, true),
  ('family', 'powers', 385, true),
  ('family', 'prado', 55, true),
  ('family', 'prater', 88, true),
  ('family', 'prather', 77, true),
  ('family', 'pratt', 286, true),
  ('family', 'prentice', 33, true),
  ('family', 'prescott', 66, true),
  ('family', 'presley', 77, true),
  ('family', 'pressley', 55, true),
  ('family', 'preston', 209, true),
  ('family', 'prewitt', 44, true),
  ('family', 'price', 1089, true),
  ('family', 'prichard', 33, true),
  ('family', 'pride', 33, true),
  ('family', 'pridgen', 44, true),
  ('family', 'priest', 66, true),
  ('family', 'prieto', 44, true),
  ('family', 'prince', 198, true),
  ('family', 'pringle', 66, true),
  ('family', 'pritchard', 110, true),
  ('family', 'pritchett', 88, true),
  ('family', 'proctor', 132, true),
  ('family', 'proffitt', 44, true),
  ('family', 'prosser', 33, true),
  ('family', 'provost', 33, true),
  ('family', 'pruett', 66, true),
  ('family', 'pruitt', 209, true),
  ('family', 'pryor', 121, true),
  ('family', 'puckett', 132, true),
  ('family', 'puente', 44, true),
  ('family', 'pugh', 187, true),
  ('family', 'pulido', 44, true),
  ('family', 'pullen', 55, true),
  ('family', 'pulley', 33, true),
  ('family', 'pulliam', 66, true),
  ('family', 'purcell', 88, true),
  ('family', 'purdy', 55, true),
  ('family', 'purnell', 44, true),
  ('family', 'purvis', 77, true),
  ('family', 'putman', 44, true),
  ('family', 'putnam', 88, true),
  ('family', 'pyle', 55, true),
  ('family', 'qualls', 55, true),
  ('family', 'quarles', 55, true),
  ('family', 'queen', 77, true),
  ('family', 'quezada', 55, true),
  ('family', 'quick', 99, true),
  ('family', 'quigley', 55, true),
  ('family', 'quillen', 33, true),
  ('family', 'quinlan', 33, true),
  ('family', 'quinn', 308, true),
  ('family', 'quinones', 110, true),
  ('family', 'quinonez', 33, true),
  ('family', 'quintana', 99, true),
  ('family', 'quintanilla', 55, true),
  ('family', 'quintero', 99, true),
  ('family', 'quiroz', 55, true),
  ('family', 'race', 22, true),
  ('family', 'rader', 66, true),
  ('family', 'radford', 55, true),
  ('family', 'rafferty', 33, true),
  ('family', 'ragan', 44, true),
  ('family', 'ragland', 77, true),
  ('family', 'ragsdale', 66, true),
  ('family', 'raines', 99, true),
  ('family', 'rainey', 110, true),
  ('family', 'rains', 44, true),
  ('family', 'raley', 33, true),
  ('family', 'ralph', 44, true),
  ('family', 'ralston', 55, true),
  ('family', 'ramey', 99, true),
  ('family', 'ramirez', 1155, true),
  ('family', 'ramon', 33, true),
  ('family', 'ramos', 726, true),
  ('family', 'ramsay', 33, true),
  ('family', 'ramsey', 363, true),
  ('family', 'rand', 33, true),
  ('family', 'randall', 242, true),
  ('family', 'randle', 77, true),
  ('family', 'randolph', 198, true),
  ('family', 'raney', 33, true),
  ('family', 'rangel', 132, true),
  ('family', 'rankin', 132, true),
  ('family', 'ransom', 77, true),
  ('family', 'rapp', 55, true),
  ('family', 'rash', 44, true),
  ('family', 'rasmussen', 132, true),
  ('family', 'ratcliff', 55, true),
  ('family', 'ratliff', 143, true),
  ('family', 'rau', 33, true),
  ('family', 'rauch', 33, true),
  ('family', 'rausch', 22, true),
  ('family', 'rawlings', 44, true),
  ('family', 'rawlins', 33, true),
  ('family', 'rawls', 44, true),
  ('family', 'ray', 605, true),
  ('family', 'rayburn', 33, true),
  ('family', 'rayford', 33, true),
  ('family', 'raymond', 143, true),
  ('family', 'raynor', 33, true),
  ('family', 'razo', 33, true),
  ('family', 'rea', 55, true),
  ('family', 'read', 66, true),
  ('family', 'reagan', 66, true),
  ('family', 'reardon', 55, true),
  ('family', 'reaves', 66, true),
  ('family', 'rector', 66, true),
  ('family', 'redd', 66, true),
  ('family', 'redden', 33, true),
  ('family', 'reddick', 44, true),
  ('family', 'redding', 66, true),
  ('family', 'reddy', 33, true),
  ('family', 'redman', 55, true),
  ('family', 'redmon', 33, true),
  ('family', 'redmond', 88, true),
  ('family', 'reece', 110, true),
  ('family', 'reed', 1342, true),
  ('family', 'reeder', 77, true),
  ('family', 'reedy', 44, true),
  ('family', 'rees', 44, true),
  ('family', 'reese', 330, true),
  ('family', 'reeve', 22, true),
  ('family', 'reeves', 352, true),
  ('family', 'regalado', 33, true),
  ('family', 'regan', 66, true),
  ('family', 'register', 33, true),
  ('family', 'reich', 44, true),
  ('family', 'reichert', 33, true),
  ('family', 'reid', 506, true),
  ('family', 'reilly', 143, true),
  ('family', 'reinhardt', 44, true),
  ('family', 'reinhart', 33, true),
  ('family', 'reis', 44, true),
  ('family', 'reiss', 22, true),
  ('family', 'reiter', 44, true),
  ('family', 'reitz', 22, true),
  ('family', 'rendon', 44, true),
  ('family', 'renfro', 44, true),
  ('family', 'renner', 55, true),
  ('family', 'reno', 33, true),
  ('family', 'renteria', 66, true),
  ('family', 'reuter', 33, true),
  ('family', 'rey', 33, true),
  ('family', 'reyes', 726, true),
  ('family', 'reyna', 121, true),
  ('family', 'reynolds', 858, true),
  ('family', 'reynoso', 44, true),
  ('family', 'rhea', 44, true),
  ('family', 'rhoades', 77, true),
  ('family', 'rhoads', 55, true),
  ('family', 'rhoden', 33, true),
  ('family', 'rhodes', 407, true),
  ('family', 'rhyne', 22, true),
  ('family', 'ricci', 44, true),
  ('family', 'rice', 704, true),
  ('family', 'rich', 209, true),
  ('family', 'richard', 253, true),
  ('family', 'richards', 539, true),
  ('family', 'richardson', 1232, true),
  ('family', 'richey', 88, true),
  ('family', 'richie', 44, true),
  ('family', 'richmond', 176, true),
  ('family', 'richter', 99, true),
  ('family', 'rickard', 44, true),
  ('family', 'ricker', 44, true),
  ('family', 'ricketts', 55, true),
  ('family', 'rickman', 33, true),
  ('family', 'ricks', 99, true),
  ('family', 'rico', 55, true),
  ('family', 'riddell', 33, true),
  ('family', 'riddick', 55, true),
  ('family', 'riddle', 154, true),
  ('family', 'ridenour', 33, true),
  ('family', 'rider', 55, true),
  ('family', 'ridgeway', 44, true),
  ('family', 'ridley', 55, true),
  ('family', 'rife', 33, true),
  ('family', 'rigby', 33, true),
  ('family', 'riggins', 44, true),
  ('family', 'riggs', 154, true),
  ('family', 'rigsby', 44, true),
  ('family', 'riley', 583, true),
  ('family', 'rinaldi', 33, true),
  ('family', 'rincon', 22, true),
  ('family', 'rinehart', 55, true),
  ('family', 'ring', 66, true),
  ('family', 'rios', 319, true),
  ('family', 'ripley', 33, true),
  ('family', 'ritchey', 33, true),
  ('family', 'ritchie', 99, true),
  ('family', 'ritter', 121, true),
  ('family', 'rivard', 22, true),
  ('family', 'rivas', 176, true),
  ('family', 'rivera', 1243, true),
  ('family', 'rivero', 22, true),
  ('family', 'rivers', 187, true),
  ('family', 'rizzo', 44, true),
  ('family', 'roach', 176, true),
  ('family', 'roark', 77, true),
  ('family', 'robb', 55, true),
  ('family', 'robbins', 330, true),
  ('family', 'roberge', 33, true),
  ('family', 'roberson', 264, true),
  ('family', 'robert', 55, true),
  ('family', 'roberts', 1683, true),
  ('family', 'robertson', 704, true),
  ('family', 'robey', 33, true),
  ('family', 'robinette', 55, true),
  ('family', 'robins', 55, true),
  ('family', 'robinson', 2563, true),
  ('family', 'robison', 99, true),
  ('family', 'robledo', 22, true),
  ('family', 'robles', 220, true),
  ('family', 'robson', 33, true),
  ('family', 'roby', 44, true),
  ('family', 'rocha', 132, true),
  ('family', 'roche', 66, true),
  ('family', 'rock', 88, true),
  ('family', 'rockwell', 55, true),
  ('family', 'roddy', 22, true),
  ('family', 'roden', 33, true),
  ('family', 'roderick', 33, true),
  ('family', 'rodgers', 330, true),
  ('family', 'rodman', 22, true),
  ('family', 'rodrigue', 33, true),
  ('family', 'rodrigues', 99, true),
  ('family', 'rodriguez', 2519, true),
  ('family', 'rodriquez', 407, true),
  ('family', 'roe', 110, true),
  ('family', 'roger', 33, true),
  ('family', 'rogers', 1353, true),
  ('family', 'rohde', 22, true),
  ('family', 'rohr', 33, true),
  ('family', 'rojas', 198, true),
  ('family', 'roland', 88, true),
  ('family', 'roldan', 33, true),
  ('family', 'roller', 33, true),
  ('family', 'rollins', 165, true),
  ('family', 'roman', 253, true),
  ('family', 'romano', 88, true),
  ('family', 'rome', 22, true),
  ('family', 'romeo', 33, true),
  ('family', 'romero', 495, true),
  ('family', 'romo', 77, true),
  ('family', 'roney', 33, true),
  ('family', 'rooney', 66, true),
  ('family', 'root', 77, true),
  ('family', 'roper', 88, true),
  ('family', 'roque', 33, true),
  ('family', 'rosa', 154, true),
  ('family', 'rosado', 132, true),
  ('family', 'rosales', 143, true),
  ('family', 'rosario', 165, true),
  ('family', 'rosas', 88, true),
  ('family', 'rose', 649, true),
  ('family', 'rosen', 88, true),
  ('family', 'rosenbaum', 33, true),
  ('family', 'rosenberg', 88, true),
  ('family', 'rosenthal', 66, true),
  ('family', 'ross', 1056, true),
  ('family', 'rosser', 33, true),
  ('family', 'rossi', 88, true),
  ('family', 'roth', 198, true),
  ('family', 'rounds', 44, true),
  ('family', 'roundtree', 33, true),
  ('family', 'rountree', 33, true),
  ('family', 'rouse', 132, true),
  ('family', 'roush', 44, true),
  ('family', 'rousseau', 33, true),
  ('family', 'roussel', 33, true),
  ('family', 'rowan', 66, true),
  ('family', 'rowe', 319, true),
  ('family', 'rowell', 77, true),
  ('family', 'rowland', 154, true),
  ('family', 'rowley', 66, true),
  ('family', 'roy', 275, true),
  ('family', 'royal', 55, true),
  ('family', 'roybal', 33, true),
  ('family', 'royer', 33, true),
  ('family', 'royster', 33, true),
  ('family', 'rubin', 77, true),
  ('family', 'rubio', 121, true),
  ('family', 'ruby', 44, true),
  ('family', 'rucker', 121, true),
  ('family', 'rudd', 77, true),
  ('family', 'rudolph', 88, true),
  ('family', 'ruff', 66, true),
  ('family', 'ruffin', 99, true),
  ('family', 'ruiz', 594, true),
  ('family', 'runyan', 33, true),
  ('family', 'runyon', 55, true),
  ('family', 'rupert', 33, true),
  ('family', 'rupp', 33, true),
  ('family', 'rush', 187, true),
  ('family', 'rushing', 88, true),
  ('family', 'russ', 66, true),
  ('family', 'russell', 935, true),
  ('family', 'russo', 176, true),
  ('family', 'rust', 44, true),
  ('family', 'ruth', 66, true),
  ('family', 'rutherford', 121, true),
  ('family', 'rutledge', 143, true),
  ('family', 'rutter', 22, true),
  ('family', 'ryan', 561, true),
  ('family', 'ryder', 66, true),
  ('family', 'saavedra', 44, true),
  ('family', 'sabo', 33, true),
  ('family', 'sacco', 33, true),
  ('family', 'saddler', 22, true),
  ('family', 'sadler', 88, true),
  ('family', 'saenz', 88, true),
  ('family', 'sage', 44, true),
  ('family', 'sager', 44, true),
  ('family', 'salas', 165, true),
  ('family', 'salazar', 352, true),
  ('family', 'salcedo', 44, true),
  ('family', 'salcido', 33, true),
  ('family', 'saldana', 66, true),
  ('family', 'saldivar', 33, true),
  ('family', 'salerno', 33, true),
  ('family', 'sales', 44, true),
  ('family', 'salgado', 88, true),
  ('family', 'salinas', 209, true),
  ('family', 'salisbury', 55, true),
  ('family', 'sallee', 33, true),
  ('family', 'salley', 33, true),
  ('family', 'salmon', 55, true),
  ('family', 'salter', 77, true),
  ('family', 'salyer', 22, true),
  ('family', 'sam', 33, true),
  ('family', 'sammons', 33, true),
  ('family', 'sample', 66, true),
  ('family', 'samples', 33, true),
  ('family', 'sampson', 165, true),
  ('family', 'sams', 66, true),
  ('family', 'samson', 44, true),
  ('family', 'samuel', 77, true),
  ('family', 'samuels', 110, true),
  ('family', 'sanborn', 55, true),
  ('family', 'sanches', 33, true),
  ('family', 'sanchez', 1430, true),
  ('family', 'sandberg', 33, true),
  ('family', 'sander', 44, true),
  ('family', 'sanders', 1100, true),
  ('family', 'sanderson', 99, true),
  ('family', 'sandlin', 33, true),
  ('family', 'sandoval', 297, true),
  ('family', 'sands', 77, true),
  ('family', 'sanford', 165, true),
  ('family', 'santana', 165, true),
  ('family', 'santiago', 385, true),
  ('family', 'santoro', 22, true),
  ('family', 'santos', 341, true),
  ('family', 'sapp', 77, true),
  ('family', 'sargent', 132, true),
  ('family', 'sasser', 33, true),
  ('family', 'satterfield', 55, true),
  ('family', 'saucedo', 66, true),
  ('family', 'saucier', 44, true),
  ('family', 'sauer', 55, true),
  ('family', 'saul', 22, true),
  ('family', 'sauls', 33, true),
  ('family', 'saunders', 297, true),
  ('family', 'savage', 220, true),
  ('family', 'savoy', 33, true),
  ('family', 'sawyer', 253, true),
  ('family', 'sawyers', 33, true),
  ('family', 'saxon', 33, true),
  ('family', 'saxton', 44, true),
  ('family', 'sayers', 33, true),
  ('family', 'saylor', 55, true),
  ('family', 'sayre', 33, true),
  ('family', 'scales', 66, true),
  ('family', 'scanlon', 44, true),
  ('family', 'scarborough', 55, true),
  ('family', 'scarbrough', 33, true),
  ('family', 'schaefer', 132, true),
  ('family', 'schaeffer', 55, true),
  ('family', 'schafer', 88, true),
  ('family', 'schaffer', 66, true),
  ('family', 'schell', 55, true),
  ('family', 'schenk', 22, true),
  ('family', 'scherer', 33, true),
  ('family', 'schiller', 33, true),
  ('family', 'schilling', 55, true),
  ('family', 'schindler', 33, true),
  ('family', 'schmid', 44, true),
  ('family', 'schmidt', 561, true),
  ('family', 'schmitt', 110, true),
  ('family', 'schmitz', 77, true),
  ('family', 'schneider', 363, true),
  ('family', 'schofield', 55, true),
  ('family', 'scholl', 33, true),
  ('family', 'schoonover', 33, true),
  ('family', 'schott', 33, true),
  ('family', 'schrader', 55, true),
  ('family', 'schramm', 22, true),
  ('family', 'schreiber', 55, true),
  ('family', 'schreiner', 33, true),
  ('family', 'schroeder', 220, true),
  ('family', 'schubert', 44, true),
  ('family', 'schuler', 55, true),
  ('family', 'schulte', 44, true),
  ('family', 'schultz', 385, true),
  ('family', 'schulz', 77, true),
  ('family', 'schulze', 33, true),
  ('family', 'schumacher', 66, true),
  ('family', 'schuster', 55, true),
  ('family', 'schwab', 55, true),
  ('family', 'schwartz', 286, true),
  ('family', 'schwarz', 55, true),
  ('family', 'schweitzer', 33, true),
  ('family', 'scoggins', 33, true),
  ('family', 'scott', 2035, true),
  ('family', 'scribner', 33, true),
  ('family', 'scroggins', 55, true),
  ('family', 'scruggs', 88, true),
  ('family', 'scully', 33, true),
  ('family', 'seal', 55, true),
  ('family', 'seale', 22, true),
  ('family', 'seals', 99, true),
  ('family', 'seaman', 55, true),
  ('family', 'searcy', 44, true),
  ('family', 'sears', 154, true),
  ('family', 'seaton', 44, true),
  ('family', 'seay', 77, true),
  ('family', 'sebastian', 22, true),
  ('family', 'see', 33, true),
  ('family', 'seeley', 33, true),
  ('family', 'seely', 22, true),
  ('family', 'segal', 22, true),
  ('family', 'segura', 88, true),
  ('family', 'seibert', 33, true),
  ('family', 'seidel', 33, true),
  ('family', 'seifert', 44, true),
  ('family', 'seiler', 33, true),
  ('family', 'seitz', 44, true),
  ('family', 'selby', 55, true),
  ('family', 'self', 110, true),
  ('family', 'sell', 33, true),
  ('family', 'sellars', 22, true),
  ('family', 'sellers', 187, true),
  ('family', 'sells', 33, true),
  ('family', 'sena', 33, true),
  ('family', 'sepulveda', 44, true),
  ('family', 'serna', 55, true),
  ('family', 'serrano', 198, true),
  ('family', 'sessions', 33, true),
  ('family', 'settle', 33, true),
  ('family', 'settles', 33, true),
  ('family', 'severson', 33, true),
  ('family', 'seward', 55, true),
  ('family', 'sewell', 110, true),
  ('family', 'sexton', 187, true),
  ('family', 'seymore', 33, true),
  ('family', 'seymour', 121, true),
  ('family', 'shackelford', 44, true),
  ('family', 'shade', 44, true),
  ('family', 'shafer', 110, true),
  ('family', 'shaffer', 231, true),
  ('family', 'shah', 66, true),
  ('family', 'shanahan', 22, true),
  ('family', 'shank', 44, true),
  ('family', 'shanks', 55, true),
  ('family', 'shannon', 187, true),
  ('family', 'shapiro', 77, true),
  ('family', 'sharkey', 33, true),
  ('family', 'sharp', 363, true),
  ('family', 'sharpe', 143, true),
  ('family', 'shaver', 77, true),
  ('family', 'shaw', 715, true),
  ('family', 'shay', 33, true),
  ('family', 'shea', 132, true),
  ('family', 'shearer', 66, true),
  ('family', 'sheehan', 99, true),
  ('family', 'sheets', 77, true),
  ('family', 'sheffield', 99, true),
  ('family', 'shelby', 55, true),
  ('family', 'sheldon', 77, true),
  ('family', 'shell', 55, true),
  ('family', 'shelley', 55, true),
  ('family', 'shelly', 33, true),
  ('family', 'shelton', 429, true),
  ('family', 'shepard', 165, true),
  ('family', 'shephard', 33, true),
  ('family', 'shepherd', 231, true),
  ('family', 'sheppard', 187, true),
  ('family', 'sheridan', 88, true),
  ('family', 'sherman', 297, true),
  ('family', 'sherrill', 66, true),
  ('family', 'sherrod', 55, true),
  ('family', 'sherry', 33, true),
  ('family', 'sherwood', 77, true),
  ('family', 'shields', 220, true),
  ('family', 'shifflett', 33, true),
  ('family', 'shin', 44, true),
  ('family', 'shinn', 44, true),
  ('family', 'shipley', 77, true),
  ('family', 'shipman', 77, true),
  ('family', 'shipp', 66, true),
  ('family', 'shirley', 132, true),
  ('family', 'shively', 33, true),
  ('family', 'shivers', 33, true),
  ('family', 'shockley', 66, true),
  ('family', 'shoemaker', 121, true),
  ('family', 'shook', 88, true),
  ('family', 'shore', 33, true),
  ('family', 'shores', 33, true),
  ('family', 'short', 231, true),
  ('family', 'shorter', 44, true),
  ('family', 'shrader', 33, true),
  ('family', 'shuler', 55, true),
  ('family', 'shull', 44, true),
  ('family', 'shultz', 77, true),
  ('family', 'shumaker', 33, true),
  ('family', 'shuman', 33, true),
  ('family', 'shumate', 33, true),
  ('family', 'sibley', 44, true),
  ('family', 'sides', 33, true),
  ('family', 'siegel', 77, true),
  ('family', 'sierra', 77, true),
  ('family', 'sigler', 44, true),
  ('family', 'sigmon', 22, true),
  ('family', 'sikes', 55, true),
  ('family', 'silas', 22, true),
  ('family', 'siler', 44, true),
  ('family', 'sills', 33, true),
  ('family', 'silva', 462, true),
  ('family', 'silver', 99, true),
  ('family', 'silverman', 55, true),
  ('family', 'silvers', 33, true),
  ('family', 'silvia', 33, true),
  ('family', 'simmons', 1001, true),
  ('family', 'simms', 121, true),
  ('family', 'simon', 286, true),
  ('family', 'simone', 33, true),
  ('family', 'simons', 99, true),
  ('family', 'simonson', 33, true),
  ('family', 'simpkins', 55, true),
  ('family', 'simpson', 770, true),
  ('family', 'sims', 572, true),
  ('family', 'sinclair', 121, true),
  ('family', 'singer', 88, true),
  ('family', 'singh', 99, true),
  ('family', 'singletary', 66, true),
  ('family', 'singleton', 264, true),
  ('family', 'sipes', 33, true),
  ('family', 'sisco', 33, true),
  ('family', 'sisk', 55, true),
  ('family', 'sisson', 44, true),
  ('family', 'sizemore', 99, true),
  ('family', 'skaggs', 77, true),
  ('family', 'skeen', 22, true),
  ('family', 'skelton', 55, true),
  ('family', 'skidmore', 55, true),
  ('family', 'skinner', 242, true),
  ('family', 'skipper', 33, true),
  ('family', 'slack', 44, true),
  ('family', 'slade', 55, true),
  ('family', 'slagle', 33, true),
  ('family', 'slater', 143, true),
  ('family', 'slaton', 33, true),
  ('family', 'slattery', 33, true),
  ('family', 'slaughter', 132, true),
  ('family', 'slayton', 33, true),
  ('family', 'sledge', 55, true),
  ('family', 'sloan', 198, true),
  ('family', 'slocum', 44, true),
  ('family', 'slone', 44, true),
  ('family', 'small', 231, true),
  ('family', 'smalley', 44, true),
  ('family', 'smalls', 66, true),
  ('family', 'smallwood', 77, true),
  ('family', 'smart', 121, true),
  ('family', 'smiley', 99, true),
  ('family', 'smith', 11067, true),
  ('family', 'smithson', 33, true),
  ('family', 'smoot', 44, true),
  ('family', 'smothers', 33, true),
  ('family', 'smyth', 33, true),
  ('family', 'snead', 44, true),
  ('family', 'sneed', 88, true),
  ('family', 'snell', 110, true),
  ('family', 'snider', 143, true),
  ('family', 'snipes', 33, true),
  ('family', 'snodgrass', 55, true),
  ('family', 'snook', 22, true),
  ('family', 'snow', 231, true),
  ('family', 'snowden', 55, true),
  ('family', 'snyder', 605, true),
  ('family', 'soares', 44, true),
  ('family', 'soileau', 22, true),
  ('family', 'solano', 44, true),
  ('family', 'solis', 176, true),
  ('family', 'soliz', 44, true),
  ('family', 'solomon', 176, true),
  ('family', 'somers', 44, true),
  ('family', 'somerville', 33, true),
  ('family', 'sommer', 33, true),
  ('family', 'sommers', 44, true),
  ('family', 'song', 33, true),
  ('family', 'sonnier', 22, true),
  ('family', 'soper', 22, true),
  ('family', 'sorensen', 99, true),
  ('family', 'sorenson', 66, true),
  ('family', 'soria', 33, true),
  ('family', 'soriano', 44, true),
  ('family', 'sorrell', 33, true),
  ('family', 'sosa', 132, true),
  ('family', 'sotelo', 44, true),
  ('family', 'soto', 440, true),
  ('family', 'soule', 22, true),
  ('family', 'sousa', 66, true),
  ('family', 'south', 55, true),
  ('family', 'southard', 33, true),
  ('family', 'southerland', 33, true),
  ('family', 'southern', 33, true),
  ('family', 'souza', 77, true),
  ('family', 'sowell', 44, true),
  ('family', 'sowers', 44, true),
  ('family', 'spain', 55, true),
  ('family', 'spalding', 33, true),
  ('family', 'spangler', 77, true),
  ('family', 'spann', 55, true),
  ('family', 'sparkman', 33, true),
  ('family', 'sparks', 275, true),
  ('family', 'sparrow', 33, true),
  ('family', 'spaulding', 88, true),
  ('family', 'spear', 55, true),
  ('family', 'spearman', 33, true),
  ('family', 'spears', 176, true),
  ('family', 'speed', 33, true),
  ('family', 'speer', 55, true),
  ('family', 'speight', 33, true),
  ('family', 'spellman', 33, true),
  ('family', 'spence', 165, true),
  ('family', 'spencer', 627, true),
  ('family', 'sperry', 33, true),
  ('family', 'spicer', 77, true),
  ('family', 'spillman', 33, true),
  ('family', 'spinks', 33, true),
  ('family', 'spivey', 121, true),
  ('family', 'spooner', 44, true),
  ('family', 'spradlin', 33, true),
  ('family', 'sprague', 88, true),
  ('family', 'spriggs', 33, true),
  ('family', 'spring', 33, true),
  ('family', 'springer', 121, true),
  ('family', 'sprouse', 33, true),
  ('family', 'spruill', 44, true),
  ('family', 'spurgeon', 33, true),
  ('family', 'spurlock', 55, true),
  ('family', 'squires', 66, true),
  ('family', 'stacey', 44, true),
  ('family', 'stack', 44, true),
  ('family', 'stackhouse', 33, true),
  ('family', 'stacy', 88, true),
  ('family', 'stafford', 209, true),
  ('family', 'staggs', 33, true),
  ('family', 'stahl', 77, true),
  ('family', 'staley', 77, true),
  ('family', 'stallings', 77, true),
  ('family', 'stallworth', 44, true),
  ('family', 'stamm', 33, true),
  ('family', 'stamper', 55, true),
  ('family', 'stamps', 44, true),
  ('family', 'stanfield', 44, true),
  ('family', 'stanford', 110, true),
  ('family', 'stanley', 506, true),
  ('family', 'stansberry', 22, true),
  ('family', 'stanton', 143, true),
  ('family', 'staples', 77, true),
  ('family', 'stapleton', 88, true),
  ('family', 'stark', 154, true),
  ('family', 'starkey', 66, true),
  ('family', 'starks', 99, true),
  ('family', 'starling', 44, true),
  ('family', 'starnes', 77, true),
  ('family', 'starr', 121, true),
  ('family', 'staten', 44, true),
  ('family', 'staton', 77, true),
  ('family', 'stauffer', 33, true),
  ('family', 'stclair', 44, true),
  ('family', 'steadman', 33, true),
  ('family', 'stearns', 66, true),
  ('family', 'steed', 44, true),
  ('family', 'steel', 33, true),
  ('family', 'steele', 385, true),
  ('family', 'steen', 55, true),
  ('family', 'steffen', 33, true),
  ('family', 'stegall', 33, true),
  ('family', 'stein', 154, true),
  ('family', 'steinberg', 44, true),
  ('family', 'steiner', 77, true),
  ('family', 'stephen', 33, true),
  ('family', 'stephens', 627, true),
  ('family', 'stephenson', 198, true),
  ('family', 'stepp', 55, true),
  ('family', 'sterling', 110, true),
  ('family', 'stern', 88, true),
  ('family', 'stevens', 770, true),
  ('family', 'stevenson', 341, true),
  ('family', 'steward', 110, true),
  ('family', 'stewart', 1463, true),
  ('family', 'stidham', 33, true),
  ('family', 'stiles', 88, true),
  ('family', 'still', 44, true),
  ('family', 'stillman', 33, true),
  ('family', 'stillwell', 33, true),
  ('family', 'stiltner', 33, true),
  ('family', 'stine', 44, true),
  ('family', 'stinnett', 44, true),
  ('family', 'stinson', 121, true),
  ('family', 'stitt', 33, true),
  ('family', 'stjohn', 66, true),
  ('family', 'stock', 44, true),
  ('family', 'stockton', 66, true),
  ('family', 'stoddard', 66, true),
  ('family', 'stoker', 33, true),
  ('family', 'stokes', 297, true),
  ('family', 'stoll', 33, true),
  ('family', 'stone', 649, true),
  ('family', 'stoner', 66, true),
  ('family', 'stonge', 22, true),
  ('family', 'storey', 66, true),
  ('family', 'storm', 22, true),
  ('family', 'story', 88, true),
  ('family', 'stott', 33, true),
  ('family', 'stout', 165, true),
  ('family', 'stovall', 77, true),
  ('family', 'stover', 99, true),
  ('family', 'stowe', 44, true),
  ('family', 'stowers', 22, true),
  ('family', 'stpierre', 44, true),
  ('family', 'strader', 22, true),
  ('family', 'strain', 44, true),
  ('family', 'strand', 44, true),
  ('family', 'strange', 66, true),
  ('family', 'stratton', 88, true),
  ('family', 'straub', 33, true),
  ('family', 'strauss', 44, true),
  ('family', 'street', 88, true),
  ('family', 'streeter', 55, true),
  ('family', 'strickland', 330, true),
  ('family', 'stricklin', 22, true),
  ('family', 'stringer', 88, true),
  ('family', 'strom', 22, true),
  ('family', 'strong', 198, true),
  ('family', 'strother', 44, true),
  ('family', 'stroud', 110, true),
  ('family', 'stroup', 33, true),
  ('family', 'strunk', 33, true),
  ('family', 'stuart', 143, true),
  ('family', 'stubblefield', 44, true),
  ('family', 'stubbs', 88, true),
  ('family', 'stuckey', 44, true),
  ('family', 'stull', 33, true),
  ('family', 'stump', 44, true),
  ('family', 'sturdivant', 33, true),
  ('family', 'sturgeon', 33, true),
  ('family', 'sturgill', 33, true),
  ('family', 'sturgis', 33, true),
  ('family', 'sturm', 33, true),
  ('family', 'styles', 33, true),
  ('family', 'suarez', 165, true),
  ('family', 'suggs', 88, true),
  ('family', 'sullivan', 891, true),
  ('family', 'summerlin', 33, true),
  ('family', 'summers', 253, true),
  ('family', 'sumner', 88, true),
  ('family', 'sumpter', 33, true),
  ('family', 'sun', 33, true),
  ('family', 'surratt', 22, true),
  ('family', 'sutherland', 99, true),
  ('family', 'sutter', 33, true),
  ('family', 'sutton', 418, true),
  ('family', 'swafford', 44, true),
  ('family', 'swain', 132, true),
  ('family', 'swan', 88, true),
  ('family', 'swank', 33, true),
  ('family', 'swann', 55, true),
  ('family', 'swanson', 319, true),
  ('family', 'swartz', 99, true),
  ('family', 'swearingen', 33, true),
  ('family', 'sweat', 44, true),
  ('family', 'sweeney', 198, true),
  ('family', 'sweet', 143, true),
  ('family', 'swenson', 77, true),
  ('family', 'swift', 99, true),
  ('family', 'swisher', 44, true),
  ('family', 'switzer', 55, true),
  ('family', 'swope', 33, true),
  ('family', 'sykes', 154, true),
  ('family', 'sylvester', 88, true),
  ('family', 'taber', 33, true),
  ('family', 'tabor', 77, true),
  ('family', 'tackett', 66, true),
  ('family', 'tafoya', 22, true),
  ('family', 'taft', 44, true),
  ('family', 'taggart', 33, true),
  ('family', 'talbert', 55, true),
  ('family', 'talbot', 77, true),
  ('family', 'talbott', 33, true),
  ('family', 'tallent', 33, true),
  ('family', 'talley', 143, true),
  ('family', 'tam', 33, true),
  ('family', 'tamayo', 33, true),
  ('family', 'tan', 55, true),
  ('family', 'tanaka', 33, true),
  ('family', 'tang', 66, true),
  ('family', 'tanner', 209, true),
  ('family', 'tapia', 110, true),
  ('family', 'tapp', 33, true),
  ('family', 'tarver', 33, true),
  ('family', 'tate', 341, true),
  ('family', 'tatum', 121, true),
  ('family', 'tavares', 44, true),
  ('family', 'taylor', 3421, true),
  ('family', 'teague', 110, true),
  ('family', 'teal', 33, true),
  ('family', 'teel', 44, true),
  ('family', 'teeter', 33, true),
  ('family', 'tejada', 33, true),
  ('family', 'tejeda', 33, true),
  ('family', 'tellez', 33, true),
  ('family', 'temple', 88, true),
  ('family', 'templeton', 55, true),
  ('family', 'tennant', 33, true),
  ('family', 'tenney', 33, true),
  ('family', 'terrell', 165, true),
  ('family', 'terrill', 33, true),
  ('family', 'terry', 440, true),
  ('family', 'thacker', 88, true),
  ('family', 'thames', 33, true),
  ('family', 'thao', 44, true),
  ('family', 'tharp', 66, true),
  ('family', 'thatcher', 33, true),
  ('family', 'thayer', 77, true),
  ('family', 'theriault', 33, true),
  ('family', 'theriot', 33, true),
  ('family', 'thibodeau', 44, true),
  ('family', 'thibodeaux', 44, true),
  ('family', 'thiel', 33, true),
  ('family', 'thigpen', 44, true),
  ('family', 'thomas', 3421, true),
  ('family', 'thomason', 99, true),
  ('family', 'thompson', 2959, true),
  ('family', 'thomsen', 33, true),
  ('family', 'thomson', 88, true),
  ('family', 'thorn', 44, true),
  ('family', 'thornburg', 33, true),
  ('family', 'thorne', 77, true),
  ('family', 'thornhill', 33, true),
  ('family', 'thornton', 341, true),
  ('family', 'thorp', 33, true),
  ('family', 'thorpe', 88, true),
  ('family', 'thorton', 33, true),
  ('family', 'thrash', 33, true),
  ('family', 'thrasher', 55, true),
  ('family', 'thurman', 110, true),
  ('family', 'thurston', 66, true),
  ('family', 'tibbetts', 33, true),
  ('family', 'tibbs', 44, true),
  ('family', 'tice', 33, true),
  ('family', 'tidwell', 99, true),
  ('family', 'tierney', 44, true),
  ('family', 'tijerina', 44, true),
  ('family', 'tiller', 33, true),
  ('family', 'tillery', 44, true),
  ('family', 'tilley', 66, true),
  ('family', 'tillman', 165, true),
  ('family', 'tilton', 33, true),
  ('family', 'timm', 33, true),
  ('family', 'timmerman', 22, true),
  ('family', 'timmons', 88, true),
  ('family', 'tindall', 22, true),
  ('family', 'tinker', 33, true),
  ('family', 'tinsley', 66, true),
  ('family', 'tipton', 110, true),
  ('family', 'tirado', 55, true),
  ('family', 'tisdale', 44, true),
  ('family', 'titus', 66, true),
  ('family', 'tobias', 55, true),
  ('family', 'tobin', 77, true),
  ('family', 'todd', 330, true),
  ('family', 'tolbert', 110, true),
  ('family', 'toledo', 44, true),
  ('family', 'toler', 44, true),
  ('family', 'toliver', 33, true),
  ('family', 'tolley', 22, true),
  ('family', 'tolliver', 44, true),
  ('family', 'tom', 33, true),
  ('family', 'tomlin', 55, true),
  ('family', 'tomlinson', 99, true),
  ('family', 'tompkins', 88, true),
  ('family', 'toney', 88, true),
  ('family', 'tong', 33, true),
  ('family', 'toro', 33, true),
  ('family', 'torrence', 33, true),
  ('family', 'torres', 1188, true),
  ('family', 'torrez', 66, true),
  ('family', 'toscano', 22, true),
  ('family', 'toth', 66, true),
  ('family', 'totten', 33, true),
  ('family', 'tovar', 77, true),
  ('family', 'towle', 22, true),
  ('family', 'townes', 33, true),
  ('family', 'towns', 33, true),
  ('family', 'townsend', 330, true),
  ('family', 'tracey', 22, true),
  ('family', 'tracy', 121, true),
  ('family', 'trahan', 55, true),
  ('family', 'trammell', 44, true),
  ('family', 'tran', 264, true),
  ('family', 'trapp', 44, true),
  ('family', 'trask', 33, true),
  ('family', 'travers', 33, true),
  ('family', 'travis', 154, true),
  ('family', 'traylor', 66, true),
  ('family', 'treadway', 33, true),
  ('family', 'treadwell', 44, true),
  ('family', 'treat', 22, true),
  ('family', 'trejo', 66, true),
  ('family', 'tremblay', 33, true),
  ('family', 'trent', 110, true),
  ('family', 'trevino', 209, true),
  ('family', 'tribble', 33, true),
  ('family', 'trice', 33, true),
  ('family', 'trimble', 66, true),
  ('family', 'trinidad', 33, true),
  ('family', 'triplett', 77, true),
  ('family', 'tripp', 88, true),
  ('family', 'trombley', 22, true),
  ('family', 'trotter', 88, true),
  ('family', 'trout', 55, true),
  ('family', 'troutman', 55, true),
  ('family', 'trowbridge', 22, true),
  ('family', 'troy', 33, true),
  ('family', 'trudeau', 33, true),
  ('family', 'true', 33, true),
  ('family', 'truitt', 44, true),
  ('family', 'trujillo', 198, true),
  ('family', 'truong', 55, true),
  ('family', 'tubbs', 55, true),
  ('family', 'tuck', 44, true),
  ('family', 'tucker', 770, true),
  ('family', 'tuggle', 33, true),
  ('family', 'turk', 44, true),
  ('family', 'turley', 44, true),
  ('family', 'turman', 33, true),
  ('family', 'turnbull', 33, true),
  ('family', 'turner', 1672, true),
  ('family', 'turney', 33, true),
  ('family', 'turpin', 55, true),
  ('family', 'tuttle', 110, true),
  ('family', 'tyler', 297, true),
  ('family', 'tyner', 33, true),
  ('family', 'tyree', 44, true),
  ('family', 'tyson', 143, true),
  ('family', 'ulmer', 22, true),
  ('family', 'ulrich', 66, true),
  ('family', 'underhill', 33, true),
  ('family', 'underwood', 264, true),
  ('family', 'unger', 55, true),
  ('family', 'upchurch', 44, true),
  ('family', 'upshaw', 33, true),
  ('family', 'upton', 55, true),
  ('family', 'urban', 55, true),
  ('family', 'urbina', 44, true),
  ('family', 'uribe', 44, true),
  ('family', 'usher', 33, true),
  ('family', 'utley', 33, true),
  ('family', 'vail', 44, true),
  ('family', 'valadez', 44, true),
  ('family', 'valdes', 44, true),
  ('family', 'valdez', 352, true),
  ('family', 'valencia', 132, true),
  ('family', 'valenti', 33, true),
  ('family', 'valentin', 77, true),
  ('family', 'valentine', 176, true),
  ('family', 'valenzuela', 143, true),
  ('family', 'valerio', 33, true),
  ('family', 'valle', 77, true),
  ('family', 'vallejo', 44, true),
  ('family', 'valles', 33, true),
  ('family', 'van', 33, true),
  ('family', 'vanburen', 33, true),
  ('family', 'vance', 209, true),
  ('family', 'vandiver', 33, true),
  ('family', 'vandyke', 55, true),
  ('family', 'vang', 132, true),
  ('family', 'vanhoose', 33, true),
  ('family', 'vanhorn', 44, true),
  ('family', 'vanmeter', 33, true),
  ('family', 'vann', 66, true),
  ('family', 'vanover', 33, true),
  ('family', 'vanwinkle', 33, true),
  ('family', 'varela', 66, true),
  ('family', 'vargas', 451, true),
  ('family', 'varner', 77, true),
  ('family', 'varney', 55, true),
  ('family', 'vasquez', 561, true),
  ('family', 'vaughan', 154, true),
  ('family', 'vaughn', 396, true),
  ('family', 'vaught', 44, true),
  ('family', 'vazquez', 253, true),
  ('family', 'veal', 33, true),
  ('family', 'vega', 330, true),
  ('family', 'vela', 88, true),
  ('family', 'velasco', 66, true),
  ('family', 'velasquez', 187, true),
  ('family', 'velazquez', 132, true),
  ('family', 'velez', 187, true),
  ('family', 'venable', 33, true),
  ('family', 'venegas', 33, true),
  ('family', 'ventura', 77, true),
  ('family', 'vera', 77, true),
  ('family', 'verdin', 33, true),
  ('family', 'vergara', 33, true),
  ('family', 'vernon', 77, true),
  ('family', 'vest', 44, true),
  ('family', 'vetter', 33, true),
  ('family', 'vick', 77, true),
  ('family', 'vickers', 110, true),
  ('family', 'vickery', 44, true),
  ('family', 'victor', 33, true),
  ('family', 'vidal', 44, true),
  ('family', 'vieira', 33, true),
  ('family', 'viera', 33, true),
  ('family', 'vigil', 110, true),
  ('family', 'villa', 121, true),
  ('family', 'villagomez', 22, true),
  ('family', 'villalobos', 77, true),
  ('family', 'villanueva', 132, true),
  ('family', 'villareal', 33, true),
  ('family', 'villarreal', 198, true),
  ('family', 'villasenor', 33, true),
  ('family', 'villegas', 99, true),
  ('family', 'vincent', 220, true),
  ('family', 'vines', 55, true),
  ('family', 'vinson', 132, true),
  ('family', 'vitale', 33, true),
  ('family', 'vo', 44, true),
  ('family', 'vogel', 99, true),
  ('family', 'vogt', 66, true),
  ('family', 'voigt', 22, true),
  ('family', 'volz', 22, true),
  ('family', 'voss', 88, true),
  ('family', 'vu', 55, true),
  ('family', 'vue', 33, true),
  ('family', 'waddell', 99, true),
  ('family', 'wade', 440, true),
  ('family', 'wadsworth', 44, true),
  ('family', 'waggoner', 55, true),
  ('family', 'wagner', 605, true),
  ('family', 'wagoner', 55, true),
  ('family', 'wahl', 44, true),
  ('family', 'waite', 66, true),
  ('family', 'wakefield', 55, true),
  ('family', 'walden', 121, true),
  ('family', 'waldron', 77, true),
  ('family', 'waldrop', 44, true),
  ('family', 'walker', 2409, true),
  ('family', 'wall', 231, true),
  ('family', 'wallace', 891, true),
  ('family', 'wallen', 33, true),
  ('family', 'waller', 165, true),
  ('family', 'wallin', 22, true),
  ('family', 'walling', 44, true),
  ('family', 'wallis', 55, true),
  ('family', 'walls', 187, true),
  ('family', 'walsh', 363, true),
  ('family', 'walston', 33, true),
  ('family', 'walter', 198, true),
  ('family', 'walters', 440, true),
  ('family', 'walton', 330, true),
  ('family', 'wampler', 33, true),
  ('family', 'wang', 132, true),
  ('family', 'ward', 1188, true),
  ('family', 'warden', 55, true),
  ('family', 'ware', 242, true),
  ('family', 'warfield', 44, true),
  ('family', 'warner', 341, true),
  ('family', 'warren', 737, true),
  ('family', 'washburn', 77, true),
  ('family', 'washington', 1012, true),
  ('family', 'wasson', 33, true),
  ('family', 'waterman', 55, true),
  ('family', 'waters', 286, true),
  ('family', 'watkins', 605, true),
  ('family', 'watson', 1133, true),
  ('family', 'watt', 66, true),
  ('family', 'watters', 44, true),
  ('family', 'watts', 407, true),
  ('family', 'waugh', 55, true),
  ('family', 'way', 55, true),
  ('family', 'wayne', 33, true),
  ('family', 'weatherford', 44, true),
  ('family', 'weatherly', 33, true),
  ('family', 'weathers', 66, true),
  ('family', 'weaver', 583, true),
  ('family', 'webb', 792, true),
  ('family', 'webber', 121, true),
  ('family', 'weber', 374, true),
  ('family', 'webster', 308, true),
  ('family', 'weddle', 33, true),
  ('family', 'weed', 33, true),
  ('family', 'weeks', 187, true),
  ('family', 'weems', 44, true),
  ('family', 'weinberg', 33, true),
  ('family', 'weiner', 55, true),
  ('family', 'weinstein', 44, true),
  ('family', 'weir', 77, true),
  ('family', 'weis', 33, true),
  ('family', 'weiss', 198, true),
  ('family', 'welch', 484, true),
  ('family', 'weldon', 66, true),
  ('family', 'welker', 33, true),
  ('family', 'weller', 66, true),
  ('family', 'wellman', 55, true),
  ('family', 'wells', 803, true),
  ('family', 'welsh', 110, true),
  ('family', 'wendt', 44, true),
  ('family', 'wenger', 33, true),
  ('family', 'wentworth', 44, true),
  ('family', 'wentz', 33, true),
  ('family', 'wenzel', 44, true),
  ('family', 'werner', 121, true),
  ('family', 'wertz', 44, true),
  ('family', 'wesley', 88, true),
  ('family', 'west', 880, true),
  ('family', 'westbrook', 77, true),
  ('family', 'wester', 33, true),
  ('family', 'westfall', 44, true),
  ('family', 'westmoreland', 55, true),
  ('family', 'weston', 110, true),
  ('family', 'wetzel', 66, true),
  ('family', 'whalen', 77, true),
  ('family', 'whaley', 110, true),
  ('family', 'wharton', 44, true),
  ('family', 'whatley', 66, true),
  ('family', 'wheat', 55, true),
  ('family', 'wheatley', 55, true),
  ('family', 'wheaton', 33, true),
  ('family', 'wheeler', 561, true),
  ('family', 'whelan', 33, true),
  ('family', 'whipple', 55, true),
  ('family', 'whitaker', 242, true),
  ('family', 'whitcomb', 33, true),
  ('family', 'white', 3069, true),
  ('family', 'whited', 33, true),
  ('family', 'whitehead', 220, true),
  ('family', 'whitehurst', 44, true),
  ('family', 'whiteman', 33, true),
  ('family', 'whiteside', 44, true),
  ('family', 'whitfield', 143, true),
  ('family', 'whiting', 55, true),
  ('family', 'whitley', 132, true),
  ('family', 'whitlock', 66, true),
  ('family', 'whitlow', 44, true),
  ('family', 'whitman', 77, true),
  ('family', 'whitmire', 33, true),
  ('family', 'whitmore', 66, true),
  ('family', 'whitney', 165, true),
  ('family', 'whitson', 44, true),
  ('family', 'whitt', 77, true),
  ('family', 'whittaker', 77, true),
  ('family', 'whitten', 77, true),
  ('family', 'whittington', 66, true),
  ('family', 'whittle', 44, true),
  ('family', 'whitworth', 44, true),
  ('family', 'whyte', 33, true),
  ('family', 'wick', 33, true),
  ('family', 'wicker', 44, true),
  ('family', 'wickham', 33, true),
  ('family', 'wicks', 44, true),
  ('family', 'wiese', 33, true),
  ('family', 'wiggins', 231, true),
  ('family', 'wilbanks', 44, true),
  ('family', 'wilber', 33, true),
  ('family', 'wilbur', 44, true),
  ('family', 'wilburn', 66, true),
  ('family', 'wilcox', 253, true),
  ('family', 'wild', 33, true),
  ('family', 'wilde', 44, true),
  ('family', 'wilder', 154, true),
  ('family', 'wiles', 55, true),
  ('family', 'wiley', 220, true),
  ('family', 'wilhelm', 66, true),
  ('family', 'wilhite', 33, true),
  ('family', 'wilke', 33, true),
  ('family', 'wilkerson', 253, true),
  ('family', 'wilkes', 77, true),
  ('family', 'wilkins', 264, true),
  ('family', 'wilkinson', 209, true),
  ('family', 'wilks', 44, true),
  ('family', 'will', 33, true),
  ('family', 'willard', 99, true),
  ('family', 'willett', 66, true),
  ('family', 'willey', 55, true),
  ('family', 'william', 176, true),
  ('family', 'williams', 7689, true),
  ('family', 'williamson', 539, true),
  ('family', 'willie', 22, true),
  ('family', 'williford', 33, true),
  ('family', 'willingham', 66, true),
  ('family', 'willis', 605, true),
  ('family', 'willoughby', 66, true),
  ('family', 'wills', 110, true),
  ('family', 'willson', 44, true),
  ('family', 'wilmoth', 33, true),
  ('family', 'wilson', 3729, true),
  ('family', 'wilt', 33, true),
  ('family', 'wimberly', 33, true),
  ('family', 'winchester', 33, true),
  ('family', 'windham', 55, true),
  ('family', 'windsor', 22, true),
  ('family', 'winfield', 44, true),
  ('family', 'winfrey', 33, true),
  ('family', 'wing', 55, true),
  ('family', 'wingate', 33, true),
  ('family', 'wingfield', 33, true),
  ('family', 'winkler', 77, true),
  ('family', 'winn', 88, true),
  ('family', 'winslow', 66, true),
  ('family', 'winstead', 44, true),
  ('family', 'winston', 110, true),
  ('family', 'winter', 121, true),
  ('family', 'winters', 198, true),
  ('family', 'wirth', 33, true),
  ('family', 'wise', 297, true),
  ('family', 'wiseman', 88, true),
  ('family', 'wisniewski', 33, true),
  ('family', 'witcher', 33, true),
  ('family', 'withers', 44, true),
  ('family', 'witherspoon', 77, true),
  ('family', 'withrow', 33, true),
  ('family', 'witt', 143, true),
  ('family', 'witte', 33, true),
  ('family', 'wofford', 44, true),
  ('family', 'wolcott', 22, true),
  ('family', 'wolf', 242, true),
  ('family', 'wolfe', 363, true),
  ('family', 'wolff', 77, true),
  ('family', 'wolford', 44, true),
  ('family', 'womack', 121, true),
  ('family', 'wong', 275, true),
  ('family', 'woo', 33, true),
  ('family', 'wood', 1078, true),
  ('family', 'woodall', 66, true),
  ('family', 'woodard', 220, true),
  ('family', 'woodbury', 33, true),
  ('family', 'woodcock', 44, true),
  ('family', 'wooden', 33, true),
  ('family', 'woodley', 33, true),
  ('family', 'woodruff', 110, true),
  ('family', 'woods', 880, true),
  ('family', 'woodson', 88, true),
  ('family', 'woodward', 176, true),
  ('family', 'woodworth', 44, true),
  ('family', 'woody', 77, true),
  ('family', 'wooldridge', 33, true),
  ('family', 'wooley', 33, true),
  ('family', 'wooten', 132, true),
  ('family', 'word', 33, true),
  ('family', 'worden', 33, true),
  ('family', 'workman', 143, true),
  ('family', 'worley', 110, true),
  ('family', 'worrell', 55, true),
  ('family', 'worsham', 33, true),
  ('family', 'worth', 33, true),
  ('family', 'wortham', 33, true),
  ('family', 'worthington', 66, true),
  ('family', 'worthy', 44, true),
  ('family', 'wray', 77, true),
  ('family', 'wren', 55, true),
  ('family', 'wright', 2079, true),
  ('family', 'wu', 77, true),
  ('family', 'wyant', 33, true),
  ('family', 'wyatt', 231, true),
  ('family', 'wylie', 44, true),
  ('family', 'wyman', 55, true),
  ('family', 'wynn', 143, true),
  ('family', 'wynne', 33, true),
  ('family', 'xiong', 77, true),
  ('family', 'yamamoto', 33, true),
  ('family', 'yancey', 55, true),
  ('family', 'yanez', 55, true),
  ('family', 'yang', 165, true),
  ('family', 'yarborough', 22, true),
  ('family', 'yarbrough', 132, true),
  ('family', 'yates', 319, true),
  ('family', 'yazzie', 77, true),
  ('family', 'ybarra', 77, true),
  ('family', 'yeager', 88, true),
  ('family', 'yee', 55, true),
  ('family', 'yi', 44, true),
  ('family', 'yocum', 33, true),
  ('family', 'yoder', 121, true),
  ('family', 'yoo', 33, true),
  ('family', 'yoon', 33, true),
  ('family', 'york', 209, true),
  ('family', 'yost', 66, true),
  ('family', 'young', 2123, true),
  ('family', 'youngblood', 77, true),
  ('family', 'younger', 44, true),
  ('family', 'yount', 33, true),
  ('family', 'yu', 77, true),
  ('family', 'zambrano', 33, true),
  ('family', 'zamora', 165, true),
  ('family', 'zapata', 66, true),
  ('family', 'zaragoza', 33, true),
  ('family', 'zarate', 44, true),
  ('family', 'zavala', 88, true),
  ('family', 'zeigler', 66, true),
  ('family', 'zeller', 33, true),
  ('family', 'zepeda', 66, true),
  ('family', 'zhang', 33, true),
  ('family', 'ziegler', 88, true),
  ('family', 'zielinski', 44, true),
  ('family', 'zimmer', 66, true),
  ('family', 'zimmerman', 286, true),
  ('family', 'zink', 33, true),
  ('family', 'zook', 44, true),
  ('family', 'zuniga', 110, true);

-- ==== src/names/dump.sql
-- src/names/dump.sql
-- pg_dump keeps the decisions and the rows users added to the nickname and
-- frequency tables (built-in rows come back with CREATE EXTENSION).
SELECT pg_catalog.pg_extension_config_dump('referral_crm.name_variants', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.name_frequencies', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.name_resolutions', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('referral_crm.name_resolutions', 'resolution_id')::regclass, '');

-- ==== src/notes/termvec.sql
-- src/notes/termvec.sql
-- The termvec type (sparse vector of term weights), its operators, GIN
-- operator class and aggregate; the analysers; TF-IDF and BM25 over
-- explicit document sets.

CREATE TYPE referral_crm.termvec;

CREATE FUNCTION referral_crm.termvec_in(cstring) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_out(referral_crm.termvec) RETURNS cstring
  AS 'MODULE_PATHNAME', 'termvec_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_recv(internal) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_send(referral_crm.termvec) RETURNS bytea
  AS 'MODULE_PATHNAME', 'termvec_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE referral_crm.termvec (
  INPUT = referral_crm.termvec_in, OUTPUT = referral_crm.termvec_out,
  RECEIVE = referral_crm.termvec_recv, SEND = referral_crm.termvec_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = double, STORAGE = extended
);
COMMENT ON TYPE referral_crm.termvec IS
  'sparse vector of term weights: ''term'':weight pairs, terms sorted and distinct';

CREATE FUNCTION referral_crm.termvec_eq(referral_crm.termvec, referral_crm.termvec) RETURNS boolean
  AS 'MODULE_PATHNAME', 'termvec_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_ne(referral_crm.termvec, referral_crm.termvec) RETURNS boolean
  AS 'MODULE_PATHNAME', 'termvec_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR referral_crm.= (
  LEFTARG = referral_crm.termvec, RIGHTARG = referral_crm.termvec, FUNCTION = referral_crm.termvec_eq,
  COMMUTATOR = OPERATOR(referral_crm.=), NEGATOR = OPERATOR(referral_crm.<>), RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR referral_crm.<> (
  LEFTARG = referral_crm.termvec, RIGHTARG = referral_crm.termvec, FUNCTION = referral_crm.termvec_ne,
  COMMUTATOR = OPERATOR(referral_crm.<>), NEGATOR = OPERATOR(referral_crm.=), RESTRICT = neqsel, JOIN = neqjoinsel
);

CREATE FUNCTION referral_crm.cosine(referral_crm.termvec, referral_crm.termvec) RETURNS float8
  AS 'MODULE_PATHNAME', 'termvec_cosine' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.cosine(referral_crm.termvec, referral_crm.termvec) IS
  'cosine similarity of two term vectors (0 when either has no weight)';
CREATE FUNCTION referral_crm.termvec_distance(referral_crm.termvec, referral_crm.termvec) RETURNS float8
  AS 'MODULE_PATHNAME', 'termvec_distance' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR referral_crm.<=> (
  LEFTARG = referral_crm.termvec, RIGHTARG = referral_crm.termvec,
  FUNCTION = referral_crm.termvec_distance, COMMUTATOR = OPERATOR(referral_crm.<=>)
);

CREATE FUNCTION referral_crm.top_terms(v referral_crm.termvec, k int)
  RETURNS TABLE (term text, weight float8)
  AS 'MODULE_PATHNAME', 'termvec_top_terms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION referral_crm.top_terms(referral_crm.termvec, int) IS
  'the k terms of largest weight, ties broken by term';
CREATE FUNCTION referral_crm.termvec_terms(referral_crm.termvec) RETURNS text[]
  AS 'MODULE_PATHNAME', 'termvec_terms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_size(referral_crm.termvec) RETURNS int
  AS 'MODULE_PATHNAME', 'termvec_size' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_words(referral_crm.termvec) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_words' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_words(referral_crm.termvec) IS
  'the single-word terms of a term vector (word bigrams left out)';
CREATE FUNCTION referral_crm.termvec(terms text[], weights float8[]) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_from_arrays' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec(text[], float8[]) IS
  'term vector from parallel arrays of terms and weights (weights of repeated terms are added)';
CREATE FUNCTION referral_crm.termvec_add(referral_crm.termvec, referral_crm.termvec) RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_add' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OPERATOR referral_crm.+ (
  LEFTARG = referral_crm.termvec, RIGHTARG = referral_crm.termvec,
  FUNCTION = referral_crm.termvec_add, COMMUTATOR = OPERATOR(referral_crm.+)
);
CREATE AGGREGATE referral_crm.termvec_sum(referral_crm.termvec) (
  SFUNC = referral_crm.termvec_add, STYPE = referral_crm.termvec,
  COMBINEFUNC = referral_crm.termvec_add, PARALLEL = SAFE
);
COMMENT ON AGGREGATE referral_crm.termvec_sum(referral_crm.termvec) IS
  'term-wise sum of term vectors';

CREATE FUNCTION referral_crm.termvec_overlaps(referral_crm.termvec, text[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'termvec_overlaps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR referral_crm.&& (
  LEFTARG = referral_crm.termvec, RIGHTARG = text[],
  FUNCTION = referral_crm.termvec_overlaps, RESTRICT = arraycontsel, JOIN = arraycontjoinsel
);
COMMENT ON OPERATOR referral_crm.&& (referral_crm.termvec, text[]) IS
  'does the term vector hold any of the terms?';

CREATE FUNCTION referral_crm.termvec_gin_extract_value(referral_crm.termvec, internal, internal)
  RETURNS internal AS 'MODULE_PATHNAME', 'termvec_gin_extract_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_gin_extract_query(text[], internal, int2, internal, internal, internal, internal)
  RETURNS internal AS 'MODULE_PATHNAME', 'termvec_gin_extract_query' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.termvec_gin_consistent(internal, int2, text[], int4, internal, internal, internal, internal)
  RETURNS boolean AS 'MODULE_PATHNAME', 'termvec_gin_consistent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR CLASS referral_crm.termvec_ops DEFAULT FOR TYPE referral_crm.termvec USING gin AS
  OPERATOR 1 referral_crm.&& (referral_crm.termvec, text[]),
  FUNCTION 1 btint4cmp(int4, int4),
  FUNCTION 2 referral_crm.termvec_gin_extract_value(referral_crm.termvec, internal, internal),
  FUNCTION 3 referral_crm.termvec_gin_extract_query(text[], internal, int2, internal, internal, internal, internal),
  FUNCTION 4 referral_crm.termvec_gin_consistent(internal, int2, text[], int4, internal, internal, internal, internal),
  STORAGE int4;

-- Analysers.
CREATE FUNCTION referral_crm.note_terms(note text, analyzer text DEFAULT 'clinical') RETURNS text[]
  AS 'MODULE_PATHNAME', 'note_terms' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.note_terms(text, text) IS
  'the terms of a note in reading order (clinical: stemmed words and word bigrams; sklearn: scikit-learn tokens)';
CREATE FUNCTION referral_crm.note_vector(note text, analyzer text DEFAULT 'clinical') RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'note_vector' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.note_vector(text, text) IS
  'the term counts of a note';
CREATE FUNCTION referral_crm.note_analysis(note text, OUT doclen int, OUT tf referral_crm.termvec)
  AS 'MODULE_PATHNAME', 'note_analysis' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.note_analysis(text) IS
  'clinical analysis of a note as the corpus keeps it: length in words and term counts';
CREATE FUNCTION referral_crm.note_surfaces(note text, OUT term text, OUT surface text, OUT count int)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'note_surfaces' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION referral_crm.note_surfaces(text) IS
  'each stemmed word of a note with its most frequent written form and its count';

-- Weighting.
CREATE FUNCTION referral_crm.termvec_idf(dfs referral_crm.termvec, n float8, smooth_idf boolean DEFAULT NULL)
  RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_idf' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_idf(referral_crm.termvec, float8, boolean) IS
  'idf of each term from its document frequency among n documents (NULL smooth_idf: referral_crm.tfidf_smooth_idf)';
CREATE FUNCTION referral_crm.termvec_weight(tf referral_crm.termvec, idf referral_crm.termvec,
                                            sublinear_tf boolean DEFAULT NULL, norm text DEFAULT NULL)
  RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_weight' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_weight(referral_crm.termvec, referral_crm.termvec, boolean, text) IS
  'TF-IDF weights of term counts given idf; terms without idf are left out (NULL settings: referral_crm.tfidf_*)';
CREATE FUNCTION referral_crm.termvec_bm25(tf referral_crm.termvec, doclen float8, query referral_crm.termvec,
                                          avgdl float8, k1 float8 DEFAULT NULL, b float8 DEFAULT NULL)
  RETURNS float8
  AS 'MODULE_PATHNAME', 'termvec_bm25' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_bm25(referral_crm.termvec, float8, referral_crm.termvec, float8, float8, float8) IS
  'BM25 score of a document (term counts, length) for query idf weights';

CREATE FUNCTION referral_crm.tfidf_weights(docs text[], analyzer text DEFAULT 'clinical',
                                           smooth_idf boolean DEFAULT true, sublinear_tf boolean DEFAULT false,
                                           norm text DEFAULT 'l2')
  RETURNS TABLE (doc int, term text, weight float8)
  AS 'MODULE_PATHNAME', 'tfidf_weights' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.tfidf_weights(text[], text, boolean, boolean, text) IS
  'TF-IDF weights fitted on an explicit document set, as scikit-learn''s TfidfVectorizer';
CREATE FUNCTION referral_crm.bm25_scores(docs text[], query text, k1 float8 DEFAULT 1.2, b float8 DEFAULT 0.75,
                                         analyzer text DEFAULT 'clinical')
  RETURNS TABLE (doc int, score float8)
  AS 'MODULE_PATHNAME', 'bm25_scores' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.bm25_scores(text[], text, float8, float8, text) IS
  'BM25 (Lucene 8+) score of every document of an explicit set for a query';
CREATE FUNCTION referral_crm.termvec_bm25_query(query referral_crm.termvec, dfs referral_crm.termvec, n float8)
  RETURNS referral_crm.termvec
  AS 'MODULE_PATHNAME', 'termvec_bm25_query' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.termvec_bm25_query(referral_crm.termvec, referral_crm.termvec, float8) IS
  'BM25 query weights: Lucene idf of each query term times its count in the query';

-- ==== src/notes/corpus.sql
-- src/notes/corpus.sql
-- Live corpus statistics over referral_crm.referral_notes.
--
-- note_vectors holds each note's clinical analysis (length, term counts).
-- The statistics are kept as delta rows: every statement that changes
-- notes inserts, in its own transaction, one corpus_df row per term whose
-- document frequency it changed (+n or -n) and one corpus_totals row.
-- Readers add the rows up.  Writers only ever insert, so concurrent
-- writers never wait for each other or deadlock, and every snapshot sees
-- exactly the statistics of the notes it sees (MVCC).  compact_corpus()
-- folds the rows into one per term without changing any sum;
-- rebuild_corpus() recomputes everything from the notes.

CREATE TABLE referral_crm.note_vectors (
  note_id bigint PRIMARY KEY,
  doclen  int NOT NULL CHECK (doclen >= 0),
  tf      referral_crm.termvec NOT NULL
);
COMMENT ON TABLE referral_crm.note_vectors IS
  'clinical analysis of every note of referral_notes (kept by triggers): length in words, term counts';
CREATE INDEX note_vectors_tf_idx ON referral_crm.note_vectors USING gin (tf referral_crm.termvec_ops);

CREATE TABLE referral_crm.corpus_df (
  term text NOT NULL,
  df   bigint NOT NULL
);
COMMENT ON TABLE referral_crm.corpus_df IS
  'document-frequency deltas per term; the document frequency of a term is the sum of its rows';
CREATE INDEX corpus_df_term_idx ON referral_crm.corpus_df (term) INCLUDE (df);

CREATE TABLE referral_crm.corpus_totals (
  ndocs     bigint NOT NULL,
  total_len bigint NOT NULL
);
COMMENT ON TABLE referral_crm.corpus_totals IS
  'deltas of the number of notes and of their total length; the statistics are the sums';

-- Statement triggers: transition tables give every row changed at once.
CREATE FUNCTION referral_crm.notes_corpus_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  WITH v AS (
    INSERT INTO referral_crm.note_vectors (note_id, doclen, tf)
    SELECT n.note_id, a.doclen, a.tf
      FROM new_notes n, referral_crm.note_analysis(n.body) a
    RETURNING doclen, tf
  ), d AS (
    INSERT INTO referral_crm.corpus_df (term, df)
    SELECT t, count(*) FROM v, unnest(referral_crm.termvec_terms(v.tf)) t GROUP BY t
  )
  INSERT INTO referral_crm.corpus_totals (ndocs, total_len)
  SELECT count(*), coalesce(sum(doclen), 0) FROM v HAVING count(*) > 0;
  RETURN NULL;
END
$$;

CREATE FUNCTION referral_crm.notes_corpus_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  WITH v AS (
    DELETE FROM referral_crm.note_vectors v USING old_notes o
     WHERE v.note_id = o.note_id
    RETURNING v.doclen, v.tf
  ), d AS (
    INSERT INTO referral_crm.corpus_df (term, df)
    SELECT t, -count(*) FROM v, unnest(referral_crm.termvec_terms(v.tf)) t GROUP BY t
  )
  INSERT INTO referral_crm.corpus_totals (ndocs, total_len)
  SELECT -count(*), -coalesce(sum(doclen), 0) FROM v HAVING count(*) > 0;
  RETURN NULL;
END
$$;

CREATE FUNCTION referral_crm.notes_corpus_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  -- Only notes whose body changed.  The old analysis is read as stored in
  -- note_vectors (the statement's snapshot, before its own changes), so
  -- the deltas cancel exactly; the row locks the UPDATE holds on the notes
  -- keep other writers of the same notes out until commit.
  WITH c AS (
    SELECT o.note_id AS old_id, n.note_id AS new_id, n.body
      FROM old_notes o FULL JOIN new_notes n ON o.note_id = n.note_id
     WHERE o.body IS DISTINCT FROM n.body OR o.note_id IS NULL OR n.note_id IS NULL
  ), old AS (
    SELECT v.doclen, v.tf FROM referral_crm.note_vectors v JOIN c ON v.note_id = c.old_id
  ), del AS (
    DELETE FROM referral_crm.note_vectors v USING c
     WHERE v.note_id = c.old_id AND c.new_id IS NULL
  ), upd AS (
    UPDATE referral_crm.note_vectors v SET doclen = a.doclen, tf = a.tf
      FROM c, referral_crm.note_analysis(c.body) a
     WHERE v.note_id = c.new_id AND c.old_id = c.new_id
    RETURNING v.doclen, v.tf
  ), ins AS (
    INSERT INTO referral_crm.note_vectors (note_id, doclen, tf)
    SELECT c.new_id, a.doclen, a.tf
      FROM c, referral_crm.note_analysis(c.body) a WHERE c.old_id IS NULL
    RETURNING doclen, tf
  ), both_ AS (
    SELECT -1 AS sign, doclen, tf FROM old
    UNION ALL SELECT 1, doclen, tf FROM upd
    UNION ALL SELECT 1, doclen, tf FROM ins
  ), d AS (
    INSERT INTO referral_crm.corpus_df (term, df)
    SELECT t, sum(sign) FROM both_, unnest(referral_crm.termvec_terms(both_.tf)) t
     GROUP BY t HAVING sum(sign) <> 0
  )
  INSERT INTO referral_crm.corpus_totals (ndocs, total_len)
  SELECT sum(sign), sum(sign * doclen) FROM both_
  HAVING sum(sign) <> 0 OR sum(sign * doclen) <> 0;
  RETURN NULL;
END
$$;

CREATE FUNCTION referral_crm.notes_corpus_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  DELETE FROM referral_crm.note_vectors;
  DELETE FROM referral_crm.corpus_df;
  DELETE FROM referral_crm.corpus_totals;
  RETURN NULL;
END
$$;

CREATE TRIGGER referral_notes_corpus_insert AFTER INSERT ON referral_crm.referral_notes
  REFERENCING NEW TABLE AS new_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_insert();
CREATE TRIGGER referral_notes_corpus_update AFTER UPDATE ON referral_crm.referral_notes
  REFERENCING OLD TABLE AS old_notes NEW TABLE AS new_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_update();
CREATE TRIGGER referral_notes_corpus_delete AFTER DELETE ON referral_crm.referral_notes
  REFERENCING OLD TABLE AS old_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_delete();
CREATE TRIGGER referral_notes_corpus_truncate AFTER TRUNCATE ON referral_crm.referral_notes
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.notes_corpus_truncate();

-- Reading the statistics.
CREATE FUNCTION referral_crm.corpus_stats(OUT ndocs bigint, OUT total_len bigint, OUT avgdl float8)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(sum(ndocs), 0)::bigint, coalesce(sum(total_len), 0)::bigint,
         CASE WHEN coalesce(sum(ndocs), 0) > 0 THEN sum(total_len)::float8 / sum(ndocs) ELSE 0 END
    FROM referral_crm.corpus_totals
$$;
COMMENT ON FUNCTION referral_crm.corpus_stats() IS
  'number of notes, their total length in words and the average length, as of the current snapshot';

CREATE FUNCTION referral_crm.corpus_dfs(terms text[]) RETURNS referral_crm.termvec
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  -- A few terms: one index probe each (LATERAL keeps the planner from
  -- hashing the whole table); many terms: one pass over the table.
  SELECT referral_crm.termvec(coalesce(array_agg(term), '{}'), coalesce(array_agg(df), '{}'))
    FROM (SELECT q.term, s.df
            FROM (SELECT DISTINCT u AS term FROM unnest(terms) u) q,
                 LATERAL (SELECT sum(c.df)::float8 AS df FROM referral_crm.corpus_df c WHERE c.term = q.term) s
           WHERE cardinality(terms) <= 2000 AND s.df > 0
          UNION ALL
          SELECT c.term, sum(c.df)::float8
            FROM referral_crm.corpus_df c
            JOIN (SELECT DISTINCT u AS term FROM unnest(terms) u) q ON q.term = c.term
           WHERE cardinality(terms) > 2000
           GROUP BY c.term HAVING sum(c.df) > 0) d
$$;
COMMENT ON FUNCTION referral_crm.corpus_dfs(text[]) IS
  'document frequency of each term in the live corpus, as a term vector (terms in no note are left out)';

CREATE FUNCTION referral_crm.corpus_terms(OUT term text, OUT df bigint) RETURNS SETOF record
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT term, sum(df)::bigint FROM referral_crm.corpus_df GROUP BY term HAVING sum(df) <> 0
$$;
COMMENT ON FUNCTION referral_crm.corpus_terms() IS
  'every term of the live corpus with its document frequency';

CREATE FUNCTION referral_crm.tfidf(note text) RETURNS referral_crm.termvec
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT referral_crm.termvec_weight(v,
           referral_crm.termvec_idf(referral_crm.corpus_dfs(referral_crm.termvec_terms(v)), s.ndocs))
    FROM referral_crm.note_vector(note) v, referral_crm.corpus_stats() s
$$;
COMMENT ON FUNCTION referral_crm.tfidf(text) IS
  'TF-IDF vector of a text against the live corpus (settings referral_crm.tfidf_smooth_idf, _sublinear_tf, _norm)';

-- Upkeep.
CREATE FUNCTION referral_crm.compact_corpus() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  before bigint;
  after bigint;
BEGIN
  -- Each statement deletes the rows it sees and inserts their sums: the
  -- sums never change, and a concurrent compaction skips the rows this
  -- one deleted (it only ever gets the rows it deleted itself).
  SELECT count(*) INTO before FROM referral_crm.corpus_df;
  WITH d AS (DELETE FROM referral_crm.corpus_df RETURNING term, df)
  INSERT INTO referral_crm.corpus_df (term, df)
  SELECT term, sum(df) FROM d GROUP BY term HAVING sum(df) <> 0;
  WITH d AS (DELETE FROM referral_crm.corpus_totals RETURNING ndocs, total_len)
  INSERT INTO referral_crm.corpus_totals (ndocs, total_len)
  SELECT sum(ndocs), sum(total_len) FROM d HAVING count(*) > 0;
  SELECT count(*) INTO after FROM referral_crm.corpus_df;
  RETURN before - after;
END
$$;
COMMENT ON FUNCTION referral_crm.compact_corpus() IS
  'fold the statistics deltas into one row per term (never blocks writers); returns the rows removed';

CREATE FUNCTION referral_crm.rebuild_corpus() RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  -- Writers wait until the rebuild commits; readers keep their snapshot.
  LOCK TABLE referral_crm.referral_notes IN SHARE MODE;
  DELETE FROM referral_crm.note_vectors;
  DELETE FROM referral_crm.corpus_df;
  DELETE FROM referral_crm.corpus_totals;
  INSERT INTO referral_crm.note_vectors (note_id, doclen, tf)
  SELECT n.note_id, a.doclen, a.tf FROM referral_crm.referral_notes n, referral_crm.note_analysis(n.body) a;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO referral_crm.corpus_df (term, df)
  SELECT t, count(*) FROM referral_crm.note_vectors v, unnest(referral_crm.termvec_terms(v.tf)) t GROUP BY t;
  INSERT INTO referral_crm.corpus_totals (ndocs, total_len)
  SELECT count(*), coalesce(sum(doclen), 0) FROM referral_crm.note_vectors HAVING count(*) > 0;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.rebuild_corpus() IS
  'recompute every note''s analysis and the corpus statistics from referral_notes; returns the number of notes';

-- Rebuilding and compacting need write access to the statistics: not for
-- everybody (a rebuild blocks note writers until it commits).
REVOKE ALL ON FUNCTION referral_crm.compact_corpus() FROM PUBLIC;
REVOKE ALL ON FUNCTION referral_crm.rebuild_corpus() FROM PUBLIC;

-- Notes that existed before this room was installed (upgrade from 0.2.0).
SELECT referral_crm.rebuild_corpus();

-- The derived tables are registered for pg_dump with a condition that
-- keeps their rows out of the dump: restoring referral_notes fires the
-- triggers, which rebuild them.
SELECT pg_catalog.pg_extension_config_dump('referral_crm.note_vectors', 'WHERE false');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.corpus_df', 'WHERE false');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.corpus_totals', 'WHERE false');

-- ==== src/notes/search.sql
-- src/notes/search.sql
-- Search, similar referrals, key terms and recurrent pathways over the
-- live corpus.

CREATE FUNCTION referral_crm.notes_check_k(k int) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF k IS NULL OR k <= 0 THEN
    RAISE EXCEPTION 'k must be positive, not %', coalesce(k::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
END
$$;

CREATE FUNCTION referral_crm.search_notes(query text, k int DEFAULT 10)
  RETURNS TABLE (note_id bigint, referral_id bigint, score float8)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  st record;
  q referral_crm.termvec;
  qw referral_crm.termvec;
  dfs referral_crm.termvec;
  rare text[];
  nt int;
  rest float8;
  ids bigint[];
  scores float8[];
BEGIN
  PERFORM referral_crm.notes_check_k(k);
  IF query IS NULL THEN
    RETURN;
  END IF;
  q := referral_crm.note_vector(query);
  SELECT * INTO st FROM referral_crm.corpus_stats();
  IF st.ndocs <= 0 OR referral_crm.termvec_size(q) = 0 THEN
    RETURN;
  END IF;
  qw := referral_crm.termvec_bm25_query(q, referral_crm.corpus_dfs(referral_crm.termvec_terms(q)), st.ndocs);
  nt := referral_crm.termvec_size(qw);
  IF nt = 0 THEN
    RETURN;
  END IF;
  -- MaxScore: a term adds less than its query weight to any score.  First
  -- score only the notes holding a term found in under a tenth of the
  -- notes; if the k-th best of them reaches the summed weights of the
  -- common terms, no other note can enter the top k.  Otherwise score
  -- every note holding any query term.
  dfs := referral_crm.corpus_dfs(referral_crm.termvec_terms(qw));
  SELECT array_agg(t.term) FILTER (WHERE d.weight < st.ndocs / 10.0),
         coalesce(sum(t.weight) FILTER (WHERE d.weight >= st.ndocs / 10.0), 0)
    INTO rare, rest
    FROM referral_crm.top_terms(qw, nt) t JOIN referral_crm.top_terms(dfs, nt) d ON d.term = t.term;
  IF rare IS NOT NULL THEN
    SELECT array_agg(s.note_id ORDER BY s.score DESC, s.note_id), array_agg(s.score ORDER BY s.score DESC, s.note_id)
      INTO ids, scores
      FROM (SELECT v.note_id, referral_crm.termvec_bm25(v.tf, v.doclen, qw, st.avgdl) AS score
              FROM referral_crm.note_vectors v
             WHERE v.tf OPERATOR(referral_crm.&&) rare
             ORDER BY 2 DESC, 1 LIMIT k) s;
  END IF;
  IF rare IS NULL OR (rest > 0 AND (coalesce(array_length(ids, 1), 0) < k OR scores[k] < rest)) THEN
    SELECT array_agg(s.note_id ORDER BY s.score DESC, s.note_id), array_agg(s.score ORDER BY s.score DESC, s.note_id)
      INTO ids, scores
      FROM (SELECT v.note_id, referral_crm.termvec_bm25(v.tf, v.doclen, qw, st.avgdl) AS score
              FROM referral_crm.note_vectors v
             WHERE v.tf OPERATOR(referral_crm.&&) referral_crm.termvec_terms(qw)
             ORDER BY 2 DESC, 1 LIMIT k) s;
  END IF;
  RETURN QUERY
  SELECT r.id, n.referral_id, r.score
    FROM unnest(ids, scores) WITH ORDINALITY r(id, score, ord)
    JOIN referral_crm.referral_notes n ON n.note_id = r.id
   ORDER BY r.ord;
END
$$;
COMMENT ON FUNCTION referral_crm.search_notes(text, int) IS
  'the k notes of highest BM25 score for a query against the live corpus (settings referral_crm.bm25_k1, _b)';

CREATE FUNCTION referral_crm.similar_referrals(ref_id bigint, k int DEFAULT 10)
  RETURNS TABLE (referral_id bigint, similarity float8)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  st record;
  q referral_crm.termvec;
  qw referral_crm.termvec;
  probe text[];
  cand_ids bigint[];
  cand_tfs referral_crm.termvec[];
  idf referral_crm.termvec;
BEGIN
  PERFORM referral_crm.notes_check_k(k);
  IF NOT EXISTS (SELECT 1 FROM referral_crm.referrals r WHERE r.referral_id = ref_id) THEN
    RAISE EXCEPTION 'referral % does not exist', ref_id USING ERRCODE = 'undefined_object';
  END IF;
  -- Single words only: word bigrams make these vectors sparser and the
  -- neighbours worse (precision@1 on MTSamples 0.818 against 0.808).
  SELECT referral_crm.termvec_words(referral_crm.termvec_sum(v.tf)) INTO q
    FROM referral_crm.note_vectors v JOIN referral_crm.referral_notes n ON n.note_id = v.note_id
   WHERE n.referral_id = ref_id;
  IF q IS NULL OR referral_crm.termvec_size(q) = 0 THEN
    RETURN;
  END IF;
  SELECT * INTO st FROM referral_crm.corpus_stats();
  qw := referral_crm.termvec_weight(q, referral_crm.termvec_idf(
          referral_crm.corpus_dfs(referral_crm.termvec_terms(q)), st.ndocs, true), true, 'l2');
  -- Candidates share at least one of the 20 heaviest terms (GIN index).
  probe := ARRAY(SELECT t.term FROM referral_crm.top_terms(qw, 20) t);
  SELECT array_agg(c.rid), array_agg(c.tf) INTO cand_ids, cand_tfs
    FROM (SELECT n.referral_id AS rid, referral_crm.termvec_words(referral_crm.termvec_sum(v.tf)) AS tf
            FROM referral_crm.note_vectors v JOIN referral_crm.referral_notes n ON n.note_id = v.note_id
           WHERE v.tf OPERATOR(referral_crm.&&) probe AND n.referral_id <> ref_id
           GROUP BY n.referral_id) c;
  IF cand_ids IS NULL THEN
    RETURN;
  END IF;
  IF array_length(cand_ids, 1) * 10 > st.ndocs THEN
    -- Many candidates: the idf of the whole vocabulary in one pass.
    SELECT referral_crm.termvec_idf(referral_crm.termvec(array_agg(c.term), array_agg(c.df::float8)), st.ndocs, true)
      INTO idf FROM referral_crm.corpus_terms() c WHERE c.df > 0;
  ELSE
    idf := referral_crm.termvec_idf(referral_crm.corpus_dfs(
             ARRAY(SELECT DISTINCT t FROM unnest(cand_tfs) v, unnest(referral_crm.termvec_terms(v)) t)), st.ndocs, true);
  END IF;
  RETURN QUERY
  SELECT c.rid, referral_crm.cosine(qw, referral_crm.termvec_weight(c.tf, idf, true, 'l2')) AS sim
    FROM unnest(cand_ids, cand_tfs) c(rid, tf)
   ORDER BY 2 DESC, 1
   LIMIT k;
END
$$;
COMMENT ON FUNCTION referral_crm.similar_referrals(bigint, int) IS
  'the k referrals whose notes are most similar (cosine of sublinear TF-IDF vectors of their words) to a referral''s notes';

CREATE FUNCTION referral_crm.key_terms(note text, k int DEFAULT 10)
  RETURNS TABLE (term text, weight float8)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  st record;
  tf referral_crm.termvec;
  dfs referral_crm.termvec;
  w referral_crm.termvec;
  n int;
BEGIN
  PERFORM referral_crm.notes_check_k(k);
  IF note IS NULL THEN
    RETURN;
  END IF;
  SELECT referral_crm.termvec(coalesce(array_agg(s.term), '{}'), coalesce(array_agg(s.count::float8), '{}'))
    INTO tf FROM referral_crm.note_surfaces(note) s WHERE s.surface ~ '^[[:alpha:]]+$';
  n := referral_crm.termvec_size(tf);
  IF n = 0 THEN
    RETURN;
  END IF;
  SELECT * INTO st FROM referral_crm.corpus_stats();
  -- Document frequencies as if the note were one more document.
  dfs := referral_crm.corpus_dfs(referral_crm.termvec_terms(tf))
         OPERATOR(referral_crm.+) referral_crm.termvec(referral_crm.termvec_terms(tf), array_fill(1::float8, ARRAY[n]));
  w := referral_crm.termvec_weight(tf, referral_crm.termvec_idf(dfs, st.ndocs + 1, true), false, 'l2');
  RETURN QUERY
  SELECT s.surface, t.weight
    FROM referral_crm.top_terms(w, k) t JOIN referral_crm.note_surfaces(note) s ON s.term = t.term
   ORDER BY t.weight DESC, s.surface;
END
$$;
COMMENT ON FUNCTION referral_crm.key_terms(text, int) IS
  'the k words (letters only) of a note of highest TF-IDF weight against the live corpus, as written (case folded)';

CREATE FUNCTION referral_crm.distinctive_terms(tf referral_crm.termvec, k int DEFAULT 5) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT array_agg(t.term ORDER BY t.weight DESC, t.term)
    FROM referral_crm.corpus_stats() s,
         referral_crm.top_terms(referral_crm.termvec_weight(tf, referral_crm.termvec_idf(
           referral_crm.corpus_dfs(referral_crm.termvec_terms(tf)), s.ndocs, true), true, 'l2'), k) t
$$;
COMMENT ON FUNCTION referral_crm.distinctive_terms(referral_crm.termvec, int) IS
  'the k terms of summed term counts that weigh most against the live corpus (sublinear TF-IDF)';

CREATE VIEW referral_crm.recurrent_pathways WITH (security_invoker = true) AS
SELECT r.referring_npi,
       min(r.referring_name) AS referring_name,
       r.target_specialty AS specialty,
       count(DISTINCT r.referral_id) AS referrals,
       count(v.note_id) AS notes,
       referral_crm.distinctive_terms(referral_crm.termvec_sum(v.tf), 5) AS distinctive_terms
  FROM referral_crm.referrals r
  LEFT JOIN referral_crm.referral_notes n ON n.referral_id = r.referral_id
  LEFT JOIN referral_crm.note_vectors v ON v.note_id = n.note_id
 WHERE r.referring_npi IS NOT NULL AND r.target_specialty IS NOT NULL
 GROUP BY r.referring_npi, r.target_specialty
HAVING count(DISTINCT r.referral_id) >= 2;
COMMENT ON VIEW referral_crm.recurrent_pathways IS
  'referrer to specialty pairs with two or more referrals: volumes and the terms that set their notes apart';

-- ==== src/notes/classify.sql
-- src/notes/classify.sql
-- Note classifiers: nearest centroid and k nearest neighbours over
-- sublinear TF-IDF vectors with the model's own idf.

CREATE TABLE referral_crm.note_classifiers (
  name       text PRIMARY KEY,
  method     text NOT NULL CHECK (method IN ('knn', 'centroid')),
  k          int NOT NULL CHECK (k > 0),
  n_docs     int NOT NULL,
  labels     text[] NOT NULL,
  idf        referral_crm.termvec NOT NULL,
  trained_at timestamptz NOT NULL DEFAULT now(),
  trained_by text NOT NULL DEFAULT current_user
);
COMMENT ON TABLE referral_crm.note_classifiers IS 'trained note classifiers (train_note_classifier)';

CREATE TABLE referral_crm.note_classifier_vectors (
  name  text NOT NULL REFERENCES referral_crm.note_classifiers ON DELETE CASCADE ON UPDATE CASCADE,
  kind  text NOT NULL CHECK (kind IN ('example', 'centroid')),
  label text NOT NULL,
  vec   referral_crm.termvec NOT NULL
);
CREATE INDEX note_classifier_vectors_name_idx ON referral_crm.note_classifier_vectors (name, kind);
COMMENT ON TABLE referral_crm.note_classifier_vectors IS
  'training examples (TF-IDF vectors) and label centroids of each classifier';

SELECT pg_catalog.pg_extension_config_dump('referral_crm.note_classifiers', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.note_classifier_vectors', '');

CREATE FUNCTION referral_crm.train_note_classifier(name text, labelled_query text,
                                                   method text DEFAULT 'knn', k int DEFAULT 10)
  RETURNS int
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  labels text[];
  notes text[];
  tfs referral_crm.termvec[];
  n int;
  min_df int;
  idf referral_crm.termvec;
BEGIN
  IF name IS NULL OR labelled_query IS NULL THEN
    RAISE EXCEPTION 'name and labelled_query must not be NULL' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF method IS NULL OR method NOT IN ('knn', 'centroid') THEN
    RAISE EXCEPTION 'unknown classification method "%"', method USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'The methods are "knn" and "centroid".';
  END IF;
  PERFORM referral_crm.notes_check_k(k);
  EXECUTE format('SELECT array_agg(l::text ORDER BY ord), array_agg(n::text ORDER BY ord)
                    FROM (SELECT q.*, row_number() OVER () AS ord FROM (%s) q) q2(l, n)
                   WHERE l IS NOT NULL AND n IS NOT NULL', labelled_query)
    INTO labels, notes;
  n := coalesce(array_length(labels, 1), 0);
  IF n = 0 THEN
    RAISE EXCEPTION 'the labelled query returned no rows with a label and a note'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The query returns the label first and the note text second.';
  END IF;
  tfs := ARRAY(SELECT referral_crm.note_vector(x) FROM unnest(notes) WITH ORDINALITY u(x, i) ORDER BY i);
  -- Terms in a single training note are noise for a larger set.
  min_df := CASE WHEN n >= 50 THEN 2 ELSE 1 END;
  SELECT referral_crm.termvec_idf(referral_crm.termvec(coalesce(array_agg(t), '{}'), coalesce(array_agg(c), '{}')), n, true)
    INTO idf
    FROM (SELECT t, count(*)::float8 AS c FROM unnest(tfs) v, unnest(referral_crm.termvec_terms(v)) t
           GROUP BY t HAVING count(*) >= min_df) s;
  DELETE FROM referral_crm.note_classifiers c WHERE c.name = train_note_classifier.name;
  INSERT INTO referral_crm.note_classifiers (name, method, k, n_docs, labels, idf)
  VALUES (train_note_classifier.name, method, k, n,
          ARRAY(SELECT DISTINCT x FROM unnest(labels) x ORDER BY 1), idf);
  INSERT INTO referral_crm.note_classifier_vectors (name, kind, label, vec)
  SELECT train_note_classifier.name, 'example', labels[i], referral_crm.termvec_weight(tfs[i], idf, true, 'l2')
    FROM generate_series(1, n) i;
  INSERT INTO referral_crm.note_classifier_vectors (name, kind, label, vec)
  SELECT train_note_classifier.name, 'centroid', v.label, referral_crm.termvec_sum(v.vec)
    FROM referral_crm.note_classifier_vectors v
   WHERE v.name = train_note_classifier.name AND v.kind = 'example'
   GROUP BY v.label;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.train_note_classifier(text, text, text, int) IS
  'train (or retrain) a note classifier from a query returning (label, note text); method knn or centroid';

CREATE FUNCTION referral_crm.classify_note(name text, note text)
  RETURNS TABLE (label text, score float8)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
  m record;
  q referral_crm.termvec;
BEGIN
  SELECT * INTO m FROM referral_crm.note_classifiers c WHERE c.name = classify_note.name;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'note classifier "%" does not exist', classify_note.name
      USING ERRCODE = 'undefined_object', HINT = 'Train it with referral_crm.train_note_classifier.';
  END IF;
  IF note IS NULL THEN
    RETURN;
  END IF;
  q := referral_crm.termvec_weight(referral_crm.note_vector(note), m.idf, true, 'l2');
  IF referral_crm.termvec_size(q) = 0 THEN
    RETURN;
  END IF;
  IF m.method = 'centroid' THEN
    RETURN QUERY
    SELECT v.label, referral_crm.cosine(q, v.vec) AS s
      FROM referral_crm.note_classifier_vectors v
     WHERE v.name = m.name AND v.kind = 'centroid'
     ORDER BY 2 DESC, 1;
  ELSE
    RETURN QUERY
    WITH nn AS (
      SELECT v.label, referral_crm.cosine(q, v.vec) AS s
        FROM referral_crm.note_classifier_vectors v
       WHERE v.name = m.name AND v.kind = 'example'
       ORDER BY 2 DESC, 1 LIMIT m.k
    ), tot AS (SELECT sum(s) AS t FROM nn)
    SELECT nn.label, sum(nn.s) / tot.t
      FROM nn, tot WHERE tot.t > 0
     GROUP BY nn.label, tot.t
     ORDER BY 2 DESC, 1;
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.classify_note(text, text) IS
  'labels for a note by a trained classifier, best first (knn: share of neighbour similarity; centroid: cosine)';

CREATE FUNCTION referral_crm.train_specialty_classifier(name text DEFAULT 'specialty', method text DEFAULT 'knn')
  RETURNS int
LANGUAGE sql VOLATILE AS $$
  SELECT referral_crm.train_note_classifier(name,
    'SELECT r.target_specialty, n.body FROM referral_crm.referrals r
       JOIN referral_crm.referral_notes n ON n.referral_id = r.referral_id
      WHERE r.target_specialty IS NOT NULL', method)
$$;
COMMENT ON FUNCTION referral_crm.train_specialty_classifier(text, text) IS
  'train the classifier that routing uses (default name ''specialty'') from referrals that name their specialty';

-- ==== src/scoring/scoring.sql
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

-- ==== src/scoring/features.sql
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
  RETURN 2 * 6371.0088 * asin(sqrt(power(sin(radians(lat2 - lat1) / 2), 2)
                                  + cos(radians(lat1)) * cos(radians(lat2))
                                    * power(sin(radians(lon2 - lon1) / 2), 2)));
COMMENT ON FUNCTION referral_crm.distance_km(double precision, double precision, double precision, double precision) IS
  'great-circle (haversine) distance in km on the mean Earth radius';

------------------------------------------------------------------------
-- Feature views
------------------------------------------------------------------------

CREATE VIEW referral_crm.conversion_features WITH (security_invoker = true) AS
WITH waits AS (
  SELECT r.target_specialty AS specialty,
         date_trunc('week', a.booked_at) AS week,
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
                   AND w.week = date_trunc('week', r.authored_at) - interval '1 week'
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
       greatest(a.start_at::date - coalesce(a.booked_at, a.created_at)::date, 0) AS lead_days,
       a.start_at::date <= coalesce(a.booked_at, a.created_at)::date AS same_day,
       extract(isodow FROM a.start_at)::integer AS weekday,
       extract(isodow FROM a.start_at) = 2 AS wd_tue,
       extract(isodow FROM a.start_at) = 3 AS wd_wed,
       extract(isodow FROM a.start_at) = 4 AS wd_thu,
       extract(isodow FROM a.start_at) = 5 AS wd_fri,
       extract(isodow FROM a.start_at) >= 6 AS wd_weekend,
       prior.appointments AS prior_appointments,
       prior.noshows AS prior_noshows,
       a.reminder_sent,
       extract(year FROM age(a.start_at::date, p.birth_date))::integer AS age
  FROM referral_crm.appointments a
  JOIN referral_crm.patients p ON p.patient_id = a.patient_id
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
  -- Leave out features that are constant in the training rows.
  EXECUTE format('SELECT count(*), ARRAY[%s] FROM (%s) AS s',
                 (SELECT string_agg(format('min(referral_crm.feature_value(s.%1$I)) IS DISTINCT FROM max(referral_crm.feature_value(s.%1$I))', f), ', ' ORDER BY o)
                    FROM unnest(d.features) WITH ORDINALITY AS u (f, o)),
                 src)
    INTO n_rows, varies;
  IF n_rows = 0 THEN
    RAISE EXCEPTION 'no labelled rows to train the % model on', purpose
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = format('referral_crm.%s has no row with %s set outside the holdout.', d.view_name, d.label),
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
  -- Holdout evaluation.
  SELECT string_agg(format('referral_crm.feature_value(s.%I)', f), ', ' ORDER BY o)
    INTO xs FROM unnest(m.features) WITH ORDINALITY AS u (f, o);
  EXECUTE format('SELECT count(p) AS n, referral_crm.auc(p, y) AS auc, referral_crm.log_loss(p, y) AS log_loss,
                         referral_crm.brier(p, y) AS brier
                    FROM (SELECT referral_crm.logit_predict($1, ARRAY[%s]::float8[]) AS p, s.%I AS y
                            FROM (%s) AS s) AS t',
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

-- ==== src/scoring/dump.sql
-- src/scoring/dump.sql
-- pg_dump keeps the trained models (and their identity sequence), the
-- scores and the ZIP centroids.
SELECT pg_catalog.pg_extension_config_dump('referral_crm.models', '');
SELECT pg_catalog.pg_extension_config_dump(
         pg_catalog.pg_get_serial_sequence('referral_crm.models', 'model_id')::regclass, '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.referral_scores', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.zip_centroids', '');

-- ==== src/routing/routing.sql
-- src/routing/routing.sql
-- Routing: the condition type, the rules, the input view, assignment
-- within a queue, route / route_pending / explain_route, decisions, lint.

------------------------------------------------------------------------
-- The condition type
------------------------------------------------------------------------

CREATE TYPE referral_crm.routing_condition;

CREATE FUNCTION referral_crm.routing_condition_in(cstring) RETURNS referral_crm.routing_condition
  AS 'MODULE_PATHNAME', 'routing_condition_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.routing_condition_out(referral_crm.routing_condition) RETURNS cstring
  AS 'MODULE_PATHNAME', 'routing_condition_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.routing_condition_recv(internal) RETURNS referral_crm.routing_condition
  AS 'MODULE_PATHNAME', 'routing_condition_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION referral_crm.routing_condition_send(referral_crm.routing_condition) RETURNS bytea
  AS 'MODULE_PATHNAME', 'routing_condition_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE referral_crm.routing_condition (
  INPUT = referral_crm.routing_condition_in,
  OUTPUT = referral_crm.routing_condition_out,
  RECEIVE = referral_crm.routing_condition_recv,
  SEND = referral_crm.routing_condition_send,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = double,
  STORAGE = extended
);
COMMENT ON TYPE referral_crm.routing_condition IS
  'a routing rule condition over referral attributes: parsed and type-checked on input, stored compiled, printed in canonical form';

CREATE FUNCTION referral_crm.routing_condition_sql(referral_crm.routing_condition, prefix text DEFAULT '')
  RETURNS text
  AS 'MODULE_PATHNAME', 'routing_condition_sql' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_sql(referral_crm.routing_condition, text) IS
  'the condition as a SQL boolean expression over columns of routing_input, each preceded by prefix';

CREATE FUNCTION referral_crm.routing_condition_implies(referral_crm.routing_condition, referral_crm.routing_condition)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'routing_condition_implies' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_implies(referral_crm.routing_condition, referral_crm.routing_condition) IS
  'true when every referral matching the first condition provably matches the second';
CREATE FUNCTION referral_crm.routing_condition_overlaps(referral_crm.routing_condition, referral_crm.routing_condition)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'routing_condition_overlaps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_overlaps(referral_crm.routing_condition, referral_crm.routing_condition) IS
  'false when no referral can match both conditions';
CREATE FUNCTION referral_crm.routing_condition_satisfiable(referral_crm.routing_condition)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'routing_condition_satisfiable' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_satisfiable(referral_crm.routing_condition) IS
  'false when no referral can ever match the condition';
CREATE FUNCTION referral_crm.routing_condition_values(referral_crm.routing_condition, attribute text)
  RETURNS text[]
  AS 'MODULE_PATHNAME', 'routing_condition_values' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_values(referral_crm.routing_condition, text) IS
  'the text literals the condition compares a text attribute with';

------------------------------------------------------------------------
-- Queue and staff settings for assignment
------------------------------------------------------------------------

CREATE TABLE referral_crm.queue_routing (
  queue_id         bigint PRIMARY KEY REFERENCES referral_crm.queues ON DELETE CASCADE,
  strategy         text NOT NULL DEFAULT 'least_loaded'
                   CONSTRAINT queue_routing_strategy
                   CHECK (strategy IN ('none', 'round_robin', 'least_loaded', 'skills')),
  required_skills  text[] NOT NULL DEFAULT '{}',
  default_capacity integer CONSTRAINT queue_routing_capacity_positive CHECK (default_capacity > 0),
  last_staff_id    bigint REFERENCES referral_crm.staff ON DELETE SET NULL,
  last_assigned_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.queue_routing IS
  'how work is assigned within a queue; a queue without a row uses least_loaded';
COMMENT ON COLUMN referral_crm.queue_routing.strategy IS
  'none: stay in the queue unassigned; round_robin; least_loaded: fewest open items; skills: least loaded among members with the required skills who speak the patient''s language';
COMMENT ON COLUMN referral_crm.queue_routing.default_capacity IS
  'open items a member may hold when staff_capacity has no row for them; NULL: no limit';

CREATE TABLE referral_crm.staff_capacity (
  staff_id   bigint PRIMARY KEY REFERENCES referral_crm.staff ON DELETE CASCADE,
  max_open   integer NOT NULL CONSTRAINT staff_capacity_positive CHECK (max_open > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.staff_capacity IS
  'the most open items (tasks and active referrals) a person may hold';

CREATE TABLE referral_crm.staff_hours (
  staff_id   bigint NOT NULL REFERENCES referral_crm.staff ON DELETE CASCADE,
  weekday    smallint NOT NULL CONSTRAINT staff_hours_weekday CHECK (weekday BETWEEN 1 AND 7),
  starts     time NOT NULL,
  ends       time NOT NULL,
  time_zone  text NOT NULL DEFAULT 'UTC'
             CONSTRAINT staff_hours_time_zone CHECK (now() AT TIME ZONE time_zone IS NOT NULL),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (staff_id, weekday, starts),
  CONSTRAINT staff_hours_order CHECK (ends > starts)
);
COMMENT ON TABLE referral_crm.staff_hours IS
  'working hours (ISO weekday 1 = Monday, local time in time_zone); a person without rows is always on duty';

-- Open work per person is counted from these.
CREATE INDEX referrals_open_assignee_idx ON referral_crm.referrals (assignee_staff_id)
  WHERE assignee_staff_id IS NOT NULL
    AND status IN ('draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold');
CREATE INDEX referrals_unrouted_idx ON referral_crm.referrals (referral_id)
  WHERE queue_id IS NULL;

------------------------------------------------------------------------
-- Rules and decisions
------------------------------------------------------------------------

CREATE TABLE referral_crm.routing_rules (
  rule_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text NOT NULL UNIQUE CONSTRAINT routing_rules_name_nonempty CHECK (name <> ''),
  priority_order integer NOT NULL,
  condition      referral_crm.routing_condition NOT NULL,
  queue          text NOT NULL REFERENCES referral_crm.queues (code) ON UPDATE CASCADE,
  strategy       text NOT NULL DEFAULT 'queue'
                 CONSTRAINT routing_rules_strategy
                 CHECK (strategy IN ('queue', 'none', 'round_robin', 'least_loaded', 'skills')),
  active         boolean NOT NULL DEFAULT true,
  valid_from     timestamptz,
  valid_to       timestamptz,
  description    text,
  created_by     name NOT NULL DEFAULT current_user,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT routing_rules_validity CHECK (valid_to > valid_from)
);
COMMENT ON TABLE referral_crm.routing_rules IS
  'routing rules: the first active, currently valid rule (by priority_order, then rule_id) whose condition matches routes the referral';
COMMENT ON COLUMN referral_crm.routing_rules.strategy IS
  'assignment within the target queue; queue: the queue''s own strategy (queue_routing)';
CREATE INDEX routing_rules_order_idx ON referral_crm.routing_rules (priority_order, rule_id) WHERE active;
CREATE INDEX routing_rules_queue_idx ON referral_crm.routing_rules (queue);

CREATE TABLE referral_crm.routing_decisions (
  decision_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  referral_id        bigint,
  task_id            bigint,
  rule_id            bigint,
  rule_name          text,
  queue_id           bigint,
  requested_queue_id bigint,
  assignee_staff_id  bigint,
  strategy           text,
  method             text NOT NULL
                     CONSTRAINT routing_decisions_method
                     CHECK (method IN ('route', 'route_pending', 'trigger', 'assign_task')),
  decided_at         timestamptz NOT NULL DEFAULT now(),
  decided_by         name NOT NULL DEFAULT current_user,
  CONSTRAINT routing_decisions_subject CHECK (referral_id IS NOT NULL OR task_id IS NOT NULL)
);
-- A log: the ids stay as they were when the decision was made, even if
-- the rule, queue or person is later removed (no foreign keys, which also
-- keeps route_pending() from paying six key checks per referral).
COMMENT ON TABLE referral_crm.routing_decisions IS
  'every routing and assignment decision: rule, queue (requested_queue_id differs after overflow), assignee, when and by whom';
CREATE INDEX routing_decisions_referral_idx ON referral_crm.routing_decisions (referral_id);
CREATE INDEX routing_decisions_task_idx ON referral_crm.routing_decisions (task_id);
CREATE INDEX routing_decisions_rule_idx ON referral_crm.routing_decisions (rule_id);

CREATE FUNCTION referral_crm.routing_rules_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'routing_rules_changed' LANGUAGE C;
CREATE TRIGGER routing_rules_changed
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referral_crm.routing_rules
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.routing_rules_changed();

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['routing_rules', 'queue_routing', 'staff_capacity']
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON referral_crm.%I
                    FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at()',
                   t || '_touch', t);
  END LOOP;
END
$$;

CREATE TRIGGER routing_decisions_append_only
  BEFORE UPDATE OR DELETE ON referral_crm.routing_decisions
  FOR EACH ROW EXECUTE FUNCTION referral_crm.append_only();
CREATE TRIGGER routing_decisions_no_truncate
  BEFORE TRUNCATE ON referral_crm.routing_decisions
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.append_only();

-- Patient coordinates for distance_km come from referral_crm.zip_centroids
-- (the scoring room's table, installed before this one).

------------------------------------------------------------------------
-- The input: one row per referral with every attribute the language knows
------------------------------------------------------------------------

CREATE VIEW referral_crm.routing_input WITH (security_invoker = true) AS
SELECT r.referral_id,
       -- When the referral names no specialty: the best label of its first
       -- note by the note classifier 'specialty' (notes room), once trained
       -- (referral_crm.train_specialty_classifier()).
       COALESCE(r.target_specialty,
                CASE WHEN EXISTS (SELECT 1 FROM referral_crm.note_classifiers nc WHERE nc.name = 'specialty')
                     THEN (SELECT c.label
                             FROM (SELECT n.body FROM referral_crm.referral_notes n
                                    WHERE n.referral_id = r.referral_id AND n.body IS NOT NULL
                                    ORDER BY n.authored_at, n.note_id LIMIT 1) fn,
                                  referral_crm.classify_note('specialty', fn.body) c
                            ORDER BY c.score DESC, c.label LIMIT 1)
                END) AS specialty,
       r.priority,
       py.payer_code AS payer,
       py.payer_class,
       pl.plan_code AS plan,
       r.in_network,
       date_part('year', age(COALESCE(r.received_at, r.authored_at)::date, p.birth_date))::integer
         AS patient_age,
       left(p.zip, 5) AS patient_zip,
       p.preferred_language AS language,
       COALESCE(r.referring_npi, rc.npi) AS referring_npi,
       COALESCE(r.referring_organization_id, rc.organization_id) AS referring_org,
       r.target_location_id AS target_location,
       r.channel,
       date_part('hour', COALESCE(r.received_at, r.authored_at))::integer AS hour,
       date_part('isodow', COALESCE(r.received_at, r.authored_at))::integer AS weekday,
       -- The predicted conversion score (scoring room, score_referrals()).
       sc.score AS conversion_score,
       zc.latitude AS patient_latitude,
       zc.longitude AS patient_longitude,
       lo.latitude AS location_latitude,
       lo.longitude AS location_longitude
  FROM referral_crm.referrals r
  JOIN referral_crm.patients p ON p.patient_id = r.patient_id
  LEFT JOIN referral_crm.payers py ON py.payer_id = r.payer_id
  LEFT JOIN referral_crm.payer_plans pl ON pl.plan_id = r.plan_id
  LEFT JOIN referral_crm.clinicians rc ON rc.clinician_id = r.referring_clinician_id
  LEFT JOIN referral_crm.locations lo ON lo.location_id = r.target_location_id
  LEFT JOIN referral_crm.zip_centroids zc ON zc.zip = left(p.zip, 5)
  LEFT JOIN referral_crm.referral_scores sc ON sc.referral_id = r.referral_id AND sc.purpose = 'conversion';
COMMENT ON VIEW referral_crm.routing_input IS
  'one row per referral with every attribute routing conditions can test; hour and weekday of receipt in the session time zone';

------------------------------------------------------------------------
-- Evaluation
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.routing_condition_matches(referral_crm.routing_condition, record)
  RETURNS boolean
  AS 'MODULE_PATHNAME', 'routing_condition_matches' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_condition_matches(referral_crm.routing_condition, record) IS
  'the condition evaluated on a row shaped like routing_input: NULL when a missing attribute leaves it unknown';

CREATE FUNCTION referral_crm.routing_check(referral_crm.routing_condition, record,
                                           OUT matched boolean, OUT failed_clause text)
  AS 'MODULE_PATHNAME', 'routing_check' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_check(referral_crm.routing_condition, record) IS
  'whether the condition matches the row and, if not, the first clause that failed and any missing attribute';

CREATE FUNCTION referral_crm.routing_match(record) RETURNS bigint
  AS 'MODULE_PATHNAME', 'routing_match' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION referral_crm.routing_match(record) IS
  'the id of the first active, valid rule matching a row shaped like routing_input (rules cached per backend, indexed on their anchors)';

CREATE FUNCTION referral_crm.routing_stats(OUT rules integer, OUT anchored_rules integer,
                                           OUT rows_routed bigint, OUT rows_matched bigint,
                                           OUT rules_tested bigint)
  AS 'MODULE_PATHNAME', 'routing_stats' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION referral_crm.routing_stats() IS
  'the cached rule set (rules, rules with an index anchor) and this backend''s counters of routing_match';

------------------------------------------------------------------------
-- Assignment within a queue
------------------------------------------------------------------------

-- Is the person on duty at a time?  No hours recorded: always.
CREATE FUNCTION referral_crm.staff_on_duty(p_staff_id bigint, p_at timestamptz DEFAULT now())
  RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$
  SELECT NOT EXISTS (SELECT 1 FROM referral_crm.staff_hours h WHERE h.staff_id = p_staff_id)
      OR EXISTS (SELECT 1 FROM referral_crm.staff_hours h
                  WHERE h.staff_id = p_staff_id
                    AND h.weekday = date_part('isodow', p_at AT TIME ZONE h.time_zone)
                    AND (p_at AT TIME ZONE h.time_zone)::time >= h.starts
                    AND (p_at AT TIME ZONE h.time_zone)::time < h.ends)
$$;

-- Open items a person holds: open tasks and active referrals assigned.
CREATE FUNCTION referral_crm.staff_open_load(p_staff_id bigint) RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$
  SELECT (SELECT count(*) FROM referral_crm.tasks t
           WHERE t.assignee_staff_id = p_staff_id AND t.status IN ('open', 'in-progress'))
       + (SELECT count(*) FROM referral_crm.referrals r
           WHERE r.assignee_staff_id = p_staff_id
             AND r.status IN ('draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'))
$$;

-- Choose a person in a queue (following fallback queues when nobody
-- there can take more work).  Serialised per queue by a row lock on
-- queue_routing, and per person by a row lock on staff, so concurrent
-- sessions never exceed a capacity (under READ COMMITTED).
CREATE FUNCTION referral_crm.assign_in_queue(p_queue_id bigint, p_strategy text DEFAULT 'queue',
                                             p_language text DEFAULT NULL,
                                             p_at timestamptz DEFAULT now(),
                                             OUT queue_id bigint, OUT staff_id bigint)
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  q        bigint := p_queue_id;
  hops     integer := 0;
  cfg      referral_crm.queue_routing;
  strat    text;
  cand     record;
  cap      integer;
  excluded bigint[] := '{}';
  lang     text := lower(p_language);
BEGIN
  queue_id := p_queue_id;
  staff_id := NULL;
  IF p_strategy IS NULL OR p_strategy NOT IN ('queue', 'none', 'round_robin', 'least_loaded', 'skills') THEN
    RAISE EXCEPTION 'unknown assignment strategy "%"', p_strategy
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use queue, none, round_robin, least_loaded or skills.';
  END IF;
  LOOP
    INSERT INTO referral_crm.queue_routing AS qr (queue_id) VALUES (q) ON CONFLICT DO NOTHING;
    SELECT * INTO cfg FROM referral_crm.queue_routing qr WHERE qr.queue_id = q FOR UPDATE;
    strat := CASE WHEN p_strategy = 'queue' THEN cfg.strategy ELSE p_strategy END;
    IF strat = 'none' THEN
      queue_id := q;
      RETURN;
    END IF;
    LOOP
      SELECT x.staff_id, x.cap INTO cand
        FROM (SELECT m.staff_id, COALESCE(c.max_open, cfg.default_capacity) AS cap,
                     referral_crm.staff_open_load(m.staff_id) AS load
                FROM referral_crm.queue_members m
                JOIN referral_crm.staff s ON s.staff_id = m.staff_id
                LEFT JOIN referral_crm.staff_capacity c ON c.staff_id = m.staff_id
               WHERE m.queue_id = q AND s.active
                 AND m.staff_id <> ALL (excluded)
                 AND referral_crm.staff_on_duty(m.staff_id, p_at)
                 AND (strat <> 'skills'
                      OR (s.skills @> cfg.required_skills
                          AND (lang IS NULL
                               OR lower(s.languages::text)::text[] && ARRAY[lang, split_part(lang, '-', 1)])))) x
       WHERE x.cap IS NULL OR x.load < x.cap
       ORDER BY CASE WHEN strat = 'round_robin'
                     THEN (x.staff_id <= COALESCE(cfg.last_staff_id, 0))::integer END,
                CASE WHEN strat = 'round_robin' THEN x.staff_id END,
                x.load,
                -- equal load: take turns, starting after the last person chosen
                (x.staff_id <= COALESCE(cfg.last_staff_id, 0))::integer, x.staff_id
       LIMIT 1;
      EXIT WHEN NOT FOUND;
      -- Lock the person, then count again: another queue may have given
      -- them work since (this statement sees what committed meanwhile).
      PERFORM 1 FROM referral_crm.staff s WHERE s.staff_id = cand.staff_id FOR NO KEY UPDATE;
      IF cand.cap IS NULL OR referral_crm.staff_open_load(cand.staff_id) < cand.cap THEN
        UPDATE referral_crm.queue_routing qr
           SET last_staff_id = cand.staff_id, last_assigned_at = p_at
         WHERE qr.queue_id = q;
        queue_id := q;
        staff_id := cand.staff_id;
        RETURN;
      END IF;
      excluded := excluded || cand.staff_id;
    END LOOP;
    -- Nobody here: overflow to the fallback queue, if any.
    SELECT qu.fallback_queue_id INTO q FROM referral_crm.queues qu WHERE qu.queue_id = q;
    hops := hops + 1;
    EXIT WHEN q IS NULL OR q = p_queue_id OR hops > 8;
    excluded := '{}';
  END LOOP;
  queue_id := p_queue_id;   -- no one can take it: stays unassigned in its queue
END
$$;
COMMENT ON FUNCTION referral_crm.assign_in_queue(bigint, text, text, timestamptz) IS
  'choose a person in a queue by strategy, capacity and working hours, overflowing to fallback queues; returns the queue used and the person (NULL: none)';

-- Assign an existing task within its queue (crm's generate_tasks calls it).
CREATE FUNCTION referral_crm.assign_task(task_id bigint) RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  t    referral_crm.tasks;
  lang text;
  a    record;
BEGIN
  SELECT * INTO t FROM referral_crm.tasks tk WHERE tk.task_id = assign_task.task_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'task % does not exist', assign_task.task_id
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF t.queue_id IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT p.preferred_language INTO lang
    FROM referral_crm.referrals r JOIN referral_crm.patients p ON p.patient_id = r.patient_id
   WHERE r.referral_id = t.referral_id;
  SELECT * INTO a FROM referral_crm.assign_in_queue(t.queue_id, 'queue', lang, now());
  UPDATE referral_crm.tasks tk
     SET assignee_staff_id = a.staff_id, queue_id = a.queue_id
   WHERE tk.task_id = t.task_id
     AND (tk.assignee_staff_id, tk.queue_id) IS DISTINCT FROM (a.staff_id, a.queue_id);
  INSERT INTO referral_crm.routing_decisions
         (referral_id, task_id, queue_id, requested_queue_id, assignee_staff_id, strategy, method)
  SELECT t.referral_id, t.task_id, a.queue_id, t.queue_id, a.staff_id,
         (SELECT qr.strategy FROM referral_crm.queue_routing qr WHERE qr.queue_id = t.queue_id),
         'assign_task';
  RETURN a.staff_id;
END
$$;
COMMENT ON FUNCTION referral_crm.assign_task(bigint) IS
  'assign an open task to a person of its queue by the queue''s strategy; returns the staff id or NULL';

------------------------------------------------------------------------
-- Routing
------------------------------------------------------------------------

-- Route a set of locked referrals: match, record, set queues, then assign
-- those whose strategy pushes work to a person, one by one.
CREATE FUNCTION referral_crm.route_ids(p_ids bigint[], p_method text) RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  dq       text := NULLIF(pg_catalog.current_setting('referral_crm.default_queue', true), '');
  dq_id    bigint;
  n        bigint;
  a        record;
  p_ref    bigint[];
  p_rule   bigint[];
  p_name   text[];
  p_queue  bigint[];
  p_strat  text[];
  p_lang   text[];
BEGIN
  IF dq IS NOT NULL THEN
    SELECT q.queue_id INTO dq_id FROM referral_crm.queues q WHERE q.code = dq;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'default queue "%" does not exist', dq
        USING ERRCODE = 'undefined_object',
              HINT = 'Set referral_crm.default_queue to the code of a queue, or to an empty string.';
    END IF;
  END IF;
  WITH m AS (
    SELECT ri.referral_id, referral_crm.routing_match(ri) AS rule_id, ri.language
      FROM referral_crm.routing_input ri
      JOIN unnest(p_ids) AS u(id) ON u.id = ri.referral_id
  ), r AS (
    SELECT m.referral_id, m.rule_id, rr.name, m.language,
           COALESCE(q.queue_id, dq_id) AS queue_id,
           COALESCE(rr.strategy, 'queue') AS strategy,
           COALESCE(q.queue_id, dq_id) IS NOT NULL
             AND CASE WHEN COALESCE(rr.strategy, 'queue') = 'queue'
                      THEN COALESCE(qr.strategy, 'least_loaded')
                      ELSE rr.strategy END <> 'none' AS push
      FROM m
      LEFT JOIN referral_crm.routing_rules rr ON rr.rule_id = m.rule_id
      LEFT JOIN referral_crm.queues q ON q.code = rr.queue
      LEFT JOIN referral_crm.queue_routing qr ON qr.queue_id = COALESCE(q.queue_id, dq_id)
  ), upd AS (
    UPDATE referral_crm.referrals x SET queue_id = r.queue_id
      FROM r
     WHERE x.referral_id = r.referral_id AND NOT r.push AND r.queue_id IS NOT NULL
       AND x.queue_id IS DISTINCT FROM r.queue_id
  ), ins AS (
    INSERT INTO referral_crm.routing_decisions
           (referral_id, rule_id, rule_name, queue_id, requested_queue_id, strategy, method)
    SELECT r.referral_id, r.rule_id, r.name, r.queue_id, r.queue_id, r.strategy, p_method
      FROM r
     WHERE NOT r.push
     ORDER BY r.referral_id
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM ins),
         array_agg(r.referral_id ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.rule_id ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.name ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.queue_id ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.strategy ORDER BY r.referral_id) FILTER (WHERE r.push),
         array_agg(r.language ORDER BY r.referral_id) FILTER (WHERE r.push)
    INTO n, p_ref, p_rule, p_name, p_queue, p_strat, p_lang
    FROM r;

  -- Assign one by one, so that each choice sees the previous ones.
  FOR i IN 1 .. COALESCE(array_length(p_ref, 1), 0) LOOP
    SELECT * INTO a FROM referral_crm.assign_in_queue(p_queue[i], p_strat[i], p_lang[i], now());
    UPDATE referral_crm.referrals x
       SET queue_id = a.queue_id, assignee_staff_id = a.staff_id
     WHERE x.referral_id = p_ref[i]
       AND (x.queue_id, x.assignee_staff_id) IS DISTINCT FROM (a.queue_id, a.staff_id);
    INSERT INTO referral_crm.routing_decisions
           (referral_id, rule_id, rule_name, queue_id, requested_queue_id, assignee_staff_id, strategy, method)
    VALUES (p_ref[i], p_rule[i], p_name[i], a.queue_id, p_queue[i], a.staff_id, p_strat[i], p_method);
    n := n + 1;
  END LOOP;
  RETURN n;
END
$$;

COMMENT ON FUNCTION referral_crm.route_ids(bigint[], text) IS
  'route the given (locked) referrals: used by route_pending and the insert trigger';

-- Route one referral now (again, if it was routed before).  The same
-- steps as route_ids, with statements simple enough to keep cached plans.
CREATE FUNCTION referral_crm.route(referral_id bigint)
  RETURNS TABLE (rule_id bigint, queue text, assignee bigint)
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  dq       text := NULLIF(pg_catalog.current_setting('referral_crm.default_queue', true), '');
  v_rule   bigint;
  v_lang   text;
  v_name   text;
  v_queue  bigint;
  v_strat  text := 'queue';
  v_push   boolean;
  a_queue  bigint;
  a_staff  bigint;
BEGIN
  PERFORM 1 FROM referral_crm.referrals r WHERE r.referral_id = route.referral_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'referral % does not exist', route.referral_id
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT referral_crm.routing_match(ri), ri.language INTO v_rule, v_lang
    FROM referral_crm.routing_input ri WHERE ri.referral_id = route.referral_id;
  IF v_rule IS NOT NULL THEN
    SELECT rr.name, q.queue_id, rr.strategy INTO v_name, v_queue, v_strat
      FROM referral_crm.routing_rules rr JOIN referral_crm.queues q ON q.code = rr.queue
     WHERE rr.rule_id = v_rule;
  ELSIF dq IS NOT NULL THEN
    SELECT q.queue_id INTO v_queue FROM referral_crm.queues q WHERE q.code = dq;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'default queue "%" does not exist', dq
        USING ERRCODE = 'undefined_object',
              HINT = 'Set referral_crm.default_queue to the code of a queue, or to an empty string.';
    END IF;
  END IF;
  a_queue := v_queue;
  IF v_queue IS NOT NULL THEN
    v_push := CASE WHEN v_strat = 'queue'
                   THEN COALESCE((SELECT qr.strategy FROM referral_crm.queue_routing qr WHERE qr.queue_id = v_queue),
                                 'least_loaded')
                   ELSE v_strat END <> 'none';
    IF v_push THEN
      SELECT x.queue_id, x.staff_id INTO a_queue, a_staff
        FROM referral_crm.assign_in_queue(v_queue, v_strat, v_lang, now()) x;
    END IF;
    UPDATE referral_crm.referrals x
       SET queue_id = a_queue, assignee_staff_id = a_staff
     WHERE x.referral_id = route.referral_id
       AND (x.queue_id, x.assignee_staff_id) IS DISTINCT FROM (a_queue, a_staff);
  END IF;
  INSERT INTO referral_crm.routing_decisions
         (referral_id, rule_id, rule_name, queue_id, requested_queue_id, assignee_staff_id, strategy, method)
  VALUES (route.referral_id, v_rule, v_name, a_queue, v_queue, a_staff, v_strat, 'route');
  RETURN QUERY SELECT v_rule, (SELECT q.code FROM referral_crm.queues q WHERE q.queue_id = a_queue), a_staff;
END
$$;
COMMENT ON FUNCTION referral_crm.route(bigint) IS
  'route one referral by the first matching rule (or referral_crm.default_queue), assign it, record the decision';

-- Route every referral not routed yet, in one set-based pass.  Two
-- sessions may run it at once: each takes the rows the other has not
-- locked, and a row routed meanwhile is skipped.
CREATE FUNCTION referral_crm.route_pending() RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  ids bigint[];
BEGIN
  WITH locked AS (
    SELECT r.referral_id FROM referral_crm.referrals r
     WHERE r.queue_id IS NULL
       AND r.status IN ('draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold')
     ORDER BY r.referral_id
       FOR UPDATE SKIP LOCKED
  )
  SELECT array_agg(referral_id) INTO ids FROM locked;
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  -- A new statement, so a fresh snapshot: drop rows routed by a session
  -- that committed after our first look.
  SELECT array_agg(u.id) INTO ids
    FROM unnest(ids) AS u(id)
   WHERE NOT EXISTS (SELECT 1 FROM referral_crm.routing_decisions d
                      WHERE d.referral_id = u.id AND d.task_id IS NULL)
     AND EXISTS (SELECT 1 FROM referral_crm.referrals r WHERE r.referral_id = u.id AND r.queue_id IS NULL);
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  RETURN referral_crm.route_ids(ids, 'route_pending');
END
$$;
COMMENT ON FUNCTION referral_crm.route_pending() IS
  'route every active referral that has no queue and no routing decision yet; returns how many were routed';

-- Optional: route each new referral as it arrives.  Created disabled;
-- ALTER TABLE referral_crm.referrals ENABLE TRIGGER referrals_route_on_insert.
CREATE FUNCTION referral_crm.route_on_insert() RETURNS trigger
  LANGUAGE plpgsql AS
$$
DECLARE
  ids bigint[];
BEGIN
  SELECT array_agg(n.referral_id ORDER BY n.referral_id) INTO ids
    FROM new_referrals n
   WHERE n.queue_id IS NULL
     AND n.status IN ('draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold');
  IF ids IS NOT NULL THEN
    PERFORM referral_crm.route_ids(ids, 'trigger');
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER referrals_route_on_insert
  AFTER INSERT ON referral_crm.referrals
  REFERENCING NEW TABLE AS new_referrals
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.route_on_insert();
ALTER TABLE referral_crm.referrals DISABLE TRIGGER referrals_route_on_insert;
COMMENT ON FUNCTION referral_crm.route_on_insert() IS
  'statement trigger routing new referrals; enable referrals_route_on_insert to use it';
COMMENT ON FUNCTION referral_crm.staff_on_duty(bigint, timestamptz) IS
  'whether a person is within their working hours at a time (always, without staff_hours rows)';
COMMENT ON FUNCTION referral_crm.staff_open_load(bigint) IS
  'open tasks and active referrals assigned to a person';

-- Every rule considered for a referral, in order, up to the one that matched.
CREATE FUNCTION referral_crm.explain_route(referral_id bigint)
  RETURNS TABLE (rule_id bigint, rule_name text, matched boolean, failed_clause text)
  LANGUAGE plpgsql STABLE AS
$$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM referral_crm.referrals r WHERE r.referral_id = explain_route.referral_id) THEN
    RAISE EXCEPTION 'referral % does not exist', explain_route.referral_id
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH ri AS (
    SELECT * FROM referral_crm.routing_input i WHERE i.referral_id = explain_route.referral_id
  ), chk AS (
    SELECT rr.rule_id, rr.name, rr.priority_order,
           CASE WHEN NOT rr.active OR rr.valid_from > now() OR rr.valid_to <= now() THEN false
                ELSE c.matched END AS matched,
           CASE WHEN NOT rr.active THEN 'rule is inactive'
                WHEN rr.valid_from > now() THEN 'rule is valid from ' || rr.valid_from
                WHEN rr.valid_to <= now() THEN 'rule expired at ' || rr.valid_to
                ELSE c.failed_clause END AS failed_clause
      FROM referral_crm.routing_rules rr
      CROSS JOIN ri
      CROSS JOIN LATERAL referral_crm.routing_check(rr.condition, ri) c
  ), ord AS (
    SELECT chk.*, count(*) FILTER (WHERE chk.matched)
             OVER (ORDER BY chk.priority_order, chk.rule_id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
      FROM chk
  )
  SELECT ord.rule_id, ord.name, ord.matched, ord.failed_clause
    FROM ord
   WHERE ord.before = 0
   ORDER BY ord.priority_order, ord.rule_id;
END
$$;
COMMENT ON FUNCTION referral_crm.explain_route(bigint) IS
  'every rule considered for a referral in order, whether it matched, and the first clause that failed (with missing attributes)';

------------------------------------------------------------------------
-- Lint
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.routing_lint()
  RETURNS TABLE (rule_id bigint, rule_name text, problem text, other_rule_id bigint, detail text)
  LANGUAGE sql STABLE AS
$$
  WITH r AS (
    SELECT rr.*, row_number() OVER (ORDER BY rr.priority_order, rr.rule_id) AS pos,
           referral_crm.routing_condition_satisfiable(rr.condition) AS sat,
           referral_crm.routing_condition_satisfiable(rr.condition)
             AND (rr.valid_to IS NULL OR rr.valid_to > now()) AS live
      FROM referral_crm.routing_rules rr
     WHERE rr.active
  ), never AS (
    SELECT r.rule_id, r.name, 'never_matches'::text AS problem, NULL::bigint AS other,
           CASE WHEN NOT r.sat THEN 'no referral can satisfy the condition'
                ELSE 'the rule expired at ' || r.valid_to END AS detail, r.pos
      FROM r
     WHERE NOT r.sat OR r.valid_to <= now()
  ), shadowed AS (
    SELECT DISTINCT ON (b.rule_id) b.rule_id, b.name, 'shadowed'::text AS problem, a.rule_id AS other,
           format('every referral it matches is taken first by rule "%s" (queue %s)', a.name, a.queue) AS detail,
           b.pos
      FROM r b
      JOIN r a ON a.pos < b.pos
     WHERE b.live AND a.live
       AND (a.valid_from IS NULL OR a.valid_from <= b.valid_from)
       AND (a.valid_to IS NULL OR a.valid_to >= b.valid_to)
       AND referral_crm.routing_condition_implies(b.condition, a.condition)
     ORDER BY b.rule_id, a.pos
  ), overlap AS (
    SELECT b.rule_id, b.name, 'overlaps'::text AS problem, a.rule_id AS other,
           format('a referral can match both; rule "%s" wins and sends it to queue %s, not %s',
                  a.name, a.queue, b.queue) AS detail,
           b.pos
      FROM r b
      JOIN r a ON a.pos < b.pos AND a.queue <> b.queue
     WHERE b.live AND a.live
       AND NOT EXISTS (SELECT 1 FROM shadowed s WHERE s.rule_id = b.rule_id)
       AND referral_crm.routing_condition_overlaps(a.condition, b.condition)
  ), unknown_specialty AS (
    SELECT r.rule_id, r.name, 'unknown_specialty'::text, NULL::bigint,
           format('specialty %L is not in referral_crm.specialties', v.value), r.pos
      FROM r
      CROSS JOIN LATERAL unnest(referral_crm.routing_condition_values(r.condition, 'specialty')) AS v(value)
     WHERE NOT EXISTS (SELECT 1 FROM referral_crm.specialties s WHERE s.specialty = v.value)
  ), unknown_payer AS (
    SELECT r.rule_id, r.name, 'unknown_payer'::text, NULL::bigint,
           format('payer %L is not in referral_crm.payers', v.value), r.pos
      FROM r
      CROSS JOIN LATERAL unnest(referral_crm.routing_condition_values(r.condition, 'payer')) AS v(value)
     WHERE NOT EXISTS (SELECT 1 FROM referral_crm.payers p WHERE p.payer_code = v.value)
  ), queue_problems AS (
    SELECT r.rule_id, r.name,
           CASE WHEN NOT q.active THEN 'inactive_queue' ELSE 'empty_queue' END,
           NULL::bigint,
           CASE WHEN NOT q.active THEN format('queue %s is inactive', q.code)
                ELSE format('queue %s has no active members to assign to', q.code) END,
           r.pos
      FROM r
      JOIN referral_crm.queues q ON q.code = r.queue
      LEFT JOIN referral_crm.queue_routing qr ON qr.queue_id = q.queue_id
     WHERE NOT q.active
        OR (CASE WHEN r.strategy = 'queue' THEN COALESCE(qr.strategy, 'least_loaded') ELSE r.strategy END <> 'none'
            AND NOT EXISTS (SELECT 1 FROM referral_crm.queue_members m
                              JOIN referral_crm.staff s ON s.staff_id = m.staff_id
                             WHERE m.queue_id = q.queue_id AND s.active))
  )
  SELECT x.rule_id, x.name, x.problem, x.other, x.detail
    FROM (SELECT * FROM never
          UNION ALL SELECT * FROM shadowed
          UNION ALL SELECT * FROM overlap
          UNION ALL SELECT * FROM unknown_specialty
          UNION ALL SELECT * FROM unknown_payer
          UNION ALL SELECT * FROM queue_problems) AS x (rule_id, name, problem, other, detail, pos)
   ORDER BY x.pos, x.problem, x.other
$$;
COMMENT ON FUNCTION referral_crm.routing_lint() IS
  'problems of the active rules: never_matches, shadowed, overlaps (different queues), unknown_specialty, unknown_payer, inactive_queue, empty_queue';

-- ==== src/routing/dump.sql
-- src/routing/dump.sql
-- pg_dump keeps the rules, the decisions and the assignment settings, with
-- the identity sequences of the first two.  (One call per statement:
-- pg_extension_config_dump updates the extension's catalog row each time.)
SELECT pg_catalog.pg_extension_config_dump('referral_crm.routing_rules', '');
SELECT pg_catalog.pg_extension_config_dump(
         pg_catalog.pg_get_serial_sequence('referral_crm.routing_rules', 'rule_id')::regclass, '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.routing_decisions', '');
SELECT pg_catalog.pg_extension_config_dump(
         pg_catalog.pg_get_serial_sequence('referral_crm.routing_decisions', 'decision_id')::regclass, '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.queue_routing', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.staff_capacity', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.staff_hours', '');

-- ==== src/crm/config.sql
-- src/crm/config.sql
-- Settings of the CRM views: the clock (referral_crm.as_of), the reporting
-- period and thresholds (crm_config, one row), SLAs per priority, reminder
-- rules and expected reimbursement per payer class.  All are tables so
-- that every session sees the same business rules; pg_dump keeps them.

CREATE FUNCTION referral_crm.crm_now() RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(nullif(pg_catalog.current_setting('referral_crm.as_of', true), '')::timestamptz,
                        pg_catalog.now()) $$;
COMMENT ON FUNCTION referral_crm.crm_now() IS
  'the clock of the CRM views: the setting referral_crm.as_of if set, else now()';

CREATE TABLE referral_crm.crm_config (
  singleton             boolean PRIMARY KEY DEFAULT true CONSTRAINT crm_config_one_row CHECK (singleton),
  period                interval NOT NULL DEFAULT '90 days'
                        CONSTRAINT crm_config_period_positive CHECK (period > interval '0'),
  at_risk_fraction      numeric NOT NULL DEFAULT 0.25
                        CONSTRAINT crm_config_at_risk_range CHECK (at_risk_fraction BETWEEN 0 AND 1),
  never_scheduled_grace interval NOT NULL DEFAULT '30 days'
                        CONSTRAINT crm_config_grace_nonnegative CHECK (never_scheduled_grace >= interval '0'),
  repeat_call_window    interval NOT NULL DEFAULT '7 days'
                        CONSTRAINT crm_config_window_positive CHECK (repeat_call_window > interval '0'),
  repeat_call_threshold integer NOT NULL DEFAULT 2
                        CONSTRAINT crm_config_threshold_range CHECK (repeat_call_threshold >= 2),
  cost_per_manual_call  numeric(10,2) NOT NULL DEFAULT 6.00
                        CONSTRAINT crm_config_call_cost_nonnegative CHECK (cost_per_manual_call >= 0),
  revenue_basis         text NOT NULL DEFAULT 'expected'
                        CONSTRAINT crm_config_revenue_basis CHECK (revenue_basis IN ('expected', 'charges')),
  referrer_min_volume   integer NOT NULL DEFAULT 3
                        CONSTRAINT crm_config_min_volume_positive CHECK (referrer_min_volume >= 1),
  growth_threshold      numeric NOT NULL DEFAULT 0.25
                        CONSTRAINT crm_config_growth_positive CHECK (growth_threshold > 0),
  decline_threshold     numeric NOT NULL DEFAULT 0.25
                        CONSTRAINT crm_config_decline_range CHECK (decline_threshold > 0 AND decline_threshold < 1),
  confidence_z          float8 NOT NULL DEFAULT 1.959963984540054
                        CONSTRAINT crm_config_z_positive CHECK (confidence_z > 0),
  cohort_min_n          integer NOT NULL DEFAULT 20
                        CONSTRAINT crm_config_cohort_min_positive CHECK (cohort_min_n >= 1),
  updated_at            timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.crm_config IS
  'one row: reporting period, SLA at-risk fraction, leakage grace, repeated-call rule, ROI and referrer-trend thresholds';
INSERT INTO referral_crm.crm_config DEFAULT VALUES;

CREATE TABLE referral_crm.sla_policies (
  priority         text PRIMARY KEY CHECK (referral_crm.check_code('priority', priority)),
  first_contact    interval NOT NULL CONSTRAINT sla_policies_contact_positive CHECK (first_contact > interval '0'),
  scheduled_within interval NOT NULL CONSTRAINT sla_policies_schedule_positive CHECK (scheduled_within > interval '0'),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sla_policies_order CHECK (scheduled_within >= first_contact)
);
COMMENT ON TABLE referral_crm.sla_policies IS
  'SLA per priority, counted from receipt: first contact with the patient, and an appointment booked';
INSERT INTO referral_crm.sla_policies (priority, first_contact, scheduled_within) VALUES
  ('stat', '1 day', '2 days'), ('asap', '1 day', '5 days'),
  ('urgent', '2 days', '10 days'), ('routine', '3 days', '30 days');

CREATE TABLE referral_crm.reminder_rules (
  rule_code   text PRIMARY KEY,
  task_type   text NOT NULL CHECK (referral_crm.check_code('task_type', task_type)),
  fire_after  interval NOT NULL CONSTRAINT reminder_rules_after_nonnegative CHECK (fire_after >= interval '0'),
  due_within  interval NOT NULL CONSTRAINT reminder_rules_due_positive CHECK (due_within > interval '0'),
  lookback    interval CONSTRAINT reminder_rules_lookback_positive CHECK (lookback > interval '0'),
  enabled     boolean NOT NULL DEFAULT true,
  description text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT reminder_rules_known CHECK (rule_code IN ('no-contact', 'prior-auth-pending',
    'no-appointment-after-acceptance', 'no-show-follow-up', 'report-owed'))
);
COMMENT ON TABLE referral_crm.reminder_rules IS
  'the reminder rules of generate_tasks(): when each fires (fire_after its trigger time) and how long the task has';
COMMENT ON COLUMN referral_crm.reminder_rules.lookback IS
  'ignore triggers that fired longer ago than this (NULL: no limit), so that enabling a rule does not flood the queues with history';
INSERT INTO referral_crm.reminder_rules (rule_code, task_type, fire_after, due_within, lookback, description) VALUES
  ('no-contact', 'contact-patient', '48 hours', '1 day', NULL,
   'no contact with the patient within 48 hours of receipt'),
  ('prior-auth-pending', 'prior-auth', '0', '2 days', NULL,
   'prior authorisation required or pending on an open referral'),
  ('no-appointment-after-acceptance', 'schedule', '7 days', '2 days', NULL,
   'no appointment booked 7 days after the referral was accepted'),
  ('no-show-follow-up', 'no-show-follow-up', '0', '1 day', '30 days',
   'the patient missed the appointment and nothing has been rebooked'),
  ('report-owed', 'send-report', '3 days', '4 days', '30 days',
   'the referred visit took place but no consult report has gone back to the referrer (CMS50 loop closure)');

CREATE TABLE referral_crm.payer_rates (
  payer_class            text PRIMARY KEY CHECK (referral_crm.check_code('payer_class', payer_class)),
  expected_reimbursement numeric(12,2) NOT NULL
                         CHECK (referral_crm.check_nonnegative('expected reimbursement', expected_reimbursement)),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.payer_rates IS
  'expected reimbursement of one referred visit by payer class (illustrative defaults: set your own)';
INSERT INTO referral_crm.payer_rates (payer_class, expected_reimbursement) VALUES
  ('medicare', 160), ('medicare-advantage', 170), ('medicaid', 95), ('commercial', 240),
  ('tricare', 150), ('va', 150), ('workers-comp', 260), ('self-pay', 80), ('other', 150);

CREATE TRIGGER crm_config_touch BEFORE UPDATE ON referral_crm.crm_config
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();
CREATE TRIGGER sla_policies_touch BEFORE UPDATE ON referral_crm.sla_policies
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();
CREATE TRIGGER reminder_rules_touch BEFORE UPDATE ON referral_crm.reminder_rules
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();
CREATE TRIGGER payer_rates_touch BEFORE UPDATE ON referral_crm.payer_rates
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();

-- A reporting period [period_start, period_end); the end must follow the start.
CREATE FUNCTION referral_crm.check_period(period_start timestamptz, period_end timestamptz)
  RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$
BEGIN
  IF period_start IS NULL OR period_end IS NULL THEN
    RAISE EXCEPTION 'a period needs both a start and an end'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass both bounds, or call the view, which uses crm_config.period up to crm_now().';
  END IF;
  IF period_end <= period_start THEN
    RAISE EXCEPTION 'period ends at %, not after its start at %', period_end, period_start
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A period is [start, end) and must not be empty.',
            HINT = 'Swap the bounds.';
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION referral_crm.check_period(timestamptz, timestamptz) IS
  'true for a non-empty period [start, end); otherwise raises invalid_parameter_value';

-- The current reporting period: crm_config.period up to crm_now().
CREATE FUNCTION referral_crm.current_period(OUT period_start timestamptz, OUT period_end timestamptz)
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT referral_crm.crm_now() - c.period, referral_crm.crm_now() FROM referral_crm.crm_config c $$;
COMMENT ON FUNCTION referral_crm.current_period() IS
  'the period of the CRM views: [crm_now() - crm_config.period, crm_now())';

-- Wilson score interval of a proportion.
CREATE FUNCTION referral_crm.wilson_interval(successes bigint, n bigint,
    z float8 DEFAULT 1.959963984540054, OUT lower float8, OUT upper float8)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
  SELECT CASE WHEN n > 0 THEN (p + z2 / (2 * n) - z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n) END,
         CASE WHEN n > 0 THEN (p + z2 / (2 * n) + z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n) END
    FROM (SELECT CASE WHEN n > 0 THEN successes::float8 / n END AS p, z * z AS z2) s
$$;
COMMENT ON FUNCTION referral_crm.wilson_interval(bigint, bigint, float8) IS
  'Wilson score confidence interval of successes/n (z = 1.96 for 95%)';

-- ==== src/crm/facts.sql
-- src/crm/facts.sql
-- referral_facts: one row per referral with what the analytics need
-- (referrer, targets, payer class, visits, no-shows, claims in and out of
-- network), kept by refresh_referral_facts(), incrementally from the
-- updated_at of referrals, appointments and claims.  The analytics views
-- read it so that they answer in well under a second on a million
-- referrals; the pipeline and work queue read the live tables.

CREATE TABLE referral_crm.referral_facts (
  referral_id               bigint PRIMARY KEY,
  authored_at               timestamptz NOT NULL,
  received_at               timestamptz NOT NULL,
  status                    text NOT NULL,
  stage                     text NOT NULL,
  priority                  text NOT NULL,
  channel                   text,
  counted                   boolean NOT NULL,
  referrer_key              text NOT NULL,
  referrer_label            text NOT NULL,
  referring_clinician_id    bigint,
  referring_organization_id bigint,
  target_specialty          text,
  target_clinician_id       bigint,
  target_organization_id    bigint,
  target_location_id        bigint,
  payer_class               text,
  sent_out_of_network       boolean NOT NULL,
  appointments              integer NOT NULL,
  visits                    integer NOT NULL,
  noshows                   integer NOT NULL,
  cancellations             integer NOT NULL,
  first_booked_at           timestamptz,
  first_visit_at            timestamptz,
  claims_in_network         integer NOT NULL,
  claims_out_of_network     integer NOT NULL,
  charges_in_network        numeric(14,2) NOT NULL,
  charges_out_of_network    numeric(14,2) NOT NULL,
  refreshed_at              timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.referral_facts IS
  'per-referral facts for analytics, maintained by refresh_referral_facts(); counted = not draft or entered-in-error';
CREATE INDEX referral_facts_authored_idx ON referral_crm.referral_facts (authored_at);
CREATE INDEX referral_facts_referrer_idx ON referral_crm.referral_facts (referrer_key, authored_at);

-- What an incremental refresh looks for: rows changed since the watermark
-- (BRIN: cheap to maintain on tables that mostly grow).
CREATE INDEX crm_referrals_updated_brin ON referral_crm.referrals USING brin (updated_at);
CREATE INDEX crm_appointments_updated_brin ON referral_crm.appointments USING brin (updated_at);
CREATE INDEX crm_claims_updated_brin ON referral_crm.claims USING brin (updated_at);

CREATE TABLE referral_crm.referral_facts_state (
  singleton      boolean PRIMARY KEY DEFAULT true CONSTRAINT referral_facts_state_one_row CHECK (singleton),
  refreshed_from timestamptz,
  refreshed_at   timestamptz,
  overlap        interval NOT NULL DEFAULT '1 hour'
                 CONSTRAINT referral_facts_state_overlap CHECK (overlap >= interval '0'),
  last_rows      bigint
);
COMMENT ON TABLE referral_crm.referral_facts_state IS
  'watermark of refresh_referral_facts(); rows changed after refreshed_from - overlap are recomputed';
COMMENT ON COLUMN referral_crm.referral_facts_state.overlap IS
  'how far before the watermark an incremental refresh looks again, to catch rows of transactions that were still running';
INSERT INTO referral_crm.referral_facts_state DEFAULT VALUES;

-- Recompute the facts of changed referrals (all of them with full_refresh
-- => true).  Deleted referrals leave their facts until a full refresh.
CREATE FUNCTION referral_crm.refresh_referral_facts(full_refresh boolean DEFAULT false)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  since   timestamptz;
  started timestamptz := pg_catalog.statement_timestamp();
  n       bigint;
BEGIN
  -- One refresh at a time; readers are not blocked.
  PERFORM 1 FROM referral_crm.referral_facts_state FOR UPDATE;
  SELECT s.refreshed_from - s.overlap INTO since FROM referral_crm.referral_facts_state s;
  IF full_refresh OR since IS NULL THEN
    full_refresh := true;
  END IF;

  CREATE TEMP TABLE IF NOT EXISTS crm_changed (referral_id bigint PRIMARY KEY) ON COMMIT DROP;
  TRUNCATE crm_changed;
  IF full_refresh THEN
    INSERT INTO crm_changed SELECT r.referral_id FROM referral_crm.referrals r;
    DELETE FROM referral_crm.referral_facts;
  ELSE
    INSERT INTO crm_changed
    SELECT r.referral_id FROM referral_crm.referrals r WHERE r.updated_at >= since
    UNION SELECT a.referral_id FROM referral_crm.appointments a
           WHERE a.updated_at >= since AND a.referral_id IS NOT NULL
    UNION SELECT c.referral_id FROM referral_crm.claims c
           WHERE c.updated_at >= since AND c.referral_id IS NOT NULL;
    DELETE FROM referral_crm.referral_facts f USING crm_changed c WHERE f.referral_id = c.referral_id;
  END IF;
  ANALYZE crm_changed;

  INSERT INTO referral_crm.referral_facts
  SELECT r.referral_id, r.authored_at, coalesce(r.received_at, r.authored_at), r.status, r.stage,
         r.priority, r.channel, r.status NOT IN ('draft', 'entered-in-error'),
         CASE WHEN r.referring_clinician_id IS NOT NULL THEN 'clinician:' || r.referring_clinician_id
              WHEN r.referring_npi IS NOT NULL THEN 'npi:' || r.referring_npi
              WHEN r.referring_name IS NOT NULL THEN 'name:' || lower(btrim(r.referring_name))
              ELSE 'unknown' END,
         CASE WHEN rc.clinician_id IS NOT NULL
              THEN concat_ws(' ', rc.given_name, rc.family_name) || coalesce(' (' || rc.npi || ')', '')
              WHEN r.referring_npi IS NOT NULL THEN 'NPI ' || r.referring_npi
              WHEN r.referring_name IS NOT NULL THEN btrim(r.referring_name)
              ELSE 'unknown referrer' END,
         r.referring_clinician_id, coalesce(r.referring_organization_id, rc.organization_id),
         r.target_specialty, r.target_clinician_id, coalesce(tc.organization_id, tl.organization_id),
         r.target_location_id, py.payer_class,
         coalesce(r.in_network = false OR tc.in_network = false, false),
         coalesce(a.appointments, 0), coalesce(a.visits, 0), coalesce(a.noshows, 0),
         coalesce(a.cancellations, 0), a.first_booked_at, a.first_visit_at,
         coalesce(cl.claims_in, 0), coalesce(cl.claims_oon, 0),
         coalesce(cl.charges_in, 0), coalesce(cl.charges_oon, 0), started
    FROM crm_changed ch
    JOIN referral_crm.referrals r ON r.referral_id = ch.referral_id
    LEFT JOIN referral_crm.clinicians rc ON rc.clinician_id = r.referring_clinician_id
    LEFT JOIN referral_crm.clinicians tc ON tc.clinician_id = r.target_clinician_id
    LEFT JOIN referral_crm.locations tl ON tl.location_id = r.target_location_id
    LEFT JOIN referral_crm.payers py ON py.payer_id = r.payer_id
    LEFT JOIN (SELECT ap.referral_id,
                      count(*) AS appointments,
                      count(*) FILTER (WHERE ap.status IN ('fulfilled', 'arrived', 'checked-in')) AS visits,
                      count(*) FILTER (WHERE ap.status = 'noshow') AS noshows,
                      count(*) FILTER (WHERE ap.status = 'cancelled') AS cancellations,
                      min(coalesce(ap.booked_at, ap.created_at)) AS first_booked_at,
                      min(ap.start_at) FILTER (WHERE ap.status IN ('fulfilled', 'arrived', 'checked-in')) AS first_visit_at
                 FROM referral_crm.appointments ap
                 JOIN crm_changed c2 ON c2.referral_id = ap.referral_id
                WHERE ap.status <> 'entered-in-error'
                GROUP BY ap.referral_id) a ON a.referral_id = r.referral_id
    LEFT JOIN (SELECT c.referral_id,
                      count(*) FILTER (WHERE NOT coalesce(rend.in_network = false, false)) AS claims_in,
                      count(*) FILTER (WHERE rend.in_network = false) AS claims_oon,
                      sum(c.total_charge) FILTER (WHERE NOT coalesce(rend.in_network = false, false)) AS charges_in,
                      sum(c.total_charge) FILTER (WHERE rend.in_network = false) AS charges_oon
                 FROM referral_crm.claims c
                 JOIN crm_changed c3 ON c3.referral_id = c.referral_id
                 LEFT JOIN referral_crm.clinicians rend ON rend.clinician_id = c.rendering_clinician_id
                WHERE c.frequency <> '8'
                GROUP BY c.referral_id) cl ON cl.referral_id = r.referral_id;
  GET DIAGNOSTICS n = ROW_COUNT;

  UPDATE referral_crm.referral_facts_state
     SET refreshed_from = started, refreshed_at = pg_catalog.clock_timestamp(), last_rows = n;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.refresh_referral_facts(boolean) IS
  'recompute referral_facts for referrals whose referral, appointments or claims changed since the last refresh (all with full_refresh => true); returns the rows written';

-- ==== src/crm/pipeline.sql
-- src/crm/pipeline.sql
-- The pipeline with SLA state, reminder rules that generate tasks
-- idempotently, overdue tasks, and the scheduler's work queue.  Live
-- tables, no materialisation; the clock is referral_crm.crm_now().

-- Open referrals: still to be worked.  The list matches the predicate of
-- referrals_open_queue_idx so that the planner can use that index.
CREATE FUNCTION referral_crm.status_is_open(status text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error') $$;
COMMENT ON FUNCTION referral_crm.status_is_open(text) IS
  'false for the closed referral statuses: completed, cancelled, rejected, failed, entered-in-error';

-- The work queue in priority order (its first pages come straight from it).
CREATE INDEX crm_referrals_work_queue_idx
  ON referral_crm.referrals (referral_crm.code_rank('priority', priority) DESC, coalesce(received_at, authored_at))
  WHERE status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
    AND stage IN ('new', 'contacted');
CREATE INDEX crm_communications_first_contact_idx ON referral_crm.communications (referral_id, occurred_at)
  WHERE direction = 'outbound' OR outcome = 'reached';
CREATE INDEX crm_tasks_open_due_idx ON referral_crm.tasks (due_at)
  WHERE status IN ('open', 'in-progress');
CREATE INDEX crm_tasks_open_referral_idx ON referral_crm.tasks (referral_id, due_at, task_id)
  WHERE status IN ('open', 'in-progress');
CREATE INDEX crm_referral_notes_report_idx ON referral_crm.referral_notes (referral_id, authored_at)
  WHERE note_type = 'consult-report';

CREATE VIEW referral_crm.pipeline WITH (security_invoker = true) AS
SELECT r.referral_id, r.referral_number, r.patient_id, r.status, r.stage, r.priority,
       referral_crm.code_rank('priority', r.priority) AS priority_rank,
       r.target_specialty, r.queue_id, q.code AS queue_code, r.assignee_staff_id,
       s.display_name AS assignee_name,
       r.authored_at, coalesce(r.received_at, r.authored_at) AS received_at,
       referral_crm.crm_now() - coalesce(r.received_at, r.authored_at) AS age,
       fc.first_contact_at, ap.first_booked_at, ap.next_appointment_at,
       t.target AS sla_target, t.due AS sla_due_at,
       CASE WHEN t.target IS NULL THEN
              CASE WHEN r.status IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
                   THEN 'closed' ELSE 'met' END
            WHEN t.done_at IS NOT NULL THEN CASE WHEN t.done_at <= t.due THEN 'met' ELSE 'late' END
            WHEN t.done THEN 'met'
            WHEN r.status IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error') THEN 'closed'
            WHEN referral_crm.crm_now() > t.due THEN 'breached'
            WHEN referral_crm.crm_now() > t.due - t.span * cfg.at_risk_fraction THEN 'at-risk'
            ELSE 'on-track' END AS sla_state,
       coalesce(nt.description,
                CASE WHEN NOT referral_crm.status_is_open(r.status) THEN NULL
                     WHEN r.auth_status IN ('required', 'pending') THEN 'obtain prior authorisation'
                     WHEN r.stage = 'new' THEN 'contact the patient'
                     WHEN r.stage = 'contacted' THEN 'book an appointment'
                     WHEN r.stage = 'scheduled' THEN 'confirm the appointment'
                END) AS next_action,
       nt.due_at AS next_action_due_at,
       sc_c.score AS conversion_score,
       sc_n.score AS noshow_score,
       nullif(jsonb_strip_nulls(jsonb_build_object('conversion', sc_c.top_features,
                                                   'noshow', sc_n.top_features)), '{}') AS top_features
  FROM referral_crm.referrals r
  LEFT JOIN referral_crm.referral_scores sc_c ON sc_c.referral_id = r.referral_id AND sc_c.purpose = 'conversion'
  LEFT JOIN referral_crm.referral_scores sc_n ON sc_n.referral_id = r.referral_id AND sc_n.purpose = 'noshow'
  LEFT JOIN referral_crm.queues q ON q.queue_id = r.queue_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = r.assignee_staff_id
  LEFT JOIN LATERAL (
    SELECT min(c.occurred_at) AS first_contact_at
      FROM referral_crm.communications c
     WHERE c.referral_id = r.referral_id AND (c.direction = 'outbound' OR c.outcome = 'reached')) fc ON true
  LEFT JOIN LATERAL (
    SELECT min(coalesce(a.booked_at, a.created_at)) AS first_booked_at,
           min(a.start_at) FILTER (WHERE a.status IN ('booked', 'pending', 'proposed', 'arrived', 'checked-in')
                                     AND a.start_at >= referral_crm.crm_now()) AS next_appointment_at
      FROM referral_crm.appointments a
     WHERE a.referral_id = r.referral_id AND a.status <> 'entered-in-error') ap ON true
  LEFT JOIN LATERAL (
    SELECT t.description, t.due_at
      FROM referral_crm.tasks t
     WHERE t.referral_id = r.referral_id AND t.status IN ('open', 'in-progress')
     ORDER BY t.due_at NULLS LAST, t.task_id
     LIMIT 1) nt ON true
  CROSS JOIN referral_crm.crm_config cfg
  LEFT JOIN referral_crm.sla_policies sp ON sp.priority = r.priority
  CROSS JOIN LATERAL (
    SELECT CASE WHEN r.stage = 'new' AND fc.first_contact_at IS NULL THEN 'first-contact'
                WHEN r.stage IN ('new', 'contacted', 'scheduled', 'visit-completed') THEN 'scheduling'
           END AS target0) t0
  CROSS JOIN LATERAL (
    SELECT CASE WHEN sp.priority IS NOT NULL THEN t0.target0 END AS target,
           coalesce(r.received_at, r.authored_at)
             + CASE t0.target0 WHEN 'first-contact' THEN sp.first_contact ELSE sp.scheduled_within END AS due,
           CASE t0.target0 WHEN 'first-contact' THEN sp.first_contact ELSE sp.scheduled_within END AS span,
           CASE t0.target0 WHEN 'first-contact' THEN fc.first_contact_at
                           WHEN 'scheduling' THEN ap.first_booked_at END AS done_at,
           r.stage IN ('scheduled', 'visit-completed') AS done) t;
COMMENT ON VIEW referral_crm.pipeline IS
  'every referral with status, stage, age, queue, assignee, SLA target/due/state, next action and (when scoring is installed) scores';

-- The scheduler's work queue: open referrals still to contact or book,
-- most urgent first, then the SLA due time, then the no-show risk.
CREATE VIEW referral_crm.work_queue WITH (security_invoker = true) AS
SELECT p.referral_id, p.referral_number, p.queue_code, p.assignee_name, p.priority, p.stage, p.status,
       p.sla_target, p.sla_due_at, p.sla_state, p.next_action, p.next_action_due_at,
       pt.given_name AS patient_given_name, pt.family_name AS patient_family_name, pt.phone AS patient_phone,
       pt.preferred_language, p.target_specialty, p.received_at, p.age,
       p.conversion_score, p.noshow_score, p.top_features
  FROM referral_crm.pipeline p
  JOIN referral_crm.patients pt ON pt.patient_id = p.patient_id
 WHERE p.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
   AND p.stage IN ('new', 'contacted')
 ORDER BY p.priority_rank DESC, p.sla_due_at NULLS LAST, p.noshow_score DESC NULLS LAST, p.referral_id;
COMMENT ON VIEW referral_crm.work_queue IS
  'the scheduler''s work queue: open referrals in stage new or contacted, by priority, SLA due time and no-show score';

CREATE VIEW referral_crm.sla_breaches WITH (security_invoker = true) AS
SELECT p.referral_id, p.referral_number, p.priority, p.status, p.stage, p.queue_code, p.assignee_name,
       p.sla_target, p.sla_due_at, referral_crm.crm_now() - p.sla_due_at AS overdue_by, p.next_action
  FROM referral_crm.pipeline p
 WHERE p.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
   AND p.stage IN ('new', 'contacted')
   AND p.sla_state = 'breached'
 ORDER BY p.priority_rank DESC, p.sla_due_at, p.referral_id;
COMMENT ON VIEW referral_crm.sla_breaches IS
  'open referrals not yet scheduled (stage new or contacted) whose running SLA target has passed';

CREATE VIEW referral_crm.pipeline_summary WITH (security_invoker = true) AS
SELECT r.status, r.stage, count(*) AS referrals,
       count(*) FILTER (WHERE r.priority IN ('stat', 'asap')) AS stat_or_asap,
       count(*) FILTER (WHERE r.priority = 'urgent') AS urgent,
       count(*) FILTER (WHERE r.priority = 'routine') AS routine
  FROM referral_crm.referrals r
 GROUP BY r.status, r.stage
 ORDER BY referral_crm.code_rank('referral_status', r.status), referral_crm.code_rank('referral_stage', r.stage);
COMMENT ON VIEW referral_crm.pipeline_summary IS 'referral counts by status and stage, split by priority';

-- Create the tasks that the enabled reminder rules call for.  A task's
-- task_key names its rule and subject, so running this again creates
-- nothing new.  Tasks take the referral's queue and assignee; when the
-- routing room's assign_task(bigint) is installed, unassigned new tasks go
-- through it.
CREATE FUNCTION referral_crm.generate_tasks(OUT rule_code text, OUT created bigint)
  RETURNS SETOF record
  LANGUAGE plpgsql VOLATILE AS
$$
DECLARE
  now_ts  timestamptz := referral_crm.crm_now();
  rule    record;
  n       bigint;
  tid     bigint;
  routed  boolean := to_regprocedure('referral_crm.assign_task(bigint)') IS NOT NULL;
  ids     bigint[];
  all_ids bigint[] := '{}';
BEGIN
  FOR rule IN SELECT * FROM referral_crm.reminder_rules rr WHERE rr.enabled ORDER BY rr.rule_code LOOP
    ids := '{}';
    IF rule.rule_code = 'no-contact' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description)
        SELECT r.referral_id, rule.task_type, r.priority,
               coalesce(r.received_at, r.authored_at) + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'no-contact:' || r.referral_id,
               'contact the patient: ' || rule.description
          FROM referral_crm.referrals r
         WHERE r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
           AND r.stage = 'new'
           AND coalesce(r.received_at, r.authored_at) + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR coalesce(r.received_at, r.authored_at) + rule.fire_after > now_ts - rule.lookback)
           AND NOT EXISTS (SELECT 1 FROM referral_crm.communications c
                            WHERE c.referral_id = r.referral_id
                              AND (c.direction = 'outbound' OR c.outcome = 'reached')
                              AND c.occurred_at <= now_ts)
         ORDER BY r.referral_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    ELSIF rule.rule_code = 'prior-auth-pending' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description)
        SELECT r.referral_id, rule.task_type, r.priority,
               coalesce(r.received_at, r.authored_at) + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'prior-auth-pending:' || r.referral_id,
               'obtain prior authorisation (' || r.auth_status || ')'
          FROM referral_crm.referrals r
         WHERE r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
           AND r.auth_status IN ('required', 'pending')
           AND coalesce(r.received_at, r.authored_at) + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR coalesce(r.received_at, r.authored_at) + rule.fire_after > now_ts - rule.lookback)
         ORDER BY r.referral_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    ELSIF rule.rule_code = 'no-appointment-after-acceptance' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description)
        SELECT r.referral_id, rule.task_type, r.priority, acc.accepted_at + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'no-appointment-after-acceptance:' || r.referral_id,
               'book an appointment: ' || rule.description
          FROM referral_crm.referrals r
          CROSS JOIN LATERAL (
            SELECT coalesce((SELECT min(e.occurred_at) FROM referral_crm.referral_events e
                              WHERE e.referral_id = r.referral_id AND e.dimension = 'status'
                                AND e.to_value = 'accepted'),
                            CASE WHEN r.status = 'accepted' THEN r.status_changed_at END) AS accepted_at) acc
         WHERE r.status IN ('accepted', 'ready', 'in-progress', 'on-hold')
           AND r.stage IN ('new', 'contacted')
           AND acc.accepted_at + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR acc.accepted_at + rule.fire_after > now_ts - rule.lookback)
           AND NOT EXISTS (SELECT 1 FROM referral_crm.appointments a
                            WHERE a.referral_id = r.referral_id
                              AND a.status IN ('proposed', 'pending', 'booked', 'arrived', 'checked-in', 'fulfilled'))
         ORDER BY r.referral_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    ELSIF rule.rule_code = 'no-show-follow-up' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description)
        SELECT r.referral_id, rule.task_type, r.priority, a.start_at + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'no-show-follow-up:' || a.appointment_id,
               'follow up the missed appointment of ' || to_char(a.start_at, 'YYYY-MM-DD HH24:MI')
          FROM referral_crm.appointments a
          JOIN referral_crm.referrals r ON r.referral_id = a.referral_id
         WHERE a.status = 'noshow'
           AND a.start_at + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR a.start_at + rule.fire_after > now_ts - rule.lookback)
           AND r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error')
           AND NOT EXISTS (SELECT 1 FROM referral_crm.appointments b
                            WHERE b.referral_id = a.referral_id AND b.start_at > a.start_at
                              AND b.status NOT IN ('cancelled', 'entered-in-error'))
         ORDER BY a.appointment_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    ELSIF rule.rule_code = 'report-owed' THEN
      WITH ins AS (
        INSERT INTO referral_crm.tasks (referral_id, task_type, priority, due_at, assignee_staff_id,
                                        queue_id, task_key, description)
        SELECT r.referral_id, rule.task_type, 'routine', v.first_visit + rule.fire_after + rule.due_within,
               r.assignee_staff_id, r.queue_id, 'report-owed:' || r.referral_id,
               'send the consult report to the referrer (visit of ' || to_char(v.first_visit, 'YYYY-MM-DD') || ')'
          FROM referral_crm.referrals r
          CROSS JOIN LATERAL (
            SELECT min(a.start_at) AS first_visit FROM referral_crm.appointments a
             WHERE a.referral_id = r.referral_id AND a.status = 'fulfilled') v
         WHERE r.status NOT IN ('cancelled', 'rejected', 'failed', 'entered-in-error')
           AND r.stage = 'visit-completed'
           AND v.first_visit + rule.fire_after <= now_ts
           AND (rule.lookback IS NULL OR v.first_visit + rule.fire_after > now_ts - rule.lookback)
           AND NOT EXISTS (SELECT 1 FROM referral_crm.referral_notes n
                            WHERE n.referral_id = r.referral_id AND n.note_type = 'consult-report'
                              AND n.authored_at >= v.first_visit)
         ORDER BY r.referral_id
        ON CONFLICT (task_key) DO NOTHING
        RETURNING task_id)
      SELECT coalesce(array_agg(ins.task_id), '{}') INTO ids FROM ins;
    END IF;
    n := cardinality(ids);
    all_ids := all_ids || ids;
    rule_code := rule.rule_code;
    created := n;
    RETURN NEXT;
  END LOOP;

  IF routed THEN
    FOR tid IN SELECT t.task_id FROM referral_crm.tasks t
                WHERE t.task_id = ANY (all_ids) AND t.assignee_staff_id IS NULL ORDER BY 1 LOOP
      EXECUTE 'SELECT referral_crm.assign_task($1)' USING tid;
    END LOOP;
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.generate_tasks() IS
  'create the tasks the enabled reminder_rules call for, at most one per rule and subject (idempotent); returns the count per rule';

CREATE VIEW referral_crm.overdue_tasks WITH (security_invoker = true) AS
SELECT t.task_id, t.task_type, t.status, t.priority, t.due_at,
       referral_crm.crm_now() - t.due_at AS overdue_by,
       t.referral_id, r.referral_number, t.queue_id, q.code AS queue_code,
       t.assignee_staff_id, s.display_name AS assignee_name, t.description
  FROM referral_crm.tasks t
  LEFT JOIN referral_crm.referrals r ON r.referral_id = t.referral_id
  LEFT JOIN referral_crm.queues q ON q.queue_id = t.queue_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = t.assignee_staff_id
 WHERE t.status IN ('open', 'in-progress')
   AND t.due_at < referral_crm.crm_now()
 ORDER BY referral_crm.code_rank('priority', t.priority) DESC, t.due_at, t.task_id;
COMMENT ON VIEW referral_crm.overdue_tasks IS 'open or in-progress tasks past their due time, most urgent first';

-- ==== src/crm/comms.sql
-- src/crm/comms.sql
-- Communications: message templates with named placeholders, rendered for
-- a referral with values escaped for the channel (C: src/crm/template.c),
-- and the communication log with repeated calls to the same office about
-- the same referral flagged.

CREATE FUNCTION referral_crm.template_placeholders(body text) RETURNS text[]
  AS 'MODULE_PATHNAME', 'template_placeholders'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.template_placeholders(text) IS
  'the {{placeholder}} names of a template in order; raises invalid_parameter_value on a malformed placeholder';

CREATE FUNCTION referral_crm.template_fill(body text, names text[], vals text[], channel text) RETURNS text
  AS 'MODULE_PATHNAME', 'template_fill'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.template_fill(text, text[], text[], text) IS
  'render body with names[i] replaced by vals[i] escaped for the channel; unknown names and NULL values are errors';

-- The placeholders a template may use, and where their values come from.
CREATE FUNCTION referral_crm.template_fields(OUT name text, OUT description text)
  RETURNS SETOF record
  LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 20 AS
$$
  VALUES ('patient_first_name', 'the patient''s given name'),
         ('patient_last_name', 'the patient''s family name'),
         ('patient_full_name', 'given and family name'),
         ('patient_phone', 'the patient''s phone number'),
         ('referral_number', 'the referral number (REF*9F)'),
         ('referral_reason', 'the reason for referral'),
         ('priority', 'routine, urgent, asap or stat'),
         ('specialty', 'the target specialty''s display name'),
         ('referrer_name', 'the referring clinician (or the name the referral gives)'),
         ('referrer_phone', 'the referring clinician''s or office''s phone'),
         ('referrer_fax', 'the referring clinician''s or office''s fax'),
         ('clinician_name', 'the target clinician'),
         ('location_name', 'the target or appointment location'),
         ('location_address', 'its street address, town, state and ZIP'),
         ('location_phone', 'its phone number'),
         ('appointment_time', 'the next booked appointment, YYYY-MM-DD HH24:MI in the session time zone'),
         ('appointment_date', 'its date, YYYY-MM-DD'),
         ('staff_name', 'the display name of the staff member running the query')
$$;
COMMENT ON FUNCTION referral_crm.template_fields() IS 'the placeholders that message templates may use';

-- true if every placeholder of body is a known field; raises otherwise.
CREATE FUNCTION referral_crm.check_template(body text) RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS
$$
DECLARE
  bad text;
BEGIN
  SELECT p INTO bad FROM unnest(referral_crm.template_placeholders(body)) p
   WHERE p NOT IN (SELECT f.name FROM referral_crm.template_fields() f) LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'unknown placeholder "{{%}}" in the template', bad
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The placeholders are listed by referral_crm.template_fields().';
  END IF;
  RETURN true;
END
$$;

CREATE TABLE referral_crm.message_templates (
  template_code text PRIMARY KEY
                CONSTRAINT message_templates_code_format CHECK (template_code ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  channel       text NOT NULL CHECK (referral_crm.check_code('communication_channel', channel)),
  party         text NOT NULL CHECK (referral_crm.check_code('communication_party', party)),
  subject       text CHECK (referral_crm.check_template(subject)),
  body          text NOT NULL CHECK (referral_crm.check_template(body)),
  language      text NOT NULL DEFAULT 'en',
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.message_templates IS
  'message templates per channel with {{placeholders}} (see template_fields()); rendered by render_template()';
CREATE TRIGGER message_templates_touch BEFORE UPDATE ON referral_crm.message_templates
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();

-- The placeholder values of one referral (NULL where the data are missing).
CREATE FUNCTION referral_crm.template_values(referral_id bigint, OUT names text[], OUT vals text[])
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  r record;
BEGIN
  SELECT p.given_name, p.family_name, p.phone AS patient_phone, rf.referral_number, rf.reason,
         rf.priority, sp.display_name AS specialty,
         coalesce(CASE WHEN rc.clinician_id IS NOT NULL
                       THEN concat_ws(' ', CASE WHEN rc.credentials && ARRAY['MD', 'DO'] THEN 'Dr.' END,
                                      rc.given_name, rc.family_name) END,
                  rf.referring_name) AS referrer_name,
         coalesce(rc.phone, ro.phone) AS referrer_phone, coalesce(rc.fax, ro.fax) AS referrer_fax,
         CASE WHEN tc.clinician_id IS NOT NULL THEN concat_ws(' ', tc.given_name, tc.family_name) END AS clinician_name,
         ap.start_at, coalesce(al.name, tl.name) AS location_name,
         CASE WHEN coalesce(al.location_id, tl.location_id) IS NOT NULL THEN
           concat_ws(', ', coalesce(al.address_line1, tl.address_line1), coalesce(al.city, tl.city),
                     concat_ws(' ', coalesce(al.state, tl.state), coalesce(al.zip, tl.zip))) END AS location_address,
         coalesce(al.phone, tl.phone) AS location_phone,
         (SELECT s.display_name FROM referral_crm.staff s WHERE s.login_role = current_user) AS staff_name
    INTO r
    FROM referral_crm.referrals rf
    JOIN referral_crm.patients p ON p.patient_id = rf.patient_id
    LEFT JOIN referral_crm.specialties sp ON sp.specialty = rf.target_specialty
    LEFT JOIN referral_crm.clinicians rc ON rc.clinician_id = rf.referring_clinician_id
    LEFT JOIN referral_crm.organizations ro ON ro.organization_id = coalesce(rf.referring_organization_id, rc.organization_id)
    LEFT JOIN referral_crm.clinicians tc ON tc.clinician_id = rf.target_clinician_id
    LEFT JOIN referral_crm.locations tl ON tl.location_id = rf.target_location_id
    LEFT JOIN LATERAL (
      SELECT a.start_at, a.location_id FROM referral_crm.appointments a
       WHERE a.referral_id = rf.referral_id AND a.status IN ('booked', 'pending', 'proposed')
         AND a.start_at >= referral_crm.crm_now()
       ORDER BY a.start_at LIMIT 1) ap ON true
    LEFT JOIN referral_crm.locations al ON al.location_id = ap.location_id
   WHERE rf.referral_id = template_values.referral_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'referral % does not exist', template_values.referral_id
      USING ERRCODE = 'undefined_object';
  END IF;
  names := ARRAY['patient_first_name', 'patient_last_name', 'patient_full_name', 'patient_phone',
                 'referral_number', 'referral_reason', 'priority', 'specialty', 'referrer_name',
                 'referrer_phone', 'referrer_fax', 'clinician_name', 'location_name', 'location_address',
                 'location_phone', 'appointment_time', 'appointment_date', 'staff_name'];
  vals := ARRAY[r.given_name, r.family_name, nullif(concat_ws(' ', r.given_name, r.family_name), ''),
                r.patient_phone, r.referral_number, r.reason, r.priority, r.specialty, r.referrer_name,
                r.referrer_phone, r.referrer_fax, r.clinician_name, r.location_name, r.location_address,
                r.location_phone, to_char(r.start_at, 'YYYY-MM-DD HH24:MI'), to_char(r.start_at, 'YYYY-MM-DD'),
                r.staff_name];
END
$$;
COMMENT ON FUNCTION referral_crm.template_values(bigint) IS
  'the values of every template placeholder for one referral (NULL where unknown)';

-- Render a stored template for a referral.
CREATE FUNCTION referral_crm.render_template(template text, referral_id bigint) RETURNS text
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  t  referral_crm.message_templates;
  v  record;
BEGIN
  SELECT * INTO t FROM referral_crm.message_templates m WHERE m.template_code = render_template.template;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'message template "%" does not exist', template
      USING ERRCODE = 'undefined_object',
            HINT = 'See referral_crm.message_templates.';
  END IF;
  IF NOT t.active THEN
    RAISE EXCEPTION 'message template "%" is not active', template
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  v := referral_crm.template_values(render_template.referral_id);
  RETURN referral_crm.template_fill(t.body, v.names, v.vals, t.channel);
END
$$;
COMMENT ON FUNCTION referral_crm.render_template(text, bigint) IS
  'the body of a message template rendered for a referral, values escaped for the template''s channel; errors on unknown or missing placeholders';

-- The communication log.  An outbound call to an office (the referring or
-- receiving side) about a referral is a repeat when it is at least the
-- crm_config.repeat_call_threshold-th such call within repeat_call_window.
CREATE INDEX crm_communications_calls_idx ON referral_crm.communications (referral_id, organization_id, occurred_at)
  WHERE channel = 'call' AND direction = 'outbound';

CREATE VIEW referral_crm.communication_log WITH (security_invoker = true) AS
SELECT c.communication_id, c.occurred_at, c.referral_id, r.referral_number, c.channel, c.direction, c.party,
       c.outcome, c.template_code, c.organization_id, o.name AS organization_name, c.clinician_id,
       c.staff_id, s.display_name AS staff_name, c.summary,
       rep.calls_in_window,
       coalesce(rep.calls_in_window >= cfg.repeat_call_threshold, false) AS repeated_call
  FROM referral_crm.communications c
  CROSS JOIN referral_crm.crm_config cfg
  LEFT JOIN referral_crm.referrals r ON r.referral_id = c.referral_id
  LEFT JOIN referral_crm.organizations o ON o.organization_id = c.organization_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = c.staff_id
  LEFT JOIN LATERAL (
    SELECT count(*) AS calls_in_window
      FROM referral_crm.communications p
     WHERE p.channel = 'call' AND p.direction = 'outbound'
       AND p.referral_id = c.referral_id AND p.organization_id = c.organization_id
       AND p.occurred_at > c.occurred_at - cfg.repeat_call_window
       AND (p.occurred_at, p.communication_id) <= (c.occurred_at, c.communication_id)) rep
    ON c.channel = 'call' AND c.direction = 'outbound' AND c.referral_id IS NOT NULL
       AND c.organization_id IS NOT NULL AND c.party IN ('referring-office', 'receiving-office');
COMMENT ON VIEW referral_crm.communication_log IS
  'calls, faxes, messages and portal notes with outcome; repeated_call marks the nth outbound call to the same office about the same referral within the window';

-- ==== src/crm/analytics.sql
-- src/crm/analytics.sql
-- Contact graph, referrer life cycle, descriptive analytics with
-- confidence intervals, leakage, ROI, the role dashboards and the graph
-- exports.  Everything reads referral_facts (refresh_referral_facts())
-- over a period [period_start, period_end); the views use the current
-- period (current_period()).  Metric definitions: README.md, section "The CRM".

-- Expected reimbursement of one visit for a payer class ('other' when unknown).
CREATE FUNCTION referral_crm.visit_rate(payer_class text) RETURNS numeric
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$
  SELECT coalesce((SELECT r.expected_reimbursement FROM referral_crm.payer_rates r WHERE r.payer_class = visit_rate.payer_class),
                  (SELECT r.expected_reimbursement FROM referral_crm.payer_rates r WHERE r.payer_class = 'other'), 0)
$$;

-- The per-referral measures of a period, with the previous period of the
-- same length flagged (cur = false).  Only counted referrals.
CREATE FUNCTION referral_crm.period_facts(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (referral_id bigint, cur boolean, referrer_key text, referrer_label text,
                 referring_clinician_id bigint, referring_organization_id bigint, target_specialty text, target_clinician_id bigint,
                 target_organization_id bigint, target_location_id bigint, payer_class text, priority text,
                 channel text, status text, authored_at timestamptz, converted boolean, days_to_visit float8,
                 visits integer, noshows integer, cancellations integer, out_of_network boolean,
                 leaked_out_of_network boolean, never_scheduled boolean, leakage_dollars numeric,
                 revenue numeric)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 100000 AS
$$
  SELECT f.referral_id, f.authored_at >= period_start, f.referrer_key, f.referrer_label,
         f.referring_clinician_id, f.referring_organization_id, f.target_specialty, f.target_clinician_id, f.target_organization_id,
         f.target_location_id, f.payer_class, f.priority, f.channel, f.status, f.authored_at,
         f.visits > 0,
         CASE WHEN f.first_visit_at IS NOT NULL
              THEN extract(epoch FROM f.first_visit_at - f.received_at)::float8 / 86400 END,
         f.visits, f.noshows, f.cancellations,
         f.sent_out_of_network OR f.claims_out_of_network > 0,
         f.claims_out_of_network > 0,
         ns.never,
         CASE WHEN cfg.revenue_basis = 'charges' THEN f.charges_out_of_network
              ELSE f.claims_out_of_network * rt.rate END
           + CASE WHEN ns.never THEN rt.rate ELSE 0 END,
         CASE WHEN cfg.revenue_basis = 'charges' THEN f.charges_in_network
              ELSE CASE WHEN f.claims_out_of_network > 0 THEN f.claims_in_network ELSE f.visits END * rt.rate END
    FROM referral_crm.crm_config cfg
    CROSS JOIN referral_crm.referral_facts f
    LEFT JOIN (SELECT pr.payer_class, pr.expected_reimbursement AS rate FROM referral_crm.payer_rates pr) rt0
           ON rt0.payer_class = coalesce(f.payer_class, 'other')
    CROSS JOIN LATERAL (SELECT coalesce(rt0.rate, 0) AS rate) rt
    CROSS JOIN LATERAL (
      SELECT f.appointments = 0 AND f.claims_in_network + f.claims_out_of_network = 0
             AND (f.status IN ('completed', 'cancelled', 'rejected', 'failed')
                  OR f.received_at + cfg.never_scheduled_grace <= referral_crm.crm_now()) AS never) ns
   WHERE referral_crm.check_period(period_start, period_end)
     AND f.counted
     AND f.authored_at >= period_start - (period_end - period_start)
     AND f.authored_at < period_end
$$;
COMMENT ON FUNCTION referral_crm.period_facts(timestamptz, timestamptz) IS
  'the counted referrals authored in [start, end) (cur) and in the previous period of the same length, with their measures';

------------------------------------------------------------------------
-- Contact graph
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.referral_edges_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (edge_kind text, referrer_key text, referrer_label text, target_key text, target_label text,
                 referrals bigint, converted bigint, conversion_rate numeric, median_days_to_visit numeric,
                 noshow_rate numeric, out_of_network_share numeric, previous_referrals bigint,
                 volume_trend numeric)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 10000 SET jit = off AS
$$
  WITH e AS (
    SELECT k.kind, f.referrer_key, min(f.referrer_label) AS referrer_label, k.tkey,
           count(*) FILTER (WHERE f.cur) AS n,
           count(*) FILTER (WHERE f.cur AND f.converted) AS conv,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days_to_visit) FILTER (WHERE f.cur) AS med,
           sum(f.noshows) FILTER (WHERE f.cur) AS noshows,
           sum(f.noshows + f.visits) FILTER (WHERE f.cur) AS attended_or_missed,
           count(*) FILTER (WHERE f.cur AND f.out_of_network) AS oon,
           count(*) FILTER (WHERE NOT f.cur) AS prev
      FROM referral_crm.period_facts(period_start, period_end) f
      CROSS JOIN LATERAL (VALUES ('specialty', f.target_specialty),
                                 ('department', f.target_organization_id::text),
                                 ('clinician', f.target_clinician_id::text),
                                 ('location', f.target_location_id::text)) k (kind, tkey)
     WHERE k.tkey IS NOT NULL
     GROUP BY k.kind, f.referrer_key, k.tkey)
  SELECT e.kind, e.referrer_key, e.referrer_label, e.tkey,
         coalesce(CASE e.kind WHEN 'specialty' THEN (SELECT s.display_name FROM referral_crm.specialties s WHERE s.specialty = e.tkey)
                              WHEN 'department' THEN (SELECT o.name FROM referral_crm.organizations o WHERE o.organization_id = e.tkey::bigint)
                              WHEN 'clinician' THEN (SELECT concat_ws(' ', c.given_name, c.family_name) FROM referral_crm.clinicians c WHERE c.clinician_id = e.tkey::bigint)
                              WHEN 'location' THEN (SELECT l.name FROM referral_crm.locations l WHERE l.location_id = e.tkey::bigint) END,
                  e.tkey),
         e.n, e.conv,
         CASE WHEN e.n > 0 THEN round(e.conv::numeric / e.n, 4) END,
         round(e.med::numeric, 1),
         CASE WHEN e.attended_or_missed > 0 THEN round(e.noshows::numeric / e.attended_or_missed, 4) END,
         CASE WHEN e.n > 0 THEN round(e.oon::numeric / e.n, 4) END,
         e.prev,
         CASE WHEN e.prev > 0 THEN round((e.n - e.prev)::numeric / e.prev, 4) END
    FROM e
$$;
COMMENT ON FUNCTION referral_crm.referral_edges_between(timestamptz, timestamptz) IS
  'referrer -> specialty/department/clinician/location edges of [start, end) with volume, conversion, median days to visit, no-show rate, out-of-network share and trend against the previous period';

CREATE TABLE referral_crm.referral_edges_snapshot AS
  SELECT * FROM referral_crm.referral_edges_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.referral_edges_snapshot IS 'the current period''s referral_edges as of the last refresh_crm_summaries()';
CREATE INDEX referral_edges_snapshot_referrer_idx ON referral_crm.referral_edges_snapshot (referrer_key, edge_kind);
CREATE INDEX referral_edges_snapshot_volume_idx ON referral_crm.referral_edges_snapshot (edge_kind, referrals DESC);
CREATE VIEW referral_crm.referral_edges WITH (security_invoker = true) AS
SELECT * FROM referral_crm.referral_edges_snapshot;
COMMENT ON VIEW referral_crm.referral_edges IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

------------------------------------------------------------------------
-- Referrers: volume, conversion, leakage, life cycle
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.referrers_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (referrer_key text, referrer_label text, referring_clinician_id bigint,
                 referring_organization_id bigint, lifecycle text,
                 referrals bigint, previous_referrals bigint, volume_trend numeric, converted bigint,
                 conversion_rate numeric, median_days_to_visit numeric, noshow_rate numeric,
                 out_of_network_share numeric, leaked bigint, leakage_share numeric, leakage_dollars numeric,
                 first_referral_at timestamptz, last_referral_at timestamptz)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 10000 SET jit = off AS
$$
  WITH g AS (
    SELECT f.referrer_key, min(f.referrer_label) AS label, min(f.referring_clinician_id) AS clinician_id,
           mode() WITHIN GROUP (ORDER BY f.referring_organization_id) AS organization_id,
           count(*) FILTER (WHERE f.cur) AS n, count(*) FILTER (WHERE NOT f.cur) AS prev,
           count(*) FILTER (WHERE f.cur AND f.converted) AS conv,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days_to_visit) FILTER (WHERE f.cur) AS med,
           sum(f.noshows) FILTER (WHERE f.cur) AS noshows,
           sum(f.noshows + f.visits) FILTER (WHERE f.cur) AS attended_or_missed,
           count(*) FILTER (WHERE f.cur AND f.out_of_network) AS oon,
           count(*) FILTER (WHERE f.cur AND (f.leaked_out_of_network OR f.never_scheduled)) AS leaked,
           sum(f.leakage_dollars) FILTER (WHERE f.cur) AS dollars,
           max(f.authored_at) AS last_at
      FROM referral_crm.period_facts(period_start, period_end) f
     GROUP BY f.referrer_key)
  SELECT g.referrer_key, g.label, g.clinician_id, g.organization_id,
         CASE WHEN g.n > 0 AND fr.first_at >= period_start THEN 'new'
              WHEN g.n = 0 AND g.prev >= c.referrer_min_volume THEN 'lost'
              WHEN g.prev < c.referrer_min_volume THEN 'occasional'
              WHEN g.n >= g.prev * (1 + c.growth_threshold) THEN 'growing'
              WHEN g.n <= g.prev * (1 - c.decline_threshold) THEN 'declining'
              ELSE 'steady' END,
         g.n, g.prev,
         CASE WHEN g.prev > 0 THEN round((g.n - g.prev)::numeric / g.prev, 4) END,
         g.conv,
         CASE WHEN g.n > 0 THEN round(g.conv::numeric / g.n, 4) END,
         round(g.med::numeric, 1),
         CASE WHEN g.attended_or_missed > 0 THEN round(g.noshows::numeric / g.attended_or_missed, 4) END,
         CASE WHEN g.n > 0 THEN round(g.oon::numeric / g.n, 4) END,
         g.leaked,
         CASE WHEN g.n > 0 THEN round(g.leaked::numeric / g.n, 4) END,
         coalesce(g.dollars, 0),
         fr.first_at, g.last_at
    FROM g
    CROSS JOIN referral_crm.crm_config c
    CROSS JOIN LATERAL (SELECT min(f2.authored_at) AS first_at FROM referral_crm.referral_facts f2
                         WHERE f2.referrer_key = g.referrer_key AND f2.counted) fr
$$;
COMMENT ON FUNCTION referral_crm.referrers_between(timestamptz, timestamptz) IS
  'per referrer in [start, end): volume, trend, conversion, days to visit, no-shows, out-of-network share, leakage and life cycle (new, growing, steady, declining, lost, occasional)';

CREATE TABLE referral_crm.referrers_snapshot AS
  SELECT * FROM referral_crm.referrers_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.referrers_snapshot IS 'the current period''s referrers as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.referrers WITH (security_invoker = true) AS
SELECT * FROM referral_crm.referrers_snapshot
 ORDER BY referrals DESC, referrer_key;
COMMENT ON VIEW referral_crm.referrers IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

CREATE VIEW referral_crm.top_referrers WITH (security_invoker = true) AS
SELECT rank() OVER (ORDER BY r.referrals DESC) AS rank, r.referrer_label, r.lifecycle, r.referrals,
       r.previous_referrals, r.volume_trend, r.conversion_rate, r.median_days_to_visit, r.leakage_share,
       r.referrer_key
  FROM referral_crm.referrers r
 WHERE r.referrals > 0
 ORDER BY r.referrals DESC, r.referrer_key;
COMMENT ON VIEW referral_crm.top_referrers IS 'referrers of the current period by volume';

------------------------------------------------------------------------
-- Descriptive analytics
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.referral_metrics_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (priority text, referrals bigint, converted bigint, conversion_rate numeric,
                 median_days_to_visit numeric, p90_days_to_visit numeric, noshow_rate numeric,
                 cancelled_referrals bigint, cancelled_appointments bigint)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 5 SET jit = off AS
$$
  SELECT coalesce(f.priority, 'all'), count(*), count(*) FILTER (WHERE f.converted),
         round(count(*) FILTER (WHERE f.converted)::numeric / nullif(count(*), 0), 4),
         round((percentile_cont(0.5) WITHIN GROUP (ORDER BY f.days_to_visit))::numeric, 1),
         round((percentile_cont(0.9) WITHIN GROUP (ORDER BY f.days_to_visit))::numeric, 1),
         CASE WHEN sum(f.noshows + f.visits) > 0 THEN round(sum(f.noshows)::numeric / sum(f.noshows + f.visits), 4) END,
         count(*) FILTER (WHERE f.status = 'cancelled'), sum(f.cancellations)
    FROM referral_crm.period_facts(period_start, period_end) f
   WHERE f.cur
   GROUP BY ROLLUP (f.priority)
   ORDER BY f.priority IS NULL, referral_crm.code_rank('priority', f.priority) DESC
$$;
COMMENT ON FUNCTION referral_crm.referral_metrics_between(timestamptz, timestamptz) IS
  'volumes, conversion, median and p90 days to first visit, no-show rate and cancellations by priority (and all) in [start, end)';

CREATE TABLE referral_crm.referral_metrics_snapshot AS
  SELECT * FROM referral_crm.referral_metrics_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.referral_metrics_snapshot IS 'the current period''s referral_metrics as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.referral_metrics WITH (security_invoker = true) AS
SELECT * FROM referral_crm.referral_metrics_snapshot
 ORDER BY priority = 'all', CASE WHEN priority <> 'all' THEN referral_crm.code_rank('priority', priority) END DESC;
COMMENT ON VIEW referral_crm.referral_metrics IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

CREATE FUNCTION referral_crm.cohorts_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (clinic text, payer_class text, month date, referrals bigint, converted bigint,
                 conversion_rate numeric, conversion_ci_low numeric, conversion_ci_high numeric,
                 noshows bigint, attended_or_missed bigint, noshow_rate numeric, noshow_ci_low numeric,
                 noshow_ci_high numeric)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 1000 SET jit = off AS
$$
  SELECT coalesce(o.name, 'unknown'), coalesce(g.payer_class, 'unknown'), g.month, g.n, g.conv,
         round(g.conv::numeric / g.n, 4), round(ci.lower::numeric, 4), round(ci.upper::numeric, 4),
         g.noshows, g.am,
         CASE WHEN g.am > 0 THEN round(g.noshows::numeric / g.am, 4) END,
         round(ni.lower::numeric, 4), round(ni.upper::numeric, 4)
    FROM (SELECT f.target_organization_id, f.payer_class, date_trunc('month', f.authored_at)::date AS month,
                 count(*) AS n, count(*) FILTER (WHERE f.converted) AS conv,
                 sum(f.noshows) AS noshows, sum(f.noshows + f.visits) AS am
            FROM referral_crm.period_facts(period_start, period_end) f
           WHERE f.cur
           GROUP BY 1, 2, 3) g
    CROSS JOIN referral_crm.crm_config c
    LEFT JOIN referral_crm.organizations o ON o.organization_id = g.target_organization_id
    CROSS JOIN LATERAL referral_crm.wilson_interval(g.conv, g.n, c.confidence_z) ci
    CROSS JOIN LATERAL referral_crm.wilson_interval(g.noshows, g.am, c.confidence_z) ni
   ORDER BY 1, 2, 3
$$;
COMMENT ON FUNCTION referral_crm.cohorts_between(timestamptz, timestamptz) IS
  'clinic x payer class x month cohorts of [start, end) with conversion and no-show rates and their Wilson confidence intervals';

CREATE TABLE referral_crm.cohorts_snapshot AS
  SELECT * FROM referral_crm.cohorts_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.cohorts_snapshot IS 'the current period''s cohorts as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.cohorts WITH (security_invoker = true) AS
SELECT * FROM referral_crm.cohorts_snapshot
 ORDER BY clinic, payer_class, month;
COMMENT ON VIEW referral_crm.cohorts IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

-- Sources whose conversion is significantly above the overall rate, and
-- referral channels whose conversion is significantly below it.
CREATE FUNCTION referral_crm.performance_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (dimension text, key text, label text, referrals bigint, conversion_rate numeric,
                 ci_low numeric, ci_high numeric, overall_rate numeric, verdict text)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 100 SET jit = off AS
$$
  WITH f AS (SELECT * FROM referral_crm.period_facts(period_start, period_end) f WHERE f.cur),
       overall AS (SELECT count(*) FILTER (WHERE f.converted)::numeric / nullif(count(*), 0) AS rate FROM f),
       g AS (SELECT 'referrer' AS dim, f.referrer_key AS key, min(f.referrer_label) AS label,
                    count(*) AS n, count(*) FILTER (WHERE f.converted) AS conv
               FROM f GROUP BY f.referrer_key
             UNION ALL
             SELECT 'channel', coalesce(f.channel, 'unknown'), coalesce(f.channel, 'unknown'),
                    count(*), count(*) FILTER (WHERE f.converted)
               FROM f GROUP BY f.channel)
  SELECT g.dim, g.key, g.label, g.n, round(g.conv::numeric / g.n, 4), round(ci.lower::numeric, 4),
         round(ci.upper::numeric, 4), round(overall.rate, 4),
         CASE WHEN g.dim = 'referrer' THEN 'high-performing source' ELSE 'low-yield channel' END
    FROM g CROSS JOIN overall CROSS JOIN referral_crm.crm_config c
    CROSS JOIN LATERAL referral_crm.wilson_interval(g.conv, g.n, c.confidence_z) ci
   WHERE g.n >= c.cohort_min_n
     AND ((g.dim = 'referrer' AND ci.lower > overall.rate) OR (g.dim = 'channel' AND ci.upper < overall.rate))
   ORDER BY g.dim DESC, g.conv::numeric / g.n DESC, g.key
$$;
COMMENT ON FUNCTION referral_crm.performance_between(timestamptz, timestamptz) IS
  'high-performing referrers (Wilson lower bound above the overall conversion) and low-yield channels (upper bound below it), with at least crm_config.cohort_min_n referrals';

CREATE TABLE referral_crm.performance_filters_snapshot AS
  SELECT * FROM referral_crm.performance_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.performance_filters_snapshot IS 'the current period''s performance_filters as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.performance_filters WITH (security_invoker = true) AS
SELECT * FROM referral_crm.performance_filters_snapshot
 ORDER BY dimension DESC, conversion_rate DESC, key;
COMMENT ON VIEW referral_crm.performance_filters IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

------------------------------------------------------------------------
-- Leakage
------------------------------------------------------------------------

-- Denominator: counted referrals authored in the period.  Numerator:
-- those fulfilled out of network (an out-of-network claim) plus those
-- never scheduled (no appointment, no claim, and closed or older than
-- crm_config.never_scheduled_grace).
CREATE FUNCTION referral_crm.leakage_between(period_start timestamptz, period_end timestamptz,
                                             by text DEFAULT 'total')
  RETURNS TABLE (dimension text, key text, label text, referrals bigint, leaked bigint,
                 leaked_out_of_network bigint, never_scheduled bigint, leakage_share numeric,
                 leakage_dollars numeric)
  LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 1000 SET jit = off AS
$$
BEGIN
  IF by IS NULL OR by NOT IN ('total', 'referrer', 'specialty', 'payer') THEN
    RAISE EXCEPTION 'unknown leakage dimension "%"', by
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use total, referrer, specialty or payer.';
  END IF;
  RETURN QUERY
  SELECT by, g.key, g.label, g.n, g.leaked, g.oon, g.never,
         round(g.leaked::numeric / g.n, 4), g.dollars
    FROM (SELECT CASE by WHEN 'referrer' THEN f.referrer_key WHEN 'specialty' THEN coalesce(f.target_specialty, 'unknown')
                         WHEN 'payer' THEN coalesce(f.payer_class, 'unknown') ELSE 'all' END AS key,
                 min(CASE by WHEN 'referrer' THEN f.referrer_label WHEN 'specialty' THEN coalesce(f.target_specialty, 'unknown')
                             WHEN 'payer' THEN coalesce(f.payer_class, 'unknown') ELSE 'all referrals' END) AS label,
                 count(*) AS n,
                 count(*) FILTER (WHERE f.leaked_out_of_network OR f.never_scheduled) AS leaked,
                 count(*) FILTER (WHERE f.leaked_out_of_network) AS oon,
                 count(*) FILTER (WHERE f.never_scheduled) AS never,
                 sum(f.leakage_dollars) AS dollars
            FROM referral_crm.period_facts(period_start, period_end) f
           WHERE f.cur
           GROUP BY 1) g
   ORDER BY g.dollars DESC, g.key;
END
$$;
COMMENT ON FUNCTION referral_crm.leakage_between(timestamptz, timestamptz, text) IS
  'leakage of [start, end) by total, referrer, specialty or payer: counts, share of referrals made, dollars';

CREATE TABLE referral_crm.leakage_snapshot AS
  SELECT * FROM referral_crm.leakage_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.leakage_snapshot IS 'the current period''s leakage as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.leakage WITH (security_invoker = true) AS
SELECT * FROM referral_crm.leakage_snapshot
 ORDER BY dimension = 'total' DESC, dimension, leakage_dollars DESC, key;
COMMENT ON VIEW referral_crm.leakage IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

------------------------------------------------------------------------
-- ROI
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.roi_between(period_start timestamptz, period_end timestamptz)
  RETURNS TABLE (referrals bigint, converted bigint, revenue_captured numeric, leaked bigint,
                 leakage_cost numeric, manual_calls_avoided bigint, calls_avoided_savings numeric)
  LANGUAGE sql STABLE PARALLEL SAFE ROWS 1 SET jit = off AS
$$
  SELECT f.n, f.conv, f.revenue, f.leaked, f.dollars, m.msgs, m.msgs * c.cost_per_manual_call
    FROM (SELECT count(*) AS n, count(*) FILTER (WHERE pf.converted) AS conv,
                 coalesce(sum(pf.revenue), 0) AS revenue,
                 count(*) FILTER (WHERE pf.leaked_out_of_network OR pf.never_scheduled) AS leaked,
                 coalesce(sum(pf.leakage_dollars), 0) AS dollars
            FROM referral_crm.period_facts(period_start, period_end) pf WHERE pf.cur) f
    CROSS JOIN referral_crm.crm_config c
    CROSS JOIN (SELECT count(*) AS msgs FROM referral_crm.communications cm
                 WHERE cm.direction = 'outbound' AND cm.template_code IS NOT NULL
                   AND cm.channel IN ('sms', 'email', 'portal')
                   AND cm.occurred_at >= period_start AND cm.occurred_at < period_end) m
$$;
COMMENT ON FUNCTION referral_crm.roi_between(timestamptz, timestamptz) IS
  'revenue captured from referred visits, cost of leakage and manual calls avoided (templated outbound sms/email/portal messages) in [start, end)';

CREATE TABLE referral_crm.roi_snapshot AS
  SELECT * FROM referral_crm.roi_between('2000-01-01', '2000-01-02') WITH NO DATA;
COMMENT ON TABLE referral_crm.roi_snapshot IS 'the current period''s roi as of the last refresh_crm_summaries()';
CREATE VIEW referral_crm.roi WITH (security_invoker = true) AS
SELECT * FROM referral_crm.roi_snapshot;
COMMENT ON VIEW referral_crm.roi IS 'the current period as of the last refresh_crm_summaries() (live: the _between function)';

CREATE FUNCTION referral_crm.roi_scenario(conversion_uplift float8, payer_mix jsonb DEFAULT NULL,
    software_cost numeric DEFAULT 0, integration_cost numeric DEFAULT 0, monthly_cost numeric DEFAULT 0,
    period_start timestamptz DEFAULT NULL, period_end timestamptz DEFAULT NULL)
  RETURNS TABLE (payer_class text, referrals numeric, conversion_rate numeric, projected_conversion_rate numeric,
                 revenue numeric, projected_revenue numeric, revenue_gain numeric, payback_months numeric)
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  ps       timestamptz := period_start;
  pe       timestamptz := period_end;
  total    numeric;
  k        text;
  v        jsonb;
  mix_sum  numeric := 0;
  months   numeric;
  gain     numeric;
  rec      record;
BEGIN
  IF conversion_uplift IS NULL OR conversion_uplift::numeric NOT BETWEEN -0.5 AND 1.0 OR conversion_uplift = 'NaN' THEN
    RAISE EXCEPTION 'conversion uplift % is outside the range -0.5 to 1.0', conversion_uplift
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'The uplift is relative: 0.10 raises every conversion rate by 10%, -0.20 lowers it by 20%.',
            HINT = 'Pass a value from -0.5 to 1.0.';
  END IF;
  IF coalesce(software_cost, -1) < 0 OR coalesce(integration_cost, -1) < 0 OR coalesce(monthly_cost, -1) < 0 THEN
    RAISE EXCEPTION 'costs must be zero or positive'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF ps IS NULL AND pe IS NULL THEN
    SELECT cp.period_start, cp.period_end INTO ps, pe FROM referral_crm.current_period() cp;
  END IF;
  PERFORM referral_crm.check_period(ps, pe);
  IF payer_mix IS NOT NULL THEN
    IF jsonb_typeof(payer_mix) <> 'object' THEN
      RAISE EXCEPTION 'payer mix must be a JSON object of payer class to share'
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'For example {"medicare": 0.4, "commercial": 0.6}.';
    END IF;
    FOR k, v IN SELECT * FROM jsonb_each(payer_mix) LOOP
      IF NOT referral_crm.is_valid_code('payer_class', k) THEN
        RAISE EXCEPTION 'unknown payer class "%" in the payer mix', k
          USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Payer classes are those of referral_crm.code_values() with kind payer_class.';
      END IF;
      IF jsonb_typeof(v) <> 'number' OR v::numeric < 0 OR v::numeric > 1 THEN
        RAISE EXCEPTION 'share of "%" in the payer mix must be a number from 0 to 1, not %', k, v
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      mix_sum := mix_sum + v::numeric;
    END LOOP;
    IF abs(mix_sum - 1) > 0.000001 THEN
      RAISE EXCEPTION 'payer mix shares sum to %, not 1', mix_sum
        USING ERRCODE = 'invalid_parameter_value',
              HINT = 'Give shares that add up to 1.';
    END IF;
  END IF;
  months := extract(epoch FROM pe - ps) / (86400 * 30.436875);

  gain := 0;
  FOR rec IN
  WITH base AS (
    SELECT coalesce(f.payer_class, 'other') AS pc, count(*)::numeric AS n,
           count(*) FILTER (WHERE f.converted)::numeric AS conv, coalesce(sum(f.revenue), 0) AS rev
      FROM referral_crm.period_facts(ps, pe) f WHERE f.cur GROUP BY 1),
  tot AS (SELECT sum(b.n) AS n, sum(b.conv) / nullif(sum(b.n), 0) AS rate FROM base b),
  classes AS (
    SELECT cv.code AS pc, cv.rank FROM referral_crm.code_values() cv WHERE cv.kind = 'payer_class'),
  proj AS (
    SELECT c.pc, c.rank, coalesce(b.n, 0) AS n,
           CASE WHEN payer_mix IS NULL THEN coalesce(b.n, 0)
                ELSE t.n * coalesce((payer_mix ->> c.pc)::numeric, 0) END AS n_proj,
           coalesce(b.conv / nullif(b.n, 0), t.rate, 0) AS rate,
           coalesce(b.rev, 0) AS rev,
           coalesce(b.rev / nullif(b.conv, 0), referral_crm.visit_rate(c.pc)) AS rev_per_conv
      FROM classes c CROSS JOIN tot t LEFT JOIN base b ON b.pc = c.pc)
  SELECT p.pc, p.n_proj, p.rate, least(1, p.rate * (1 + conversion_uplift::numeric)) AS rate_proj,
         p.rev, p.n_proj * least(1, p.rate * (1 + conversion_uplift::numeric)) * p.rev_per_conv AS rev_proj
    FROM proj p
   WHERE p.n > 0 OR p.n_proj > 0
   ORDER BY p.rank
  LOOP
    payer_class := rec.pc;
    referrals := round(rec.n_proj, 2);
    conversion_rate := round(rec.rate, 4);
    projected_conversion_rate := round(rec.rate_proj, 4);
    revenue := round(rec.rev, 2);
    projected_revenue := round(rec.rev_proj, 2);
    revenue_gain := round(rec.rev_proj - rec.rev, 2);
    payback_months := NULL;
    gain := gain + (rec.rev_proj - rec.rev);
    RETURN NEXT;
  END LOOP;
  payer_class := 'total';
  referrals := NULL; conversion_rate := NULL; projected_conversion_rate := NULL;
  revenue := NULL; projected_revenue := NULL;
  revenue_gain := round(gain, 2);
  payback_months := CASE WHEN gain / months - monthly_cost > 0
                         THEN round((software_cost + integration_cost) / (gain / months - monthly_cost), 1) END;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION referral_crm.roi_scenario(float8, jsonb, numeric, numeric, numeric, timestamptz, timestamptz) IS
  'volume and revenue per payer class under a relative conversion uplift (-0.5 .. 1.0) and a payer mix (shares summing to 1), with the payback period in months of a software and integration cost';

------------------------------------------------------------------------
-- Role dashboards (the scheduler's is work_queue, in pipeline.sql)
------------------------------------------------------------------------

CREATE VIEW referral_crm.referrer_scorecards WITH (security_invoker = true) AS
SELECT r.referrer_label, r.lifecycle, r.referrals, r.previous_referrals, r.volume_trend, r.converted,
       r.conversion_rate, r.median_days_to_visit, r.noshow_rate, r.out_of_network_share, r.leaked,
       r.leakage_share, r.leakage_dollars, r.last_referral_at,
       greatest((SELECT max(c.occurred_at) FROM referral_crm.communications c
                  WHERE c.clinician_id = r.referring_clinician_id),
                (SELECT max(c.occurred_at) FROM referral_crm.communications c
                  WHERE c.organization_id = r.referring_organization_id)) AS last_contact_at,
       r.referrer_key, r.referring_clinician_id, r.referring_organization_id
  FROM referral_crm.referrers r
 ORDER BY r.referrals DESC, r.referrer_key;
COMMENT ON VIEW referral_crm.referrer_scorecards IS
  'the liaison''s referrer scorecards for the current period: volume and trend, conversion, days to visit, no-shows, leakage, life cycle, last contact';

-- The period metrics of the manager's overview (rows 4-12), current
-- period against the previous one.
CREATE FUNCTION referral_crm.manager_overview_rows(
    OUT ord integer, OUT metric text, OUT current_value numeric, OUT previous_value numeric)
  RETURNS SETOF record
  LANGUAGE sql STABLE ROWS 9 SET jit = off AS
$$
WITH p AS (SELECT cp.period_start, cp.period_end, cp.period_start - (cp.period_end - cp.period_start) AS prev_start
             FROM referral_crm.current_period() cp),
     v AS (
  SELECT cur, prev, lc, lp, rc, rp
    FROM p
    LEFT JOIN LATERAL referral_crm.referral_metrics_between(p.period_start, p.period_end) cur ON cur.priority = 'all'
    LEFT JOIN LATERAL referral_crm.referral_metrics_between(p.prev_start, p.period_start) prev ON prev.priority = 'all'
    LEFT JOIN LATERAL referral_crm.leakage_between(p.period_start, p.period_end) lc ON true
    LEFT JOIN LATERAL referral_crm.leakage_between(p.prev_start, p.period_start) lp ON true
    LEFT JOIN LATERAL referral_crm.roi_between(p.period_start, p.period_end) rc ON true
    LEFT JOIN LATERAL referral_crm.roi_between(p.prev_start, p.period_start) rp ON true)
SELECT x.ord, x.metric, x.current_value, x.previous_value
  FROM v CROSS JOIN LATERAL (VALUES
    (4, 'referrals made', (v.cur).referrals::numeric, (v.prev).referrals::numeric),
    (5, 'conversion rate', (v.cur).conversion_rate, (v.prev).conversion_rate),
    (6, 'median days to first visit', (v.cur).median_days_to_visit, (v.prev).median_days_to_visit),
    (7, 'p90 days to first visit', (v.cur).p90_days_to_visit, (v.prev).p90_days_to_visit),
    (8, 'no-show rate', (v.cur).noshow_rate, (v.prev).noshow_rate),
    (9, 'leakage share', (v.lc).leakage_share, (v.lp).leakage_share),
    (10, 'leakage dollars', (v.lc).leakage_dollars, (v.lp).leakage_dollars),
    (11, 'revenue captured', (v.rc).revenue_captured, (v.rp).revenue_captured),
    (12, 'manual calls avoided', (v.rc).manual_calls_avoided::numeric, (v.rp).manual_calls_avoided::numeric)
  ) x (ord, metric, current_value, previous_value)
 ORDER BY x.ord
$$;

CREATE TABLE referral_crm.manager_overview_snapshot (
  ord integer PRIMARY KEY, metric text NOT NULL, current_value numeric, previous_value numeric);
COMMENT ON TABLE referral_crm.manager_overview_snapshot IS
  'the period metrics of manager_overview as of the last refresh_crm_summaries()';

CREATE VIEW referral_crm.manager_overview WITH (security_invoker = true) AS
SELECT x.metric, x.current_value, x.previous_value
  FROM (SELECT 1 AS ord, 'open referrals (now)' AS metric,
               (SELECT count(*) FROM referral_crm.referrals r
                 WHERE r.status NOT IN ('completed', 'cancelled', 'rejected', 'failed', 'entered-in-error'))::numeric AS current_value,
               NULL::numeric AS previous_value
        UNION ALL
        SELECT 2, 'SLA breaches (open referrals)', (SELECT count(*) FROM referral_crm.sla_breaches)::numeric, NULL
        UNION ALL
        SELECT 3, 'overdue tasks', (SELECT count(*) FROM referral_crm.tasks t
                                     WHERE t.status IN ('open', 'in-progress') AND t.due_at < referral_crm.crm_now())::numeric, NULL
        UNION ALL
        SELECT o.ord, o.metric, o.current_value, o.previous_value
          FROM referral_crm.manager_overview_snapshot o WHERE o.ord > 3) x
 ORDER BY x.ord;
COMMENT ON VIEW referral_crm.manager_overview IS
  'the manager''s overview: open work, SLA breaches, overdue tasks, and this period''s volume, conversion, timeliness, no-shows, leakage and revenue against the previous period';

------------------------------------------------------------------------
-- Graph export
------------------------------------------------------------------------

-- The edges to draw: the heaviest max_edges of one kind.
CREATE FUNCTION referral_crm.graph_edges(period_start timestamptz, period_end timestamptz, edge_kind text,
                                         max_edges integer)
  RETURNS SETOF referral_crm.referral_edges_snapshot
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  ps timestamptz := period_start;
  pe timestamptz := period_end;
BEGIN
  IF edge_kind IS NULL OR edge_kind NOT IN ('specialty', 'department', 'clinician', 'location') THEN
    RAISE EXCEPTION 'unknown edge kind "%"', edge_kind
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use specialty, department, clinician or location.';
  END IF;
  IF max_edges IS NULL OR max_edges < 1 OR max_edges > 100000 THEN
    RAISE EXCEPTION 'max_edges must be from 1 to 100000, not %', max_edges
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF ps IS NULL AND pe IS NULL THEN
    RETURN QUERY
    SELECT * FROM referral_crm.referral_edges_snapshot e
     WHERE e.edge_kind = graph_edges.edge_kind AND e.referrals > 0
     ORDER BY e.referrals DESC, e.referrer_key, e.target_key
     LIMIT max_edges;
    RETURN;
  END IF;
  RETURN QUERY
  SELECT * FROM referral_crm.referral_edges_between(ps, pe) e
   WHERE e.edge_kind = graph_edges.edge_kind AND e.referrals > 0
   ORDER BY e.referrals DESC, e.referrer_key, e.target_key
   LIMIT max_edges;
END
$$;

-- A DOT string literal.
CREATE FUNCTION referral_crm.dot_quote(s text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT '"' || replace(replace(replace(replace(s, E'\\', E'\\\\'), '"', E'\\"'), E'\n', E'\\n'), E'\r', '') || '"' $$;

CREATE FUNCTION referral_crm.referral_graph_dot(period_start timestamptz DEFAULT NULL,
    period_end timestamptz DEFAULT NULL, edge_kind text DEFAULT 'specialty', max_edges integer DEFAULT 60)
  RETURNS text
  LANGUAGE sql STABLE AS
$$
  WITH e AS (SELECT * FROM referral_crm.graph_edges(period_start, period_end, edge_kind, max_edges)),
       mx AS (SELECT greatest(max(e.referrals), 1) AS m FROM e),
       nodes AS (SELECT n.key, n.label, n.role,
                        CASE n.role WHEN 'referrer' THEN 'r' ELSE 't' END
                          || row_number() OVER (PARTITION BY n.role ORDER BY n.label, n.key) AS id
                   FROM (SELECT DISTINCT 'r:' || e.referrer_key AS key, e.referrer_label AS label, 'referrer' AS role FROM e
                         UNION SELECT DISTINCT 't:' || e.target_key, e.target_label, 'target' FROM e) n)
  SELECT 'digraph referrals {' || E'\n'
      || '  graph [rankdir=LR, fontname="Helvetica", label=' || referral_crm.dot_quote('referrals by ' || edge_kind) || '];' || E'\n'
      || '  node [fontname="Helvetica", fontsize=10, style=filled];' || E'\n'
      || '  edge [fontname="Helvetica", fontsize=8];' || E'\n'
      || coalesce((SELECT string_agg('  ' || referral_crm.dot_quote(n.id) || ' [label=' || referral_crm.dot_quote(n.label)
                                     || CASE n.role WHEN 'referrer' THEN ', shape=box, fillcolor="#dbe9f6"'
                                                    ELSE ', shape=ellipse, fillcolor="#fde8c8"' END || '];',
                                     E'\n' ORDER BY n.role, n.id) FROM nodes n), '') || E'\n'
      || coalesce((SELECT string_agg('  ' || referral_crm.dot_quote(nr.id) || ' -> ' || referral_crm.dot_quote(nt.id)
                                     || ' [label=' || referral_crm.dot_quote(e.referrals || ' / ' || coalesce(round(100 * e.conversion_rate) || '%', '-'))
                                     || ', penwidth=' || round(1 + 5 * e.referrals::numeric / mx.m, 2)
                                     || ', color=' || referral_crm.dot_quote(round(0.33 * coalesce(e.conversion_rate, 0), 3) || ' 0.8 0.7')
                                     || '];', E'\n' ORDER BY e.referrals DESC, nr.id, nt.id)
                     FROM e CROSS JOIN mx
                     JOIN nodes nr ON nr.key = 'r:' || e.referrer_key
                     JOIN nodes nt ON nt.key = 't:' || e.target_key), '') || E'\n'
      || '}' || E'\n'
$$;
COMMENT ON FUNCTION referral_crm.referral_graph_dot(timestamptz, timestamptz, text, integer) IS
  'the contact graph as Graphviz DOT: referrers (boxes) -> targets of one edge kind, labelled volume / conversion, width by volume, red (low) to green (high) conversion';

-- An XML text or attribute value.
CREATE FUNCTION referral_crm.xml_escape(s text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT replace(replace(replace(replace(replace(regexp_replace(s, '[\x01-\x08\x0b\x0c\x0e-\x1f]', '', 'g'),
                       '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&apos;') $$;

CREATE FUNCTION referral_crm.referral_graph_graphml(period_start timestamptz DEFAULT NULL,
    period_end timestamptz DEFAULT NULL, edge_kind text DEFAULT 'specialty', max_edges integer DEFAULT 1000)
  RETURNS text
  LANGUAGE sql STABLE AS
$$
  WITH e AS (SELECT * FROM referral_crm.graph_edges(period_start, period_end, edge_kind, max_edges)),
       nodes AS (SELECT n.key, n.label, n.role,
                        CASE n.role WHEN 'referrer' THEN 'r' ELSE 't' END
                          || row_number() OVER (PARTITION BY n.role ORDER BY n.label, n.key) AS id
                   FROM (SELECT DISTINCT 'r:' || e.referrer_key AS key, e.referrer_label AS label, 'referrer' AS role FROM e
                         UNION SELECT DISTINCT 't:' || e.target_key, e.target_label, edge_kind FROM e) n)
  SELECT '<?xml version="1.0" encoding="UTF-8"?>' || E'\n'
      || '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">' || E'\n'
      || '  <key id="label" for="node" attr.name="label" attr.type="string"/>' || E'\n'
      || '  <key id="role" for="node" attr.name="role" attr.type="string"/>' || E'\n'
      || '  <key id="referrals" for="edge" attr.name="referrals" attr.type="long"/>' || E'\n'
      || '  <key id="conversion_rate" for="edge" attr.name="conversion_rate" attr.type="double"/>' || E'\n'
      || '  <key id="median_days_to_visit" for="edge" attr.name="median_days_to_visit" attr.type="double"/>' || E'\n'
      || '  <key id="noshow_rate" for="edge" attr.name="noshow_rate" attr.type="double"/>' || E'\n'
      || '  <key id="out_of_network_share" for="edge" attr.name="out_of_network_share" attr.type="double"/>' || E'\n'
      || '  <key id="volume_trend" for="edge" attr.name="volume_trend" attr.type="double"/>' || E'\n'
      || '  <graph id="referrals" edgedefault="directed">' || E'\n'
      || coalesce((SELECT string_agg('    <node id="' || referral_crm.xml_escape(n.id) || '"><data key="label">'
                                     || referral_crm.xml_escape(n.label) || '</data><data key="role">' || n.role
                                     || '</data></node>', E'\n' ORDER BY n.role, n.id) || E'\n' FROM nodes n), '')
      || coalesce((SELECT string_agg('    <edge source="' || nr.id || '" target="' || nt.id || '">'
                                     || '<data key="referrals">' || e.referrals || '</data>'
                                     || coalesce('<data key="conversion_rate">' || e.conversion_rate || '</data>', '')
                                     || coalesce('<data key="median_days_to_visit">' || e.median_days_to_visit || '</data>', '')
                                     || coalesce('<data key="noshow_rate">' || e.noshow_rate || '</data>', '')
                                     || coalesce('<data key="out_of_network_share">' || e.out_of_network_share || '</data>', '')
                                     || coalesce('<data key="volume_trend">' || e.volume_trend || '</data>', '')
                                     || '</edge>', E'\n' ORDER BY e.referrals DESC, nr.id, nt.id) || E'\n'
                     FROM e JOIN nodes nr ON nr.key = 'r:' || e.referrer_key
                     JOIN nodes nt ON nt.key = 't:' || e.target_key), '')
      || '  </graph>' || E'\n' || '</graphml>' || E'\n'
$$;
COMMENT ON FUNCTION referral_crm.referral_graph_graphml(timestamptz, timestamptz, text, integer) IS
  'the contact graph as GraphML (referrer and target nodes, edges with volume, conversion, days to visit, no-shows, out-of-network share, trend)';

-- ==== src/crm/summaries.sql
-- src/crm/summaries.sql
-- refresh_crm_summaries(): bring referral_facts up to date (incrementally)
-- and recompute the current period's dashboards into their snapshot
-- tables, so that the dashboard views answer in milliseconds whatever the
-- volume.  Run it on a schedule (every 15 minutes, say, with pg_cron or
-- cron); the live figures of any period come from the *_between functions.

CREATE TABLE referral_crm.crm_summary_state (
  singleton    boolean PRIMARY KEY DEFAULT true CONSTRAINT crm_summary_state_one_row CHECK (singleton),
  period_start timestamptz,
  period_end   timestamptz,
  refreshed_at timestamptz
);
COMMENT ON TABLE referral_crm.crm_summary_state IS
  'the period and time of the last refresh_crm_summaries(): what the dashboard views show';
INSERT INTO referral_crm.crm_summary_state DEFAULT VALUES;

CREATE FUNCTION referral_crm.refresh_crm_summaries(full_refresh boolean DEFAULT false)
  RETURNS TABLE (summary text, rows bigint, milliseconds numeric)
  LANGUAGE plpgsql VOLATILE SET jit = off AS
$$
DECLARE
  ps timestamptz;
  pe timestamptz;
  t0 timestamptz;
BEGIN
  PERFORM 1 FROM referral_crm.crm_summary_state FOR UPDATE;
  t0 := pg_catalog.clock_timestamp();
  summary := 'referral_facts';
  rows := referral_crm.refresh_referral_facts(full_refresh);
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;
  SELECT cp.period_start, cp.period_end INTO ps, pe FROM referral_crm.current_period() cp;

  t0 := pg_catalog.clock_timestamp();
  DELETE FROM referral_crm.referral_edges_snapshot;
  INSERT INTO referral_crm.referral_edges_snapshot SELECT * FROM referral_crm.referral_edges_between(ps, pe);
  GET DIAGNOSTICS rows = ROW_COUNT;
  summary := 'referral_edges';
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;

  t0 := pg_catalog.clock_timestamp();
  DELETE FROM referral_crm.referrers_snapshot;
  INSERT INTO referral_crm.referrers_snapshot SELECT * FROM referral_crm.referrers_between(ps, pe);
  GET DIAGNOSTICS rows = ROW_COUNT;
  summary := 'referrers';
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;

  t0 := pg_catalog.clock_timestamp();
  DELETE FROM referral_crm.referral_metrics_snapshot;
  INSERT INTO referral_crm.referral_metrics_snapshot SELECT * FROM referral_crm.referral_metrics_between(ps, pe);
  DELETE FROM referral_crm.cohorts_snapshot;
  INSERT INTO referral_crm.cohorts_snapshot SELECT * FROM referral_crm.cohorts_between(ps, pe);
  DELETE FROM referral_crm.performance_filters_snapshot;
  INSERT INTO referral_crm.performance_filters_snapshot SELECT * FROM referral_crm.performance_between(ps, pe);
  summary := 'metrics, cohorts, performance';
  rows := NULL;
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;

  t0 := pg_catalog.clock_timestamp();
  DELETE FROM referral_crm.leakage_snapshot;
  INSERT INTO referral_crm.leakage_snapshot
  SELECT * FROM referral_crm.leakage_between(ps, pe, 'total')
  UNION ALL SELECT * FROM referral_crm.leakage_between(ps, pe, 'referrer')
  UNION ALL SELECT * FROM referral_crm.leakage_between(ps, pe, 'specialty')
  UNION ALL SELECT * FROM referral_crm.leakage_between(ps, pe, 'payer');
  DELETE FROM referral_crm.roi_snapshot;
  INSERT INTO referral_crm.roi_snapshot SELECT * FROM referral_crm.roi_between(ps, pe);
  DELETE FROM referral_crm.manager_overview_snapshot;
  INSERT INTO referral_crm.manager_overview_snapshot SELECT * FROM referral_crm.manager_overview_rows();
  summary := 'leakage, roi, overview';
  milliseconds := round(extract(epoch FROM pg_catalog.clock_timestamp() - t0)::numeric * 1000, 1);
  RETURN NEXT;

  UPDATE referral_crm.crm_summary_state
     SET period_start = ps, period_end = pe, refreshed_at = pg_catalog.clock_timestamp();
END
$$;
COMMENT ON FUNCTION referral_crm.refresh_crm_summaries(boolean) IS
  'refresh referral_facts (incrementally unless full_refresh) and recompute the current period''s dashboard snapshots; returns what it did and how long each part took';

-- ==== src/crm/dump.sql
-- src/crm/dump.sql
-- pg_dump keeps every CRM table.  The settings tables (and the refresh
-- watermark) come with default rows from CREATE EXTENSION; a restored row
-- replaces the default row with the same key (BEFORE INSERT trigger), so a
-- restore neither fails on duplicates nor loses customised settings.  The
-- same holds for a plain INSERT: inserting a setting replaces it.

CREATE FUNCTION referral_crm.replace_setting_row() RETURNS trigger
  LANGUAGE plpgsql AS
$$
BEGIN
  EXECUTE format('DELETE FROM %I.%I WHERE %I::text = $1', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0])
    USING to_jsonb(NEW) ->> TG_ARGV[0];
  RETURN NEW;
END
$$;

CREATE TRIGGER crm_config_replace BEFORE INSERT ON referral_crm.crm_config
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('singleton');
CREATE TRIGGER sla_policies_replace BEFORE INSERT ON referral_crm.sla_policies
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('priority');
CREATE TRIGGER reminder_rules_replace BEFORE INSERT ON referral_crm.reminder_rules
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('rule_code');
CREATE TRIGGER payer_rates_replace BEFORE INSERT ON referral_crm.payer_rates
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('payer_class');
CREATE TRIGGER referral_facts_state_replace BEFORE INSERT ON referral_crm.referral_facts_state
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('singleton');
CREATE TRIGGER crm_summary_state_replace BEFORE INSERT ON referral_crm.crm_summary_state
  FOR EACH ROW EXECUTE FUNCTION referral_crm.replace_setting_row('singleton');

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['crm_config', 'sla_policies', 'reminder_rules', 'payer_rates', 'message_templates',
                           'referral_facts', 'referral_facts_state', 'crm_summary_state', 'referral_edges_snapshot',
                           'referrers_snapshot', 'referral_metrics_snapshot', 'cohorts_snapshot',
                           'performance_filters_snapshot', 'leakage_snapshot', 'roi_snapshot', 'manager_overview_snapshot']
  LOOP
    PERFORM pg_catalog.pg_extension_config_dump(format('referral_crm.%I', t)::regclass, '');
  END LOOP;
END
$$;

-- ==== src/governance/audit.sql
-- src/governance/audit.sql
-- The tamper-evident audit trail (schema referral_crm_audit), the role
-- tests used by row-level security, and the C functions of governance.
--
-- audit_log is written only by the C trigger referral_crm.audit_capture()
-- and by the audit functions; nobody holds INSERT, UPDATE or DELETE on it
-- and append-only triggers refuse changes.  Every entry links to its
-- predecessor in its chain by SHA-256 (see governance_fmgr.c), so that
-- audit_verify() finds entries changed, deleted or inserted, even by a
-- superuser who disabled the triggers.


CREATE SCHEMA referral_crm_audit;
COMMENT ON SCHEMA referral_crm_audit IS
  'referral_crm: the audit trail (append-only, hash-chained); readable by referral_crm_auditor and referral_crm_admin';
REVOKE ALL ON SCHEMA referral_crm_audit FROM PUBLIC;

-- Only the low byte of a value is used: chain ids are derived from the time.
CREATE SEQUENCE referral_crm_audit.audit_chain_seq CYCLE;

CREATE TABLE referral_crm_audit.audit_log (
  chain_id         bigint NOT NULL,
  seq              bigint NOT NULL,
  logged_at        timestamptz NOT NULL,
  xid              bigint NOT NULL,
  actor_session    text NOT NULL,
  actor_role       text NOT NULL,
  staff_id         bigint,
  application_name text,
  client_addr      text,
  table_name       text NOT NULL,
  operation        text NOT NULL,
  row_key          jsonb,
  old_values       jsonb,
  new_values       jsonb,
  details          jsonb,
  hash             bytea NOT NULL,
  PRIMARY KEY (chain_id, seq)
);
COMMENT ON TABLE referral_crm_audit.audit_log IS
  'one entry per audited row change, read, disclosure, purge or key rotation; chain 0 holds the checkpoints of audit_head()';
COMMENT ON COLUMN referral_crm_audit.audit_log.chain_id IS
  'the chain of the writing backend (one per session); chain 0 is the checkpoint chain';
COMMENT ON COLUMN referral_crm_audit.audit_log.actor_session IS 'session_user: the login that connected';
COMMENT ON COLUMN referral_crm_audit.audit_log.actor_role IS 'current_user: the role whose privileges applied';
COMMENT ON COLUMN referral_crm_audit.audit_log.old_values IS
  'DELETE: the row; UPDATE: the changed columns before; sensitive columns as "sha256:<hex>"';
COMMENT ON COLUMN referral_crm_audit.audit_log.new_values IS
  'INSERT: the row (NULL columns left out); UPDATE: the changed columns after';
COMMENT ON COLUMN referral_crm_audit.audit_log.hash IS
  'SHA-256 of the previous entry''s hash and this entry''s columns';

CREATE TABLE referral_crm_audit.audit_chain_heads (
  chain_id bigint PRIMARY KEY,
  seq      bigint NOT NULL,
  hash     bytea NOT NULL
);
COMMENT ON TABLE referral_crm_audit.audit_chain_heads IS
  'the head of each chain as of the last checkpoint (a cache: audit_verify trusts only the checkpoints themselves)';

CREATE TABLE referral_crm_audit.audit_chain_floors (
  chain_id   bigint PRIMARY KEY,
  floor_seq  bigint NOT NULL,
  floor_hash bytea NOT NULL,
  purged_at  timestamptz NOT NULL
);
COMMENT ON TABLE referral_crm_audit.audit_chain_floors IS
  'where a chain starts after purge_audit() removed its oldest entries: the last purged seq and its hash';

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON referral_crm_audit.audit_log
  FOR EACH ROW EXECUTE FUNCTION referral_crm.append_only();
CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON referral_crm_audit.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.append_only();

SELECT pg_catalog.pg_extension_config_dump('referral_crm_audit.audit_log', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm_audit.audit_chain_heads', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm_audit.audit_chain_floors', '');

------------------------------------------------------------------------
-- Who is acting (used by the row-level security policies)
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.acting_as(role_name text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                  WHERE r.rolname = role_name AND pg_catalog.pg_has_role(r.oid, 'USAGE'));
COMMENT ON FUNCTION referral_crm.acting_as(text) IS
  'true if the current role has the privileges of the named role (false if that role does not exist)';

------------------------------------------------------------------------
-- C functions (src/governance/governance_fmgr.c)
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.audit_capture() RETURNS trigger
  AS 'MODULE_PATHNAME', 'audit_capture' LANGUAGE C;
COMMENT ON FUNCTION referral_crm.audit_capture() IS
  'AFTER ... FOR EACH STATEMENT audit trigger (transition tables); its arguments name the sensitive columns';

CREATE FUNCTION referral_crm.audit_read(tbl regclass, row_key jsonb, details jsonb DEFAULT NULL)
  RETURNS void AS 'MODULE_PATHNAME', 'audit_read' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.audit_read(regclass, jsonb, jsonb) IS
  'record that the current user viewed a row (read tracing)';

CREATE FUNCTION referral_crm.audit_event(operation text, object text, row_key jsonb, details jsonb)
  RETURNS void AS 'MODULE_PATHNAME', 'audit_event' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.audit_event(text, text, jsonb, jsonb) IS
  'internal: an audit entry for a governance action (DISCLOSE, PURGE, KEY_ROTATE, ...)';

CREATE FUNCTION referral_crm.audit_suppress_values(enable boolean)
  RETURNS void AS 'MODULE_PATHNAME', 'audit_suppress_values' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION referral_crm.audit_suppress_values(boolean) IS
  'internal: until the transaction ends, DELETE entries keep only the row key (used by purge_expired)';

CREATE FUNCTION referral_crm.audit_verify(
    OUT ok boolean, OUT entries bigint, OUT chains bigint, OUT checkpoints bigint,
    OUT broken_chain bigint, OUT broken_seq bigint, OUT problem text)
  RETURNS record AS 'MODULE_PATHNAME', 'audit_verify' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.audit_verify() IS
  'recompute every hash link and checkpoint claim of the audit trail; reports the first broken link';

CREATE FUNCTION referral_crm.audit_checkpoint(OUT checkpoint bigint, OUT sealed_at timestamptz, OUT digest text)
  RETURNS record AS 'MODULE_PATHNAME', 'audit_checkpoint' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.audit_checkpoint() IS
  'internal: seal the chain heads into a checkpoint (use audit_head())';

CREATE FUNCTION referral_crm.acting_user() RETURNS name
  AS 'MODULE_PATHNAME', 'acting_user' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.acting_user() IS
  'the role the session acts as (its login, or the role of SET ROLE), also inside SECURITY DEFINER functions';

CREATE FUNCTION referral_crm.pseudonym(value text, domain text) RETURNS text
  AS 'MODULE_PATHNAME', 'pseudonym' LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION referral_crm.pseudonym(text, text) IS
  'HMAC-SHA256 token (32 hex digits) of a value in a domain, under the current key; admin only';

CREATE FUNCTION referral_crm.random_key() RETURNS bytea
  AS 'MODULE_PATHNAME', 'random_key' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION referral_crm.random_key() IS 'internal: 32 bytes from the strong random source';

-- The last digest, to be stored outside the database.
CREATE FUNCTION referral_crm.audit_head(OUT checkpoint bigint, OUT sealed_at timestamptz, OUT digest text)
  RETURNS record
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    SELECT c.checkpoint, c.sealed_at, c.digest FROM referral_crm.audit_checkpoint() c;
  END;
COMMENT ON FUNCTION referral_crm.audit_head() IS
  'seal the head of every audit chain into a new checkpoint and return its digest; keep the digest outside the database';

-- Verify, and check that a digest kept outside is one of our checkpoints.
CREATE FUNCTION referral_crm.audit_verify(digest text,
    OUT ok boolean, OUT entries bigint, OUT chains bigint, OUT checkpoints bigint,
    OUT broken_chain bigint, OUT broken_seq bigint, OUT problem text)
  RETURNS record
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  v record;
BEGIN
  IF digest IS NULL OR digest !~ '^[0-9a-f]{64}$' THEN
    RAISE EXCEPTION 'a digest is 64 lower-case hex digits'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass the digest column of a row that referral_crm.audit_head() returned.';
  END IF;
  SELECT * INTO v FROM referral_crm.audit_verify();
  ok := v.ok; entries := v.entries; chains := v.chains; checkpoints := v.checkpoints;
  broken_chain := v.broken_chain; broken_seq := v.broken_seq; problem := v.problem;
  IF ok AND NOT EXISTS (SELECT 1 FROM referral_crm_audit.audit_log l
                         WHERE l.chain_id = 0 AND l.operation = 'CHECKPOINT'
                           AND l.hash = decode(digest, 'hex')) THEN
    ok := false;
    broken_chain := 0;
    problem := 'the digest is not a checkpoint of this audit trail: the checkpoint chain was rewritten or cut';
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.audit_verify(text) IS
  'audit_verify(), and check that a digest returned earlier by audit_head() is still in the checkpoint chain';

-- Readable form of the trail, with the link as hex.
CREATE VIEW referral_crm_audit.audit_trail WITH (security_invoker = true) AS
  SELECT l.logged_at, l.chain_id, l.seq, l.xid, l.actor_session, l.actor_role, l.staff_id,
         l.application_name, l.client_addr, l.table_name, l.operation, l.row_key,
         l.old_values, l.new_values, l.details, encode(l.hash, 'hex') AS hash
    FROM referral_crm_audit.audit_log l;
COMMENT ON VIEW referral_crm_audit.audit_trail IS 'the audit log with the hash in hex';

ALTER TABLE referral_crm_audit.audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE referral_crm_audit.audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY governance_audit_read ON referral_crm_audit.audit_log FOR SELECT
  USING ((SELECT referral_crm.acting_as('referral_crm_auditor')) OR (SELECT referral_crm.acting_as('referral_crm_admin')));

-- ==== src/governance/governance.sql
-- src/governance/governance.sql
-- Roles, the staff <-> login mapping, the registry of governed tables and
-- govern_table(), which enables and forces row-level security, creates the
-- policies of the table's family, attaches the C audit trigger and grants
-- each role what the family allows.  Installed last: it enrols every table
-- of the rooms installed before it (src/governance/enrol.sql).
--
-- Policies apply TO PUBLIC and test role membership with acting_as(), in
-- the (SELECT ...) form, so that they exist from CREATE EXTENSION on (the
-- roles need not exist yet) and each test runs once per query.


------------------------------------------------------------------------
-- Staff <-> login mapping: teams and their queues and locations
------------------------------------------------------------------------

CREATE TABLE referral_crm.staff_teams (
  staff_id bigint NOT NULL REFERENCES referral_crm.staff ON DELETE CASCADE,
  team     text NOT NULL CONSTRAINT staff_teams_team_format CHECK (team ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  PRIMARY KEY (staff_id, team)
);
COMMENT ON TABLE referral_crm.staff_teams IS 'the teams a staff member belongs to';
CREATE INDEX staff_teams_team_idx ON referral_crm.staff_teams (team);

CREATE TABLE referral_crm.team_scopes (
  scope_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team        text NOT NULL CONSTRAINT team_scopes_team_format CHECK (team ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  queue_id    bigint REFERENCES referral_crm.queues ON DELETE CASCADE,
  location_id bigint REFERENCES referral_crm.locations ON DELETE CASCADE,
  CONSTRAINT team_scopes_one_target CHECK (num_nonnulls(queue_id, location_id) = 1),
  UNIQUE NULLS NOT DISTINCT (team, queue_id, location_id)
);
COMMENT ON TABLE referral_crm.team_scopes IS
  'the queues and locations whose referrals a team works (in addition to queue_members and staff.location_id)';

CREATE FUNCTION referral_crm.id_in(id bigint, ids bigint[]) RETURNS boolean
  AS 'MODULE_PATHNAME', 'id_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.id_in(bigint, bigint[]) IS
  'id = ANY (ids) for the policies, without a function call per element';

CREATE FUNCTION referral_crm.my_staff_id() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN (SELECT s.staff_id FROM referral_crm.staff s WHERE s.login_role = current_user AND s.active);
COMMENT ON FUNCTION referral_crm.my_staff_id() IS 'the active staff member whose login_role is the current role';

CREATE FUNCTION referral_crm.my_queue_ids() RETURNS bigint[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce((
    SELECT pg_catalog.array_agg(DISTINCT q.queue_id ORDER BY q.queue_id)
      FROM (SELECT qm.queue_id
              FROM referral_crm.staff s JOIN referral_crm.queue_members qm ON qm.staff_id = s.staff_id
             WHERE s.login_role = current_user AND s.active
            UNION
            SELECT ts.queue_id
              FROM referral_crm.staff s
              JOIN referral_crm.staff_teams st ON st.staff_id = s.staff_id
              JOIN referral_crm.team_scopes ts ON ts.team = st.team
             WHERE s.login_role = current_user AND s.active AND ts.queue_id IS NOT NULL) q), '{}');
COMMENT ON FUNCTION referral_crm.my_queue_ids() IS
  'the queues of the current role''s staff member: its queue memberships and its teams'' queues';

CREATE FUNCTION referral_crm.my_location_ids() RETURNS bigint[]
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce((
    SELECT pg_catalog.array_agg(DISTINCT l.location_id ORDER BY l.location_id)
      FROM (SELECT s.location_id FROM referral_crm.staff s
             WHERE s.login_role = current_user AND s.active AND s.location_id IS NOT NULL
            UNION
            SELECT ts.location_id
              FROM referral_crm.staff s
              JOIN referral_crm.staff_teams st ON st.staff_id = s.staff_id
              JOIN referral_crm.team_scopes ts ON ts.team = st.team
             WHERE s.login_role = current_user AND s.active AND ts.location_id IS NOT NULL) l), '{}');
COMMENT ON FUNCTION referral_crm.my_location_ids() IS
  'the locations of the current role''s staff member: its own location and its teams'' locations';

CREATE VIEW referral_crm.staff_access WITH (security_invoker = true) AS
  SELECT s.login_role, s.staff_id, s.display_name, s.role, s.active,
         coalesce((SELECT pg_catalog.array_agg(st.team ORDER BY st.team)
                     FROM referral_crm.staff_teams st WHERE st.staff_id = s.staff_id), '{}') AS teams,
         coalesce((SELECT pg_catalog.array_agg(DISTINCT q ORDER BY q) FROM (
                     SELECT qm.queue_id FROM referral_crm.queue_members qm WHERE qm.staff_id = s.staff_id
                     UNION SELECT ts.queue_id FROM referral_crm.staff_teams st
                             JOIN referral_crm.team_scopes ts ON ts.team = st.team
                            WHERE st.staff_id = s.staff_id AND ts.queue_id IS NOT NULL) x (q)), '{}') AS queue_ids,
         coalesce((SELECT pg_catalog.array_agg(DISTINCT l ORDER BY l) FROM (
                     SELECT s.location_id WHERE s.location_id IS NOT NULL
                     UNION SELECT ts.location_id FROM referral_crm.staff_teams st
                             JOIN referral_crm.team_scopes ts ON ts.team = st.team
                            WHERE st.staff_id = s.staff_id AND ts.location_id IS NOT NULL) y (l)), '{}') AS location_ids
    FROM referral_crm.staff s
   WHERE s.login_role IS NOT NULL;
COMMENT ON VIEW referral_crm.staff_access IS
  'each login mapped to staff: its teams and the queues and locations whose referrals it sees';

------------------------------------------------------------------------
-- The registry of governed tables
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.governance_roles() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY['referral_crm_admin', 'referral_crm_intake', 'referral_crm_liaison',
               'referral_crm_analyst', 'referral_crm_auditor', 'referral_crm_ingest'];
COMMENT ON FUNCTION referral_crm.governance_roles() IS 'the group roles that setup_roles() creates';

CREATE TABLE referral_crm.governed_tables (
  table_name        regclass PRIMARY KEY,
  policy_family     text NOT NULL CONSTRAINT governed_tables_family CHECK (policy_family IN
                      ('reference', 'referral', 'referral_child', 'patient', 'patient_child',
                       'note_child', 'communication', 'admin_only')),
  patient_data      boolean NOT NULL,
  audited           boolean NOT NULL DEFAULT true,
  sensitive_columns name[] NOT NULL DEFAULT '{}',
  liaison_columns   name[],
  retention         interval CONSTRAINT governed_tables_retention_positive CHECK (retention > interval '0'),
  retention_column  name,
  purge_order       integer NOT NULL DEFAULT 100,
  builtin           boolean NOT NULL DEFAULT false,
  by_default        boolean NOT NULL DEFAULT false,
  CONSTRAINT governed_tables_retention_column CHECK ((retention IS NULL) OR (retention_column IS NOT NULL))
);
COMMENT ON TABLE referral_crm.governed_tables IS
  'every table under governance: its policy family, whether it holds patient data, sensitive columns (hashed in the audit), the columns liaison may read, the retention window';
COMMENT ON COLUMN referral_crm.governed_tables.policy_family IS
  'reference: directory data, no RLS; referral: the referrals table; referral_child: rows of a referral (referral_id); patient: the patients table; patient_child: rows of a patient (patient_id); note_child: rows derived from a note (note_id); communication: communications; admin_only: only the admin role';
COMMENT ON COLUMN referral_crm.governed_tables.by_default IS
  'enrolled by enrol_remaining() as admin_only because nobody classified it; govern_table() clears it';
COMMENT ON COLUMN referral_crm.governed_tables.purge_order IS
  'purge_expired() visits tables in this order: rows that reference others first';

-- Apply the grants of a governed table's family to the roles that exist.
CREATE FUNCTION referral_crm.apply_grants(tbl regclass) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g referral_crm.governed_tables;
  r text;
BEGIN
  SELECT * INTO g FROM referral_crm.governed_tables t WHERE t.table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not governed', tbl
      USING ERRCODE = 'undefined_object', HINT = 'Enrol it with referral_crm.govern_table().';
  END IF;
  FOREACH r IN ARRAY referral_crm.governance_roles() LOOP
    IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r) THEN
      EXECUTE format('REVOKE ALL ON %s FROM %I', tbl, r);
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_admin') THEN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO referral_crm_admin', tbl);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_intake') THEN
    IF g.policy_family = 'reference' THEN
      EXECUTE format('GRANT SELECT ON %s TO referral_crm_intake', tbl);
    ELSIF g.policy_family <> 'admin_only' THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %s TO referral_crm_intake', tbl);
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_liaison') THEN
    IF g.policy_family = 'reference' THEN
      EXECUTE format('GRANT SELECT ON %s TO referral_crm_liaison', tbl);
    ELSIF g.liaison_columns IS NOT NULL AND g.policy_family <> 'admin_only' THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO referral_crm_liaison',
                     (SELECT string_agg(quote_ident(c), ', ') FROM unnest(g.liaison_columns) c), tbl);
      IF g.policy_family = 'communication' THEN
        EXECUTE format('GRANT INSERT (%s) ON %s TO referral_crm_liaison',
                       (SELECT string_agg(quote_ident(c), ', ') FROM unnest(g.liaison_columns) c
                         WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl
                                             AND a.attname = c AND a.attidentity <> '')), tbl);
      END IF;
    END IF;
  END IF;
END
$$;

-- Policy expressions: each test evaluated once per query.
CREATE FUNCTION referral_crm.governance_policy_scope(family text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE family
    WHEN 'referral' THEN
      '(referral_crm.id_in(queue_id, (SELECT referral_crm.my_queue_ids()))'
      ' OR ((SELECT cardinality(referral_crm.my_location_ids())) > 0'
      ' AND referral_crm.id_in(target_location_id, (SELECT referral_crm.my_location_ids()))))'
    WHEN 'referral_child' THEN
      '(referral_id IN (SELECT r.referral_id FROM referral_crm.referrals r))'
    WHEN 'patient' THEN
      '(patient_id IN (SELECT r.patient_id FROM referral_crm.referrals r))'
    WHEN 'patient_child' THEN
      '(patient_id IN (SELECT r.patient_id FROM referral_crm.referrals r))'
    WHEN 'note_child' THEN
      '(note_id IN (SELECT n.note_id FROM referral_crm.referral_notes n))'
    WHEN 'communication' THEN
      '(referral_id IN (SELECT r.referral_id FROM referral_crm.referrals r) OR patient_id IN (SELECT r.patient_id FROM referral_crm.referrals r))'
  END;

-- (Re)create the policies of a governed table for the roles that exist.
-- Each policy applies TO one group role, so that a role is never checked
-- against (nor needs privileges for) another role's policy.
CREATE FUNCTION referral_crm.apply_policies(tbl regclass) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g referral_crm.governed_tables;
  scope text;
  p record;
BEGIN
  SELECT * INTO g FROM referral_crm.governed_tables t WHERE t.table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not governed', tbl
      USING ERRCODE = 'undefined_object', HINT = 'Enrol it with referral_crm.govern_table().';
  END IF;
  scope := referral_crm.governance_policy_scope(g.policy_family);
  FOR p IN SELECT pol.polname FROM pg_policy pol WHERE pol.polrelid = tbl AND pol.polname LIKE 'governance\_%' LOOP
    EXECUTE format('DROP POLICY %I ON %s', p.polname, tbl);
  END LOOP;
  IF g.policy_family = 'reference' THEN
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_admin') THEN
    EXECUTE format('CREATE POLICY governance_admin ON %s TO referral_crm_admin USING (true) WITH CHECK (true)', tbl);
  END IF;
  IF scope IS NOT NULL AND EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_intake') THEN
    EXECUTE format('CREATE POLICY governance_intake_read ON %s FOR SELECT TO referral_crm_intake USING %s', tbl, scope);
    EXECUTE format('CREATE POLICY governance_intake_insert ON %s FOR INSERT TO referral_crm_intake WITH CHECK %s', tbl,
                   CASE WHEN g.policy_family = 'patient' THEN '(true)' ELSE scope END);
    EXECUTE format('CREATE POLICY governance_intake_update ON %s FOR UPDATE TO referral_crm_intake USING %s WITH CHECK %s',
                   tbl, scope, scope);
  END IF;
  IF g.liaison_columns IS NOT NULL AND g.policy_family <> 'admin_only'
     AND EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_liaison') THEN
    IF g.policy_family = 'communication' THEN
      EXECUTE format('CREATE POLICY governance_liaison_read ON %s FOR SELECT TO referral_crm_liaison '
                     'USING (party <> ''patient'' AND patient_id IS NULL)', tbl);
      EXECUTE format('CREATE POLICY governance_liaison_insert ON %s FOR INSERT TO referral_crm_liaison '
                     'WITH CHECK (party <> ''patient'' AND patient_id IS NULL)', tbl);
    ELSE
      EXECUTE format('CREATE POLICY governance_liaison_read ON %s FOR SELECT TO referral_crm_liaison USING (true)', tbl);
    END IF;
  END IF;
END
$$;

-- Enrol a table: registry, row-level security, policies, audit trigger, grants.
CREATE FUNCTION referral_crm.govern_table(
    tbl regclass,
    family text,
    sensitive_columns name[] DEFAULT '{}',
    liaison_columns name[] DEFAULT NULL,
    retention interval DEFAULT NULL,
    retention_column name DEFAULT NULL,
    purge_order integer DEFAULT 100,
    patient_data boolean DEFAULT NULL,
    audited boolean DEFAULT true)
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  is_patient boolean := coalesce(patient_data, family NOT IN ('reference'));
  c name;
  args text;
  is_builtin boolean;
BEGIN
  IF tbl IS NULL OR family IS NULL THEN
    RAISE EXCEPTION 'govern_table needs a table and a policy family'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF family NOT IN ('reference', 'referral', 'referral_child', 'patient', 'patient_child', 'note_child', 'communication', 'admin_only') THEN
    RAISE EXCEPTION 'unknown policy family "%"', family
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The families are reference, referral, referral_child, patient, patient_child, note_child, communication and admin_only.';
  END IF;
  IF (SELECT k.relkind FROM pg_class k WHERE k.oid = tbl) NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '% is not a table', tbl USING ERRCODE = 'wrong_object_type';
  END IF;
  IF family = 'reference' AND is_patient THEN
    RAISE EXCEPTION 'a table with patient data cannot be in the reference family'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Use referral_child, patient_child or admin_only.';
  END IF;
  FOREACH c IN ARRAY coalesce(sensitive_columns, '{}') || coalesce(liaison_columns, '{}')
                     || CASE WHEN retention_column IS NULL THEN '{}'::name[] ELSE ARRAY[retention_column] END
                     || CASE family WHEN 'referral' THEN ARRAY['queue_id', 'target_location_id']::name[]
                                    WHEN 'referral_child' THEN ARRAY['referral_id']::name[]
                                    WHEN 'patient' THEN ARRAY['patient_id']::name[]
                                    WHEN 'patient_child' THEN ARRAY['patient_id']::name[]
                                    WHEN 'note_child' THEN ARRAY['note_id']::name[]
                                    WHEN 'communication' THEN ARRAY['referral_id', 'patient_id', 'party']::name[]
                                    ELSE '{}'::name[] END LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = c
                      AND a.attnum > 0 AND NOT a.attisdropped) THEN
      RAISE EXCEPTION 'table % has no column "%"', tbl, c
        USING ERRCODE = 'undefined_column',
              HINT = 'Sensitive, liaison and retention columns must exist; family ' || family || ' needs its key columns.';
    END IF;
  END LOOP;
  IF retention IS NOT NULL AND retention_column IS NULL THEN
    RAISE EXCEPTION 'a retention window needs a retention column'
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Name the timestamp column that ages the row, e.g. updated_at.';
  END IF;
  IF retention_column IS NOT NULL AND (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = retention_column)
       NOT IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) THEN
    RAISE EXCEPTION 'retention column "%" of % is not a date or timestamp', retention_column, tbl
      USING ERRCODE = 'datatype_mismatch';
  END IF;
  is_builtin := EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = tbl AND d.deptype = 'e'
                           AND d.refobjid = (SELECT e.oid FROM pg_extension e WHERE e.extname = 'referral_crm'));

  INSERT INTO referral_crm.governed_tables AS g
         (table_name, policy_family, patient_data, audited, sensitive_columns, liaison_columns,
          retention, retention_column, purge_order, builtin)
  VALUES (tbl, family, is_patient, audited, coalesce(sensitive_columns, '{}'), liaison_columns,
          retention, retention_column, purge_order, is_builtin)
  ON CONFLICT (table_name) DO UPDATE
     SET policy_family = EXCLUDED.policy_family, patient_data = EXCLUDED.patient_data,
         audited = EXCLUDED.audited, sensitive_columns = EXCLUDED.sensitive_columns,
         liaison_columns = EXCLUDED.liaison_columns, retention = EXCLUDED.retention,
         retention_column = EXCLUDED.retention_column, purge_order = EXCLUDED.purge_order,
         by_default = false;

  -- Row-level security and the family's policies.
  IF family = 'reference' THEN
    EXECUTE format('ALTER TABLE %s NO FORCE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s DISABLE ROW LEVEL SECURITY', tbl);
  ELSE
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  END IF;
  PERFORM referral_crm.apply_policies(tbl);

  -- The audit trigger: one per event, statement level, with transition tables.
  EXECUTE format('DROP TRIGGER IF EXISTS audit_insert ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_update ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_delete ON %s', tbl);
  EXECUTE format('DROP TRIGGER IF EXISTS audit_truncate ON %s', tbl);
  IF audited THEN
    args := (SELECT string_agg(quote_literal(s), ', ' ORDER BY s) FROM unnest(coalesce(sensitive_columns, '{}')) s);
    EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS audit_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS audit_old NEW TABLE AS audit_new '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS audit_old '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture(%s)', tbl, coalesce(args, ''));
    EXECUTE format('CREATE TRIGGER audit_truncate AFTER TRUNCATE ON %s '
                   'FOR EACH STATEMENT EXECUTE FUNCTION referral_crm.audit_capture()', tbl);
  END IF;
  PERFORM referral_crm.apply_grants(tbl);
END
$$;
COMMENT ON FUNCTION referral_crm.govern_table(regclass, text, name[], name[], interval, name, integer, boolean, boolean) IS
  'put a table under governance: registry row, RLS enabled and forced with the family''s policies, the C audit trigger, role grants; idempotent';

-- Change the retention window of a governed table.
CREATE FUNCTION referral_crm.set_retention(tbl regclass, retention interval, retention_column name DEFAULT NULL)
  RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g referral_crm.governed_tables;
BEGIN
  SELECT * INTO g FROM referral_crm.governed_tables t WHERE t.table_name = tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not governed', tbl
      USING ERRCODE = 'undefined_object', HINT = 'Enrol it with referral_crm.govern_table().';
  END IF;
  PERFORM referral_crm.govern_table(tbl, g.policy_family, g.sensitive_columns, g.liaison_columns,
                                    retention, coalesce(retention_column, g.retention_column),
                                    g.purge_order, g.patient_data, g.audited);
END
$$;

-- Secure default for tables nobody classified: every table of the schema
-- that is not governed yet is enrolled as admin_only (patient data, RLS
-- forced, audited) and marked by_default, which governance_check()
-- reports.  Returns the tables it enrolled.
CREATE FUNCTION referral_crm.enrol_remaining() RETURNS SETOF regclass
  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  t regclass;
BEGIN
  FOR t IN SELECT c.oid::regclass
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind = 'r' AND NOT c.relispartition
              AND NOT EXISTS (SELECT 1 FROM referral_crm.governed_tables g WHERE g.table_name = c.oid)
            ORDER BY c.relname LOOP
    PERFORM referral_crm.govern_table(t, 'admin_only');
    UPDATE referral_crm.governed_tables g SET by_default = true WHERE g.table_name = t;
    RETURN NEXT t;
  END LOOP;
END
$$;
COMMENT ON FUNCTION referral_crm.enrol_remaining() IS
  'enrol every table of the schema not yet governed as admin_only (secure default); classify them with govern_table()';

-- ==== src/governance/services.sql
-- src/governance/services.sql
-- Pseudonymous tokens and their key, the analyst's suppressed views, read
-- tracing, legal holds and retention, disclosures to partners, the
-- permission review, the governance check and setup_roles().


------------------------------------------------------------------------
-- Pseudonym key (admin only)
------------------------------------------------------------------------

CREATE TABLE referral_crm.pseudonym_keys (
  key_id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key        bytea NOT NULL CONSTRAINT pseudonym_keys_length CHECK (length(key) BETWEEN 16 AND 64),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL DEFAULT session_user,
  retired_at timestamptz
);
COMMENT ON TABLE referral_crm.pseudonym_keys IS
  'HMAC keys of pseudonym(); the one with retired_at NULL is current.  Readable by referral_crm_admin only';
CREATE UNIQUE INDEX pseudonym_keys_one_current ON referral_crm.pseudonym_keys ((true)) WHERE retired_at IS NULL;
SELECT pg_catalog.pg_extension_config_dump('referral_crm.pseudonym_keys', '');
SELECT pg_catalog.pg_extension_config_dump(
  pg_catalog.pg_get_serial_sequence('referral_crm.pseudonym_keys', 'key_id')::regclass, '');

-- New current key; every token changes.  Returns the new key_id.
CREATE FUNCTION referral_crm.rotate_pseudonym_key() RETURNS integer
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  k integer;
BEGIN
  UPDATE referral_crm.pseudonym_keys SET retired_at = now() WHERE retired_at IS NULL;
  INSERT INTO referral_crm.pseudonym_keys (key) VALUES (referral_crm.random_key()) RETURNING key_id INTO k;
  PERFORM referral_crm.audit_event('KEY_ROTATE', 'referral_crm.pseudonym_keys',
                                   jsonb_build_object('key_id', k), NULL);
  RETURN k;
END
$$;
COMMENT ON FUNCTION referral_crm.rotate_pseudonym_key() IS
  'retire the current pseudonym key and make a new random one (every token changes); admin only';

------------------------------------------------------------------------
-- Analyst views: pseudonymised, counts of 1 to 10 suppressed
------------------------------------------------------------------------

-- One grain only (month x referrer token x specialty) and no margins, so
-- that no suppressed cell can be recovered by subtraction.
CREATE FUNCTION referral_crm.analytics_referral_flow_rows()
  RETURNS TABLE (month date, referrer_token text, target_specialty text,
                 referrals bigint, visits_completed bigint, completion_pct numeric)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    SELECT g.month, referral_crm.pseudonym(g.referrer, 'referrer'), g.target_specialty,
           CASE WHEN g.n BETWEEN 1 AND 10 THEN NULL ELSE g.n END,
           CASE WHEN g.n BETWEEN 1 AND 10 OR g.done BETWEEN 1 AND 10 OR g.n - g.done BETWEEN 1 AND 10
                THEN NULL ELSE g.done END,
           CASE WHEN g.n BETWEEN 1 AND 10 OR g.done BETWEEN 1 AND 10 OR g.n - g.done BETWEEN 1 AND 10
                THEN NULL ELSE round(100.0 * g.done / g.n, 1) END
      FROM (SELECT date_trunc('month', r.authored_at AT TIME ZONE 'UTC')::date AS month,
                   coalesce('npi:' || r.referring_npi, 'clinician:' || r.referring_clinician_id,
                            'name:' || lower(r.referring_name), 'unknown') AS referrer,
                   coalesce(r.target_specialty, 'unknown') AS target_specialty,
                   count(*) AS n,
                   count(*) FILTER (WHERE r.stage = 'visit-completed') AS done
              FROM referral_crm.referrals r
             GROUP BY 1, 2, 3) g
     ORDER BY 1, 3, 2;
  END;
COMMENT ON FUNCTION referral_crm.analytics_referral_flow_rows() IS
  'rows of analytics_referral_flow (definer: reads referrals, returns only suppressed aggregates)';

CREATE VIEW referral_crm.analytics_referral_flow WITH (security_invoker = true) AS
  SELECT * FROM referral_crm.analytics_referral_flow_rows();
COMMENT ON VIEW referral_crm.analytics_referral_flow IS
  'referrals per month, referrer token and specialty; counts from 1 to 10, and what they can be derived from, are NULL';

------------------------------------------------------------------------
-- Read tracing: open a referral or a patient record
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.open_referral(id bigint) RETURNS SETOF referral_crm.referrals
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  r referral_crm.referrals;
BEGIN
  FOR r IN SELECT * FROM referral_crm.referrals x WHERE x.referral_id = id LOOP
    PERFORM referral_crm.audit_read('referral_crm.referrals', jsonb_build_object('referral_id', r.referral_id), NULL);
    RETURN NEXT r;
  END LOOP;
END
$$;
COMMENT ON FUNCTION referral_crm.open_referral(bigint) IS
  'the referral, if the current role may see it, with an audit entry of the view';

CREATE FUNCTION referral_crm.open_patient(id bigint) RETURNS SETOF referral_crm.patients
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  p referral_crm.patients;
BEGIN
  FOR p IN SELECT * FROM referral_crm.patients x WHERE x.patient_id = id LOOP
    PERFORM referral_crm.audit_read('referral_crm.patients', jsonb_build_object('patient_id', p.patient_id), NULL);
    RETURN NEXT p;
  END LOOP;
END
$$;
COMMENT ON FUNCTION referral_crm.open_patient(bigint) IS
  'the patient record, if the current role may see it, with an audit entry of the view';

------------------------------------------------------------------------
-- Legal holds and retention
------------------------------------------------------------------------

CREATE TABLE referral_crm.legal_holds (
  hold_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id  bigint,
  referral_id bigint,
  reason      text NOT NULL CONSTRAINT legal_holds_reason_nonempty CHECK (reason <> ''),
  placed_by   text NOT NULL DEFAULT session_user,
  placed_at   timestamptz NOT NULL DEFAULT now(),
  released_at timestamptz,
  CONSTRAINT legal_holds_one_subject CHECK (num_nonnulls(patient_id, referral_id) = 1)
);
COMMENT ON TABLE referral_crm.legal_holds IS
  'records that purge_expired() must keep: all of a patient''s, or one referral''s (with its notes, events, tasks ...)';
CREATE INDEX legal_holds_patient_idx ON referral_crm.legal_holds (patient_id) WHERE released_at IS NULL;
CREATE INDEX legal_holds_referral_idx ON referral_crm.legal_holds (referral_id) WHERE released_at IS NULL;
SELECT pg_catalog.pg_extension_config_dump('referral_crm.legal_holds', '');
SELECT pg_catalog.pg_extension_config_dump(
  pg_catalog.pg_get_serial_sequence('referral_crm.legal_holds', 'hold_id')::regclass, '');

-- The predicate "row t is under a legal hold" for a table's columns.
CREATE FUNCTION referral_crm.hold_predicate(tbl regclass) RETURNS text
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  has_patient boolean := EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = 'patient_id' AND NOT a.attisdropped);
  has_referral boolean := EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = tbl AND a.attname = 'referral_id' AND NOT a.attisdropped);
  pred text := 'false';
BEGIN
  IF has_patient THEN
    pred := pred || ' OR t.patient_id IN (SELECT h.patient_id FROM referral_crm.legal_holds h WHERE h.released_at IS NULL AND h.patient_id IS NOT NULL)'
                 || ' OR t.patient_id IN (SELECT r.patient_id FROM referral_crm.referrals r JOIN referral_crm.legal_holds h ON h.referral_id = r.referral_id WHERE h.released_at IS NULL)';
  END IF;
  IF has_referral THEN
    pred := pred || ' OR t.referral_id IN (SELECT h.referral_id FROM referral_crm.legal_holds h WHERE h.released_at IS NULL AND h.referral_id IS NOT NULL)'
                 || ' OR t.referral_id IN (SELECT r.referral_id FROM referral_crm.referrals r JOIN referral_crm.legal_holds h ON h.patient_id = r.patient_id WHERE h.released_at IS NULL)';
  END IF;
  RETURN '(' || pred || ')';
END
$$;

-- "no row of another table still references row t" (foreign keys that restrict).
CREATE FUNCTION referral_crm.unreferenced_predicate(tbl regclass) RETURNS text
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    SELECT coalesce(string_agg(format('NOT EXISTS (SELECT 1 FROM %s c WHERE %s)', c.conrelid::regclass,
                    (SELECT string_agg(format('c.%I = t.%I', ca.attname, pa.attname), ' AND ')
                       FROM unnest(c.conkey, c.confkey) AS k (ck, pk)
                       JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.ck
                       JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.pk)),
                    ' AND ' ORDER BY c.conname), 'true')
      FROM pg_constraint c
     WHERE c.contype = 'f' AND c.confrelid = tbl AND c.confdeltype IN ('a', 'r');
  END;

-- Delete what has expired and is not under a legal hold.
CREATE FUNCTION referral_crm.purge_expired(dry_run boolean DEFAULT false)
  RETURNS TABLE (table_name text, cutoff timestamptz, purged bigint, held bigint, still_referenced bigint)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  g record;
  expired text;
  hold text;
  unref text;
  n bigint;
  trg record;
  disabled text[];
BEGIN
  PERFORM referral_crm.audit_suppress_values(true);
  FOR g IN SELECT * FROM referral_crm.governed_tables x
            WHERE x.retention IS NOT NULL ORDER BY x.purge_order, x.table_name::text LOOP
    table_name := g.table_name::text;
    cutoff := now() - g.retention;
    expired := format('t.%I < %L', g.retention_column, cutoff);
    hold := referral_crm.hold_predicate(g.table_name);
    unref := referral_crm.unreferenced_predicate(g.table_name);
    EXECUTE format('SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE NOT %s AND NOT (%s)) FROM %s t WHERE %s',
                   hold, hold, unref, g.table_name, expired)
       INTO held, still_referenced;
    purged := 0;
    IF NOT dry_run THEN
      -- append-only tables (event histories) give way to retention only
      disabled := '{}';
      FOR trg IN SELECT t.tgname FROM pg_trigger t
                  WHERE t.tgrelid = g.table_name AND t.tgenabled <> 'D'
                    AND t.tgfoid = 'referral_crm.append_only()'::regprocedure LOOP
        EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', g.table_name, trg.tgname);
        disabled := disabled || trg.tgname::text;
      END LOOP;
      EXECUTE format('DELETE FROM %s t WHERE %s AND NOT %s AND %s', g.table_name, expired, hold, unref);
      GET DIAGNOSTICS n = ROW_COUNT;
      purged := n;
      FOR i IN 1 .. coalesce(array_length(disabled, 1), 0) LOOP
        EXECUTE format('ALTER TABLE %s ENABLE TRIGGER %I', g.table_name, disabled[i]);
      END LOOP;
      IF n > 0 THEN
        PERFORM referral_crm.audit_event('PURGE', g.table_name::text, NULL,
                  jsonb_build_object('rows', n, 'cutoff', cutoff, 'retention', g.retention::text, 'held', held));
      END IF;
    ELSE
      EXECUTE format('SELECT count(*) FROM %s t WHERE %s AND NOT %s AND %s', g.table_name, expired, hold, unref)
         INTO purged;
    END IF;
    RETURN NEXT;
  END LOOP;
  PERFORM referral_crm.audit_suppress_values(false);
END
$$;
COMMENT ON FUNCTION referral_crm.purge_expired(boolean) IS
  'delete the rows whose retention window has passed, except those under a legal hold or still referenced; audit entries keep only the keys';

-- Audit entries older than the retention of the audit trail (at least 6
-- years).  The chain stays verifiable: each chain's new start is recorded
-- in audit_chain_floors and vouched for by an AUDIT_PURGE entry.
CREATE FUNCTION referral_crm.purge_audit(older_than interval DEFAULT interval '6 years')
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp SET session_replication_role = replica AS
$$
DECLARE
  cut timestamptz := now() - older_than;
  n bigint := 0;
  floors jsonb;
BEGIN
  IF older_than IS NULL OR older_than < interval '6 years' THEN
    RAISE EXCEPTION 'audit entries are kept for at least 6 years'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'HIPAA (45 CFR 164.316(b)(2)) asks for six years; pass interval ''6 years'' or more.';
  END IF;
  -- per chain (not the checkpoint chain): the last entry older than the cut
  CREATE TEMP TABLE gov_floor ON COMMIT DROP AS
  SELECT DISTINCT ON (l.chain_id) l.chain_id, l.seq, l.hash
    FROM referral_crm_audit.audit_log l
   WHERE l.chain_id > 0 AND l.logged_at < cut
   ORDER BY l.chain_id, l.seq DESC;
  SELECT jsonb_agg(jsonb_build_array(f.chain_id, f.seq, encode(f.hash, 'hex')) ORDER BY f.chain_id)
    INTO floors FROM pg_temp.gov_floor f;
  IF floors IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM referral_crm.audit_event('AUDIT_PURGE', 'referral_crm_audit.audit_log', NULL,
                                   jsonb_build_object('before', cut, 'floors', floors));
  DELETE FROM referral_crm_audit.audit_log l USING pg_temp.gov_floor f
   WHERE l.chain_id = f.chain_id AND l.seq <= f.seq;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO referral_crm_audit.audit_chain_floors AS x (chain_id, floor_seq, floor_hash, purged_at)
  SELECT f.chain_id, f.seq, f.hash, now() FROM pg_temp.gov_floor f
  ON CONFLICT (chain_id) DO UPDATE SET floor_seq = EXCLUDED.floor_seq, floor_hash = EXCLUDED.floor_hash,
                                       purged_at = EXCLUDED.purged_at;
  RETURN n;
END
$$;
COMMENT ON FUNCTION referral_crm.purge_audit(interval) IS
  'delete audit entries older than the given age (6 years at least); the remaining chains still verify';

------------------------------------------------------------------------
-- Disclosures to external partners
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.disclosable_columns() RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN ARRAY['referral_id', 'authored_at', 'needed_by', 'referring_npi', 'referring_name', 'target_specialty',
               'target_npi', 'priority', 'reason', 'diagnosis_codes', 'status', 'stage', 'referral_number',
               'prior_auth_number', 'patient_pseudo_key', 'patient_given_name', 'patient_family_name',
               'patient_birth_date', 'patient_sex', 'patient_zip', 'patient_phone'];

CREATE TABLE referral_crm.partners (
  partner         text PRIMARY KEY CONSTRAINT partners_code_format CHECK (partner ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  display_name    text NOT NULL,
  allowed_columns text[] NOT NULL
                  CONSTRAINT partners_columns_known CHECK (allowed_columns <@ referral_crm.disclosable_columns()),
  purposes        text[] NOT NULL CONSTRAINT partners_purposes_nonempty CHECK (cardinality(purposes) > 0),
  agreement       text,
  active          boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE referral_crm.partners IS
  'external partners: the columns each may receive and the purposes (e.g. treatment, payment, operations) of its agreement';
SELECT pg_catalog.pg_extension_config_dump('referral_crm.partners', '');

CREATE TABLE referral_crm.disclosures (
  disclosure_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  partner       text NOT NULL,
  purpose       text NOT NULL,
  disclosed_at  timestamptz NOT NULL DEFAULT now(),
  disclosed_by  text NOT NULL,
  staff_id      bigint,
  columns       text[] NOT NULL,
  referral_ids  bigint[] NOT NULL,
  patient_ids   bigint[] NOT NULL
);
COMMENT ON TABLE referral_crm.disclosures IS
  'accounting of disclosures (45 CFR 164.528): what went to which partner, for what purpose, by whom';
SELECT pg_catalog.pg_extension_config_dump('referral_crm.disclosures', '');
SELECT pg_catalog.pg_extension_config_dump(
  pg_catalog.pg_get_serial_sequence('referral_crm.disclosures', 'disclosure_id')::regclass, '');

-- The partner's columns for a purpose, or an error.
CREATE FUNCTION referral_crm.partner_columns(partner text, purpose text) RETURNS text[]
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  p referral_crm.partners;
BEGIN
  SELECT * INTO p FROM referral_crm.partners x WHERE x.partner = partner_columns.partner;
  IF NOT FOUND OR NOT p.active THEN
    RAISE EXCEPTION 'no active sharing agreement with partner "%"', partner
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'An administrator registers the partner in referral_crm.partners.';
  END IF;
  IF NOT (purpose = ANY (p.purposes)) THEN
    RAISE EXCEPTION 'partner "%" may not receive data for purpose "%"', partner, purpose
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'The agreement allows: ' || array_to_string(p.purposes, ', ') || '.';
  END IF;
  RETURN p.allowed_columns;
END
$$;

CREATE FUNCTION referral_crm.record_disclosure(partner text, purpose text, columns text[],
                                               referral_ids bigint[], patient_ids bigint[])
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  d bigint;
BEGIN
  INSERT INTO referral_crm.disclosures (partner, purpose, staff_id, columns, referral_ids, patient_ids, disclosed_by)
  VALUES (partner, purpose,
          (SELECT s.staff_id FROM referral_crm.staff s WHERE s.login_role = referral_crm.acting_user()),
          columns, coalesce(referral_ids, '{}'), coalesce(patient_ids, '{}'), referral_crm.acting_user())
  RETURNING disclosure_id INTO d;
  PERFORM referral_crm.audit_event('DISCLOSE', 'referral_crm.referrals',
            jsonb_build_object('disclosure_id', d),
            jsonb_build_object('partner', partner, 'purpose', purpose, 'columns', to_jsonb(columns),
                               'referral_ids', to_jsonb(coalesce(referral_ids, '{}'))));
  RETURN d;
END
$$;

-- The referrals (that the caller may see) with the partner's columns only.
CREATE FUNCTION referral_crm.export_for_partner(partner text, purpose text, referral_ids bigint[])
  RETURNS SETOF jsonb
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  cols text[] := referral_crm.partner_columns(partner, purpose);
  docs jsonb[];
  rids bigint[];
  pids bigint[];
BEGIN
  SELECT array_agg(q.doc ORDER BY q.referral_id), array_agg(q.referral_id ORDER BY q.referral_id),
         array_agg(DISTINCT q.patient_id)
    INTO docs, rids, pids
    FROM (SELECT r.referral_id, r.patient_id,
                 (SELECT jsonb_object_agg(e.key, e.value ORDER BY e.key)
                    FROM jsonb_each(jsonb_build_object(
                           'referral_id', r.referral_id, 'authored_at', r.authored_at, 'needed_by', r.needed_by,
                           'referring_npi', r.referring_npi, 'referring_name', r.referring_name,
                           'target_specialty', r.target_specialty, 'target_npi', r.target_npi, 'priority', r.priority,
                           'reason', r.reason, 'diagnosis_codes', r.diagnosis_codes, 'status', r.status, 'stage', r.stage,
                           'referral_number', r.referral_number, 'prior_auth_number', r.prior_auth_number,
                           'patient_pseudo_key', p.pseudo_key, 'patient_given_name', p.given_name,
                           'patient_family_name', p.family_name, 'patient_birth_date', p.birth_date,
                           'patient_sex', p.sex, 'patient_zip', p.zip, 'patient_phone', p.phone)) e
                   WHERE e.key = ANY (cols)) AS doc
            FROM referral_crm.referrals r
            LEFT JOIN referral_crm.patients p ON p.patient_id = r.patient_id
           WHERE r.referral_id = ANY (referral_ids)) q;
  IF rids IS NULL THEN
    RETURN;
  END IF;
  PERFORM referral_crm.record_disclosure(partner, purpose, cols, rids, pids);
  RETURN QUERY SELECT d FROM unnest(docs) d;
END
$$;
COMMENT ON FUNCTION referral_crm.export_for_partner(text, text, bigint[]) IS
  'the requested referrals the caller may see, as jsonb with only the partner''s allowed columns; records the disclosure';

------------------------------------------------------------------------
-- Review
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.permission_review()
  RETURNS TABLE (login name, object text, object_type text, privileges text[], via text[], rows_seen text)
  LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
    WITH logins AS (
      SELECT r.oid, r.rolname, r.rolsuper, r.rolbypassrls,
             ARRAY(SELECT g.rolname::text FROM pg_roles g
                    WHERE g.rolname = ANY (referral_crm.governance_roles()) AND g.oid <> r.oid
                      AND pg_has_role(r.oid, g.oid, 'MEMBER') ORDER BY g.rolname) AS via
        FROM pg_roles r WHERE r.rolcanlogin),
    rels AS (
      SELECT c.oid, format('%I.%I', n.nspname, c.relname) AS object,
             CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                            WHEN 'm' THEN 'materialized view' ELSE 'sequence' END AS object_type,
             c.relkind, c.relrowsecurity
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND c.relkind IN ('r', 'p', 'v', 'm', 'S')),
    funcs AS (
      SELECT p.oid, p.oid::regprocedure::text AS object
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'referral_crm' AND NOT has_function_privilege('public', p.oid, 'EXECUTE'))
    SELECT l.rolname, '*', 'superuser', ARRAY['ALL'], l.via, 'all'
      FROM logins l WHERE l.rolsuper
    UNION ALL
    SELECT l.rolname, x.object, x.object_type, x.privs, l.via,
           CASE WHEN x.relkind NOT IN ('r', 'p') THEN NULL
                WHEN x.relrowsecurity AND NOT l.rolbypassrls THEN 'row-level security applies'
                ELSE 'all' END
      FROM logins l
     CROSS JOIN LATERAL (
       SELECT rl.object, rl.object_type, rl.relkind, rl.relrowsecurity,
              CASE WHEN rl.relkind = 'S'
                   THEN ARRAY(SELECT pr FROM unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) pr
                               WHERE has_sequence_privilege(l.oid, rl.oid, pr))
                   ELSE ARRAY(SELECT pr FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE',
                                                           'REFERENCES', 'TRIGGER']) pr
                               WHERE has_table_privilege(l.oid, rl.oid, pr))
                        || ARRAY(SELECT pr || ' (some columns)' FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) pr
                                  WHERE NOT has_table_privilege(l.oid, rl.oid, pr)
                                    AND has_any_column_privilege(l.oid, rl.oid, pr)) END AS privs
         FROM rels rl) x
     WHERE NOT l.rolsuper AND cardinality(x.privs) > 0
    UNION ALL
    SELECT l.rolname, f.object, 'function', ARRAY['EXECUTE'], l.via, NULL
      FROM logins l CROSS JOIN funcs f
     WHERE NOT l.rolsuper AND has_function_privilege(l.oid, f.oid, 'EXECUTE')
    ORDER BY 1, 3, 2;
  END;
COMMENT ON FUNCTION referral_crm.permission_review() IS
  'each login''s effective rights on every object of the extension (restricted functions included), the group roles they come through, and whether row-level security filters its rows';

CREATE FUNCTION referral_crm.governance_check()
  RETURNS TABLE (severity text, finding text, object text, detail text)
  LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  r record;
BEGIN
  IF current_setting('ssl') <> 'on' THEN
    severity := 'high'; finding := 'ssl_off'; object := 'ssl';
    detail := 'The server accepts no TLS connections: patient data crosses the network in clear text (45 CFR 164.312(e)).';
    RETURN NEXT;
  END IF;
  IF current_setting('password_encryption') <> 'scram-sha-256' THEN
    severity := 'high'; finding := 'weak_password_encryption'; object := 'password_encryption';
    detail := format('password_encryption is %s, not scram-sha-256.', current_setting('password_encryption'));
    RETURN NEXT;
  END IF;
  FOR r IN SELECT g.table_name::text AS t, c.relrowsecurity, c.relforcerowsecurity
             FROM referral_crm.governed_tables g JOIN pg_class c ON c.oid = g.table_name
            WHERE g.patient_data AND NOT (c.relrowsecurity AND c.relforcerowsecurity) ORDER BY 1 LOOP
    severity := 'critical'; finding := 'patient_table_without_rls'; object := r.t;
    detail := format('Row-level security is %s and %s.', CASE WHEN r.relrowsecurity THEN 'enabled' ELSE 'disabled' END,
                     CASE WHEN r.relforcerowsecurity THEN 'forced' ELSE 'not forced' END);
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::text AS t FROM referral_crm.governed_tables g
            WHERE g.audited AND (SELECT count(*) FROM pg_trigger t
                                  WHERE t.tgrelid = g.table_name AND t.tgenabled <> 'D'
                                    AND t.tgfoid = 'referral_crm.audit_capture()'::regprocedure) < 4
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'table_not_audited'; object := r.t;
    detail := 'The audit triggers are missing or disabled; run referral_crm.govern_table() again.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT g.table_name::text AS t FROM referral_crm.governed_tables g WHERE g.by_default ORDER BY 1 LOOP
    severity := 'medium'; finding := 'table_enrolled_by_default'; object := r.t;
    detail := 'Nobody classified this table: it is admin_only until referral_crm.govern_table() gives it its family.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT format('%I.%I', n.nspname, c.relname) AS t
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM referral_crm.governed_tables g WHERE g.table_name = c.oid)
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'table_not_governed'; object := r.t;
    detail := 'The table is in the extension''s schema but not enrolled: no policies, no audit.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT DISTINCT format('%I.%I', n.nspname, v.relname) AS v
             FROM pg_class v JOIN pg_namespace n ON n.oid = v.relnamespace
             JOIN pg_rewrite w ON w.ev_class = v.oid
             JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = w.oid
                             AND d.refclassid = 'pg_class'::regclass
             JOIN referral_crm.governed_tables g ON g.table_name = d.refobjid AND g.patient_data
            WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND v.relkind = 'v'
              AND NOT coalesce('security_invoker=true' = ANY (v.reloptions), false)
            ORDER BY 1 LOOP
    severity := 'high'; finding := 'view_not_security_invoker'; object := r.v;
    detail := 'A view over patient data runs with its owner''s rights and bypasses row-level security; ALTER VIEW ... SET (security_invoker = true).';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure::text AS f
             FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND p.prosecdef
              AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)
            ORDER BY 1 LOOP
    severity := 'critical'; finding := 'security_definer_without_search_path'; object := r.f;
    detail := 'A SECURITY DEFINER function must pin search_path = pg_catalog, pg_temp.';
    RETURN NEXT;
  END LOOP;
  FOR r IN SELECT a.rolname, a.rolsuper, a.rolbypassrls,
                  (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname IN ('referral_crm', 'referral_crm_audit') AND c.relowner = a.oid) AS owned
             FROM pg_roles a
            WHERE a.rolname = ANY (referral_crm.governance_roles())
               OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = ANY (referral_crm.governance_roles())
                           AND pg_has_role(a.oid, g.oid, 'MEMBER') AND NOT a.rolsuper)
            ORDER BY 1 LOOP
    IF r.rolsuper OR r.rolbypassrls THEN
      severity := 'critical'; finding := 'application_role_bypasses_rls'; object := r.rolname;
      detail := CASE WHEN r.rolsuper THEN 'An application role is a superuser.' ELSE 'An application role has BYPASSRLS.' END;
      RETURN NEXT;
    END IF;
    IF r.owned > 0 THEN
      severity := 'critical'; finding := 'application_role_owns_objects'; object := r.rolname;
      detail := format('It owns %s relations of the extension; owners can disable row-level security.', r.owned);
      RETURN NEXT;
    END IF;
  END LOOP;
  FOR r IN SELECT n.nspname FROM pg_namespace n
            WHERE (n.nspname IN ('referral_crm', 'referral_crm_audit', 'public')
                   OR n.oid IN (SELECT e.extnamespace FROM pg_extension e WHERE e.extname = 'referral_crm'))
              AND has_schema_privilege('public', n.oid, 'CREATE') ORDER BY 1 LOOP
    severity := CASE WHEN r.nspname = 'public' THEN 'medium' ELSE 'critical' END;
    finding := 'public_can_create'; object := r.nspname;
    detail := 'PUBLIC may create objects in this schema, which can shadow functions and operators.';
    RETURN NEXT;
  END LOOP;
  IF (SELECT count(*) FROM pg_roles a WHERE a.rolname = ANY (referral_crm.governance_roles())) < 6 THEN
    severity := 'medium'; finding := 'roles_not_set_up'; object := 'referral_crm.setup_roles()';
    detail := 'The group roles do not all exist; a DBA runs SELECT referral_crm.setup_roles().';
    RETURN NEXT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM referral_crm.pseudonym_keys k WHERE k.retired_at IS NULL) THEN
    severity := 'low'; finding := 'no_pseudonym_key'; object := 'referral_crm.pseudonym_keys';
    detail := 'There is no current pseudonym key; setup_roles() or rotate_pseudonym_key() makes one.';
    RETURN NEXT;
  END IF;
END
$$;
COMMENT ON FUNCTION referral_crm.governance_check() IS
  'configuration findings with a severity: ssl, password encryption, tables without RLS or audit, unpinned SECURITY DEFINER functions, application roles that bypass RLS or own objects, schemas PUBLIC can create in';

-- ==== src/governance/enrol.sql
-- src/governance/enrol.sql
-- Enrol the tables of the data model, ingestion and governance itself,
-- restrict the functions that write or disclose, make the ingestion entry
-- points SECURITY DEFINER (the ingest role writes only through them), and
-- define setup_roles().
--
-- Rooms installed before governance that add tables enrol them here with
-- one govern_table() call each (see README.md, section "Governance").


-- Directory and reference data: readable by intake and liaison, no RLS.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['specialties', 'organizations', 'locations', 'clinicians', 'clinician_locations',
                           'payers', 'payer_plans', 'staff', 'queues', 'queue_members', 'ingest_feeds',
                           'staff_teams', 'team_scopes']
  LOOP
    PERFORM referral_crm.govern_table(format('referral_crm.%I', t)::regclass, 'reference');
  END LOOP;
END
$$;

-- Patient data.  Retention: ten years after the last change (state
-- medical-record laws range from 6 to 10 years for adults); children of a
-- referral are purged before it, referrals before their patient.
SELECT referral_crm.govern_table('referral_crm.patients', 'patient',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 40);
SELECT referral_crm.govern_table('referral_crm.referrals', 'referral',
         sensitive_columns => '{reason}',
         liaison_columns => '{referral_id, authored_at, received_at, referring_clinician_id, referring_npi,
                              referring_name, referring_organization_id, target_specialty, target_clinician_id,
                              target_npi, target_location_id, priority, payer_id, plan_id, in_network, channel,
                              status, status_changed_at, stage, stage_changed_at, queue_id, created_at, updated_at}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 30);
SELECT referral_crm.govern_table('referral_crm.referral_events', 'referral_child',
         sensitive_columns => '{reason}',
         liaison_columns => '{event_id, referral_id, occurred_at, dimension, from_value, to_value}',
         retention => interval '10 years', retention_column => 'occurred_at', purge_order => 20);
SELECT referral_crm.govern_table('referral_crm.appointments', 'patient_child',
         sensitive_columns => '{cancel_reason}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 20);
SELECT referral_crm.govern_table('referral_crm.claims', 'patient_child',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 20);
SELECT referral_crm.govern_table('referral_crm.referral_notes', 'referral_child',
         sensitive_columns => '{body}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 10);
SELECT referral_crm.govern_table('referral_crm.communications', 'communication',
         sensitive_columns => '{summary}',
         liaison_columns => '{communication_id, referral_id, organization_id, clinician_id, channel, direction,
                              party, outcome, template_code, occurred_at, staff_id, summary}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 10);
SELECT referral_crm.govern_table('referral_crm.tasks', 'referral_child',
         sensitive_columns => '{description}',
         retention => interval '10 years', retention_column => 'updated_at', purge_order => 10);

-- Ingestion: raw rows are patient data, for the admin only.  Staged rows
-- are a transient queue written by COPY into the staging views and
-- consumed by ingest(); what they become is audited, they are not.
SELECT referral_crm.govern_table('referral_crm.staged_rows', 'admin_only', audited => false,
         retention => interval '30 days', retention_column => 'staged_at', purge_order => 5);
SELECT referral_crm.govern_table('referral_crm.ingest_rejects', 'admin_only', sensitive_columns => '{raw}',
         retention => interval '1 year', retention_column => 'created_at', purge_order => 5);
SELECT referral_crm.govern_table('referral_crm.ingest_batches', 'admin_only', patient_data => false);

-- Governance's own tables.
SELECT referral_crm.govern_table('referral_crm.governed_tables', 'admin_only', patient_data => false);
SELECT referral_crm.govern_table('referral_crm.pseudonym_keys', 'admin_only', patient_data => false,
         sensitive_columns => '{key}');
SELECT referral_crm.govern_table('referral_crm.legal_holds', 'admin_only');
SELECT referral_crm.govern_table('referral_crm.partners', 'admin_only', patient_data => false);
SELECT referral_crm.govern_table('referral_crm.disclosures', 'admin_only');
-- The accounting of disclosures is part of the audit trail.
CREATE POLICY audit_disclosures_read ON referral_crm.disclosures FOR SELECT
  USING ((SELECT referral_crm.acting_as('referral_crm_auditor')));

-- The tables of the other rooms.
-- names: nicknames and surname frequencies are reference data; the record
-- of each resolution (referring names as offices wrote them, linked to
-- referrals and claims) is for the admin role.
SELECT referral_crm.govern_table(t::regclass, 'reference')
  FROM unnest(ARRAY['referral_crm.name_variants', 'referral_crm.name_frequencies']) AS t;
SELECT referral_crm.govern_table('referral_crm.name_resolutions', 'admin_only', sensitive_columns => '{referring_name}');
-- scoring: models and ZIP centroids are reference data; scores are per referral.
SELECT referral_crm.govern_table(t::regclass, 'reference')
  FROM unnest(ARRAY['referral_crm.models', 'referral_crm.zip_centroids']) AS t;
SELECT referral_crm.govern_table('referral_crm.referral_scores', 'referral_child');

-- crm: settings and the dashboard snapshots (aggregates by referrer,
-- specialty, payer) are reference data for intake and liaison; the
-- per-referral facts follow their referral; refresh state is internal.
SELECT referral_crm.govern_table(t::regclass, 'reference')
  FROM unnest(ARRAY['referral_crm.crm_config', 'referral_crm.sla_policies', 'referral_crm.reminder_rules',
                    'referral_crm.message_templates', 'referral_crm.payer_rates',
                    'referral_crm.referral_edges_snapshot', 'referral_crm.referrers_snapshot',
                    'referral_crm.referral_metrics_snapshot', 'referral_crm.cohorts_snapshot',
                    'referral_crm.performance_filters_snapshot', 'referral_crm.leakage_snapshot',
                    'referral_crm.roi_snapshot', 'referral_crm.manager_overview_snapshot']) AS t;
SELECT referral_crm.govern_table('referral_crm.referral_facts', 'referral_child', audited => false);
SELECT referral_crm.govern_table(t::regclass, 'admin_only', patient_data => false, audited => false)
  FROM unnest(ARRAY['referral_crm.referral_facts_state', 'referral_crm.crm_summary_state']) AS t;

-- routing: rules and assignment settings are reference data; each decision
-- belongs to its referral.
SELECT referral_crm.govern_table(t::regclass, 'reference')
  FROM unnest(ARRAY['referral_crm.routing_rules', 'referral_crm.queue_routing', 'referral_crm.staff_capacity',
                    'referral_crm.staff_hours']) AS t;
SELECT referral_crm.govern_table('referral_crm.routing_decisions', 'referral_child');

-- notes: classifiers are reference data; note vectors follow their note;
-- the corpus statistics (document frequency per term, corpus totals) are
-- aggregate counts with no note or patient key, kept by SECURITY DEFINER
-- trigger functions; the TF-IDF and BM25 readers run with the caller's
-- rights, so intake and liaison can read them, like reference data.
SELECT referral_crm.govern_table(t::regclass, 'reference')
  FROM unnest(ARRAY['referral_crm.note_classifiers', 'referral_crm.note_classifier_vectors']) AS t;
SELECT referral_crm.govern_table('referral_crm.note_vectors', 'note_child', audited => false);
SELECT referral_crm.govern_table(t::regclass, 'reference', patient_data => false, audited => false)
  FROM unnest(ARRAY['referral_crm.corpus_df', 'referral_crm.corpus_totals']) AS t;

-- Any other table of the schema (a room that did not classify its tables
-- here): admin only until classified.
SELECT count(*) AS enrolled_by_default FROM referral_crm.enrol_remaining();

SELECT pg_catalog.pg_extension_config_dump('referral_crm.governed_tables', 'WHERE NOT builtin');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.staff_teams', '');
SELECT pg_catalog.pg_extension_config_dump('referral_crm.team_scopes', '');
SELECT pg_catalog.pg_extension_config_dump(
  pg_catalog.pg_get_serial_sequence('referral_crm.team_scopes', 'scope_id')::regclass, '');

------------------------------------------------------------------------
-- Functions that write, disclose or reveal: not for PUBLIC
------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
  referral_crm.audit_capture(), referral_crm.audit_event(text, text, jsonb, jsonb),
  referral_crm.audit_suppress_values(boolean), referral_crm.audit_checkpoint(),
  referral_crm.audit_head(), referral_crm.audit_verify(), referral_crm.audit_verify(text),
  referral_crm.audit_read(regclass, jsonb, jsonb),
  referral_crm.pseudonym(text, text), referral_crm.random_key(), referral_crm.rotate_pseudonym_key(),
  referral_crm.analytics_referral_flow_rows(),
  referral_crm.open_referral(bigint), referral_crm.open_patient(bigint),
  referral_crm.purge_expired(boolean), referral_crm.purge_audit(interval),
  referral_crm.partner_columns(text, text),
  referral_crm.record_disclosure(text, text, text[], bigint[], bigint[]),
  referral_crm.export_for_partner(text, text, bigint[]),
  referral_crm.govern_table(regclass, text, name[], name[], interval, name, integer, boolean, boolean),
  referral_crm.set_retention(regclass, interval, name), referral_crm.apply_grants(regclass),
  referral_crm.apply_policies(regclass), referral_crm.enrol_remaining(),
  referral_crm.ingest(text), referral_crm.ingest_fhir(jsonb), referral_crm.stage_csv(text, text)
FROM PUBLIC;

-- The ingest role writes only through the ingestion functions: they run
-- with the owner's rights, with a pinned search_path (their bodies
-- qualify every object).  Staged rows come in through the staging views.
ALTER FUNCTION referral_crm.ingest(text) SECURITY DEFINER;
ALTER FUNCTION referral_crm.ingest(text) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION referral_crm.ingest_fhir(jsonb) SECURITY DEFINER;
ALTER FUNCTION referral_crm.ingest_fhir(jsonb) SET search_path = pg_catalog, pg_temp;

-- The ingestion functions run as their owner now: record who called them,
-- not the owner (current_user inside a SECURITY DEFINER function).
ALTER TABLE referral_crm.ingest_batches ALTER COLUMN actor SET DEFAULT referral_crm.acting_user();
ALTER TABLE referral_crm.referral_events ALTER COLUMN actor SET DEFAULT referral_crm.acting_user();

-- Views over patient data run with the rights of their user.
DO $$
DECLARE
  v text;
BEGIN
  FOR v IN SELECT format('%I.%I', n.nspname, c.relname)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind = 'v' AND c.relname LIKE 'staging\_%' LOOP
    EXECUTE format('ALTER VIEW %s SET (security_invoker = true)', v);
  END LOOP;
END
$$;

------------------------------------------------------------------------
-- setup_roles()
------------------------------------------------------------------------

CREATE FUNCTION referral_crm.setup_roles() RETURNS TABLE (role_name text, action text)
  LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  r text;
  t regclass;
  v text;
  patient_tables text;
BEGIN
  FOREACH r IN ARRAY referral_crm.governance_roles() LOOP
    role_name := r;
    IF NOT EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
      action := 'created';
    ELSIF EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = r
                     AND (x.rolsuper OR x.rolbypassrls OR x.rolcanlogin OR x.rolcreaterole OR x.rolcreatedb)) THEN
      EXECUTE format('ALTER ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
      action := 'fixed: NOLOGIN NOSUPERUSER NOBYPASSRLS';
    ELSE
      action := 'exists';
    END IF;
    RETURN NEXT;
  END LOOP;

  FOR t IN SELECT g.table_name FROM referral_crm.governed_tables g ORDER BY g.table_name::text LOOP
    PERFORM referral_crm.apply_policies(t);
    PERFORM referral_crm.apply_grants(t);
  END LOOP;

  -- auditor: the trail and the accounting of disclosures, nothing else
  GRANT USAGE ON SCHEMA referral_crm_audit TO referral_crm_auditor, referral_crm_admin;
  GRANT SELECT ON referral_crm_audit.audit_log, referral_crm_audit.audit_trail,
                  referral_crm_audit.audit_chain_heads, referral_crm_audit.audit_chain_floors
     TO referral_crm_auditor, referral_crm_admin;
  GRANT SELECT ON referral_crm.disclosures TO referral_crm_auditor;
  GRANT EXECUTE ON FUNCTION referral_crm.audit_verify(), referral_crm.audit_verify(text), referral_crm.audit_head()
     TO referral_crm_auditor, referral_crm_admin;

  -- admin: keys, retention, holds, partners, review
  GRANT EXECUTE ON FUNCTION referral_crm.pseudonym(text, text), referral_crm.rotate_pseudonym_key(),
                            referral_crm.purge_expired(boolean), referral_crm.purge_audit(interval)
     TO referral_crm_admin;
  GRANT SELECT ON referral_crm.staff_access TO referral_crm_admin, referral_crm_intake;

  -- intake (and admin): open records with read tracing, disclose to partners
  GRANT EXECUTE ON FUNCTION referral_crm.open_referral(bigint), referral_crm.open_patient(bigint),
                            referral_crm.audit_read(regclass, jsonb, jsonb),
                            referral_crm.export_for_partner(text, text, bigint[]),
                            referral_crm.partner_columns(text, text),
                            referral_crm.record_disclosure(text, text, text[], bigint[], bigint[])
     TO referral_crm_intake, referral_crm_admin;

  -- analyst: the suppressed views only
  GRANT SELECT ON referral_crm.analytics_referral_flow TO referral_crm_analyst, referral_crm_admin;
  GRANT EXECUTE ON FUNCTION referral_crm.analytics_referral_flow_rows() TO referral_crm_analyst, referral_crm_admin;

  -- The dashboards (security_invoker views: each reads the base tables
  -- under the caller's own policies).  Schedulers and intake: the pipeline
  -- and their work; liaison: referrers and the contact graph; the admin
  -- role is the manager's.
  GRANT SELECT ON referral_crm.pipeline, referral_crm.work_queue, referral_crm.sla_breaches,
                  referral_crm.pipeline_summary, referral_crm.overdue_tasks, referral_crm.communication_log
     TO referral_crm_intake, referral_crm_admin;
  GRANT SELECT ON referral_crm.referral_edges, referral_crm.referrers, referral_crm.top_referrers,
                  referral_crm.referrer_scorecards
     TO referral_crm_liaison, referral_crm_admin;
  GRANT SELECT ON referral_crm.referral_metrics, referral_crm.cohorts, referral_crm.performance_filters,
                  referral_crm.leakage, referral_crm.roi, referral_crm.manager_overview
     TO referral_crm_admin;

  -- ingest: stage (COPY into the staging views, stage_csv) and ingest
  FOR v IN SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'referral_crm' AND c.relkind = 'v' AND c.relname LIKE 'staging\_%' ORDER BY 1 LOOP
    EXECUTE format('GRANT INSERT ON %s TO referral_crm_ingest, referral_crm_admin', v);
  END LOOP;
  GRANT USAGE ON SEQUENCE referral_crm.staging_load_seq TO referral_crm_ingest, referral_crm_admin;
  GRANT EXECUTE ON FUNCTION referral_crm.ingest(text), referral_crm.ingest_fhir(jsonb), referral_crm.stage_csv(text, text)
     TO referral_crm_ingest, referral_crm_admin;

  -- a first pseudonym key
  IF NOT EXISTS (SELECT 1 FROM referral_crm.pseudonym_keys k WHERE k.retired_at IS NULL) THEN
    INSERT INTO referral_crm.pseudonym_keys (key) VALUES (referral_crm.random_key());
    role_name := 'referral_crm_admin'; action := 'pseudonym key created';
    RETURN NEXT;
  END IF;

  -- pgaudit, when loaded: object audit of the patient tables
  IF current_setting('shared_preload_libraries') ~ '(^|[, ])pgaudit($|[, ])' THEN
    IF NOT EXISTS (SELECT 1 FROM pg_roles x WHERE x.rolname = 'referral_crm_pgaudit') THEN
      CREATE ROLE referral_crm_pgaudit NOLOGIN;
    END IF;
    SELECT string_agg(g.table_name::text, ', ' ORDER BY g.table_name::text) INTO patient_tables
      FROM referral_crm.governed_tables g WHERE g.patient_data;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO referral_crm_pgaudit', patient_tables);
    EXECUTE format('ALTER DATABASE %I SET pgaudit.role = %L', current_database(), 'referral_crm_pgaudit');
    role_name := 'referral_crm_pgaudit'; action := 'pgaudit object audit of the patient tables';
    RETURN NEXT;
  END IF;
  PERFORM referral_crm.audit_event('SETUP_ROLES', 'referral_crm', NULL, NULL);
END
$$;
COMMENT ON FUNCTION referral_crm.setup_roles() IS
  'create (or repair) the group roles and grant each what its job needs; idempotent; run by a DBA';
REVOKE EXECUTE ON FUNCTION referral_crm.setup_roles() FROM PUBLIC;
