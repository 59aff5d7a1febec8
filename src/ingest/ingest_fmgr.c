/*-------------------------------------------------------------------------
 *
 * ingest_fmgr.c
 *	  SQL-callable glue for ingestion: the INSTEAD OF INSERT trigger behind
 *	  the staging_<feed> views (so that COPY into a view numbers its rows),
 *	  stage_csv() for files that may hold malformed records, and the strict
 *	  date parsers that return NULL instead of raising, so that bulk
 *	  validation is set-based and needs no subtransactions.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_type_d.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "access/heapam.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "ingest/normalize.h"
#include "ingest/parse.h"
#include "model/codes.h"

PG_FUNCTION_INFO_V1(stage_row);
PG_FUNCTION_INFO_V1(stage_csv);
PG_FUNCTION_INFO_V1(parse_timestamptz);
PG_FUNCTION_INFO_V1(parse_timestamptz_zone);
PG_FUNCTION_INFO_V1(parse_date);
PG_FUNCTION_INFO_V1(map_code);
PG_FUNCTION_INFO_V1(norm_zip);
PG_FUNCTION_INFO_V1(norm_icd10_list);
PG_FUNCTION_INFO_V1(unpack_fields);

#define STAGED_ROWS_NATTS 7
#define MAX_FEED_COLUMNS 64

/* Per-statement state of the staging trigger (kept in fn_extra). */
typedef struct StageState
{
	int64		load_id;
	int64		row_no;
} StageState;

/* OID of referral_crm.<name>, or an error if the extension is broken. */
static Oid
ExtensionRelid(const char *name)
{
	Oid			nsp = get_namespace_oid("referral_crm", false);
	Oid			relid = get_relname_relid(name, nsp);

	if (!OidIsValid(relid))
		elog(ERROR, "relation referral_crm.%s does not exist", name);
	return relid;
}

/* A new load id from referral_crm.staging_load_seq. */
static int64
NextLoadId(void)
{
	return DatumGetInt64(DirectFunctionCall1(nextval_oid,
											 ObjectIdGetDatum(ExtensionRelid("staging_load_seq"))));
}

/*
 * Append one row to referral_crm.staged_rows.  The table has no indexes and
 * no triggers (checked), so a plain heap insert is all it needs; the
 * privilege that matters is INSERT on the staging view or EXECUTE on
 * stage_csv.
 */
static void
StageInsert(Relation rel, text *feed, int64 load_id, int64 row_no,
			Datum fields, const char *raw, const char *problem)
{
	Datum		values[STAGED_ROWS_NATTS];
	bool		nulls[STAGED_ROWS_NATTS] = {false, false, false, false, false, false, false};
	HeapTuple	tup;

	values[0] = PointerGetDatum(feed);
	values[1] = Int64GetDatum(load_id);
	values[2] = Int64GetDatum(row_no);
	values[3] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	values[4] = fields;
	values[5] = raw ? CStringGetTextDatum(raw) : (Datum) 0;
	nulls[5] = raw == NULL;
	values[6] = problem ? CStringGetTextDatum(problem) : (Datum) 0;
	nulls[6] = problem == NULL;
	tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);
	simple_heap_insert(rel, tup);
	heap_freetuple(tup);
}

/* Open staged_rows for appending, checking that its shape is what we write. */
static Relation
OpenStagedRows(void)
{
	Relation	rel = table_open(ExtensionRelid("staged_rows"), RowExclusiveLock);

	if (RelationGetDescr(rel)->natts != STAGED_ROWS_NATTS ||
		rel->rd_rel->relhasindex || rel->rd_rel->relhastriggers)
		elog(ERROR, "referral_crm.staged_rows must have %d columns, no index and no trigger",
			 STAGED_ROWS_NATTS);
	return rel;
}

/*
 * stage_row(): INSTEAD OF INSERT FOR EACH ROW trigger on a staging_<feed>
 * view; TG_ARGV[0] is the feed.  Every column of the view is text.  The
 * rows of one statement (one COPY) share a load id and are numbered from 1
 * in the order they arrive.
 */
