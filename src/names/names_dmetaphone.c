/*-------------------------------------------------------------------------
 *
 * names_dmetaphone.c
 *	  Double Metaphone (Lawrence Philips, "The Double Metaphone Search
 *	  Algorithm", C/C++ Users Journal, June 2000): a primary and an
 *	  alternate phonetic code for a name.  Written from the published rules
 *	  for this module; input is ASCII (transliterate first).
 *
 *-------------------------------------------------------------------------
 */
#include "names/names_metrics.h"

#include <stdarg.h>
#include <string.h>

#define DM_PAD 6
#define DM_MAXIN 256

/* Working state: the upper-cased word, padded, and the two codes. */
typedef struct DmState
{
	char		w[DM_MAXIN + DM_PAD * 2];
	int			len;			/* real length */
	int			last;			/* len - 1 */
	char	   *p;				/* primary */
	char	   *a;				/* alternate */
	int			np;
	int			na;
	int			max;
} DmState;

/* Append to both codes (alternate may differ). */
static void
DmAdd(DmState *st, const char *pri, const char *alt)
{
	const char *c;

	for (c = pri; *c && st->np < st->max; c++)
		st->p[st->np++] = *c;
	for (c = alt; *c && st->na < st->max; c++)
		st->a[st->na++] = *c;
}

/* Character at pos (spaces past the end), or '\0' outside the buffer. */
static char
DmAt(const DmState *st, int pos)
{
	if (pos < 0 || pos >= st->len + DM_PAD)
		return '\0';
	return st->w[pos];
}

/* true if the substring at start of length n equals one of the NULL-ended list. */
static bool
DmIs(const DmState *st, int start, int n, ...)
{
	va_list		ap;
	const char *t;
	bool		found = false;

	if (start < 0 || start + n > st->len + DM_PAD)
		return false;
	va_start(ap, n);
	while ((t = va_arg(ap, const char *)) != NULL)
	{
		/* the first letter decides most comparisons */
		if (st->w[start] == t[0] && strncmp(st->w + start, t, n) == 0)
		{
			found = true;
			break;
		}
	}
	va_end(ap);
	return found;
}

/* A vowel at pos (A E I O U Y). */
static bool
DmVowel(const DmState *st, int pos)
{
	char		c = DmAt(st, pos);

	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' || c == 'Y';
}

/* Slavic or Germanic word (W, K, CZ, WITZ). */
static bool
DmSlavoGermanic(const DmState *st)
{
	return strchr(st->w, 'W') != NULL || strchr(st->w, 'K') != NULL ||
		strstr(st->w, "CZ") != NULL || strstr(st->w, "WITZ") != NULL;
}

