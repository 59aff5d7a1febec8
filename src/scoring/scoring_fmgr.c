/*-------------------------------------------------------------------------
 *
 * scoring_fmgr.c
 *	  SQL-callable glue for conversion and no-show scoring: the IRLS pass
 *	  aggregate (transition and combine over a plain float8[] state), the
 *	  train_logit driver (Newton iterations, each one pass of the aggregate
 *	  through SPI, parallel where the planner chooses), prediction with a
 *	  per-backend model cache invalidated through the relcache, the
 *	  evaluation aggregates (auc, log_loss, brier), explanations of a score
 *	  (top contributing features) and the train/test split hash.
 *
 *	  The numerics live in logit.c (no server headers).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type_d.h"
#include "common/shortest_dec.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/plannodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/syscache.h"

#include "rcrm_snapshot.h"
#include "scoring/logit.h"

PG_FUNCTION_INFO_V1(logit_pass_step);
PG_FUNCTION_INFO_V1(logit_pass_combine);
PG_FUNCTION_INFO_V1(logit_pass_columns_step);
PG_FUNCTION_INFO_V1(train_logit);
PG_FUNCTION_INFO_V1(logit_predict);
PG_FUNCTION_INFO_V1(predict);
PG_FUNCTION_INFO_V1(models_changed);
PG_FUNCTION_INFO_V1(auc_step);
PG_FUNCTION_INFO_V1(auc_combine);
PG_FUNCTION_INFO_V1(auc_serialize);
PG_FUNCTION_INFO_V1(auc_deserialize);
PG_FUNCTION_INFO_V1(auc_final);
PG_FUNCTION_INFO_V1(log_loss_step);
PG_FUNCTION_INFO_V1(brier_step);
PG_FUNCTION_INFO_V1(mean_metric_combine);
PG_FUNCTION_INFO_V1(mean_metric_final);
PG_FUNCTION_INFO_V1(logit_contributions);
PG_FUNCTION_INFO_V1(split_fraction);
PG_FUNCTION_INFO_V1(in_test_set);

/* Probabilities are clipped to [eps, 1 - eps] in log_loss (as scikit-learn). */
#define SCORING_LOGLOSS_EPS 1e-15

/* ----------------------------------------------------------------------
 * Array helpers
 * ----------------------------------------------------------------------
 */

/* The data of an array (ARR_DATA_PTR without its sign-compare warning). */
static inline double *
Float8Data(ArrayType *a)
{
	size_t		off = ARR_HASNULL(a) ? (size_t) a->dataoffset :
		(size_t) ARR_OVERHEAD_NONULLS(ARR_NDIM(a));

	return (double *) ((char *) a + off);
}

/*
 * The doubles of a one-dimensional float8[] without NULLs, or an error
 * naming what.
 */
static double *
Float8ArrayValues(ArrayType *a, const char *what, int *n)
{
	if (ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be a float8[]", what)));
	if (ARR_NDIM(a) == 0)
	{
		*n = 0;
		return (double *) Float8Data(a);
	}
	if (ARR_NDIM(a) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	if (ARR_HASNULL(a) && array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not contain NULL", what)));
	*n = ARR_DIMS(a)[0];
	return (double *) Float8Data(a);
}

/* A new float8[] holding n doubles. */
static ArrayType *
Float8ArrayMake(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));
	int			i;

	for (i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return construct_array(d, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

static bool IsNumericType(Oid t);

/* Raise the error for a bad aggregate state. */
static void
BadStateError(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("not a logit_pass state"),
			 errdetail("The array was not made by referral_crm.logit_pass for the same features and coefficients.")));
}

/* ----------------------------------------------------------------------
 * The IRLS pass aggregate: logit_pass(params float8[], y float8, x float8[])
 * ----------------------------------------------------------------------
 */

/*
 * A new pass state in the aggregate context from the parameters in
 * argument 1; want_p >= 0 requires that many features.
 */
static ArrayType *
PassStateCreate(FunctionCallInfo fcinfo, MemoryContext aggcontext, int want_p)
{
	ArrayType  *params;
	ArrayType  *state;
	double	   *pv;
	int			np;
	int			p;
	size_t		len;
	Size		nbytes;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("logit_pass parameters must not be NULL")));
	params = PG_GETARG_ARRAYTYPE_P(1);
	pv = Float8ArrayValues(params, "logit_pass parameters", &np);
	if (LogitParamsCheck(pv, (size_t) np, &p) != LOGIT_OK || (want_p >= 0 && p != want_p))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("logit_pass parameters are not valid"),
				 errdetail("Parameters are the coefficients (intercept first), the feature means and the feature scales: 3 p + 1 finite values, scales positive.")));
	len = LogitStateLen(p);
	nbytes = ARR_OVERHEAD_NONULLS(1) + len * sizeof(double);
	state = MemoryContextAllocZero(aggcontext, nbytes);
	SET_VARSIZE(state, nbytes);
	state->ndim = 1;
	state->dataoffset = 0;
	state->elemtype = FLOAT8OID;
	ARR_DIMS(state)[0] = (int) len;
	ARR_LBOUND(state)[0] = 1;
	LogitStateInit(Float8Data(state), p, pv);
	return state;
}

/* Raise the errors of LogitAccumulate. */
static void
AccumulateError(LogitProblem problem, double y)
{
	if (problem == LOGIT_BAD_LABEL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("label value %s is not 0 or 1", float8out_internal(y)),
				 errhint("The label must be boolean, or a number that is 0 or 1.")));
	if (problem == LOGIT_NONFINITE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a feature value is NaN or infinite"),
				 errhint("Replace non-finite values in the source query, or filter those rows out.")));
}

/*
 * Transition: add one row.  The state is created on the first row, in the
 * aggregate context, and updated in place afterwards (as float8_accum
 * does).  A row with a NULL label or a NULL feature value is counted as
 * skipped.
 */
Datum
logit_pass_step(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	ArrayType  *state;
	double	   *s;
	int			p;
	LogitProblem problem;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("logit_pass_step called in a non-aggregate context")));

	if (PG_ARGISNULL(0))
		state = PassStateCreate(fcinfo, aggcontext, -1);
	else
		state = PG_GETARG_ARRAYTYPE_P(0);

	s = (double *) Float8Data(state);
	p = (int) s[LOGIT_S_P];

	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		LogitSkip(s);
		PG_RETURN_ARRAYTYPE_P(state);
	}
	else
	{
		ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(3);
		double		y = PG_GETARG_FLOAT8(2);

		if (ARR_ELEMTYPE(xa) != FLOAT8OID || ARR_NDIM(xa) != 1 || ARR_DIMS(xa)[0] != p)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature array has %d values, the pass expects %d",
							ARR_NDIM(xa) == 1 ? ARR_DIMS(xa)[0] : 0, p)));
		if (ARR_HASNULL(xa) && array_contains_nulls(xa))
		{
			LogitSkip(s);
			PG_RETURN_ARRAYTYPE_P(state);
		}
		problem = LogitAccumulate(s, y, (const double *) Float8Data(xa));
		AccumulateError(problem, y);
	}
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Argument types of logit_pass_columns, cached in fn_extra. */
typedef struct PassColumns
{
	int			nargs;
	double	   *x;
	Oid			types[FLEXIBLE_ARRAY_MEMBER];
} PassColumns;

