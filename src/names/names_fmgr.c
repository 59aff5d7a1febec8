/*-------------------------------------------------------------------------
 *
 * names_fmgr.c
 *	  SQL-callable glue of the names room: the clinician_name type, the
 *	  string metrics, name_similarity and name_match_explain, the index keys
 *	  behind match_clinician, and the per-backend caches of the nickname
 *	  table (referral_crm.name_variants) and of the name frequencies
 *	  (referral_crm.name_frequencies).
 *
 *	  The caches are loaded on first use with SPI and dropped when either
 *	  table changes: a statement trigger on each table sends a relcache
 *	  invalidation, which every backend receives at its next command.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "access/hash.h"
#include "catalog/namespace.h"
#include "catalog/pg_type_d.h"
#include "commands/trigger.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "rcrm_snapshot.h"
#include "names/names_metrics.h"
#include "names/names_parse.h"
#include "names/names_score.h"
#include "names/names_text.h"

void		RcrmNamesInit(void);

/* Settings. */
static double names_auto_threshold = 0.93;
static double names_review_threshold = 0.75;
static double names_auto_margin = 0.01;

/*
 * On-disk form of clinician_name: a varlena holding
 *   uint8 version, uint8 ncred, uint16 normlen,
 *   normalised block (normlen bytes): family, given, middle, suffix, title,
 *     nickname, then each credential, every one NUL-terminated;
 *   display block: the same six fields as written, NUL-terminated.
 * Equality, ordering and hashing use the normalised block only.
 */
#define CN_VERSION 1
#define CN_HDR 4
typedef struct varlena ClinicianNameData;

static const NamesField cn_order[NAMES_NFIELDS] = {
	NAMES_FAMILY, NAMES_GIVEN, NAMES_MIDDLE, NAMES_SUFFIX, NAMES_TITLE, NAMES_NICK
};

/* Values are read in place, short (1-byte) headers included. */
#define PG_GETARG_CN(n) ((struct varlena *) PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(n)))
#define CN_BODY(v) ((const uint8 *) VARDATA_ANY(v))
#define CN_NORMLEN(v) ((int) CN_BODY(v)[2] | ((int) CN_BODY(v)[3] << 8))

/* An unpacked clinician_name: pointers into the varlena. */
typedef struct CnView
{
	const char *norm[NAMES_NFIELDS];
	int			normlen[NAMES_NFIELDS];
	const char *disp[NAMES_NFIELDS];
	int			ncred;
	const char *cred[NAMES_MAX_CREDS];
} CnView;

static void CnUnpackExt(const struct varlena *cn, CnView *v, bool display);
static int	CnCmp(const struct varlena *a, const struct varlena *b);

/* Unpack a clinician_name. */
static void
CnUnpack(const struct varlena *cn, CnView *v)
{
	CnUnpackExt(cn, v, true);
}

/*
 * Positions of the first NAMES_NFIELDS NUL bytes of a normalised block of
 * n <= 64 bytes at p, of which avail >= n bytes may be read, found without
 * a branch per byte (a loop per field mispredicts once per field, since
 * names vary in length); false if the block has fewer NULs or the case is
 * not handled (the caller then scans byte by byte).  Loads stay within the
 * avail bytes: a last partial block is loaded as the 16 bytes ending there.
 */
static inline bool
CnFieldEnds(const char *p, int n, int avail, int *ends)
{
#if defined(__SSE2__)
	const __m128i zero = _mm_setzero_si128();
	uint64		mask = 0;
	int			o,
				i;

	if (n > 64 || n > avail || avail < 16)
		return false;
	for (o = 0; o < n; o += 16)
	{
		uint32		m;

		if (o + 16 <= avail)
			m = (uint32) _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) (p + o)), zero));
		else
			m = (uint32) _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *) (p + avail - 16)),
														  zero)) >> (o + 16 - avail);
		mask |= (uint64) m << o;
	}
	if (n < 64)
		mask &= ((uint64) 1 << n) - 1;
	for (i = 0; i < NAMES_NFIELDS; i++)
	{
		if (mask == 0)
			return false;
		ends[i] = pg_rightmost_one_pos64(mask);
		mask &= mask - 1;
	}
	return true;
#else
	return false;
#endif
}

/* Unpack the normalised fields, and the display fields if asked. */
static void
CnUnpackExt(const struct varlena *cn, CnView *v, bool display)
{
	const uint8 *body = CN_BODY(cn);
	const char *p = (const char *) body + CN_HDR;
	const char *end = (const char *) body + VARSIZE_ANY_EXHDR(cn);
	int			i;
	int			ends[NAMES_NFIELDS];

	if (body[0] != CN_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("clinician_name value has unknown format version %d", body[0])));
	if (CnFieldEnds(p, CN_NORMLEN(cn), (int) (end - p), ends))
	{
		int			start = 0;

		for (i = 0; i < NAMES_NFIELDS; i++)
		{
			v->norm[cn_order[i]] = p + start;
			v->normlen[cn_order[i]] = ends[i] - start;
			start = ends[i] + 1;
		}
		p += start;
	}
	else
		for (i = 0; i < NAMES_NFIELDS; i++)
		{
			int			l = 0;

			/* fields are short: an inline scan beats a call to strnlen */
			while (p + l < end && p[l] != '\0')
				l++;

			v->norm[cn_order[i]] = p < end ? p : "";
			v->normlen[cn_order[i]] = l;
			if (p < end)
				p += l + 1;
		}
	if (!display)
		return;
	v->ncred = Min(body[1], NAMES_MAX_CREDS);
	for (i = 0; i < v->ncred; i++)
	{
		v->cred[i] = p < end ? p : "";
		if (p < end)
			p += strnlen(p, end - p) + 1;
	}
	for (i = 0; i < NAMES_NFIELDS; i++)
	{
		v->disp[cn_order[i]] = p < end ? p : "";
		if (p < end)
			p += strnlen(p, end - p) + 1;
	}
}

/* View for the scorer. */
static void
CnScoreView(const CnView *c, NamesView *v)
{
	int			i;

	for (i = 0; i < NAMES_NFIELDS; i++)
	{
		v->f[i] = c->norm[i];
		v->l[i] = c->normlen[i];
	}
}

/* Build the varlena from a parse. */
static ClinicianNameData *
CnFromParsed(const NamesParsed *p)
{
	StringInfoData buf;
	ClinicianNameData *cn;
	int			i;
	int			normlen;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, "\0\0\0\0\0\0\0\0", CN_HDR + VARHDRSZ);
	for (i = 0; i < NAMES_NFIELDS; i++)
	{
		appendBinaryStringInfo(&buf, NamesPtr(p, p->norm[cn_order[i]]), p->norm[cn_order[i]].len);
		appendStringInfoChar(&buf, '\0');
	}
	for (i = 0; i < p->ncred; i++)
	{
		appendBinaryStringInfo(&buf, NamesPtr(p, p->cred[i]), p->cred[i].len);
		appendStringInfoChar(&buf, '\0');
	}
	normlen = buf.len - (CN_HDR + VARHDRSZ);
	for (i = 0; i < NAMES_NFIELDS; i++)
	{
		appendBinaryStringInfo(&buf, NamesPtr(p, p->disp[cn_order[i]]), p->disp[cn_order[i]].len);
		appendStringInfoChar(&buf, '\0');
	}
	cn = (ClinicianNameData *) buf.data;
	SET_VARSIZE(cn, buf.len);
	((uint8 *) VARDATA(cn))[0] = CN_VERSION;
	((uint8 *) VARDATA(cn))[1] = (uint8) p->ncred;
	((uint8 *) VARDATA(cn))[2] = (uint8) (normlen & 0xFF);
	((uint8 *) VARDATA(cn))[3] = (uint8) (normlen >> 8);
	return cn;
}

/* Convert text in the server encoding to UTF-8 (palloc'd when converted). */
static char *
NamesToUtf8(const char *s, int len, int *outlen)
{
	char	   *u = (char *) pg_do_encoding_conversion((unsigned char *) unconstify(char *, s), len,
													   GetDatabaseEncoding(), PG_UTF8);

	*outlen = (u == s) ? len : (int) strlen(u);
	return u;
}

/* Report a plain-C status as an error. */
static void
NamesReport(int rc, const char *what, int sqlstate)
{
	if (rc == NAMES_ERR_TOO_LONG)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("%s is too long", what),
				 errdetail("Names are limited to %d bytes and string metric operands to %d characters.",
						   NAMES_MAX_BYTES, NAMES_MAX_CHARS)));
	if (rc == NAMES_ERR_ENCODING)
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("%s is not valid UTF-8", what)));
	if (rc == NAMES_ERR_EMPTY)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("%s has no given or family name", what),
				 errdetail("The text is empty, blank, punctuation, or titles and credentials only."),
				 errhint("Write at least a family name, for example \"Smith, Robert\".")));
	if (rc == NAMES_ERR_MEMORY)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory while processing %s", what)));
	if (rc < 0)
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("%s: %s", what, NamesStatusMessage(rc))));
}

/* Parse text into p; returns the status (errors are the caller's choice). */
static int
NamesParseText(const char *s, int len, NamesParsed *p)
{
	int			ulen;
	char	   *u;

	if (len > NAMES_MAX_BYTES * 4)
		return NAMES_ERR_TOO_LONG;
	u = NamesToUtf8(s, len, &ulen);
	return NamesParse(u, ulen, p);
}

/* One parse buffer per backend (12 kB; no call nests another parse). */
static NamesParsed names_parse_buf;

/* Parse or raise. */
static ClinicianNameData *
CnParseOrError(const char *s, int len, const char *what, int sqlstate)
{
	NamesParsed *p = &names_parse_buf;
	int			rc = NamesParseText(s, len, p);

	NamesReport(rc, what, sqlstate);
	return CnFromParsed(p);
}

