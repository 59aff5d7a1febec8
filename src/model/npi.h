/*-------------------------------------------------------------------------
 *
 * npi.h
 *	  National Provider Identifier check digit (Luhn over "80840" + the
 *	  first nine digits, as CMS publishes it).  Plain C, no server headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_NPI_H
#define REFERRAL_CRM_NPI_H

#include <stdbool.h>
#include <stddef.h>

/* Why an NPI is not valid. */
typedef enum NpiProblem
{
	NPI_OK,
	NPI_BAD_LENGTH,				/* not exactly ten characters */
	NPI_NOT_DIGITS,				/* a character that is not 0-9 */
	NPI_BAD_FIRST_DIGIT,		/* must start with 1 or 2 */
	NPI_BAD_CHECK_DIGIT			/* the Luhn check digit does not match */
} NpiProblem;

extern int	NpiCheckDigit(const char *first9);
extern NpiProblem NpiValidate(const char *s, size_t len, int *expected);

#endif							/* REFERRAL_CRM_NPI_H */
