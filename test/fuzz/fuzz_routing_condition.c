/*-------------------------------------------------------------------------
 *
 * fuzz_routing_condition.c
 *	  libFuzzer harness for the routing condition language: arbitrary bytes
 *	  are parsed; what parses must validate, print, parse back to the same
 *	  canonical text, evaluate, explain, be analysed and be matched by a
 *	  one-rule indexed set exactly as the evaluator says.  The raw bytes
 *	  are also offered to the validator as a stored compiled form.
 *	  Built with -fsanitize=fuzzer,address,undefined.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routing/cond.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *
FuzzAlloc(void *ctx, size_t n)
{
	(void) ctx;
	return malloc(n);
}

static void
FuzzFree(void *ctx, void *p)
{
	(void) ctx;
	free(p);
}

static const RoutingAllocator mem = {FuzzAlloc, FuzzFree, NULL};

/* A row with some attributes set and some missing. */
static void
FuzzRow(RoutingRow *row, const uint8_t *data, size_t size)
{
	RoutingRowInit(row);
	row->str[RA_SPECIALTY] = "cardiology";
	row->len[RA_SPECIALTY] = 10;
	row->isnull[RA_SPECIALTY] = size % 3 == 0;
	row->num[RA_PRIORITY] = size % 4;
	row->isnull[RA_PRIORITY] = 0;
	row->str[RA_PATIENT_ZIP] = (const char *) data;
	row->len[RA_PATIENT_ZIP] = (int32_t) (size < 12 ? size : 12);
	row->isnull[RA_PATIENT_ZIP] = 0;
	row->num[RA_PATIENT_AGE] = (double) (size % 97);
	row->isnull[RA_PATIENT_AGE] = size % 5 == 0;
	row->num[RA_IN_NETWORK] = size % 2;
	row->isnull[RA_IN_NETWORK] = size % 7 == 0;
	row->num[RA_WEEKDAY] = size % 7;
	row->isnull[RA_WEEKDAY] = 0;
	row->has_patient_coord = size % 2;
	row->patient_lat = 43.6;
	row->patient_lon = -70.2;
	row->has_location_coord = 1;
	row->location_lat = 44.8;
	row->location_lon = -68.7;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	RoutingError err;
	RoutingExpr *e;
	RoutingExpr *e2;
	size_t		n;
	char	   *canon;
	char	   *canon2;
	char	   *sql;
	char		explain[256];
	RoutingRow	row;
	int			r;

	/* the bytes as a stored compiled form: never a crash */
	if (size >= sizeof(RoutingExpr))
	{
		void	   *blob = malloc(size);

		memcpy(blob, data, size);
		if (RoutingExprValidate(blob, size, NULL))
		{
			FuzzRow(&row, data, size);
			(void) RoutingEval(blob, &row);
			(void) RoutingPrint(blob, ROUTING_PRINT_CANONICAL, "", explain, sizeof(explain));
		}
		free(blob);
	}

	e = RoutingParse((const char *) data, size, &mem, &err);
	if (e == NULL)
	{
		if (err.kind == RE_NONE || err.message[0] == '\0')
			abort();
		return 0;
	}
	if (!RoutingExprValidate(e, RoutingExprSize(e), &err))
		abort();
	n = RoutingPrint(e, ROUTING_PRINT_CANONICAL, "", NULL, 0);
	canon = malloc(n + 1);
	RoutingPrint(e, ROUTING_PRINT_CANONICAL, "", canon, n + 1);
	if (strlen(canon) != n)
		abort();
	n = RoutingPrint(e, ROUTING_PRINT_SQL, "r.", NULL, 0);
	sql = malloc(n + 1);
	RoutingPrint(e, ROUTING_PRINT_SQL, "r.", sql, n + 1);

	/* the canonical text is a fixed point (it may exceed the length limit) */
	if (strlen(canon) <= ROUTING_MAX_LENGTH)
	{
		e2 = RoutingParse(canon, strlen(canon), &mem, &err);
		if (e2 == NULL)
			abort();
		n = RoutingPrint(e2, ROUTING_PRINT_CANONICAL, "", NULL, 0);
		canon2 = malloc(n + 1);
		RoutingPrint(e2, ROUTING_PRINT_CANONICAL, "", canon2, n + 1);
		if (strcmp(canon, canon2) != 0)
			abort();
		free(canon2);
		free(e2);
	}

	FuzzRow(&row, data, size);
	r = RoutingEval(e, &row);
	if (RoutingExplain(e, &row, explain, sizeof(explain)) != r)
		abort();
	(void) RoutingSatisfiable(e);
	(void) RoutingImplies(e, e);
	(void) RoutingMayOverlap(e, e);
	/* an unsatisfiable condition never evaluates to true */
	if (r == 1 && !RoutingSatisfiable(e))
		abort();
	{
		RoutingSetRule rule = {7, e, 0, 0, 0, 0};
		RoutingSet *set = RoutingSetBuild(&rule, 1, &mem);

		if (set)
		{
			if ((RoutingSetMatch(set, &row, 0, NULL) == 0) != (r == 1))
				abort();
			RoutingSetFree(set, &mem);
		}
	}
	free(sql);
	free(canon);
	free(e);
	return 0;
}
