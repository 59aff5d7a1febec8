-- Clinician name matching: the clinician_name type, string metrics on code
-- points, name_similarity, the nickname table, match_clinician (index
-- assisted) and resolve_referrers.
\set VERBOSITY default
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

-- Parsing the forms offices write.
SELECT x AS input, x::referral_crm.clinician_name AS parsed,
       referral_crm.name_title(x::referral_crm.clinician_name) AS title,
       referral_crm.given_name(x::referral_crm.clinician_name) AS given,
       referral_crm.nickname(x::referral_crm.clinician_name) AS nick,
       referral_crm.middle_names(x::referral_crm.clinician_name) AS middle,
       referral_crm.family_name(x::referral_crm.clinician_name) AS family,
       referral_crm.name_suffix(x::referral_crm.clinician_name) AS suffix,
       referral_crm.credentials(x::referral_crm.clinician_name) AS credentials
  FROM unnest(ARRAY[
    'Dr. Bob Smith MD', 'SMITH, ROBERT J', 'R. Smyth', 'José Núñez-García, PA-C',
    'Robert "Bob" van der Berg Jr., M.D., FACS', 'William (Bill) O''Neil III',
    'de la Cruz, Maria', 'Mary McDonald-Jones, FNP-BC', 'SMITH ROBERT J', 'Robert Do',
    'Robert Smith DO', '  dr.  jane   q.  public,,  np ', 'Иван Петров', 'Ἀλέξανδρος Παππάς',
    'Smith,', ', Valery', 'Trujillo', 'Jane Doe' || chr(9) || 'RN']) AS x;

-- Lone words, "Given I", two people, titles elsewhere than in front.
SELECT x AS input, x::referral_crm.clinician_name AS parsed,
       referral_crm.name_title(x::referral_crm.clinician_name) AS title,
       referral_crm.given_name(x::referral_crm.clinician_name) AS given,
       referral_crm.middle_names(x::referral_crm.clinician_name) AS middle,
       referral_crm.family_name(x::referral_crm.clinician_name) AS family,
       referral_crm.name_suffix(x::referral_crm.clinician_name) AS suffix
  FROM unnest(ARRAY[
    'Lashay', 'Smith', 'Dr. Jones', 'John P', 'SMITH J', 'Jerome King', 'Susan and Mark Stevens',
    'Ronald T. & Karen P. Lindsay', 'Tio Hardiman & Brunell Donald', 'Dr. Gomes & Dr. Lui',
    'Dr. Don Eberhart Dr. Derrik Johnson', 'FINKELSTEIN, DR R A', 'State Senator Kwame Raoul',
    'Edwin B Frost, V', 'John V Smith', 'Ben Y. Zhao', 'Maria Garcia y Vega']) AS x;

-- The text form is canonical: it parses back to an equal value and the same text.
SET search_path = public, referral_crm;
SELECT x::referral_crm.clinician_name::text::referral_crm.clinician_name = x::referral_crm.clinician_name AS equal,
       x::referral_crm.clinician_name::text = x::referral_crm.clinician_name::text::referral_crm.clinician_name::text AS same_text
  FROM unnest(ARRAY['Dr. Bob Smith MD', 'Robert "Bob" van der Berg Jr., M.D., FACS', 'Smith,', ', Valery',
                    'Trujillo', 'José Núñez-García, PA-C', 'Mary O''Neil, DO, FACC', 'Lashay', 'Dr. Jones',
                    'John P', 'FINKELSTEIN, DR R A', 'State Senator Kwame Raoul', 'Edwin B Frost, V',
                    'Maria Garcia y Vega', 'Attorney Paul L. Williams', 'Professor Jane Smith', 'SMITH, JOHN md',
                    'KING, JO ANN and DAVID', 'david spiegel ttees', 'Ms. MA VICTORIA C DELA CRUZ']) AS x;
-- Names whose canonical text read back as another name (a given name read
-- as a credential or a suffix, a given name alone read as two names or as
-- a credential): their text is the natural order or the quoted given name.
SELECT x, x::referral_crm.clinician_name::text AS text,
       x::referral_crm.clinician_name::text::referral_crm.clinician_name = x::referral_crm.clinician_name AS equal,
       x::referral_crm.clinician_name::text = x::referral_crm.clinician_name::text::referral_crm.clinician_name::text AS same_text
  FROM unnest(ARRAY['Ma la', 'Do la', 'V y', 'Sr Ma', '"Smith", "John"', '"MD"', '"Jr"', '"Smith John"']) AS x;