/* Canonical text: [Title ]Family, Given[ "Nick"][ Middle][, Suffix][, Cred]... */
static char *
CnToCanonical(const struct varlena *cn)
{
	CnView		v;
	StringInfoData buf;
	int			i;

	CnUnpack(cn, &v);
	initStringInfo(&buf);
	if (v.disp[NAMES_TITLE][0])
		appendStringInfo(&buf, "%s ", v.disp[NAMES_TITLE]);
	appendStringInfoString(&buf, v.disp[NAMES_FAMILY]);
	appendStringInfoChar(&buf, ',');
	if (v.disp[NAMES_GIVEN][0])
		appendStringInfo(&buf, " %s", v.disp[NAMES_GIVEN]);
	if (v.disp[NAMES_NICK][0])
		appendStringInfo(&buf, " \"%s\"", v.disp[NAMES_NICK]);
	if (v.disp[NAMES_MIDDLE][0])
		appendStringInfo(&buf, " %s", v.disp[NAMES_MIDDLE]);
	if (v.disp[NAMES_SUFFIX][0])
		appendStringInfo(&buf, ", %s", v.disp[NAMES_SUFFIX]);
	for (i = 0; i < v.ncred; i++)
		appendStringInfo(&buf, ", %s", v.cred[i]);
	/* "Smith," alone: keep the comma so that the family reading is kept */
	if (!v.disp[NAMES_GIVEN][0] && v.ncred == 0 && !v.disp[NAMES_SUFFIX][0] && v.disp[NAMES_FAMILY][0])
		return buf.data;
	if (!v.disp[NAMES_GIVEN][0] && v.disp[NAMES_FAMILY][0])
	{
		/* "Smith,, MD": the empty given segment */
		StringInfoData b2;
		char	   *comma = strchr(buf.data + (v.disp[NAMES_TITLE][0] ? strlen(v.disp[NAMES_TITLE]) + 1 : 0), ',');

		initStringInfo(&b2);
		appendBinaryStringInfo(&b2, buf.data, comma - buf.data + 1);
		appendStringInfoChar(&b2, ',');
		appendStringInfoString(&b2, comma + 1);
		return b2.data;
	}
	return buf.data;
}

/* A second parse buffer: the text output checks its text by parsing it. */
static NamesParsed names_check_buf;

/* Does UTF-8 text s parse to a value equal to cn? */
static bool
CnTextReadsAs(const char *s, const struct varlena *cn)
{
	NamesParsed *p = &names_check_buf;
	ClinicianNameData *back;
	bool		same;

	if (NamesParse(s, strlen(s), p) != NAMES_OK)
		return false;
	back = CnFromParsed(p);
	same = CnCmp(back, cn) == 0;
	pfree(back);
	return same;
}

/*
 * Another text form: natural order, [Title ]Given[ "Nick"][ Middle] Family,
 * or (quoted) a given name alone in quotes, [Title ]"Given" (a quoted name
 * alone is the given name); then [, Suffix][, Cred]....  NULL when the
 * name has not that shape (natural: a given and a family name; quoted: a
 * given name and no family, nickname or middle name).
 */
static char *
CnToOtherText(const struct varlena *cn, bool quoted)
{
	CnView		v;
	StringInfoData buf;
	int			i;

	CnUnpack(cn, &v);
	if (!v.disp[NAMES_GIVEN][0])
		return NULL;
	if (quoted ? (v.disp[NAMES_FAMILY][0] || v.disp[NAMES_NICK][0] || v.disp[NAMES_MIDDLE][0])
		: !v.disp[NAMES_FAMILY][0])
		return NULL;
	initStringInfo(&buf);
	if (v.disp[NAMES_TITLE][0])
		appendStringInfo(&buf, "%s ", v.disp[NAMES_TITLE]);
	if (quoted)
		appendStringInfo(&buf, "\"%s\"", v.disp[NAMES_GIVEN]);
	else
	{
		appendStringInfoString(&buf, v.disp[NAMES_GIVEN]);
		if (v.disp[NAMES_NICK][0])
			appendStringInfo(&buf, " \"%s\"", v.disp[NAMES_NICK]);
		if (v.disp[NAMES_MIDDLE][0])
			appendStringInfo(&buf, " %s", v.disp[NAMES_MIDDLE]);
		appendStringInfo(&buf, " %s", v.disp[NAMES_FAMILY]);
	}
	if (v.disp[NAMES_SUFFIX][0])
		appendStringInfo(&buf, ", %s", v.disp[NAMES_SUFFIX]);
	for (i = 0; i < v.ncred; i++)
		appendStringInfo(&buf, ", %s", v.cred[i]);
	return buf.data;
}

/*
 * The text form: the canonical one when it reads back as an equal value,
 * else the first of the natural order and the quoted given name that
 * does ("la, Ma" would read Ma as a credential, ", Smith John" as two
 * names); the canonical one when none does.
 */
static char *
CnToText(const struct varlena *cn)
{
	char	   *s = CnToCanonical(cn);
	char	   *alt;

	if (CnTextReadsAs(s, cn))
		return s;
	alt = CnToOtherText(cn, false);
	if (alt != NULL && CnTextReadsAs(alt, cn))
		return alt;
	alt = CnToOtherText(cn, true);
	if (alt != NULL && CnTextReadsAs(alt, cn))
		return alt;
	return s;
}

PG_FUNCTION_INFO_V1(clinician_name_in);
PG_FUNCTION_INFO_V1(clinician_name_out);
PG_FUNCTION_INFO_V1(clinician_name_recv);
PG_FUNCTION_INFO_V1(clinician_name_send);
PG_FUNCTION_INFO_V1(clinician_name_from_text);
PG_FUNCTION_INFO_V1(clinician_name_try);
PG_FUNCTION_INFO_V1(clinician_name_eq);
PG_FUNCTION_INFO_V1(clinician_name_ne);
PG_FUNCTION_INFO_V1(clinician_name_lt);
PG_FUNCTION_INFO_V1(clinician_name_le);
PG_FUNCTION_INFO_V1(clinician_name_gt);
PG_FUNCTION_INFO_V1(clinician_name_ge);
PG_FUNCTION_INFO_V1(clinician_name_cmp);
PG_FUNCTION_INFO_V1(clinician_name_hash);
PG_FUNCTION_INFO_V1(clinician_name_given);
PG_FUNCTION_INFO_V1(clinician_name_family);
PG_FUNCTION_INFO_V1(clinician_name_middle);
PG_FUNCTION_INFO_V1(clinician_name_suffix);
PG_FUNCTION_INFO_V1(clinician_name_title);
PG_FUNCTION_INFO_V1(clinician_name_nickname);
PG_FUNCTION_INFO_V1(clinician_name_credentials);
PG_FUNCTION_INFO_V1(clinician_name_key);

/* Type input. */
Datum
clinician_name_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(CnParseOrError(s, strlen(s), "clinician name",
									 ERRCODE_INVALID_TEXT_REPRESENTATION));
}

/* Type output: the canonical text form. */
Datum
clinician_name_out(PG_FUNCTION_ARGS)
{
	struct varlena *cn = PG_GETARG_CN(0);
	char	   *s = CnToText(cn);

	/* back to the server encoding */
	PG_RETURN_CSTRING((char *) pg_do_encoding_conversion((unsigned char *) s, strlen(s),
														  PG_UTF8, GetDatabaseEncoding()));
}

/* Binary input: a version byte, then the text form. */
Datum
clinician_name_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version = pq_getmsgbyte(buf);
	int			nbytes;
	char	   *s;

	if (version != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("unsupported clinician_name binary format version %d", version)));
	s = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);
	PG_RETURN_POINTER(CnParseOrError(s, nbytes, "clinician name",
									 ERRCODE_INVALID_BINARY_REPRESENTATION));
}

/* Binary output. */
Datum
clinician_name_send(PG_FUNCTION_ARGS)
{
	struct varlena *cn = PG_GETARG_CN(0);
	StringInfoData buf;
	char	   *u = CnToText(cn);

	/*
	 * pq_sendtext converts from the server encoding (to the client's), and
	 * recv reads the text in the server encoding: the UTF-8 text goes back
	 * to the server encoding first, as in the text output.
	 */
	char	   *s = (char *) pg_do_encoding_conversion((unsigned char *) u, strlen(u),
													   PG_UTF8, GetDatabaseEncoding());

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, 1);
	pq_sendtext(&buf, s, strlen(s));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Cast from text. */
Datum
clinician_name_from_text(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_POINTER(CnParseOrError(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), "clinician name",
									 ERRCODE_INVALID_TEXT_REPRESENTATION));
}

/* Parse or NULL: for bulk work where an unusable name is a result, not an error. */
Datum
clinician_name_try(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	NamesParsed *p = &names_parse_buf;
	int			rc = NamesParseText(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), p);

	if (rc != NAMES_OK)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(CnFromParsed(p));
}

/* Three-way comparison of the normalised blocks. */
static int
CnCmp(const struct varlena *a, const struct varlena *b)
{
	int			la = CN_NORMLEN(a);
	int			lb = CN_NORMLEN(b);
	int			c = memcmp(CN_BODY(a) + CN_HDR, CN_BODY(b) + CN_HDR, Min(la, lb));

	if (c != 0)
		return c;
	return la - lb;
}

#define CN_CMP_FN(name, op) \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	PG_RETURN_BOOL(CnCmp(PG_GETARG_CN(0), PG_GETARG_CN(1)) op 0); \
}

CN_CMP_FN(clinician_name_eq, ==)
CN_CMP_FN(clinician_name_ne, !=)
CN_CMP_FN(clinician_name_lt, <)
CN_CMP_FN(clinician_name_le, <=)
CN_CMP_FN(clinician_name_gt, >)
CN_CMP_FN(clinician_name_ge, >=)

/* btree support. */
Datum
clinician_name_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(CnCmp(PG_GETARG_CN(0), PG_GETARG_CN(1)));
}

/* hash support: the normalised block. */
Datum
clinician_name_hash(PG_FUNCTION_ARGS)
{
	struct varlena *cn = PG_GETARG_CN(0);

	return hash_any((const unsigned char *) CN_BODY(cn) + CN_HDR, CN_NORMLEN(cn));
}

/* A display field as text, NULL when empty. */
static Datum
CnField(FunctionCallInfo fcinfo, NamesField f, bool norm)
{
	struct varlena *cn = PG_GETARG_CN(0);
	CnView		v;
	const char *s;

	CnUnpack(cn, &v);
	s = norm ? v.norm[f] : v.disp[f];
	if (s[0] == '\0')
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text((char *) pg_do_encoding_conversion((unsigned char *) unconstify(char *, s),
																	   strlen(s), PG_UTF8,
																	   GetDatabaseEncoding())));
}

Datum
clinician_name_given(PG_FUNCTION_ARGS)
{
	return CnField(fcinfo, NAMES_GIVEN, false);
}

Datum
clinician_name_family(PG_FUNCTION_ARGS)
{
	return CnField(fcinfo, NAMES_FAMILY, false);
}

Datum
clinician_name_middle(PG_FUNCTION_ARGS)
{
	return CnField(fcinfo, NAMES_MIDDLE, false);
}

Datum
clinician_name_suffix(PG_FUNCTION_ARGS)
{
	return CnField(fcinfo, NAMES_SUFFIX, false);
}

Datum
clinician_name_title(PG_FUNCTION_ARGS)
{
	return CnField(fcinfo, NAMES_TITLE, false);
}

Datum
clinician_name_nickname(PG_FUNCTION_ARGS)
{
	return CnField(fcinfo, NAMES_NICK, false);
}

