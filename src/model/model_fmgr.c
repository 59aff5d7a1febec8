/*-------------------------------------------------------------------------
 *
 * model_fmgr.c
 *	  SQL-callable glue for the referral data model: code and NPI checks
 *	  used by the tables' CHECK constraints, code listings, and the
 *	  triggers that enforce status and stage transitions, keep updated_at
 *	  and make event tables append-only.
 *
 *	  The check_* functions raise the error themselves so that the message
 *	  names the bad value (a plain CHECK would name only the constraint,
 *	  and its DETAIL would copy the whole row, patient data included, into
 *	  the server log).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "catalog/pg_type_d.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#include "codes.h"
#include "npi.h"

PG_FUNCTION_INFO_V1(npi_is_valid);
PG_FUNCTION_INFO_V1(check_npi);
PG_FUNCTION_INFO_V1(npi_check_digit);
PG_FUNCTION_INFO_V1(is_valid_code);
PG_FUNCTION_INFO_V1(check_code);
PG_FUNCTION_INFO_V1(code_rank);
PG_FUNCTION_INFO_V1(code_values);
PG_FUNCTION_INFO_V1(transition_allowed);
PG_FUNCTION_INFO_V1(code_transitions);
PG_FUNCTION_INFO_V1(check_nonnegative);
PG_FUNCTION_INFO_V1(check_order);
PG_FUNCTION_INFO_V1(check_order_date);
PG_FUNCTION_INFO_V1(check_codes);
PG_FUNCTION_INFO_V1(referral_guard);
PG_FUNCTION_INFO_V1(touch_updated_at);
PG_FUNCTION_INFO_V1(append_only);

/* Look up a code kind or raise an error listing the known ones. */
static const CodeKind *
LookupKindOrError(text *kindtxt)
{
	char	   *name = text_to_cstring(kindtxt);
	const CodeKind *kind = CodeKindLookup(name);

	if (kind == NULL)
	{
		StringInfoData known;
		int			i;

		initStringInfo(&known);
		for (i = 0; i < CodeKindCount(); i++)
			appendStringInfo(&known, "%s%s", i ? ", " : "", CodeKindAt(i)->name);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown code kind \"%s\"", name),
				 errhint("Known kinds are: %s.", known.data)));
	}
	return kind;
}

/* "a, b, c" listing of an enumerated kind's values. */
static char *
ListValues(const CodeKind *kind)
{
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < kind->nvalues; i++)
		appendStringInfo(&buf, "%s%s", i ? ", " : "", kind->values[i].code);
	return buf.data;
}

/* Raise the error for a value that is not of its kind. */
static void
ReportBadCode(const CodeKind *kind, const char *value, int sqlstate)
{
	if (kind->type == CODE_ENUM)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s \"%s\"", kind->label, value),
				 errhint("Use one of: %s.", ListValues(kind))));
	else
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s \"%s\"", kind->label, value),
				 errhint("%s", kind->format_hint)));
}

/* npi_is_valid(text) returns bool: ten digits with a correct check digit. */
Datum
npi_is_valid(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(NpiValidate(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), NULL) == NPI_OK);
}

/* check_npi(text) returns bool: true, or an error saying what is wrong. */
Datum
check_npi(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			expected = 0;
	NpiProblem	p = NpiValidate(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), &expected);
	char	   *s;

	if (p == NPI_OK)
		PG_RETURN_BOOL(true);
	s = text_to_cstring(t);
	switch (p)
	{
		case NPI_BAD_LENGTH:
		case NPI_NOT_DIGITS:
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("invalid NPI \"%s\"", s),
					 errdetail("An NPI is exactly ten digits."),
					 errhint("Remove spaces and punctuation, and do not use a Medicare PTAN or a UPIN.")));
			break;
		case NPI_BAD_FIRST_DIGIT:
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("invalid NPI \"%s\"", s),
					 errdetail("An NPI starts with 1 or 2.")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("invalid NPI \"%s\"", s),
					 errdetail("The check digit is %c, but the first nine digits require %d.",
							   s[9], expected),
					 errhint("Check the number for a typing error.")));
	}
	PG_RETURN_BOOL(false);		/* not reached */
}