-- Equality is on the normalised form: case, accents and order do not matter.
SELECT 'SMITH, ROBERT'::referral_crm.clinician_name = 'Robert Smith'::referral_crm.clinician_name AS same_name,
       'José Núñez'::referral_crm.clinician_name = 'JOSE NUNEZ'::referral_crm.clinician_name AS accents,
       'Robert Smith'::referral_crm.clinician_name = 'Robert Smith MD'::referral_crm.clinician_name AS credentials_count,
       'Robert Smith'::referral_crm.clinician_name < 'Robert Taylor'::referral_crm.clinician_name AS ordered_by_family;
SELECT n::text, count(*) FROM (VALUES ('SMITH, ROBERT'::referral_crm.clinician_name), ('Robert Smith'),
                                      ('robert smith'), ('Mary Jones')) v(n)
 GROUP BY n ORDER BY n;
SET enable_sort = off;
SET enable_hashagg = on;
SELECT count(DISTINCT n) FROM (VALUES ('SMITH, ROBERT'::referral_crm.clinician_name), ('Robert Smith'), ('Mary Jones')) v(n);
RESET enable_sort;
RESET search_path;

-- Bad input: a clear error, never a crash.
SELECT ''::referral_crm.clinician_name;
SELECT '   '::referral_crm.clinician_name;
SELECT 'MD'::referral_crm.clinician_name;
SELECT 'M.D., Ph.D.'::referral_crm.clinician_name;
SELECT repeat('a', 1000000)::referral_crm.clinician_name;
SELECT referral_crm.try_clinician_name('MD') IS NULL AS no_name, referral_crm.try_clinician_name('Ann Lee')::text;
SELECT (E'Ann\x01\x02 Lee' || chr(127))::referral_crm.clinician_name AS controls_are_spaces;
SELECT referral_crm.name_similarity('', 'Robert Smith') AS empty_scores_zero;
SELECT referral_crm.levenshtein(repeat('a', 1001), 'a');
SELECT referral_crm.normalize_name(repeat('a', 2000));

-- normalize_name.
SELECT x, referral_crm.normalize_name(x)
  FROM unnest(ARRAY['Dr. José Núñez-García, PA-C', '  O''Brien ', 'STRASSE / Straße', 'Иванов',
                    'Zoë Ødegård', '', '!!!']) x;

-- String metrics on code points: jellyfish's conformance vectors.
SELECT a, b, round(referral_crm.jaro_winkler(a, b)::numeric, 3) AS jw,
       round(referral_crm.jaro_winkler(a, b, true)::numeric, 3) AS jw_long,
       round(referral_crm.jaro_similarity(a, b)::numeric, 3) AS jaro
  FROM (VALUES ('dixon', 'dicksonx'), ('martha', 'marhta'), ('dwayne', 'duane'), ('William', 'Williams'),
               ('', 'foo'), ('orangutan-kumquat', 'orangutan kumquat'), ('012abc', '013abcd'),
               ('1abcdefg', '1abcdefh'), ('José', 'Jose'), ('é', 'e')) v(a, b);
SELECT a, b, referral_crm.levenshtein(a, b) AS lev, referral_crm.damerau_levenshtein(a, b) AS dl
  FROM (VALUES ('', ''), ('kitten', 'sitting'), ('Saturday', 'Sunday'), ('jellyifhs', 'jellyfish'),
               ('ifhs', 'fish'), ('abcd', 'acb'), ('Núñez', 'Nunez'), ('日本', '日')) v(a, b);
SELECT x, referral_crm.soundex(x), referral_crm.nysiis(x), referral_crm.metaphone(x),
       referral_crm.match_rating_codex(x), referral_crm.double_metaphone(x)
  FROM unnest(ARRAY['Washington', 'Ashcroft', 'Tymczak', 'Pfister', 'Çáŕẗéř', '', 'Núñez', 'Smith',
                    'Schmidt', 'Michael', 'Knight', 'MacArthur', 'Catherine', 'Katherine']) x;
-- Upper case is the full mapping, as jellyfish's str.upper() / to_uppercase():
-- "ß" is "SS", "ﬁ" is "FI" (the simple mapping kept ß and ﬁ as they are).
SELECT x, referral_crm.soundex(x), referral_crm.nysiis(x), referral_crm.match_rating_codex(x)
  FROM unnest(ARRAY['Weiß', 'Großmann', 'ßa', 'ﬁsh', 'ŉa']) x;
SELECT referral_crm.match_rating_comparison('Straße', 'Strasse') AS same_codex;