/* The normalised form "family|given|middle|suffix" used for grouping. */
Datum
clinician_name_key(PG_FUNCTION_ARGS)
{
	struct varlena *cn = PG_GETARG_CN(0);
	CnView		v;

	CnUnpack(cn, &v);
	PG_RETURN_TEXT_P(cstring_to_text(psprintf("%s|%s|%s|%s", v.norm[NAMES_FAMILY], v.norm[NAMES_GIVEN],
											  v.norm[NAMES_MIDDLE], v.norm[NAMES_SUFFIX])));
}

/* Credentials as text[] (empty array when none). */
Datum
clinician_name_credentials(PG_FUNCTION_ARGS)
{
	struct varlena *cn = PG_GETARG_CN(0);
	CnView		v;
	Datum	   *elems;
	int			i;

	CnUnpack(cn, &v);
	elems = palloc(sizeof(Datum) * (v.ncred + 1));
	for (i = 0; i < v.ncred; i++)
		elems[i] = CStringGetTextDatum(v.cred[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, v.ncred, TEXTOID, -1, false, TYPALIGN_INT));
}

/* ------------------------------------------------------------------------
 * String metrics
 * ------------------------------------------------------------------------
 */
PG_FUNCTION_INFO_V1(names_normalize);
PG_FUNCTION_INFO_V1(names_jaro_winkler);
PG_FUNCTION_INFO_V1(names_jaro);
PG_FUNCTION_INFO_V1(names_levenshtein);
PG_FUNCTION_INFO_V1(names_damerau_levenshtein);
PG_FUNCTION_INFO_V1(names_soundex);
PG_FUNCTION_INFO_V1(names_nysiis);
PG_FUNCTION_INFO_V1(names_double_metaphone);

/* Decode a text argument into code points (palloc'd). */
static uint32_t *
NamesArgCps(text *t, int *n, const char *what)
{
	int			ulen;
	char	   *u = NamesToUtf8(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &ulen);
	uint32_t   *cps;
	int			rc;

	if (ulen > NAMES_MAX_CHARS * 4)
		NamesReport(NAMES_ERR_TOO_LONG, what, ERRCODE_INVALID_PARAMETER_VALUE);
	cps = palloc(sizeof(uint32_t) * (NAMES_MAX_CHARS + 1));
	rc = NamesUtf8Decode(u, ulen, cps, NAMES_MAX_CHARS);
	NamesReport(rc, what, ERRCODE_INVALID_PARAMETER_VALUE);
	*n = rc;
	return cps;
}

/* normalize_name(text) */
Datum
names_normalize(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			ulen;
	char	   *u = NamesToUtf8(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &ulen);
	size_t		cap;
	char	   *out;
	int			rc;

	if (ulen > NAMES_MAX_BYTES)
		NamesReport(NAMES_ERR_TOO_LONG, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	cap = NamesNormalizeCap(ulen);
	out = palloc(cap);
	rc = NamesNormalize(u, ulen, out, cap);
	NamesReport(rc, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(out, rc));
}

/* jaro_winkler(a, b, long_tolerance) */
Datum
names_jaro_winkler(PG_FUNCTION_ARGS)
{
	int			na,
				nb;
	uint32_t   *a = NamesArgCps(PG_GETARG_TEXT_PP(0), &na, "first argument");
	uint32_t   *b = NamesArgCps(PG_GETARG_TEXT_PP(1), &nb, "second argument");
	bool		lt = PG_NARGS() > 2 ? PG_GETARG_BOOL(2) : false;

	PG_RETURN_FLOAT8(NamesJaro(a, na, b, nb, true, lt));
}

/* jaro_similarity(a, b) */
Datum
names_jaro(PG_FUNCTION_ARGS)
{
	int			na,
				nb;
	uint32_t   *a = NamesArgCps(PG_GETARG_TEXT_PP(0), &na, "first argument");
	uint32_t   *b = NamesArgCps(PG_GETARG_TEXT_PP(1), &nb, "second argument");

	PG_RETURN_FLOAT8(NamesJaro(a, na, b, nb, false, false));
}

/* levenshtein(a, b) */
Datum
names_levenshtein(PG_FUNCTION_ARGS)
{
	int			na,
				nb;
	uint32_t   *a = NamesArgCps(PG_GETARG_TEXT_PP(0), &na, "first argument");
	uint32_t   *b = NamesArgCps(PG_GETARG_TEXT_PP(1), &nb, "second argument");

	PG_RETURN_INT32(NamesLevenshtein(a, na, b, nb));
}

/* damerau_levenshtein(a, b) */
Datum
names_damerau_levenshtein(PG_FUNCTION_ARGS)
{
	int			na,
				nb;
	uint32_t   *a = NamesArgCps(PG_GETARG_TEXT_PP(0), &na, "first argument");
	uint32_t   *b = NamesArgCps(PG_GETARG_TEXT_PP(1), &nb, "second argument");
	int			d = NamesDamerauLevenshtein(a, na, b, nb);

	NamesReport(d < 0 ? d : 0, "damerau_levenshtein", ERRCODE_INVALID_PARAMETER_VALUE);
	PG_RETURN_INT32(d);
}

/* Text argument as UTF-8 with a length check. */
static char *
NamesArgUtf8(text *t, int *ulen)
{
	char	   *u = NamesToUtf8(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), ulen);

	if (*ulen > NAMES_MAX_BYTES)
		NamesReport(NAMES_ERR_TOO_LONG, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	return u;
}

/* Result text back in the server encoding. */
static text *
NamesResult(const char *s)
{
	return cstring_to_text((char *) pg_do_encoding_conversion((unsigned char *) unconstify(char *, s),
															  strlen(s), PG_UTF8, GetDatabaseEncoding()));
}

/* soundex(text) */
Datum
names_soundex(PG_FUNCTION_ARGS)
{
	int			ulen;
	char	   *u = NamesArgUtf8(PG_GETARG_TEXT_PP(0), &ulen);
	char		out[16];
	int			rc = NamesSoundex(u, ulen, out);

	NamesReport(rc, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	PG_RETURN_TEXT_P(NamesResult(out));
}

/* nysiis(text) */
Datum
names_nysiis(PG_FUNCTION_ARGS)
{
	int			ulen;
	char	   *u = NamesArgUtf8(PG_GETARG_TEXT_PP(0), &ulen);
	size_t		cap = (size_t) ulen * 24 + 16;
	char	   *out = palloc(cap);
	int			rc = NamesNysiis(u, ulen, out, cap);

	NamesReport(rc, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	PG_RETURN_TEXT_P(NamesResult(out));
}

/* double_metaphone(text) returns text[]: {primary, alternate}. */
Datum
names_double_metaphone(PG_FUNCTION_ARGS)
{
	int			ulen;
	char	   *u = NamesArgUtf8(PG_GETARG_TEXT_PP(0), &ulen);
	size_t		cap = NamesNormalizeCap(ulen);
	char	   *ascii = palloc(cap);
	int			n = NamesToAscii(u, ulen, ascii, cap);
	char		p[8],
				a[8];
	Datum		elems[2];

	NamesReport(n, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	NamesDoubleMetaphone(ascii, n, 4, p, a);
	elems[0] = CStringGetTextDatum(p);
	elems[1] = CStringGetTextDatum(a);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, 2, TEXTOID, -1, false, TYPALIGN_INT));
}

/* ------------------------------------------------------------------------
 * Caches of name_variants and name_frequencies
 * ------------------------------------------------------------------------
 */
/*
 * One cached name: its nickname groups (name_variants) and its frequencies
 * (name_frequencies, as a family and as a given name).  Entries live in one
 * dense array, found through an open-addressing table of indexes (a lookup
 * is a hash of the bytes and, usually, one comparison; no key padding).
 */
typedef struct VariantEntry
{
	const char *name;			/* normalised, NUL-terminated (inl if short) */
	int			len;
	char		inl[28];		/* names shorter than this, kept in place */
	int			ngroups;
	int			maxgroups;
	int		   *groups;			/* ids of the formal names it belongs to */
	uint32		initials;		/* bit i: a formal name of it starts with 'a' + i */
	bool		has_family;		/* a name_frequencies row of kind 'f' */
	double		rarity;			/* its rarity */
	int64		family_count;	/* its directory count */
	int64		given_count;	/* directory count of kind 'g' (0 if none) */
} VariantEntry;

/* Most directory rows a broad (one-part) key may bring to a query. */
#define NAMES_BROAD_MAX 200

/* Longest name kept in the cache (bytes). */
#define NAMES_CACHE_MAXLEN 63

/* Members of one group (a formal name and its variants). */
typedef struct VariantGroup
{
	char		initial;
	int			nmembers;
	int			maxmembers;
	VariantEntry **members;
} VariantGroup;

/*
 * A slot of the open-addressing table: what the scorer reads (rarity,
 * initials, a mask of its nickname groups) kept beside the hash and
 * the first bytes of the name, so that a lookup usually touches one cache
 * line; the rest is in the dense VariantEntry array.
 */
typedef struct NameSlot
{
	uint32		hash;			/* 0: empty slot */
	uint8		len;
	bool		absent;			/* in names_hot only: a name the table lacks */
	uint16		gmask;			/* a bit per nickname group (NamesGroupBit); 0: none */
	char		head[8];		/* first bytes of the name */
	uint32		initials;
	uint32		entry;			/* index into names_entries */
	double		rarity;			/* family rarity; 1 when not a family name */
} NameSlot;

/*
 * The bit of a nickname group in NameSlot.gmask: two names that share a
 * group share its bit, so names whose masks are disjoint share no group
 * (the scorer then needs neither entry).
 */
static inline uint16
NamesGroupBit(int gid)
{
	return (uint16) 1 << (((uint32) gid * 2654435761u) >> 28);
}

static VariantEntry *names_entries = NULL;	/* dense, names_nentries used */
static int	names_nentries = 0;
static int	names_maxentries = 0;
static NameSlot *names_slots = NULL;
static uint32 names_slotmask = 0;

/*
 * A cache of the slots of short names (at most 8 bytes, most given and
 * family names) in front of the table: indexed by the name's bytes read as
 * one word, two ways per set, it answers the lookups of names that recur
 * (the names of a query, the common names of a directory) from 256 kB that
 * stay in the processor's cache, where the table (megabytes for a large
 * directory) costs a cache and TLB miss per lookup.  An entry is a copy of
 * the slot (head holds the whole name), or marks a name the table lacks.
 */
#define NAMES_HOT_BITS 12		/* sets; two entries each */
static NameSlot *names_hot = NULL;
static bool names_cache_ready = false;
static VariantGroup *variant_groups = NULL;
static int	nvariant_groups = 0;
static HTAB *names_keypop = NULL;	/* directory rows per broad (one-part) key */
static MemoryContext names_cache_cxt = NULL;

/* Entry of names_keypop. */
typedef struct KeyPopEntry
{
	char		key[72];		/* "F:<code>" or "G:<code>" */
	int64		rows;
} KeyPopEntry;

static void NamesCountBroadKeys(const char *kind, const char *name, int64 rows);
static Oid	variants_relid = InvalidOid;
static Oid	freq_relid = InvalidOid;

/*
 * Caches read under a snapshot that may predate a change of the name tables
 * (or with no active snapshot) are pinned to it (rcrm_snapshot.h); any
 * other load stays until the next invalidation.
 */
static bool names_pinned = false;
static RcrmSnapMark names_snap;
static LocalTransactionId names_inval_lxid = InvalidLocalTransactionId;

/* May the loaded caches be used under the active snapshot? */
static bool
NamesCacheUsable(void)
{
	return !names_pinned || RcrmSnapMarkHolds(&names_snap);
}

/* Drop the caches when name_variants or name_frequencies change. */
static void
NamesRelcacheCallback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == variants_relid || relid == freq_relid)
	{
		RcrmSnapNoteInval(&names_inval_lxid);
		if (names_cache_cxt != NULL)
			MemoryContextReset(names_cache_cxt);
		names_cache_ready = false;
		names_entries = NULL;
		names_slots = NULL;
		names_hot = NULL;
		names_nentries = names_maxentries = 0;
		names_slotmask = 0;
		variant_groups = NULL;
		nvariant_groups = 0;
		names_keypop = NULL;
	}
}