/* npi_check_digit(text) returns int: the check digit for nine digits. */
Datum
npi_check_digit(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	int			i;

	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			break;
	if (len != 9 || i != len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid NPI prefix \"%s\"", text_to_cstring(t)),
				 errdetail("The check digit is computed from exactly nine digits.")));
	PG_RETURN_INT32(NpiCheckDigit(s));
}

/* is_valid_code(kind, value) returns bool. */
Datum
is_valid_code(PG_FUNCTION_ARGS)
{
	const CodeKind *kind = LookupKindOrError(PG_GETARG_TEXT_PP(0));
	text	   *v = PG_GETARG_TEXT_PP(1);

	PG_RETURN_BOOL(CodeIsValid(kind, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)));
}

/* check_code(kind, value) returns bool: true, or a check_violation error. */
Datum
check_code(PG_FUNCTION_ARGS)
{
	const CodeKind *kind = LookupKindOrError(PG_GETARG_TEXT_PP(0));
	text	   *v = PG_GETARG_TEXT_PP(1);

	if (!CodeIsValid(kind, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)))
		ReportBadCode(kind, text_to_cstring(v), ERRCODE_CHECK_VIOLATION);
	PG_RETURN_BOOL(true);
}

/* code_rank(kind, value) returns int: 1-based position in the value set. */
Datum
code_rank(PG_FUNCTION_ARGS)
{
	const CodeKind *kind = LookupKindOrError(PG_GETARG_TEXT_PP(0));
	text	   *v = PG_GETARG_TEXT_PP(1);
	int			rank;

	if (kind->type != CODE_ENUM)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("code kind \"%s\" is a format, not an ordered value set",
						kind->name)));
	rank = CodeRank(kind, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
	if (rank < 0)
		ReportBadCode(kind, text_to_cstring(v), ERRCODE_INVALID_PARAMETER_VALUE);
	PG_RETURN_INT32(rank + 1);
}

/* code_values() returns setof (kind, code, rank, description). */
Datum
code_values(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			k;

	InitMaterializedSRF(fcinfo, 0);
	for (k = 0; k < CodeKindCount(); k++)
	{
		const CodeKind *kind = CodeKindAt(k);
		int			i;

		for (i = 0; i < kind->nvalues; i++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};

			values[0] = CStringGetTextDatum(kind->name);
			values[1] = CStringGetTextDatum(kind->values[i].code);
			values[2] = Int32GetDatum(i + 1);
			values[3] = CStringGetTextDatum(kind->values[i].description);
			nulls[3] = kind->values[i].description[0] == '\0';
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/* transition_allowed(kind, from, to) returns bool. */
Datum
transition_allowed(PG_FUNCTION_ARGS)
{
	char	   *kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *from = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *to = text_to_cstring(PG_GETARG_TEXT_PP(2));

	if (strcmp(kind, "referral_status") != 0 && strcmp(kind, "referral_stage") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("code kind \"%s\" has no transitions", kind),
				 errhint("Use referral_status or referral_stage.")));
	PG_RETURN_BOOL(CodeTransitionAllowed(kind, from, to));
}

/* code_transitions() returns setof (kind, from_code, to_code, needs_reason). */
Datum
code_transitions(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < CodeTransitionCount(); i++)
	{
		const CodeTransition *t = CodeTransitionAt(i);
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		values[0] = CStringGetTextDatum(t->kind);
		values[1] = CStringGetTextDatum(t->from);
		values[2] = CStringGetTextDatum(t->to);
		values[3] = BoolGetDatum(CodeNeedsReason(t->kind, t->to));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* check_nonnegative(what, numeric) returns bool: rejects negatives and NaN. */
Datum
check_nonnegative(PG_FUNCTION_ARGS)
{
	char	   *what = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Numeric		n = PG_GETARG_NUMERIC(1);

	if (numeric_is_nan(n) || numeric_is_inf(n) ||
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(n),
										  DirectFunctionCall1(int4_numeric, Int32GetDatum(0)))) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("invalid %s %s", what,
						DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)))),
				 errdetail("The %s must be a finite amount of zero or more.", what),
				 errhint("Record refunds and adjustments as a replacement (frequency 7) or void (frequency 8) claim.")));
	PG_RETURN_BOOL(true);
}

