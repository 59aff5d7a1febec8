/*-------------------------------------------------------------------------
 *
 * names_score.c
 *	  Field-wise name similarity (see names_score.h).
 *
 *	  score = (wf * family + wg * given + wm * middle) / (wf + wg + wm)
 *
 *	  family and given are Jaro-Winkler on the normalised forms unless a
 *	  rule applies (exact 1, nickname 0.95, prefix 0.90, initial 0.85,
 *	  a shared Double Metaphone code at least 0.85);
 *	  a given name missing on one side counts 0.6; middle names count only
 *	  when both sides have one.  wf grows from 0.45 (the most common surname)
 *	  to 0.65 (a rare one), wg is 0.35, wm 0.10.  The same comparison with
 *	  one side's given and family exchanged, less NAMES_SWAP_PENALTY, wins
 *	  if it is higher.
 *
 *-------------------------------------------------------------------------
 */
#include "names/names_score.h"
#include "names/names_metrics.h"

#include <stdint.h>
#include <string.h>

/* Build a view of a parsed name. */
void
NamesViewOf(const NamesParsed *p, NamesView *v)
{
	int			i;

	for (i = 0; i < NAMES_NFIELDS; i++)
	{
		v->f[i] = p->arena + p->norm[i].off;
		v->l[i] = p->norm[i].len;
	}
}

/* Rule names for name_match_explain. */
const char *
NamesRuleName(int rule)
{
	switch (rule)
	{
		case NAMES_RULE_EXACT:
			return "exact";
		case NAMES_RULE_NICKNAME:
			return "nickname";
		case NAMES_RULE_INITIAL:
			return "initial";
		case NAMES_RULE_PREFIX:
			return "prefix";
		case NAMES_RULE_FUZZY:
			return "jaro-winkler";
		case NAMES_RULE_MISSING:
			return "missing";
		case NAMES_RULE_PHONETIC:
			return "phonetic";
	}
	return "none";
}

/*
 * strchr(set, c) != NULL for a set of lower-case letters and a byte c
 * other than NUL, as a bit test (the scorer asks this for most pairs).
 */
static inline bool
NamesInSet(char c, const char *set)
{
	uint32_t	m = 0;

	for (; *set; set++)
		m |= (uint32_t) 1 << (*set - 'a');
	return c >= 'a' && c <= 'z' && (m >> (c - 'a') & 1) != 0;
}

/* true if two words may share a Double Metaphone code here (cheap test). */
static bool
NamesMaySoundAlike(const char *a, int al, const char *b, int bl)
{
	if (al > 12 || bl > 12 || al < 2 || bl < 2)
		return false;
	/* only words that begin alike can sound alike here */
	if (a[0] != b[0] && !(NamesInSet(a[0], "ckq") && NamesInSet(b[0], "ckq")) &&
		!(NamesInSet(a[0], "sz") && NamesInSet(b[0], "sz")) &&
		!(NamesInSet(a[0], "aeiouy") && NamesInSet(b[0], "aeiouy")))
		return false;
	return true;
}

/*
 * A direct-mapped cache of the Double Metaphone codes of short words (the
 * words compared by NamesSoundAlike are 2 to 12 bytes): names recur across
 * comparisons, and a code costs more than a lookup.  An entry holds its
 * word, so a hit is exact; a collision replaces the entry.
 */
#define NAMES_DM_CACHE 4096

typedef struct NamesDmEntry
{
	unsigned char len;			/* 0: empty */
	char		word[12];
	char		p[8];
	char		a[8];
} NamesDmEntry;

static NamesDmEntry names_dm_cache[NAMES_DM_CACHE];

/* Codes (at most 6 characters) of a word of 1 to 12 bytes, through the cache. */
static void
NamesCachedMetaphone(const char *s, int len, char *p, char *a)
{
	unsigned int h = 2166136261u;
	NamesDmEntry *e;
	int			i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char) s[i]) * 16777619u;
	e = &names_dm_cache[(h ^ (h >> 16)) & (NAMES_DM_CACHE - 1)];
	if (e->len == len && memcmp(e->word, s, len) == 0)
	{
		memcpy(p, e->p, sizeof(e->p));
		memcpy(a, e->a, sizeof(e->a));
		return;
	}
	NamesDoubleMetaphone(s, len, 6, p, a);
	if (len >= 1 && len <= (int) sizeof(e->word))
	{
		e->len = (unsigned char) len;
		memcpy(e->word, s, len);
		memcpy(e->p, p, sizeof(e->p));
		memcpy(e->a, a, sizeof(e->a));
	}
}

