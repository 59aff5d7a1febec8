/*-------------------------------------------------------------------------
 *
 * routing_fmgr.c
 *	  SQL-callable glue for routing: the type referral_crm.routing_condition
 *	  (in/out/send/recv), evaluation of a condition against a row of
 *	  referral_crm.routing_input (or any row with the same column names),
 *	  the per-backend cache of the compiled, indexed rule set used by
 *	  routing_match(), its invalidation, and the lint helpers.
 *
 *	  The rule set is loaded from referral_crm.routing_rules on first use
 *	  and kept until a relcache invalidation of that table arrives; the
 *	  statement trigger routing_rules_changed sends one (transactionally)
 *	  whenever rules are written, so every backend sees committed rule
 *	  changes at its next statement, and the writing transaction its own.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation_d.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type_d.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "access/xact.h"

#include "rcrm_snapshot.h"
#include "routing/cond.h"

void		RcrmRoutingInit(void);

PG_FUNCTION_INFO_V1(routing_condition_in);
PG_FUNCTION_INFO_V1(routing_condition_out);
PG_FUNCTION_INFO_V1(routing_condition_recv);
PG_FUNCTION_INFO_V1(routing_condition_send);
PG_FUNCTION_INFO_V1(routing_condition_sql);
PG_FUNCTION_INFO_V1(routing_condition_matches);
PG_FUNCTION_INFO_V1(routing_check);
PG_FUNCTION_INFO_V1(routing_match);
PG_FUNCTION_INFO_V1(routing_match_attrs);
PG_FUNCTION_INFO_V1(routing_match_support);
PG_FUNCTION_INFO_V1(routing_rules_changed);
PG_FUNCTION_INFO_V1(routing_condition_implies);
PG_FUNCTION_INFO_V1(routing_condition_overlaps);
PG_FUNCTION_INFO_V1(routing_condition_satisfiable);
PG_FUNCTION_INFO_V1(routing_condition_values);
PG_FUNCTION_INFO_V1(routing_stats);

/* ----------------------------------------------------------------
 * Allocation and errors
 * ---------------------------------------------------------------- */

static void *
RoutingPalloc(void *ctx, size_t size)
{
	if (size > MaxAllocSize)
		return NULL;
	return MemoryContextAlloc(ctx ? (MemoryContext) ctx : CurrentMemoryContext, size);
}

static void
RoutingPfree(void *ctx, void *ptr)
{
	pfree(ptr);
}

/* Raise a parse error with its SQLSTATE. */
static void
RoutingReport(const RoutingError *err)
{
	int			code;

	switch (err->kind)
	{
		case RE_SYNTAX:
			code = ERRCODE_SYNTAX_ERROR;
			break;
		case RE_UNKNOWN_ATTRIBUTE:
			code = ERRCODE_UNDEFINED_COLUMN;
			break;
		case RE_TYPE_MISMATCH:
			code = ERRCODE_DATATYPE_MISMATCH;
			break;
		case RE_BAD_VALUE:
			code = ERRCODE_INVALID_PARAMETER_VALUE;
			break;
		case RE_TOO_DEEP:
			code = ERRCODE_STATEMENT_TOO_COMPLEX;
			break;
		case RE_TOO_LONG:
			code = ERRCODE_PROGRAM_LIMIT_EXCEEDED;
			break;
		default:
			code = ERRCODE_DATA_CORRUPTED;
			break;
	}
	ereport(ERROR,
			(errcode(code),
			 errmsg("%s", err->message),
			 err->detail[0] ? errdetail("%s", err->detail) : 0,
			 err->hint[0] ? errhint("%s", err->hint) : 0));
}

/* Parse text into a routing_condition varlena. */
static RoutingExpr *
RoutingFromText(const char *s, size_t len)
{
	RoutingAllocator mem = {RoutingPalloc, RoutingPfree, NULL};
	RoutingError err;
	RoutingExpr *e = RoutingParse(s, len, &mem, &err);

	if (e == NULL)
		RoutingReport(&err);
	SET_VARSIZE(e, RoutingExprSize(e));
	return e;
}

