/*-------------------------------------------------------------------------
 *
 * names_metrics.c
 *	  String metrics and phonetic codes on code points (see names_metrics.h).
 *
 *	  Jaro-Winkler, Levenshtein, Damerau-Levenshtein, Soundex and NYSIIS
 *	  follow jellyfish (MIT), whose conformance vectors the tests replay.
 *	  Double Metaphone follows Lawrence Philips' published rules (C/C++
 *	  Users Journal, June 2000), written afresh for this module.
 *
 *-------------------------------------------------------------------------
 */
#include "names/names_metrics.h"
#include "names/names_text.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* Jaro and Jaro-Winkler on code points (jellyfish semantics). */
double
NamesJaro(const uint32_t *a, int na, const uint32_t *b, int nb,
		  bool winkler, bool long_tolerance)
{
	bool		af[NAMES_MAX_CHARS];
	bool		bf[NAMES_MAX_CHARS];
	int			range;
	int			common = 0;
	int			trans = 0;
	int			i,
				j,
				k;
	int			minlen;
	double		w;

	if (na <= 0 || nb <= 0 || na > NAMES_MAX_CHARS || nb > NAMES_MAX_CHARS)
		return 0.0;
	minlen = na < nb ? na : nb;
	range = (na > nb ? na : nb) / 2 - 1;
	if (range < 0)
		range = 0;
	memset(af, 0, na);
	memset(bf, 0, nb);
	for (i = 0; i < na; i++)
	{
		int			lo = i - range > 0 ? i - range : 0;
		int			hi = i + range < nb - 1 ? i + range : nb - 1;

		for (j = lo; j <= hi; j++)
		{
			if (!bf[j] && b[j] == a[i])
			{
				af[i] = bf[j] = true;
				common++;
				break;
			}
		}
	}
	if (common == 0)
		return 0.0;
	k = 0;
	for (i = 0; i < na; i++)
	{
		if (!af[i])
			continue;
		for (j = k; j < nb; j++)
			if (bf[j])
			{
				k = j + 1;
				break;
			}
		if (a[i] != b[j])
			trans++;
	}
	trans /= 2;
	w = ((double) common / na + (double) common / nb +
		 (double) (common - trans) / common) / 3.0;
	if (winkler && w > 0.7)
	{
		int			lim = minlen < 4 ? minlen : 4;

		i = 0;
		while (i < lim && a[i] == b[i])
			i++;
		if (i > 0)
			w += i * 0.1 * (1.0 - w);
		if (long_tolerance && minlen > 4 && common > i + 1 && 2 * common >= minlen + i)
			w += (1.0 - w) * ((double) (common - i - 1) / (double) (na + nb - i * 2 + 2));
	}
	return w;
}

/* Quotients m / n (see names_metrics.h), folded by the compiler. */
#define NAMES_RATIO_ROW(m) {0.0, (double) (m) / 1, (double) (m) / 2, (double) (m) / 3, (double) (m) / 4, \
	(double) (m) / 5, (double) (m) / 6, (double) (m) / 7, (double) (m) / 8, (double) (m) / 9, \
	(double) (m) / 10, (double) (m) / 11, (double) (m) / 12, (double) (m) / 13, (double) (m) / 14, \
	(double) (m) / 15, (double) (m) / 16}
const double NamesRatio[NAMES_RATIO_MAX + 1][NAMES_RATIO_MAX + 1] = {
	NAMES_RATIO_ROW(0), NAMES_RATIO_ROW(1), NAMES_RATIO_ROW(2), NAMES_RATIO_ROW(3), NAMES_RATIO_ROW(4),
	NAMES_RATIO_ROW(5), NAMES_RATIO_ROW(6), NAMES_RATIO_ROW(7), NAMES_RATIO_ROW(8), NAMES_RATIO_ROW(9),
	NAMES_RATIO_ROW(10), NAMES_RATIO_ROW(11), NAMES_RATIO_ROW(12), NAMES_RATIO_ROW(13), NAMES_RATIO_ROW(14),
	NAMES_RATIO_ROW(15), NAMES_RATIO_ROW(16)
};

