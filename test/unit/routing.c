/*-------------------------------------------------------------------------
 *
 * routing.c
 *	  Unit tests of the routing condition language (no server needed):
 *	  canonical printing, errors with their kinds and positions, three-
 *	  valued evaluation, LIKE, distance, explain, lint analysis, and the
 *	  indexed rule set against a plain linear scan on random rules and rows.
 *	  Ends with "N passed, N failed".
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routing/cond.h"

#include "unit.h"

static void *
TestAlloc(void *ctx, size_t n)
{
	(void) ctx;
	return malloc(n);
}

static void
TestFree(void *ctx, void *p)
{
	(void) ctx;
	free(p);
}

static const RoutingAllocator mem = {TestAlloc, TestFree, NULL};

/* Parse or return NULL; err filled. */
static RoutingExpr *
Parse(const char *s, RoutingError *err)
{
	return RoutingParse(s, strlen(s), &mem, err);
}

/* Canonical form of s must be want (and parse back to itself). */
static void
Canon(const char *s, const char *want)
{
	RoutingError err;
	RoutingExpr *e = Parse(s, &err);
	char		buf[2048];
	char		what[2300];

	snprintf(what, sizeof(what), "canonical of [%s]", s);
	if (e == NULL)
	{
		Check(0, what);
		printf("  error: %s\n", err.message);
		return;
	}
	RoutingPrint(e, ROUTING_PRINT_CANONICAL, "", buf, sizeof(buf));
	Check(strcmp(buf, want) == 0, what);
	if (strcmp(buf, want) != 0)
		printf("  got [%s]\n", buf);
	Check(RoutingExprValidate(e, RoutingExprSize(e), NULL), "compiled form validates");
	{
		RoutingExpr *e2 = Parse(buf, &err);
		char		buf2[2048];

		Check(e2 != NULL, "canonical form parses");
		if (e2)
		{
			RoutingPrint(e2, ROUTING_PRINT_CANONICAL, "", buf2, sizeof(buf2));
			Check(strcmp(buf, buf2) == 0, "canonical form is a fixed point");
			free(e2);
		}
	}
	free(e);
}

/* SQL form of s (prefix "r.") must be want. */
static void
Sql(const char *s, const char *want)
{
	RoutingError err;
	RoutingExpr *e = Parse(s, &err);
	char		buf[2048];
	char		what[2300];

	snprintf(what, sizeof(what), "SQL of [%s]", s);
	if (e == NULL)
	{
		Check(0, what);
		printf("  error: %s\n", err.message);
		return;
	}
	RoutingPrint(e, ROUTING_PRINT_SQL, "r.", buf, sizeof(buf));
	Check(strcmp(buf, want) == 0, what);
	if (strcmp(buf, want) != 0)
		printf("  got [%s]\n", buf);
	free(e);
}

/* s must fail with this kind at this position. */
static void
Bad(const char *s, RoutingErrorKind kind, int position, const char *message)
{
	RoutingError err;
	RoutingExpr *e = Parse(s, &err);
	char		what[600];

	snprintf(what, sizeof(what), "error for [%.200s]", s);
	Check(e == NULL && err.kind == kind && err.position == position &&
		  (message == NULL || strcmp(err.message, message) == 0), what);
	if (e || err.kind != kind || err.position != position ||
		(message && strcmp(err.message, message) != 0))
		printf("  got kind %d position %d: %s\n", err.kind, err.position, err.message);
	free(e);
}

/* A row for the evaluation tests. */
static void
SampleRow(RoutingRow *row)
{
	RoutingRowInit(row);
	row->str[RA_SPECIALTY] = "cardiology";
	row->len[RA_SPECIALTY] = 10;
	row->isnull[RA_SPECIALTY] = 0;
	row->num[RA_PRIORITY] = 1;	/* urgent */
	row->isnull[RA_PRIORITY] = 0;
	row->str[RA_PAYER_CLASS] = "medicare";
	row->len[RA_PAYER_CLASS] = 8;
	row->isnull[RA_PAYER_CLASS] = 0;
	row->num[RA_IN_NETWORK] = 1;
	row->isnull[RA_IN_NETWORK] = 0;
	row->num[RA_PATIENT_AGE] = 70;
	row->isnull[RA_PATIENT_AGE] = 0;
	row->str[RA_PATIENT_ZIP] = "04101";
	row->len[RA_PATIENT_ZIP] = 5;
	row->isnull[RA_PATIENT_ZIP] = 0;
	row->str[RA_LANGUAGE] = "espa\xc3\xb1ol";
	row->len[RA_LANGUAGE] = 8;
	row->isnull[RA_LANGUAGE] = 0;
	row->num[RA_WEEKDAY] = 5;	/* sat */
	row->isnull[RA_WEEKDAY] = 0;
	row->has_patient_coord = 1;
	row->patient_lat = 43.6615;
	row->patient_lon = -70.2553;
	row->has_location_coord = 1;
	row->location_lat = 44.8012;
	row->location_lon = -68.7778;
}