SELECT a, b, referral_crm.match_rating_comparison(a, b)
  FROM (VALUES ('Smith', 'Smyth'), ('Michael', 'Mike'), ('Tim', 'Timothy'), ('Marie Helene', 'Maria Rio')) v(a, b);

-- name_similarity: nicknames, initials, short names, swapped order, rarity.
SELECT a, b, round(referral_crm.name_similarity(a, b)::numeric, 3) AS score
  FROM (VALUES ('Bob Smith', 'Robert Smith'), ('Li', 'Lee'), ('Li Wei', 'Lee Wei'),
               ('R. Smyth', 'Robert Smith'), ('Dr. Bob Smith MD', 'SMITH, ROBERT J'),
               ('Smith Robert', 'Robert Smith'), ('John Smith', 'Robert Smith'),
               ('Robert Smith', 'Robert Jones'), ('José Núñez-García', 'Jose Garcia'),
               ('Peggy Quillfeather', 'Margaret Quillfeather'), ('Liz Taylor', 'Elizabeth Taylor')) v(a, b);
SELECT round(referral_crm.name_similarity('Bob Smith'::referral_crm.clinician_name,
                                           'SMITH, ROBERT'::referral_crm.clinician_name)::numeric, 3) AS typed;
-- A rare family name weighs more than a common one.
SELECT round(referral_crm.name_similarity('John Quillfeather', 'Mark Quillfeather')::numeric, 3) AS rare,
       round(referral_crm.name_similarity('John Smith', 'Mark Smith')::numeric, 3) AS common;
SELECT jsonb_pretty(referral_crm.name_match_explain('Bob Smith', 'SMITH, ROBERT J'));

-- The nickname table: both directions, editable, and the cache follows edits.
SELECT array_agg(v ORDER BY v) FROM referral_crm.name_variants_of('Peggy') v;
SELECT array_agg(v ORDER BY v) FROM referral_crm.name_variants_of('margaret') v;
SELECT round(referral_crm.name_similarity('Zed Quillfeather', 'Zebulon Quillfeather')::numeric, 3) AS before;
INSERT INTO referral_crm.name_variants (name, variant) VALUES ('ZEBULON', 'Zed');
SELECT name, variant, relationship, builtin FROM referral_crm.name_variants WHERE name = 'zebulon';
SELECT round(referral_crm.name_similarity('Zed Quillfeather', 'Zebulon Quillfeather')::numeric, 3) AS after;
DELETE FROM referral_crm.name_variants WHERE name = 'zebulon';
SELECT round(referral_crm.name_similarity('Zed Quillfeather', 'Zebulon Quillfeather')::numeric, 3) AS deleted;
INSERT INTO referral_crm.name_variants (name, variant) VALUES ('same', 'Same');

-- The directory: clinicians of our own, with one name shared by two.
CREATE TEMP TABLE nm_dir (given text, middle text, family text, specialty text, zip text, n int);
INSERT INTO nm_dir VALUES
  ('ROBERT', 'J', 'QUILLFEATHER', 'cardiology', '04101', 1),
  ('MARGARET', NULL, 'QUILLFEATHER', 'dermatology', '04401', 2),
  ('JOSÉ', NULL, 'NÚÑEZ-GARCÍA', 'family-medicine', '04240', 3),
  ('ELIZABETH', 'A', 'VANDERZWAAG', 'endocrinology', '04330', 4),
  ('WEI', NULL, 'LI', 'gastroenterology', '04101', 5),
  ('JOHN', NULL, 'XANTHOPOULOS', 'cardiology', '04101', 6),
  ('JOHN', NULL, 'XANTHOPOULOS', 'dermatology', '04901', 7);
WITH org AS (
  INSERT INTO referral_crm.organizations (name, source_system, source_id)
  VALUES ('Names Test Practice', 'names-test', 'O1') RETURNING organization_id),
loc AS (
  INSERT INTO referral_crm.locations (organization_id, name, zip, source_system, source_id)
  SELECT org.organization_id, 'Site ' || d.n, d.zip, 'names-test', 'L' || d.n FROM org, nm_dir d
  RETURNING location_id, source_id),
cl AS (
  INSERT INTO referral_crm.clinicians (npi, given_name, middle_name, family_name, credentials, specialty,
                                       source_system, source_id)
  SELECT '1999999' || lpad(d.n::text, 2, '0') || referral_crm.npi_check_digit('1999999' || lpad(d.n::text, 2, '0')),
         d.given, d.middle, d.family, '{MD}', d.specialty, 'names-test', 'C' || d.n
    FROM nm_dir d
  RETURNING clinician_id, source_id)