Datum
stage_row(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	StageState *state;
	Datum		elems[MAX_FEED_COLUMNS];
	bool		elemnulls[MAX_FEED_COLUMNS];
	int			dims[1],
				lbs[1] = {1};
	int			i;
	Relation	rel;
	ArrayType  *arr;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_INSTEAD(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) || trigdata->tg_trigger->tgnargs != 1)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("stage_row must be an INSTEAD OF INSERT row trigger with the feed as argument")));

	desc = trigdata->tg_relation->rd_att;
	if (desc->natts > MAX_FEED_COLUMNS)
		elog(ERROR, "staging view has more than %d columns", MAX_FEED_COLUMNS);

	state = (StageState *) fcinfo->flinfo->fn_extra;
	if (state == NULL)
	{
		state = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(StageState));
		state->load_id = NextLoadId();
		fcinfo->flinfo->fn_extra = state;
	}
	state->row_no++;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->atttypid != TEXTOID)
			elog(ERROR, "staging view column \"%s\" is not text", NameStr(att->attname));
		elems[i] = heap_getattr(trigdata->tg_trigtuple, i + 1, desc, &elemnulls[i]);
	}
	dims[0] = desc->natts;
	arr = construct_md_array(elems, elemnulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT);

	rel = OpenStagedRows();
	StageInsert(rel, cstring_to_text(trigdata->tg_trigger->tgargs[0]),
				state->load_id, state->row_no, PointerGetDatum(arr), NULL, NULL);
	table_close(rel, NoLock);
	return PointerGetDatum(trigdata->tg_trigtuple);
}

/* The column list of a feed, from referral_crm.ingest_feeds. */
static int
FeedColumns(const char *feed, char **cols, int maxcols)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	int			n = 0;
	int			ret;

	MemoryContext caller = CurrentMemoryContext;

	args[0] = CStringGetTextDatum(feed);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute_with_args("SELECT unnest(columns) FROM referral_crm.ingest_feeds WHERE feed = $1",
								1, argtypes, args, NULL, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "could not read referral_crm.ingest_feeds");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown feed \"%s\"", feed),
				 errhint("The feeds are listed in referral_crm.ingest_feeds.")));
	for (n = 0; n < (int) SPI_processed && n < maxcols; n++)
	{
		char	   *v = SPI_getvalue(SPI_tuptable->vals[n], SPI_tuptable->tupdesc, 1);

		cols[n] = MemoryContextStrdup(caller, v);
	}
	SPI_finish();
	return n;
}

/* Whether a header field names the expected column (trimmed, any case). */
static bool
HeaderMatches(const CsvField *f, const char *expected)
{
	const char *s = f->start;
	size_t		len = f->len;

	while (len > 0 && (*s == ' ' || *s == '\t'))
	{
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len == strlen(expected) && pg_strncasecmp(s, expected, len) == 0;
}

/*
 * stage_csv(feed text, csv text) returns table (load_id bigint, staged
 * bigint, malformed bigint).  Parses a whole CSV file whose first record is
 * the feed's header, and stages every record: well-formed ones with their
 * fields (whatever their number), malformed ones with their raw text and a
 * problem, so that ingest() rejects them with a reason.
 */
Datum
stage_csv(PG_FUNCTION_ARGS)
{
	char	   *feed = text_to_cstring(PG_GETARG_TEXT_PP(0));
	text	   *csv = PG_GETARG_TEXT_PP(1);
	const char *data = VARDATA_ANY(csv);
	size_t		len = VARSIZE_ANY_EXHDR(csv);
	char	   *cols[MAX_FEED_COLUMNS];
	int			ncols;
	CsvReader	reader;
	CsvField	fields[MAX_FEED_COLUMNS + 1];
	int			nfields;
	CsvStatus	st;
	int64		load_id;
	int64		row_no = 0;
	int64		malformed = 0;
	Relation	rel;
	MemoryContext rowcxt,
				oldcxt;
	text	   *feedtxt = cstring_to_text(feed);
	TupleDesc	tupdesc;
	Datum		result[3];
	bool		rnulls[3] = {false, false, false};
	int			i;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "stage_csv must return a composite");
	ncols = FeedColumns(feed, cols, MAX_FEED_COLUMNS);

	/* A UTF-8 byte order mark is not part of the header. */
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
	{
		data += 3;
		len -= 3;
	}
	CsvInit(&reader, data, len);
	st = CsvNext(&reader, fields, MAX_FEED_COLUMNS + 1, &nfields);
	if (st == CSV_END)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("CSV for feed \"%s\" is empty", feed),
				 errdetail("The first record must be the header.")));
	if (st != CSV_RECORD || nfields != ncols)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("CSV header for feed \"%s\" has %d columns, expected %d", feed, nfields, ncols),
				 errhint("The columns of each feed are listed in referral_crm.ingest_feeds.")));
	for (i = 0; i < ncols; i++)
		if (!HeaderMatches(&fields[i], cols[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("CSV header for feed \"%s\" has \"%.*s\" where \"%s\" is expected",
							feed, (int) Min(fields[i].len, 64), fields[i].start, cols[i]),
					 errdetail("Column %d of the header does not match the feed's layout.", i + 1),
					 errhint("The columns of each feed are listed in referral_crm.ingest_feeds.")));

	load_id = NextLoadId();
	rel = OpenStagedRows();
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "stage_csv row", ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		st = CsvNext(&reader, fields, MAX_FEED_COLUMNS + 1, &nfields);
		if (st == CSV_END)
			break;
		row_no++;
		oldcxt = MemoryContextSwitchTo(rowcxt);
		if (st == CSV_MALFORMED || nfields > MAX_FEED_COLUMNS)
		{
			size_t		rawlen = reader.record_end - reader.record_start;
			char	   *raw = pnstrdup(reader.data + reader.record_start, rawlen);

			StageInsert(rel, feedtxt, load_id, row_no,
						PointerGetDatum(construct_empty_array(TEXTOID)), raw,
						st == CSV_MALFORMED ? reader.error : "too many fields");
			malformed++;
		}
		else
		{
			Datum		elems[MAX_FEED_COLUMNS];
			bool		nulls[MAX_FEED_COLUMNS];
			int			dims[1] = {nfields},
						lbs[1] = {1};

			for (i = 0; i < nfields; i++)
			{
				/* As in COPY: an unquoted empty field is NULL. */
				nulls[i] = fields[i].len == 0 && !fields[i].quoted;
				if (!nulls[i])
				{
					text	   *t = (text *) palloc(VARHDRSZ + fields[i].len);
					size_t		n = CsvUnescape(&fields[i], VARDATA(t));

					SET_VARSIZE(t, VARHDRSZ + n);
					elems[i] = PointerGetDatum(t);
				}
				else
					elems[i] = (Datum) 0;
			}
			StageInsert(rel, feedtxt, load_id, row_no,
						PointerGetDatum(construct_md_array(elems, nulls, 1, dims, lbs,
														   TEXTOID, -1, false, TYPALIGN_INT)),
						NULL, NULL);
		}
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(rowcxt);
	}
	table_close(rel, NoLock);
	MemoryContextDelete(rowcxt);

	result[0] = Int64GetDatum(load_id);
	result[1] = Int64GetDatum(row_no);
	result[2] = Int64GetDatum(malformed);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), result, rnulls)));
}