/* Detoast and check a stored condition. */
static RoutingExpr *
RoutingArg(FunctionCallInfo fcinfo, int n)
{
	RoutingExpr *e = (RoutingExpr *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n));
	RoutingError err;

	if (!RoutingExprValidate(e, VARSIZE(e), &err))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("corrupt routing_condition value"),
				 errdetail("The stored compiled form fails validation.")));
	return e;
}

/* Print a condition into a palloc'd string. */
static char *
RoutingToText(const RoutingExpr *e, int mode, const char *prefix)
{
	size_t		n = RoutingPrint(e, mode, prefix, NULL, 0);
	char	   *buf;

	if (n + 1 > MaxAllocSize)
		ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						errmsg("routing condition too long to print")));
	buf = palloc(n + 1);
	RoutingPrint(e, mode, prefix, buf, n + 1);
	return buf;
}

/* ----------------------------------------------------------------
 * Type I/O
 * ---------------------------------------------------------------- */

/* routing_condition_in(cstring): parse, type-check, compile. */
Datum
routing_condition_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);

	PG_RETURN_POINTER(RoutingFromText(s, strlen(s)));
}

/* routing_condition_out: the canonical text. */
Datum
routing_condition_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(RoutingToText(RoutingArg(fcinfo, 0), ROUTING_PRINT_CANONICAL, ""));
}

/* routing_condition_recv: the binary form is the canonical text, parsed again. */
Datum
routing_condition_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes;
	char	   *s = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);

	PG_RETURN_POINTER(RoutingFromText(s, nbytes));
}

/* routing_condition_send: the canonical text. */
Datum
routing_condition_send(PG_FUNCTION_ARGS)
{
	char	   *s = RoutingToText(RoutingArg(fcinfo, 0), ROUTING_PRINT_CANONICAL, "");
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendtext(&buf, s, strlen(s));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * routing_condition_sql(cond, prefix): the same test as a SQL expression;
 * NULL for a NULL condition, no prefix for a NULL prefix.
 */
Datum
routing_condition_sql(PG_FUNCTION_ARGS)
{
	RoutingExpr *e;
	char	   *prefix = PG_ARGISNULL(1) ? "" : text_to_cstring(PG_GETARG_TEXT_PP(1));

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	e = RoutingArg(fcinfo, 0);

	PG_RETURN_TEXT_P(cstring_to_text(RoutingToText(e, ROUTING_PRINT_SQL, prefix)));
}

/* ----------------------------------------------------------------
 * Rows: map the columns of a composite to attributes
 * ---------------------------------------------------------------- */

#define COL_PLAT (RA_COUNT)
#define COL_PLON (RA_COUNT + 1)
#define COL_LLAT (RA_COUNT + 2)
#define COL_LLON (RA_COUNT + 3)
#define NSLOTS (RA_COUNT + 4)

typedef struct RowMap
{
	Oid			typid;
	int32		typmod;
	int			natts;
	int			col[NSLOTS];	/* column index, or -1 */
	Oid			coltype[NSLOTS];
	TupleDesc	desc;			/* a copy, in fn_mcxt */
	Datum	   *values;
	bool	   *nulls;
} RowMap;

/* The type of each attribute slot (set by RcrmRoutingInit). */
static RoutingType SlotType[RA_COUNT];

/* Is a column type acceptable for a slot? */
static bool
RowTypeOk(int slot, Oid t)
{
	RoutingType rt;

	if (slot >= RA_COUNT)
		return t == FLOAT8OID || t == FLOAT4OID || t == NUMERICOID;
	rt = RoutingAttrType(slot);
	switch (rt)
	{
		case RT_TEXT:
		case RT_PRIORITY:
			return t == TEXTOID || t == VARCHAROID;
		case RT_NUMBER:
			return t == INT2OID || t == INT4OID || t == INT8OID || t == FLOAT4OID ||
				t == FLOAT8OID || t == NUMERICOID;
		case RT_BOOL:
			return t == BOOLOID;
		case RT_WEEKDAY:
			return t == INT2OID || t == INT4OID || t == INT8OID || t == TEXTOID;
	}
	return false;
}

/* Build (or reuse) the column map of a row type, cached in fn_extra. */
static RowMap *
GetRowMap(FunctionCallInfo fcinfo, HeapTupleHeader td)
{
	Oid			typid = HeapTupleHeaderGetTypeId(td);
	int32		typmod = HeapTupleHeaderGetTypMod(td);
	RowMap	   *map = fcinfo->flinfo->fn_extra;
	TupleDesc	desc;
	static const char *const extra[] = {"patient_latitude", "patient_longitude",
	"location_latitude", "location_longitude"};

	if (map && map->typid == typid && map->typmod == typmod)
		return map;
	desc = lookup_rowtype_tupdesc(typid, typmod);
	if (map == NULL)
		map = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(RowMap));
	else
	{
		pfree(map->values);
		pfree(map->nulls);
		FreeTupleDesc(map->desc);
	}
	map->typid = typid;
	map->typmod = typmod;
	map->natts = desc->natts;
	map->values = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Datum) * Max(desc->natts, 1));
	map->nulls = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(bool) * Max(desc->natts, 1));
	for (int s = 0; s < NSLOTS; s++)
		map->col[s] = -1;
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		const char *name = NameStr(att->attname);
		int			slot = -1;

		if (att->attisdropped)
			continue;
		slot = RoutingAttrLookup(name, strlen(name));
		for (int k = 0; k < 4 && slot < 0; k++)
			if (strcmp(name, extra[k]) == 0)
				slot = RA_COUNT + k;
		if (slot < 0)
			continue;
		if (!RowTypeOk(slot, att->atttypid))
		{
			ReleaseTupleDesc(desc);
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" has type %s, which routing cannot read", name,
							format_type_be(att->atttypid)),
					 errhint("Routing reads rows shaped like referral_crm.routing_input.")));
		}
		map->col[slot] = i;
		map->coltype[slot] = att->atttypid;
	}
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		map->desc = CreateTupleDescCopy(desc);
		MemoryContextSwitchTo(old);
	}
	ReleaseTupleDesc(desc);
	fcinfo->flinfo->fn_extra = map;
	return map;
}

