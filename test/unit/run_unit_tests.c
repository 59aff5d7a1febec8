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

static int	passed;
static int	failed;

/* Record one assertion. */
static void
Check(int ok, const char *what)
{
	if (ok)
		passed++;
	else
	{
		failed++;
		printf("FAIL: %s\n", what);
	}
}

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

int
main(void)
{
	TestNpi();
	TestCodes();
	TestTransitions();
	printf("%d passed, %d failed\n", passed, failed);
	return failed > 0;
}
