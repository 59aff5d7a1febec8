/*-------------------------------------------------------------------------
 *
 * analyze.c
 *	  Static analysis of routing conditions for routing_lint (can a rule
 *	  ever match, does one rule imply another, may two rules match the same
 *	  referral) and the indexed rule set used to route: rules are indexed
 *	  on one discriminating equality or "in" clause each (their anchor),
 *	  so that a referral is tested only against the rules whose anchor it
 *	  satisfies plus the rules without an anchor.
 *
 *	  The analysis is sound but incomplete: it reasons about conjunctions
 *	  of simple clauses (=, <>, in, not in, ordered comparisons and between
 *	  on numbers, priorities and weekdays, is [not] null, boolean
 *	  attributes) and a top-level "or" of such conjunctions.  Other clauses
 *	  (like, distance_km, nested or) are opaque: they are assumed satisfiable
 *	  and never prove an implication.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <string.h>

#include "routing/cond.h"
#include "routing/cond_internal.h"

#define MAX_ATOMS 256

typedef enum AtomKind
{
	A_SET,						/* attr in values */
	A_NSET,						/* attr not in values (and not null) */
	A_RANGE,					/* lo <(=) attr <(=) hi */
	A_ISNULL,
	A_NOTNULL,
	A_FALSE,
	A_OPAQUE
} AtomKind;

typedef struct Atom
{
	AtomKind	kind;
	int			attr;
	const RoutingExpr *e;
	int			a,
				n;				/* values of SET/NSET in e */
	bool		synthetic;		/* SET of one boolean: synval */
	double		synval;
	double		lo,
				hi;
	bool		lo_incl,
				hi_incl;
} Atom;

typedef struct AtomList
{
	Atom		atoms[MAX_ATOMS];
	int			n;
	bool		overflow;
} AtomList;

/* A value to test against atoms: from an expression or a plain number. */
typedef struct Val
{
	const RoutingExpr *e;
	int			vi;				/* -1: use num */
	double		num;
} Val;

static Atom *
NewAtom(AtomList *l, AtomKind kind, int attr, const RoutingExpr *e)
{
	Atom	   *at;

	if (l->n >= MAX_ATOMS)
	{
		l->overflow = true;
		return NULL;
	}
	at = &l->atoms[l->n++];
	memset(at, 0, sizeof(*at));
	at->kind = kind;
	at->attr = attr;
	at->e = e;
	at->lo = -INFINITY;
	at->hi = INFINITY;
	at->lo_incl = at->hi_incl = true;
	return at;
}

/* Is this attribute ordered as a number (numbers and enums)? */
static bool
Ordered(int attr)
{
	RoutingType t = RoutingAttrType(attr);

	return t == RT_NUMBER || t == RT_PRIORITY || t == RT_WEEKDAY;
}