/* A numeric datum as a double. */
static double
NumberOf(Datum d, Oid t)
{
	switch (t)
	{
		case INT2OID:
			return DatumGetInt16(d);
		case INT4OID:
			return DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case FLOAT4OID:
			return DatumGetFloat4(d);
		case FLOAT8OID:
			return DatumGetFloat8(d);
		default:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
	}
}

/* Set one attribute slot of a row from a (non-null) datum of a column type. */
static inline void
RowSetSlot(RoutingRow *row, int s, Datum d, Oid coltype)
{
	switch (SlotType[s])
	{
		case RT_TEXT:
			{
				text	   *t = DatumGetTextPP(d);

				row->str[s] = VARDATA_ANY(t);
				row->len[s] = VARSIZE_ANY_EXHDR(t);
				row->isnull[s] = false;
			}
			break;
		case RT_PRIORITY:
			{
				text	   *t = DatumGetTextPP(d);
				int			r = RoutingRankWord(RT_PRIORITY, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

				if (r >= 0)
				{
					row->num[s] = r;
					row->isnull[s] = false;
				}
			}
			break;
		case RT_WEEKDAY:
			if (coltype == TEXTOID)
			{
				text	   *t = DatumGetTextPP(d);
				int			r = RoutingRankWord(RT_WEEKDAY, VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));

				if (r >= 0)
					row->num[s] = r, row->isnull[s] = false;
			}
			else
			{
				double		v = NumberOf(d, coltype);

				if (v >= 1 && v <= 7)
					row->num[s] = v - 1, row->isnull[s] = false;
			}
			break;
		case RT_NUMBER:
			row->num[s] = NumberOf(d, coltype);
			row->isnull[s] = false;
			break;
		case RT_BOOL:
			row->num[s] = DatumGetBool(d) ? 1 : 0;
			row->isnull[s] = false;
			break;
	}
}