/*
 * Jaro-Winkler on bytes (normalised ASCII names): the same computation as
 * NamesJaro with match flags in two 64-bit masks, for operands up to 64
 * bytes; longer ones take the general path.
 */
double
NamesJaroWinklerAscii(const char *a, int na, const char *b, int nb)
{
	uint64_t	af = 0,
				bf = 0;
	uint64_t	seen[4] = {0, 0, 0, 0};
	uint64_t	pos[256];		/* only entries marked in seen are set */
	int			range,
				common = 0,
				trans = 0,
				i,
				j,
				minlen;
	double		w;

	if (na <= 0 || nb <= 0)
		return 0.0;
	if (na > 64 || nb > 64)
	{
		uint32_t	ua[NAMES_MAX_CHARS];
		uint32_t	ub[NAMES_MAX_CHARS];

		if (na > NAMES_MAX_CHARS || nb > NAMES_MAX_CHARS)
			return 0.0;
		for (i = 0; i < na; i++)
			ua[i] = (unsigned char) a[i];
		for (i = 0; i < nb; i++)
			ub[i] = (unsigned char) b[i];
		return NamesJaro(ua, na, ub, nb, true, false);
	}
	minlen = na < nb ? na : nb;
	range = (na > nb ? na : nb) / 2 - 1;
	if (range < 0)
		range = 0;
#if defined(__SSE2__)
	/* up to 16 bytes each: compare a[i] with all of b at once */
	if (na <= 16 && nb <= 16)
	{
		uint64_t	lo8 = 0,
					hi8 = 0;
		__m128i		bv;

		/* b in a register, built without a store (no store-forwarding stall) */
		for (j = 0; j < nb; j++)
		{
			if (j < 8)
				lo8 |= (uint64_t) (unsigned char) b[j] << (8 * j);
			else
				hi8 |= (uint64_t) (unsigned char) b[j] << (8 * (j - 8));
		}
		bv = _mm_set_epi64x((long long) hi8, (long long) lo8);
		for (i = 0; i < na; i++)
		{
			int			lo = i - range > 0 ? i - range : 0;
			int			hi = i + range < nb - 1 ? i + range : nb - 1;
			uint64_t	cand;

			if (lo > hi)
				break;
			cand = (uint64_t) (uint32_t) _mm_movemask_epi8(_mm_cmpeq_epi8(bv, _mm_set1_epi8(a[i])));
			cand &= ((((uint64_t) 1 << (hi + 1)) - 1) & ~(((uint64_t) 1 << lo) - 1)) & ~bf;
			/* without a branch: whether a[i] matches is data, not control */
			af |= (uint64_t) (cand != 0) << i;
			bf |= cand & (~cand + 1);
			common += cand != 0;
		}
		goto matched;
	}
#endif
	/* positions of each byte of b, and which bytes occur at all */
	for (j = 0; j < nb; j++)
	{
		unsigned char c = (unsigned char) b[j];
		uint64_t	bit = (uint64_t) 1 << (c & 63);

		if (!(seen[c >> 6] & bit))
		{
			seen[c >> 6] |= bit;
			pos[c] = 0;
		}
		pos[c] |= (uint64_t) 1 << j;
	}
	/* each a[i] takes the first free equal byte of b within the window */
	for (i = 0; i < na; i++)
	{
		unsigned char c = (unsigned char) a[i];
		int			lo = i - range > 0 ? i - range : 0;
		int			hi = i + range < nb - 1 ? i + range : nb - 1;
		uint64_t	win,
					cand;

		if (lo > hi || !(seen[c >> 6] & ((uint64_t) 1 << (c & 63))))
			continue;
		win = (hi >= 63 ? ~(uint64_t) 0 : (((uint64_t) 1 << (hi + 1)) - 1)) &
			~(((uint64_t) 1 << lo) - 1);
		cand = pos[c] & win & ~bf;
		if (cand)
		{
			af |= (uint64_t) 1 << i;
			bf |= cand & (~cand + 1);
			common++;
		}
	}
#if defined(__SSE2__)
matched:
#endif
	if (common == 0)
		return 0.0;
	/* transpositions: the matched bytes of a and b in order */
	{
		uint64_t	ra = af,
					rb = bf;

		while (ra)
		{
			i = __builtin_ctzll(ra);
			j = __builtin_ctzll(rb);
			if (a[i] != b[j])
				trans++;
			ra &= ra - 1;
			rb &= rb - 1;
		}
	}
	trans /= 2;
	if (na <= NAMES_RATIO_MAX && nb <= NAMES_RATIO_MAX)
		w = (NamesRatio[common][na] + NamesRatio[common][nb] +
			 NamesRatio[common - trans][common]) / 3.0;
	else
		w = ((double) common / na + (double) common / nb +
			 (double) (common - trans) / common) / 3.0;
	if (w > 0.7)
	{
		int			lim = minlen < 4 ? minlen : 4;

		i = 0;
		while (i < lim && a[i] == b[i])
			i++;
		if (i > 0)
			w += i * 0.1 * (1.0 - w);
	}
	return w;
}

