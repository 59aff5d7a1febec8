/*-------------------------------------------------------------------------
 *
 * notes_fmgr.c
 *	  SQL-callable glue for referral-note text analytics: the termvec type
 *	  (in/out/send/recv, cosine, <=>, top_terms, its GIN operator class),
 *	  the analysers (note_terms, note_vector, note_analysis), TF-IDF and
 *	  BM25 over explicit document sets (tfidf_weights, bm25_scores), and
 *	  the weighting helpers that the SQL functions over the live corpus use.
 *
 *	  The analyser state (ICU break iterator, stem cache) lives for the
 *	  backend.  Stems come from PostgreSQL's Snowball English stemmer
 *	  (pg_catalog.english_stem) through the text-search dictionary API.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/gin.h"
#include "access/stratnum.h"
#include "catalog/namespace.h"
#include "catalog/pg_type_d.h"
#include "commands/defrem.h"
#include "executor/spi.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "tsearch/ts_cache.h"
#include "tsearch/ts_public.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/tuplestore.h"
#include "utils/varlena.h"

#include "notes/notes_text.h"
#include "notes/notes_vec.h"

PG_FUNCTION_INFO_V1(termvec_in);
PG_FUNCTION_INFO_V1(termvec_out);
PG_FUNCTION_INFO_V1(termvec_recv);
PG_FUNCTION_INFO_V1(termvec_send);
PG_FUNCTION_INFO_V1(termvec_cosine);
PG_FUNCTION_INFO_V1(termvec_distance);
PG_FUNCTION_INFO_V1(termvec_top_terms);
PG_FUNCTION_INFO_V1(termvec_terms);
PG_FUNCTION_INFO_V1(termvec_from_arrays);
PG_FUNCTION_INFO_V1(termvec_add);
PG_FUNCTION_INFO_V1(termvec_overlaps);
PG_FUNCTION_INFO_V1(termvec_size);
PG_FUNCTION_INFO_V1(termvec_gin_extract_value);
PG_FUNCTION_INFO_V1(termvec_gin_extract_query);
PG_FUNCTION_INFO_V1(termvec_gin_consistent);
PG_FUNCTION_INFO_V1(termvec_gin_triconsistent);
PG_FUNCTION_INFO_V1(termvec_gin_compare_partial);
PG_FUNCTION_INFO_V1(termvec_cells_any);
PG_FUNCTION_INFO_V1(termvec_search);
PG_FUNCTION_INFO_V1(termvec_postings);
PG_FUNCTION_INFO_V1(note_terms);
PG_FUNCTION_INFO_V1(note_vector);
PG_FUNCTION_INFO_V1(note_analysis);
PG_FUNCTION_INFO_V1(note_surfaces);
PG_FUNCTION_INFO_V1(termvec_idf);
PG_FUNCTION_INFO_V1(termvec_weight);
PG_FUNCTION_INFO_V1(termvec_bm25);
PG_FUNCTION_INFO_V1(tfidf_weights);
PG_FUNCTION_INFO_V1(bm25_scores);

void		RcrmNotesInit(void);

/* Settings. */
static bool notes_smooth_idf = true;
static bool notes_sublinear_tf = false;
static int	notes_norm = NOTES_NORM_L2;
static double notes_bm25_k1 = 1.2;
static double notes_bm25_b = 0.75;

static const struct config_enum_entry notes_norm_options[] = {
	{"l2", NOTES_NORM_L2, false},
	{"l1", NOTES_NORM_L1, false},
	{"none", NOTES_NORM_NONE, false},
	{NULL, 0, false}
};

/* Per-backend analyser state. */
static NotesAnalyzer *notes_analyzer = NULL;
static Oid	notes_stem_dict = InvalidOid;

/* Define the notes settings. */
void
RcrmNotesInit(void)
{
	DefineCustomBoolVariable("referral_crm.tfidf_smooth_idf",
							 "TF-IDF: add one to document frequencies (scikit-learn smooth_idf).",
							 NULL, &notes_smooth_idf, true, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("referral_crm.tfidf_sublinear_tf",
							 "TF-IDF: use 1 + ln(tf) instead of tf (scikit-learn sublinear_tf).",
							 NULL, &notes_sublinear_tf, false, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("referral_crm.tfidf_norm",
							 "TF-IDF: normalise each vector to unit l2 or l1 length, or not at all (none).",
							 NULL, &notes_norm, NOTES_NORM_L2, notes_norm_options, PGC_USERSET, 0,
							 NULL, NULL, NULL);
	DefineCustomRealVariable("referral_crm.bm25_k1",
							 "BM25 k1 (term-frequency saturation) used by search_notes.",
							 NULL, &notes_bm25_k1, 1.2, 0.0, 1000.0, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("referral_crm.bm25_b",
							 "BM25 b (length normalisation) used by search_notes.",
							 NULL, &notes_bm25_b, 0.75, 0.0, 1.0, PGC_USERSET, 0, NULL, NULL, NULL);
}

/* Allocators for the plain-C code. */
static void *
NotesPalloc(void *arg, size_t size)
{
	return MemoryContextAllocExtended(arg ? (MemoryContext) arg : CurrentMemoryContext, size,
									  MCXT_ALLOC_HUGE);
}

static void *
NotesRepalloc(void *arg, void *ptr, size_t size)
{
	return repalloc_huge(ptr, size);
}

static void
NotesPfree(void *arg, void *ptr)
{
	pfree(ptr);
}

static NotesMem notes_mem_local = {NotesPalloc, NotesRepalloc, NotesPfree, NULL};

/* Snowball English stem of word through the text-search dictionary API. */
static int
NotesSnowballStem(void *arg, const char *word, int len, char *out, int outcap)
{
	TSDictionaryCacheEntry *dict;
	TSLexeme   *res;
	DictSubState dstate = {false, false, NULL};
	int			n;

	if (!OidIsValid(notes_stem_dict))
		notes_stem_dict = get_ts_dict_oid(stringToQualifiedNameList("pg_catalog.english_stem"), false);
	dict = lookup_ts_dictionary_cache(notes_stem_dict);
	res = (TSLexeme *) DatumGetPointer(FunctionCall4(&dict->lexize,
													 PointerGetDatum(dict->dictData),
													 PointerGetDatum(word),
													 Int32GetDatum(len),
													 PointerGetDatum(&dstate)));
	if (res == NULL || res[0].lexeme == NULL)
		return -1;
	n = strlen(res[0].lexeme);
	if (n > outcap || n == 0)
		return -1;
	memcpy(out, res[0].lexeme, n);
	return n;
}

/* The backend's analyser, created on first use. */
static NotesAnalyzer *
GetAnalyzer(void)
{
	if (notes_analyzer == NULL)
	{
		NotesMem	top = {NotesPalloc, NotesRepalloc, NotesPfree, TopMemoryContext};

		notes_analyzer = NotesAnalyzerCreate(&top, NotesSnowballStem, NULL);
		if (notes_analyzer == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not open the ICU word-break iterator")));
	}
	return notes_analyzer;
}

/* Analyser kind by name, or an error naming the known ones. */
static NotesAnalyzerKind
AnalyzerKindOrError(text *name)
{
	char	   *s = text_to_cstring(name);
	int			k = NotesAnalyzerByName(s);

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown analyzer \"%s\"", s),
				 errdetail("The analyzers are \"clinical\" and \"sklearn\".")));
	return (NotesAnalyzerKind) k;
}

/*
 * Terms are UTF-8 inside termvecs and the analysers.  In a database of
 * another encoding, text crosses that boundary converted: ServerToUtf8 on
 * the way in, TermText (and termvec_out) on the way out.
 */

/* Server-encoded bytes as UTF-8 (a converted copy, or s itself); *len follows. */
static const char *
ServerToUtf8(const char *s, size_t *len)
{
	if (GetDatabaseEncoding() != PG_UTF8 && *len > 0)
	{
		char	   *conv = (char *) pg_do_encoding_conversion((unsigned char *) s, (int) *len,
															  GetDatabaseEncoding(), PG_UTF8);

		if (conv != s)
		{
			*len = strlen(conv);
			return conv;
		}
	}
	return s;
}

/* A UTF-8 term as text in the server encoding. */
static text *
TermText(const char *t, size_t len)
{
	if (GetDatabaseEncoding() != PG_UTF8 && len > 0)
	{
		char	   *conv = pg_any_to_server(t, (int) len, PG_UTF8);

		if (conv != t)
			return cstring_to_text(conv);
	}
	return cstring_to_text_with_len(t, (int) len);
}

/* Analyse a text datum (converted to UTF-8 if the database is not). */
static void
AnalyzeText(text *t, NotesAnalyzerKind kind, NotesTokens *tok)
{
	size_t		len = VARSIZE_ANY_EXHDR(t);
	const char *s = ServerToUtf8(VARDATA_ANY(t), &len);

	memset(tok, 0, sizeof(*tok));
	if (NotesAnalyze(GetAnalyzer(), kind, s, len, tok, &notes_mem_local) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("could not analyse a note of %zu bytes", len),
				 errdetail("The note is too large, or ICU failed to process it.")));
}

/*
 * Build a termvec from sorted distinct entries.  Every weight must be
 * finite (a computed weight that overflowed is an error, not a value).
 */
static NotesVec *
BuildVec(const NotesEntry *e, int64_t n)
{
	size_t		size = NotesVecSize(e, n);
	NotesVec   *v;
	int64_t		i;

	for (i = 0; i < n; i++)
		if (!isfinite(e[i].w))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("termvec weight out of range"),
					 errdetail("The weight computed for term \"%.*s\" is not finite.",
							   (int) Min(e[i].len, 64), e[i].term)));
	if (size == 0 || size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("termvec would be too large (%lld terms)", (long long) n)));
	v = palloc0(size);
	NotesVecWrite(v, e, n);
	SET_VARSIZE(v, size);
	return v;
}

#define PG_GETARG_NOTESVEC(n) ((NotesVec *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/* Text to termvec. */
Datum
termvec_in(PG_FUNCTION_ARGS)
{
	char	   *in = PG_GETARG_CSTRING(0);
	size_t		len = strlen(in);
	const char *s = ServerToUtf8(in, &len);
	NotesEntry *e;
	char	   *buf;
	const char *err = NULL;
	size_t		errpos = 0;
	int64_t		n,
				dup;

	n = NotesVecParse(s, len, &e, &buf, &notes_mem_local, &err, &errpos);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type termvec: %s", err),
				 errdetail("The error is at byte %zu of the input.", errpos + 1),
				 errhint("Write terms as 'term':weight separated by spaces, e.g. 'chest pain':0.5 'dyspnea':1.")));
	dup = NotesEntriesSort(e, n);
	if (dup >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type termvec: duplicate term \"%.*s\"",
						(int) e[dup].len, e[dup].term)));
	PG_RETURN_POINTER(BuildVec(e, n));
}