/*
 * A feed's date or date-time as a timestamptz, or false if the text is not
 * a valid one.  Without an offset it is local time in zone (a time zone
 * name, as AT TIME ZONE takes it), or in the session's TimeZone if zone is
 * NULL.
 */
static bool
ParseFeedTimestamptz(text *t, text *zone, TimestampTz *result)
{
	ParsedDateTime p;
	struct pg_tm tm;
	int			tz;

	if (!FeedParseDateTime(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &p))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = p.year;
	tm.tm_mon = p.month;
	tm.tm_mday = p.day;
	tm.tm_hour = p.hour;
	tm.tm_min = p.minute;
	tm.tm_sec = p.second;
	if (p.has_offset || zone == NULL)
	{
		tz = p.has_offset ? -p.offset_seconds : DetermineTimeZoneOffset(&tm, session_timezone);
		return tm2timestamp(&tm, p.usec, &tz, result) == 0;
	}
	else
	{
		Timestamp	local;

		if (tm2timestamp(&tm, p.usec, NULL, &local) != 0)
			return false;
		/* local time in zone, as timezone(zone, timestamp) takes it */
		*result = DatumGetTimestampTz(DirectFunctionCall2(timestamp_zone, PointerGetDatum(zone),
														  TimestampGetDatum(local)));
		return true;
	}
}

/*
 * parse_timestamptz(text) returns timestamptz, or NULL if the text is not a
 * valid date or date-time.  Without an offset the session's TimeZone
 * applies.
 */
Datum
parse_timestamptz(PG_FUNCTION_ARGS)
{
	TimestampTz result;

	if (!ParseFeedTimestamptz(PG_GETARG_TEXT_PP(0), NULL, &result))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(result);
}

/*
 * parse_timestamptz(text, zone text) returns timestamptz: the same, but a
 * date-time without an offset is local time in zone (the ingestion
 * functions pass the organisation's, calendar_zone()).
 */
Datum
parse_timestamptz_zone(PG_FUNCTION_ARGS)
{
	TimestampTz result;

	if (!ParseFeedTimestamptz(PG_GETARG_TEXT_PP(0), PG_GETARG_TEXT_PP(1), &result))
		PG_RETURN_NULL();
	PG_RETURN_TIMESTAMPTZ(result);
}