/* Evaluate s on the sample row: want 1, 0 or -1. */
static void
Eval(const char *s, int want)
{
	RoutingError err;
	RoutingExpr *e = Parse(s, &err);
	RoutingRow	row;
	char		what[600];
	int			r;

	SampleRow(&row);
	snprintf(what, sizeof(what), "eval [%s] = %d", s, want);
	if (e == NULL)
	{
		Check(0, what);
		printf("  error: %s\n", err.message);
		return;
	}
	r = RoutingEval(e, &row);
	Check(r == want, what);
	if (r != want)
		printf("  got %d\n", r);
	free(e);
}

/* Explain s on the sample row. */
static void
Explain(const char *s, const char *want)
{
	RoutingError err;
	RoutingExpr *e = Parse(s, &err);
	RoutingRow	row;
	char		buf[512];
	char		what[600];

	SampleRow(&row);
	snprintf(what, sizeof(what), "explain [%s]", s);
	if (e == NULL)
	{
		Check(0, what);
		return;
	}
	RoutingExplain(e, &row, buf, sizeof(buf));
	Check(strcmp(buf, want) == 0, what);
	if (strcmp(buf, want) != 0)
		printf("  got [%s]\n", buf);
	free(e);
}

/* Lint analysis of a pair. */
static void
Pair(const char *a, const char *b, int implies, int overlaps)
{
	RoutingError err;
	RoutingExpr *ea = Parse(a, &err);
	RoutingExpr *eb = Parse(b, &err);
	char		what[600];

	snprintf(what, sizeof(what), "[%s] implies [%s] = %d, overlap = %d", a, b, implies, overlaps);
	Check(ea && eb && RoutingImplies(ea, eb) == implies && RoutingMayOverlap(ea, eb) == overlaps, what);
	free(ea);
	free(eb);
}

static void
Sat(const char *s, int want)
{
	RoutingError err;
	RoutingExpr *e = Parse(s, &err);
	char		what[600];

	snprintf(what, sizeof(what), "satisfiable [%s] = %d", s, want);
	Check(e && RoutingSatisfiable(e) == want, what);
	free(e);
}

static unsigned int seed = 12345;

static unsigned int
Rand(void)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) & 0xffffff;
}

