/*-------------------------------------------------------------------------
 *
 * names_parse.h
 *	  The clinician name parser: free text ("Dr. Bob Smith MD", "SMITH,
 *	  ROBERT J", "José Núñez-García, PA-C") into title, given, middle names,
 *	  family name, generational suffix, credentials and nickname, each in
 *	  display form and in normalised form (Latin-ASCII, lower case).  Plain
 *	  C (ICU through names_text), no server headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_NAMES_PARSE_H
#define REFERRAL_CRM_NAMES_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "names/names_text.h"

#define NAMES_MAX_CREDS 12
#define NAMES_ARENA (NAMES_MAX_BYTES * 12 + 256)

/* A string inside the arena of a NamesParsed (not NUL-terminated). */
typedef struct NamesStr
{
	int			off;
	int			len;
} NamesStr;

/* The components of a name. */
typedef enum NamesField
{
	NAMES_TITLE = 0,
	NAMES_GIVEN,
	NAMES_MIDDLE,
	NAMES_FAMILY,
	NAMES_SUFFIX,
	NAMES_NICK,
	NAMES_NFIELDS
} NamesField;

/* A parsed name: display and normalised strings of each field. */
typedef struct NamesParsed
{
	NamesStr	disp[NAMES_NFIELDS];
	NamesStr	norm[NAMES_NFIELDS];
	int			ncred;
	NamesStr	cred[NAMES_MAX_CREDS];	/* canonical spelling, e.g. "PA-C" */
	bool		onecase;		/* name words all upper or all lower case */
	int			used;
	char		arena[NAMES_ARENA];
} NamesParsed;

/* Surname lexicon entry. */
typedef struct NamesSurnameEntry
{
	const char *name;
	int			count;
} NamesSurnameEntry;

extern const char *const NamesGivenLexicon[];
extern const int NamesGivenLexiconSize;
extern const NamesSurnameEntry NamesSurnameLexicon[];
extern const int NamesSurnameLexiconSize;

/*
 * Parse UTF-8 text.  Returns NAMES_OK, NAMES_ERR_ENCODING, NAMES_ERR_TOO_LONG
 * (over NAMES_MAX_BYTES), NAMES_ERR_EMPTY (no given or family name: empty,
 * blank, punctuation or credentials only) or NAMES_ERR_ICU.
 */
extern int	NamesParse(const char *s, size_t len, NamesParsed *out);

/* Pointer to a field string (not NUL-terminated). */
static inline const char *
NamesPtr(const NamesParsed *p, NamesStr s)
{
	return p->arena + s.off;
}

/* true if the normalised word (no spaces) is a known credential. */
extern bool NamesIsCredential(const char *key, int len);

/* Surname count from the built-in lexicon (0 if unknown). */
extern int	NamesSurnameCount(const char *key, int len);

/* true if the word is in the built-in given-name lexicon. */
extern bool NamesIsGivenName(const char *key, int len);

#endif							/* REFERRAL_CRM_NAMES_PARSE_H */
