\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
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
-- The same for match_clinician's candidate set: once `top` candidates of
-- the query have exact scores, a candidate whose score cannot exceed the
-- lowest of them less `slack` gets a value at most that, found from
-- bounds (see names_score_fields).
CREATE FUNCTION referral_crm.name_score(query referral_crm.clinician_name, given text, middle text,
                                        family text, suffix text, top integer, slack double precision)
  RETURNS double precision
  AS 'MODULE_PATHNAME', 'names_score_fields' LANGUAGE C VOLATILE PARALLEL SAFE;
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
-- band: auto when the best candidate reaches name_auto_threshold, leads
-- the runner-up by name_auto_margin (less 1e-9 for rounding) and the query
-- has both a given and a family name; review at name_review_threshold; else
-- reject.  PL/pgSQL with a generic plan, so that each backend plans the
-- query once and every call executes the cached plan (planning the inlined
-- SQL took about as long as executing it); the nested plan shows the index
-- scan (auto_explain.log_nested_statements, test/t/100_names.pl).  The ZIP
-- (at most 0.03 beside 0.94 * name + specialty, which the row carries) is
-- looked up only for candidates that can still reach the top greatest(k, 2):
-- the others score 0.03 below the m-th best name-and-specialty score.
-- Candidates carry only their id and scores; the display columns are read
-- for the k rows returned, through the primary key.  enable_seqscan is off
-- for the function: its plan is made once per backend, possibly while the
-- directory is still tiny, and none of its reads is meant to scan a table.
CREATE FUNCTION referral_crm.match_clinician(query text, k integer DEFAULT 5,
    specialty text DEFAULT NULL, zip text DEFAULT NULL)
  RETURNS TABLE (clinician_id bigint, npi text, display_name text, score double precision, band text)
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET effective_io_concurrency = 0 AS
$$
DECLARE
  -- Evidence weights as float8 parameters of the cached plan (numeric
  -- constants under a CASE on the arguments were cast for every candidate).
  evidence boolean := $3 IS NOT NULL OR $4 IS NOT NULL;
  slack double precision := CASE WHEN $3 IS NULL AND $4 IS NULL THEN 0 ELSE 0.065 END;
  zip_reach double precision := CASE WHEN $4 IS NULL THEN 0 ELSE 0.0301 END;
BEGIN
  IF $2 IS NULL OR $2 <= 0 THEN
    RAISE EXCEPTION 'k must be positive, not %', coalesce($2::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH cand AS (
    SELECT c.clinician_id, c.base,
           CASE WHEN NOT evidence THEN c.base
                ELSE 0.94::float8 * c.base
                     + CASE WHEN $3 IS NULL OR c.specialty IS NULL THEN 0.015::float8
                            WHEN c.specialty = $3 THEN 0.03::float8 ELSE 0::float8 END
           END AS pre
      FROM (SELECT c.clinician_id, c.specialty,
                   referral_crm.name_score((SELECT referral_crm.try_clinician_name($1)),
                                           c.given_name, c.middle_name, c.family_name, c.name_suffix,
                                           greatest($2, 2), slack) AS base
              FROM referral_crm.clinicians c
             WHERE referral_crm.name_keys(c.given_name, c.family_name)
                   OPERATOR(pg_catalog.&&) referral_crm.name_query_keys($1)) c)
  SELECT t.clinician_id, d.npi, d.display_name, t.score, t.band
    FROM (
      SELECT r.clinician_id, r.score,
             CASE WHEN r.rn = 1 AND r.score >= referral_crm.name_setting('auto_threshold')
                       AND r.score - coalesce(r.next_score, 0) >= referral_crm.name_setting('auto_margin') - 1e-9
                       AND (SELECT referral_crm.given_name(n) IS NOT NULL AND referral_crm.family_name(n) IS NOT NULL
                              FROM referral_crm.try_clinician_name($1) n)
                  THEN 'auto'
                  WHEN r.score >= referral_crm.name_setting('review_threshold') THEN 'review'
                  ELSE 'reject' END AS band
        FROM (
          SELECT s.*, row_number() OVER w AS rn, lead(s.score) OVER w AS next_score
            FROM (
              SELECT c.clinician_id,
                     CASE WHEN NOT evidence THEN c.pre
                          ELSE c.pre
                               + CASE WHEN $4 IS NULL THEN 0.015::float8
                                      ELSE coalesce((SELECT max(CASE WHEN left(l.zip, 5) = left($4, 5) THEN 0.03::float8
                                                                     WHEN left(l.zip, 3) = left($4, 3) THEN 0.02::float8
                                                                     ELSE 0::float8 END)
                                                       FROM referral_crm.clinician_locations cl
                                                       JOIN referral_crm.locations l ON l.location_id = cl.location_id
                                                      WHERE cl.clinician_id = c.clinician_id), 0.015::float8) END
                     END AS score
                FROM cand c
               WHERE c.pre >= coalesce((SELECT x.pre FROM cand x ORDER BY x.pre DESC
                                         LIMIT 1 OFFSET greatest($2, 2) - 1), 0) - zip_reach
              OFFSET 0
            ) s
          WINDOW w AS (ORDER BY s.score DESC, s.clinician_id)
        ) r
       ORDER BY r.score DESC, r.clinician_id
       LIMIT greatest($2, 1)
    ) t
   CROSS JOIN LATERAL (
      SELECT c.npi,
             concat_ws(' ', c.given_name, c.middle_name, c.family_name, c.name_suffix)
               || CASE WHEN cardinality(c.credentials) > 0
                       THEN ', ' || array_to_string(c.credentials, ', ') ELSE '' END AS display_name
        FROM referral_crm.clinicians c
       WHERE c.clinician_id = t.clinician_id) d
   ORDER BY t.score DESC, t.clinician_id;
END
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