/* true if two short words share a Double Metaphone code (Li, Lee; Jon, John). */
static bool
NamesSoundAlike(const char *a, int al, const char *b, int bl)
{
	char		pa[8],
				aa[8],
				pb[8],
				ab[8];

	if (!NamesMaySoundAlike(a, al, b, bl))
		return false;
	NamesCachedMetaphone(a, al, pa, aa);
	NamesCachedMetaphone(b, bl, pb, ab);
	if (pa[0] == '\0' || pb[0] == '\0')
		return false;
	return strcmp(pa, pb) == 0 || strcmp(pa, ab) == 0 || strcmp(aa, pb) == 0 ||
		(aa[0] && strcmp(aa, ab) == 0);
}

/* Copy without spaces; returns the length. */
static int
NamesSquash(const char *s, int len, char *out)
{
	int			i,
				o = 0;

	for (i = 0; i < len && o < NAMES_MAX_CHARS; i++)
		if (s[i] != ' ')
			out[o++] = s[i];
	return o;
}

/* true if word w (length wl) is one of the space-separated words of s. */
static bool
NamesHasWord(const char *s, int len, const char *w, int wl)
{
	int			i = 0;

	while (i < len)
	{
		int			j = i;

		while (j < len && s[j] != ' ')
			j++;
		if (j - i == wl && memcmp(s + i, w, wl) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* Family name similarity, -1 when absent on a side. */
static double
NamesFamilySim(const char *a, int al, const char *b, int bl)
{
	double		s;

	if (al == 0 || bl == 0)
		return -1.0;
	if (al == bl && memcmp(a, b, al) == 0)
		return 1.0;
	s = NamesJaroWinklerAscii(a, al, b, bl);
	if (s < NAMES_PHONETIC_FLOOR && s >= 0.6 && NamesSoundAlike(a, al, b, bl))
		s = NAMES_PHONETIC_FLOOR;
	if (memchr(a, ' ', al) != NULL || memchr(b, ' ', bl) != NULL)
	{
		char		sa[NAMES_MAX_CHARS];
		char		sb[NAMES_MAX_CHARS];
		int			na = NamesSquash(a, al, sa);
		int			nb = NamesSquash(b, bl, sb);
		double		s2;

		if (na == nb && memcmp(sa, sb, na) == 0)
			return 0.98;
		s2 = NamesJaroWinklerAscii(sa, na, sb, nb);
		if (s2 > s)
			s = s2;
		/* one side is a part of a multi-part family name */
		if ((NamesHasWord(a, al, b, bl) || NamesHasWord(b, bl, a, al)) && s < 0.92)
			s = 0.92;
	}
	return s;
}

/* Given name similarity and the rule that produced it. */
static double
NamesGivenSim(const NamesView *x, const NamesView *y, const NamesScoreEnv *env, int *rule)
{
	const char *a = x->f[NAMES_GIVEN];
	const char *b = y->f[NAMES_GIVEN];
	int			al = x->l[NAMES_GIVEN];
	int			bl = y->l[NAMES_GIVEN];
	double		s;

	if (al == 0 || bl == 0)
	{
		*rule = NAMES_RULE_MISSING;
		return -1.0;
	}
	if (al == bl && memcmp(a, b, al) == 0)
	{
		*rule = NAMES_RULE_EXACT;
		return 1.0;
	}
	/* a nickname written beside the name */
	if ((x->l[NAMES_NICK] == bl && memcmp(x->f[NAMES_NICK], b, bl) == 0) ||
		(y->l[NAMES_NICK] == al && memcmp(y->f[NAMES_NICK], a, al) == 0))
	{
		*rule = NAMES_RULE_EXACT;
		return 1.0;
	}
	if (al == 1 || bl == 1)
	{
		*rule = NAMES_RULE_INITIAL;
		if (a[0] == b[0])
			return 0.85;
		/* an initial of a nickname's formal name: R. for Bob */
		if (env != NULL && env->related != NULL)
		{
			*rule = NAMES_RULE_INITIAL;
			if (env->related(env->arg, a, al, b, bl))
				return 0.8;
		}
		return 0.0;
	}
	if (env != NULL && env->related != NULL && env->related(env->arg, a, al, b, bl))
	{
		*rule = NAMES_RULE_NICKNAME;
		return 0.95;
	}
	if ((al >= 3 && al < bl && memcmp(a, b, al) == 0) ||
		(bl >= 3 && bl < al && memcmp(a, b, bl) == 0))
	{
		*rule = NAMES_RULE_PREFIX;
		return 0.9;
	}
	*rule = NAMES_RULE_FUZZY;
	s = NamesJaroWinklerAscii(a, al, b, bl);
	if (s < NAMES_PHONETIC_FLOOR && s >= 0.6 && NamesSoundAlike(a, al, b, bl))
	{
		*rule = NAMES_RULE_PHONETIC;
		s = NAMES_PHONETIC_FLOOR;
	}
	return s;
}

/* Middle name similarity: -1 unless both have one. */
static double
NamesMiddleSim(const char *a, int al, const char *b, int bl)
{
	if (al == 0 || bl == 0)
		return -1.0;
	if (al == bl && memcmp(a, b, al) == 0)
		return 1.0;
	if (al == 1 || bl == 1 || a[1] == ' ' || b[1] == ' ')
		return a[0] == b[0] ? 0.95 : 0.2;
	return NamesJaroWinklerAscii(a, al, b, bl);
}

/*
 * Agreement credit of a family or given similarity: unchanged from
 * NAMES_AGREE_HIGH up (typos, nicknames, initials, phonetic matches), then
 * falling linearly to NAMES_AGREE_TAIL times itself at NAMES_AGREE_LOW and
 * below (kept above 0 so that such names still order candidates that tie
 * on the other part).  A Jaro-Winkler of 0.7 says the
 * two names differ (a replaced or unrelated name), not that they are 70 %
 * alike; crediting it linearly let a fuzzy pair of names outrank a record
 * that agrees exactly on a rare name and differs in the other part
 * (Winkler's piecewise adjustment of string comparator weights).
 */
static inline double
NamesAgree(double s)
{
	if (s >= NAMES_AGREE_HIGH || s < 0)
		return s;
	if (s <= NAMES_AGREE_LOW)
		return s * NAMES_AGREE_TAIL;
	return NAMES_AGREE_LOW * NAMES_AGREE_TAIL + (NAMES_AGREE_HIGH - NAMES_AGREE_LOW * NAMES_AGREE_TAIL) *
		(s - NAMES_AGREE_LOW) / (NAMES_AGREE_HIGH - NAMES_AGREE_LOW);
}

/* Number of bits set (without relying on a popcount instruction). */
static inline int
NamesPopcount(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (int) ((x * 0x0101010101010101ULL) >> 56);
}

static double NamesLetterBound(const char *a, int al, const char *b, int bl);

/*
 * Upper bound of NamesGivenSim from the letters of the two names: at most
 * sum over letters of min(count in a, count in b) characters can match
 * (bounded through 64-bit letter sets and the repeats of each word), with
 * no transpositions and the prefix bonus of the actual common prefix; the
 * rules (nickname 0.95, prefix 0.90, phonetic floor) are bounded as well.
 */
static double
NamesGivenBound(const NamesView *x, const NamesView *y, const NamesScoreEnv *env)
{
	const char *a = x->f[NAMES_GIVEN];
	const char *b = y->f[NAMES_GIVEN];
	int			al = x->l[NAMES_GIVEN];
	int			bl = y->l[NAMES_GIVEN];
	double		j;

	/* initials, missing names and written nicknames: no bound */
	if (al < 2 || bl < 2 || al > 64 || bl > 64 || x->l[NAMES_NICK] > 0 || y->l[NAMES_NICK] > 0)
		return 1.0;
	j = NamesLetterBound(a, al, b, bl);
	if (j < 0.9 && ((al >= 3 && al < bl && memcmp(a, b, al) == 0) ||
					(bl >= 3 && bl < al && memcmp(a, b, bl) == 0)))
		j = 0.9;
	if (j < 0.95 && env != NULL && env->related != NULL && env->related(env->arg, a, al, b, bl))
		j = 0.95;
	return j > 1.0 ? 1.0 : j + 1e-9;
}

/*
 * Upper bound of the Jaro-Winkler similarity of two words (1 to 64 bytes)
 * from their letters (see NamesGivenBound), raised to the phonetic floor
 * where NamesSoundAlike could apply.
 */
static double
NamesLetterBound(const char *a, int al, const char *b, int bl)
{
	uint64_t	ma = 0,
				mb = 0;
	int			i,
				m,
				ra,
				rb,
				l;
	double		j;

	for (i = 0; i < al; i++)
		ma |= (uint64_t) 1 << ((unsigned char) a[i] & 63);
	for (i = 0; i < bl; i++)
		mb |= (uint64_t) 1 << ((unsigned char) b[i] & 63);
	ra = al - NamesPopcount(ma);
	rb = bl - NamesPopcount(mb);
	m = NamesPopcount(ma & mb) + (ra < rb ? ra : rb);
	if (m > al)
		m = al;
	if (m > bl)
		m = bl;
	j = 0.0;
	if (m > 0)
	{
		j = (al <= NAMES_RATIO_MAX && bl <= NAMES_RATIO_MAX) ?
			(NamesRatio[m][al] + NamesRatio[m][bl] + 1.0) / 3.0 :
			((double) m / al + (double) m / bl + 1.0) / 3.0;
		l = 0;
		while (l < 4 && l < al && l < bl && a[l] == b[l])
			l++;
		if (j > 0.7)
			j += l * 0.1 * (1.0 - j);
	}
	if (j >= 0.6 && j < NAMES_PHONETIC_FLOOR && NamesMaySoundAlike(a, al, b, bl))
		j = NAMES_PHONETIC_FLOOR;
	return j;
}

/*
 * One reading of the comparison.  With cutoff >= 0, the reading may stop
 * once an upper bound of its score is at most cutoff, and then returns -1
 * (d is then incomplete).
 */
static double
NamesScoreOnceCut(const NamesView *a, const NamesView *b, const NamesScoreEnv *env,
				  NamesScoreDetail *d, double cutoff)
{
	double		num = 0,
				den = 0;
	double		rarity = 0.5;
	double		gub = -1.0;		/* NamesAgree of the given bound, once known */
	const NamesView *fam = a->l[NAMES_FAMILY] > 0 ? a : b;

	/*
	 * Before any Jaro-Winkler: both parts at their letter bounds, the middle
	 * at 1, the family weight at whichever end of its range favours the
	 * reading (the mean moves monotonically with it).
	 */
	if (cutoff >= 0 && a->l[NAMES_FAMILY] > 0 && b->l[NAMES_FAMILY] > 0 &&
		a->l[NAMES_GIVEN] > 0 && b->l[NAMES_GIVEN] > 0 &&
		a->l[NAMES_FAMILY] <= 64 && b->l[NAMES_FAMILY] <= 64 &&
		memchr(a->f[NAMES_FAMILY], ' ', a->l[NAMES_FAMILY]) == NULL &&
		memchr(b->f[NAMES_FAMILY], ' ', b->l[NAMES_FAMILY]) == NULL)
	{
		double		fub = NamesAgree(NamesLetterBound(a->f[NAMES_FAMILY], a->l[NAMES_FAMILY],
													  b->f[NAMES_FAMILY], b->l[NAMES_FAMILY]) + 1e-9);
		double		wm = (a->l[NAMES_MIDDLE] > 0 && b->l[NAMES_MIDDLE] > 0) ? 0.10 : 0.0;
		double		ub1,
					ub2;

		gub = NamesAgree(NamesGivenBound(a, b, env));
		ub1 = (0.45 * fub + 0.35 * gub + wm) / (0.45 + 0.35 + wm);
		ub2 = (0.65 * fub + 0.35 * gub + wm) / (0.65 + 0.35 + wm);

		if ((ub1 > ub2 ? ub1 : ub2) + 1e-9 <= cutoff)
			return -1.0;
	}
	d->family = NamesFamilySim(a->f[NAMES_FAMILY], a->l[NAMES_FAMILY],
							   b->f[NAMES_FAMILY], b->l[NAMES_FAMILY]);
	d->middle = NamesMiddleSim(a->f[NAMES_MIDDLE], a->l[NAMES_MIDDLE],
							   b->f[NAMES_MIDDLE], b->l[NAMES_MIDDLE]);
	if (env != NULL && env->rarity != NULL && fam->l[NAMES_FAMILY] > 0)
		rarity = env->rarity(env->arg, fam->f[NAMES_FAMILY], fam->l[NAMES_FAMILY]);
	/* the same weighted mean with the given name at its upper bound */
	if (cutoff >= 0 && d->family >= 0 && a->l[NAMES_GIVEN] > 0 && b->l[NAMES_GIVEN] > 0)
	{
		double		wf = 0.45 + 0.20 * rarity;
		double		wm = d->middle >= 0 ? 0.10 : 0.0;
		double		ub;

		if (gub < 0)
			gub = NamesAgree(NamesGivenBound(a, b, env));
		ub = (wf * NamesAgree(d->family) + 0.35 * gub + wm * (d->middle >= 0 ? d->middle : 0.0)) /
			(wf + 0.35 + wm);

		if (ub + 1e-9 <= cutoff)
			return -1.0;
	}
	d->given = NamesAgree(NamesGivenSim(a, b, env, &d->given_rule));
	d->family = NamesAgree(d->family);
	d->rarity = rarity;
	d->w_family = 0.45 + 0.20 * rarity;
	d->w_given = 0.35;
	d->w_middle = d->middle >= 0 ? 0.10 : 0.0;
	/* a part missing on both sides does not count; on one side it costs */
	if (a->l[NAMES_FAMILY] > 0 || b->l[NAMES_FAMILY] > 0)
	{
		num += d->w_family * (d->family >= 0 ? d->family : NAMES_MISSING_FAMILY);
		den += d->w_family;
	}
	else
		d->w_family = 0;
	if (a->l[NAMES_GIVEN] > 0 || b->l[NAMES_GIVEN] > 0)
	{
		num += d->w_given * (d->given >= 0 ? d->given : 0.6);
		den += d->w_given;
	}
	else
		d->w_given = 0;
	if (d->middle >= 0)
	{
		num += d->w_middle * d->middle;
		den += d->w_middle;
	}
	/* nothing comparable at all */
	if (d->family < 0 && d->given < 0)
		return 0.0;
	return num / den;
}

/* One reading of the comparison, in full. */
static double
NamesScoreOnce(const NamesView *a, const NamesView *b, const NamesScoreEnv *env,
			   NamesScoreDetail *d)
{
	return NamesScoreOnceCut(a, b, env, d, -1.0);
}

/*
 * Similarity in [0, 1]; with cutoff >= 0 (and no detail), readings stop
 * once their bounds show they cannot exceed cutoff (see
 * NamesSimilarityBelow).
 */
static double
NamesSimilarityCut(const NamesView *a, const NamesView *b, const NamesScoreEnv *env,
				   NamesScoreDetail *detail, double cutoff)
{
	NamesScoreDetail d1,
				d2,
				bestd;
	NamesView	sw = *a;

	/*
	 * The joined readings' buffers are distinct objects: the caller's
	 * lookups may be memoised by address.
	 */
	char		joined3[NAMES_MAX_CHARS];
	char		joined4[NAMES_MAX_CHARS];
	double		s1,
				s2,
				best = -1.0;

	/* the direct reading: -1 when cut (it is then at most cutoff) */
	s1 = NamesScoreOnceCut(a, b, env, &d1, detail == NULL ? cutoff : -1.0);
	d1.direct = s1;
	d1.used_swap = false;
	/* the swapped reading can only win below 1 - penalty */
	if (s1 < 1.0 - NAMES_SWAP_PENALTY && (a->l[NAMES_GIVEN] > 1 || a->l[NAMES_FAMILY] > 1))
	{
		sw.f[NAMES_GIVEN] = a->f[NAMES_FAMILY];
		sw.l[NAMES_GIVEN] = a->l[NAMES_FAMILY];
		sw.f[NAMES_FAMILY] = a->f[NAMES_GIVEN];
		sw.l[NAMES_FAMILY] = a->l[NAMES_GIVEN];
		/*
		 * Without a detail to fill in, the swapped reading may stop as soon
		 * as it cannot beat the direct one (it then counts as 0).
		 */
		s2 = NamesScoreOnceCut(&sw, b, env, &d2,
							   detail == NULL ? (s1 > cutoff ? s1 : cutoff) + NAMES_SWAP_PENALTY : -1.0);
		s2 = s2 < 0 ? 0 : s2 - NAMES_SWAP_PENALTY;
		if (s2 < 0)
			s2 = 0;
	}
	else
		s2 = 0;
	/*
	 * A family name broken in two by a stray space ("McMul len") reads as a
	 * middle name and a family name: try them joined.
	 */
	if (s1 < 1.0 && a->l[NAMES_MIDDLE] > 0 && a->l[NAMES_FAMILY] > 0 &&
		a->l[NAMES_MIDDLE] + a->l[NAMES_FAMILY] < NAMES_MAX_CHARS)
	{
		char	   *joined = joined3;
		NamesView	jv = *a;
		NamesScoreDetail d3;
		double		s3;
		int			n = 0,
					i;

		for (i = 0; i < a->l[NAMES_MIDDLE]; i++)
			if (a->f[NAMES_MIDDLE][i] != ' ')
				joined[n++] = a->f[NAMES_MIDDLE][i];
		for (i = 0; i < a->l[NAMES_FAMILY]; i++)
			if (a->f[NAMES_FAMILY][i] != ' ')
				joined[n++] = a->f[NAMES_FAMILY][i];
		jv.f[NAMES_FAMILY] = joined;
		jv.l[NAMES_FAMILY] = n;
		jv.l[NAMES_MIDDLE] = 0;
		s3 = NamesScoreOnce(&jv, b, env, &d3) - NAMES_JOIN_PENALTY;
		if (s3 > s1 && s3 > s2)
		{
			d3.direct = s1;
			d3.swapped = s2;
			d3.used_swap = false;
			d3.score = s3;
			best = s3;
			bestd = d3;
		}
	}
	/*
	 * A word broken in two by a stray space ("Ja Cob Green", "Teag Ue"):
	 * the given and middle names read as one given name, or, against a
	 * name without a given name, given and family read as one family name.
	 */
	if (s1 < 1.0 && a->l[NAMES_GIVEN] > 0 &&
		((a->l[NAMES_MIDDLE] > 0 && a->l[NAMES_MIDDLE] <= 12) ||
		 (a->l[NAMES_MIDDLE] == 0 && b->l[NAMES_GIVEN] == 0 && a->l[NAMES_FAMILY] > 0)) &&
		a->l[NAMES_GIVEN] + a->l[NAMES_MIDDLE] + a->l[NAMES_FAMILY] < NAMES_MAX_CHARS)
	{
		char	   *joined = joined4;
		NamesView	jv = *a;
		NamesScoreDetail d4;
		double		s4;
		int			second = a->l[NAMES_MIDDLE] > 0 ? NAMES_MIDDLE : NAMES_FAMILY;
		int			n = 0,
					i;

		for (i = 0; i < a->l[NAMES_GIVEN]; i++)
			if (a->f[NAMES_GIVEN][i] != ' ')
				joined[n++] = a->f[NAMES_GIVEN][i];
		for (i = 0; i < a->l[second]; i++)
			if (a->f[second][i] != ' ')
				joined[n++] = a->f[second][i];
		if (second == NAMES_MIDDLE)
		{
			jv.f[NAMES_GIVEN] = joined;
			jv.l[NAMES_GIVEN] = n;
			jv.l[NAMES_MIDDLE] = 0;
		}
		else
		{
			jv.f[NAMES_FAMILY] = joined;
			jv.l[NAMES_FAMILY] = n;
			jv.l[NAMES_GIVEN] = 0;
		}
		s4 = NamesScoreOnce(&jv, b, env, &d4) - NAMES_JOIN_PENALTY;
		if (s4 > s1 && s4 > s2 && s4 > best)
		{
			d4.direct = s1;
			d4.swapped = s2;
			d4.used_swap = false;
			d4.score = s4;
			best = s4;
			bestd = d4;
		}
	}
	if (best >= 0)
	{
		if (detail)
			*detail = bestd;
		return best;
	}
	if (s2 > s1)
	{
		d2.direct = s1;
		d2.swapped = s2;
		d2.used_swap = true;
		d2.score = s2;
		if (detail)
			*detail = d2;
		return s2;
	}
	d1.swapped = s2;
	d1.score = s1;
	if (detail)
		*detail = d1;
	/* a cut direct reading and nothing else above 0 */
	return s1 < 0 ? 0.0 : s1;
}

/* Similarity in [0, 1] (see names_score.h). */
double
NamesSimilarity(const NamesView *a, const NamesView *b, const NamesScoreEnv *env,
				NamesScoreDetail *detail)
{
	return NamesSimilarityCut(a, b, env, detail, -1.0);
}

/*
 * The similarity when it exceeds cutoff; otherwise a value in [0, cutoff]
 * (the similarity itself or less), found without completing the readings
 * whose bounds reach no higher than cutoff.
 *
 * The result is the largest of the readings (direct, swapped less its
 * penalty, joined less theirs).  A reading is cut only when its bound is
 * at most the larger of cutoff and the direct reading's score: if
 * the largest reading completed exceeds cutoff, no cut reading could beat
 * it and the result is exact; if not, every reading is at most cutoff.
 */
double
NamesSimilarityBelow(const NamesView *a, const NamesView *b, const NamesScoreEnv *env,
					 double cutoff)
{
	return NamesSimilarityCut(a, b, env, NULL, cutoff);
}
