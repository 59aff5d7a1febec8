/*-------------------------------------------------------------------------
 *
 * names_score.h
 *	  Field-wise name similarity: family, given (through nicknames and
 *	  initials), middle, and the swapped reading; rare family names weigh
 *	  more than common ones.  Plain C, no server headers; nickname links
 *	  and name frequencies come from the caller through NamesScoreEnv.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_NAMES_SCORE_H
#define REFERRAL_CRM_NAMES_SCORE_H

#include <stdbool.h>

#include "names/names_parse.h"

/* Normalised fields of one name (pointers, not NUL-terminated). */
typedef struct NamesView
{
	const char *f[NAMES_NFIELDS];
	int			l[NAMES_NFIELDS];
} NamesView;

/* Lookups the caller provides (either may be NULL). */
typedef struct NamesScoreEnv
{
	/* true if two normalised given names are nickname variants */
	bool		(*related) (void *arg, const char *a, int al, const char *b, int bl);
	/* 0 for the most common family name .. 1 for a rare or unknown one */
	double		(*rarity) (void *arg, const char *f, int len);
	void	   *arg;
} NamesScoreEnv;

/* Given-name rules, for name_match_explain. */
#define NAMES_RULE_NONE 0
#define NAMES_RULE_EXACT 1
#define NAMES_RULE_NICKNAME 2
#define NAMES_RULE_INITIAL 3
#define NAMES_RULE_PREFIX 4
#define NAMES_RULE_FUZZY 5
#define NAMES_RULE_MISSING 6
#define NAMES_RULE_PHONETIC 7

/* Similarity floor of two short words that share a phonetic code. */
#define NAMES_PHONETIC_FLOOR 0.85

/* Every component of a comparison. */
typedef struct NamesScoreDetail
{
	double		family;			/* -1: absent on a side */
	double		given;
	double		middle;
	double		w_family;
	double		w_given;
	double		w_middle;
	double		rarity;
	int			given_rule;
	double		direct;			/* score in the written order */
	double		swapped;		/* score with given and family exchanged */
	bool		used_swap;
	double		score;
} NamesScoreDetail;

/*
 * Family and given similarities below HIGH fall linearly to TAIL times
 * themselves at LOW, and are scaled by TAIL below.
 */
#define NAMES_AGREE_HIGH 0.85
#define NAMES_AGREE_LOW 0.8
#define NAMES_AGREE_TAIL 0.25

/* Credit of a family name written on one side only. */
#define NAMES_MISSING_FAMILY 0.6

/* Penalty applied to the swapped reading. */
#define NAMES_SWAP_PENALTY 0.05

/* Penalty applied when middle and family are read as one broken family name. */
#define NAMES_JOIN_PENALTY 0.03

/* Build a view of a parsed name. */
extern void NamesViewOf(const NamesParsed *p, NamesView *v);

/* Similarity in [0, 1]; detail may be NULL. */
extern double NamesSimilarity(const NamesView *a, const NamesView *b,
							  const NamesScoreEnv *env, NamesScoreDetail *detail);

/*
 * The similarity when it exceeds cutoff, else a value in [0, cutoff]
 * (cheaper: readings stop on their bounds).  cutoff < 0: always exact.
 */
extern double NamesSimilarityBelow(const NamesView *a, const NamesView *b,
								   const NamesScoreEnv *env, double cutoff);

extern const char *NamesRuleName(int rule);

#endif							/* REFERRAL_CRM_NAMES_SCORE_H */