/* Add the atoms of node i (a conjunction is split into its clauses). */
static void
CollectAtoms(AtomList *l, const RoutingExpr *e, int i)
{
	const RoutingNode *nd = &NODES(e)[i];
	Atom	   *at;
	bool		neg = (nd->flags & RNF_NEGATED) != 0;

	if (nd->kind == RN_AND)
	{
		for (int k = 0; k < nd->n; k++)
			CollectAtoms(l, e, KIDS(e)[nd->a + k]);
		return;
	}
	if (nd->kind == RN_CONST)
	{
		if (!nd->a)
			NewAtom(l, A_FALSE, 0, e);
		return;
	}
	if (nd->kind == RN_BOOLATTR)
	{
		if ((at = NewAtom(l, A_SET, nd->attr, e)) != NULL)
			at->synthetic = true, at->synval = 1;
		return;
	}
	if (nd->kind == RN_NOT)
	{
		const RoutingNode *c = &NODES(e)[KIDS(e)[nd->a]];

		if (c->kind == RN_BOOLATTR)
		{
			if ((at = NewAtom(l, A_SET, c->attr, e)) != NULL)
				at->synthetic = true, at->synval = 0;
		}
		else if (c->attr != RA_DISTANCE && c->kind == RN_CMP && (c->op == RO_EQ || c->op == RO_NE))
		{
			if ((at = NewAtom(l, c->op == RO_EQ ? A_NSET : A_SET, c->attr, e)) != NULL)
				at->a = c->a, at->n = 1;
		}
		else if (c->attr != RA_DISTANCE && c->kind == RN_IN)
		{
			if ((at = NewAtom(l, (c->flags & RNF_NEGATED) ? A_SET : A_NSET, c->attr, e)) != NULL)
				at->a = c->a, at->n = c->n;
		}
		else if (c->attr != RA_DISTANCE && c->kind == RN_ISNULL)
			NewAtom(l, (c->flags & RNF_NEGATED) ? A_ISNULL : A_NOTNULL, c->attr, e);
		else
			NewAtom(l, A_OPAQUE, 0, e);
		return;
	}
	if (nd->kind == RN_OR || nd->attr == RA_DISTANCE)
	{
		NewAtom(l, A_OPAQUE, 0, e);
		return;
	}
	switch (nd->kind)
	{
		case RN_CMP:
			if (nd->op == RO_EQ || nd->op == RO_NE)
			{
				if ((at = NewAtom(l, nd->op == RO_EQ ? A_SET : A_NSET, nd->attr, e)) != NULL)
					at->a = nd->a, at->n = 1;
			}
			else if (Ordered(nd->attr))
			{
				double		v = VALUES(e)[nd->a].num;

				if ((at = NewAtom(l, A_RANGE, nd->attr, e)) != NULL)
				{
					if (nd->op == RO_LT || nd->op == RO_LE)
						at->hi = v, at->hi_incl = nd->op == RO_LE;
					else
						at->lo = v, at->lo_incl = nd->op == RO_GE;
				}
			}
			else
				NewAtom(l, A_OPAQUE, 0, e);
			break;
		case RN_IN:
			if ((at = NewAtom(l, neg ? A_NSET : A_SET, nd->attr, e)) != NULL)
				at->a = nd->a, at->n = nd->n;
			break;
		case RN_BETWEEN:
			if (!neg && Ordered(nd->attr))
			{
				if ((at = NewAtom(l, A_RANGE, nd->attr, e)) != NULL)
				{
					at->lo = VALUES(e)[nd->a].num;
					at->hi = VALUES(e)[nd->a + 1].num;
				}
			}
			else
				NewAtom(l, A_OPAQUE, 0, e);
			break;
		case RN_ISNULL:
			NewAtom(l, neg ? A_NOTNULL : A_ISNULL, nd->attr, e);
			break;
		default:
			NewAtom(l, A_OPAQUE, 0, e);
			break;
	}
}

/* Equality of a value with value k of a SET/NSET atom. */
static bool
ValEq(int attr, const Val *v, const Atom *at, int k)
{
	if (at->synthetic)
		return v->vi < 0 ? v->num == at->synval : VALUES(v->e)[v->vi].num == at->synval;
	if (RoutingAttrType(attr) == RT_TEXT)
	{
		const RoutingValue *x = &VALUES(v->e)[v->vi];
		const RoutingValue *y = &VALUES(at->e)[at->a + k];

		return v->vi >= 0 && x->len == y->len &&
			memcmp(STR(v->e) + x->off, STR(at->e) + y->off, x->len) == 0;
	}
	return (v->vi < 0 ? v->num : VALUES(v->e)[v->vi].num) == VALUES(at->e)[at->a + k].num;
}