/* The indexed rule set picks the same rule as a linear scan. */
static void
TestRuleSet(void)
{
	static const char *spec[] = {"cardiology", "dermatology", "neurology", "oncology", "urology"};
	static const char *payer[] = {"P1", "P2", "P3", "P4"};
	static const char *zip[] = {"04101", "04401", "03101", "02108", "10001", "04240"};
	enum
	{
		NRULES = 300, NROWS = 3000
	};
	RoutingSetRule rules[NRULES];
	RoutingExpr *exprs[NRULES];
	RoutingSet *set;
	int			mismatches = 0;
	int			tested_total = 0;

	for (int i = 0; i < NRULES; i++)
	{
		char		buf[256];
		RoutingError err;

		switch (Rand() % 6)
		{
			case 0:
				snprintf(buf, sizeof(buf), "specialty = '%s' and priority >= '%s'",
						 spec[Rand() % 5], (const char *[]) {"routine", "urgent", "asap", "stat"}[Rand() % 4]);
				break;
			case 1:
				snprintf(buf, sizeof(buf), "payer in ('%s', '%s') and patient_age > %u",
						 payer[Rand() % 4], payer[Rand() % 4], Rand() % 90);
				break;
			case 2:
				snprintf(buf, sizeof(buf), "patient_zip = '%s' or in_network", zip[Rand() % 6]);
				break;
			case 3:
				snprintf(buf, sizeof(buf), "patient_zip = '%s' and not in_network", zip[Rand() % 6]);
				break;
			case 4:
				snprintf(buf, sizeof(buf), "patient_age between %u and %u", Rand() % 50, 50 + Rand() % 50);
				break;
			default:
				snprintf(buf, sizeof(buf), "priority = 'stat' and specialty in ('%s', '%s')",
						 spec[Rand() % 5], spec[Rand() % 5]);
				break;
		}
		exprs[i] = Parse(buf, &err);
		if (exprs[i] == NULL)
		{
			printf("rule did not parse: %s: %s\n", buf, err.message);
			Check(0, "random rule parses");
			return;
		}
		rules[i].rule_id = 1000 + i;
		rules[i].expr = exprs[i];
		rules[i].has_from = (i % 17 == 0);
		rules[i].valid_from = 50;
		rules[i].has_to = (i % 13 == 0);
		rules[i].valid_to = 80;
	}
	set = RoutingSetBuild(rules, NRULES, &mem);
	Check(set != NULL, "rule set builds");
	if (set == NULL)
		return;
	Check(RoutingSetAnchored(set) > 0 && RoutingSetAnchored(set) < NRULES, "some rules anchored, some not");
	for (int k = 0; k < NROWS; k++)
	{
		RoutingRow	row;
		int64_t		now = Rand() % 100;
		int			want = -1;
		int			got,
					tested;

		RoutingRowInit(&row);
		if (Rand() % 10)
		{
			const char *s = spec[Rand() % 5];

			row.str[RA_SPECIALTY] = s;
			row.len[RA_SPECIALTY] = (int32_t) strlen(s);
			row.isnull[RA_SPECIALTY] = 0;
		}
		row.num[RA_PRIORITY] = Rand() % 4;
		row.isnull[RA_PRIORITY] = 0;
		if (Rand() % 8)
		{
			row.str[RA_PAYER] = payer[Rand() % 4];
			row.len[RA_PAYER] = 2;
			row.isnull[RA_PAYER] = 0;
		}
		row.str[RA_PATIENT_ZIP] = zip[Rand() % 6];
		row.len[RA_PATIENT_ZIP] = 5;
		row.isnull[RA_PATIENT_ZIP] = 0;
		row.num[RA_PATIENT_AGE] = Rand() % 100;
		row.isnull[RA_PATIENT_AGE] = (Rand() % 20) == 0;
		row.num[RA_IN_NETWORK] = Rand() % 2;
		row.isnull[RA_IN_NETWORK] = (Rand() % 5) == 0;
		for (int i = 0; i < NRULES; i++)
		{
			if ((rules[i].has_from && now < rules[i].valid_from) ||
				(rules[i].has_to && now >= rules[i].valid_to))
				continue;
			if (RoutingEval(exprs[i], &row) == 1)
			{
				want = i;
				break;
			}
		}
		got = RoutingSetMatch(set, &row, now, &tested);
		tested_total += tested;
		if (got != want)
			mismatches++;
	}
	Check(mismatches == 0, "indexed rule set agrees with a linear scan on 3000 random rows");
	if (mismatches)
		printf("  %d mismatches\n", mismatches);
	Check(RoutingSetRuleId(set, 5) == 1005, "rule ids kept");
	RoutingSetFree(set, &mem);
	for (int i = 0; i < NRULES; i++)
		free(exprs[i]);
}

/* Every truncation and byte flip of a compiled form is rejected or safe. */
static void
TestCorrupt(void)
{
	RoutingError err;
	RoutingExpr *e = Parse("specialty in ('a', 'b') and (priority > 'urgent' or not in_network)", &err);
	size_t		size = RoutingExprSize(e);
	char	   *copy = malloc(size);
	int			accepted = 0;
	RoutingRow	row;
	char		buf[1024];

	SampleRow(&row);
	for (size_t cut = 0; cut < size; cut++)
		Check(!RoutingExprValidate(e, cut, NULL) || cut >= size, "truncated form rejected");
	for (size_t i = 4; i < size; i++)
		for (int bit = 0; bit < 8; bit++)
		{
			memcpy(copy, e, size);
			copy[i] ^= (char) (1 << bit);
			if (RoutingExprValidate((RoutingExpr *) copy, size, NULL))
			{
				/* what validates must evaluate and print without harm */
				accepted++;
				(void) RoutingEval((RoutingExpr *) copy, &row);
				(void) RoutingPrint((RoutingExpr *) copy, ROUTING_PRINT_CANONICAL, "", buf, sizeof(buf));
			}
		}
	Check(accepted < (int) (size * 8), "byte flips are mostly rejected");
	free(copy);
	free(e);
}