/* A label or feature value of a supported type as a double. */
static double
ColumnValue(Datum d, Oid t)
{
	switch (t)
	{
		case FLOAT8OID:
			return DatumGetFloat8(d);
		case INT4OID:
			return (double) DatumGetInt32(d);
		case INT8OID:
			return (double) DatumGetInt64(d);
		case INT2OID:
			return (double) DatumGetInt16(d);
		case FLOAT4OID:
			return (double) DatumGetFloat4(d);
		case BOOLOID:
			return DatumGetBool(d) ? 1.0 : 0.0;
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
	}
	return 0;					/* not reached: types are checked first */
}

/*
 * logit_pass_columns(params, y, VARIADIC x "any"): the same pass as
 * logit_pass, reading the label and the features straight from columns of
 * any numeric or boolean type (no casts, no array per row).
 */
Datum
logit_pass_columns_step(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	PassColumns *pc = (PassColumns *) fcinfo->flinfo->fn_extra;
	ArrayType  *state;
	double	   *s;
	double		y;
	int			nargs = PG_NARGS();
	int			i;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("logit_pass_columns_step called in a non-aggregate context")));
	if (pc == NULL)
	{
		if (nargs < 4 || nargs - 3 > LOGIT_MAX_FEATURES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("logit_pass_columns needs between 1 and %d features", LOGIT_MAX_FEATURES)));
		pc = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, offsetof(PassColumns, types) + sizeof(Oid) * nargs);
		pc->nargs = nargs;
		pc->x = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(double) * nargs);
		for (i = 2; i < nargs; i++)
		{
			Oid			t = get_fn_expr_argtype(fcinfo->flinfo, i);

			if (t != BOOLOID && !IsNumericType(t))
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("logit_pass_columns argument %d has type %s", i + 1,
								t == InvalidOid ? "unknown" : format_type_be(t)),
						 errhint("The label and the features must be numbers or booleans.")));
			pc->types[i] = t;
		}
		fcinfo->flinfo->fn_extra = pc;
	}
	state = PG_ARGISNULL(0) ? PassStateCreate(fcinfo, aggcontext, nargs - 3) : PG_GETARG_ARRAYTYPE_P(0);
	s = Float8Data(state);
	for (i = 2; i < nargs; i++)
		if (PG_ARGISNULL(i))
		{
			LogitSkip(s);
			PG_RETURN_ARRAYTYPE_P(state);
		}
	y = ColumnValue(PG_GETARG_DATUM(2), pc->types[2]);
	for (i = 3; i < nargs; i++)
		pc->x[i - 3] = ColumnValue(PG_GETARG_DATUM(i), pc->types[i]);
	AccumulateError(LogitAccumulate(s, y, pc->x), y);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Combine two partial states (parallel workers, partitions). */
Datum
logit_pass_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	ArrayType  *a;
	ArrayType  *b;
	int			na;
	int			nb;
	double	   *va;
	double	   *vb;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("logit_pass_combine called in a non-aggregate context")));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = PG_GETARG_ARRAYTYPE_P(1);
	vb = Float8ArrayValues(b, "logit_pass state", &nb);
	if (LogitStateCheck(vb, (size_t) nb) != LOGIT_OK)
		BadStateError();
	if (PG_ARGISNULL(0))
	{
		MemoryContext old = MemoryContextSwitchTo(aggcontext);

		a = DatumGetArrayTypePCopy(PG_GETARG_DATUM(1));
		MemoryContextSwitchTo(old);
		PG_RETURN_ARRAYTYPE_P(a);
	}
	a = PG_GETARG_ARRAYTYPE_P(0);
	va = Float8ArrayValues(a, "logit_pass state", &na);
	if (na != nb || LogitStateCheck(va, (size_t) na) != LOGIT_OK ||
		LogitCombine(va, vb) != LOGIT_OK)
		BadStateError();
	PG_RETURN_ARRAYTYPE_P(a);
}

/* ----------------------------------------------------------------------
 * train_logit: the Newton/IRLS driver
 * ----------------------------------------------------------------------
 */

/* Is this a type we read as a number (or a boolean)? */
static bool
IsNumericType(Oid t)
{
	return t == INT2OID || t == INT4OID || t == INT8OID || t == FLOAT4OID ||
		t == FLOAT8OID || t == NUMERICOID;
}

/* Largest number of workers of a Gather or Gather Merge in a plan tree. */
static int
PlanWorkers(Plan *plan)
{
	int			w = 0;

	if (plan == NULL)
		return 0;
	if (IsA(plan, Gather))
		w = ((Gather *) plan)->num_workers;
	else if (IsA(plan, GatherMerge))
		w = ((GatherMerge *) plan)->num_workers;
	return Max(w, Max(PlanWorkers(plan->lefttree), PlanWorkers(plan->righttree)));
}

/* One training session's data, shared by the helpers below. */
typedef struct Fit
{
	const char *name;
	int			p;
	int			k;
	char	  **features;
	SPIPlanPtr	plan;
	double	   *params;			/* beta (std scale), center, scale */
	double	   *state;			/* copy of the last pass's state */
	size_t		statelen;
	int			passes;
} Fit;

/*
 * Run one pass with fit->params; copy the resulting state into fit->state.
 * Read-only execution keeps the calling statement's snapshot, so that every
 * pass sees the same rows even under READ COMMITTED.
 */
static void
FitPass(Fit *fit)
{
	Datum		arg;
	bool		isnull;
	Datum		res;
	ArrayType  *a;
	double	   *v;
	int			n;
	int			rc;

	CHECK_FOR_INTERRUPTS();
	arg = PointerGetDatum(Float8ArrayMake(fit->params, 3 * fit->p + 1));
	rc = SPI_execute_plan(fit->plan, &arg, NULL, true, 0);
	if (rc != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "logit pass returned %d (%llu rows)", rc, (unsigned long long) SPI_processed);
	fit->passes++;
	res = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
	{
		/* no rows at all */
		memset(fit->state, 0, fit->statelen * sizeof(double));
		fit->state[0] = LOGIT_MAGIC;
		fit->state[LOGIT_S_P] = fit->p;
	}
	else
	{
		a = DatumGetArrayTypeP(res);
		v = Float8ArrayValues(a, "logit_pass state", &n);
		if ((size_t) n != fit->statelen || LogitStateCheck(v, (size_t) n) != LOGIT_OK)
			BadStateError();
		memcpy(fit->state, v, fit->statelen * sizeof(double));
	}
	SPI_freetuptable(SPI_tuptable);
}

/* Between steps of the O(k^3) numerics: a wide fit stays cancellable. */
static void
ScoringTick(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* Append a JSON number (null if not finite) to buf. */
static void
AppendJsonNumber(StringInfo buf, double v)
{
	if (isfinite(v))
	{
		char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

		double_to_shortest_decimal_buf(v, num);
		appendStringInfoString(buf, num);
	}
	else
		appendStringInfoString(buf, "null");
}

/* The separation error; complete: every row is fitted (almost) exactly. */
static void
SeparationError(const Fit *fit, int iter, bool complete)
{
	if (complete)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("perfect separation in the training data of model \"%s\"", fit->name),
				 errdetail("After %d iterations every row is fitted with a probability within 1e-6 of its label; maximum likelihood estimates do not exist.",
						   iter),
				 errhint("Set l2 to a positive penalty (for example l2 => 1), or remove the feature that separates the classes.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("perfect separation in the training data of model \"%s\"", fit->name),
			 errdetail("After %d iterations %.0f rows are fitted with probability 0 or 1 and the coefficients grow without bound; maximum likelihood estimates do not exist.",
					   iter, fit->state[LOGIT_S_PERFECT]),
			 errhint("Set l2 to a positive penalty (for example l2 => 1), or remove the feature that separates the classes.")));
}