/* Append term quoted for the text form. */
static void
AppendQuoted(StringInfo out, const char *t, uint32_t len)
{
	uint32_t	i;

	appendStringInfoChar(out, '\'');
	for (i = 0; i < len; i++)
	{
		if (t[i] == '\'')
			appendStringInfoChar(out, '\'');
		else if (t[i] == '\\')
			appendStringInfoChar(out, '\\');
		appendStringInfoChar(out, t[i]);
	}
	appendStringInfoChar(out, '\'');
}

/* termvec to text: 'term':weight ... in term order. */
Datum
termvec_out(PG_FUNCTION_ARGS)
{
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	StringInfoData out;
	int32_t		i;

	initStringInfo(&out);
	for (i = 0; i < v->n; i++)
	{
		char	   *num = float8out_internal(NOTESVEC_WEIGHTS(v)[i]);

		if (i > 0)
			appendStringInfoChar(&out, ' ');
		AppendQuoted(&out, NOTESVEC_TERM(v, i), NOTESVEC_TERMLEN(v, i));
		appendStringInfoChar(&out, ':');
		appendStringInfoString(&out, num);
		pfree(num);
	}
	if (GetDatabaseEncoding() != PG_UTF8)
		PG_RETURN_CSTRING(pg_any_to_server(out.data, out.len, PG_UTF8));
	PG_RETURN_CSTRING(out.data);
}

/* Binary input: int32 n, then n times (int32 length, bytes, float8). */
Datum
termvec_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		n = pq_getmsgint(buf, 4);
	NotesEntry *e;
	int32		i;
	int64_t		dup;

	if (n < 0 || n > NOTES_VEC_MAX_TERMS || (int64) n * 12 > buf->len - buf->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid term count %d in binary termvec", n)));
	e = palloc(sizeof(NotesEntry) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		int32		len = pq_getmsgint(buf, 4);

		if (len <= 0 || len > NOTES_VEC_MAX_TERM)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid term length %d in binary termvec", len)));
		e[i].term = pq_getmsgbytes(buf, len);
		e[i].len = len;
		if (!NotesUtf8Valid(e[i].term, len))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("binary termvec term is not valid UTF-8")));
		e[i].w = pq_getmsgfloat8(buf);
		if (!isfinite(e[i].w))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("binary termvec weight is not finite")));
	}
	dup = NotesEntriesSort(e, n);
	if (dup >= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("duplicate term in binary termvec")));
	PG_RETURN_POINTER(BuildVec(e, n));
}

/* Binary output. */
Datum
termvec_send(PG_FUNCTION_ARGS)
{
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	StringInfoData buf;
	int32_t		i;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, v->n);
	for (i = 0; i < v->n; i++)
	{
		pq_sendint32(&buf, NOTESVEC_TERMLEN(v, i));
		pq_sendbytes(&buf, NOTESVEC_TERM(v, i), NOTESVEC_TERMLEN(v, i));
		pq_sendfloat8(&buf, NOTESVEC_WEIGHTS(v)[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Cosine similarity of two termvecs. */
Datum
termvec_cosine(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(NotesVecCosine(PG_GETARG_NOTESVEC(0), PG_GETARG_NOTESVEC(1)));
}

/* Cosine distance (1 - cosine), the <=> operator. */
Datum
termvec_distance(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(1.0 - NotesVecCosine(PG_GETARG_NOTESVEC(0), PG_GETARG_NOTESVEC(1)));
}

/* Number of terms. */
Datum
termvec_size(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_NOTESVEC(0)->n);
}

/* Check k > 0. */
static void
CheckK(int32 k)
{
	if (k <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be positive, not %d", k)));
}

/* Index order by weight descending, then term. */
static NotesVec *sort_vec;

static int
WeightDescCmp(const void *x, const void *y)
{
	int32_t		a = *(const int32_t *) x,
				b = *(const int32_t *) y;
	double		wa = NOTESVEC_WEIGHTS(sort_vec)[a],
				wb = NOTESVEC_WEIGHTS(sort_vec)[b];

	if (wa != wb)
		return wa > wb ? -1 : 1;
	return a < b ? -1 : (a > b ? 1 : 0);
}

/* The k terms of largest weight (ties by term), as (term, weight) rows. */
Datum
termvec_top_terms(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	int32		k = PG_GETARG_INT32(1);
	int32_t    *idx;
	int32_t		i;

	CheckK(k);
	InitMaterializedSRF(fcinfo, 0);
	if (v->n == 0)
		return (Datum) 0;
	idx = palloc(sizeof(int32_t) * v->n);
	for (i = 0; i < v->n; i++)
		idx[i] = i;
	sort_vec = v;
	qsort(idx, v->n, sizeof(int32_t), WeightDescCmp);
	for (i = 0; i < v->n && i < k; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = PointerGetDatum(TermText(NOTESVEC_TERM(v, idx[i]), NOTESVEC_TERMLEN(v, idx[i])));
		values[1] = Float8GetDatum(NOTESVEC_WEIGHTS(v)[idx[i]]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* The terms of a termvec, in term order. */
Datum
termvec_terms(PG_FUNCTION_ARGS)
{
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	Datum	   *d = palloc(sizeof(Datum) * Max(v->n, 1));
	int32_t		i;

	for (i = 0; i < v->n; i++)
		d[i] = PointerGetDatum(TermText(NOTESVEC_TERM(v, i), NOTESVEC_TERMLEN(v, i)));
	PG_RETURN_ARRAYTYPE_P(construct_array(d, v->n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Deconstruct a text[] with no NULLs into entries (weights 1). */
static int
TextArrayEntries(ArrayType *a, NotesEntry **out, const char *what)
{
	Datum	   *d;
	bool	   *nulls;
	int			n,
				i;
	NotesEntry *e;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &d, &nulls, &n);
	e = palloc(sizeof(NotesEntry) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		text	   *t;
		size_t		len;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL", what)));
		t = DatumGetTextPP(d[i]);
		len = VARSIZE_ANY_EXHDR(t);
		e[i].term = ServerToUtf8(VARDATA_ANY(t), &len);
		e[i].len = (uint32_t) Min(len, (size_t) PG_UINT32_MAX);
		e[i].w = 1.0;
		if (e[i].len == 0 || e[i].len > NOTES_VEC_MAX_TERM)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s holds a term of %u bytes", what, e[i].len),
					 errdetail("Terms are 1 to %d bytes long.", NOTES_VEC_MAX_TERM)));
	}
	*out = e;
	return n;
}

/* termvec from parallel arrays of terms and weights (duplicates summed). */
Datum
termvec_from_arrays(PG_FUNCTION_ARGS)
{
	ArrayType  *ta = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *wa = PG_GETARG_ARRAYTYPE_P(1);
	NotesEntry *e;
	int			n = TextArrayEntries(ta, &e, "terms"),
				nw,
				i;
	Datum	   *d;
	bool	   *nulls;

	deconstruct_array(wa, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &d, &nulls, &nw);
	if (nw != n || ARR_NDIM(wa) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("terms and weights must be one-dimensional arrays of the same length")));
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("weights must not contain NULL")));
		e[i].w = DatumGetFloat8(d[i]);
		if (!isfinite(e[i].w))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weights must be finite")));
		if (!NotesUtf8Valid(e[i].term, e[i].len))
			ereport(ERROR,
					(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
					 errmsg("a term is not valid UTF-8")));
	}
	n = (int) NotesEntriesMerge(e, n);
	PG_RETURN_POINTER(BuildVec(e, n));
}

/* Sum of two termvecs (the termvec_sum aggregate's step and combine). */
Datum
termvec_add(PG_FUNCTION_ARGS)
{
	NotesVec   *a,
			   *b;
	NotesEntry *e;
	int32_t		i,
				j,
				n = 0;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	a = PG_GETARG_NOTESVEC(0);
	b = PG_GETARG_NOTESVEC(1);
	e = palloc(sizeof(NotesEntry) * ((size_t) a->n + b->n + 1));
	i = j = 0;
	while (i < a->n || j < b->n)
	{
		int			c;

		if (i >= a->n)
			c = 1;
		else if (j >= b->n)
			c = -1;
		else
			c = NotesTermCmp(NOTESVEC_TERM(a, i), NOTESVEC_TERMLEN(a, i),
							 NOTESVEC_TERM(b, j), NOTESVEC_TERMLEN(b, j));
		if (c <= 0)
		{
			e[n].term = NOTESVEC_TERM(a, i);
			e[n].len = NOTESVEC_TERMLEN(a, i);
			e[n].w = NOTESVEC_WEIGHTS(a)[i] + (c == 0 ? NOTESVEC_WEIGHTS(b)[j] : 0);
			i++;
			if (c == 0)
				j++;
		}
		else
		{
			e[n].term = NOTESVEC_TERM(b, j);
			e[n].len = NOTESVEC_TERMLEN(b, j);
			e[n].w = NOTESVEC_WEIGHTS(b)[j];
			j++;
		}
		if (!isfinite(e[n].w))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("termvec weight out of range")));
		n++;
	}
	PG_RETURN_POINTER(BuildVec(e, n));
}

/* termvec && text[]: does the vector hold any of the terms? */
Datum
termvec_overlaps(PG_FUNCTION_ARGS)
{
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	NotesEntry *e;
	int			n = TextArrayEntries(PG_GETARG_ARRAYTYPE_P(1), &e, "terms"),
				i;

	for (i = 0; i < n; i++)
		if (NotesVecFind(v, e[i].term, e[i].len) >= 0)
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}

/*
 * GIN keys.  A key is a 24-bit hash of the term (high bits) and the term's
 * impact cell (low 8 bits: its count and the note's length, see
 * NotesCellOf), so the keys of one term are a range of 256 values that a
 * partial match reads at once, whole (&&) or only some cells (&@).  Only
 * single words have keys.  A term of several words ("chest pain") has
 * none: the analyser makes a bigram of two words that are terms of the
 * same note, so a vector holding "chest pain" is found by the keys of
 * "chest" (&& looks a term up by its first word, and rechecks), and a
 * search bounds a bigram by its words' cells.  Bigram keys would nearly
 * double the index and, sharing their first word's hash, add their
 * postings to every read of that word.
 */