/* Does a (non-null) value satisfy an atom on the same attribute? */
static bool
ValSatisfies(int attr, const Val *v, const Atom *at)
{
	int			n = at->synthetic ? 1 : at->n;
	bool		found = false;
	double		x;

	switch (at->kind)
	{
		case A_SET:
		case A_NSET:
			for (int k = 0; k < n && !found; k++)
				found = ValEq(attr, v, at, k);
			return at->kind == A_SET ? found : !found;
		case A_RANGE:
			x = v->vi < 0 ? v->num : VALUES(v->e)[v->vi].num;
			return (x > at->lo || (at->lo_incl && x == at->lo)) &&
				(x < at->hi || (at->hi_incl && x == at->hi));
		case A_ISNULL:
			return false;
		default:
			return true;
	}
}

/* What the atoms of a list say about one attribute. */
typedef struct AttrInfo
{
	bool		any;			/* some atom on attr */
	bool		isnull;			/* an is null atom */
	bool		valued;			/* an atom that needs a value */
	const Atom *set;			/* first SET atom */
	double		lo,
				hi;
	bool		lo_incl,
				hi_incl;
} AttrInfo;

static void
Info(const AtomList *l, int attr, AttrInfo *info)
{
	memset(info, 0, sizeof(*info));
	info->lo = -INFINITY;
	info->hi = INFINITY;
	info->lo_incl = info->hi_incl = true;
	for (int i = 0; i < l->n; i++)
	{
		const Atom *at = &l->atoms[i];

		if (at->attr != attr || at->kind == A_OPAQUE || at->kind == A_FALSE)
			continue;
		info->any = true;
		if (at->kind == A_ISNULL)
			info->isnull = true;
		else
			info->valued = true;
		if (at->kind == A_SET && info->set == NULL)
			info->set = at;
		if (at->kind == A_RANGE)
		{
			if (at->lo > info->lo || (at->lo == info->lo && !at->lo_incl))
				info->lo = at->lo, info->lo_incl = at->lo_incl;
			if (at->hi < info->hi || (at->hi == info->hi && !at->hi_incl))
				info->hi = at->hi, info->hi_incl = at->hi_incl;
		}
	}
}

/* Does value v satisfy every atom of l on attr? */
static bool
ValSatisfiesAll(const AtomList *l, int attr, const Val *v)
{
	for (int i = 0; i < l->n; i++)
	{
		const Atom *at = &l->atoms[i];

		if (at->attr == attr && at->kind != A_OPAQUE && at->kind != A_FALSE &&
			!ValSatisfies(attr, v, at))
			return false;
	}
	return true;
}

/*
 * Enumerate the values attr may take under l when they are finitely many
 * (a SET atom, or an enum or boolean domain): calls fn on each surviving
 * value until it returns false.  Returns -1 when the values are not
 * finite, else the number of survivors visited.
 */
static int
Survivors(const AtomList *l, int attr, const AttrInfo *info,
		  bool (*fn) (void *arg, int attr, const Val *v), void *arg)
{
	int			count = 0;

	if (info->set)
	{
		const Atom *s = info->set;
		int			n = s->synthetic ? 1 : s->n;

		for (int k = 0; k < n; k++)
		{
			Val			v = {s->e, s->synthetic ? -1 : s->a + k, s->synval};

			if (ValSatisfiesAll(l, attr, &v))
			{
				count++;
				if (fn && !fn(arg, attr, &v))
					break;
			}
		}
		return count;
	}
	{
		int			d = (attr < RA_COUNT) ? 0 : 0;
		RoutingType t = RoutingAttrType(attr);

		d = t == RT_PRIORITY ? 4 : t == RT_WEEKDAY ? 7 : t == RT_BOOL ? 2 : 0;
		if (d == 0)
			return -1;
		for (int k = 0; k < d; k++)
		{
			Val			v = {NULL, -1, k};

			if (ValSatisfiesAll(l, attr, &v))
			{
				count++;
				if (fn && !fn(arg, attr, &v))
					break;
			}
		}
		return count;
	}
}

