/*-------------------------------------------------------------------------
 *
 * unit.h
 *	  The assertion counter shared by the plain-C unit test programs under
 *	  test/unit/: each program includes it once, calls Check for every
 *	  assertion and ends with "return UnitReport();", whose last line
 *	  "N passed, N failed" make unitcheck sums.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_UNIT_H
#define REFERRAL_CRM_UNIT_H

#include <stdio.h>

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

/* Print the tally; the exit status is non-zero if any assertion failed. */
static int
UnitReport(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}

#endif							/* REFERRAL_CRM_UNIT_H */
