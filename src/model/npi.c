/*-------------------------------------------------------------------------
 *
 * npi.c
 *	  NPI validation.  The NPI is ten digits; the tenth is a Luhn check
 *	  digit computed over the constant prefix 80840 (the ISO health
 *	  industry card issuer number) followed by the first nine digits.
 *	  Plain C, no server headers.
 *
 *-------------------------------------------------------------------------
 */
#include "npi.h"

/*
 * Check digit for nine digits (the caller guarantees nine ASCII digits).
 * Luhn: from the right, double every other digit starting with the last
 * of the nine, add the digits of each product; the prefix 80840 adds 24.
 */
int
NpiCheckDigit(const char *first9)
{
	int			sum = 24;
	int			i;

	for (i = 8; i >= 0; i--)
	{
		int			d = first9[i] - '0';

		if ((8 - i) % 2 == 0)
		{
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (10 - (sum % 10)) % 10;
}

/*
 * Validate an NPI of len bytes.  On NPI_BAD_CHECK_DIGIT, *expected (if not
 * NULL) receives the digit that would have been correct.
 */
NpiProblem
NpiValidate(const char *s, size_t len, int *expected)
{
	size_t		i;
	int			check;

	if (len != 10)
		return NPI_BAD_LENGTH;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return NPI_NOT_DIGITS;
	if (s[0] != '1' && s[0] != '2')
		return NPI_BAD_FIRST_DIGIT;
	check = NpiCheckDigit(s);
	if (check != s[9] - '0')
	{
		if (expected)
			*expected = check;
		return NPI_BAD_CHECK_DIGIT;
	}
	return NPI_OK;
}