/* Is the interval of info non-empty (and not a single excluded point)? */
static bool
IntervalNonEmpty(const AtomList *l, int attr, const AttrInfo *info)
{
	if (info->lo > info->hi)
		return false;
	if (info->lo == info->hi)
	{
		Val			v = {NULL, -1, info->lo};

		return info->lo_incl && info->hi_incl && ValSatisfiesAll(l, attr, &v);
	}
	return true;
}

/* Can some referral satisfy every atom of l? */
static bool
ListSatisfiable(const AtomList *l)
{
	if (l->overflow)
		return true;
	for (int i = 0; i < l->n; i++)
		if (l->atoms[i].kind == A_FALSE)
			return false;
	for (int attr = 0; attr < RA_COUNT; attr++)
	{
		AttrInfo	info;
		int			s;

		Info(l, attr, &info);
		if (!info.any)
			continue;
		if (info.isnull)
		{
			if (info.valued)
				return false;
			continue;
		}
		s = Survivors(l, attr, &info, NULL, NULL);
		if (s == 0)
			return false;
		if (s < 0 && !IntervalNonEmpty(l, attr, &info))
			return false;
	}
	return true;
}

/* The disjuncts of a condition: the kids of a top-level or, or the root. */
static int
Disjuncts(const RoutingExpr *e, const int32_t **list, int32_t *single)
{
	const RoutingNode *root = &NODES(e)[e->root];

	if (root->kind == RN_OR)
	{
		*list = &KIDS(e)[root->a];
		return root->n;
	}
	*single = e->root;
	*list = single;
	return 1;
}

/* Can the condition ever be true? */
bool
RoutingSatisfiable(const RoutingExpr *e)
{
	const int32_t *d;
	int32_t		one;
	int			n = Disjuncts(e, &d, &one);
	static AtomList l;

	for (int i = 0; i < n; i++)
	{
		l.n = 0;
		l.overflow = false;
		CollectAtoms(&l, e, d[i]);
		if (ListSatisfiable(&l))
			return true;
	}
	return false;
}

/* May some referral satisfy both conditions? */
bool
RoutingMayOverlap(const RoutingExpr *a, const RoutingExpr *b)
{
	const int32_t *da,
			   *db;
	int32_t		onea,
				oneb;
	int			na = Disjuncts(a, &da, &onea);
	int			nb = Disjuncts(b, &db, &oneb);
	static AtomList l;

	for (int i = 0; i < na; i++)
		for (int j = 0; j < nb; j++)
		{
			l.n = 0;
			l.overflow = false;
			CollectAtoms(&l, a, da[i]);
			CollectAtoms(&l, b, db[j]);
			if (ListSatisfiable(&l))
				return true;
		}
	return false;
}

/* Survivor callback: does the value satisfy the atom in arg? */
static bool
SurvivorSatisfies(void *arg, int attr, const Val *v)
{
	const Atom **at = arg;

	if (!ValSatisfies(attr, v, at[0]))
	{
		at[1] = NULL;			/* signal a counterexample */
		return false;
	}
	return true;
}

/* Do the atoms of b entail atom alpha? */
static bool
Entails(const AtomList *b, const Atom *alpha)
{
	AttrInfo	info;
	int			attr = alpha->attr;

	switch (alpha->kind)
	{
		case A_OPAQUE:
			return false;
		case A_FALSE:
			return !ListSatisfiable(b);
		default:
			break;
	}
	Info(b, attr, &info);
	if (alpha->kind == A_ISNULL)
		return info.isnull;
	if (!info.valued)
		return false;
	if (alpha->kind == A_NOTNULL)
		return true;
	{
		const Atom *ctx[2] = {alpha, alpha};
		int			s = Survivors(b, attr, &info, SurvivorSatisfies, ctx);

		if (s >= 0)
			return ctx[1] != NULL;
	}
	/* infinitely many values: reason on the interval */
	if (alpha->kind == A_RANGE)
		return (info.lo > alpha->lo || (info.lo == alpha->lo && (alpha->lo_incl || !info.lo_incl))) &&
			(info.hi < alpha->hi || (info.hi == alpha->hi && (alpha->hi_incl || !info.hi_incl)));
	if (alpha->kind == A_NSET)
	{
		/* each excluded value lies outside b's interval or is excluded by b */
		for (int k = 0; k < alpha->n; k++)
		{
			Val			v = {alpha->e, alpha->a + k, 0};

			if (ValSatisfiesAll(b, attr, &v))
				return false;
		}
		return true;
	}
	return false;
}