/*
 * train_logit(model_name, source_query, label, features, l2, max_iter)
 * RETURNS referral_crm.models
 */
Datum
train_logit(PG_FUNCTION_ARGS)
{
	Fit			fit;
	char	   *source;
	char	   *label;
	ArrayType  *feat_arr;
	Datum	   *feat_datums;
	bool	   *feat_nulls;
	double		l2;
	int			max_iter;
	int			p;
	int			k;
	int			i;
	int			j;
	int			rc;
	StringInfoData q;
	TupleDesc	desc;
	Oid			label_type;
	Oid			argtypes[1] = {FLOAT8ARRAYOID};
	double	   *center;
	double	   *scale;
	double	   *beta;
	double	   *prev_beta;
	double	   *g;
	double	   *h;
	double	   *hp;
	double	   *step;
	double		n;
	double		skipped;
	double		sumy;
	double		ll;
	double		obj;
	double		prev_obj = 0;
	double		maxstep = 0;
	double		maxgrad = 0;
	int			iter = 0;
	int			halvings = 0;
	int			failed_at;
	int			workers = 0;
	bool		many;

	for (i = 0; i < 6; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("train_logit arguments must not be NULL")));
	fit.name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	source = text_to_cstring(PG_GETARG_TEXT_PP(1));
	/* a trailing semicolon (and space) would break the subquery */
	{
		size_t		len = strlen(source);

		while (len > 0 && (source[len - 1] == ';' || isspace((unsigned char) source[len - 1])))
			source[--len] = '\0';
	}
	label = text_to_cstring(PG_GETARG_TEXT_PP(2));
	feat_arr = PG_GETARG_ARRAYTYPE_P(3);
	l2 = PG_GETARG_FLOAT8(4);
	max_iter = PG_GETARG_INT32(5);

	if (fit.name[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model name must not be empty")));
	if (!(l2 >= 0) || !isfinite(l2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("l2 must be a finite number >= 0, not %s", float8out_internal(l2))));
	if (max_iter < 1 || max_iter > 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_iter must be between 1 and 1000, not %d", max_iter)));
	if (ARR_NDIM(feat_arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a one-dimensional array")));
	deconstruct_array(feat_arr, TEXTOID, -1, false, TYPALIGN_INT, &feat_datums, &feat_nulls, &p);
	if (p == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must name at least one column")));
	if (p > LOGIT_MAX_FEATURES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%d features is more than the limit of %d", p, LOGIT_MAX_FEATURES)));
	fit.features = palloc(sizeof(char *) * p);
	for (i = 0; i < p; i++)
	{
		if (feat_nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("features must not contain NULL")));
		fit.features[i] = TextDatumGetCString(feat_datums[i]);
		if (strcmp(fit.features[i], label) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("column \"%s\" is both the label and a feature", label)));
		for (j = 0; j < i; j++)
			if (strcmp(fit.features[i], fit.features[j]) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("feature \"%s\" is listed twice", fit.features[i]),
						 errhint("Name each feature column once.")));
	}
	k = p + 1;
	fit.p = p;
	fit.k = k;
	fit.passes = 0;

	SPI_connect();

	/* Describe the source: the label and every feature must exist, typed. */
	initStringInfo(&q);
	appendStringInfo(&q, "SELECT * FROM (%s) AS s LIMIT 0", source);
	rc = SPI_execute(q.data, true, 0);
	if (rc != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("source_query must be a SELECT")));
	desc = SPI_tuptable->tupdesc;
	i = SPI_fnumber(desc, label);
	if (i <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("label column \"%s\" is not in the source query", label)));
	label_type = SPI_gettypeid(desc, i);
	if (label_type != BOOLOID && !IsNumericType(label_type))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("label column \"%s\" has type %s", label, format_type_be(label_type)),
				 errhint("The label must be boolean, or a number that is 0 or 1.")));

	/*
	 * The column form takes the parameters, the label and one argument per
	 * feature, and an aggregate takes at most FUNC_MAX_ARGS - 1 arguments
	 * (its transition function also takes the state); past that the pass
	 * reads one float8[] per row instead (the same accumulation: numbers as
	 * float8, booleans 0/1, a row with a NULL skipped).
	 */
	many = p + 2 > FUNC_MAX_ARGS - 1;
	resetStringInfo(&q);
	if (many)
		appendStringInfo(&q, "SELECT referral_crm.logit_pass($1, referral_crm.feature_value(s.%s), ARRAY[",
						 quote_identifier(label));
	else
		appendStringInfo(&q, "SELECT referral_crm.logit_pass_columns($1, s.%s", quote_identifier(label));
	for (j = 0; j < p; j++)
	{
		Oid			t;

		i = SPI_fnumber(desc, fit.features[j]);
		if (i <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("feature column \"%s\" is not in the source query", fit.features[j])));
		t = SPI_gettypeid(desc, i);
		if (t != BOOLOID && !IsNumericType(t))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature column \"%s\" has type %s", fit.features[j], format_type_be(t)),
					 errhint("Features must be numbers or booleans; encode categories as 0/1 columns.")));
		if (many)
			appendStringInfo(&q, "%sreferral_crm.feature_value(s.%s)", j ? ", " : "",
							 quote_identifier(fit.features[j]));
		else
			appendStringInfo(&q, ", s.%s", quote_identifier(fit.features[j]));
	}
	appendStringInfo(&q, "%s) FROM (%s) AS s", many ? "]::float8[]" : "", source);
	SPI_freetuptable(SPI_tuptable);

	fit.plan = SPI_prepare_cursor(q.data, 1, argtypes, CURSOR_OPT_PARALLEL_OK);
	if (fit.plan == NULL)
		elog(ERROR, "SPI_prepare_cursor failed: %s", SPI_result_code_string(SPI_result));
	{
		CachedPlan *cp = SPI_plan_get_cached_plan(fit.plan);
		ListCell   *lc;

		if (cp != NULL)
		{
			foreach(lc, cp->stmt_list)
			{
				PlannedStmt *ps = lfirst_node(PlannedStmt, lc);

				workers = Max(workers, PlanWorkers(ps->planTree));
			}
			ReleaseCachedPlan(cp, NULL);
		}
	}

	fit.statelen = LogitStateLen(p);
	fit.state = palloc0(fit.statelen * sizeof(double));
	fit.params = palloc0(sizeof(double) * (3 * p + 1));
	beta = fit.params;
	center = fit.params + k;
	scale = fit.params + k + p;
	prev_beta = palloc0(sizeof(double) * k);
	g = palloc0(sizeof(double) * k);
	h = palloc0(sizeof(double) * k * k);
	hp = palloc0(sizeof(double) * k * k);
	step = palloc0(sizeof(double) * k);

	/*
	 * Pass 0 on the raw scale at beta = 0: every weight is 1/4, so the
	 * Hessian holds the feature moments.  It is also the first Newton pass,
	 * transformed to the standardised scale below.
	 */
	for (j = 0; j < p; j++)
		scale[j] = 1.0;
	FitPass(&fit);
	n = fit.state[LOGIT_S_N];
	skipped = fit.state[LOGIT_S_SKIPPED];
	sumy = fit.state[LOGIT_S_SUMY] + fit.state[LOGIT_S_SUMYC];
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the training set of model \"%s\" is empty", fit.name),
				 errdetail("The source query returned no row without a NULL label or feature (%.0f rows were skipped for NULLs).", skipped),
				 errhint("Check the source query, or fill the NULL values.")));
	if (n <= k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" has %d coefficients but only %.0f training rows", fit.name, k, n),
				 errhint("Use fewer features than rows (many more rows than features, in practice).")));
	if (sumy == 0 || sumy == n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the label of model \"%s\" is constant: all %.0f rows are %s", fit.name, n, sumy == 0 ? "0" : "1"),
				 errhint("Training needs both outcomes in the data.")));
	{
		const double *hs = fit.state + LogitOffHess(p);
		const double *gs = fit.state + LogitOffGrad(p);
		const double *gc = fit.state + LogitOffGradComp(p);
		double		h00 = hs[LogitTri(k, 0, 0)];
		double	   *hx = palloc(sizeof(double) * k * k);

		for (i = 0; i < k; i++)
			for (j = i; j < k; j++)
				hx[i * k + j] = hx[j * k + i] = hs[LogitTri(k, i, j)];
		for (j = 0; j < p; j++)
		{
			double		m = hx[j + 1] / h00;
			double		e2 = hx[(j + 1) * k + j + 1] / h00;
			double		var = e2 - m * m;

			if (!isfinite(e2) || !isfinite(m))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("feature \"%s\" has values too large to square in double precision", fit.features[j]),
						 errhint("Rescale the feature (for example to thousands or millions).")));
			if (!(var > 1e-13 * e2))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("feature \"%s\" is constant in the training data of model \"%s\"", fit.features[j], fit.name),
						 errdetail("Every one of the %.0f rows has the value %s.", n, float8out_internal(m)),
						 errhint("Remove the feature: a constant column cannot be told apart from the intercept.")));
			center[j] = m;
			scale[j] = sqrt(var);
		}
		/* g_z = M g_x, H_z = M H_x M' with z_j = (x_j - m_j) / s_j */
		g[0] = gs[0] + gc[0];
		for (j = 1; j < k; j++)
			g[j] = ((gs[j] + gc[j]) - center[j - 1] * g[0]) / scale[j - 1];
		for (i = 0; i < k; i++)
			for (j = i; j < k; j++)
			{
				double		v;

				if (i == 0 && j == 0)
					v = h00;
				else if (i == 0)
					v = (hx[j] - center[j - 1] * h00) / scale[j - 1];
				else
					v = (hx[i * k + j] - center[i - 1] * hx[j] - center[j - 1] * hx[i]
						 + center[i - 1] * center[j - 1] * h00) / (scale[i - 1] * scale[j - 1]);
				h[i * k + j] = h[j * k + i] = v;
			}
		/* duplicate (perfectly correlated) features */
		for (i = 1; i < k; i++)
			for (j = i + 1; j < k; j++)
				if (fabs(h[i * k + j]) >= (1.0 - 1e-10) * h00)
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("features \"%s\" and \"%s\" are %s in the training data of model \"%s\"",
									fit.features[i - 1], fit.features[j - 1],
									h[i * k + j] > 0 ? "duplicates (correlation 1)" : "mirror images (correlation -1)",
									fit.name),
							 errhint("Remove one of the two features.")));
		memcpy(hp, h, sizeof(double) * k * k);
		if (!LogitCholesky(hp, k, &failed_at))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature \"%s\" is a linear combination of the features before it in model \"%s\"",
							fit.features[Max(failed_at, 1) - 1], fit.name),
					 errhint("Remove the feature, or one of those it depends on.")));
	}
	ll = fit.state[LOGIT_S_LL] + fit.state[LOGIT_S_LLC];

	/* Newton iterations on the standardised scale. */
	for (;;)
	{
		double		pen = 0;
		double		maxres = fit.state[LOGIT_S_MAXRES];
		double		perfect = fit.state[LOGIT_S_PERFECT];

		for (j = 1; j < k; j++)
			pen += beta[j] * beta[j];
		obj = ll - 0.5 * l2 * pen;
		if (iter > 0 && obj < prev_obj - 1e-12 * (1.0 + fabs(prev_obj)))
		{
			/* the full step went too far: halve it */
			if (++halvings > 40)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("training of model \"%s\" does not improve the likelihood after %d iterations", fit.name, iter),
						 errhint("Set l2 to a positive penalty, or check the features for extreme values.")));
			for (j = 0; j < k; j++)
				beta[j] = prev_beta[j] + 0.5 * (beta[j] - prev_beta[j]);
			FitPass(&fit);
			ll = fit.state[LOGIT_S_LL] + fit.state[LOGIT_S_LLC];
			goto read_state;
		}
		for (j = 0; j < k; j++)
		{
			step[j] = g[j] - (j > 0 ? l2 * beta[j] : 0);
			memcpy(hp, h, sizeof(double) * k * k);
		}
		for (j = 1; j < k; j++)
			hp[j * k + j] += l2;
		if (!LogitCholesky(hp, k, &failed_at))
		{
			if (l2 == 0 && perfect > 0)
				SeparationError(&fit, iter, false);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the Hessian of model \"%s\" is singular at iteration %d", fit.name, iter),
					 errdetail("Feature \"%s\" carries no information beyond the features before it at the current weights.",
							   fit.features[Max(failed_at, 1) - 1]),
					 errhint("Set l2 to a positive penalty, or remove the feature.")));
		}
		maxgrad = 0;
		for (j = 0; j < k; j++)
			maxgrad = Max(maxgrad, fabs(step[j]) / n);
		LogitCholSolve(hp, k, step);
		maxstep = 0;
		for (j = 0; j < k; j++)
			maxstep = Max(maxstep, fabs(step[j]) / Max(1.0, fabs(beta[j])));
		if (maxstep <= 1e-10 && maxgrad <= 1e-8)
		{
			break;
		}
		if (l2 == 0 && maxres < 1e-6)
			SeparationError(&fit, iter, true);
		if (l2 == 0 && iter >= 12 && perfect > 0 && maxstep > 1e-3)
			SeparationError(&fit, iter, false);
		if (iter >= max_iter)
		{
			if (l2 == 0 && perfect > 0)
				SeparationError(&fit, iter, false);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("training of model \"%s\" did not converge within max_iter = %d iterations", fit.name, max_iter),
					 errdetail("The last Newton step was %g (relative) and the largest gradient %g per row.", maxstep, maxgrad),
					 errhint("Raise max_iter, or set l2 to a positive penalty.")));
		}
		memcpy(prev_beta, beta, sizeof(double) * k);
		prev_obj = obj;
		for (j = 0; j < k; j++)
			beta[j] += step[j];
		iter++;
		halvings = 0;
		FitPass(&fit);
		ll = fit.state[LOGIT_S_LL] + fit.state[LOGIT_S_LLC];