/* Fill a RoutingRow from a composite argument. */
static void
RowFromComposite(FunctionCallInfo fcinfo, HeapTupleHeader td, RoutingRow *row)
{
	RowMap	   *map = GetRowMap(fcinfo, td);
	HeapTupleData tuple;

	tuple.t_len = HeapTupleHeaderGetDatumLength(td);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = td;
	heap_deform_tuple(&tuple, map->desc, map->values, map->nulls);

	RoutingRowInit(row);
	for (int s = 0; s < RA_COUNT; s++)
	{
		int			c = map->col[s];

		if (c < 0 || map->nulls[c])
			continue;
		RowSetSlot(row, s, map->values[c], map->coltype[s]);
	}
	if (map->col[COL_PLAT] >= 0 && map->col[COL_PLON] >= 0 &&
		!map->nulls[map->col[COL_PLAT]] && !map->nulls[map->col[COL_PLON]])
	{
		row->has_patient_coord = true;
		row->patient_lat = NumberOf(map->values[map->col[COL_PLAT]], map->coltype[COL_PLAT]);
		row->patient_lon = NumberOf(map->values[map->col[COL_PLON]], map->coltype[COL_PLON]);
	}
	if (map->col[COL_LLAT] >= 0 && map->col[COL_LLON] >= 0 &&
		!map->nulls[map->col[COL_LLAT]] && !map->nulls[map->col[COL_LLON]])
	{
		row->has_location_coord = true;
		row->location_lat = NumberOf(map->values[map->col[COL_LLAT]], map->coltype[COL_LLAT]);
		row->location_lon = NumberOf(map->values[map->col[COL_LLON]], map->coltype[COL_LLON]);
	}
}

/* routing_condition_matches(cond, row) returns bool: NULL when unknown. */
Datum
routing_condition_matches(PG_FUNCTION_ARGS)
{
	RoutingExpr *e = RoutingArg(fcinfo, 0);
	RoutingRow	row;
	int			r;

	RowFromComposite(fcinfo, PG_GETARG_HEAPTUPLEHEADER(1), &row);
	r = RoutingEval(e, &row);
	if (r < 0)
		PG_RETURN_NULL();
	PG_RETURN_BOOL(r == 1);
}

/* routing_check(cond, row, OUT matched, OUT failed_clause). */
Datum
routing_check(PG_FUNCTION_ARGS)
{
	RoutingExpr *e = RoutingArg(fcinfo, 0);
	RoutingRow	row;
	TupleDesc	desc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	size_t		n;
	char	   *buf;
	int			r;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "routing_check must return a composite");
	RowFromComposite(fcinfo, PG_GETARG_HEAPTUPLEHEADER(1), &row);
	n = RoutingPrint(e, ROUTING_PRINT_CANONICAL, "", NULL, 0) + 256;
	buf = palloc(n);
	r = RoutingExplain(e, &row, buf, n);
	values[0] = BoolGetDatum(r == 1);
	if (r == 1)
		nulls[1] = true;
	else
		values[1] = CStringGetTextDatum(buf);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* ----------------------------------------------------------------
 * The cached rule set
 * ---------------------------------------------------------------- */

static MemoryContext RulesCxt = NULL;
static RoutingSet *Rules = NULL;
static bool RulesValid = false;
static Oid	RulesRelid = InvalidOid;
static uint64 RulesInvalCount = 0;
static int	RulesCount = 0;
static uint64 StatMatches = 0;
static uint64 StatTested = 0;
static uint64 StatRows = 0;

/*
 * The rules read under a snapshot that may predate a rule change are pinned
 * to it (rcrm_snapshot.h); any other load stays valid until the next
 * invalidation, across transactions (so routing one referral per
 * transaction does not compile the rules every time).
 */
static bool RulesPinned = false;
static RcrmSnapMark RulesSnap;
static LocalTransactionId RulesInvalLxid = InvalidLocalTransactionId;

/* May the loaded rules be used under the active snapshot? */
static bool
RulesUsable(void)
{
	if (!RulesValid || Rules == NULL)
		return false;
	return !RulesPinned || RcrmSnapMarkHolds(&RulesSnap);
}