INSERT INTO referral_crm.clinician_locations (clinician_id, location_id, is_primary)
SELECT cl.clinician_id, loc.location_id, true
  FROM cl JOIN loc ON substr(loc.source_id, 2) = substr(cl.source_id, 2);
ANALYZE referral_crm.clinicians;

SELECT q, m.npi, m.display_name, round(m.score::numeric, 3) AS score, m.band
  FROM unnest(ARRAY['Dr. Bob Quillfeather MD', 'QUILLFEATHER, ROBERT J', 'R. Quilfeather', 'Peggy Quillfeather',
                    'Jose Nunez Garcia', 'Liz Vanderzwaag', 'Li Wei', 'Quillfeather Robert',
                    'Zzyzx Unknownperson']) q
  CROSS JOIN LATERAL referral_crm.match_clinician(q, 2) m
 ORDER BY q, m.score DESC, m.npi;
-- Two clinicians share a name: review without evidence, auto with it.
SELECT m.npi, m.display_name, round(m.score::numeric, 3) AS score, m.band
  FROM referral_crm.match_clinician('John Xanthopoulos') m ORDER BY m.score DESC, m.npi;
SELECT m.npi, round(m.score::numeric, 3) AS score, m.band
  FROM referral_crm.match_clinician('John Xanthopoulos', 2, 'cardiology', '04101') m ORDER BY m.score DESC, m.npi;
SELECT m.npi, round(m.score::numeric, 3) AS score, m.band
  FROM referral_crm.match_clinician('John Xanthopoulos', 1, 'dermatology') m;
-- k must be positive (it used to give no rows).
SELECT * FROM referral_crm.match_clinician('John Xanthopoulos', 0);
SELECT * FROM referral_crm.match_clinician('John Xanthopoulos', NULL);
-- The candidates come from the index: this transaction's scan counters
-- show a scan of the name-key index and no sequential scan of the
-- directory.  (match_clinician runs a cached plan, so EXPLAIN shows only
-- its function scan; test/t/100_names.pl prints the nested plan with
-- auto_explain on a directory of thousands.)
BEGIN;
SELECT count(*) AS candidates FROM referral_crm.match_clinician('Bob Quillfeather');
SELECT pg_stat_get_xact_numscans('referral_crm.clinicians_name_keys_idx'::regclass) > 0 AS index_scanned,
       pg_stat_get_xact_numscans('referral_crm.clinicians'::regclass) AS directory_seq_scans;
COMMIT;