#define TERMKEY_CELLMASK 0xFF

/* The hash part of the key of a term (low 8 bits zero). */
static int32
TermKeyPrefix(const char *t, uint32_t len)
{
	const char *sp = memchr(t, ' ', len);

	if (sp != NULL && sp > t)
		len = (uint32_t) (sp - t);
	return (int32) (hash_bytes((const unsigned char *) t, (int) len) & ~(uint32) TERMKEY_CELLMASK);
}

/* Is a term of several words (a word bigram)? */
static inline bool
TermIsPhrase(const char *t, uint32_t len)
{
	return memchr(t, ' ', len) != NULL;
}

/* The keys of the single words of v (*n of them, duplicates possible). */
static int32 *
TermvecKeys(const NotesVec *v, int32 *n)
{
	int32	   *keys = palloc(sizeof(int32) * Max(v->n, 1));
	double		dl = NotesVecWordLen(v);
	int32_t		i;

	*n = 0;
	for (i = 0; i < v->n; i++)
		if (!TermIsPhrase(NOTESVEC_TERM(v, i), NOTESVEC_TERMLEN(v, i)))
			keys[(*n)++] = TermKeyPrefix(NOTESVEC_TERM(v, i), NOTESVEC_TERMLEN(v, i)) |
				NotesCellOf(NOTESVEC_WEIGHTS(v)[i], dl);
	return keys;
}

/*
 * A cell query (&@): an int4 array, a threshold then groups of
 * CELLQ_GROUP: a key prefix, a 256-bit cell mask, a term number, a bound,
 * two term numbers that the term requires (-1: none) and, for each, a
 * ratio in 1/65536 (0: none).  A group with an empty mask matches no key:
 * it is its term's floor.  A term is present if one of the vector's keys
 * falls in one of its groups, or if it has a floor; it counts if it and
 * its required terms are present.  Its part is the largest of its floor
 * and the bounds of its groups matched, and no more than each required
 * term's part times the ratio.  The vector
 * matches if a term counts and the parts of the terms counted sum to at
 * least the threshold.  With threshold 1, bounds 1 and no requirements
 * that is "any key in any group".
 *
 * termvec_search passes bounds of BM25 term scores over bands of cells in
 * fixed point and the k-th best score so far as the threshold, so that the
 * index returns only the notes that may still enter the top k (block-max
 * bounds, as WAND).  A word bigram has no keys: it is a floor at its
 * highest bound, requiring its two words, the ratio being the bigram's
 * query weight over the word's; a bigram occurs at most as often as each
 * of its words, in a note of the same length, so its part is at most the
 * word's bound times the ratio.
 */
#define CELLQ_GROUP 15
#define CELLQ_MAXTERMS 1024

/* A parsed cell query. */
typedef struct CellQuery
{
	int64		theta;
	int			ngroups;
	int			nterms;
	const int32 *groups;
	int64	   *floor;			/* per term */
	int32	   *req;			/* per term, two required terms or -1 */
	int64	   *ratio;			/* per term, their ratios (fixed point) */
	int64	   *acc;			/* per term, scratch */
	bool	   *matched;		/* per term, scratch */
} CellQuery;

/* A GIN key of a cell query: its group (prefix and mask first) and query. */
typedef struct CellKey
{
	int32		g[CELLQ_GROUP];
	CellQuery  *q;
} CellKey;

/* Is the cell mask of group g empty? */
static inline bool
CellGroupEmpty(const int32 *g)
{
	int			i;

	for (i = 1; i <= 8; i++)
		if (g[i] != 0)
			return false;
	return true;
}

/* Parse and check a cell query (the groups point into the array). */
static CellQuery *
CellQueryParse(ArrayType *a)
{
	int			n = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a)),
				i;
	const int32 *d;
	CellQuery  *q;

	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != INT4OID || n < 1 ||
		(n - 1) % CELLQ_GROUP != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("malformed cell query"),
				 errdetail("A cell query is a one-dimensional int4 array without NULLs: a threshold, then groups of %d elements.",
						   CELLQ_GROUP)));
	/* No NULLs: the data follow the dimensions. */
	d = (const int32 *) ((const char *) a + ARR_OVERHEAD_NONULLS(ARR_NDIM(a)));
	q = palloc0(sizeof(CellQuery));
	q->theta = d[0];
	q->ngroups = (n - 1) / CELLQ_GROUP;
	q->groups = d + 1;
	for (i = 0; i < q->ngroups; i++)
	{
		const int32 *g = q->groups + i * CELLQ_GROUP;

		if (g[9] < 0 || g[9] >= CELLQ_MAXTERMS || g[10] < 0 || d[0] < 0 ||
			g[11] < -1 || g[11] >= CELLQ_MAXTERMS || g[12] < -1 || g[12] >= CELLQ_MAXTERMS ||
			g[13] < 0 || g[14] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("malformed cell query"),
					 errdetail("Term numbers must be between 0 and %d (-1 for no required term), bounds, ratios and the threshold not negative.",
							   CELLQ_MAXTERMS - 1)));
		q->nterms = Max(q->nterms, g[9] + 1);
		q->nterms = Max(q->nterms, g[11] + 1);
		q->nterms = Max(q->nterms, g[12] + 1);
	}
	q->acc = palloc0(sizeof(int64) * Max(q->nterms, 1));
	q->matched = palloc0(sizeof(bool) * Max(q->nterms, 1));
	q->floor = palloc0(sizeof(int64) * Max(q->nterms, 1));
	q->req = palloc(sizeof(int32) * 2 * Max(q->nterms, 1));
	q->ratio = palloc(sizeof(int64) * 2 * Max(q->nterms, 1));
	for (i = 0; i < 2 * Max(q->nterms, 1); i++)
	{
		q->req[i] = -1;
		q->ratio[i] = 0;
	}
	for (i = 0; i < q->ngroups; i++)
	{
		const int32 *g = q->groups + i * CELLQ_GROUP;

		if (CellGroupEmpty(g))
			q->floor[g[9]] = Max(q->floor[g[9]], (int64) g[10]);
		/* A term's requirements: those of its last group that has any. */
		if (g[11] >= 0)
		{
			q->req[2 * g[9]] = g[11];
			q->ratio[2 * g[9]] = g[13];
		}
		if (g[12] >= 0)
		{
			q->req[2 * g[9] + 1] = g[12];
			q->ratio[2 * g[9] + 1] = g[14];
		}
	}
	return q;
}

/* Is key in the cell query group g? */
static inline bool
CellGroupHas(const int32 *g, int32 key)
{
	int			c = key & TERMKEY_CELLMASK;

	return (key & ~TERMKEY_CELLMASK) == (g[0] & ~TERMKEY_CELLMASK) &&
		(((uint32) g[1 + (c >> 5)]) & ((uint32) 1 << (c & 31))) != 0;
}

/* Start a score: every term at its floor. */
static inline void
CellQueryReset(CellQuery *q)
{
	memcpy(q->acc, q->floor, sizeof(int64) * Max(q->nterms, 1));
	memset(q->matched, 0, sizeof(bool) * Max(q->nterms, 1));
}

/* A group matched: its term counts at least its bound. */
static inline void
CellQueryAdd(CellQuery *q, const int32 *g)
{
	q->matched[g[9]] = true;
	if (q->acc[g[9]] < g[10])
		q->acc[g[9]] = g[10];
}

/* Is term t present (a key in one of its groups, or a floor)? */
static inline bool
CellQueryPresent(const CellQuery *q, int32 t)
{
	return q->matched[t] || q->floor[t] > 0;
}

/*
 * The part of term t: its bound, and no more than the bound of each of its
 * required terms times the ratio (a bigram occurs at most as often as
 * each of its words, in a note of the same length).
 */
static inline int64
CellQueryPart(const CellQuery *q, int t)
{
	int64		p = q->acc[t];
	int			j;

	for (j = 0; j < 2; j++)
	{
		int32		r = q->req[2 * t + j];

		if (r >= 0 && q->ratio[2 * t + j] > 0)
		{
			int64		u = (q->acc[r] * q->ratio[2 * t + j] + 65535) >> 16;

			if (u < p)
				p = u;
		}
	}
	return p;
}

/*
 * Does the vector match: a key in a group of a term counted (present, its
 * required terms present too), and the parts of the terms counted summed
 * at least the threshold?  Monotone in the groups matched.
 */
static inline bool
CellQueryReached(const CellQuery *q)
{
	int64		s = 0;
	bool		any = false;
	int			t;

	for (t = 0; t < q->nterms; t++)
	{
		int32		a = q->req[2 * t],
					b = q->req[2 * t + 1];

		if (!CellQueryPresent(q, t) ||
			(a >= 0 && !CellQueryPresent(q, a)) || (b >= 0 && !CellQueryPresent(q, b)))
			continue;
		s += CellQueryPart(q, t);
		any |= q->matched[t];
	}
	return any && s >= q->theta;
}

/*
 * termvec &@ int4[]: does the vector match the cell query (one of its keys,
 * term hash and impact cell, in a group, and the bounds of the groups it
 * falls in summed per term at least the threshold)?  Used by search_notes.
 */
Datum
termvec_cells_any(PG_FUNCTION_ARGS)
{
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	CellQuery  *q = CellQueryParse(PG_GETARG_ARRAYTYPE_P(1));
	int32		nk;
	int32	   *keys = TermvecKeys(v, &nk);
	int			g;
	int32_t		i;

	CellQueryReset(q);
	for (g = 0; g < q->ngroups; g++)
	{
		const int32 *gr = q->groups + g * CELLQ_GROUP;

		if (CellGroupEmpty(gr))
			continue;
		for (i = 0; i < nk; i++)
			if (CellGroupHas(gr, keys[i]))
			{
				CellQueryAdd(q, gr);
				break;
			}
	}
	PG_RETURN_BOOL(CellQueryReached(q));
}