int
main(void)
{
	RoutingError err;

	/* canonical printing */
	Canon("specialty = 'cardiology' and priority >= 'urgent' and payer_class in ('medicare', 'commercial') and distance_km(location) < 40",
		  "specialty = 'cardiology' and priority >= 'urgent' and payer_class in ('medicare', 'commercial') and distance_km(location) < 40");
	Canon("SPECIALTY='a'AND(Priority>'routine'OR in_network)", "specialty = 'a' and (priority > 'routine' or in_network)");
	Canon("(specialty = 'a' and (specialty = 'b' and specialty = 'c'))", "specialty = 'a' and specialty = 'b' and specialty = 'c'");
	Canon("specialty = 'a' or (specialty = 'b' or specialty = 'c') and in_network",
		  "specialty = 'a' or (specialty = 'b' or specialty = 'c') and in_network");
	Canon("not (in_network and hour < 8)", "not (in_network and hour < 8)");
	Canon("not not in_network", "not not in_network");
	Canon("patient_age >= -007.50", "patient_age >= -7.5");
	Canon("patient_age = -0", "patient_age = 0");
	Canon("patient_age != 3", "patient_age <> 3");
	Canon("weekday in ('Saturday', 'sun')", "weekday in ('sat', 'sun')");
	Canon("payer = 'it''s'", "payer = 'it''s'");
	Canon("distance_km(43.66, -70.25) between 0 and 10.0", "distance_km(43.66, -70.25) between 0 and 10");
	Canon("language is not null and plan is null", "language is not null and plan is null");
	Canon("specialty not like 'c\\%%'", "specialty not like 'c\\%%'");
	Canon("true or false", "true or false");

	/* errors: kind and 1-based character position */
	Bad("", RE_SYNTAX, 1, "syntax error at end of input");
	Bad("specialty == 'x'", RE_SYNTAX, 12, "syntax error at or near \"=\"");
	Bad("specialty = 'x' and", RE_SYNTAX, 20, "syntax error at end of input");
	Bad("(specialty = 'x'", RE_SYNTAX, 17, NULL);
	Bad("specialty = 'x')", RE_SYNTAX, 16, NULL);
	Bad("specialty = 'open", RE_SYNTAX, 13, "unterminated quoted string");
	Bad("spécialty = 'x'", RE_UNKNOWN_ATTRIBUTE, 1, "unknown attribute \"spécialty\"");
	Bad("'été' = specialty", RE_SYNTAX, 1, NULL);
	Bad("specialty = 'é' and x", RE_UNKNOWN_ATTRIBUTE, 21, "unknown attribute \"x\"");
	Bad("priority > 5", RE_TYPE_MISMATCH, 12, NULL);
	Bad("priority > -5", RE_TYPE_MISMATCH, 12, NULL);
	Bad("patient_zip = 04101", RE_TYPE_MISMATCH, 15, NULL);
	Bad("in_network < true", RE_TYPE_MISMATCH, 12, NULL);
	Bad("patient_age like '1%'", RE_TYPE_MISMATCH, 13, NULL);
	Bad("priority >= 'high'", RE_BAD_VALUE, 13, "unknown priority \"high\"");
	Bad("payer_class = 'gold'", RE_BAD_VALUE, 15, "unknown payer class \"gold\"");
	Bad("referring_npi = '1234567890'", RE_BAD_VALUE, 17, "invalid NPI \"1234567890\"");
	Bad("distance_km(0, 181) < 1", RE_BAD_VALUE, 16, "longitude out of range");
	Bad("specialty like 'x\\'", RE_BAD_VALUE, 16, NULL);
	Bad("patient_age = 1234567890123456789012345678901234567890123", RE_BAD_VALUE, 15, "number too long");
	{
		char		deep[200];
		char	   *p = deep;

		for (int i = 0; i < 33; i++)
			*p++ = '(';
		strcpy(p, "in_network");
		p += strlen(p);
		for (int i = 0; i < 33; i++)
			*p++ = ')';
		*p = '\0';
		Bad(deep, RE_TOO_DEEP, 33, "routing condition is nested too deeply");
		{
			RoutingExpr *e = Parse(deep + 1, &err);	/* 32 open, 33 close */

			Check(e == NULL && err.kind == RE_SYNTAX, "32 levels parse up to the extra \")\"");
		}
	}
	{
		char	   *big = malloc(ROUTING_MAX_LENGTH + 100);

		memset(big, ' ', ROUTING_MAX_LENGTH + 1);
		memcpy(big, "in_network", 10);
		big[ROUTING_MAX_LENGTH + 1] = '\0';
		Bad(big, RE_TOO_LONG, 0, "routing condition is too long");
		big[ROUTING_MAX_LENGTH] = '\0';
		{
			RoutingExpr *e = Parse(big, &err);

			Check(e != NULL, "8192 bytes is within the limit");
			free(e);
		}
		free(big);
	}
	{
		RoutingExpr *e = RoutingParse("in_network\0 or true", 19, &mem, &err);

		Check(e == NULL && err.kind == RE_SYNTAX && err.position == 11, "NUL byte rejected");
	}

	/* evaluation, three-valued */
	Eval("specialty = 'cardiology' and priority >= 'urgent'", 1);
	Eval("priority > 'urgent'", 0);
	Eval("payer = 'X'", -1);
	Eval("payer = 'X' or in_network", 1);
	Eval("payer = 'X' and in_network", -1);
	Eval("payer = 'X' and not in_network", 0);
	Eval("not payer = 'X'", -1);
	Eval("payer is null and plan is null and specialty is not null", 1);
	Eval("payer not in ('a', 'b')", -1);
	Eval("patient_zip not in ('04102', '04103')", 1);
	Eval("patient_age between 65 and 70", 1);
	Eval("patient_age not between 65 and 70", 0);
	Eval("patient_zip between '04000' and '04999'", 1);
	Eval("patient_zip like '041%'", 1);
	Eval("patient_zip like '041_1'", 1);
	Eval("patient_zip like '%1%1%'", 1);
	Eval("patient_zip like '04_'", 0);
	Eval("language like 'espa_ol'", 1);	/* _ is one character, not one byte */
	Eval("language like 'espa__ol'", 0);
	Eval("specialty like 'cardio\\%'", 0);
	Eval("weekday in ('sat', 'sun')", 1);
	Eval("weekday <= 'fri'", 0);
	Eval("distance_km(location) between 170 and 185", 1);
	Eval("distance_km(43.6615, -70.2553) < 0.001", 1);
	Eval("hour < 8", -1);
	Eval("hour is null", 1);
	{
		RoutingRow	row;
		double		d;

		SampleRow(&row);
		d = RoutingDistanceKm(row.patient_lat, row.patient_lon, row.location_lat, row.location_lon);
		Check(d > 172.9 && d < 173.0, "Portland to Bangor is about 173 km");
	}

	/* explain */
	Explain("specialty = 'cardiology' and priority >= 'urgent'", "");
	Explain("specialty = 'cardiology' and priority > 'urgent' and in_network", "priority > 'urgent'");
	Explain("specialty = 'cardiology' and (payer = 'X' or plan = 'Y')", "(payer = 'X' or plan = 'Y') (missing: payer, plan)");
	Explain("hour < 8", "hour < 8 (missing: hour)");
	Explain("in_network and distance_km(1, 1) < 5", "distance_km(1, 1) < 5");

	/* lint analysis */
	Pair("priority = 'stat'", "priority >= 'urgent'", 1, 1);
	Pair("priority >= 'urgent'", "priority = 'stat'", 0, 1);
	Pair("patient_age between 20 and 30", "patient_age > 18", 1, 1);
	Pair("patient_age > 18", "patient_age >= 18", 1, 1);
	Pair("patient_age >= 18", "patient_age > 18", 0, 1);
	Pair("specialty in ('a', 'b')", "specialty in ('a', 'b', 'c')", 1, 1);
	Pair("specialty = 'a' and in_network", "specialty = 'a'", 1, 1);
	Pair("specialty = 'a'", "specialty = 'a' and in_network", 0, 1);
	Pair("specialty = 'a'", "specialty = 'b'", 0, 0);
	Pair("specialty = 'a' or specialty = 'b'", "specialty in ('a', 'b')", 1, 1);
	Pair("in_network", "not in_network", 0, 0);
	Pair("language is null", "language = 'es'", 0, 0);
	Pair("language = 'es'", "language is not null", 1, 1);
	Pair("weekday in ('sat', 'sun')", "weekday > 'fri'", 1, 1);
	Pair("specialty like 'c%'", "specialty like 'c%'", 0, 1);
	Pair("patient_age < 5 and patient_age > 10", "specialty = 'x'", 1, 0);
	Sat("priority > 'stat'", 0);
	Sat("priority >= 'stat'", 1);
	Sat("hour > 5 and hour < 5", 0);
	Sat("hour >= 5 and hour <= 5", 1);
	Sat("hour >= 5 and hour <= 5 and hour <> 5", 0);
	Sat("specialty in ('a', 'b') and specialty not in ('a', 'b')", 0);
	Sat("false or priority < 'routine'", 0);
	Sat("in_network and not in_network", 0);
	Sat("in_network = false and in_network", 0);
	Sat("specialty like 'x' and specialty like 'y'", 1);
	{
		const char *strs[4];
		int32_t		lens[4];
		RoutingExpr *e = Parse("specialty in ('a', 'b') or specialty = 'c' and payer = 'x'", &err);
		int			n = RoutingTextValues(e, RA_SPECIALTY, strs, lens, 4);

		Check(n == 3 && lens[2] == 1 && strs[2][0] == 'c', "text values of specialty");
		free(e);
	}

	/* SQL form */
	{
		RoutingExpr *e = Parse("priority > 'urgent' and weekday in ('sat', 'sun') and patient_zip < '05000'", &err);
		char		buf[512];

		RoutingPrint(e, ROUTING_PRINT_SQL, "r.", buf, sizeof(buf));
		Check(strcmp(buf, "r.priority IN ('asap', 'stat') AND r.weekday IN (6, 7) AND r.patient_zip < '05000' COLLATE \"C\"") == 0,
			  "SQL form");
		Check(RoutingPrint(e, ROUTING_PRINT_SQL, "r.", buf, 10) > 10 && strlen(buf) == 9, "print truncates safely");
		free(e);
	}
	/* empty priority ranges: false (true when negated) unless unknown */
	Sql("priority < 'routine'", "CASE WHEN r.priority IS NOT NULL THEN false END");
	Sql("not priority < 'routine'", "NOT CASE WHEN r.priority IS NOT NULL THEN false END");
	Sql("priority > 'stat' or in_network", "CASE WHEN r.priority IS NOT NULL THEN false END OR r.in_network");
	Sql("priority between 'stat' and 'routine'", "CASE WHEN r.priority IS NOT NULL THEN false END");
	Sql("priority not between 'stat' and 'routine' and in_network",
		"CASE WHEN r.priority IS NOT NULL THEN true END AND r.in_network");
	Sql("priority between 'urgent' and 'asap'", "r.priority IN ('urgent', 'asap')");
	Sql("priority not between 'urgent' and 'asap'", "r.priority NOT IN ('urgent', 'asap')");
	Sql("priority <= 'stat'", "r.priority IN ('routine', 'urgent', 'asap', 'stat')");
	/* text BETWEEN: the collated bounds in parentheses */
	Sql("specialty between 'a' and 'd'", "r.specialty BETWEEN ('a' COLLATE \"C\") AND ('d' COLLATE \"C\")");
	Sql("not specialty not between 'a' and 'd'",
		"NOT r.specialty NOT BETWEEN ('a' COLLATE \"C\") AND ('d' COLLATE \"C\")");
	Sql("patient_age between 1 and 2", "r.patient_age BETWEEN 1 AND 2");
	/* literals mean the same whatever standard_conforming_strings says */
	Sql("payer = 'a\\' or payer = ' or true --'", "r.payer = E'a\\\\' OR r.payer = ' or true --'");
	Sql("payer in ('it''s', 'x\\''y')", "r.payer IN ('it''s', E'x\\\\''y')");
	Sql("patient_zip like '04\\_%'", "r.patient_zip LIKE E'04\\\\_%'");
	Canon("payer = 'a\\'", "payer = 'a\\'");

	TestRuleSet();
	TestCorrupt();

	return UnitReport();
}
