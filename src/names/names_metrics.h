/*-------------------------------------------------------------------------
 *
 * names_metrics.h
 *	  String metrics and phonetic codes on Unicode code points: Jaro,
 *	  Jaro-Winkler, Levenshtein, Damerau-Levenshtein (unrestricted), Soundex,
 *	  NYSIIS, Metaphone, the match rating approach and Double Metaphone.  Plain C (ICU for case and
 *	  decomposition), no server headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_NAMES_METRICS_H
#define REFERRAL_CRM_NAMES_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Jaro similarity, optionally with the Winkler prefix bonus and the long
 * string tolerance of the reference implementation (jellyfish).  Operands
 * are code point arrays of at most NAMES_MAX_CHARS.
 */
extern double NamesJaro(const uint32_t *a, int na, const uint32_t *b, int nb,
						bool winkler, bool long_tolerance);

/* Same on bytes (for ASCII text already normalised). */
extern double NamesJaroWinklerAscii(const char *a, int na, const char *b, int nb);

/*
 * NamesRatio[m][n] == (double) m / n for 0 <= m <= 16 and 1 <= n <= 16 (the
 * same correctly rounded quotient; column 0 is 0): Jaro-Winkler and its
 * bounds read these instead of dividing.
 */
#define NAMES_RATIO_MAX 16
extern const double NamesRatio[NAMES_RATIO_MAX + 1][NAMES_RATIO_MAX + 1];

/* Levenshtein distance (insert, delete, substitute). */
extern int	NamesLevenshtein(const uint32_t *a, int na, const uint32_t *b, int nb);

/*
 * Unrestricted Damerau-Levenshtein distance (Lowrance-Wagner: transposed
 * characters may be edited in between).  Returns NAMES_ERR_MEMORY if the
 * table cannot be allocated.
 */
extern int	NamesDamerauLevenshtein(const uint32_t *a, int na, const uint32_t *b, int nb);

/*
 * Soundex of UTF-8 text as jellyfish computes it: NFKD, upper case, first
 * character kept, H and W do not separate equal codes.  out needs 16 bytes.
 * Returns the length or an error.
 */
extern int	NamesSoundex(const char *s, size_t len, char *out);

/* NYSIIS (jellyfish's variant) of UTF-8 text; out needs 4 * len + 8 bytes. */
extern int	NamesNysiis(const char *s, size_t len, char *out, size_t outcap);

/*
 * Double Metaphone of ASCII text (transliterate first): primary and
 * alternate codes of at most maxlen characters (out buffers maxlen + 1).
 */
extern void NamesDoubleMetaphone(const char *s, size_t len, int maxlen,
								 char *primary, char *alternate);

/* Metaphone (jellyfish's variant) of UTF-8 text; out needs 2 * chars + 2 bytes. */
extern int	NamesMetaphone(const char *s, size_t len, char *out, size_t outcap);

/* Match rating codex as code points (at most cap); returns the count or an error. */
extern int	NamesMatchRatingCodex(const char *s, size_t len, uint32_t *codex, int cap);

/* Match rating comparison: 1 similar, 0 not, -1 undefined (codex lengths 3 or more apart). */
extern int	NamesMatchRatingCompare(const char *a, size_t al, const char *b, size_t bl);

#endif							/* REFERRAL_CRM_NAMES_METRICS_H */