/* Relcache callback: any change to routing_rules (or a reset) drops the set. */
static void
RulesInvalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == RulesRelid)
	{
		RulesValid = false;
		RulesInvalCount++;
		RcrmSnapNoteInval(&RulesInvalLxid);
	}
}

static char *RoutingDefaultQueue = NULL;

/* Settings, and the invalidation callback. */
void
RcrmRoutingInit(void)
{
	DefineCustomStringVariable("referral_crm.default_queue",
							   "Queue code for referrals that no routing rule matches.",
							   "Empty: such referrals stay without a queue.",
							   &RoutingDefaultQueue, "", PGC_USERSET, 0,
							   NULL, NULL, NULL);
	CacheRegisterRelcacheCallback(RulesInvalidate, (Datum) 0);
	for (int s = 0; s < RA_COUNT; s++)
		SlotType[s] = RoutingAttrType(s);
}

/* Load the active rules, in order, and index them. */
static void
RulesLoad(void)
{
	uint64		before = RulesInvalCount;
	Oid			nsp = get_namespace_oid("referral_crm", false);
	RoutingSetRule *rules;
	RoutingAllocator mem;
	MemoryContext old;
	int			ret;

	RulesValid = false;
	if (RulesCxt)
		MemoryContextDelete(RulesCxt);
	RulesCxt = NULL;
	Rules = NULL;
	RulesCount = 0;
	RulesRelid = get_relname_relid("routing_rules", nsp);
	RulesSnap = RcrmSnapMarkNow();
	RulesPinned = RcrmSnapMustPin(RulesInvalLxid);

	RulesCxt = AllocSetContextCreate(TopMemoryContext, "referral_crm routing rules",
									 ALLOCSET_DEFAULT_SIZES);
	if ((ret = SPI_connect()) != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed: %d", ret);
	ret = SPI_execute("SELECT rule_id, condition, valid_from, valid_to "
					  "FROM referral_crm.routing_rules WHERE active "
					  "ORDER BY priority_order, rule_id", true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "loading routing rules failed: %d", ret);
	old = MemoryContextSwitchTo(RulesCxt);
	rules = palloc0(sizeof(RoutingSetRule) * Max(SPI_processed, 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;
		RoutingExpr *e;
		RoutingError err;

		rules[i].rule_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		d = SPI_getbinval(tup, desc, 2, &isnull);
		e = (RoutingExpr *) PG_DETOAST_DATUM_COPY(d);
		if (!RoutingExprValidate(e, VARSIZE(e), &err))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("corrupt routing_condition in rule %lld", (long long) rules[i].rule_id)));
		rules[i].expr = e;
		d = SPI_getbinval(tup, desc, 3, &isnull);
		rules[i].has_from = !isnull;
		rules[i].valid_from = isnull ? 0 : DatumGetTimestampTz(d);
		d = SPI_getbinval(tup, desc, 4, &isnull);
		rules[i].has_to = !isnull;
		rules[i].valid_to = isnull ? 0 : DatumGetTimestampTz(d);
	}
	mem.alloc = RoutingPalloc;
	mem.free = NULL;
	mem.ctx = RulesCxt;
	Rules = RoutingSetBuild(rules, (int) SPI_processed, &mem);
	if (Rules == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory indexing routing rules")));
	RulesCount = (int) SPI_processed;
	MemoryContextSwitchTo(old);
	SPI_finish();
	RulesValid = (RulesInvalCount == before);
}

/* routing_match(row) returns bigint: the first matching active rule's id. */
Datum
routing_match(PG_FUNCTION_ARGS)
{
	RoutingRow	row;
	int			tested = 0;
	int			r;

	if (!RulesUsable())
		RulesLoad();
	RowFromComposite(fcinfo, PG_GETARG_HEAPTUPLEHEADER(0), &row);
	r = RoutingSetMatch(Rules, &row, GetCurrentTransactionStartTimestamp(), &tested);
	StatRows++;
	StatTested += tested;
	if (r < 0)
		PG_RETURN_NULL();
	StatMatches++;
	PG_RETURN_INT64(RoutingSetRuleId(Rules, r));
}

/*
 * routing_match_attrs(VARIADIC "any") returns bigint: routing_match on the
 * attributes passed one by one, in slot order (RA_COUNT attributes, then
 * patient latitude and longitude, location latitude and longitude).  The
 * planner puts it in place of routing_match(row) (routing_match_support),
 * so that no composite is formed and taken apart again for every row.
 */
Datum
routing_match_attrs(PG_FUNCTION_ARGS)
{
	Oid		   *types = fcinfo->flinfo->fn_extra;
	RoutingRow	row;
	int			tested = 0;
	int			r;

	if (types == NULL)
	{
		if (PG_NARGS() != NSLOTS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("routing_match_attrs takes %d arguments, not %d", NSLOTS, PG_NARGS()),
					 errhint("Call routing_match(row) instead; the planner uses this form.")));
		types = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Oid) * NSLOTS);
		for (int s = 0; s < NSLOTS; s++)
		{
			types[s] = get_fn_expr_argtype(fcinfo->flinfo, s);
			if (!RowTypeOk(s, types[s]))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("argument %d of routing_match_attrs has type %s, which routing cannot read",
								s + 1, format_type_be(types[s])),
						 errhint("Call routing_match(row) instead; the planner uses this form.")));
		}
		fcinfo->flinfo->fn_extra = types;
	}
	if (!RulesUsable())
		RulesLoad();
	RoutingRowInit(&row);
	for (int s = 0; s < RA_COUNT; s++)
		if (!PG_ARGISNULL(s))
			RowSetSlot(&row, s, PG_GETARG_DATUM(s), types[s]);
	if (!PG_ARGISNULL(COL_PLAT) && !PG_ARGISNULL(COL_PLON))
	{
		row.has_patient_coord = true;
		row.patient_lat = NumberOf(PG_GETARG_DATUM(COL_PLAT), types[COL_PLAT]);
		row.patient_lon = NumberOf(PG_GETARG_DATUM(COL_PLON), types[COL_PLON]);
	}
	if (!PG_ARGISNULL(COL_LLAT) && !PG_ARGISNULL(COL_LLON))
	{
		row.has_location_coord = true;
		row.location_lat = NumberOf(PG_GETARG_DATUM(COL_LLAT), types[COL_LLAT]);
		row.location_lon = NumberOf(PG_GETARG_DATUM(COL_LLON), types[COL_LLON]);
	}
	r = RoutingSetMatch(Rules, &row, GetCurrentTransactionStartTimestamp(), &tested);
	StatRows++;
	StatTested += tested;
	if (r < 0)
		PG_RETURN_NULL();
	StatMatches++;
	PG_RETURN_INT64(RoutingSetRuleId(Rules, r));
}