/* Hash of a name's bytes. */
static inline uint32
NamesHash(const char *s, int len)
{
	uint32		h = 2166136261u;
	int			i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char) s[i]) * 16777619u;
	h ^= h >> 15;
	return h ? h : 1;			/* 0 marks an empty slot */
}

/* Does slot sl hold the name s of length len (hash h)? */
static inline bool
NamesSlotIs(const NameSlot *sl, uint32 h, const char *s, int len)
{
	int			k,
				n;
	const char *full;

	if (sl->hash != h || sl->len != len)
		return false;
	n = len < (int) sizeof(sl->head) ? len : (int) sizeof(sl->head);
	for (k = 0; k < n; k++)
		if (sl->head[k] != s[k])
			return false;
	if (len <= (int) sizeof(sl->head))
		return true;
	full = names_entries[sl->entry].name;
	for (; k < len; k++)
		if (full[k] != s[k])
			return false;
	return true;
}

/* The cached slot of a normalised name, or NULL. */
static inline NameSlot *NamesProbe(uint32 h, const char *s, int len);

static inline NameSlot *
NamesLookup(const char *s, int len)
{
	uint32		h;

	if (names_slots == NULL || len <= 0 || len > NAMES_CACHE_MAXLEN)
		return NULL;
	h = NamesHash(s, len);
	return NamesProbe(h, s, len);
}

/* Does a names_hot entry hold the name whose bytes are w (len bytes)? */
static inline bool
NamesHotIs(const NameSlot *h, uint64 w, int len)
{
	uint64		hw;

	memcpy(&hw, h->head, sizeof(hw));
	return h->hash != 0 && h->len == len && hw == w;
}

/*
 * NamesLookup for a name of 1 to 8 bytes through names_hot (the table
 * must be loaded).  The answer is an entry of names_hot, which a later
 * lookup may replace: copy what you need before the next lookup.  A new
 * name enters the first way of its set, whose entry moves to the second.
 */
static inline NameSlot *
NamesLookupShort(const char *s, int len)
{
	uint64		w = 0;
	NameSlot   *h;
	NameSlot   *sl;
	int			i;

	for (i = 0; i < len; i++)
		w |= (uint64) (unsigned char) s[i] << (8 * i);
	h = &names_hot[2 * ((w * UINT64CONST(0x9E3779B97F4A7C15)) >> (64 - NAMES_HOT_BITS))];
	if (NamesHotIs(&h[0], w, len))
		return h[0].absent ? NULL : &h[0];
	if (NamesHotIs(&h[1], w, len))
		return h[1].absent ? NULL : &h[1];
	sl = NamesLookup(s, len);
	h[1] = h[0];
	if (sl != NULL)
		h[0] = *sl;
	else
	{
		memset(&h[0], 0, sizeof(h[0]));
		h[0].hash = 1;
		h[0].absent = true;
	}
	h[0].len = (uint8) len;
	memcpy(h[0].head, &w, sizeof(w));
	return sl != NULL ? &h[0] : NULL;
}

/*
 * Lookups of one comparison: a name is looked up once even when both
 * readings (direct and swapped) ask for it; the memo is emptied by
 * NamesEnv() before each comparison.  NamesMemoPrefetch() enters a long
 * name with its hash and starts loading its slot, so that the probe
 * overlaps the scorer's first Jaro-Winkler instead of waiting on memory.
 * Entries are keyed by address and length: the scorer passes the fields
 * of its two views, and its joined readings use buffers of their own.
 */
typedef struct NamesMemo
{
	const char *s;
	int			len;
	bool		done;			/* looked up: found and slot are the answer */
	bool		found;
	uint32		hash;			/* when not done: the name's hash */
	NameSlot	slot;			/* a copy: names_hot entries get replaced */
} NamesMemo;

static NamesMemo names_memo[8];
static int	names_nmemo = 0;

/* Probe the table for a name whose hash is known. */
static inline NameSlot *
NamesProbe(uint32 h, const char *s, int len)
{
	uint32		i;

	for (i = h & names_slotmask; names_slots[i].hash != 0; i = (i + 1) & names_slotmask)
		if (NamesSlotIs(&names_slots[i], h, s, len))
			return &names_slots[i];
	return NULL;
}

/* Enter a name longer than 8 bytes into the memo and prefetch its slot. */
static inline void
NamesMemoPrefetch(const char *s, int len)
{
	uint32		h;
	NamesMemo  *m;

	if (names_slots == NULL || len <= 8 || len > NAMES_CACHE_MAXLEN ||
		names_nmemo >= (int) lengthof(names_memo))
		return;
	h = NamesHash(s, len);
	m = &names_memo[names_nmemo++];
	m->s = s;
	m->len = len;
	m->done = false;
	m->found = false;
	m->hash = h;
#if defined(__GNUC__) || defined(__clang__)
	__builtin_prefetch(&names_slots[h & names_slotmask]);
#endif
}

/* NamesLookup through the memo of the current comparison. */
static NameSlot *
NamesLookupMemo(const char *s, int len)
{
	int			i;
	NamesMemo  *m;
	NameSlot   *e;

	for (i = 0; i < names_nmemo; i++)
	{
		m = &names_memo[i];
		if (m->s == s && m->len == len)
		{
			if (!m->done)
			{
				e = NamesProbe(m->hash, s, len);
				m->found = e != NULL;
				if (e != NULL)
					m->slot = *e;
				m->done = true;
			}
			return m->found ? &m->slot : NULL;
		}
	}
	if (names_nmemo >= (int) lengthof(names_memo))
		return NamesLookup(s, len);
	m = &names_memo[names_nmemo++];
	m->s = s;
	m->len = len;
	m->done = true;
	e = (len >= 1 && len <= 8 && names_hot != NULL) ? NamesLookupShort(s, len) : NamesLookup(s, len);
	m->found = e != NULL;
	if (e != NULL)
		m->slot = *e;
	return m->found ? &m->slot : NULL;
}

/* Find or add a name (the table is sized before loading). */
static VariantEntry *
VariantEnter(const char *name)
{
	int			len = (int) strlen(name);
	uint32		h,
				i;
	VariantEntry *e;
	NameSlot   *sl;

	if (len <= 0 || len > NAMES_CACHE_MAXLEN)
		return NULL;
	h = NamesHash(name, len);
	for (i = h & names_slotmask; names_slots[i].hash != 0; i = (i + 1) & names_slotmask)
		if (NamesSlotIs(&names_slots[i], h, name, len))
			return &names_entries[names_slots[i].entry];
	if (names_nentries >= names_maxentries)
		elog(ERROR, "referral_crm names cache is full");
	e = &names_entries[names_nentries++];
	memset(e, 0, sizeof(*e));
	if (len < (int) sizeof(e->inl))
	{
		memcpy(e->inl, name, len + 1);
		e->name = e->inl;
	}
	else
		e->name = MemoryContextStrdup(names_cache_cxt, name);
	e->len = len;
	sl = &names_slots[i];
	sl->hash = h;
	sl->len = (uint8) len;
	memcpy(sl->head, name, len < (int) sizeof(sl->head) ? len : (int) sizeof(sl->head));
	sl->entry = (uint32) (names_nentries - 1);
	return e;
}

/* Put a name into a group (once). */
static void
VariantJoin(VariantEntry *e, int gid)
{
	VariantGroup *g = &variant_groups[gid];
	int			i;

	for (i = 0; i < e->ngroups; i++)
		if (e->groups[i] == gid)
			return;
	if (e->ngroups == e->maxgroups)
	{
		e->maxgroups = e->maxgroups ? e->maxgroups * 2 : 4;
		e->groups = e->groups ? repalloc(e->groups, sizeof(int) * e->maxgroups) :
			MemoryContextAlloc(names_cache_cxt, sizeof(int) * e->maxgroups);
	}
	e->groups[e->ngroups++] = gid;
	if (g->initial >= 'a' && g->initial <= 'z')
		e->initials |= (uint32) 1 << (g->initial - 'a');
	if (g->nmembers == g->maxmembers)
	{
		g->maxmembers = g->maxmembers ? g->maxmembers * 2 : 8;
		g->members = g->members ? repalloc(g->members, sizeof(VariantEntry *) * g->maxmembers) :
			MemoryContextAlloc(names_cache_cxt, sizeof(VariantEntry *) * g->maxmembers);
	}
	g->members[g->nmembers++] = e;
}