/* GIN extractValue: one key per word (GIN drops duplicates). */
Datum
termvec_gin_extract_value(PG_FUNCTION_ARGS)
{
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);
	int32		n;
	int32	   *k = TermvecKeys(v, &n);
	Datum	   *keys = palloc(sizeof(Datum) * Max(n, 1));
	int32_t		i;

	for (i = 0; i < n; i++)
		keys[i] = Int32GetDatum(k[i]);
	*nkeys = n;
	PG_RETURN_POINTER(keys);
}

/*
 * GIN extractQuery: termvec && text[] (strategy 1), every cell of each
 * term; termvec &@ int4[] (strategy 2), the cells of each group.  Both are
 * partial matches over a term's 256 keys; the cell mask travels as extra
 * data (none: every cell).
 */
Datum
termvec_gin_extract_query(PG_FUNCTION_ARGS)
{
	int32	   *nkeys = (int32 *) PG_GETARG_POINTER(1);
	StrategyNumber strategy = PG_GETARG_UINT16(2);
	bool	  **pmatch = (bool **) PG_GETARG_POINTER(3);
	Pointer   **extra = (Pointer **) PG_GETARG_POINTER(4);
	int32	   *searchMode = (int32 *) PG_GETARG_POINTER(6);
	Datum	   *keys;
	int			n,
				i;

	if (strategy == 2)
	{
		CellQuery  *q = CellQueryParse(PG_GETARG_ARRAYTYPE_P(0));

		keys = palloc(sizeof(Datum) * Max(q->ngroups, 1));
		*extra = palloc(sizeof(Pointer) * Max(q->ngroups, 1));
		n = 0;
		for (i = 0; i < q->ngroups; i++)
		{
			CellKey    *ck;

			if (CellGroupEmpty(q->groups + i * CELLQ_GROUP))
				continue;
			ck = palloc(sizeof(CellKey));
			memcpy(ck->g, q->groups + i * CELLQ_GROUP, sizeof(int32) * CELLQ_GROUP);
			ck->g[0] &= ~TERMKEY_CELLMASK;
			ck->q = q;
			keys[n] = Int32GetDatum(ck->g[0]);
			(*extra)[n] = (Pointer) ck;
			n++;
		}
	}
	else
	{
		NotesEntry *e;

		n = TextArrayEntries(PG_GETARG_ARRAYTYPE_P(0), &e, "terms");
		keys = palloc(sizeof(Datum) * Max(n, 1));
		for (i = 0; i < n; i++)
			keys[i] = Int32GetDatum(TermKeyPrefix(e[i].term, e[i].len));
	}
	*pmatch = palloc(sizeof(bool) * Max(n, 1));
	for (i = 0; i < n; i++)
		(*pmatch)[i] = true;
	*nkeys = n;
	*searchMode = GIN_SEARCH_MODE_DEFAULT;
	PG_RETURN_POINTER(keys);
}

/*
 * GIN comparePartial: keys from the query's prefix on; past its 256 keys,
 * stop; a cell outside the mask, skip.
 */
Datum
termvec_gin_compare_partial(PG_FUNCTION_ARGS)
{
	int32		prefix = PG_GETARG_INT32(0);
	int32		key = PG_GETARG_INT32(1);
	int32	   *g = (int32 *) PG_GETARG_POINTER(3);

	if ((key & ~TERMKEY_CELLMASK) != prefix)
		PG_RETURN_INT32(key < prefix ? -1 : 1);
	if (g == NULL || CellGroupHas(g, key))
		PG_RETURN_INT32(0);
	PG_RETURN_INT32(-1);
}

/*
 * GIN consistent: && any key present (rechecked: keys are hashes of first
 * words); &@ the cell query's score reached, exactly what the keys say.
 */
Datum
termvec_gin_consistent(PG_FUNCTION_ARGS)
{
	bool	   *check = (bool *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = PG_GETARG_UINT16(1);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra = (Pointer *) PG_GETARG_POINTER(4);
	bool	   *recheck = (bool *) PG_GETARG_POINTER(5);
	bool		any = false;
	CellQuery  *q;
	int32		i;

	*recheck = (strategy != 2);
	for (i = 0; i < nkeys && !any; i++)
		any = check[i];
	if (!any || strategy != 2)
		PG_RETURN_BOOL(any);
	q = ((CellKey *) extra[0])->q;
	CellQueryReset(q);
	for (i = 0; i < nkeys; i++)
		if (check[i])
			CellQueryAdd(q, ((CellKey *) extra[i])->g);
	PG_RETURN_BOOL(CellQueryReached(q));
}

/*
 * GIN triConsistent: as consistent with keys that may or may not be
 * present; lets GIN skip the notes of keys that alone cannot reach the
 * threshold.
 */
Datum
termvec_gin_triconsistent(PG_FUNCTION_ARGS)
{
	GinTernaryValue *check = (GinTernaryValue *) PG_GETARG_POINTER(0);
	StrategyNumber strategy = PG_GETARG_UINT16(1);
	int32		nkeys = PG_GETARG_INT32(3);
	Pointer    *extra = (Pointer *) PG_GETARG_POINTER(4);
	bool		anytrue = false,
				anymaybe = false;
	CellQuery  *q;
	int32		i;

	for (i = 0; i < nkeys; i++)
	{
		if (check[i] == GIN_TRUE)
			anytrue = true;
		else if (check[i] == GIN_MAYBE)
			anymaybe = true;
	}
	if (!anytrue && !anymaybe)
		PG_RETURN_GIN_TERNARY_VALUE(GIN_FALSE);
	if (strategy != 2)
		PG_RETURN_GIN_TERNARY_VALUE(GIN_MAYBE);	/* && rechecks */
	q = ((CellKey *) extra[0])->q;
	/* At most: every key that may be present is. */
	CellQueryReset(q);
	for (i = 0; i < nkeys; i++)
		if (check[i] != GIN_FALSE)
			CellQueryAdd(q, ((CellKey *) extra[i])->g);
	if (!CellQueryReached(q))
		PG_RETURN_GIN_TERNARY_VALUE(GIN_FALSE);
	if (!anymaybe)
		PG_RETURN_GIN_TERNARY_VALUE(GIN_TRUE);
	/* At least: only the keys certainly present. */
	CellQueryReset(q);
	for (i = 0; i < nkeys; i++)
		if (check[i] == GIN_TRUE)
			CellQueryAdd(q, ((CellKey *) extra[i])->g);
	if (anytrue && CellQueryReached(q))
		PG_RETURN_GIN_TERNARY_VALUE(GIN_TRUE);
	PG_RETURN_GIN_TERNARY_VALUE(GIN_MAYBE);
}

/* The terms of a note in reading order (each bigram after its second word). */
Datum
note_terms(PG_FUNCTION_ARGS)
{
	NotesTokens tok;
	Datum	   *d;
	int			i;

	AnalyzeText(PG_GETARG_TEXT_PP(0), AnalyzerKindOrError(PG_GETARG_TEXT_PP(1)), &tok);
	d = palloc(sizeof(Datum) * Max(tok.n, 1));
	for (i = 0; i < tok.n; i++)
		d[i] = PointerGetDatum(TermText(tok.buf + tok.off[i], strlen(tok.buf + tok.off[i])));
	PG_RETURN_ARRAYTYPE_P(construct_array(d, tok.n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* Term counts of a note as a termvec. */
Datum
note_vector(PG_FUNCTION_ARGS)
{
	NotesTokens tok;
	NotesEntry *e;
	int64_t		n;

	AnalyzeText(PG_GETARG_TEXT_PP(0), AnalyzerKindOrError(PG_GETARG_TEXT_PP(1)), &tok);
	n = NotesCountTerms(&tok, 0, 0, &e, &notes_mem_local);
	PG_RETURN_POINTER(BuildVec(e, n));
}

/* Clinical analysis of a note for the corpus: (doclen, term counts). */
Datum
note_analysis(PG_FUNCTION_ARGS)
{
	NotesTokens tok;
	NotesEntry *e;
	int64_t		n;
	TupleDesc	desc;
	Datum		values[2];
	bool		nulls[2] = {false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "note_analysis must return a composite type");
	AnalyzeText(PG_GETARG_TEXT_PP(0), NOTES_CLINICAL, &tok);
	n = NotesCountTerms(&tok, 0, 0, &e, &notes_mem_local);
	values[0] = Int32GetDatum(tok.nuni);
	values[1] = PointerGetDatum(BuildVec(e, n));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/*
 * Unigrams of a note (clinical) with their most frequent surface form
 * (case folded, not stemmed) and count: rows (term, surface, count).
 */
Datum
note_surfaces(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	NotesTokens tok;
	NotesEntry *e;
	int64_t		n,
				i,
				k = 0;

	InitMaterializedSRF(fcinfo, 0);
	AnalyzeText(PG_GETARG_TEXT_PP(0), NOTES_CLINICAL, &tok);
	/* Pair each unigram with its surface: entries "term\0surface". */
	e = palloc(sizeof(NotesEntry) * Max(tok.n, 1));
	for (i = 0; i < tok.n; i++)
	{
		const char *t = tok.buf + tok.off[i],
				   *s = tok.buf + tok.surf[i];
		size_t		tl = strlen(t),
					sl = strlen(s);
		char	   *pair;

		if (tok.bigram[i])
			continue;
		pair = palloc(tl + sl + 2);
		memcpy(pair, t, tl + 1);
		memcpy(pair + tl + 1, s, sl + 1);
		e[k].term = pair;
		e[k].len = (uint32_t) (tl + sl + 1);
		e[k].w = 1;
		k++;
	}
	n = NotesEntriesMerge(e, k);
	/* Runs of the same term: pick the most frequent surface, sum counts. */
	i = 0;
	while (i < n)
	{
		int64_t		j = i,
					best = i;
		double		total = 0;
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		while (j < n && strcmp(e[j].term, e[i].term) == 0)
		{
			total += e[j].w;
			if (e[j].w > e[best].w)
				best = j;
			j++;
		}
		values[0] = PointerGetDatum(TermText(e[i].term, strlen(e[i].term)));
		values[1] = PointerGetDatum(TermText(e[best].term + strlen(e[best].term) + 1,
											 strlen(e[best].term + strlen(e[best].term) + 1)));
		values[2] = Int32GetDatum((int32) total);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		i = j;
	}
	return (Datum) 0;
}

/* Norm setting by name. */
static NotesNorm
NormOrError(text *t)
{
	char	   *s = text_to_cstring(t);

	if (strcmp(s, "l2") == 0)
		return NOTES_NORM_L2;
	if (strcmp(s, "l1") == 0)
		return NOTES_NORM_L1;
	if (strcmp(s, "none") == 0)
		return NOTES_NORM_NONE;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown norm \"%s\"", s),
			 errdetail("The norms are \"l2\", \"l1\" and \"none\".")));
	return NOTES_NORM_L2;
}

/*
 * Raise an error unless x, the argument called name, is a finite number
 * >= 0 (a document count or length).
 */
static void
CheckCount(double x, const char *name)
{
	if (!(x >= 0) || isinf(x))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number >= 0, not %g", name, x)));
}

/* Raise an error unless k1 and b are BM25 parameters. */
static void
CheckBm25Params(double k1, double b)
{
	if (!(k1 >= 0) || !(b >= 0 && b <= 1) || isinf(k1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("BM25 needs k1 >= 0 and 0 <= b <= 1")));
}

/*
 * termvec_idf(dfs, n, smooth): the idf of each term from its document
 * frequency (terms with df <= 0 are left out).  NULL when dfs or n is
 * NULL (no documents: no terms); a NULL smooth takes the setting.
 */
Datum
termvec_idf(PG_FUNCTION_ARGS)
{
	NotesVec   *dfs;
	double		n;
	bool		smooth = PG_ARGISNULL(2) ? notes_smooth_idf : PG_GETARG_BOOL(2);
	NotesEntry *e;
	int32_t		i,
				k = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	dfs = PG_GETARG_NOTESVEC(0);
	n = PG_GETARG_FLOAT8(1);
	CheckCount(n, "the number of documents");
	e = palloc(sizeof(NotesEntry) * Max(dfs->n, 1));
	for (i = 0; i < dfs->n; i++)
	{
		double		df = NOTESVEC_WEIGHTS(dfs)[i];

		if (df <= 0 || df > n)
			continue;
		e[k].term = NOTESVEC_TERM(dfs, i);
		e[k].len = NOTESVEC_TERMLEN(dfs, i);
		e[k].w = NotesIdf(df, n, smooth);
		k++;
	}
	PG_RETURN_POINTER(BuildVec(e, k));
}

/*
 * termvec_weight(tf, idf, sublinear, norm): TF-IDF weights of raw counts
 * tf; terms missing from idf are left out (scikit-learn's transform).
 * NULL settings take the referral_crm.tfidf_* settings; NULL when tf or
 * idf is NULL.
 */
Datum
termvec_weight(PG_FUNCTION_ARGS)
{
	NotesVec   *tf;
	NotesVec   *idf;
	bool		sublinear = PG_ARGISNULL(2) ? notes_sublinear_tf : PG_GETARG_BOOL(2);
	NotesNorm	norm = PG_ARGISNULL(3) ? (NotesNorm) notes_norm : NormOrError(PG_GETARG_TEXT_PP(3));
	NotesEntry *e;
	double	   *w;
	int32_t		i = 0,
				j = 0,
				k = 0;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	tf = PG_GETARG_NOTESVEC(0);
	idf = PG_GETARG_NOTESVEC(1);
	e = palloc(sizeof(NotesEntry) * Max(tf->n, 1));
	w = palloc(sizeof(double) * Max(tf->n, 1));
	if (idf->n > 8 * tf->n)
	{
		/* A large idf vector (the whole corpus): binary search. */
		for (i = 0; i < tf->n; i++)
		{
			double		count = NOTESVEC_WEIGHTS(tf)[i];
			int64_t		at;

			if (count <= 0)
				continue;
			at = NotesVecFind(idf, NOTESVEC_TERM(tf, i), NOTESVEC_TERMLEN(tf, i));
			if (at < 0)
				continue;
			e[k].term = NOTESVEC_TERM(tf, i);
			e[k].len = NOTESVEC_TERMLEN(tf, i);
			w[k] = NotesTf(count, sublinear) * NOTESVEC_WEIGHTS(idf)[at];
			k++;
		}
	}
	else
	{
		/* Merge: both are sorted by term. */
		while (i < tf->n && j < idf->n)
		{
			int			c = NotesTermCmp(NOTESVEC_TERM(tf, i), NOTESVEC_TERMLEN(tf, i),
										 NOTESVEC_TERM(idf, j), NOTESVEC_TERMLEN(idf, j));

			if (c == 0)
			{
				double		count = NOTESVEC_WEIGHTS(tf)[i];

				if (count > 0)
				{
					e[k].term = NOTESVEC_TERM(tf, i);
					e[k].len = NOTESVEC_TERMLEN(tf, i);
					w[k] = NotesTf(count, sublinear) * NOTESVEC_WEIGHTS(idf)[j];
					k++;
				}
				i++;
				j++;
			}
			else if (c < 0)
				i++;
			else
				j++;
		}
	}
	NotesNormalize(w, k, norm);
	for (i = 0; i < k; i++)
		e[i].w = w[i];
	PG_RETURN_POINTER(BuildVec(e, k));
}

/*
 * termvec_bm25(tf, doclen, query, avgdl, k1, b): BM25 score of a document
 * (raw counts tf, length doclen) for query weights (idf times the number
 * of times the term is in the query).  NULL when tf, doclen, query or
 * avgdl is NULL; a NULL k1 or b takes the referral_crm.bm25_* setting.
 */
Datum
termvec_bm25(PG_FUNCTION_ARGS)
{
	NotesVec   *tf;
	double		dl;
	NotesVec   *q;
	double		avgdl;
	double		k1 = PG_ARGISNULL(4) ? notes_bm25_k1 : PG_GETARG_FLOAT8(4);
	double		b = PG_ARGISNULL(5) ? notes_bm25_b : PG_GETARG_FLOAT8(5);
	double		s = 0;
	int32_t		i;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		PG_RETURN_NULL();
	tf = PG_GETARG_NOTESVEC(0);
	dl = PG_GETARG_FLOAT8(1);
	q = PG_GETARG_NOTESVEC(2);
	avgdl = PG_GETARG_FLOAT8(3);
	CheckCount(dl, "doclen");
	CheckCount(avgdl, "avgdl");
	CheckBm25Params(k1, b);
	if (avgdl <= 0)
		PG_RETURN_FLOAT8(0);
	for (i = 0; i < q->n; i++)
	{
		int64_t		at = NotesVecFind(tf, NOTESVEC_TERM(q, i), NOTESVEC_TERMLEN(q, i));

		if (at >= 0)
			s += NotesBm25Term(NOTESVEC_WEIGHTS(q)[i], NOTESVEC_WEIGHTS(tf)[at], dl, avgdl, k1, b);
	}
	/* Finite inputs can still overflow (weights near DBL_MAX). */
	if (!isfinite(s))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("BM25 score out of range"),
				 errdetail("The query weights and term counts give a score that is not a finite double.")));
	PG_RETURN_FLOAT8(s);
}

