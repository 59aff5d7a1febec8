/*-------------------------------------------------------------------------
 *
 * normalize.c
 *	  ZIP and ICD-10-CM normalisers for ingestion.  Plain C; see
 *	  normalize.h.
 *
 *-------------------------------------------------------------------------
 */
#include "normalize.h"

#include <string.h>

/*
 * ZIP or ZIP+4, restoring the leading zeros that a spreadsheet or a numeric
 * column dropped: 3 to 5 digits make a ZIP, 7 to 9 digits a ZIP+4, and
 * 12345-6789 stays as it is.  Blanks around the value are ignored.
 */
bool
NormZip(const char *s, size_t len, char *out)
{
	char		digits[9];
	size_t		n = 0,
				i;
	bool		dash = false;

	while (len > 0 && (*s == ' ' || *s == '\t'))
	{
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (i = 0; i < len; i++)
	{
		if (s[i] == '-' && i == 5 && len == 10)
		{
			dash = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || n >= 9)
			return false;
		digits[n++] = s[i];
	}
	if (dash && n != 9)
		return false;
	if (n >= 3 && n <= 5)
	{
		memset(out, '0', 5 - n);
		memcpy(out + 5 - n, digits, n);
		out[5] = '\0';
		return true;
	}
	if (n >= 7 && n <= 9)
	{
		char		full[9];

		memset(full, '0', 9 - n);
		memcpy(full + 9 - n, digits, n);
		memcpy(out, full, 5);
		out[5] = '-';
		memcpy(out + 6, full + 5, 4);
		out[10] = '\0';
		return true;
	}
	return false;
}

/* Whether c is a digit or an upper-case letter. */
static bool
IsAlnumUpper(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
}

/*
 * An ICD-10-CM code in any case, with or without its dot: a letter, a
 * digit, a digit or letter, then up to four digits or letters.
 */
bool
NormIcd10(const char *s, size_t len, char *out)
{
	char		up[8];
	size_t		n = 0,
				i;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c == '.' && i == 3)
			continue;
		if (c >= 'a' && c <= 'z')
			c = c - 'a' + 'A';
		if (!IsAlnumUpper(c) || n >= 7)
			return false;
		up[n++] = c;
	}
	if (n < 3 || !(up[0] >= 'A' && up[0] <= 'Z') || !(up[1] >= '0' && up[1] <= '9'))
		return false;
	/* A dot with nothing after it is not a code. */
	if (len == 4 && s[3] == '.')
		return false;
	memcpy(out, up, 3);
	if (n == 3)
	{
		out[3] = '\0';
		return true;
	}
	out[3] = '.';
	memcpy(out + 4, up + 3, n - 3);
	out[n + 1] = '\0';
	return true;
}