/* Load both caches with SPI. */
static void
NamesLoadCaches(void)
{
	uint64		i;
	Oid			nsp;
	SPITupleTable *vt,
			   *ft;
	uint64		nv,
				nf;
	uint64		cap;
	uint64		nslots;
	char	   *prev = NULL;
	MemoryContext old;
	int			guc_level;

	if (names_cache_ready && NamesCacheUsable())
		return;
	names_cache_ready = false;
	names_pinned = RcrmSnapMustPin(names_inval_lxid) || !ActiveSnapshotSet();
	names_snap = RcrmSnapMarkNow();
	if (names_cache_cxt == NULL)
		names_cache_cxt = AllocSetContextCreate(TopMemoryContext, "referral_crm names cache",
												ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(names_cache_cxt);
	names_entries = NULL;
	names_slots = NULL;
	names_hot = NULL;
	names_nentries = names_maxentries = 0;
	variant_groups = NULL;
	nvariant_groups = 0;
	names_keypop = NULL;
	nsp = get_namespace_oid("referral_crm", false);
	variants_relid = get_relname_relid("name_variants", nsp);
	freq_relid = get_relname_relid("name_frequencies", nsp);

	/*
	 * Both tables are read whole: plan the reads with sequential scans
	 * allowed even when the caller disallows them (match_clinician does,
	 * for its own plan).
	 */
	guc_level = NewGUCNestLevel();
	(void) set_config_option("enable_seqscan", "on", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT name, variant FROM referral_crm.name_variants ORDER BY name, variant",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "cannot read referral_crm.name_variants");
	vt = SPI_tuptable;
	nv = SPI_processed;

	/*
	 * setup_roles() grants the view to the roles that read the name tables.
	 * Operators are qualified: the caller's search_path applies.
	 */
	if (SPI_execute("SELECT r.kind, r.name, r.rarity, f.directory_count"
					"  FROM referral_crm.name_rarity r JOIN referral_crm.name_frequencies f"
					"    ON f.kind OPERATOR(pg_catalog.=) r.kind AND f.name OPERATOR(pg_catalog.=) r.name",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "cannot read referral_crm.name_rarity");
	ft = SPI_tuptable;
	nf = SPI_processed;

	/* every name at most once: two per variant row, one per frequency row */
	cap = 2 * nv + nf + 1;
	for (nslots = 1024; nslots < cap + cap / 2; nslots *= 2)
		;
	if (cap > (uint64) PG_INT32_MAX / 2)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many names in referral_crm.name_variants and referral_crm.name_frequencies"),
				 errdetail("The name cache holds at most %d names.", PG_INT32_MAX / 2)));
	old = MemoryContextSwitchTo(names_cache_cxt);
	names_entries = MemoryContextAllocExtended(names_cache_cxt, sizeof(VariantEntry) * cap,
											   MCXT_ALLOC_HUGE);
	names_maxentries = (int) cap;
	names_slots = MemoryContextAllocExtended(names_cache_cxt, sizeof(NameSlot) * nslots,
											 MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	names_slotmask = (uint32) (nslots - 1);
	names_hot = MemoryContextAllocZero(names_cache_cxt, sizeof(NameSlot) * 2 << NAMES_HOT_BITS);
	variant_groups = palloc0(sizeof(VariantGroup) * (nv + 1));
	MemoryContextSwitchTo(old);
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(((KeyPopEntry *) NULL)->key);
		ctl.entrysize = sizeof(KeyPopEntry);
		ctl.hcxt = names_cache_cxt;
		names_keypop = hash_create("referral_crm name key populations", 4096, &ctl,
								   HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}

	/* Variants: a group per formal name, holding it and its variants. */
	for (i = 0; i < nv; i++)
	{
		char	   *name = SPI_getvalue(vt->vals[i], vt->tupdesc, 1);
		char	   *variant = SPI_getvalue(vt->vals[i], vt->tupdesc, 2);
		VariantEntry *formal,
				   *nick;

		if (name == NULL || variant == NULL)
			continue;
		formal = VariantEnter(name);
		nick = VariantEnter(variant);
		if (formal == NULL || nick == NULL)
			continue;
		if (prev == NULL || strcmp(prev, name) != 0)
		{
			nvariant_groups++;
			variant_groups[nvariant_groups].initial = name[0];
			VariantJoin(formal, nvariant_groups);
			prev = name;
		}
		VariantJoin(nick, nvariant_groups);
	}
	/* Frequencies: rarity (family names) and directory counts. */
	for (i = 0; i < nf; i++)
	{
		bool		isnull,
					cnull;
		char	   *kind = SPI_getvalue(ft->vals[i], ft->tupdesc, 1);
		char	   *name = SPI_getvalue(ft->vals[i], ft->tupdesc, 2);
		Datum		r = SPI_getbinval(ft->vals[i], ft->tupdesc, 3, &isnull);
		Datum		c = SPI_getbinval(ft->vals[i], ft->tupdesc, 4, &cnull);
		VariantEntry *e;

		if (kind == NULL || name == NULL || isnull || strlen(name) > 60)
			continue;
		e = VariantEnter(name);
		if (e == NULL)
			continue;
		if (kind[0] == 'f')
		{
			e->has_family = true;
			e->rarity = DatumGetFloat8(r);
			e->family_count = cnull ? 0 : DatumGetInt64(c);
		}
		else if (kind[0] == 'g')
			e->given_count = cnull ? 0 : DatumGetInt64(c);
		if (!cnull && DatumGetInt64(c) > 0)
			NamesCountBroadKeys(kind, name, DatumGetInt64(c));
	}
	SPI_finish();
	AtEOXact_GUC(true, guc_level);
	/* what the scorer reads, copied into the slots */
	for (i = 0; i < nslots; i++)
	{
		NameSlot   *sl = &names_slots[i];
		VariantEntry *e;
		int			g;

		if (sl->hash == 0)
			continue;
		e = &names_entries[sl->entry];
		sl->rarity = e->has_family ? e->rarity : 1.0;
		sl->initials = e->initials;
		sl->gmask = 0;
		for (g = 0; g < e->ngroups; g++)
			sl->gmask |= NamesGroupBit(e->groups[g]);
	}
	names_cache_ready = true;
}

/* Nickname relation for the scorer: the two names share a formal name. */
static bool
NamesRelated(void *arg, const char *a, int al, const char *b, int bl)
{
	NameSlot   *sa,
			   *sb;
	VariantEntry *ea,
			   *eb;
	int			i,
				j;

	/* an initial against a name: does a formal name of the name start with it? */
	if (al == 1 || bl == 1)
	{
		char		init = al == 1 ? a[0] : b[0];
		NameSlot   *e = al == 1 ? NamesLookupMemo(b, bl) : NamesLookupMemo(a, al);

		return e != NULL && init >= 'a' && init <= 'z' &&
			(e->initials & ((uint32) 1 << (init - 'a'))) != 0;
	}
	sa = NamesLookupMemo(a, al);
	if (sa == NULL || sa->gmask == 0)
		return false;
	sb = NamesLookupMemo(b, bl);
	/* disjoint group masks: no shared group */
	if (sb == NULL || (sa->gmask & sb->gmask) == 0)
		return false;
	ea = &names_entries[sa->entry];
	eb = &names_entries[sb->entry];
	for (i = 0; i < ea->ngroups; i++)
		for (j = 0; j < eb->ngroups; j++)
			if (ea->groups[i] == eb->groups[j])
				return true;
	return false;
}

/* Rarity of a family name for the scorer (1 when unknown). */
static double
NamesRarity(void *arg, const char *f, int len)
{
	NameSlot   *e = len <= 60 ? NamesLookupMemo(f, len) : NULL;

	return e != NULL ? e->rarity : 1.0;
}

/* true if a name of this kind is in the directory at all. */
static bool
NamesInDirectory(char kind, const char *f, int len)
{
	NameSlot   *sl = len <= 60 ? NamesLookup(f, len) : NULL;
	VariantEntry *e;

	if (sl == NULL)
		return false;
	e = &names_entries[sl->entry];
	return (kind == 'f' ? e->family_count : e->given_count) > 0;
}

/* true if a name of this kind is in the directory, but rarely. */
static bool
NamesRareInDirectory(char kind, const char *f, int len)
{
	NameSlot   *sl = len <= 60 ? NamesLookup(f, len) : NULL;
	VariantEntry *e;
	int64		n;

	if (sl == NULL)
		return false;
	e = &names_entries[sl->entry];
	n = kind == 'f' ? e->family_count : e->given_count;
	return n > 0 && n <= NAMES_BROAD_MAX;
}

/* The scorer's environment, caches loaded. */
static const NamesScoreEnv *
NamesEnv(void)
{
	static NamesScoreEnv env = {NamesRelated, NamesRarity, NULL};

	NamesLoadCaches();
	names_nmemo = 0;
	return &env;
}

/*
 * Start loading the slots the scorer will read for a pair: the family name
 * of the first (its rarity; the second's when the first has none) and both
 * given names (nickname groups), those longer than 8 bytes (shorter ones
 * come from names_hot).  Call after NamesEnv().
 */
static inline void
NamesPrefetchPair(const NamesView *a, const NamesView *b)
{
	if (a->l[NAMES_FAMILY] > 0)
		NamesMemoPrefetch(a->f[NAMES_FAMILY], a->l[NAMES_FAMILY]);
	else
		NamesMemoPrefetch(b->f[NAMES_FAMILY], b->l[NAMES_FAMILY]);
	NamesMemoPrefetch(a->f[NAMES_GIVEN], a->l[NAMES_GIVEN]);
	NamesMemoPrefetch(b->f[NAMES_GIVEN], b->l[NAMES_GIVEN]);
}

/* Statement trigger on the cached tables: tell every backend. */
PG_FUNCTION_INFO_V1(names_tables_changed);
Datum
names_tables_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("names_tables_changed() must be called as a trigger")));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(td->tg_relation));
	return PointerGetDatum(NULL);
}

/* ------------------------------------------------------------------------
 * Similarity, explanation, index keys
 * ------------------------------------------------------------------------
 */
PG_FUNCTION_INFO_V1(names_similarity_cn);
PG_FUNCTION_INFO_V1(names_similarity_text);
PG_FUNCTION_INFO_V1(names_explain_cn);
PG_FUNCTION_INFO_V1(names_explain_text);
PG_FUNCTION_INFO_V1(names_score_fields);
PG_FUNCTION_INFO_V1(names_keys);
PG_FUNCTION_INFO_V1(names_query_keys);

/* Per-call-site cache of the parsed first argument (fn_extra). */
typedef struct SimCache
{
	text	   *last;			/* copy of the text last parsed */
	NamesParsed parsed;
	int			rc;
} SimCache;

/* Parse a text argument, reusing the previous parse for the same text. */
static int
NamesParseCached(FunctionCallInfo fcinfo, int slot, text *t, NamesParsed **out)
{
	SimCache   *c = (SimCache *) fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SimCache) * 2);
		fcinfo->flinfo->fn_extra = c;
	}
	c += slot;
	if (c->last == NULL || VARSIZE_ANY_EXHDR(c->last) != VARSIZE_ANY_EXHDR(t) ||
		memcmp(VARDATA_ANY(c->last), VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t)) != 0)
	{
		if (c->last)
			pfree(c->last);
		c->last = NULL;
		c->rc = NamesParseText(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &c->parsed);
		c->last = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(t));
		memcpy(c->last, t, VARSIZE_ANY(t));
	}
	*out = &c->parsed;
	return c->rc;
}

