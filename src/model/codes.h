/*-------------------------------------------------------------------------
 *
 * codes.h
 *	  Code systems of the referral data model: the value sets (FHIR Task
 *	  and Appointment statuses, CRM stages, priorities, channels ...),
 *	  pattern-checked code formats (ZIP, ICD-10-CM, NUCC taxonomy) and the
 *	  legal status and stage transitions.
 *
 *	  Plain C: no server headers, so the tables can be unit-tested and
 *	  fuzzed outside PostgreSQL.  The SQL layer (model_fmgr.c) exposes them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_CODES_H
#define REFERRAL_CRM_CODES_H

#include <stdbool.h>
#include <stddef.h>

/* One value of a value set. */
typedef struct CodeValue
{
	const char *code;
	const char *description;
} CodeValue;

/* How a code kind is checked. */
typedef enum CodeKindType
{
	CODE_ENUM,					/* one of a fixed list of values */
	CODE_PATTERN				/* a syntactic format */
} CodeKindType;

typedef struct CodeKind
{
	const char *name;			/* e.g. "priority" */
	const char *label;			/* e.g. "referral priority", for messages */
	CodeKindType type;
	const CodeValue *values;	/* CODE_ENUM: the values, in rank order */
	int			nvalues;
	bool		(*matches) (const char *value, size_t len); /* CODE_PATTERN */
	const char *format_hint;	/* CODE_PATTERN: describes the format */
} CodeKind;

/* A legal move from one code to another within a kind. */
typedef struct CodeTransition
{
	const char *kind;
	const char *from;
	const char *to;
} CodeTransition;

extern const CodeKind *CodeKindLookup(const char *name);
extern const CodeKind *CodeKindAt(int i);
extern int	CodeKindCount(void);
extern int	CodeRank(const CodeKind *kind, const char *value, size_t len);
extern bool CodeIsValid(const CodeKind *kind, const char *value, size_t len);

extern const char *CodeMap(const CodeKind *kind, const char *value, size_t len);

extern bool CodeTransitionAllowed(const char *kind, const char *from,
								  const char *to);
extern const CodeTransition *CodeTransitionAt(int i);
extern int	CodeTransitionCount(void);
extern int	CodeTransitionTargets(const char *kind, const char *from,
								  char *buf, size_t buflen);
extern bool CodeNeedsReason(const char *kind, const char *code);

#endif							/* REFERRAL_CRM_CODES_H */