/* parse_date(text) returns date, or NULL unless the text is a valid date. */
Datum
parse_date(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	ParsedDateTime p;

	if (!FeedParseDateTime(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &p) || p.has_time)
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(date2j(p.year, p.month, p.day) - POSTGRES_EPOCH_JDATE);
}

/*
 * map_code(kind, value) returns text: the canonical code of a feed value
 * (any case; FHIR, HL7 v2 RF1 and X12 SBR09 synonyms), or NULL when it
 * cannot be mapped.  For formats, the value itself when it is valid.
 */
Datum
map_code(PG_FUNCTION_ARGS)
{
	char	   *kindname = text_to_cstring(PG_GETARG_TEXT_PP(0));
	text	   *v = PG_GETARG_TEXT_PP(1);
	const CodeKind *kind = CodeKindLookup(kindname);
	const char *code;

	if (kind == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown code kind \"%s\"", kindname),
				 errhint("The kinds are listed by referral_crm.code_values().")));
	if (kind->type == CODE_PATTERN)
	{
		if (CodeIsValid(kind, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)))
			PG_RETURN_TEXT_P(v);
		PG_RETURN_NULL();
	}
	code = CodeMap(kind, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	if (code == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(code));
}

/* norm_zip(text) returns text: 12345 or 12345-6789, or NULL. */
Datum
norm_zip(PG_FUNCTION_ARGS)
{
	text	   *v = PG_GETARG_TEXT_PP(0);
	char		out[11];

	if (!NormZip(VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), out))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(out));
}

/* Separators of a list of codes: ; , | and white space. */
static bool
IsListSeparator(char c)
{
	return c == ';' || c == ',' || c == '|' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * norm_icd10_list(text) returns text[]: the ICD-10-CM codes of a list
 * separated by ; , | or blanks, canonical; an empty array for NULL or blank
 * input; NULL if any element is not a code.
 */
Datum
norm_icd10_list(PG_FUNCTION_ARGS)
{
	text	   *t;
	const char *s;
	size_t		len,
				i = 0;
	ArrayBuildState *astate;

	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	t = PG_GETARG_TEXT_PP(0);
	s = VARDATA_ANY(t);
	len = VARSIZE_ANY_EXHDR(t);
	astate = initArrayResult(TEXTOID, CurrentMemoryContext, false);
	while (i < len)
	{
		size_t		start;
		char		code[9];

		while (i < len && IsListSeparator(s[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !IsListSeparator(s[i]))
			i++;
		if (!NormIcd10(s + start, i - start, code))
			PG_RETURN_NULL();
		accumArrayResult(astate, CStringGetTextDatum(code), false, TEXTOID, CurrentMemoryContext);
	}
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}

/*
 * unpack_fields(fields text[]) returns record: the fields of a staged row as
 * the columns of the caller's column definition list, blanks trimmed and
 * blank fields NULL.  Missing fields are NULL; extra fields are ignored (the
 * caller rejects rows of the wrong length).  One pass over the array, where
 * fields[i] for every i would walk it again for each column.
 */
Datum
unpack_fields(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	TupleDesc	tupdesc;
	Datum	   *elems;
	bool	   *elemnulls;
	int			nelems,
				i;
	Datum	   *values;
	bool	   *nulls;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("unpack_fields needs a column definition list"),
				 errhint("Call it as unpack_fields(fields) AS (a text, b text, ...).")));
	deconstruct_array_builtin(arr, TEXTOID, &elems, &elemnulls, &nelems);
	values = palloc(sizeof(Datum) * tupdesc->natts);
	nulls = palloc(sizeof(bool) * tupdesc->natts);
	for (i = 0; i < tupdesc->natts; i++)
	{
		text	   *t;
		const char *p;
		int			len;

		if (TupleDescAttr(tupdesc, i)->atttypid != TEXTOID)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("unpack_fields returns text columns only")));
		nulls[i] = true;
		values[i] = (Datum) 0;
		if (i >= nelems || elemnulls[i])
			continue;
		t = DatumGetTextPP(elems[i]);
		p = VARDATA_ANY(t);
		len = VARSIZE_ANY_EXHDR(t);
		while (len > 0 && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		{
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' || p[len - 1] == '\n'))
			len--;
		if (len == 0)
			continue;
		values[i] = PointerGetDatum(cstring_to_text_with_len(p, len));
		nulls[i] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}