read_state:
		if (fit.state[LOGIT_S_N] != n || fit.state[LOGIT_S_SKIPPED] != skipped ||
			fit.state[LOGIT_S_SUMY] + fit.state[LOGIT_S_SUMYC] != sumy)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("the source query of model \"%s\" returned different rows in different passes", fit.name),
					 errhint("Train in a REPEATABLE READ transaction, or from a query whose rows do not change (no random(), no concurrent writes).")));
		{
			const double *hs = fit.state + LogitOffHess(p);
			const double *gs = fit.state + LogitOffGrad(p);
			const double *gc = fit.state + LogitOffGradComp(p);

			for (i = 0; i < k; i++)
			{
				g[i] = gs[i] + gc[i];
				for (j = i; j < k; j++)
					h[i * k + j] = h[j * k + i] = hs[LogitTri(k, i, j)];
			}
		}
	}

	/* Statistics on the original scale. */
	{
		double	   *cz = palloc(sizeof(double) * k * k);
		double	   *a = palloc0(sizeof(double) * k * k);
		double	   *tmp = palloc0(sizeof(double) * k * k);
		double	   *cov = palloc0(sizeof(double) * k * k);
		double	   *coef = palloc(sizeof(double) * k);
		double	   *se = palloc(sizeof(double) * k);
		double	   *zv = palloc(sizeof(double) * k);
		double	   *pv = palloc(sizeof(double) * k);
		double	   *orr = palloc(sizeof(double) * k);
		double	   *hx = palloc(sizeof(double) * k * k);
		double	   *eig = palloc(sizeof(double) * k);
		double		ybar = sumy / n;
		double		ll0 = sumy * log(ybar) + (n - sumy) * log1p(-ybar);
		double		cond = NAN;
		double		cond_std = NAN;
		double		emin;
		double		emax;
		StringInfoData metrics;
		Datum		values[21];
		Oid			types[21];
		HeapTuple	tuple;
		TupleDesc	tdesc;
		Datum		result;

		LogitCholInverse(hp, k, cz, ScoringTick);
		/* A maps standardised coefficients to the original scale */
		a[0] = 1.0;
		for (j = 1; j < k; j++)
		{
			a[j] = -center[j - 1] / scale[j - 1];
			a[j * k + j] = 1.0 / scale[j - 1];
		}
		for (i = 0; i < k; i++)
		{
			coef[i] = 0;
			for (j = 0; j < k; j++)
				coef[i] += a[i * k + j] * beta[j];
		}
		LogitSandwich(a, cz, k, tmp, cov, ScoringTick);
		for (i = 0; i < k; i++)
		{
			se[i] = sqrt(cov[i * k + i]);
			zv[i] = coef[i] / se[i];
			pv[i] = erfc(fabs(zv[i]) / M_SQRT2);
			orr[i] = exp(coef[i]);
			if (!isfinite(coef[i]) || !isfinite(se[i]))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("model \"%s\" has a non-finite coefficient or standard error", fit.name),
						 errhint("Rescale extreme features, or set l2 to a positive penalty.")));
		}
		/* condition numbers of X'WX (unpenalised): standardised and raw */
		memcpy(tmp, h, sizeof(double) * k * k);
		LogitSymEigen(tmp, k, eig, ScoringTick);
		emin = emax = eig[0];
		for (i = 1; i < k; i++)
		{
			emin = Min(emin, eig[i]);
			emax = Max(emax, eig[i]);
		}
		if (emin > 0)
			cond_std = sqrt(emax / emin);
		/* H_x = N H_z N', N = A^-1: x~ = N z~ */
		memset(a, 0, sizeof(double) * k * k);
		a[0] = 1.0;
		for (j = 1; j < k; j++)
		{
			a[j * k] = center[j - 1];
			a[j * k + j] = scale[j - 1];
		}
		LogitSandwich(a, h, k, tmp, hx, ScoringTick);
		LogitSymEigen(hx, k, eig, ScoringTick);
		emin = emax = eig[0];
		for (i = 1; i < k; i++)
		{
			emin = Min(emin, eig[i]);
			emax = Max(emax, eig[i]);
		}
		if (emin > 0)
			cond = sqrt(emax / emin);

		initStringInfo(&metrics);
		appendStringInfoString(&metrics, "{\"l2\": ");
		AppendJsonNumber(&metrics, l2);
		appendStringInfoString(&metrics, ", \"penalty\": \"l2 on standardised coefficients, intercept unpenalised\"");
		appendStringInfoString(&metrics, ", \"converged\": true, \"passes\": ");
		appendStringInfo(&metrics, "%d", fit.passes);
		appendStringInfoString(&metrics, ", \"last_step\": ");
		AppendJsonNumber(&metrics, maxstep);
		appendStringInfoString(&metrics, ", \"max_gradient_per_row\": ");
		AppendJsonNumber(&metrics, maxgrad);
		appendStringInfoString(&metrics, ", \"penalised_log_likelihood\": ");
		AppendJsonNumber(&metrics, obj);
		appendStringInfoString(&metrics, ", \"condition_number_standardised\": ");
		AppendJsonNumber(&metrics, cond_std);
		appendStringInfoString(&metrics, ", \"positive_rate\": ");
		AppendJsonNumber(&metrics, ybar);
		appendStringInfo(&metrics, ", \"parallel_workers_planned\": %d}", workers);

		/* A new version, serialised per model name. */
		rc = SPI_execute_with_args("SELECT pg_catalog.pg_advisory_xact_lock(7177, pg_catalog.hashtext($1))",
								   1, (Oid[]) {TEXTOID}, (Datum[]) {CStringGetTextDatum(fit.name)}, NULL, false, 0);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "advisory lock failed: %d", rc);

		values[0] = CStringGetTextDatum(fit.name);
		values[1] = CStringGetTextDatum(source);
		values[2] = CStringGetTextDatum(label);
		values[3] = PointerGetDatum(feat_arr);
		values[4] = PointerGetDatum(Float8ArrayMake(coef, k));
		values[5] = PointerGetDatum(Float8ArrayMake(se, k));
		values[6] = PointerGetDatum(Float8ArrayMake(zv, k));
		values[7] = PointerGetDatum(Float8ArrayMake(pv, k));
		values[8] = PointerGetDatum(Float8ArrayMake(orr, k));
		values[9] = PointerGetDatum(Float8ArrayMake(center, p));
		values[10] = PointerGetDatum(Float8ArrayMake(scale, p));
		values[11] = Float8GetDatum(l2);
		values[12] = Float8GetDatum(ll);
		values[13] = Float8GetDatum(ll0);
		values[14] = Float8GetDatum(1.0 - ll / ll0);
		values[15] = Float8GetDatum(-2.0 * ll + 2.0 * k);
		values[16] = Float8GetDatum(-2.0 * ll + k * log(n));
		values[17] = Int64GetDatum((int64) n);
		values[18] = Int64GetDatum((int64) skipped);
		values[19] = Int32GetDatum(iter);
		values[20] = Float8GetDatum(cond);
		types[0] = types[1] = types[2] = TEXTOID;
		types[3] = TEXTARRAYOID;
		for (i = 4; i <= 10; i++)
			types[i] = FLOAT8ARRAYOID;
		for (i = 11; i <= 16; i++)
			types[i] = FLOAT8OID;
		types[17] = types[18] = INT8OID;
		types[19] = INT4OID;
		types[20] = FLOAT8OID;
		{
			char		nulls[22];

			memset(nulls, ' ', sizeof(nulls));
			if (isnan(cond))
				nulls[20] = 'n';
			nulls[21] = '\0';
			resetStringInfo(&q);
			appendStringInfo(&q,
							 "INSERT INTO referral_crm.models (name, version, source_query, label, features,"
							 " coefficients, std_errors, z_values, p_values, odds_ratios, feature_means, feature_scales,"
							 " l2, log_likelihood, null_log_likelihood, mcfadden_r2, aic, bic, rows_used, rows_skipped,"
							 " iterations, condition_number, metrics)"
							 " VALUES ($1, (SELECT coalesce(max(m.version), 0) + 1 FROM referral_crm.models m WHERE m.name = $1),"
							 " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, %s::jsonb)"
							 " RETURNING *",
							 quote_literal_cstr(metrics.data));
			rc = SPI_execute_with_args(q.data, 21, types, values, nulls, false, 0);
		}
		if (rc != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
			elog(ERROR, "could not record model \"%s\": %d", fit.name, rc);
		tuple = SPI_tuptable->vals[0];
		tdesc = SPI_tuptable->tupdesc;
		result = PointerGetDatum(SPI_returntuple(tuple, tdesc));
		SPI_finish();
		PG_RETURN_DATUM(result);
	}
}

