/*-------------------------------------------------------------------------
 *
 * names_text.h
 *	  Unicode text handling for clinician names: UTF-8 decoding into code
 *	  points, and name normalisation (ICU transliteration to Latin-ASCII,
 *	  case folding, punctuation and whitespace folding).  Plain C with ICU,
 *	  no server headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_NAMES_TEXT_H
#define REFERRAL_CRM_NAMES_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest name text accepted by the parser and normalize_name, in bytes. */
#define NAMES_MAX_BYTES 1000
/* Longest operand of a string metric, in code points. */
#define NAMES_MAX_CHARS 1000

/* Status codes of the plain-C name functions (negative: errors). */
#define NAMES_OK 0
#define NAMES_ERR_ENCODING (-1)	/* not valid UTF-8 */
#define NAMES_ERR_TOO_LONG (-2)	/* over the documented limit */
#define NAMES_ERR_ICU (-3)		/* ICU failed (out of memory, data) */
#define NAMES_ERR_EMPTY (-4)	/* no name part at all */
#define NAMES_ERR_MEMORY (-5)	/* malloc failed */

/* Decode UTF-8; returns the number of code points, or an error code. */
extern int	NamesUtf8Decode(const char *s, size_t len, uint32_t *out, size_t outcap);

/* Encode one code point; returns the number of bytes written (1-4). */
extern int	NamesUtf8Encode(uint32_t cp, char *out);

/* true if every byte is 7-bit. */
extern bool NamesIsAscii(const char *s, size_t len);

/*
 * Normalise name text: transliterate to Latin-ASCII (ICU "Any-Latin;
 * Latin-ASCII"), lower-case, drop apostrophes and periods, fold every other
 * punctuation, control and white-space run into one space, trim.  out needs
 * NamesNormalizeCap(len) bytes.  Returns the length written, or an error.
 */
extern int	NamesNormalize(const char *s, size_t len, char *out, size_t outcap);
extern size_t NamesNormalizeCap(size_t len);

/*
 * Transliterate to Latin-ASCII keeping case and punctuation (used for the
 * phonetic codes).  Same buffer contract as NamesNormalize.
 */
extern int	NamesToAscii(const char *s, size_t len, char *out, size_t outcap);

/* Message for a status code. */
extern const char *NamesStatusMessage(int status);

#endif							/* REFERRAL_CRM_NAMES_TEXT_H */