/* Slot of a column name (an attribute or a coordinate), or -1. */
static int
SlotOfName(const char *name)
{
	static const char *const extra[] = {"patient_latitude", "patient_longitude",
	"location_latitude", "location_longitude"};
	int			slot = RoutingAttrLookup(name, strlen(name));

	for (int k = 0; k < 4 && slot < 0; k++)
		if (strcmp(name, extra[k]) == 0)
			slot = RA_COUNT + k;
	return slot;
}

/* Is range table entry varno on the nullable side of an outer join?  1 yes, 0 no, -1 not found. */
static int
RtiNullable(Node *jt, int varno, bool nullable)
{
	if (jt == NULL)
		return -1;
	if (IsA(jt, RangeTblRef))
		return ((RangeTblRef *) jt)->rtindex == varno ? (nullable ? 1 : 0) : -1;
	if (IsA(jt, FromExpr))
	{
		ListCell   *lc;

		foreach(lc, ((FromExpr *) jt)->fromlist)
		{
			int			r = RtiNullable(lfirst(lc), varno, nullable);

			if (r >= 0)
				return r;
		}
		return -1;
	}
	if (IsA(jt, JoinExpr))
	{
		JoinExpr   *j = (JoinExpr *) jt;
		bool		left_null = nullable || j->jointype == JOIN_RIGHT || j->jointype == JOIN_FULL;
		bool		right_null = nullable || j->jointype != JOIN_INNER;
		int			r = RtiNullable(j->larg, varno, left_null);

		if (r >= 0)
			return r;
		return RtiNullable(j->rarg, varno, right_null);
	}
	return 1;					/* unknown node: assume the worst */
}