/* name_similarity(clinician_name, clinician_name) */
Datum
names_similarity_cn(PG_FUNCTION_ARGS)
{
	CnView		a,
				b;
	NamesView	va,
				vb;

	const NamesScoreEnv *env;

	CnUnpackExt(PG_GETARG_CN(0), &a, false);
	CnUnpackExt(PG_GETARG_CN(1), &b, false);
	CnScoreView(&a, &va);
	CnScoreView(&b, &vb);
	env = NamesEnv();
	NamesPrefetchPair(&va, &vb);
	PG_RETURN_FLOAT8(NamesSimilarity(&va, &vb, env, NULL));
}

/* name_similarity(text, text): 0 when either has no name part. */
Datum
names_similarity_text(PG_FUNCTION_ARGS)
{
	NamesParsed *pa,
			   *pb;
	int			ra = NamesParseCached(fcinfo, 0, PG_GETARG_TEXT_PP(0), &pa);
	int			rb = NamesParseCached(fcinfo, 1, PG_GETARG_TEXT_PP(1), &pb);
	NamesView	va,
				vb;

	if (ra != NAMES_OK && ra != NAMES_ERR_EMPTY)
		NamesReport(ra, "first name", ERRCODE_INVALID_PARAMETER_VALUE);
	if (rb != NAMES_OK && rb != NAMES_ERR_EMPTY)
		NamesReport(rb, "second name", ERRCODE_INVALID_PARAMETER_VALUE);
	if (ra != NAMES_OK || rb != NAMES_OK)
		PG_RETURN_FLOAT8(0.0);
	NamesViewOf(pa, &va);
	NamesViewOf(pb, &vb);
	PG_RETURN_FLOAT8(NamesSimilarity(&va, &vb, NamesEnv(), NULL));
}

/* JSON number with fixed precision. */
static void
JsonNum(StringInfo b, const char *key, double v, bool comma)
{
	appendStringInfo(b, "%s\"%s\": %.4f", comma ? ", " : "", key, v);
}

/* The explanation document. */
static Datum
NamesExplain(const NamesView *a, const NamesView *b)
{
	NamesScoreDetail d;
	StringInfoData buf;
	double		den;

	NamesSimilarity(a, b, NamesEnv(), &d);
	den = d.w_family + d.w_given + d.w_middle;
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{");
	JsonNum(&buf, "score", d.score, false);
	appendStringInfo(&buf, ", \"reading\": \"%s\"", d.used_swap ? "swapped" : "direct");
	JsonNum(&buf, "direct", d.direct, true);
	JsonNum(&buf, "swapped", d.swapped, true);
	appendStringInfoString(&buf, ", \"family\": {");
	if (d.family >= 0)
		JsonNum(&buf, "similarity", d.family, false);
	else
		appendStringInfoString(&buf, "\"similarity\": null");
	JsonNum(&buf, "weight", den > 0 ? d.w_family / den : 0, true);
	JsonNum(&buf, "rarity", d.rarity, true);
	JsonNum(&buf, "contribution", den > 0 ? d.w_family * Max(d.family, 0) / den : 0, true);
	appendStringInfoString(&buf, "}, \"given\": {");
	if (d.given >= 0)
		JsonNum(&buf, "similarity", d.given, false);
	else
		appendStringInfoString(&buf, "\"similarity\": null");
	appendStringInfo(&buf, ", \"rule\": \"%s\"", NamesRuleName(d.given_rule));
	JsonNum(&buf, "weight", den > 0 ? d.w_given / den : 0, true);
	JsonNum(&buf, "contribution", den > 0 ? d.w_given * (d.given >= 0 ? d.given : 0.6) / den : 0, true);
	appendStringInfoString(&buf, "}, \"middle\": {");
	if (d.middle >= 0)
	{
		JsonNum(&buf, "similarity", d.middle, false);
		JsonNum(&buf, "weight", d.w_middle / den, true);
		JsonNum(&buf, "contribution", d.w_middle * d.middle / den, true);
	}
	else
		appendStringInfoString(&buf, "\"similarity\": null, \"weight\": 0, \"contribution\": 0");
	appendStringInfoString(&buf, "}}");
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data));
}

/* name_match_explain(clinician_name, clinician_name) */
Datum
names_explain_cn(PG_FUNCTION_ARGS)
{
	CnView		a,
				b;
	NamesView	va,
				vb;

	CnUnpack(PG_GETARG_CN(0), &a);
	CnUnpack(PG_GETARG_CN(1), &b);
	CnScoreView(&a, &va);
	CnScoreView(&b, &vb);
	PG_RETURN_DATUM(NamesExplain(&va, &vb));
}

/* name_match_explain(text, text) */
Datum
names_explain_text(PG_FUNCTION_ARGS)
{
	NamesParsed *pa,
			   *pb;
	int			ra = NamesParseCached(fcinfo, 0, PG_GETARG_TEXT_PP(0), &pa);
	int			rb = NamesParseCached(fcinfo, 1, PG_GETARG_TEXT_PP(1), &pb);
	NamesView	va,
				vb;

	NamesReport(ra, "first name", ERRCODE_INVALID_PARAMETER_VALUE);
	NamesReport(rb, "second name", ERRCODE_INVALID_PARAMETER_VALUE);
	NamesViewOf(pa, &va);
	NamesViewOf(pb, &vb);
	PG_RETURN_DATUM(NamesExplain(&va, &vb));
}

/* Normalise a nullable text argument into buf; returns the length (0 if NULL). */
static int
NamesNormArg(FunctionCallInfo fcinfo, int argno, char *buf, size_t cap)
{
	text	   *t;
	int			ulen;
	char	   *u;
	int			n;

	if (PG_ARGISNULL(argno))
		return 0;
	t = PG_GETARG_TEXT_PP(argno);
	u = NamesToUtf8(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &ulen);
	if ((size_t) ulen * 8 + 16 > cap)
		return 0;
	n = NamesNormalize(u, ulen, buf, cap);
	return n < 0 ? 0 : n;
}

/*
 * The best exact scores seen by one name_score call site (fn_extra) for
 * one query value: a min-heap of at most m of them.
 */
typedef struct ScoreTop
{
	struct varlena *query;		/* copy of the query value */
	int			m;
	double		slack;
	int			n;
	double		best[FLEXIBLE_ARRAY_MEMBER];	/* best[0]: the lowest */
} ScoreTop;

/* Most scores a ScoreTop keeps (a larger top is scored without bounds). */
#define NAMES_TOP_MAX 1000

/*
 * The ScoreTop of this call site for query q, top m and slack; emptied
 * when any of them changes.  NULL when m or slack is out of range.
 */
static ScoreTop *
ScoreTopFor(FunctionCallInfo fcinfo, const struct varlena *q, int m, double slack)
{
	ScoreTop   *st = (ScoreTop *) fcinfo->flinfo->fn_extra;
	Size		qlen = VARSIZE_ANY(q);

	if (m < 1 || m > NAMES_TOP_MAX || !(slack >= 0 && slack <= 1))
		return NULL;
	if (st != NULL && st->m == m && st->slack == slack &&
		VARSIZE_ANY(st->query) == qlen && memcmp(st->query, q, qlen) == 0)
		return st;
	if (st == NULL || st->m < m)
	{
		if (st != NULL)
		{
			pfree(st->query);
			pfree(st);
		}
		st = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, offsetof(ScoreTop, best) + sizeof(double) * m);
		st->query = NULL;
		fcinfo->flinfo->fn_extra = st;
	}
	if (st->query != NULL)
		pfree(st->query);
	st->query = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, qlen);
	memcpy(st->query, q, qlen);
	st->m = m;
	st->slack = slack;
	st->n = 0;
	return st;
}