/* Raise the error for two moments in the wrong order. */
static void
ReportBadOrder(const char *earlier_label, const char *earlier,
			   const char *later_label, const char *later)
{
	ereport(ERROR,
			(errcode(ERRCODE_CHECK_VIOLATION),
			 errmsg("%s %s is before %s %s", later_label, later, earlier_label, earlier),
			 errdetail("%s must not be earlier than %s.", later_label, earlier_label)));
}

/*
 * check_order(earlier_label, earlier timestamptz, later_label, later
 * timestamptz) returns bool: true unless later < earlier.
 */
Datum
check_order(PG_FUNCTION_ARGS)
{
	TimestampTz earlier = PG_GETARG_TIMESTAMPTZ(1);
	TimestampTz later = PG_GETARG_TIMESTAMPTZ(3);

	if (later < earlier)
		ReportBadOrder(text_to_cstring(PG_GETARG_TEXT_PP(0)),
					   DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(earlier))),
					   text_to_cstring(PG_GETARG_TEXT_PP(2)),
					   DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(later))));
	PG_RETURN_BOOL(true);
}

/* check_order for dates. */
Datum
check_order_date(PG_FUNCTION_ARGS)
{
	DateADT		earlier = PG_GETARG_DATEADT(1);
	DateADT		later = PG_GETARG_DATEADT(3);

	if (later < earlier)
		ReportBadOrder(text_to_cstring(PG_GETARG_TEXT_PP(0)),
					   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(earlier))),
					   text_to_cstring(PG_GETARG_TEXT_PP(2)),
					   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(later))));
	PG_RETURN_BOOL(true);
}

/* check_codes(kind, text[]) returns bool: every element is of the kind. */
Datum
check_codes(PG_FUNCTION_ARGS)
{
	const CodeKind *kind = LookupKindOrError(PG_GETARG_TEXT_PP(0));
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *elems;
	bool	   *nulls;
	int			n,
				i;

	deconstruct_array_builtin(arr, TEXTOID, &elems, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		text	   *v;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("null element in a list of %s values", kind->label)));
		v = DatumGetTextPP(elems[i]);
		if (!CodeIsValid(kind, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v)))
			ReportBadCode(kind, text_to_cstring(v), ERRCODE_CHECK_VIOLATION);
	}
	PG_RETURN_BOOL(true);
}

/* Attribute number of a column the trigger needs, or an error. */
static int
RequireColumn(TriggerData *trigdata, const char *name)
{
	int			attnum = SPI_fnumber(trigdata->tg_relation->rd_att, name);

	if (attnum <= 0)
		elog(ERROR, "trigger %s: table \"%s\" has no column \"%s\"",
			 trigdata->tg_trigger->tgname,
			 RelationGetRelationName(trigdata->tg_relation), name);
	return attnum;
}