/* Does disjunct bi of b imply disjunct ai of a? */
static bool
ConjImplies(const RoutingExpr *b, int bi, const RoutingExpr *a, int ai)
{
	static AtomList lb,
				la;

	lb.n = la.n = 0;
	lb.overflow = la.overflow = false;
	CollectAtoms(&lb, b, bi);
	CollectAtoms(&la, a, ai);
	if (lb.overflow || la.overflow)
		return false;
	if (!ListSatisfiable(&lb))
		return true;
	for (int i = 0; i < la.n; i++)
		if (!Entails(&lb, &la.atoms[i]))
			return false;
	return true;
}

/* Is every referral that satisfies b sure to satisfy a? */
bool
RoutingImplies(const RoutingExpr *b, const RoutingExpr *a)
{
	const int32_t *da,
			   *db;
	int32_t		onea,
				oneb;
	int			na = Disjuncts(a, &da, &onea);
	int			nb = Disjuncts(b, &db, &oneb);

	for (int j = 0; j < nb; j++)
	{
		bool		some = false;

		for (int i = 0; i < na && !some; i++)
			some = ConjImplies(b, db[j], a, da[i]);
		if (!some)
			return false;
	}
	return true;
}

/* The text literals a condition compares attr with (up to max). */
int
RoutingTextValues(const RoutingExpr *e, int attr, const char **strs, int32_t *lens, int max)
{
	int			count = 0;

	if (attr < 0 || attr >= RA_COUNT || RoutingAttrType(attr) != RT_TEXT)
		return 0;
	for (int i = 0; i < e->nnodes; i++)
	{
		const RoutingNode *nd = &NODES(e)[i];

		if (nd->attr != attr || (nd->kind != RN_CMP && nd->kind != RN_IN && nd->kind != RN_BETWEEN))
			continue;
		for (int k = 0; k < nd->n; k++)
		{
			const RoutingValue *v = &VALUES(e)[nd->a + k];

			if (count < max)
			{
				strs[count] = STR(e) + v->off;
				lens[count] = v->len;
			}
			count++;
		}
	}
	return count;
}

/* ----------------------------------------------------------------
 * Indexed rule set
 * ---------------------------------------------------------------- */

typedef struct SetKey
{
	uint64_t	hash;
	int32_t		attr;			/* -1: empty slot */
	int32_t		bitmap;
	const char *s;
	int32_t		len;
	double		num;
} SetKey;

struct RoutingSet
{
	int			nrules;
	int			nwords;
	RoutingSetRule *rules;
	uint64_t   *unanchored;
	uint64_t   *bitmaps;
	int			nbitmaps;
	SetKey	   *table;
	uint32_t	tabmask;
	uint32_t	attrmask;
	uint32_t	textmask;		/* attributes of type text */
	uint64_t   *scratch;
	int			nanchored;
};