/* Keep an exact score among the m best. */
static void
ScoreTopAdd(ScoreTop *st, double v)
{
	int			i,
				c;

	if (st->n < st->m)
	{
		/* sift up */
		i = st->n++;
		while (i > 0 && st->best[(i - 1) / 2] > v)
		{
			st->best[i] = st->best[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		st->best[i] = v;
		return;
	}
	if (v <= st->best[0])
		return;
	/* replace the lowest, sift down */
	i = 0;
	for (;;)
	{
		c = 2 * i + 1;
		if (c >= st->n)
			break;
		if (c + 1 < st->n && st->best[c + 1] < st->best[c])
			c++;
		if (st->best[c] >= v)
			break;
		st->best[i] = st->best[c];
		i = c;
	}
	st->best[i] = v;
}

/*
 * name_score(query clinician_name, given, middle, family, suffix): the
 * similarity of a parsed query to a directory row's name columns.
 *
 * name_score(query, given, middle, family, suffix, top, slack): the same
 * for the rows of one candidate set scored in turn by one call site
 * (match_clinician's).  Once top rows scored here for this query have
 * exact scores, a row whose score cannot exceed the lowest of the top best
 * less slack gets a value at most that (its readings stop on their
 * bounds); every other row gets its exact score.  Rows that can still be
 * among the top best, within slack, are therefore scored exactly; with
 * slack covering what evidence can add to a score, the others can be
 * among neither the top rows nor the rows near them.
 */
Datum
names_score_fields(PG_FUNCTION_ARGS)
{
	CnView		q;
	NamesView	vq,
				vr;
	char		g[NAMES_MAX_BYTES * 8 + 16],
				m[NAMES_MAX_BYTES * 8 + 16],
				f[NAMES_MAX_BYTES * 8 + 16],
				s[64];
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	CnUnpackExt(PG_GETARG_CN(0), &q, false);
	CnScoreView(&q, &vq);
	for (i = 0; i < NAMES_NFIELDS; i++)
	{
		vr.f[i] = "";
		vr.l[i] = 0;
	}
	vr.f[NAMES_GIVEN] = g;
	vr.l[NAMES_GIVEN] = NamesNormArg(fcinfo, 1, g, sizeof(g));
	vr.f[NAMES_MIDDLE] = m;
	vr.l[NAMES_MIDDLE] = NamesNormArg(fcinfo, 2, m, sizeof(m));
	vr.f[NAMES_FAMILY] = f;
	vr.l[NAMES_FAMILY] = NamesNormArg(fcinfo, 3, f, sizeof(f));
	vr.f[NAMES_SUFFIX] = s;
	vr.l[NAMES_SUFFIX] = PG_NARGS() > 4 ? NamesNormArg(fcinfo, 4, s, sizeof(s)) : 0;
	if (PG_NARGS() > 6 && !PG_ARGISNULL(5) && !PG_ARGISNULL(6))
	{
		ScoreTop   *st = ScoreTopFor(fcinfo, PG_GETARG_CN(0), PG_GETARG_INT32(5), PG_GETARG_FLOAT8(6));

		if (st != NULL)
		{
			double		cutoff = st->n < st->m ? -1.0 : st->best[0] - st->slack - 1e-9;
			double		v = NamesSimilarityBelow(&vq, &vr, NamesEnv(), cutoff);

			if (v > cutoff)
				ScoreTopAdd(st, v);
			PG_RETURN_FLOAT8(v);
		}
	}
	PG_RETURN_FLOAT8(NamesSimilarity(&vq, &vr, NamesEnv(), NULL));
}

/*
 * Index key builder: distinct keys, in the order first added, kept as C
 * strings (made text only by KeyArray).
 */
#define KEY_MAX 256
#define KEY_LEN 128				/* longer keys are cut to KEY_LEN - 1 bytes */
typedef struct KeySet
{
	int			n;
	uint8		len[KEY_MAX];
	char		str[KEY_MAX][KEY_LEN];	/* NUL-terminated */
} KeySet;

/* Key i of a key set, NUL-terminated. */
static inline const char *
KeyStr(const KeySet *ks, int i)
{
	return ks->str[i];
}

/*
 * Add the key prefix || a || ':' || b (without ":b" when b is NULL) unless
 * present.
 */
static void
KeyAdd(KeySet *ks, const char *prefix, const char *a, const char *b)
{
	char		buf[KEY_LEN];
	int			l = 0,
				i;
	const char *parts[4];
	int			np = 0,
				k;

	parts[np++] = prefix;
	parts[np++] = a;
	if (b != NULL)
	{
		parts[np++] = ":";
		parts[np++] = b;
	}
	for (k = 0; k < np; k++)
		for (i = 0; parts[k][i] != '\0' && l < KEY_LEN - 1; i++)
			buf[l++] = parts[k][i];
	buf[l] = '\0';
	for (i = 0; i < ks->n; i++)
		if (ks->len[i] == l && memcmp(ks->str[i], buf, l) == 0)
			return;
	if (ks->n < KEY_MAX)
	{
		memcpy(ks->str[ks->n], buf, l + 1);
		ks->len[ks->n] = (uint8) l;
		ks->n++;
	}
}

/* Up to four words of a normalised field, and the squashed whole. */
static int
NamesWords(const char *s, int len, char words[5][64])
{
	int			n = 0,
				i = 0,
				sq = 0;
	char		squash[64];

	while (i < len && n < 4)
	{
		int			j = i;

		while (j < len && s[j] != ' ')
			j++;
		if (j - i > 0 && j - i < 64)
		{
			memcpy(words[n], s + i, j - i);
			words[n][j - i] = '\0';
			n++;
		}
		i = j + 1;
	}
	for (i = 0; i < len && sq < 63; i++)
		if (s[i] != ' ')
			squash[sq++] = s[i];
	squash[sq] = '\0';
	if (n > 1 && sq > 0)
	{
		strcpy(words[n], squash);
		n++;
	}
	return n;
}

/*
 * Deletion-neighbourhood keys of a word's first four letters, tagged and
 * paired with the first letters of the other name part: two words whose
 * prefixes are within one edit (substitution, insertion, deletion) share a
 * key.
 */
static void
NamesDelKeys(KeySet *ks, char tag, const char *w, int wl, const char *other)
{
	char		pre[5];
	char		tagp[3] = {tag, ':', '\0'};
	int			pl = Min(wl, 4);
	int			i;

	memcpy(pre, w, pl);
	pre[pl] = '\0';
	if (pl < 4)
	{
		/* a short word whole, and its deletions ("cox" and "csx" share "cx") */
		KeyAdd(ks, tagp, pre, other);
		if (pl < 2)
			return;
	}
	for (i = 0; i < pl; i++)
	{
		char		del[4];
		int			j,
					k = 0;

		for (j = 0; j < pl; j++)
			if (j != i)
				del[k++] = pre[j];
		del[k] = '\0';
		KeyAdd(ks, tagp, del, other);
	}
}

/*
 * Keys of a (given, family) pair:
 *   f:<dm(family word)>:<given initial>       for queries with an initial
 *   h:<dm(family word)>:<given, two letters>  family sound, given start
 *   d:<family prefix, one letter deleted>:<given, two letters>
 *   e:<given prefix, one letter deleted>:<family word, two letters>
 *   F:<dm(family word)>, G:<dm(given)>        for names lacking the other part
 * Rows store every key.  A query with a given name looks up h, d and e (an
 * initial: f), the swapped reading, and h for each nickname variant of its
 * given name; F or G alone when a part is missing or rare.  One typo in one
 * part, or a phonetic spelling variant of the family name, still shares a
 * key with the right row; two-letter partners keep buckets small in a large
 * directory.  variants_only: h keys only (nickname variants).
 */
static void
NamesPairKeysExt(KeySet *ks, const char *given, int gl, const char *family, int fl, bool store,
				 bool variants_only, bool one_part)
{
	char		fw[5][64];
	int			nfw = NamesWords(family, fl, fw);
	char		gp[8],
				ga[8],
				g1[2],
				g2[3];
	int			i;

	if (gl > 0)
		NamesDoubleMetaphone(given, gl, 4, gp, ga);
	g1[0] = gl > 0 ? given[0] : '\0';
	g1[1] = '\0';
	g2[0] = gl > 0 ? given[0] : '\0';
	g2[1] = gl > 1 ? given[1] : '\0';
	g2[2] = '\0';
	for (i = 0; i < nfw; i++)
	{
		char		p[8],
					a[8],
					f2[3];
		int			wl = strlen(fw[i]);

		NamesDoubleMetaphone(fw[i], wl, 4, p, a);
		if (p[0] == '\0')
			strlcpy(p, fw[i], sizeof(p));
		f2[0] = fw[i][0];
		f2[1] = wl > 1 ? fw[i][1] : '\0';
		f2[2] = '\0';
		if (gl == 1 || (store && gl > 0))
		{
			KeyAdd(ks, "f:", p, g1);
			if (strcmp(a, p) != 0 && a[0])
				KeyAdd(ks, "f:", a, g1);
		}
		if (gl > 1)
		{
			KeyAdd(ks, "h:", p, g2);
			if (strcmp(a, p) != 0 && a[0])
				KeyAdd(ks, "h:", a, g2);
			if (!variants_only)
			{
				NamesDelKeys(ks, 'd', fw[i], wl, g2);
				NamesDelKeys(ks, 'e', given, gl, f2);
			}
		}
		if (store || gl == 0)
		{
			KeyAdd(ks, "F:", p, NULL);
			if (strcmp(a, p) != 0 && a[0])
				KeyAdd(ks, "F:", a, NULL);
		}
	}
	if (gl > 1 && (store || fl == 0))
		KeyAdd(ks, "G:", gp[0] ? gp : given, NULL);
	/*
	 * One-part deletion keys: of every family word, and of the given name
	 * of a row without a family name.  Rows store them; a query looks up
	 * those of a part written alone (family, or a lone given name) only
	 * through NamesBroadKeys, when they bring few rows: a typo in the
	 * family name then still finds a row whose given name was replaced.
	 */
	if (!variants_only && (store || one_part))
	{
		if (store || gl == 0)
			for (i = 0; i < nfw; i++)
				NamesDelKeys(ks, 'D', fw[i], strlen(fw[i]), "");
		if (fl == 0 && gl > 1)
			NamesDelKeys(ks, 'D', given, gl, "");
	}
}

/* All keys of a pair (see NamesPairKeysExt). */
static void
NamesPairKeys(KeySet *ks, const char *given, int gl, const char *family, int fl, bool store)
{
	NamesPairKeysExt(ks, given, gl, family, fl, store, false, false);
}

/* Add rows to the population of a broad key. */
static void
NamesKeyPopAdd(const char *fmt, const char *code, int64 rows)
{
	char		key[72];
	KeyPopEntry *e;
	bool		found;

	memset(key, 0, sizeof(key));
	snprintf(key, sizeof(key), fmt, code);
	e = hash_search(names_keypop, key, HASH_ENTER, &found);
	if (!found)
		e->rows = 0;
	e->rows += rows;
}

/*
 * Count a name_frequencies row (its directory count) into the population
 * of the broad keys its name gives (the F: and G: keys of
 * NamesPairKeysExt, computed the same way).
 */
static void
NamesCountBroadKeys(const char *kind, const char *name, int64 rows)
{
	int			len = (int) strlen(name);

	if (names_keypop == NULL || len == 0 || len >= 64)
		return;
	if (kind[0] == 'f')
	{
		char		fw[5][64];
		int			nfw = NamesWords(name, len, fw);
		int			i;

		for (i = 0; i < nfw; i++)
		{
			char		p[8],
						a[8];

			NamesDoubleMetaphone(fw[i], strlen(fw[i]), 4, p, a);
			if (p[0] == '\0')
				strlcpy(p, fw[i], sizeof(p));
			NamesKeyPopAdd("F:%s", p, rows);
			if (strcmp(a, p) != 0 && a[0])
				NamesKeyPopAdd("F:%s", a, rows);
		}
		/* the one-part deletion keys (distinct ones once) */
		{
			KeySet	   *tmp = palloc(sizeof(KeySet));
			int			k;

			tmp->n = 0;
			for (i = 0; i < nfw; i++)
				NamesDelKeys(tmp, 'D', fw[i], strlen(fw[i]), "");
			for (k = 0; k < tmp->n; k++)
				NamesKeyPopAdd("%s", KeyStr(tmp, k), rows);
			pfree(tmp);
		}
	}
	else if (kind[0] == 'g' && len > 1)
	{
		char		gp[8],
					ga[8];

		NamesDoubleMetaphone(name, len, 4, gp, ga);
		NamesKeyPopAdd("G:%s", gp[0] ? gp : name, rows);
	}
}

/*
 * Add the broad (one-part) keys of a name part, each only if it brings at
 * most NAMES_BROAD_MAX directory rows: a rare name can share its phonetic
 * code with common ones (Juan and John), and then its broad key would
 * bring thousands of candidates.
 */
static void
NamesBroadKeysExt(KeySet *ks, const char *given, int gl, const char *family, int fl, bool del)
{
	KeySet	   *tmp = palloc(sizeof(KeySet));
	int			i;

	tmp->n = 0;
	NamesPairKeysExt(tmp, given, gl, family, fl, false, false, del);
	for (i = 0; i < tmp->n; i++)
	{
		const char *k = KeyStr(tmp, i);
		char		key[72];
		KeyPopEntry *e;

		if (strlen(k) >= sizeof(key) || names_keypop == NULL)
			continue;
		memset(key, 0, sizeof(key));
		strcpy(key, k);
		e = hash_search(names_keypop, key, HASH_FIND, NULL);
		if (e != NULL && e->rows <= NAMES_BROAD_MAX)
			KeyAdd(ks, "", k, NULL);
	}
	pfree(tmp);
}

/* NamesBroadKeysExt with the one-part deletion keys. */
static void
NamesBroadKeys(KeySet *ks, const char *given, int gl, const char *family, int fl)
{
	NamesBroadKeysExt(ks, given, gl, family, fl, true);
}

/* Build a text[] from a key set. */
static Datum
KeyArray(KeySet *ks)
{
	Datum	   *d = palloc(sizeof(Datum) * (ks->n + 1));
	int			i;

	for (i = 0; i < ks->n; i++)
		d[i] = PointerGetDatum(cstring_to_text_with_len(ks->str[i], ks->len[i]));
	return PointerGetDatum(construct_array(d, ks->n, TEXTOID, -1, false, TYPALIGN_INT));
}

/* name_keys(given text, family text) returns text[]: the stored keys. */
Datum
names_keys(PG_FUNCTION_ARGS)
{
	char		g[NAMES_MAX_BYTES * 8 + 16],
				f[NAMES_MAX_BYTES * 8 + 16];
	int			gl = NamesNormArg(fcinfo, 0, g, sizeof(g));
	int			fl = NamesNormArg(fcinfo, 1, f, sizeof(f));
	KeySet	   *ks = palloc(sizeof(KeySet));
	char	   *sp;

	ks->n = 0;
	/* the first word of a given name ("mary ann" -> "mary") */
	if ((sp = memchr(g, ' ', gl)) != NULL)
		gl = sp - g;
	NamesPairKeys(ks, g, gl, f, fl, true);
	PG_RETURN_DATUM(KeyArray(ks));
}

/* name_query_keys(query text) returns text[]: keys to look up for a query. */
Datum
names_query_keys(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	NamesParsed *p = &names_parse_buf;
	int			rc = NamesParseText(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), p);
	KeySet	   *ks = palloc(sizeof(KeySet));
	const char *g,
			   *f;
	int			gl,
				fl;
	NameSlot   *sl;

	ks->n = 0;
	if (rc != NAMES_OK)
		PG_RETURN_DATUM(KeyArray(ks));
	g = NamesPtr(p, p->norm[NAMES_GIVEN]);
	gl = p->norm[NAMES_GIVEN].len;
	f = NamesPtr(p, p->norm[NAMES_FAMILY]);
	fl = p->norm[NAMES_FAMILY].len;
	if (gl > 0 && memchr(g, ' ', gl) != NULL)
		gl = (const char *) memchr(g, ' ', gl) - g;
	NamesPairKeys(ks, g, gl, f, fl, false);
	/* swapped reading; a lone part may be either */
	if (gl > 1 && fl > 1)
		NamesPairKeys(ks, f, fl, g, gl, false);
	else if (gl == 0 && fl > 1)
		NamesPairKeys(ks, f, fl, "", 0, false);
	else if (fl == 0 && gl > 1)
		NamesPairKeys(ks, "", 0, g, gl, false);
	/* middle and family read as one family name broken by a space */
	if (p->norm[NAMES_MIDDLE].len > 0 && fl > 0)
	{
		char		joined[128];
		int			n = 0,
					i;
		const char *m = NamesPtr(p, p->norm[NAMES_MIDDLE]);

		for (i = 0; i < p->norm[NAMES_MIDDLE].len && n < 63; i++)
			if (m[i] != ' ')
				joined[n++] = m[i];
		for (i = 0; i < fl && n < 127; i++)
			if (f[i] != ' ')
				joined[n++] = f[i];
		NamesPairKeys(ks, g, gl, joined, n, false);
	}
	/* a word broken by a stray space: given and middle as one given name */
	if (p->norm[NAMES_MIDDLE].len > 0 && p->norm[NAMES_MIDDLE].len <= 12 && gl > 0)
	{
		char		joined[128];
		int			n = 0,
					i;
		const char *m = NamesPtr(p, p->norm[NAMES_MIDDLE]);

		for (i = 0; i < gl && n < 63; i++)
			joined[n++] = g[i];
		for (i = 0; i < p->norm[NAMES_MIDDLE].len && n < 127; i++)
			if (m[i] != ' ')
				joined[n++] = m[i];
		NamesPairKeys(ks, joined, n, f, fl, false);
	}
	/*
	 * ... or given and family as one lone family name: its phonetic key
	 * only, if it brings few rows (deletion keys of the given name's
	 * letters would bring rows that have nothing in common with it)
	 */
	if (p->norm[NAMES_MIDDLE].len == 0 && gl > 1 && fl > 0 && gl + fl < 64 &&
		(gl <= 4 || fl <= 4))
	{
		char		joined[128];
		int			n = 0,
					i;

		for (i = 0; i < gl; i++)
			joined[n++] = g[i];
		for (i = 0; i < fl; i++)
			if (f[i] != ' ')
				joined[n++] = f[i];
		NamesLoadCaches();
		NamesBroadKeysExt(ks, "", 0, joined, n, false);
	}
	/* nickname: the nickname itself, and every name sharing a formal name */
	if (p->norm[NAMES_NICK].len > 0)
		NamesPairKeys(ks, NamesPtr(p, p->norm[NAMES_NICK]), p->norm[NAMES_NICK].len, f, fl, false);
	NamesLoadCaches();
	/*
	 * Broad keys (one part only) when that part is rare in the directory:
	 * they find the right row when the other part was written differently.
	 */
	if (fl > 1 && (gl == 0 || !NamesInDirectory('f', f, fl) || NamesRareInDirectory('f', f, fl)))
		NamesBroadKeys(ks, "", 0, f, fl);
	if (gl > 1 && fl == 0)
		NamesBroadKeys(ks, g, gl, "", 0);
	if (gl > 1 && fl > 0 && NamesRareInDirectory('g', g, gl))
		NamesBroadKeys(ks, g, gl, "", 0);
	/* the same across fields: a given name written as the family, or back */
	if (gl > 1 && fl > 1 && NamesRareInDirectory('f', g, gl))
		NamesBroadKeys(ks, "", 0, g, gl);
	if (gl > 1 && fl > 1 && memchr(f, ' ', fl) == NULL && NamesRareInDirectory('g', f, fl))
		NamesBroadKeys(ks, f, fl, "", 0);
	if (gl > 1 && (sl = NamesLookup(g, gl)) != NULL)
	{
		VariantEntry *e = &names_entries[sl->entry];

		int			i,
					j;

		for (i = 0; i < e->ngroups; i++)
		{
			VariantGroup *grp = &variant_groups[e->groups[i]];

			for (j = 0; j < grp->nmembers && ks->n < 200; j++)
				if (grp->members[j] != e)
					NamesPairKeysExt(ks, grp->members[j]->name, grp->members[j]->len, f, fl,
									 false, true, false);
		}
	}
	PG_RETURN_DATUM(KeyArray(ks));
}

/* ------------------------------------------------------------------------
 * Settings
 * ------------------------------------------------------------------------
 */

/* Define the names settings and the cache invalidation hook. */
void
RcrmNamesInit(void)
{
	DefineCustomRealVariable("referral_crm.name_auto_threshold",
							 "Score at or above which match_clinician's best candidate is linked automatically.",
							 "The best candidate must also lead the runner-up by referral_crm.name_auto_margin.",
							 &names_auto_threshold, 0.93, 0.0, 1.0, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("referral_crm.name_review_threshold",
							 "Score at or above which a candidate goes to review rather than being rejected.",
							 NULL, &names_review_threshold, 0.75, 0.0, 1.0, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("referral_crm.name_auto_margin",
							 "Lead over the runner-up that the automatic band requires.",
							 NULL, &names_auto_margin, 0.01, 0.0, 1.0, PGC_USERSET, 0, NULL, NULL, NULL);
	CacheRegisterRelcacheCallback(NamesRelcacheCallback, (Datum) 0);
}

PG_FUNCTION_INFO_V1(names_setting);

/* name_setting(which): the current value of a names setting (loads the module). */
Datum
names_setting(PG_FUNCTION_ARGS)
{
	char	   *which = text_to_cstring(PG_GETARG_TEXT_PP(0));

	if (strcmp(which, "auto_threshold") == 0)
		PG_RETURN_FLOAT8(names_auto_threshold);
	if (strcmp(which, "review_threshold") == 0)
		PG_RETURN_FLOAT8(names_review_threshold);
	if (strcmp(which, "auto_margin") == 0)
		PG_RETURN_FLOAT8(names_auto_margin);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown names setting \"%s\"", which),
			 errhint("Known settings are auto_threshold, review_threshold and auto_margin.")));
	PG_RETURN_NULL();
}