/* Analyse every element of docs (NULL elements are empty documents). */
static NotesTokens *
AnalyzeDocs(ArrayType *docs, NotesAnalyzerKind kind, int *ndocs)
{
	Datum	   *d;
	bool	   *nulls;
	int			n,
				i;
	NotesTokens *toks;

	if (ARR_NDIM(docs) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("docs must be a one-dimensional array")));
	deconstruct_array(docs, TEXTOID, -1, false, TYPALIGN_INT, &d, &nulls, &n);
	toks = palloc0(sizeof(NotesTokens) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!nulls[i])
			AnalyzeText(DatumGetTextPP(d[i]), kind, &toks[i]);
	}
	*ndocs = n;
	return toks;
}

/* A term occurrence in the set: which document, how often. */
typedef struct DocTerm
{
	NotesEntry	e;
	int32		doc;
} DocTerm;

static int
DocTermCmp(const void *x, const void *y)
{
	const DocTerm *a = x,
			   *b = y;
	int			c = NotesTermCmp(a->e.term, a->e.len, b->e.term, b->e.len);

	if (c != 0)
		return c;
	return a->doc - b->doc;
}

static int
DocTermDocCmp(const void *x, const void *y)
{
	const DocTerm *a = x,
			   *b = y;

	if (a->doc != b->doc)
		return a->doc - b->doc;
	return NotesTermCmp(a->e.term, a->e.len, b->e.term, b->e.len);
}

/*
 * Per-document term counts of a document set, sorted by (term, doc), and
 * the document frequency of each entry's term in df (same order).
 */
static DocTerm *
DocSetCounts(NotesTokens *toks, int ndocs, int64 *nall)
{
	NotesEntry **per = palloc(sizeof(NotesEntry *) * Max(ndocs, 1));
	int64	   *cnt = palloc(sizeof(int64) * Max(ndocs, 1));
	int64		total = 0,
				k = 0;
	DocTerm    *all;
	int			i;

	for (i = 0; i < ndocs; i++)
	{
		cnt[i] = NotesCountTerms(&toks[i], 0, 0, &per[i], &notes_mem_local);
		total += cnt[i];
	}
	if ((Size) total * sizeof(DocTerm) >= MaxAllocHugeSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the document set is too large")));
	all = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(DocTerm) * Max(total, 1));
	for (i = 0; i < ndocs; i++)
	{
		int64		j;

		for (j = 0; j < cnt[i]; j++)
		{
			all[k].e = per[i][j];
			all[k].doc = i;
			k++;
		}
	}
	qsort(all, total, sizeof(DocTerm), DocTermCmp);
	*nall = total;
	return all;
}

/*
 * tfidf_weights(docs, analyzer, smooth_idf, sublinear_tf, norm): TF-IDF
 * weights of every term of every document, fitted on the set itself.
 */