/* ----------------------------------------------------------------------
 * Prediction
 * ----------------------------------------------------------------------
 */

/* Raise an error unless the n values of v, each a what, are finite. */
static void
CheckFinite(const double *v, int n, const char *what)
{
	int			j;

	for (j = 0; j < n; j++)
		if (!isfinite(v[j]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s %d is %s", what, j + 1, float8out_internal(v[j]))));
}

/*
 * A probability, or the error for a linear predictor that overflowed both
 * ways (+inf plus -inf is NaN; one infinity alone gives 0 or 1 correctly).
 */
static double
CheckPrediction(double p)
{
	if (isnan(p))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the linear predictor is out of range"),
				 errdetail("Coefficients times feature values overflow double precision towards both +Infinity and -Infinity, so the probability is undefined."),
				 errhint("Rescale the feature values.")));
	return p;
}

/* logit_predict(coef float8[], x float8[]): 1 / (1 + exp(-(c0 + c.x))) */
Datum
logit_predict(PG_FUNCTION_ARGS)
{
	ArrayType  *ca = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(1);
	int			nc;
	int			nx;
	double	   *c = Float8ArrayValues(ca, "coefficients", &nc);
	double	   *x = Float8ArrayValues(xa, "feature values", &nx);

	if (nc != nx + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d coefficients need %d feature values, not %d", nc, Max(nc - 1, 0), nx),
				 errdetail("The first coefficient is the intercept.")));
	CheckFinite(c, nc, "coefficient");
	CheckFinite(x, nx, "feature value");
	PG_RETURN_FLOAT8(CheckPrediction(LogitPredict(c, x, nx)));
}