/* The value of a text column, or NULL. */
static char *
TextColumn(HeapTuple tuple, TupleDesc desc, int attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, desc, &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/* Whether a reason column holds something other than blanks. */
static bool
HasText(const char *s)
{
	if (s == NULL)
		return false;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return true;
	return false;
}

/*
 * Check one dimension (status or stage) of a referral row.  Returns true
 * if the value changed.  Raises on an illegal move or a missing reason.
 * *clear_reason is set when the reason left over from the previous value
 * should be dropped.
 */
static bool
CheckDimension(const char *kind, const char *label,
			   const char *oldval, const char *newval,
			   const char *oldreason, const char *newreason,
			   bool *clear_reason)
{
	bool		changed = oldval == NULL || strcmp(oldval, newval) != 0;
	bool		reason_given;

	*clear_reason = false;
	if (!changed)
	{
		/* Staying in a state that needs a reason: it may change, not go. */
		if (HasText(oldreason) && !HasText(newreason) &&
			CodeIsValid(CodeKindLookup(kind), newval, strlen(newval)) &&
			CodeNeedsReason(kind, newval))
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("referral %s \"%s\" requires a reason", label, newval),
					 errdetail("The %s reason of a referral in %s \"%s\" can be changed but not removed.",
							   label, label, newval)));
		return false;
	}
	/* An unknown code is reported by the column's CHECK constraint. */
	if (!CodeIsValid(CodeKindLookup(kind), newval, strlen(newval)))
		return true;
	if (oldval != NULL && !CodeTransitionAllowed(kind, oldval, newval))
	{
		char		targets[512];
		int			n = CodeTransitionTargets(kind, oldval, targets, sizeof(targets));

		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("illegal referral %s transition from \"%s\" to \"%s\"",
							label, oldval, newval),
					 errdetail("A referral in %s \"%s\" cannot change %s.", label, oldval, label)));
		else
			ereport(ERROR,
					(errcode(ERRCODE_CHECK_VIOLATION),
					 errmsg("illegal referral %s transition from \"%s\" to \"%s\"",
							label, oldval, newval),
					 errdetail("From \"%s\" a referral can move to: %s.", oldval, targets),
					 errhint("See referral_crm.status_transitions for the whole matrix.")));
	}

	/* A reason counts only if this statement supplied it. */
	reason_given = HasText(newreason) &&
		(oldval == NULL || oldreason == NULL || strcmp(oldreason, newreason) != 0);
	if (CodeNeedsReason(kind, newval) && !reason_given)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg("referral %s \"%s\" requires a reason", label, newval),
				 errhint("Set %s_reason in the same statement.", label)));
	*clear_reason = oldval != NULL && !reason_given && newreason != NULL;
	return true;
}

/* Attribute numbers of the columns referral_guard reads and writes. */
typedef struct GuardColumns
{
	Oid			relid;
	int			id,
				status,
				stage,
				status_reason,
				stage_reason,
				status_at,
				stage_at,
				updated_at;
} GuardColumns;

/*
 * referral_guard: BEFORE INSERT OR UPDATE FOR EACH ROW on referrals.
 * Enforces the status and stage transition matrices, requires a reason for
 * the states that need one, clears a stale reason, and stamps
 * status_changed_at, stage_changed_at and updated_at.
 */
