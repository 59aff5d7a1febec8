/*-------------------------------------------------------------------------
 *
 * run_unit_tests.c
 *	  Unit tests of the plain-C parts of referral_crm (no server needed):
 *	  NPI check digits, code formats and value sets, transition matrices.
 *	  Prints one line per failure and ends with "N passed, N failed".
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <string.h>

#include "model/codes.h"
#include "model/npi.h"
#include "ingest/parse.h"

#include "unit.h"

/* NPI validation against published valid and invalid examples. */
static void
TestNpi(void)
{
	/* CMS's worked example, and NPIs from the CMS clinician directory. */
	const char *valid[] = {"1234567893", "1003005174", "1003012253", "1215911011"};
	size_t		i;
	int			expected = -1;

	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		Check(NpiValidate(valid[i], 10, NULL) == NPI_OK, valid[i]);
	Check(NpiCheckDigit("123456789") == 3, "check digit of 123456789 is 3");
	Check(NpiValidate("1234567890", 10, &expected) == NPI_BAD_CHECK_DIGIT && expected == 3,
		  "1234567890 has a bad check digit, 3 expected");
	Check(NpiValidate("123456789", 9, NULL) == NPI_BAD_LENGTH, "nine digits");
	Check(NpiValidate("12345678931", 11, NULL) == NPI_BAD_LENGTH, "eleven digits");
	Check(NpiValidate("", 0, NULL) == NPI_BAD_LENGTH, "empty");
	Check(NpiValidate("12345 7893", 10, NULL) == NPI_NOT_DIGITS, "a space");
	Check(NpiValidate("3234567893", 10, NULL) == NPI_BAD_FIRST_DIGIT, "first digit 3");
	Check(NpiValidate("1234567893\0", 10, NULL) == NPI_OK, "length is honoured");
}

/* Value sets and formats. */
static void
TestCodes(void)
{
	const CodeKind *prio = CodeKindLookup("priority");
	const CodeKind *zip = CodeKindLookup("zip");
	const CodeKind *icd = CodeKindLookup("icd10");
	const CodeKind *tax = CodeKindLookup("taxonomy");
	const CodeKind *st = CodeKindLookup("referral_status");
	int			i;

	Check(prio != NULL && zip != NULL && icd != NULL && tax != NULL && st != NULL, "kinds exist");
	Check(CodeKindLookup("nope") == NULL, "unknown kind");
	Check(CodeRank(prio, "routine", 7) == 0 && CodeRank(prio, "stat", 4) == 3, "priority order");
	Check(CodeRank(prio, "STAT", 4) == -1, "codes are case-sensitive");
	Check(CodeRank(prio, "sta", 3) == -1, "no prefix match");
	Check(st->nvalues == 12, "twelve FHIR Task statuses");
	Check(CodeKindLookup("appointment_status")->nvalues == 10, "ten FHIR Appointment statuses");
	Check(CodeIsValid(zip, "04101", 5) && CodeIsValid(zip, "04101-3134", 10), "zip ok");
	Check(!CodeIsValid(zip, "4101", 4) && !CodeIsValid(zip, "041013134", 9) &&
		  !CodeIsValid(zip, "04101 3134", 10), "zip bad");
	Check(CodeIsValid(icd, "R07.9", 5) && CodeIsValid(icd, "S72.001A", 8) &&
		  CodeIsValid(icd, "I10", 3), "icd10 ok");
	Check(!CodeIsValid(icd, "R079", 4) && !CodeIsValid(icd, "r07.9", 5) &&
		  !CodeIsValid(icd, "R07.", 4) && !CodeIsValid(icd, "R07.12345", 9), "icd10 bad");
	Check(CodeIsValid(tax, "207RC0000X", 10) && !CodeIsValid(tax, "207RC0000Y", 10) &&
		  !CodeIsValid(tax, "207rc0000X", 10), "taxonomy");
	for (i = 0; i < CodeKindCount(); i++)
		Check(CodeKindAt(i)->type == CODE_PATTERN || CodeKindAt(i)->nvalues > 0,
			  CodeKindAt(i)->name);
}