/*
 * A model name's longest form in bytes: models.name holds at most 100
 * characters, each at most 4 bytes in any server encoding.
 */
#define MODEL_NAME_KEYLEN (100 * 4 + 1)

/* A cached current model version. */
typedef struct ModelCacheEntry
{
	char		name[MODEL_NAME_KEYLEN];	/* hash key */
	Oid			userid;
	RcrmSnapMark snap;			/* the snapshot it was read with */
	bool		pinned;			/* usable only under that snapshot */
	int64		model_id;
	int			version;
	int			p;
	double	   *coef;
	char	   *features;		/* "a, b, c" for messages */
} ModelCacheEntry;

static HTAB *model_cache = NULL;
static MemoryContext model_cache_cxt = NULL;
static bool model_cache_valid = false;
static bool model_cache_callback = false;
static Oid	models_relid = InvalidOid;
/* The transaction in which a models invalidation was last taken in. */
static LocalTransactionId model_inval_lxid = InvalidLocalTransactionId;

/* Relcache callback: referral_crm.models changed (or everything did). */
static void
ModelCacheInvalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == models_relid)
	{
		model_cache_valid = false;
		RcrmSnapNoteInval(&model_inval_lxid);
	}
}

/*
 * Look up (loading on a miss) the current version of a model.  An entry
 * read under a snapshot that may predate a newer version is pinned to it
 * (rcrm_snapshot.h); any other stays until the next invalidation.
 */
static ModelCacheEntry *
ModelCacheLookup(const char *name)
{
	ModelCacheEntry *e;
	bool		found;
	RcrmSnapMark snap;

	if (strlen(name) >= sizeof(e->name))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name)));
	if (!model_cache_callback)
	{
		CacheRegisterRelcacheCallback(ModelCacheInvalidate, (Datum) 0);
		model_cache_callback = true;
	}
	if (!model_cache_valid || model_cache == NULL)
	{
		HASHCTL		ctl;

		if (model_cache_cxt == NULL)
			model_cache_cxt = AllocSetContextCreate(CacheMemoryContext, "referral_crm model cache",
													ALLOCSET_SMALL_SIZES);
		else
			MemoryContextReset(model_cache_cxt);
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(e->name);
		ctl.entrysize = sizeof(ModelCacheEntry);
		ctl.hcxt = model_cache_cxt;
		model_cache = hash_create("referral_crm models", 16, &ctl, HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
		models_relid = get_relname_relid("models", get_namespace_oid("referral_crm", false));
		model_cache_valid = true;
	}
	e = hash_search(model_cache, name, HASH_FIND, &found);
	if (found && e->userid == GetUserId() &&
		(!e->pinned || RcrmSnapMarkHolds(&e->snap)))
		return e;
	/* The mark of the snapshot the entry is read under. */
	snap = RcrmSnapMarkNow();

	/*
	 * Miss: read the current version's coefficients with the rights of the
	 * table's owner.  models is the admin role's (its statistics of two
	 * versions can tell one training row apart); predict() shows only a
	 * probability, which the coefficients give.  As in a SECURITY DEFINER
	 * function: a restricted operation under a pinned search_path, every
	 * name and operator schema-qualified.
	 */
	{
		int			rc;
		bool		isnull;
		Datum		d;
		int			nc;
		double	   *c;
		ModelCacheEntry tmp;
		Oid			save_userid;
		int			save_sec;
		int			save_nestlevel;
		HeapTuple	ct;
		Oid			owner;

		ct = SearchSysCache1(RELOID, ObjectIdGetDatum(models_relid));
		if (!HeapTupleIsValid(ct))
			elog(ERROR, "cache lookup failed for relation %u", models_relid);
		owner = ((Form_pg_class) GETSTRUCT(ct))->relowner;
		ReleaseSysCache(ct);
		GetUserIdAndSecContext(&save_userid, &save_sec);
		SetUserIdAndSecContext(owner, save_sec | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
		save_nestlevel = NewGUCNestLevel();
		(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		SPI_connect();
		rc = SPI_execute_with_args("SELECT m.model_id, m.version, m.coefficients,"
								   " pg_catalog.array_to_string(m.features, ', ')"
								   " FROM referral_crm.models m WHERE m.name OPERATOR(pg_catalog.=) $1"
								   " ORDER BY m.version DESC LIMIT 1",
								   1, (Oid[]) {TEXTOID}, (Datum[]) {CStringGetTextDatum(name)}, NULL, true, 1);
		if (rc != SPI_OK_SELECT)
			elog(ERROR, "model lookup failed: %d", rc);
		if (SPI_processed == 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("model \"%s\" does not exist", name),
					 errhint("Train it with referral_crm.train_logit() or referral_crm.train().")));
		memset(&tmp, 0, sizeof(tmp));
		tmp.model_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		tmp.version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull);
		c = Float8ArrayValues(DatumGetArrayTypeP(d), "coefficients", &nc);
		tmp.p = nc - 1;
		tmp.coef = MemoryContextAlloc(model_cache_cxt, sizeof(double) * Max(nc, 1));
		memcpy(tmp.coef, c, sizeof(double) * nc);
		tmp.features = MemoryContextStrdup(model_cache_cxt,
										   SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4));
		SPI_finish();
		AtEOXact_GUC(true, save_nestlevel);
		SetUserIdAndSecContext(save_userid, save_sec);
		/* the SPI query may have processed invalidations: re-find */
		if (!model_cache_valid)
			return ModelCacheLookup(name);
		e = hash_search(model_cache, name, HASH_ENTER, &found);
		if (found)
		{
			/* a reload replaces the entry: free what it held */
			pfree(e->coef);
			pfree(e->features);
		}
		tmp.userid = GetUserId();
		tmp.snap = snap;
		tmp.pinned = RcrmSnapMustPin(model_inval_lxid);
		memcpy(tmp.name, e->name, sizeof(tmp.name));
		*e = tmp;
	}
	return e;
}