-- The directory is marked for CLUSTER in name order (README "Directory
-- order"), so a plain CLUSTER needs no index name; it moves rows, not
-- answers (rolled back: later tests see the heap as it was).
SELECT indexrelid::regclass AS cluster_index FROM pg_index
 WHERE indrelid = 'referral_crm.clinicians'::regclass AND indisclustered;
CREATE TEMP TABLE before_cluster AS
SELECT q, m.clinician_id, m.score, m.band
  FROM unnest(ARRAY['Dr. Bob Quillfeather MD', 'R. Quilfeather', 'John Xanthopoulos', 'Li Wei']) q
  CROSS JOIN LATERAL referral_crm.match_clinician(q, 3, 'cardiology', '04101') m;
BEGIN;
CLUSTER referral_crm.clinicians;
SELECT count(*) AS answers,
       count(*) FILTER (WHERE NOT EXISTS (
         SELECT 1 FROM referral_crm.match_clinician(b.q, 3, 'cardiology', '04101') m
          WHERE m.clinician_id = b.clinician_id AND m.score = b.score AND m.band = b.band)) AS changed
  FROM before_cluster b;
ROLLBACK;
DROP TABLE before_cluster;

-- Settings.
SHOW referral_crm.name_auto_threshold;
SHOW referral_crm.name_review_threshold;
SHOW referral_crm.name_auto_margin;
SET referral_crm.name_auto_threshold = 1.5;
SET referral_crm.name_auto_threshold = 0.999;
SELECT m.band FROM referral_crm.match_clinician('R. Quillfeather', 1) m;
RESET referral_crm.name_auto_threshold;
SELECT referral_crm.name_setting('nonsense');

-- resolve_referrers: links the auto band, opens review tasks, records every decision.
BEGIN;
WITH p AS (
  INSERT INTO referral_crm.patients (given_name, family_name, source_system, source_id)
  VALUES ('Pat', 'Tester', 'names-test', 'P1') RETURNING patient_id)
INSERT INTO referral_crm.referrals (patient_id, authored_at, referring_name, source_system, source_id)
SELECT p.patient_id, '2026-03-01 09:00+00', v.nm, 'names-test', v.sid
  FROM p, (VALUES ('Dr. Bob Quillfeather MD', 'R1'), ('John Xanthopoulos', 'R2'),
                  ('Zzyzx Unknownperson', 'R3'), ('Liz Vanderzwaag, MD', 'R4')) v(nm, sid);
INSERT INTO referral_crm.claims (claim_number, patient_id, referring_name, service_from, total_charge,
                                 source_system, source_id)
SELECT 'CLM-N1', p.patient_id, 'QUILLFEATHER, MARGARET', '2026-03-05', 100, 'names-test', 'CL1'
  FROM referral_crm.patients p WHERE p.source_system = 'names-test';
-- (other tests' pending rows are resolved too, inside this rolled-back transaction)
SELECT subject FROM referral_crm.resolve_referrers();
SELECT x.source_id, x.referring_name, c.npi AS linked_npi
  FROM referral_crm.referrals x LEFT JOIN referral_crm.clinicians c ON c.clinician_id = x.referring_clinician_id
 WHERE x.source_system = 'names-test' ORDER BY x.source_id;
SELECT d.subject_table, d.referring_name, d.band, round(d.score::numeric, 3) AS score,
       round(d.runner_up_score::numeric, 3) AS runner_up, c.npi, d.task_id IS NOT NULL AS has_task,
       jsonb_array_length(d.candidates) AS candidates
  FROM referral_crm.name_resolutions d LEFT JOIN referral_crm.clinicians c ON c.clinician_id = d.clinician_id
 WHERE d.referring_name IN ('Dr. Bob Quillfeather MD', 'John Xanthopoulos', 'Zzyzx Unknownperson',
                            'Liz Vanderzwaag, MD', 'QUILLFEATHER, MARGARET')
 ORDER BY d.subject_table, d.referring_name;
SELECT t.task_type, t.status, t.task_key LIKE 'review-match:referrals:%' AS keyed,
       regexp_replace(t.description, 'referral [0-9]+', 'referral N') AS description
  FROM referral_crm.tasks t JOIN referral_crm.name_resolutions d ON d.task_id = t.task_id
 WHERE d.referring_name = 'John Xanthopoulos';
-- A second run decides nothing new.
SELECT * FROM referral_crm.resolve_referrers();
ROLLBACK;

-- Volatility and parallel safety as declared.
SELECT p.proname, p.provolatile, p.proparallel, count(*)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'referral_crm'
   AND p.proname IN ('normalize_name', 'jaro_winkler', 'jaro_similarity', 'levenshtein', 'damerau_levenshtein',
                     'soundex', 'nysiis', 'double_metaphone', 'metaphone', 'match_rating_codex', 'name_similarity', 'name_match_explain',
                     'match_clinician', 'name_keys', 'name_query_keys', 'given_name', 'family_name',
                     'middle_names', 'credentials', 'name_suffix', 'clinician_name')
 GROUP BY 1, 2, 3 ORDER BY 1;

-- The roles that read the name tables can match names: setup_roles()
-- grants them the name_rarity view that the cache reads (no role could read
-- it: name_similarity failed for every role but a superuser).  A no-op
-- write drops the cache so that each role loads it.
SELECT count(*) > 0 AS roles_set_up FROM referral_crm.setup_roles();
UPDATE referral_crm.name_frequencies SET census_count = census_count WHERE false;
SET ROLE referral_crm_admin;
SELECT round(referral_crm.name_similarity('John Quillfeather', 'Mark Quillfeather')::numeric, 3) AS admin_rare,
       round(referral_crm.name_similarity('John Smith', 'Mark Smith')::numeric, 3) AS admin_common;
RESET ROLE;
UPDATE referral_crm.name_frequencies SET census_count = census_count WHERE false;
SET ROLE referral_crm_intake;
SELECT round(referral_crm.name_similarity('Bob Smith', 'Robert Smith')::numeric, 3) AS intake;
RESET ROLE;
UPDATE referral_crm.name_frequencies SET census_count = census_count WHERE false;
SET ROLE referral_crm_liaison;
SELECT round(referral_crm.name_similarity('Bob Smith', 'Robert Smith')::numeric, 3) AS liaison;
RESET ROLE;

-- Clean up our directory rows.
DELETE FROM referral_crm.clinician_locations WHERE clinician_id IN
  (SELECT clinician_id FROM referral_crm.clinicians WHERE source_system = 'names-test');
DELETE FROM referral_crm.clinicians WHERE source_system = 'names-test';
DELETE FROM referral_crm.locations WHERE source_system = 'names-test';
DELETE FROM referral_crm.organizations WHERE source_system = 'names-test';