/* Transition matrices. */
static void
TestTransitions(void)
{
	char		buf[256];
	int			i;

	Check(CodeTransitionAllowed("referral_status", "requested", "accepted"), "requested->accepted");
	Check(!CodeTransitionAllowed("referral_status", "completed", "requested"), "completed->requested");
	Check(!CodeTransitionAllowed("referral_status", "entered-in-error", "draft"), "eie is final");
	Check(CodeTransitionAllowed("referral_stage", "closed-lost", "contacted"), "reopen");
	Check(!CodeTransitionAllowed("referral_stage", "visit-completed", "new"), "visit-completed is final");
	Check(CodeTransitionTargets("referral_status", "completed", buf, sizeof(buf)) == 1 &&
		  strcmp(buf, "entered-in-error") == 0, "targets of completed");
	Check(CodeTransitionTargets("referral_status", "entered-in-error", buf, sizeof(buf)) == 0 &&
		  buf[0] == '\0', "no targets");
	Check(CodeTransitionTargets("referral_status", "requested", buf, 10) == 7 &&
		  strlen(buf) < 10, "truncated listing stays terminated");
	Check(CodeNeedsReason("referral_status", "rejected") &&
		  !CodeNeedsReason("referral_status", "accepted"), "reasons");
	/* Every state but entered-in-error can be voided; every code is real. */
	for (i = 0; i < CodeTransitionCount(); i++)
	{
		const CodeTransition *t = CodeTransitionAt(i);
		const CodeKind *k = CodeKindLookup(t->kind);

		Check(k && CodeRank(k, t->from, strlen(t->from)) >= 0 &&
			  CodeRank(k, t->to, strlen(t->to)) >= 0, t->to);
		Check(strcmp(t->from, t->to) != 0, "no self transitions");
	}
	for (i = 0; i < CodeKindLookup("referral_status")->nvalues; i++)
	{
		const char *s = CodeKindLookup("referral_status")->values[i].code;

		Check(strcmp(s, "entered-in-error") == 0 ||
			  CodeTransitionAllowed("referral_status", s, "entered-in-error"), s);
	}
}

/* Read all records of a CSV text; returns "n1/n2/..|" per record, M for malformed. */
static void
CsvShape(const char *text, char *out, size_t outlen)
{
	CsvReader	r;
	CsvField	f[8];
	int			n;
	CsvStatus	st;

	out[0] = '\0';
	CsvInit(&r, text, strlen(text));
	while ((st = CsvNext(&r, f, 8, &n)) != CSV_END)
	{
		char		part[16];

		snprintf(part, sizeof(part), st == CSV_RECORD ? "%d|" : "M|", n);
		strncat(out, part, outlen - strlen(out) - 1);
	}
}