Datum
referral_guard(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TupleDesc	desc;
	HeapTuple	newtup;
	HeapTuple	oldtup = NULL;
	GuardColumns *c;
	int			cols[5];
	Datum		values[5];
	bool		nulls[5];
	int			ncols = 0;
	bool		clear;
	Datum		now = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	char	   *newstatus,
			   *newstage;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("referral_guard must be a BEFORE INSERT OR UPDATE row trigger")));

	desc = trigdata->tg_relation->rd_att;
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		oldtup = trigdata->tg_trigtuple;
		newtup = trigdata->tg_newtuple;
	}
	else
		newtup = trigdata->tg_trigtuple;

	/* Column numbers, looked up once per statement. */
	c = (GuardColumns *) fcinfo->flinfo->fn_extra;
	if (c == NULL || c->relid != RelationGetRelid(trigdata->tg_relation))
	{
		c = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(GuardColumns));
		c->relid = RelationGetRelid(trigdata->tg_relation);
		c->id = RequireColumn(trigdata, "referral_id");
		c->status = RequireColumn(trigdata, "status");
		c->stage = RequireColumn(trigdata, "stage");
		c->status_reason = RequireColumn(trigdata, "status_reason");
		c->stage_reason = RequireColumn(trigdata, "stage_reason");
		c->status_at = RequireColumn(trigdata, "status_changed_at");
		c->stage_at = RequireColumn(trigdata, "stage_changed_at");
		c->updated_at = RequireColumn(trigdata, "updated_at");
		fcinfo->flinfo->fn_extra = c;
	}

	/*
	 * The history (referral_events, scores, the audit trail) is kept by
	 * referral_id: an UPDATE ... SET referral_id = DEFAULT would move the
	 * row away from it, and a status change in the same statement would be
	 * recorded nowhere.
	 */
	if (oldtup)
	{
		bool		oldnull;
		bool		newnull;
		Datum		oldid = heap_getattr(oldtup, c->id, desc, &oldnull);
		Datum		newid = heap_getattr(newtup, c->id, desc, &newnull);

		if (oldnull != newnull || (!oldnull && DatumGetInt64(oldid) != DatumGetInt64(newid)))
			ereport(ERROR,
					(errcode(ERRCODE_GENERATED_ALWAYS),
					 errmsg("the id of a referral cannot change"),
					 errdetail("The status and stage history, the scores and the audit trail of a referral are kept by its referral_id."),
					 errhint("Leave referral_id out of the UPDATE.")));
	}

	newstatus = TextColumn(newtup, desc, c->status);
	newstage = TextColumn(newtup, desc, c->stage);
	/* NOT NULL constraints report missing values after this trigger. */
	if (newstatus == NULL || newstage == NULL)
		return PointerGetDatum(newtup);

	if (CheckDimension("referral_status", "status",
					   oldtup ? TextColumn(oldtup, desc, c->status) : NULL, newstatus,
					   oldtup ? TextColumn(oldtup, desc, c->status_reason) : NULL,
					   TextColumn(newtup, desc, c->status_reason), &clear) && oldtup)
	{
		cols[ncols] = c->status_at;
		values[ncols] = now;
		nulls[ncols++] = false;
		if (clear)
		{
			cols[ncols] = c->status_reason;
			values[ncols] = (Datum) 0;
			nulls[ncols++] = true;
		}
	}
	if (CheckDimension("referral_stage", "stage",
					   oldtup ? TextColumn(oldtup, desc, c->stage) : NULL, newstage,
					   oldtup ? TextColumn(oldtup, desc, c->stage_reason) : NULL,
					   TextColumn(newtup, desc, c->stage_reason), &clear) && oldtup)
	{
		cols[ncols] = c->stage_at;
		values[ncols] = now;
		nulls[ncols++] = false;
		if (clear)
		{
			cols[ncols] = c->stage_reason;
			values[ncols] = (Datum) 0;
			nulls[ncols++] = true;
		}
	}
	if (oldtup)
	{
		cols[ncols] = c->updated_at;
		values[ncols] = now;
		nulls[ncols++] = false;
	}
	if (ncols > 0)
		newtup = heap_modify_tuple_by_cols(newtup, desc, ncols, cols, values, nulls);
	return PointerGetDatum(newtup);
}

/* touch_updated_at: BEFORE UPDATE row trigger setting updated_at = now(). */
Datum
touch_updated_at(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	int			col;
	Datum		value;
	bool		isnull = false;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("touch_updated_at must be a BEFORE UPDATE row trigger")));
	col = RequireColumn(trigdata, "updated_at");
	value = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	return PointerGetDatum(heap_modify_tuple_by_cols(trigdata->tg_newtuple,
													 trigdata->tg_relation->rd_att,
													 1, &col, &value, &isnull));
}

/*
 * append_only: BEFORE UPDATE OR DELETE (row) and BEFORE TRUNCATE
 * (statement) trigger that refuses the change, for every role.
 */
Datum
append_only(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const char *op;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("append_only must be called as a trigger")));
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
		op = "UPDATE";
	else if (TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		op = "DELETE";
	else if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		op = "TRUNCATE";
	else
		return PointerGetDatum(trigdata->tg_trigtuple);

	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("%s is append-only", RelationGetRelationName(trigdata->tg_relation)),
			 errdetail("%s is not allowed on this table for any role.", op),
			 errhint("Record a correction as a new entry instead.")));
	return (Datum) 0;			/* not reached */
}