/* Levenshtein distance with two rows. */
int
NamesLevenshtein(const uint32_t *a, int na, const uint32_t *b, int nb)
{
	int			rows[2][NAMES_MAX_CHARS + 1];
	int		   *prev = rows[0];
	int		   *cur = rows[1];
	int			i,
				j;

	if (na == 0)
		return nb;
	if (nb == 0)
		return na;
	if (na > NAMES_MAX_CHARS || nb > NAMES_MAX_CHARS)
		return NAMES_ERR_TOO_LONG;
	for (j = 0; j <= nb; j++)
		prev[j] = j;
	for (i = 1; i <= na; i++)
	{
		int		   *t;

		cur[0] = i;
		for (j = 1; j <= nb; j++)
		{
			int			v = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			cur[j] = v;
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	return prev[nb];
}

/* qsort comparator for code points. */
static int
NamesCmpCp(const void *x, const void *y)
{
	uint32_t	a = *(const uint32_t *) x;
	uint32_t	b = *(const uint32_t *) y;

	return a < b ? -1 : a > b ? 1 : 0;
}

/* Index of cp in the sorted alphabet. */
static int
NamesAlphaIndex(const uint32_t *alpha, int n, uint32_t cp)
{
	int			lo = 0,
				hi = n - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (alpha[mid] == cp)
			return mid;
		if (alpha[mid] < cp)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/* Unrestricted Damerau-Levenshtein (Lowrance-Wagner). */
int
NamesDamerauLevenshtein(const uint32_t *a, int na, const uint32_t *b, int nb)
{
	uint32_t   *alpha;
	int		   *da;
	int		   *d;
	int			nalpha = 0;
	int			w = nb + 2;
	int			maxdist = na + nb;
	int			i,
				j,
				result;

	if (na == 0)
		return nb;
	if (nb == 0)
		return na;
	if (na > NAMES_MAX_CHARS || nb > NAMES_MAX_CHARS)
		return NAMES_ERR_TOO_LONG;
	alpha = malloc(sizeof(uint32_t) * (na + nb));
	da = calloc(na + nb, sizeof(int));
	d = malloc(sizeof(int) * (size_t) (na + 2) * (nb + 2));
	if (alpha == NULL || da == NULL || d == NULL)
	{
		free(alpha);
		free(da);
		free(d);
		return NAMES_ERR_MEMORY;
	}
	memcpy(alpha, a, sizeof(uint32_t) * na);
	memcpy(alpha + na, b, sizeof(uint32_t) * nb);
	qsort(alpha, na + nb, sizeof(uint32_t), NamesCmpCp);
	for (i = 0; i < na + nb; i++)
		if (nalpha == 0 || alpha[nalpha - 1] != alpha[i])
			alpha[nalpha++] = alpha[i];

#define D(x, y) d[(x) * w + (y)]
	D(0, 0) = maxdist;
	for (i = 0; i <= na; i++)
	{
		D(i + 1, 0) = maxdist;
		D(i + 1, 1) = i;
	}
	for (j = 0; j <= nb; j++)
	{
		D(0, j + 1) = maxdist;
		D(1, j + 1) = j;
	}
	for (i = 1; i <= na; i++)
	{
		int			db = 0;

		for (j = 1; j <= nb; j++)
		{
			int			i1 = da[NamesAlphaIndex(alpha, nalpha, b[j - 1])];
			int			j1 = db;
			int			cost = 1;
			int			v;

			if (a[i - 1] == b[j - 1])
			{
				cost = 0;
				db = j;
			}
			v = D(i, j) + cost;
			if (D(i + 1, j) + 1 < v)
				v = D(i + 1, j) + 1;
			if (D(i, j + 1) + 1 < v)
				v = D(i, j + 1) + 1;
			if (D(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1) < v)
				v = D(i1, j1) + (i - i1 - 1) + 1 + (j - j1 - 1);
			D(i + 1, j + 1) = v;
		}
		da[NamesAlphaIndex(alpha, nalpha, a[i - 1])] = i;
	}
	result = D(na + 1, nb + 1);
#undef D
	free(alpha);
	free(da);
	free(d);
	return result;
}

/*
 * Decode UTF-8 into UTF-16 with ICU and upper-case it with the full
 * (locale-independent) mapping, as Python's str.upper() and Rust's
 * to_uppercase() do: "ß" is "SS", "ﬁ" is "FI"; returns the UTF-16 length.
 */
static int
NamesFullUpper16(const char *s, size_t len, UChar *out, int outcap)
{
	UErrorCode	status = U_ZERO_ERROR;
	UChar		tmp[NAMES_MAX_CHARS * 2 + 8];
	int32_t		ulen = 0;
	int32_t		n;
	int			rc = NamesUtf8Decode(s, len, NULL, 0);

	if (rc < 0)
		return rc;
	if (rc > NAMES_MAX_CHARS)
		return NAMES_ERR_TOO_LONG;
	u_strFromUTF8(tmp, NAMES_MAX_CHARS * 2 + 8, &ulen, s, (int32_t) len, &status);
	if (U_FAILURE(status))
		return NAMES_ERR_ENCODING;
	n = u_strToUpper(out, outcap, tmp, ulen, "", &status);
	if (U_FAILURE(status))
		return status == U_BUFFER_OVERFLOW_ERROR ? NAMES_ERR_TOO_LONG : NAMES_ERR_ICU;
	return n;
}

/* Code points of UTF-8 text upper-cased with the full mapping. */
static int
NamesFullUpperCp(const char *s, size_t len, uint32_t *out, int outcap)
{
	UChar		up[NAMES_MAX_CHARS * 6 + 16];
	int			nu = NamesFullUpper16(s, len, up, NAMES_MAX_CHARS * 6 + 16);
	int			i = 0,
				n = 0;

	if (nu < 0)
		return nu;
	while (i < nu)
	{
		UChar32		c;

		if (n >= outcap)
			return NAMES_ERR_TOO_LONG;
		U16_NEXT(up, i, nu, c);
		out[n++] = (uint32_t) c;
	}
	return n;
}

/* Upper-case UTF-8 text (full mapping), then NFKD; returns UTF-16 length. */
static int
NamesNfkdUpper(const char *s, size_t len, UChar *out, int outcap)
{
	UErrorCode	status = U_ZERO_ERROR;
	const UNormalizer2 *nfkd;
	UChar		tmp[NAMES_MAX_CHARS * 6 + 16];
	int32_t		ulen = NamesFullUpper16(s, len, tmp, NAMES_MAX_CHARS * 6 + 16);
	int32_t		nlen;

	if (ulen < 0)
		return ulen;
	nfkd = unorm2_getNFKDInstance(&status);
	if (U_FAILURE(status))
		return NAMES_ERR_ICU;
	nlen = unorm2_normalize(nfkd, tmp, ulen, out, outcap, &status);
	if (U_FAILURE(status))
		return status == U_BUFFER_OVERFLOW_ERROR ? NAMES_ERR_TOO_LONG : NAMES_ERR_ICU;
	return nlen;
}

/* Soundex digit of an upper-case letter, or 0. */
static char
NamesSoundexCode(uint32_t c)
{
	switch (c)
	{
		case 'B':
		case 'F':
		case 'P':
		case 'V':
			return '1';
		case 'C':
		case 'G':
		case 'J':
		case 'K':
		case 'Q':
		case 'S':
		case 'X':
		case 'Z':
			return '2';
		case 'D':
		case 'T':
			return '3';
		case 'L':
			return '4';
		case 'M':
		case 'N':
			return '5';
		case 'R':
			return '6';
	}
	return 0;
}

/* Soundex (see names_metrics.h). */
int
NamesSoundex(const char *s, size_t len, char *out)
{
	UChar		buf[NAMES_MAX_CHARS * 4 + 16];
	int			n;
	int			i = 0;
	int			o;
	int			count = 1;
	char		last;
	UChar32		c;

	out[0] = '\0';
	if (len == 0)
		return 0;
	n = NamesNfkdUpper(s, len, buf, NAMES_MAX_CHARS * 4 + 16);
	if (n < 0)
		return n;
	if (n == 0)
		return 0;
	U16_NEXT(buf, i, n, c);
	c = u_toupper(c);
	o = NamesUtf8Encode((uint32_t) c, out);
	last = NamesSoundexCode((uint32_t) c);
	while (i < n && count < 4)
	{
		char		code;

		U16_NEXT(buf, i, n, c);
		c = u_toupper(c);
		code = NamesSoundexCode((uint32_t) c);
		if (code)
		{
			if (code != last)
			{
				out[o++] = code;
				count++;
			}
			last = code;
		}
		else if (c != 'H' && c != 'W')
			last = 0;
	}
	while (count < 4)
	{
		out[o++] = '0';
		count++;
	}
	out[o] = '\0';
	return o;
}

/* true for an upper-case vowel. */
static bool
NamesIsVowel(uint32_t c)
{
	return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

/* NYSIIS (jellyfish's variant). */
int
NamesNysiis(const char *s, size_t len, char *out, size_t outcap)
{
	uint32_t	cp[NAMES_MAX_CHARS * 3 + 4];
	uint32_t	key[NAMES_MAX_CHARS * 6 + 4];
	int			n = NamesFullUpperCp(s, len, cp, NAMES_MAX_CHARS * 3);
	int			nk = 0;
	int			i;
	size_t		o = 0;

	if (n < 0)
		return n;
	out[0] = '\0';
	if (n == 0)
		return 0;
	/* prefixes */
	if (n >= 3 && cp[0] == 'M' && cp[1] == 'A' && cp[2] == 'C')
		cp[1] = 'C';
	else if (n >= 2 && cp[0] == 'K' && cp[1] == 'N')
	{
		memmove(cp, cp + 1, sizeof(uint32_t) * (n - 1));
		n--;
	}
	else if (cp[0] == 'K')
		cp[0] = 'C';
	else if (n >= 2 && cp[0] == 'P' && (cp[1] == 'H' || cp[1] == 'F'))
		cp[0] = cp[1] = 'F';
	else if (n >= 3 && cp[0] == 'S' && cp[1] == 'C' && cp[2] == 'H')
		cp[1] = cp[2] = 'S';
	/* suffixes */
	if (n >= 2 && ((cp[n - 2] == 'I' || cp[n - 2] == 'E') && cp[n - 1] == 'E'))
	{
		cp[n - 2] = 'Y';
		n--;
	}
	else if (n >= 2 && (cp[n - 1] == 'T' || cp[n - 1] == 'D') &&
			 ((cp[n - 2] == 'D' && cp[n - 1] == 'T') || cp[n - 2] == 'R' ||
			  (cp[n - 2] == 'N')))
	{
		cp[n - 2] = 'D';
		n--;
	}
	key[nk++] = cp[0];
	i = 1;
	while (i < n)
	{
		uint32_t	ch[2];
		int			nch = 1;

		ch[0] = cp[i];
		if (cp[i] == 'E' && i + 1 < n && cp[i + 1] == 'V')
		{
			ch[0] = 'A';
			ch[1] = 'F';
			nch = 2;
			i++;
		}
		else if (NamesIsVowel(cp[i]))
			ch[0] = 'A';
		else if (cp[i] == 'Q')
			ch[0] = 'G';
		else if (cp[i] == 'Z')
			ch[0] = 'S';
		else if (cp[i] == 'M')
			ch[0] = 'N';
		else if (cp[i] == 'K')
			ch[0] = (i + 1 < n && cp[i + 1] == 'N') ? 'N' : 'C';
		else if (cp[i] == 'S' && i + 2 < n && cp[i + 1] == 'C' && cp[i + 2] == 'H')
		{
			ch[0] = ch[1] = 'S';
			nch = 2;
			i += 2;
		}
		else if (cp[i] == 'P' && i + 1 < n && cp[i + 1] == 'H')
		{
			ch[0] = 'F';
			i++;
		}
		else if (cp[i] == 'H' &&
				 (!NamesIsVowel(cp[i - 1]) || i + 1 >= n || !NamesIsVowel(cp[i + 1])))
			ch[0] = NamesIsVowel(cp[i - 1]) ? 'A' : cp[i - 1];
		else if (cp[i] == 'W' && NamesIsVowel(cp[i - 1]))
			ch[0] = cp[i - 1];
		if (ch[nch - 1] != key[nk - 1])
		{
			int			m;

			for (m = 0; m < nch; m++)
				key[nk++] = ch[m];
		}
		i++;
	}
	if (nk > 1 && key[nk - 1] == 'S')
		nk--;
	if (nk >= 2 && key[nk - 2] == 'A' && key[nk - 1] == 'Y')
	{
		key[nk - 2] = 'Y';
		nk--;
	}
	if (nk > 1 && key[nk - 1] == 'A')
		nk--;
	for (i = 0; i < nk; i++)
	{
		if (o + 5 > outcap)
			return NAMES_ERR_TOO_LONG;
		o += NamesUtf8Encode(key[i], out + o);
	}
	out[o] = '\0';
	return (int) o;
}

/* Code points of UTF-8 text, lower-cased then NFKD (jellyfish's metaphone input). */
static int
NamesLowerNfkd(const char *s, size_t len, uint32_t *out, int outcap)
{
	UChar		buf[NAMES_MAX_CHARS * 4 + 16];
	UChar		low[NAMES_MAX_CHARS * 2 + 8];
	UChar		tmp[NAMES_MAX_CHARS * 2 + 8];
	UErrorCode	status = U_ZERO_ERROR;
	const UNormalizer2 *nfkd;
	int32_t		ulen = 0,
				llen,
				nlen;
	int			i = 0,
				n = 0;
	int			rc = NamesUtf8Decode(s, len, NULL, 0);

	if (rc < 0)
		return rc;
	if (rc > NAMES_MAX_CHARS)
		return NAMES_ERR_TOO_LONG;
	u_strFromUTF8(tmp, NAMES_MAX_CHARS * 2 + 8, &ulen, s, (int32_t) len, &status);
	if (U_FAILURE(status))
		return NAMES_ERR_ENCODING;
	llen = u_strToLower(low, NAMES_MAX_CHARS * 2 + 8, tmp, ulen, "", &status);
	if (U_FAILURE(status))
		return NAMES_ERR_TOO_LONG;
	nfkd = unorm2_getNFKDInstance(&status);
	nlen = unorm2_normalize(nfkd, low, llen, buf, NAMES_MAX_CHARS * 4 + 16, &status);
	if (U_FAILURE(status))
		return NAMES_ERR_TOO_LONG;
	while (i < nlen && n < outcap)
	{
		UChar32		c;

		U16_NEXT(buf, i, nlen, c);
		out[n++] = (uint32_t) c;
	}
	return n;
}

/* true if c is one of the ASCII characters of set. */
static bool
NamesIn(uint32_t c, const char *set)
{
	return c != 0 && c < 0x80 && strchr(set, (int) c) != NULL;
}

/* Metaphone, as jellyfish computes it (see names_metrics.h). */
int
NamesMetaphone(const char *s, size_t len, char *out, size_t outcap)
{
	uint32_t	cp[NAMES_MAX_CHARS * 4];
	int			n = NamesLowerNfkd(s, len, cp, NAMES_MAX_CHARS * 4);
	int			i = 0;
	size_t		o = 0;

#define EMIT(ch) do { if (o + 2 > outcap) return NAMES_ERR_TOO_LONG; out[o++] = (ch); } while (0)
	if (n < 0)
		return n;
	if (n >= 2 && ((cp[0] == 'k' && cp[1] == 'n') || (cp[0] == 'g' && cp[1] == 'n') ||
				   (cp[0] == 'p' && cp[1] == 'n') || (cp[0] == 'w' && cp[1] == 'r') ||
				   (cp[0] == 'a' && cp[1] == 'e')))
	{
		memmove(cp, cp + 1, sizeof(uint32_t) * (n - 1));
		n--;
	}
	for (; i < n; i++)
	{
		uint32_t	c = cp[i];
		/* 0 stands for jellyfish's "*****" past the end */
		uint32_t	next = i + 1 < n ? cp[i + 1] : 0;
		uint32_t	nextnext = i + 2 < n ? cp[i + 2] : 0;
		bool		first = (i == 0);

		if (next != 0 && c == next && c != 'c')
			continue;
		switch (c)
		{
			case 'a':
			case 'e':
			case 'i':
			case 'o':
			case 'u':
				if (first || cp[i - 1] == ' ')
					EMIT((char) (c - 32));
				break;
			case 'b':
				EMIT('B');
				break;
			case 'c':
				if ((next == 'i' && nextnext == 'a') || next == 'h')
				{
					EMIT('X');
					i++;
				}
				else if (NamesIn(next, "iey"))
				{
					EMIT('S');
					i++;
				}
				else
					EMIT('K');
				break;
			case 'd':
				if (next == 'g' && NamesIn(nextnext, "iey"))
				{
					EMIT('J');
					i += 2;
				}
				else
					EMIT('T');
				break;
			case 'f':
			case 'j':
			case 'l':
			case 'm':
			case 'n':
			case 'r':
				EMIT((char) (c - 32));
				break;
			case 'g':
				if (NamesIn(next, "iey"))
					EMIT('J');
				else if (next == 'h' && !NamesIn(nextnext, "aeiou"))
					i++;
				else
					EMIT('K');
				break;
			case 'h':
				if (first || NamesIn(next, "aeiou") || !NamesIn(cp[i - 1], "aeiou"))
					EMIT('H');
				break;
			case 'k':
				if (first || cp[i - 1] != 'c')
					EMIT('K');
				break;
			case 'p':
				if (next == 'h')
				{
					EMIT('F');
					i++;
				}
				else
					EMIT('P');
				break;
			case 'q':
				EMIT('K');
				break;
			case 's':
				if (next == 'h')
				{
					EMIT('X');
					i++;
				}
				else if (next == 'i' && NamesIn(nextnext, "oa"))
				{
					EMIT('X');
					i += 2;
				}
				else
					EMIT('S');
				break;
			case 't':
				if (next == 'i' && NamesIn(nextnext, "oa"))
					EMIT('X');
				else if (next == 'h')
				{
					EMIT('0');
					i++;
				}
				else if (next != 'c' || nextnext != 'h')
					EMIT('T');
				break;
			case 'v':
				EMIT('F');
				break;
			case 'w':
				if (first && next == 'h')
				{
					i++;
					EMIT('W');
				}
				else if (NamesIn(next, "aeiou"))
					EMIT('W');
				break;
			case 'x':
				if (first)
				{
					if (next == 'h' || (next == 'i' && NamesIn(nextnext, "oa")))
						EMIT('X');
					else
						EMIT('S');
				}
				else
				{
					EMIT('K');
					EMIT('S');
				}
				break;
			case 'y':
				if (NamesIn(next, "aeiou"))
					EMIT('Y');
				break;
			case 'z':
				EMIT('S');
				break;
			case ' ':
				if (o > 0 && out[o - 1] != ' ')
					EMIT(' ');
				break;
			default:
				break;
		}
	}
#undef EMIT
	out[o] = '\0';
	return (int) o;
}

/* Match rating codex (jellyfish): upper case, no spaces, vowels after the first dropped. */
int
NamesMatchRatingCodex(const char *s, size_t len, uint32_t *codex, int cap)
{
	uint32_t	cp[NAMES_MAX_CHARS * 3];
	int			n = NamesFullUpperCp(s, len, cp, NAMES_MAX_CHARS * 3);
	int			m = 0;
	int			i;
	bool		first = true;
	uint32_t	prev = 0;
	uint32_t	tmp[NAMES_MAX_CHARS * 3];

	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
	{
		uint32_t	c = cp[i];

		if (c == ' ')
			continue;
		if (first || (!NamesIn(c, "AEIOU") && c != prev))
			tmp[m++] = c;
		prev = c;
		first = false;
	}
	if (m > 6)
	{
		tmp[3] = tmp[m - 3];
		tmp[4] = tmp[m - 2];
		tmp[5] = tmp[m - 1];
		m = 6;
	}
	if (m > cap)
		return NAMES_ERR_TOO_LONG;
	memcpy(codex, tmp, sizeof(uint32_t) * m);
	return m;
}

/* Match rating comparison: 1 similar, 0 not, -1 no result (lengths too far apart). */
int
NamesMatchRatingCompare(const char *a, size_t al, const char *b, size_t bl)
{
	uint32_t	c1[8],
				c2[8],
				r1[8],
				r2[8];
	int			n1 = NamesMatchRatingCodex(a, al, c1, 8);
	int			n2 = NamesMatchRatingCodex(b, bl, c2, 8);
	int			sum,
				min_rating,
				k1 = 0,
				k2 = 0,
				u1 = 0,
				u2 = 0,
				i,
				maxn;

	if (n1 < 0)
		return n1;
	if (n2 < 0)
		return n2;
	if (abs(n1 - n2) >= 3)
		return -1;
	sum = n1 + n2;
	min_rating = sum <= 4 ? 5 : sum <= 7 ? 4 : sum <= 11 ? 3 : 2;
	maxn = n1 > n2 ? n1 : n2;
	for (i = 0; i < maxn; i++)
	{
		uint32_t	x = i < n1 ? c1[i] : 0;
		uint32_t	y = i < n2 ? c2[i] : 0;

		if (x != y)
		{
			if (x)
				r1[k1++] = x;
			if (y)
				r2[k2++] = y;
		}
	}
	maxn = k1 > k2 ? k1 : k2;
	for (i = 0; i < maxn; i++)
	{
		uint32_t	x = i < k1 ? r1[k1 - 1 - i] : 0;
		uint32_t	y = i < k2 ? r2[k2 - 1 - i] : 0;

		if (x != y)
		{
			if (x)
				u1++;
			if (y)
				u2++;
		}
	}
	return (6 - (u1 > u2 ? u1 : u2)) >= min_rating ? 1 : 0;
}