Datum
tfidf_weights(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	NotesAnalyzerKind kind = AnalyzerKindOrError(PG_GETARG_TEXT_PP(1));
	bool		smooth = PG_GETARG_BOOL(2);
	bool		sublinear = PG_GETARG_BOOL(3);
	NotesNorm	norm = NormOrError(PG_GETARG_TEXT_PP(4));
	int			ndocs,
				i;
	NotesTokens *toks = AnalyzeDocs(PG_GETARG_ARRAYTYPE_P(0), kind, &ndocs);
	int64		n,
				a,
				start;
	DocTerm    *all = DocSetCounts(toks, ndocs, &n);
	double	   *zs;

	InitMaterializedSRF(fcinfo, 0);
	/* idf per run of the same term, times tf. */
	a = 0;
	while (a < n)
	{
		int64		b = a;
		double		idf;

		while (b < n && NotesTermCmp(all[b].e.term, all[b].e.len, all[a].e.term, all[a].e.len) == 0)
			b++;
		idf = NotesIdf((double) (b - a), (double) ndocs, smooth);
		for (; a < b; a++)
			all[a].e.w = NotesTf(all[a].e.w, sublinear) * idf;
	}
	/* Per document, in term order, as scikit-learn's CSR rows. */
	qsort(all, n, sizeof(DocTerm), DocTermDocCmp);
	zs = palloc0(sizeof(double) * Max(ndocs, 1));
	start = 0;
	for (i = 0; i < ndocs; i++)
	{
		int64		end = start,
					j;
		double	   *w;

		while (end < n && all[end].doc == i)
			end++;
		w = palloc(sizeof(double) * Max(end - start, 1));
		for (j = start; j < end; j++)
			w[j - start] = all[j].e.w;
		NotesNormalize(w, end - start, norm);
		for (j = start; j < end; j++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = Int32GetDatum(i + 1);
			values[1] = PointerGetDatum(TermText(all[j].e.term, all[j].e.len));
			values[2] = Float8GetDatum(w[j - start]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		pfree(w);
		start = end;
	}
	(void) zs;
	return (Datum) 0;
}

/*
 * bm25_scores(docs, query, k1, b, analyzer): the BM25 score of every
 * document for the query, in document order.
 */
Datum
bm25_scores(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	double		k1 = PG_GETARG_FLOAT8(2);
	double		b = PG_GETARG_FLOAT8(3);
	NotesAnalyzerKind kind = AnalyzerKindOrError(PG_GETARG_TEXT_PP(4));
	int			ndocs,
				i,
				qi;
	NotesTokens *toks;
	NotesTokens qtok;
	NotesEntry **vecs;
	NotesVec  **dv;
	double		avgdl = 0,
			   *qidf;
	int64_t    *qdf;

	CheckBm25Params(k1, b);
	toks = AnalyzeDocs(PG_GETARG_ARRAYTYPE_P(0), kind, &ndocs);
	AnalyzeText(PG_GETARG_TEXT_PP(1), kind, &qtok);
	InitMaterializedSRF(fcinfo, 0);
	vecs = palloc(sizeof(NotesEntry *) * Max(ndocs, 1));
	dv = palloc(sizeof(NotesVec *) * Max(ndocs, 1));
	for (i = 0; i < ndocs; i++)
	{
		int64_t		n = NotesCountTerms(&toks[i], 0, 0, &vecs[i], &notes_mem_local);

		dv[i] = BuildVec(vecs[i], n);
		avgdl += toks[i].nuni;
	}
	if (ndocs > 0)
		avgdl /= ndocs;
	/* df and idf of every query token, in query order. */
	qdf = palloc0(sizeof(int64_t) * Max(qtok.n, 1));
	qidf = palloc0(sizeof(double) * Max(qtok.n, 1));
	for (qi = 0; qi < qtok.n; qi++)
	{
		const char *t = qtok.buf + qtok.off[qi];

		for (i = 0; i < ndocs; i++)
			if (NotesVecFind(dv[i], t, strlen(t)) >= 0)
				qdf[qi]++;
		qidf[qi] = NotesBm25Idf((double) qdf[qi], (double) ndocs);
	}
	for (i = 0; i < ndocs; i++)
	{
		double		s = 0.0;
		Datum		values[2];
		bool		nulls[2] = {false, false};

		for (qi = 0; qi < qtok.n; qi++)
		{
			const char *t = qtok.buf + qtok.off[qi];
			int64_t		at;

			if (qdf[qi] == 0)
				continue;
			at = NotesVecFind(dv[i], t, strlen(t));
			if (at < 0)
				continue;
			s += NotesBm25Term(qidf[qi], NOTESVEC_WEIGHTS(dv[i])[at], (double) toks[i].nuni, avgdl, k1, b);
		}
		values[0] = Int32GetDatum(i + 1);
		values[1] = Float8GetDatum(s);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * termvec_bm25_query(q, dfs, n): BM25 query weights, the Lucene idf of
 * each query term times the number of times it is in the query; terms in
 * no document are left out.
 */
PG_FUNCTION_INFO_V1(termvec_bm25_query);
Datum
termvec_bm25_query(PG_FUNCTION_ARGS)
{
	NotesVec   *q = PG_GETARG_NOTESVEC(0);
	NotesVec   *dfs = PG_GETARG_NOTESVEC(1);
	double		n = PG_GETARG_FLOAT8(2);
	NotesEntry *e = palloc(sizeof(NotesEntry) * Max(q->n, 1));
	int32_t		i,
				k = 0;

	CheckCount(n, "the number of documents");

	for (i = 0; i < q->n; i++)
	{
		int64_t		at = NotesVecFind(dfs, NOTESVEC_TERM(q, i), NOTESVEC_TERMLEN(q, i));
		double		df;

		if (at < 0 || (df = NOTESVEC_WEIGHTS(dfs)[at]) <= 0)
			continue;
		e[k].term = NOTESVEC_TERM(q, i);
		e[k].len = NOTESVEC_TERMLEN(q, i);
		e[k].w = NotesBm25Idf(df, n) * NOTESVEC_WEIGHTS(q)[i];
		k++;
	}
	PG_RETURN_POINTER(BuildVec(e, k));
}

/* Do a and b hold the same terms with the same weights? */
static bool
VecEqual(const NotesVec *a, const NotesVec *b)
{
	int32_t		i;

	if (a->n != b->n || a->strbytes != b->strbytes)
		return false;
	if (memcmp(NOTESVEC_ENDS(a), NOTESVEC_ENDS(b), sizeof(uint32_t) * a->n) != 0 ||
		memcmp(NOTESVEC_STRS(a), NOTESVEC_STRS(b), a->strbytes) != 0)
		return false;
	for (i = 0; i < a->n; i++)
		if (NOTESVEC_WEIGHTS(a)[i] != NOTESVEC_WEIGHTS(b)[i])
			return false;
	return true;
}

PG_FUNCTION_INFO_V1(termvec_eq);
PG_FUNCTION_INFO_V1(termvec_ne);

/* termvec = termvec. */
Datum
termvec_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(VecEqual(PG_GETARG_NOTESVEC(0), PG_GETARG_NOTESVEC(1)));
}

/* termvec <> termvec. */
Datum
termvec_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!VecEqual(PG_GETARG_NOTESVEC(0), PG_GETARG_NOTESVEC(1)));
}

PG_FUNCTION_INFO_V1(termvec_words);

/* The entries of v that keep(v, i) accepts, as a new termvec. */
static NotesVec *
VecFilter(const NotesVec *v, bool (*keep) (const NotesVec *v, int32_t i))
{
	NotesEntry *e = palloc(sizeof(NotesEntry) * Max(v->n, 1));
	int32_t		i,
				k = 0;

	for (i = 0; i < v->n; i++)
	{
		if (!keep(v, i))
			continue;
		e[k].term = NOTESVEC_TERM(v, i);
		e[k].len = NOTESVEC_TERMLEN(v, i);
		e[k].w = NOTESVEC_WEIGHTS(v)[i];
		k++;
	}
	return BuildVec(e, k);
}

/* Is entry i a single word (not a word bigram)? */
static bool
VecIsWord(const NotesVec *v, int32_t i)
{
	return memchr(NOTESVEC_TERM(v, i), ' ', NOTESVEC_TERMLEN(v, i)) == NULL;
}

/* Is the weight of entry i not zero? */
static bool
VecIsNonzero(const NotesVec *v, int32_t i)
{
	return NOTESVEC_WEIGHTS(v)[i] != 0;
}

/* The single-word terms of a termvec (word bigrams left out). */
Datum
termvec_words(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(VecFilter(PG_GETARG_NOTESVEC(0), VecIsWord));
}

PG_FUNCTION_INFO_V1(termvec_presence);

/*
 * termvec_presence(v, w): the terms of v, each with weight w (a note's
 * contribution to the document frequencies: w = 1 inserted, -1 deleted).
 */
Datum
termvec_presence(PG_FUNCTION_ARGS)
{
	NotesVec   *v = (NotesVec *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
	double		w = PG_GETARG_FLOAT8(1);
	int32_t		i;

	if (!isfinite(w))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight must be finite")));
	for (i = 0; i < v->n; i++)
		NOTESVEC_WEIGHTS(v)[i] = w;
	PG_RETURN_POINTER(v);
}

PG_FUNCTION_INFO_V1(termvec_pick);

/* termvec_pick(v, terms): the entries of v whose term is one of terms. */
Datum
termvec_pick(PG_FUNCTION_ARGS)
{
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	NotesEntry *q;
	int			n = TextArrayEntries(PG_GETARG_ARRAYTYPE_P(1), &q, "terms"),
				i,
				k = 0;

	/* Sorted, and repeated query terms counted once. */
	n = (int) NotesEntriesMerge(q, n);
	for (i = 0; i < n; i++)
	{
		int64_t		j = NotesVecFind(v, q[i].term, q[i].len);

		if (j < 0)
			continue;
		q[k].term = NOTESVEC_TERM(v, j);
		q[k].len = NOTESVEC_TERMLEN(v, j);
		q[k].w = NOTESVEC_WEIGHTS(v)[j];
		k++;
	}
	PG_RETURN_POINTER(BuildVec(q, k));
}

PG_FUNCTION_INFO_V1(termvec_nonzero);

/* termvec_nonzero(v): the entries of v whose weight is not zero. */
Datum
termvec_nonzero(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(VecFilter(PG_GETARG_NOTESVEC(0), VecIsNonzero));
}

/* 32-bit hash of a whole term, as the postings keep it. */
static inline uint32
TermHash(const char *t, uint32_t len)
{
	return hash_bytes((const unsigned char *) t, (int) len);
}

/*
 * termvec_postings(tf): the postings of a note's term counts as bytea:
 * uint32 hash[n] (sorted) then uint8 count[n] (see NotesPosting).
 */
Datum
termvec_postings(PG_FUNCTION_ARGS)
{
	NotesVec   *v = PG_GETARG_NOTESVEC(0);
	NotesPosting *p;
	int64_t		n,
				i;
	bytea	   *out;
	uint32	   *h;
	uint8	   *c;

	if ((Size) v->n * (sizeof(uint32) + 1) + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("term vector too large for postings"),
				 errdetail("The vector has %d terms.", v->n)));
	p = palloc(sizeof(NotesPosting) * Max(v->n, 1));
	for (i = 0; i < v->n; i++)
	{
		p[i].hash = TermHash(NOTESVEC_TERM(v, i), NOTESVEC_TERMLEN(v, i));
		p[i].tf = NotesPostingTf(NOTESVEC_WEIGHTS(v)[i]);
	}
	n = NotesPostingsMerge(p, v->n);
	out = palloc(VARHDRSZ + n * (sizeof(uint32) + 1));
	SET_VARSIZE(out, VARHDRSZ + n * (sizeof(uint32) + 1));
	h = (uint32 *) VARDATA(out);
	c = (uint8 *) (h + n);
	for (i = 0; i < n; i++)
	{
		h[i] = p[i].hash;
		c[i] = p[i].tf;
	}
	PG_RETURN_BYTEA_P(out);
}

/* A scored note in the search's top-k heap. */
typedef struct SearchHit
{
	int64		id;
	double		score;
} SearchHit;

/* Does a rank below b (lower score, or equal score and higher id)? */
static inline bool
HitWorse(const SearchHit *a, const SearchHit *b)
{
	return a->score < b->score || (a->score == b->score && a->id > b->id);
}

/* Restore the heap (worst at the root) below position i. */
static void
HitSiftDown(SearchHit *h, int n, int i)
{
	for (;;)
	{
		int			l = 2 * i + 1,
					w = i;
		SearchHit	t;

		if (l < n && HitWorse(&h[l], &h[w]))
			w = l;
		if (l + 1 < n && HitWorse(&h[l + 1], &h[w]))
			w = l + 1;
		if (w == i)
			return;
		t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

/* Order hits best first. */
static int
HitCmp(const void *x, const void *y)
{
	const SearchHit *a = x,
			   *b = y;

	if (HitWorse(a, b))
		return 1;
	if (HitWorse(b, a))
		return -1;
	return 0;
}

static SPIPlanPtr search_plan = NULL;

/* A term in at most one note in SEARCH_RARE is read whole in the first round. */
#define SEARCH_RARE 50

/* The last cell query: at most SEARCH_BANDS bands per term, of bounds within SEARCH_BAND_RATIO. */
#define SEARCH_BANDS 8
#define SEARCH_BAND_RATIO 0.7

/* The notes a search has read: an open-addressing set of note ids. */
typedef struct SeenEntry
{
	int64		id;
	char		status;
} SeenEntry;

#define SH_PREFIX seenset
#define SH_ELEMENT_TYPE SeenEntry
#define SH_KEY_TYPE int64
#define SH_KEY id
#define SH_HASH_KEY(tb, key) murmurhash32((uint32) ((uint64) (key) ^ ((uint64) (key) >> 32)))
#define SH_EQUAL(tb, a, b) ((a) == (b))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * The state of one search: the query, the top-k heap (worst at the root),
 * the notes read so far.  A DestReceiver that scores the rows the index
 * scan returns where they are, without copying them.
 */
typedef struct SearchState
{
	DestReceiver pub;
	NotesVec   *q;
	uint32	   *qhash;
	int		   *qorder;			/* query terms by hash */
	double	   *part;			/* each term's part of a note's bound */
	int			nq;
	double		avgdl,
				k1,
				b;
	int32		k;
	SearchHit  *heap;
	int			ncount,
				cap;
	seenset_hash *seen;
	MemoryContext rowcxt;
	uint64		nread,
				nexact;
} SearchState;

/* Put a scored note into the heap if it ranks in the top k. */
static void
SearchOffer(SearchState *st, int64 id, double s)
{
	SearchHit	h = {id, s};

	if (st->ncount < st->k)
	{
		int			j;

		if (st->ncount == st->cap)
		{
			st->cap = (int) Min((int64) st->k, (int64) st->cap * 2);
			st->heap = repalloc_huge(st->heap, sizeof(SearchHit) * st->cap);
		}
		j = st->ncount++;
		while (j > 0 && HitWorse(&h, &st->heap[(j - 1) / 2]))
		{
			st->heap[j] = st->heap[(j - 1) / 2];
			j = (j - 1) / 2;
		}
		st->heap[j] = h;
	}
	else if (HitWorse(&st->heap[0], &h))
	{
		st->heap[0] = h;
		HitSiftDown(st->heap, st->ncount, 0);
	}
}

/*
 * Score one row (note_id, doclen, tf, postings) read for the first time:
 * a bound from the postings first (never below the score, equal to it
 * unless two terms share a hash); the vector is read, and the note scored
 * exactly, only if it may enter the top k.
 */
static bool
SearchReceive(TupleTableSlot *slot, DestReceiver *self)
{
	SearchState *st = (SearchState *) self;
	bool		isnull,
				found;
	int64		id;
	double		dl,
				s = 0;
	int			i;
	MemoryContext old;

	st->nread++;
	id = DatumGetInt64(slot_getattr(slot, 1, &isnull));
	seenset_insert(st->seen, id, &found);
	if (found)
		return true;
	old = MemoryContextSwitchTo(st->rowcxt);
	dl = DatumGetInt32(slot_getattr(slot, 2, &isnull));
	{
		bytea	   *pb = DatumGetByteaP(slot_getattr(slot, 4, &isnull));
		int64		np = VARSIZE(pb) / (sizeof(uint32) + 1);
		const uint32 *ph = (const uint32 *) VARDATA(pb);
		const uint8 *pt = (const uint8 *) (ph + np);
		int64		j = 0;

		/* One pass over the postings, the query's hashes in order. */
		for (i = 0; i < st->nq; i++)
		{
			int			t = st->qorder[i];
			uint32		h = st->qhash[t];

			while (j + 16 < np && ph[j + 16] < h)
				j += 16;
			while (j < np && ph[j] < h)
				j++;
			if (j >= np || ph[j] != h)
				st->part[t] = 0;
			else if (pt[j] >= NOTES_POSTING_TF_MAX)
				st->part[t] = NOTESVEC_WEIGHTS(st->q)[t];
			else
				st->part[t] = NotesBm25Term(NOTESVEC_WEIGHTS(st->q)[t], pt[j], dl, st->avgdl, st->k1, st->b);
		}
		/* Summed in the query's order, as the exact score. */
		for (i = 0; i < st->nq; i++)
			if (st->part[i] != 0)
				s += st->part[i];
	}
	if (s > 0 && st->ncount == st->k)
	{
		SearchHit	h = {id, s};

		if (!HitWorse(&st->heap[0], &h))
			s = 0;				/* cannot enter the top k */
	}
	if (s > 0)
	{
		/* The exact score, as termvec_bm25, in the same order. */
		NotesVec   *tf = (NotesVec *) PG_DETOAST_DATUM(slot_getattr(slot, 3, &isnull));

		s = 0;
		for (i = 0; i < st->nq; i++)
		{
			int64_t		at = NotesVecFind(tf, NOTESVEC_TERM(st->q, i), NOTESVEC_TERMLEN(st->q, i));

			if (at >= 0)
				s += NotesBm25Term(NOTESVEC_WEIGHTS(st->q)[i], NOTESVEC_WEIGHTS(tf)[at], dl,
								   st->avgdl, st->k1, st->b);
		}
		st->nexact++;
	}
	MemoryContextSwitchTo(old);
	MemoryContextReset(st->rowcxt);
	/* No query term (another term of the same hash), or below the k-th. */
	if (s > 0)
		SearchOffer(st, id, s);
	return true;
}

/* DestReceiver callbacks with nothing to do. */
static void
SearchStartup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
SearchShutdown(DestReceiver *self)
{
}

/*
 * termvec_search(query, dfs, ndocs, avgdl, k): the k notes of note_vectors
 * of highest BM25 score (termvec_bm25 with the settings' k1 and b) for
 * query weights, as rows (note_id, score), best first (ties by note_id).
 *
 * Over impact cells: a term in cell c of a note adds at most weight *
 * NotesCellBound(c) to its score.  Terms in at most one note in
 * SEARCH_RARE are read whole first (MaxScore: cheap, and then they bound
 * nothing).  Until there are k notes, rounds read through the index (&@)
 * the notes holding a term in its cells of highest bound not read yet
 * (every note holding a term in a cell read has been read), and score
 * each new note (words only: a word bigram has no keys, and is a floor
 * held to its words' bounds in the last query).  Then, unless the k-th
 * best score is above the sum of the highest bounds left, one last cell
 * query over every cell not read yet, with the k-th best score as
 * threshold, returns every note not read yet that may reach it: a note
 * not read yet has each of its query terms in a cell not read yet, so the
 * bounds of the bands they fall in, summed, bound its score.
 */
Datum
termvec_search(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	NotesVec   *q = PG_GETARG_NOTESVEC(0);
	NotesVec   *dfs = PG_GETARG_NOTESVEC(1);
	double		ndocs = PG_GETARG_FLOAT8(2);
	double		avgdl = PG_GETARG_FLOAT8(3);
	int32		k = PG_GETARG_INT32(4);
	int			nq = q->n,
				i,
				c,
				nrounds = 0;
	double		bound[NOTES_CELLS];
	int			order[NOTES_CELLS];
	int		   *pos;
	bool	   *full,
			   *keyless;
	int32	   *groups,
			   *req;
	double		wsum = 0,
				scale;
	SearchState st;
	ParamListInfo params;
	SPIExecuteOptions opts;

	InitMaterializedSRF(fcinfo, 0);
	if (k <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be positive, not %d", k)));
	CheckCount(ndocs, "ndocs");
	CheckCount(avgdl, "avgdl");
	CheckBm25Params(notes_bm25_k1, notes_bm25_b);
	if (nq == 0 || avgdl <= 0)
		PG_RETURN_VOID();

	memset(&st, 0, sizeof(st));
	st.pub.receiveSlot = SearchReceive;
	st.pub.rStartup = SearchStartup;
	st.pub.rShutdown = SearchShutdown;
	st.pub.rDestroy = SearchShutdown;
	st.pub.mydest = DestNone;
	st.q = q;
	st.nq = nq;
	st.avgdl = avgdl;
	st.k1 = notes_bm25_k1;
	st.b = notes_bm25_b;
	st.k = k;
	st.cap = Min(k, 1024);
	st.heap = palloc(sizeof(SearchHit) * st.cap);
	st.seen = seenset_create(CurrentMemoryContext, 1024, NULL);
	st.rowcxt = AllocSetContextCreate(CurrentMemoryContext, "termvec_search row", ALLOCSET_DEFAULT_SIZES);

	/* Cells by bound, highest first (the same order for every term). */
	for (c = 0; c < NOTES_CELLS; c++)
	{
		bound[c] = NotesCellBound(c, avgdl, st.k1, st.b);
		order[c] = c;
	}
	for (i = 1; i < NOTES_CELLS; i++)
	{
		int			t = order[i],
					j = i;

		while (j > 0 && (bound[order[j - 1]] < bound[t] ||
						 (bound[order[j - 1]] == bound[t] && order[j - 1] > t)))
		{
			order[j] = order[j - 1];
			j--;
		}
		order[j] = t;
	}

	pos = palloc0(sizeof(int) * nq);
	full = palloc0(sizeof(bool) * nq);
	st.qhash = palloc(sizeof(uint32) * nq);
	for (i = 0; i < nq; i++)
	{
		int64_t		at = NotesVecFind(dfs, NOTESVEC_TERM(q, i), NOTESVEC_TERMLEN(q, i));

		st.qhash[i] = TermHash(NOTESVEC_TERM(q, i), NOTESVEC_TERMLEN(q, i));
		full[i] = at >= 0 && NOTESVEC_WEIGHTS(dfs)[at] * SEARCH_RARE <= ndocs;
	}
	st.qorder = palloc(sizeof(int) * nq);
	st.part = palloc(sizeof(double) * nq);
	for (i = 0; i < nq; i++)
	{
		int			j = i;

		while (j > 0 && st.qhash[st.qorder[j - 1]] > st.qhash[i])
		{
			st.qorder[j] = st.qorder[j - 1];
			j--;
		}
		st.qorder[j] = i;
	}
	params = makeParamList(1);
	params->params[0].isnull = false;
	params->params[0].pflags = PARAM_FLAG_CONST;
	params->params[0].ptype = INT4ARRAYOID;
	memset(&opts, 0, sizeof(opts));
	opts.params = params;
	opts.read_only = true;
	opts.dest = (DestReceiver *) &st;

	SPI_connect();
	if (search_plan == NULL)
	{
		Oid			argtypes[1] = {INT4ARRAYOID};
		/*
		 * Always the generic plan (the index scan): a custom plan costs
		 * the cell query's many partial matches and may choose to read
		 * every note.
		 */
		SPIPlanPtr	p = SPI_prepare_cursor("SELECT note_id, doclen, tf, postings FROM referral_crm.note_vectors"
										   " WHERE tf OPERATOR(referral_crm.&@) $1", 1, argtypes,
										   CURSOR_OPT_GENERIC_PLAN);

		if (p == NULL)
			elog(ERROR, "SPI_prepare failed: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(p);
		search_plan = p;
	}

	/*
	 * Fixed-point bounds for the cell queries: scale so that the sum of the
	 * weights is 2^30 (the threshold and every sum fit an int32).
	 */
	for (i = 0; i < nq; i++)
		wsum += NOTESVEC_WEIGHTS(q)[i];
	scale = wsum > 0 ? 1073741824.0 / wsum : 1;
	groups = palloc(sizeof(int32) * (1 + (Size) CELLQ_GROUP * nq * (Max(SEARCH_BANDS, 2) + 1)));

	/*
	 * A word bigram of the query requires its two words (query terms too,
	 * unless left out): a note without one of them has not the bigram.
	 */
	req = palloc(sizeof(int32) * 2 * nq);
	keyless = palloc(sizeof(bool) * nq);
	for (i = 0; i < nq; i++)
	{
		const char *t = NOTESVEC_TERM(q, i);
		uint32_t	len = NOTESVEC_TERMLEN(q, i);
		const char *sp = memchr(t, ' ', len);

		req[2 * i] = req[2 * i + 1] = -1;
		if (sp != NULL && sp > t && sp + 1 < t + len)
		{
			req[2 * i] = (int32) NotesVecFind(q, t, (uint32_t) (sp - t));
			req[2 * i + 1] = (int32) NotesVecFind(q, sp + 1, (uint32_t) (t + len - sp - 1));
		}

		/*
		 * A bigram whose two words are query terms is read through them (a
		 * floor held to their bounds).  A term of several words without
		 * them (a query vector not made by the analyser) is read whole in
		 * the first round through the keys of its first word, which every
		 * note holding it has.
		 */
		keyless[i] = TermIsPhrase(t, len) && req[2 * i] >= 0 && req[2 * i + 1] >= 0;
		if (TermIsPhrase(t, len) && !keyless[i])
			full[i] = true;
	}

	for (;;)
	{
		double		rest = 0,
					top = 0,
					level;
		int			ng = 0;
		int64		theta = 0;
		bool		last;

		CHECK_FOR_INTERRUPTS();
		/* What a note not read yet can score at most. */
		for (i = 0; i < nq; i++)
			if (pos[i] < NOTES_CELLS)
			{
				double		u = NOTESVEC_WEIGHTS(q)[i] * bound[order[pos[i]]];

				rest += u;
				top = Max(top, u);
			}
		if (top <= 0 || (st.ncount == k && st.heap[0].score > rest))
			break;

		last = (st.ncount == k);
		if (last)
		{
			/*
			 * k notes: one last cell query over every cell not read yet, in
			 * bands of close bounds, that returns only the notes whose
			 * bands sum to at least the k-th best score (block-max, as
			 * WAND): any other note scores less.
			 */
			for (i = 0; i < nq; i++)
			{
				double		w = NOTESVEC_WEIGHTS(q)[i];
				int			nb = 0,
							j;

				while (pos[i] < NOTES_CELLS)
				{
					int32	   *g = groups + 1 + ng * CELLQ_GROUP;
					double		hi = w * bound[order[pos[i]]],
								u = ceil(hi * scale);
					bool		bigram = keyless[i];

					memset(g, 0, sizeof(int32) * CELLQ_GROUP);
					g[0] = TermKeyPrefix(NOTESVEC_TERM(q, i), NOTESVEC_TERMLEN(q, i));
					g[9] = i;
					g[10] = (int32) Min(u, (double) PG_INT32_MAX);
					g[11] = req[2 * i];
					g[12] = req[2 * i + 1];
					for (j = 0; j < 2; j++)
						if (req[2 * i + j] >= 0)
							g[13 + j] = (int32) Min(ceil(w / NOTESVEC_WEIGHTS(q)[req[2 * i + j]] * 65536.0),
													(double) PG_INT32_MAX);
					nb++;
					if (bigram)
					{
						/*
						 * A bigram (no keys): a floor (an empty mask) at
						 * its highest bound, held to its words' bounds.
						 */
						pos[i] = NOTES_CELLS;
						ng++;
						break;
					}
					while (pos[i] < NOTES_CELLS &&
						   (nb == SEARCH_BANDS || w * bound[order[pos[i]]] >= hi * SEARCH_BAND_RATIO))
					{
						c = order[pos[i]++];
						g[1 + (c >> 5)] = (int32) (((uint32) g[1 + (c >> 5)]) | ((uint32) 1 << (c & 31)));
					}
					ng++;
				}
			}
			if (st.ncount == k)
			{
				theta = (int64) floor(st.heap[0].score * scale);
				theta = Max(theta, 0);
				theta = Min(theta, (int64) PG_INT32_MAX);
			}
		}
		else
		{
			/*
			 * Fewer than k notes: the cells of each word above 0.6 times
			 * the highest bound left among the words (all of a rare
			 * word's), a group per word (bound 1, threshold 1: any note in
			 * them).  Bigrams have no keys: the notes holding one hold its
			 * two words (query terms too), found by the words' cells, and
			 * the last query counts a bigram as a floor held to its words'
			 * bounds.  Once every word is read whole, so is every note
			 * holding a bigram.
			 */
			double		topw = 0;

			for (i = 0; i < nq; i++)
				if (pos[i] < NOTES_CELLS && !keyless[i])
					topw = Max(topw, NOTESVEC_WEIGHTS(q)[i] * bound[order[pos[i]]]);
			if (topw <= 0)
			{
				for (i = 0; i < nq; i++)
					pos[i] = NOTES_CELLS;
				continue;
			}
			level = 0.6 * topw;
			theta = 1;
			for (i = 0; i < nq; i++)
			{
				int32	   *g = groups + 1 + ng * CELLQ_GROUP;
				bool		any = false;

				if (keyless[i])
					continue;
				memset(g, 0, sizeof(int32) * CELLQ_GROUP);
				g[0] = TermKeyPrefix(NOTESVEC_TERM(q, i), NOTESVEC_TERMLEN(q, i));
				g[9] = i;
				g[10] = 1;
				g[11] = -1;
				g[12] = -1;
				while (pos[i] < NOTES_CELLS &&
					   (full[i] || NOTESVEC_WEIGHTS(q)[i] * bound[order[pos[i]]] >= level))
				{
					c = order[pos[i]++];
					g[1 + (c >> 5)] = (int32) (((uint32) g[1 + (c >> 5)]) | ((uint32) 1 << (c & 31)));
					any = true;
				}
				if (any)
					ng++;
			}
		}
		/* Every round reads a cell: finite bounds and weights see to it. */
		if (ng == 0)
			elog(ERROR, "termvec_search: no cell left to read");
		groups[0] = (int32) theta;
		{
			int			nd = 1 + ng * CELLQ_GROUP;
			Datum	   *d = palloc(sizeof(Datum) * nd);

			for (i = 0; i < nd; i++)
				d[i] = Int32GetDatum(groups[i]);
			params->params[0].value =
				PointerGetDatum(construct_array(d, nd, INT4OID, 4, true, TYPALIGN_INT));
			pfree(d);
		}
		if (SPI_execute_plan_extended(search_plan, &opts) < 0)
			elog(ERROR, "termvec_search: SPI_execute_plan_extended failed");
		pfree(DatumGetPointer(params->params[0].value));
		nrounds++;
		if (last)
			break;
	}
	SPI_finish();
	elog(DEBUG1, "termvec_search: %d rounds, %ld rows read, %ld notes scored, %ld exactly",
		 nrounds, (long) st.nread, (long) st.seen->members, (long) st.nexact);

	qsort(st.heap, st.ncount, sizeof(SearchHit), HitCmp);
	for (i = 0; i < st.ncount; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = Int64GetDatum(st.heap[i].id);
		values[1] = Float8GetDatum(st.heap[i].score);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}