/* Double Metaphone (see names_metrics.h). */
void
NamesDoubleMetaphone(const char *s, size_t len, int maxlen, char *primary, char *alternate)
{
	DmState		st;
	int			cur = 0;
	size_t		i;

	/* every field but the word buffer (filled below, then padded) */
	st.len = st.last = st.np = st.na = 0;
	st.p = primary;
	st.a = alternate;
	st.max = maxlen;
	for (i = 0; i < len && st.len < DM_MAXIN; i++)
	{
		char		c = s[i];

		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (!(c >= 'A' && c <= 'Z'))
		{
			/* apostrophes vanish; other punctuation separates words */
			if (c == '\'')
				continue;
			c = ' ';
		}
		st.w[st.len++] = c;
	}
	/* trim spaces */
	while (st.len > 0 && st.w[st.len - 1] == ' ')
		st.len--;
	while (st.len > 0 && st.w[0] == ' ')
	{
		memmove(st.w, st.w + 1, st.len - 1);
		st.len--;
	}
	memset(st.w + st.len, ' ', DM_PAD);
	st.w[st.len + DM_PAD] = '\0';
	st.last = st.len - 1;

	if (st.len == 0)
	{
		primary[0] = alternate[0] = '\0';
		return;
	}
	if (DmIs(&st, 0, 2, "GN", "KN", "PN", "WR", "PS", NULL))
		cur++;
	if (DmAt(&st, 0) == 'X')
	{
		DmAdd(&st, "S", "S");
		cur++;
	}

	while ((st.np < st.max || st.na < st.max) && cur < st.len)
	{
		char		c = DmAt(&st, cur);

		switch (c)
		{
			case 'A':
			case 'E':
			case 'I':
			case 'O':
			case 'U':
			case 'Y':
				if (cur == 0)
					DmAdd(&st, "A", "A");
				cur++;
				break;
			case 'B':
				DmAdd(&st, "P", "P");
				cur += DmAt(&st, cur + 1) == 'B' ? 2 : 1;
				break;
			case 'C':
				if (cur > 1 && !DmVowel(&st, cur - 2) && DmIs(&st, cur - 1, 3, "ACH", NULL) &&
					DmAt(&st, cur + 2) != 'I' &&
					(DmAt(&st, cur + 2) != 'E' || DmIs(&st, cur - 2, 6, "BACHER", "MACHER", NULL)))
				{
					DmAdd(&st, "K", "K");
					cur += 2;
					break;
				}
				if (cur == 0 && DmIs(&st, cur, 6, "CAESAR", NULL))
				{
					DmAdd(&st, "S", "S");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur, 4, "CHIA", NULL))
				{
					DmAdd(&st, "K", "K");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur, 2, "CH", NULL))
				{
					if (cur > 0 && DmIs(&st, cur, 4, "CHAE", NULL))
					{
						DmAdd(&st, "K", "X");
						cur += 2;
						break;
					}
					if (cur == 0 &&
						(DmIs(&st, cur + 1, 5, "HARAC", "HARIS", NULL) ||
						 DmIs(&st, cur + 1, 3, "HOR", "HYM", "HIA", "HEM", NULL)) &&
						!DmIs(&st, 0, 5, "CHORE", NULL))
					{
						DmAdd(&st, "K", "K");
						cur += 2;
						break;
					}
					if (DmIs(&st, 0, 4, "VAN ", "VON ", NULL) || DmIs(&st, 0, 3, "SCH", NULL) ||
						DmIs(&st, cur - 2, 6, "ORCHES", "ARCHIT", "ORCHID", NULL) ||
						DmIs(&st, cur + 2, 1, "T", "S", NULL) ||
						((DmIs(&st, cur - 1, 1, "A", "O", "U", "E", NULL) || cur == 0) &&
						 DmIs(&st, cur + 2, 1, "L", "R", "N", "M", "B", "H", "F", "V", "W", " ", NULL)))
						DmAdd(&st, "K", "K");
					else if (cur > 0)
					{
						if (DmIs(&st, 0, 2, "MC", NULL))
							DmAdd(&st, "K", "K");
						else
							DmAdd(&st, "X", "K");
					}
					else
						DmAdd(&st, "X", "X");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur, 2, "CZ", NULL) && !DmIs(&st, cur - 2, 4, "WICZ", NULL))
				{
					DmAdd(&st, "S", "X");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur + 1, 3, "CIA", NULL))
				{
					DmAdd(&st, "X", "X");
					cur += 3;
					break;
				}
				if (DmIs(&st, cur, 2, "CC", NULL) && !(cur == 1 && DmAt(&st, 0) == 'M'))
				{
					if (DmIs(&st, cur + 2, 1, "I", "E", "H", NULL) && !DmIs(&st, cur + 2, 2, "HU", NULL))
					{
						if ((cur == 1 && DmAt(&st, cur - 1) == 'A') ||
							DmIs(&st, cur - 1, 5, "UCCEE", "UCCES", NULL))
							DmAdd(&st, "KS", "KS");
						else
							DmAdd(&st, "X", "X");
						cur += 3;
						break;
					}
					DmAdd(&st, "K", "K");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur, 2, "CK", "CG", "CQ", NULL))
				{
					DmAdd(&st, "K", "K");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur, 2, "CI", "CE", "CY", NULL))
				{
					if (DmIs(&st, cur, 3, "CIO", "CIE", "CIA", NULL))
						DmAdd(&st, "S", "X");
					else
						DmAdd(&st, "S", "S");
					cur += 2;
					break;
				}
				DmAdd(&st, "K", "K");
				if (DmIs(&st, cur + 1, 2, " C", " Q", " G", NULL))
					cur += 3;
				else if (DmIs(&st, cur + 1, 1, "C", "K", "Q", NULL) &&
						 !DmIs(&st, cur + 1, 2, "CE", "CI", NULL))
					cur += 2;
				else
					cur++;
				break;
			case 'D':
				if (DmIs(&st, cur, 2, "DG", NULL))
				{
					if (DmIs(&st, cur + 2, 1, "I", "E", "Y", NULL))
					{
						DmAdd(&st, "J", "J");
						cur += 3;
					}
					else
					{
						DmAdd(&st, "TK", "TK");
						cur += 2;
					}
					break;
				}
				DmAdd(&st, "T", "T");
				cur += DmIs(&st, cur, 2, "DT", "DD", NULL) ? 2 : 1;
				break;
			case 'F':
				DmAdd(&st, "F", "F");
				cur += DmAt(&st, cur + 1) == 'F' ? 2 : 1;
				break;
			case 'G':
				if (DmAt(&st, cur + 1) == 'H')
				{
					if (cur > 0 && !DmVowel(&st, cur - 1))
					{
						DmAdd(&st, "K", "K");
						cur += 2;
						break;
					}
					if (cur < 3 && cur == 0)
					{
						if (DmAt(&st, cur + 2) == 'I')
							DmAdd(&st, "J", "J");
						else
							DmAdd(&st, "K", "K");
						cur += 2;
						break;
					}
					if ((cur > 1 && DmIs(&st, cur - 2, 1, "B", "H", "D", NULL)) ||
						(cur > 2 && DmIs(&st, cur - 3, 1, "B", "H", "D", NULL)) ||
						(cur > 3 && DmIs(&st, cur - 4, 1, "B", "H", NULL)))
					{
						cur += 2;
						break;
					}
					if (cur > 2 && DmAt(&st, cur - 1) == 'U' &&
						DmIs(&st, cur - 3, 1, "C", "G", "L", "R", "T", NULL))
						DmAdd(&st, "F", "F");
					else if (cur > 0 && DmAt(&st, cur - 1) != 'I')
						DmAdd(&st, "K", "K");
					cur += 2;
					break;
				}
				if (DmAt(&st, cur + 1) == 'N')
				{
					if (cur == 1 && DmVowel(&st, 0) && !DmSlavoGermanic(&st))
						DmAdd(&st, "KN", "N");
					else if (!DmIs(&st, cur + 2, 2, "EY", NULL) && DmAt(&st, cur + 1) != 'Y' &&
							 !DmSlavoGermanic(&st))
						DmAdd(&st, "N", "KN");
					else
						DmAdd(&st, "KN", "KN");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur + 1, 2, "LI", NULL) && !DmSlavoGermanic(&st))
				{
					DmAdd(&st, "KL", "L");
					cur += 2;
					break;
				}
				if (cur == 0 &&
					(DmAt(&st, cur + 1) == 'Y' ||
					 DmIs(&st, cur + 1, 2, "ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER", NULL)))
				{
					DmAdd(&st, "K", "J");
					cur += 2;
					break;
				}
				if ((DmIs(&st, cur + 1, 2, "ER", NULL) || DmAt(&st, cur + 1) == 'Y') &&
					!DmIs(&st, 0, 6, "DANGER", "RANGER", "MANGER", NULL) &&
					!DmIs(&st, cur - 1, 1, "E", "I", NULL) &&
					!DmIs(&st, cur - 1, 3, "RGY", "OGY", NULL))
				{
					DmAdd(&st, "K", "J");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur + 1, 1, "E", "I", "Y", NULL) ||
					DmIs(&st, cur - 1, 4, "AGGI", "OGGI", NULL))
				{
					if (DmIs(&st, 0, 4, "VAN ", "VON ", NULL) || DmIs(&st, 0, 3, "SCH", NULL) ||
						DmIs(&st, cur + 1, 2, "ET", NULL))
						DmAdd(&st, "K", "K");
					else if (DmIs(&st, cur + 1, 4, "IER ", NULL))
						DmAdd(&st, "J", "J");
					else
						DmAdd(&st, "J", "K");
					cur += 2;
					break;
				}
				DmAdd(&st, "K", "K");
				cur += DmAt(&st, cur + 1) == 'G' ? 2 : 1;
				break;
			case 'H':
				if ((cur == 0 || DmVowel(&st, cur - 1)) && DmVowel(&st, cur + 1))
				{
					DmAdd(&st, "H", "H");
					cur += 2;
				}
				else
					cur++;
				break;
			case 'J':
				if (DmIs(&st, cur, 4, "JOSE", NULL) || DmIs(&st, 0, 4, "SAN ", NULL))
				{
					if ((cur == 0 && DmAt(&st, cur + 4) == ' ') || DmIs(&st, 0, 4, "SAN ", NULL))
						DmAdd(&st, "H", "H");
					else
						DmAdd(&st, "J", "H");
					cur++;
					break;
				}
				if (cur == 0 && !DmIs(&st, cur, 4, "JOSE", NULL))
					DmAdd(&st, "J", "A");
				else if (DmVowel(&st, cur - 1) && !DmSlavoGermanic(&st) &&
						 (DmAt(&st, cur + 1) == 'A' || DmAt(&st, cur + 1) == 'O'))
					DmAdd(&st, "J", "H");
				else if (cur == st.last)
					DmAdd(&st, "J", "");
				else if (!DmIs(&st, cur + 1, 1, "L", "T", "K", "S", "N", "M", "B", "Z", NULL) &&
						 !DmIs(&st, cur - 1, 1, "S", "K", "L", NULL))
					DmAdd(&st, "J", "J");
				cur += DmAt(&st, cur + 1) == 'J' ? 2 : 1;
				break;
			case 'K':
				DmAdd(&st, "K", "K");
				cur += DmAt(&st, cur + 1) == 'K' ? 2 : 1;
				break;
			case 'L':
				if (DmAt(&st, cur + 1) == 'L')
				{
					if ((cur == st.len - 3 && DmIs(&st, cur - 1, 4, "ILLO", "ILLA", "ALLE", NULL)) ||
						((DmIs(&st, st.last - 1, 2, "AS", "OS", NULL) ||
						  DmIs(&st, st.last, 1, "A", "O", NULL)) &&
						 DmIs(&st, cur - 1, 4, "ALLE", NULL)))
					{
						DmAdd(&st, "L", "");
						cur += 2;
						break;
					}
					cur += 2;
				}
				else
					cur++;
				DmAdd(&st, "L", "L");
				break;
			case 'M':
				DmAdd(&st, "M", "M");
				if ((DmIs(&st, cur - 1, 3, "UMB", NULL) &&
					 (cur + 1 == st.last || DmIs(&st, cur + 2, 2, "ER", NULL))) ||
					DmAt(&st, cur + 1) == 'M')
					cur += 2;
				else
					cur++;
				break;
			case 'N':
				DmAdd(&st, "N", "N");
				cur += DmAt(&st, cur + 1) == 'N' ? 2 : 1;
				break;
			case 'P':
				if (DmAt(&st, cur + 1) == 'H')
				{
					DmAdd(&st, "F", "F");
					cur += 2;
					break;
				}
				DmAdd(&st, "P", "P");
				cur += DmIs(&st, cur + 1, 1, "P", "B", NULL) ? 2 : 1;
				break;
			case 'Q':
				DmAdd(&st, "K", "K");
				cur += DmAt(&st, cur + 1) == 'Q' ? 2 : 1;
				break;
			case 'R':
				if (cur == st.last && !DmSlavoGermanic(&st) &&
					DmIs(&st, cur - 2, 2, "IE", NULL) &&
					!DmIs(&st, cur - 4, 2, "ME", "MA", NULL))
					DmAdd(&st, "", "R");
				else
					DmAdd(&st, "R", "R");
				cur += DmAt(&st, cur + 1) == 'R' ? 2 : 1;
				break;
			case 'S':
				if (DmIs(&st, cur - 1, 3, "ISL", "YSL", NULL))
				{
					cur++;
					break;
				}
				if (cur == 0 && DmIs(&st, cur, 5, "SUGAR", NULL))
				{
					DmAdd(&st, "X", "S");
					cur++;
					break;
				}
				if (DmIs(&st, cur, 2, "SH", NULL))
				{
					if (DmIs(&st, cur + 1, 4, "HEIM", "HOEK", "HOLM", "HOLZ", NULL))
						DmAdd(&st, "S", "S");
					else
						DmAdd(&st, "X", "X");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur, 3, "SIO", "SIA", NULL) || DmIs(&st, cur, 4, "SIAN", NULL))
				{
					if (!DmSlavoGermanic(&st))
						DmAdd(&st, "S", "X");
					else
						DmAdd(&st, "S", "S");
					cur += 3;
					break;
				}
				if ((cur == 0 && DmIs(&st, cur + 1, 1, "M", "N", "L", "W", NULL)) ||
					DmIs(&st, cur + 1, 1, "Z", NULL))
				{
					DmAdd(&st, "S", "X");
					cur += DmIs(&st, cur + 1, 1, "Z", NULL) ? 2 : 1;
					break;
				}
				if (DmIs(&st, cur, 2, "SC", NULL))
				{
					if (DmAt(&st, cur + 2) == 'H')
					{
						if (DmIs(&st, cur + 3, 2, "OO", "ER", "EN", "UY", "ED", "EM", NULL))
						{
							if (DmIs(&st, cur + 3, 2, "ER", "EN", NULL))
								DmAdd(&st, "X", "SK");
							else
								DmAdd(&st, "SK", "SK");
						}
						else if (cur == 0 && !DmVowel(&st, 3) && DmAt(&st, 3) != 'W')
							DmAdd(&st, "X", "S");
						else
							DmAdd(&st, "X", "X");
						cur += 3;
						break;
					}
					if (DmIs(&st, cur + 2, 1, "I", "E", "Y", NULL))
						DmAdd(&st, "S", "S");
					else
						DmAdd(&st, "SK", "SK");
					cur += 3;
					break;
				}
				if (cur == st.last && DmIs(&st, cur - 2, 2, "AI", "OI", NULL))
					DmAdd(&st, "", "S");
				else
					DmAdd(&st, "S", "S");
				cur += DmIs(&st, cur + 1, 1, "S", "Z", NULL) ? 2 : 1;
				break;
			case 'T':
				if (DmIs(&st, cur, 4, "TION", NULL) || DmIs(&st, cur, 3, "TIA", "TCH", NULL))
				{
					DmAdd(&st, "X", "X");
					cur += 3;
					break;
				}
				if (DmIs(&st, cur, 2, "TH", NULL) || DmIs(&st, cur, 3, "TTH", NULL))
				{
					if (DmIs(&st, cur + 2, 2, "OM", "AM", NULL) ||
						DmIs(&st, 0, 4, "VAN ", "VON ", NULL) || DmIs(&st, 0, 3, "SCH", NULL))
						DmAdd(&st, "T", "T");
					else
						DmAdd(&st, "0", "T");
					cur += 2;
					break;
				}
				DmAdd(&st, "T", "T");
				cur += DmIs(&st, cur + 1, 1, "T", "D", NULL) ? 2 : 1;
				break;
			case 'V':
				DmAdd(&st, "F", "F");
				cur += DmAt(&st, cur + 1) == 'V' ? 2 : 1;
				break;
			case 'W':
				if (DmIs(&st, cur, 2, "WR", NULL))
				{
					DmAdd(&st, "R", "R");
					cur += 2;
					break;
				}
				if (cur == 0 && (DmVowel(&st, cur + 1) || DmIs(&st, cur, 2, "WH", NULL)))
				{
					if (DmVowel(&st, cur + 1))
						DmAdd(&st, "A", "F");
					else
						DmAdd(&st, "A", "A");
				}
				if ((cur == st.last && DmVowel(&st, cur - 1)) ||
					DmIs(&st, cur - 1, 5, "EWSKI", "EWSKY", "OWSKI", "OWSKY", NULL) ||
					DmIs(&st, 0, 3, "SCH", NULL))
				{
					DmAdd(&st, "", "F");
					cur++;
					break;
				}
				if (DmIs(&st, cur, 4, "WICZ", "WITZ", NULL))
				{
					DmAdd(&st, "TS", "FX");
					cur += 4;
					break;
				}
				cur++;
				break;
			case 'X':
				if (!(cur == st.last &&
					  (DmIs(&st, cur - 3, 3, "IAU", "EAU", NULL) ||
					   DmIs(&st, cur - 2, 2, "AU", "OU", NULL))))
					DmAdd(&st, "KS", "KS");
				cur += DmIs(&st, cur + 1, 1, "C", "X", NULL) ? 2 : 1;
				break;
			case 'Z':
				if (DmAt(&st, cur + 1) == 'H')
				{
					DmAdd(&st, "J", "J");
					cur += 2;
					break;
				}
				if (DmIs(&st, cur + 1, 2, "ZO", "ZI", "ZA", NULL) ||
					(DmSlavoGermanic(&st) && cur > 0 && DmAt(&st, cur - 1) != 'T'))
					DmAdd(&st, "S", "TS");
				else
					DmAdd(&st, "S", "S");
				cur += DmAt(&st, cur + 1) == 'Z' ? 2 : 1;
				break;
			default:
				cur++;
				break;
		}
	}
	primary[st.np] = '\0';
	alternate[st.na] = '\0';
}