/* The CSV reader and the date reader. */
static void
TestParsers(void)
{
	char		shape[128];
	char		buf[64];
	CsvReader	r;
	CsvField	f[8];
	int			n;
	ParsedDateTime p;

	CsvShape("a,b,c\n1,2,3\n", shape, sizeof(shape));
	Check(strcmp(shape, "3|3|") == 0, "simple csv");
	CsvShape("a,b\r\n\r\n1,\"x\ny\"\r\n", shape, sizeof(shape));
	Check(strcmp(shape, "2|2|") == 0, "CRLF, blank line, quoted newline");
	CsvShape("a,\"b\"x,c\nd,e\n", shape, sizeof(shape));
	Check(strcmp(shape, "M|2|") == 0, "text after quote, then recovery");
	CsvShape("a,b\"c\n1\n", shape, sizeof(shape));
	Check(strcmp(shape, "M|1|") == 0, "quote in unquoted field");
	CsvShape("a,\"never closed\n1,2\n", shape, sizeof(shape));
	Check(strcmp(shape, "M|2|") == 0, "unterminated quote: reading resumes at the next line");
	CsvShape("h,i\n1,\"M51,x\n3,y\r\n4,z\n", shape, sizeof(shape));
	Check(strcmp(shape, "2|M|2|2|") == 0, "rows after an unterminated quote are read");
	CsvShape("1,\"open\n2,\"a\nb\",c\n4,d\n", shape, sizeof(shape));
	Check(strcmp(shape, "M|3|2|") == 0,
		  "a quote mistaken for a closing one is read again as its own record");
	CsvShape("1,\"x\ny\"z\n2,w\n", shape, sizeof(shape));
	Check(strcmp(shape, "M|M|2|") == 0, "text after a quote closed on a later line");
	CsvShape("1,\"ok\nstill ok\",2\n\"\"\"\n", shape, sizeof(shape));
	Check(strcmp(shape, "3|M|") == 0, "a closed multi-line field is one record");
	CsvShape("\"a\n\"b\n\"c", shape, sizeof(shape));
	Check(strcmp(shape, "M|M|M|") == 0, "a quote per line, none closed properly");

	/* the raw text of a malformed record is its first line only */
	CsvInit(&r, "x,\"M51,a\r\n3,b\n", 14);
	Check(CsvNext(&r, f, 8, &n) == CSV_MALFORMED && r.record_start == 0 && r.record_end == 8 &&
		  strcmp(r.error, "unterminated quoted field") == 0, "malformed raw text is one line");
	Check(CsvNext(&r, f, 8, &n) == CSV_RECORD && n == 2 && r.record_start == 10 &&
		  f[0].len == 1 && f[0].start[0] == '3', "then the next line is a record");
	Check(CsvNext(&r, f, 8, &n) == CSV_END, "and the end");
	CsvInit(&r, "a,\"b\nc\"d,e\nf\n", 14);
	Check(CsvNext(&r, f, 8, &n) == CSV_MALFORMED && r.record_end == 4 &&
		  strcmp(r.error, "text after a closing quote") == 0, "text after quote: raw is the first line");
	Check(CsvNext(&r, f, 8, &n) == CSV_MALFORMED && r.record_start == 5 && r.record_end == 10 &&
		  strcmp(r.error, "quote inside an unquoted field") == 0, "the continuation line on its own");
	Check(CsvNext(&r, f, 8, &n) == CSV_RECORD && n == 1 && r.record_start == 11, "then f");
	CsvShape(",,\n", shape, sizeof(shape));
	Check(strcmp(shape, "3|") == 0, "empty fields");
	CsvShape("a,b,c,d,e,f,g,h,i,j\n", shape, sizeof(shape));
	Check(strcmp(shape, "10|") == 0, "more fields than slots are counted");
	CsvShape("x\ry\r", shape, sizeof(shape));
	Check(strcmp(shape, "1|1|") == 0, "CR line endings");

	CsvInit(&r, "\"he said \"\"hi\"\"\",\"\"\n", 20);
	Check(CsvNext(&r, f, 8, &n) == CSV_RECORD && n == 2, "escaped quotes");
	Check(CsvUnescape(&f[0], buf) == 12 && memcmp(buf, "he said \"hi\"", 12) == 0, "unescape");
	Check(f[1].quoted && f[1].len == 0, "quoted empty is not NULL");

	Check(FeedParseDateTime("2026-03-01T09:15:00-05:00", 25, &p) && p.hour == 9 &&
		  p.has_offset && p.offset_seconds == -5 * 3600, "iso with offset");
	Check(FeedParseDateTime("2024-02-29", 10, &p) && !p.has_time, "leap day");
	Check(!FeedParseDateTime("2023-02-29", 10, &p), "not a leap year");
	Check(!FeedParseDateTime("1900-02-29", 10, &p), "1900 is not a leap year");
	Check(FeedParseDateTime("2000-02-29", 10, &p), "2000 is a leap year");
	Check(FeedParseDateTime("03/01/2026 09:15", 16, &p) && p.month == 3 && p.day == 1, "US order");
	Check(FeedParseDateTime("20260301", 8, &p) && p.day == 1, "X12 D8");
	Check(FeedParseDateTime(" 2026-03-01 09:15:00.5 +0530 ", 29, &p) && p.usec == 500000 &&
		  p.offset_seconds == 5 * 3600 + 30 * 60, "blanks, fraction, compact offset");
	Check(!FeedParseDateTime("2026-03-01T24:00", 16, &p), "hour 24");
	Check(!FeedParseDateTime("2026-03-01T10:00+16:00", 22, &p), "offset too large");
	Check(!FeedParseDateTime("2026-03-01T10:00:00.1234567", 27, &p), "seven fractional digits");
	Check(!FeedParseDateTime("1799-12-31", 10, &p), "too early");
	Check(!FeedParseDateTime("2026-03-01x", 11, &p), "trailing garbage");
	Check(!FeedParseDateTime("yesterday", 9, &p), "words");
	Check(!FeedParseDateTime("2026-3-1", 8, &p), "single-digit month");
}

int
main(void)
{
	TestNpi();
	TestCodes();
	TestTransitions();
	TestParsers();
	return UnitReport();
}