/* predict(model_name text, x float8[]): the current version's probability. */
Datum
predict(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	ArrayType  *xa = PG_GETARG_ARRAYTYPE_P(1);
	int			nx;
	double	   *x = Float8ArrayValues(xa, "feature values", &nx);
	ModelCacheEntry *e = ModelCacheLookup(name);
	int			j;

	if (nx != e->p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" (version %d) takes %d feature values, not %d", name, e->version, e->p, nx),
				 errdetail("Its features are, in order: %s.", e->features)));
	for (j = 0; j < nx; j++)
		if (!isfinite(x[j]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature value %d is %s", j + 1, float8out_internal(x[j]))));
	PG_RETURN_FLOAT8(CheckPrediction(LogitPredict(e->coef, x, nx)));
}

/* Statement trigger on referral_crm.models: tell every backend's cache. */
Datum
models_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("models_changed must be called as a trigger")));
	CacheInvalidateRelcacheByRelid(RelationGetRelid(td->tg_relation));
	return PointerGetDatum(NULL);
}

/* ----------------------------------------------------------------------
 * Evaluation aggregates
 * ----------------------------------------------------------------------
 */

/* State of auc(): the scores of positives and of negatives. */
typedef struct AucState
{
	int64		npos;
	int64		nneg;
	int64		cappos;
	int64		capneg;
	double	   *pos;
	double	   *neg;
} AucState;

/* Append v to a growable array in cxt. */
static void
AucPush(MemoryContext cxt, double **arr, int64 *n, int64 *cap, double v)
{
	if (*n >= *cap)
	{
		int64		newcap = Max(*cap * 2, 1024);

		if ((Size) newcap * sizeof(double) > MaxAllocHugeSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("too many rows for auc()")));
		if (*arr == NULL)
			*arr = MemoryContextAllocHuge(cxt, newcap * sizeof(double));
		else
			*arr = repalloc_huge(*arr, newcap * sizeof(double));
		*cap = newcap;
	}
	(*arr)[(*n)++] = v;
}

/* A score must be a probability. */
static double
CheckScore(double s)
{
	if (!(s >= 0.0 && s <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score %s is not a probability between 0 and 1", float8out_internal(s))));
	return s;
}

/* auc transition: (state, score, label). */
Datum
auc_step(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	AucState   *st;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "auc_step called in a non-aggregate context");
	st = PG_ARGISNULL(0) ? NULL : (AucState *) PG_GETARG_POINTER(0);
	if (st == NULL)
		st = MemoryContextAllocZero(aggcontext, sizeof(AucState));
	if (!PG_ARGISNULL(1) && !PG_ARGISNULL(2))
	{
		double		s = PG_GETARG_FLOAT8(1);

		if (isnan(s))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("score is NaN")));
		if (PG_GETARG_BOOL(2))
			AucPush(aggcontext, &st->pos, &st->npos, &st->cappos, s);
		else
			AucPush(aggcontext, &st->neg, &st->nneg, &st->capneg, s);
	}
	PG_RETURN_POINTER(st);
}

/* auc combine: append the second state's scores to the first. */
Datum
auc_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	AucState   *a;
	AucState   *b;
	int64		i;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "auc_combine called in a non-aggregate context");
	a = PG_ARGISNULL(0) ? NULL : (AucState *) PG_GETARG_POINTER(0);
	b = PG_ARGISNULL(1) ? NULL : (AucState *) PG_GETARG_POINTER(1);
	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = MemoryContextAllocZero(aggcontext, sizeof(AucState));
	for (i = 0; i < b->npos; i++)
		AucPush(aggcontext, &a->pos, &a->npos, &a->cappos, b->pos[i]);
	for (i = 0; i < b->nneg; i++)
		AucPush(aggcontext, &a->neg, &a->nneg, &a->capneg, b->neg[i]);
	PG_RETURN_POINTER(a);
}

/* auc serialisation: npos, nneg, then the doubles. */
Datum
auc_serialize(PG_FUNCTION_ARGS)
{
	AucState   *st = (AucState *) PG_GETARG_POINTER(0);
	Size		len = 2 * sizeof(int64) + (Size) (st->npos + st->nneg) * sizeof(double);
	bytea	   *out;
	char	   *p;

	if (len + VARHDRSZ > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("auc() state too large to pass between parallel workers"),
				 errhint("SET max_parallel_workers_per_gather = 0 for this query.")));
	out = palloc(len + VARHDRSZ);
	SET_VARSIZE(out, len + VARHDRSZ);
	p = VARDATA(out);
	memcpy(p, &st->npos, sizeof(int64));
	memcpy(p + sizeof(int64), &st->nneg, sizeof(int64));
	p += 2 * sizeof(int64);
	if (st->npos)
		memcpy(p, st->pos, st->npos * sizeof(double));
	p += st->npos * sizeof(double);
	if (st->nneg)
		memcpy(p, st->neg, st->nneg * sizeof(double));
	PG_RETURN_BYTEA_P(out);
}

/* auc deserialisation. */
Datum
auc_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const char *p = VARDATA_ANY(in);
	Size		len = VARSIZE_ANY_EXHDR(in);
	AucState   *st = palloc0(sizeof(AucState));

	if (len < 2 * sizeof(int64))
		elog(ERROR, "invalid auc state");
	memcpy(&st->npos, p, sizeof(int64));
	memcpy(&st->nneg, p + sizeof(int64), sizeof(int64));
	if (st->npos < 0 || st->nneg < 0 ||
		len != 2 * sizeof(int64) + (Size) (st->npos + st->nneg) * sizeof(double))
		elog(ERROR, "invalid auc state");
	p += 2 * sizeof(int64);
	st->cappos = st->npos;
	st->capneg = st->nneg;
	if (st->npos)
	{
		st->pos = palloc(st->npos * sizeof(double));
		memcpy(st->pos, p, st->npos * sizeof(double));
	}
	p += st->npos * sizeof(double);
	if (st->nneg)
	{
		st->neg = palloc(st->nneg * sizeof(double));
		memcpy(st->neg, p, st->nneg * sizeof(double));
	}
	PG_RETURN_POINTER(st);
}