/* A NULL constant of a type routing reads for a slot. */
static Node *
SlotNull(int s)
{
	Oid			t = FLOAT8OID;

	if (s < RA_COUNT)
		switch (RoutingAttrType(s))
		{
			case RT_TEXT:
			case RT_PRIORITY:
				t = TEXTOID;
				break;
			case RT_BOOL:
				t = BOOLOID;
				break;
			case RT_WEEKDAY:
				t = INT4OID;
				break;
			case RT_NUMBER:
				break;
		}
	return (Node *) makeNullConst(t, -1, t == TEXTOID ? DEFAULT_COLLATION_OID : InvalidOid);
}

/*
 * The argument list of routing_match_attrs for a row expression: a
 * whole-row Var of a table (not on the nullable side of an outer join,
 * where the row itself may be NULL), or a ROW(...) (what a whole-row
 * reference to a view such as routing_input becomes once the view is
 * pulled up).  NIL when the row cannot be taken apart safely.
 */
static List *
AttrsOfRow(PlannerInfo *root, Node *arg)
{
	Node	   *cols[NSLOTS];
	Oid			typid;
	TupleDesc	desc;
	List	   *rowargs = NIL;
	List	   *colnames = NIL;
	List	   *out = NIL;
	Var		   *var = NULL;
	bool		ok = true;

	if (IsA(arg, Var))
	{
		RangeTblEntry *rte;

		var = (Var *) arg;
		if (var->varattno != 0 || var->varlevelsup != 0 || root == NULL || root->parse == NULL ||
			var->varno < 1 || var->varno > list_length(root->parse->rtable))
			return NIL;
		rte = rt_fetch(var->varno, root->parse->rtable);
		if (rte->rtekind != RTE_RELATION || !OidIsValid(var->vartype) ||
			get_typ_typrelid(var->vartype) != rte->relid)
			return NIL;
		if (RtiNullable((Node *) root->parse->jointree, var->varno, false) != 0)
			return NIL;
		typid = var->vartype;
	}
	else if (IsA(arg, RowExpr))
	{
		RowExpr    *re = (RowExpr *) arg;

		typid = re->row_typeid;
		rowargs = re->args;
		colnames = re->colnames;
	}
	else
		return NIL;

	for (int s = 0; s < NSLOTS; s++)
		cols[s] = NULL;
	if (typid == RECORDOID)
	{
		ListCell   *a,
				   *n;

		if (list_length(colnames) != list_length(rowargs))
			return NIL;
		forboth(a, rowargs, n, colnames)
		{
			int			slot = SlotOfName(strVal(lfirst(n)));

			if (slot < 0)
			{
				if (contain_volatile_functions(lfirst(a)))
					return NIL;
				continue;
			}
			if (cols[slot] != NULL || !RowTypeOk(slot, exprType(lfirst(a))))
				return NIL;
			cols[slot] = lfirst(a);
		}
	}
	else
	{
		desc = lookup_rowtype_tupdesc_noerror(typid, -1, true);
		if (desc == NULL)
			return NIL;
		if (var == NULL && list_length(rowargs) != desc->natts)
			ok = false;
		for (int i = 0; ok && i < desc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);
			Node	   *expr;
			int			slot;

			if (att->attisdropped)
				continue;
			if (var)
				expr = (Node *) makeVar(var->varno, i + 1, att->atttypid, att->atttypmod,
										att->attcollation, 0);
			else
				expr = list_nth(rowargs, i);
			slot = SlotOfName(NameStr(att->attname));
			if (slot < 0)
			{
				if (contain_volatile_functions(expr))
					ok = false;
				continue;
			}
			if (!RowTypeOk(slot, att->atttypid) || exprType(expr) != att->atttypid)
				ok = false;
			else
				cols[slot] = expr;
		}
		ReleaseTupleDesc(desc);
		if (!ok)
			return NIL;
	}
	for (int s = 0; s < NSLOTS; s++)
		out = lappend(out, cols[s] ? copyObject(cols[s]) : SlotNull(s));
	return out;
}