PG_FUNCTION_INFO_V1(names_metaphone);
PG_FUNCTION_INFO_V1(names_match_rating_codex);
PG_FUNCTION_INFO_V1(names_match_rating_comparison);

/* metaphone(text) */
Datum
names_metaphone(PG_FUNCTION_ARGS)
{
	int			ulen;
	char	   *u = NamesArgUtf8(PG_GETARG_TEXT_PP(0), &ulen);
	size_t		cap = (size_t) ulen * 8 + 16;
	char	   *out = palloc(cap);
	int			rc = NamesMetaphone(u, ulen, out, cap);

	NamesReport(rc, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	PG_RETURN_TEXT_P(NamesResult(out));
}

/* match_rating_codex(text) */
Datum
names_match_rating_codex(PG_FUNCTION_ARGS)
{
	int			ulen;
	char	   *u = NamesArgUtf8(PG_GETARG_TEXT_PP(0), &ulen);
	uint32_t	c[8];
	char		out[8 * 4 + 1];
	int			n = NamesMatchRatingCodex(u, ulen, c, 8);
	int			o = 0,
				i;

	NamesReport(n, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	for (i = 0; i < n; i++)
		o += NamesUtf8Encode(c[i], out + o);
	out[o] = '\0';
	PG_RETURN_TEXT_P(NamesResult(out));
}

/* match_rating_comparison(a, b): NULL when the codex lengths differ by 3 or more. */
Datum
names_match_rating_comparison(PG_FUNCTION_ARGS)
{
	int			al,
				bl;
	char	   *a = NamesArgUtf8(PG_GETARG_TEXT_PP(0), &al);
	char	   *b = NamesArgUtf8(PG_GETARG_TEXT_PP(1), &bl);
	int			r = NamesMatchRatingCompare(a, al, b, bl);

	if (r == -1)
		PG_RETURN_NULL();
	NamesReport(r < 0 ? r : 0, "name", ERRCODE_INVALID_PARAMETER_VALUE);
	PG_RETURN_BOOL(r == 1);
}