/* auc final: NULL unless both classes occur. */
Datum
auc_final(PG_FUNCTION_ARGS)
{
	AucState   *st = PG_ARGISNULL(0) ? NULL : (AucState *) PG_GETARG_POINTER(0);

	if (st == NULL || st->npos == 0 || st->nneg == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(LogitAuc(st->pos, st->npos, st->neg, st->nneg));
}

/*
 * Raise an error unless v[0..n-1] is a state of log_loss or brier: three
 * values, a whole count >= 0 and a finite sum and compensation.
 */
static void
MeanMetricCheck(const double *v, int n)
{
	if (n != 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("metric state must have 3 values")));
	if (!(v[0] >= 0) || isinf(v[0]) || v[0] != floor(v[0]) || !isfinite(v[1]) || !isfinite(v[2]))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("metric state is not valid"),
				 errdetail("A state is {n, sum, compensation}: a whole number of rows >= 0 and two finite numbers.")));
}

/* The float8[3] state {n, sum, compensation} of log_loss and brier. */
static ArrayType *
MeanMetricState(FunctionCallInfo fcinfo, double **v)
{
	ArrayType  *a;
	int			n;

	if (AggCheckCallContext(fcinfo, NULL))
		a = PG_GETARG_ARRAYTYPE_P(0);
	else
		a = PG_GETARG_ARRAYTYPE_P_COPY(0);
	*v = Float8ArrayValues(a, "metric state", &n);
	MeanMetricCheck(*v, n);
	return a;
}

/* Compensated add of x into v[1], v[2]; count in v[0]. */
static void
MeanMetricAdd(double *v, double x)
{
	double		t = v[1] + x;

	if (fabs(v[1]) >= fabs(x))
		v[2] += (v[1] - t) + x;
	else
		v[2] += (x - t) + v[1];
	v[1] = t;
	v[0] += 1;
}

/* log_loss transition: -(y log p + (1 - y) log(1 - p)), p clipped. */
Datum
log_loss_step(PG_FUNCTION_ARGS)
{
	double	   *v;
	ArrayType  *a = MeanMetricState(fcinfo, &v);
	double		s = CheckScore(PG_GETARG_FLOAT8(1));
	bool		y = PG_GETARG_BOOL(2);

	s = Min(Max(s, SCORING_LOGLOSS_EPS), 1.0 - SCORING_LOGLOSS_EPS);
	MeanMetricAdd(v, y ? -log(s) : -log1p(-s));
	PG_RETURN_ARRAYTYPE_P(a);
}

/* brier transition: (p - y)^2. */
Datum
brier_step(PG_FUNCTION_ARGS)
{
	double	   *v;
	ArrayType  *a = MeanMetricState(fcinfo, &v);
	double		s = CheckScore(PG_GETARG_FLOAT8(1));
	double		d = s - (PG_GETARG_BOOL(2) ? 1.0 : 0.0);

	MeanMetricAdd(v, d * d);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* Combine two {n, sum, compensation} states. */
Datum
mean_metric_combine(PG_FUNCTION_ARGS)
{
	double	   *va;
	double	   *vb;
	int			nb;
	ArrayType  *a = MeanMetricState(fcinfo, &va);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);

	vb = Float8ArrayValues(b, "metric state", &nb);
	MeanMetricCheck(vb, nb);
	MeanMetricAdd(va, vb[1]);
	va[0] += vb[0] - 1;
	va[2] += vb[2];
	PG_RETURN_ARRAYTYPE_P(a);
}

/* The mean, NULL for no rows. */
Datum
mean_metric_final(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	int			n;
	double	   *v = Float8ArrayValues(a, "metric state", &n);

	MeanMetricCheck(v, n);
	if (v[0] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((v[1] + v[2]) / v[0]);
}

/* ----------------------------------------------------------------------
 * Explanations and splits
 * ----------------------------------------------------------------------
 */

/* One feature's contribution, for sorting. */
typedef struct Contribution
{
	int			j;
	double		c;
} Contribution;

/* Sort by |contribution| descending, then by feature position. */
static int
CompareContribution(const void *a, const void *b)
{
	const Contribution *x = a;
	const Contribution *y = b;

	if (fabs(x->c) != fabs(y->c))
		return fabs(x->c) > fabs(y->c) ? -1 : 1;
	return x->j - y->j;
}

/*
 * logit_contributions(coef, center, x, features, top): the top features by
 * |coefficient x (x - mean)| (= standardised coefficient x standardised
 * value) as a jsonb array of {feature, contribution}.
 */
Datum
logit_contributions(PG_FUNCTION_ARGS)
{
	int			nc;
	int			nm;
	int			nx;
	int			nf;
	double	   *c = Float8ArrayValues(PG_GETARG_ARRAYTYPE_P(0), "coefficients", &nc);
	double	   *m = Float8ArrayValues(PG_GETARG_ARRAYTYPE_P(1), "feature means", &nm);
	double	   *x = Float8ArrayValues(PG_GETARG_ARRAYTYPE_P(2), "feature values", &nx);
	ArrayType  *fa = PG_GETARG_ARRAYTYPE_P(3);
	int			top = PG_GETARG_INT32(4);
	Datum	   *fd;
	bool	   *fnull;
	Contribution *cs;
	StringInfoData buf;
	int			j;

	deconstruct_array(fa, TEXTOID, -1, false, TYPALIGN_INT, &fd, &fnull, &nf);
	if (nc != nx + 1 || nm != nx || nf != nx)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("logit_contributions needs p + 1 coefficients and p means, values and feature names"),
				 errdetail("Got %d coefficients, %d means, %d values and %d names.", nc, nm, nx, nf)));
	if (top < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("top must not be negative")));
	CheckFinite(c, nc, "coefficient");
	CheckFinite(m, nm, "feature mean");
	CheckFinite(x, nx, "feature value");
	cs = palloc(sizeof(Contribution) * Max(nx, 1));
	for (j = 0; j < nx; j++)
	{
		cs[j].j = j;
		cs[j].c = c[j + 1] * (x[j] - m[j]);
		if (!isfinite(cs[j].c))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("the contribution of feature %d is out of range", j + 1)));
	}
	qsort(cs, nx, sizeof(Contribution), CompareContribution);
	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (j = 0; j < Min(top, nx); j++)
	{
		if (fnull[cs[j].j])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("feature names must not be NULL")));
		appendStringInfoString(&buf, j ? ", {\"feature\": " : "{\"feature\": ");
		escape_json(&buf, TextDatumGetCString(fd[cs[j].j]));
		appendStringInfoString(&buf, ", \"contribution\": ");
		AppendJsonNumber(&buf, cs[j].c);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, ']');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* split_fraction(id bigint, seed int): a stable number in [0, 1). */
Datum
split_fraction(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(LogitSplitHash(PG_GETARG_INT64(0), PG_GETARG_INT32(1)));
}

/* in_test_set(id, test_fraction, seed): split_fraction(id, seed) < fraction. */
Datum
in_test_set(PG_FUNCTION_ARGS)
{
	double		f = PG_GETARG_FLOAT8(1);

	if (!(f >= 0.0 && f <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("test_fraction must be between 0 and 1, not %s", float8out_internal(f))));
	PG_RETURN_BOOL(LogitSplitHash(PG_GETARG_INT64(0), PG_GETARG_INT32(2)) < f);
}