/* FNV-1a over an attribute and bytes. */
static uint64_t
HashBytes(int attr, const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t	h = 1469598103934665603ULL ^ (uint64_t) (attr + 1) * 1099511628211ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static uint64_t
HashNum(int attr, double num)
{
	if (num == 0)
		num = 0;				/* -0 and 0 are equal */
	return HashBytes(attr, &num, sizeof(num));
}

/* Find the slot of a key (existing or the empty slot where it belongs). */
static SetKey *
Probe(const RoutingSet *set, int attr, bool text, const char *s, int32_t len, double num, uint64_t h)
{
	uint32_t	i = (uint32_t) h & set->tabmask;

	for (;;)
	{
		SetKey	   *k = &set->table[i];

		if (k->attr < 0)
			return k;
		if (k->hash == h && k->attr == attr &&
			(text ? (k->len == len && memcmp(k->s, s, len) == 0) : k->num == num))
			return k;
		i = (i + 1) & set->tabmask;
	}
}

/* The anchor clause of a rule (an = or in on an attribute), or -1. */
static int
AnchorOf(const RoutingExpr *e)
{
	const RoutingNode *root = &NODES(e)[e->root];
	const int32_t *cand;
	int32_t		one = e->root;
	int			n = 1,
				best = -1,
				bestn = 0;

	cand = &one;
	if (root->kind == RN_AND)
	{
		cand = &KIDS(e)[root->a];
		n = root->n;
	}
	for (int k = 0; k < n; k++)
	{
		const RoutingNode *nd = &NODES(e)[cand[k]];

		if (nd->attr == RA_DISTANCE || nd->attr >= RA_COUNT || RoutingAttrType(nd->attr) == RT_BOOL)
			continue;
		if (!((nd->kind == RN_CMP && nd->op == RO_EQ) ||
			  (nd->kind == RN_IN && !(nd->flags & RNF_NEGATED))))
			continue;
		if (best < 0 || nd->n < bestn)
		{
			best = cand[k];
			bestn = nd->n;
		}
	}
	return best;
}

/* Free a rule set. */
void
RoutingSetFree(RoutingSet *set, const RoutingAllocator *mem)
{
	if (set == NULL || mem->free == NULL)
		return;
	mem->free(mem->ctx, set->rules);
	mem->free(mem->ctx, set->unanchored);
	mem->free(mem->ctx, set->bitmaps);
	mem->free(mem->ctx, set->table);
	mem->free(mem->ctx, set->scratch);
	mem->free(mem->ctx, set);
}

/*
 * Build the index of a rule set; rules are in priority order.  Returns
 * NULL when out of memory.
 */
RoutingSet *
RoutingSetBuild(const RoutingSetRule *rules, int nrules, const RoutingAllocator *mem)
{
	RoutingSet *set = mem->alloc(mem->ctx, sizeof(RoutingSet));
	size_t		nkeys = 0;
	uint32_t	tabsize = 16;

	if (set == NULL)
		return NULL;
	memset(set, 0, sizeof(*set));
	set->nrules = nrules;
	set->nwords = (nrules + 63) / 64;
	if (set->nwords == 0)
		set->nwords = 1;
	for (int r = 0; r < nrules; r++)
	{
		int			an = AnchorOf(rules[r].expr);

		if (an >= 0)
			nkeys += NODES(rules[r].expr)[an].n;
	}
	while (tabsize < 2 * nkeys + 2)
		tabsize *= 2;
	set->tabmask = tabsize - 1;
	set->rules = mem->alloc(mem->ctx, sizeof(RoutingSetRule) * (nrules ? nrules : 1));
	set->unanchored = mem->alloc(mem->ctx, sizeof(uint64_t) * set->nwords);
	set->scratch = mem->alloc(mem->ctx, sizeof(uint64_t) * set->nwords);
	set->bitmaps = mem->alloc(mem->ctx, sizeof(uint64_t) * set->nwords * (nkeys ? nkeys : 1));
	set->table = mem->alloc(mem->ctx, sizeof(SetKey) * tabsize);
	if (!set->rules || !set->unanchored || !set->scratch || !set->bitmaps || !set->table)
	{
		RoutingSetFree(set, mem);
		return NULL;
	}
	if (nrules)
		memcpy(set->rules, rules, sizeof(RoutingSetRule) * nrules);
	memset(set->unanchored, 0, sizeof(uint64_t) * set->nwords);
	memset(set->bitmaps, 0, sizeof(uint64_t) * set->nwords * (nkeys ? nkeys : 1));
	for (uint32_t i = 0; i < tabsize; i++)
		set->table[i].attr = -1;
	for (int a = 0; a < RA_COUNT; a++)
		if (RoutingAttrType(a) == RT_TEXT)
			set->textmask |= 1u << a;

	for (int r = 0; r < nrules; r++)
	{
		const RoutingExpr *e = rules[r].expr;
		int			an = AnchorOf(e);
		const RoutingNode *nd;

		if (an < 0)
		{
			set->unanchored[r / 64] |= UINT64_C(1) << (r % 64);
			continue;
		}
		set->nanchored++;
		nd = &NODES(e)[an];
		set->attrmask |= 1u << nd->attr;
		for (int k = 0; k < nd->n; k++)
		{
			const RoutingValue *v = &VALUES(e)[nd->a + k];
			bool		text = RoutingAttrType(nd->attr) == RT_TEXT;
			const char *s = text ? STR(e) + v->off : NULL;
			uint64_t	h = text ? HashBytes(nd->attr, s, v->len) : HashNum(nd->attr, v->num);
			SetKey	   *key = Probe(set, nd->attr, text, s, v->len, v->num, h);

			if (key->attr < 0)
			{
				key->attr = nd->attr;
				key->hash = h;
				key->s = s;
				key->len = v->len;
				key->num = v->num;
				key->bitmap = set->nbitmaps++;
			}
			set->bitmaps[(size_t) key->bitmap * set->nwords + r / 64] |= UINT64_C(1) << (r % 64);
		}
	}
	return set;
}

/* How many rules have an anchor. */
int
RoutingSetAnchored(const RoutingSet *set)
{
	return set->nanchored;
}

/* The id of rule i. */
int64_t
RoutingSetRuleId(const RoutingSet *set, int i)
{
	return set->rules[i].rule_id;
}

/*
 * The first rule in order that is valid at now and whose condition is
 * true for row, or -1.  *tested (if not NULL) counts the rules evaluated.
 * The candidates (rules without an anchor, and those whose anchor value
 * the row has) are gathered one 64-rule word at a time, so that a match
 * among the first rules ends the work early.
 */
int
RoutingSetMatch(const RoutingSet *set, const RoutingRow *row, int64_t now, int *tested)
{
	const uint64_t *maps[RA_COUNT];
	int			nmaps = 0;
	int			n = 0;

	for (int attr = 0; attr < RA_COUNT; attr++)
	{
		SetKey	   *key;
		bool		text;

		if (!(set->attrmask & (1u << attr)) || row->isnull[attr])
			continue;
		text = (set->textmask & (1u << attr)) != 0;
		key = Probe(set, attr, text, row->str[attr], row->len[attr], row->num[attr],
					text ? HashBytes(attr, row->str[attr], row->len[attr]) :
					HashNum(attr, row->num[attr]));
		if (key->attr < 0)
			continue;
		maps[nmaps++] = &set->bitmaps[(size_t) key->bitmap * set->nwords];
	}
	for (int w = 0; w < set->nwords; w++)
	{
		uint64_t	bits = set->unanchored[w];

		for (int k = 0; k < nmaps; k++)
			bits |= maps[k][w];
		while (bits)
		{
			int			r = w * 64 + __builtin_ctzll(bits);
			const RoutingSetRule *rule = &set->rules[r];

			bits &= bits - 1;
			if ((rule->has_from && now < rule->valid_from) ||
				(rule->has_to && now >= rule->valid_to))
				continue;
			n++;
			if (RoutingEval(rule->expr, row) == 1)
			{
				if (tested)
					*tested = n;
				return r;
			}
		}
	}
	if (tested)
		*tested = n;
	return -1;
}