/*
 * Planner support for routing_match(row): replace the call by
 * routing_match_attrs(attribute, ...) over the row's columns, so that
 * each row's attributes are passed as they are instead of being formed
 * into a composite and deformed again.  The result is the same.
 */
Datum
routing_match_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestSimplify *req;
	FuncExpr   *fe;
	List	   *args;
	Oid			target;
	Oid			argtypes[1] = {ANYOID};
	Oid			nsp;

	if (!IsA(rawreq, SupportRequestSimplify))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestSimplify *) rawreq;
	fe = req->fcall;
	if (list_length(fe->args) != 1)
		PG_RETURN_POINTER(NULL);
	args = AttrsOfRow(req->root, linitial(fe->args));
	if (args == NIL)
		PG_RETURN_POINTER(NULL);
	nsp = get_func_namespace(fe->funcid);
	target = GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid,
							 CStringGetDatum("routing_match_attrs"),
							 PointerGetDatum(buildoidvector(argtypes, 1)),
							 ObjectIdGetDatum(nsp));
	if (!OidIsValid(target))
		PG_RETURN_POINTER(NULL);
	PG_RETURN_POINTER(makeFuncExpr(target, INT8OID, args, InvalidOid, InvalidOid,
								   COERCE_EXPLICIT_CALL));
}

/* Trigger on routing_rules: tell every backend to reload the rule set. */
Datum
routing_rules_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("routing_rules_changed must be called as a trigger")));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}

/* routing_stats(): rule-set size and counters of this backend. */
Datum
routing_stats(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "routing_stats must return a composite");
	if (!RulesUsable())
		RulesLoad();
	values[0] = Int32GetDatum(RulesCount);
	values[1] = Int32GetDatum(RoutingSetAnchored(Rules));
	values[2] = Int64GetDatum((int64) StatRows);
	values[3] = Int64GetDatum((int64) StatMatches);
	values[4] = Int64GetDatum((int64) StatTested);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* ----------------------------------------------------------------
 * Lint helpers
 * ---------------------------------------------------------------- */

/* routing_condition_implies(b, a): every referral matching b matches a. */
Datum
routing_condition_implies(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(RoutingImplies(RoutingArg(fcinfo, 0), RoutingArg(fcinfo, 1)));
}

/* routing_condition_overlaps(a, b): some referral may match both. */
Datum
routing_condition_overlaps(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(RoutingMayOverlap(RoutingArg(fcinfo, 0), RoutingArg(fcinfo, 1)));
}

/* routing_condition_satisfiable(c): some referral may match. */
Datum
routing_condition_satisfiable(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(RoutingSatisfiable(RoutingArg(fcinfo, 0)));
}

/* routing_condition_values(c, attribute) returns text[]: literals compared with it. */
Datum
routing_condition_values(PG_FUNCTION_ARGS)
{
	RoutingExpr *e = RoutingArg(fcinfo, 0);
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int			attr = RoutingAttrLookup(name, strlen(name));
	int			n;
	const char **strs;
	int32_t    *lens;
	Datum	   *elems;

	if (attr < 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("unknown attribute \"%s\"", name)));
	n = RoutingTextValues(e, attr, NULL, NULL, 0);
	strs = palloc(sizeof(char *) * Max(n, 1));
	lens = palloc(sizeof(int32_t) * Max(n, 1));
	elems = palloc(sizeof(Datum) * Max(n, 1));
	RoutingTextValues(e, attr, strs, lens, n);
	for (int i = 0; i < n; i++)
		elems[i] = PointerGetDatum(cstring_to_text_with_len(strs[i], lens[i]));
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, TEXTOID, -1, false, TYPALIGN_INT));
}
