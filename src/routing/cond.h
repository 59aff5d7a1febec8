/*-------------------------------------------------------------------------
 *
 * cond.h
 *	  The routing condition language: a small boolean expression language
 *	  over referral attributes.  A condition is parsed and type-checked
 *	  once, when it is written, into a compiled form (one flat,
 *	  position-independent block that is also the on-disk varlena of the
 *	  SQL type referral_crm.routing_condition), printed back in canonical
 *	  form, evaluated against a row of attributes with SQL's three-valued
 *	  logic, and analysed by routing_lint (implication, overlap,
 *	  satisfiability).  A rule set indexes many conditions on their
 *	  discriminating attributes so that most rules are never tested.
 *
 *	  Plain C: no server headers.  Callers pass an allocator.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_ROUTING_COND_H
#define REFERRAL_CRM_ROUTING_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Documented limits. */
#define ROUTING_MAX_LENGTH	8192	/* bytes of condition text */
#define ROUTING_MAX_DEPTH	32		/* nesting of parentheses and "not" */
#define ROUTING_MAX_LIST	1000	/* values in one in (...) list */
#define ROUTING_VERSION		1

/* Attributes of a referral that conditions can test. */
typedef enum RoutingAttr
{
	RA_SPECIALTY,
	RA_PRIORITY,
	RA_PAYER,
	RA_PAYER_CLASS,
	RA_PLAN,
	RA_IN_NETWORK,
	RA_PATIENT_AGE,
	RA_PATIENT_ZIP,
	RA_LANGUAGE,
	RA_REFERRING_NPI,
	RA_REFERRING_ORG,
	RA_TARGET_LOCATION,
	RA_CHANNEL,
	RA_HOUR,
	RA_WEEKDAY,
	RA_CONVERSION_SCORE,
	RA_COUNT,
	RA_DISTANCE = RA_COUNT		/* distance_km(...): computed */
} RoutingAttr;

/* Types of attributes. */
typedef enum RoutingType
{
	RT_TEXT,
	RT_NUMBER,
	RT_BOOL,
	RT_PRIORITY,				/* routine < urgent < asap < stat */
	RT_WEEKDAY					/* mon < tue < ... < sun */
} RoutingType;

/* Node kinds of the compiled tree. */
typedef enum RoutingNodeKind
{
	RN_AND,
	RN_OR,
	RN_NOT,
	RN_CMP,						/* attr op value */
	RN_IN,						/* attr [not] in (values) */
	RN_BETWEEN,					/* attr [not] between v1 and v2 */
	RN_LIKE,					/* attr [not] like pattern */
	RN_ISNULL,					/* attr is [not] null */
	RN_BOOLATTR,				/* a boolean attribute on its own */
	RN_CONST					/* true or false */
} RoutingNodeKind;

typedef enum RoutingOp
{
	RO_EQ, RO_NE, RO_LT, RO_LE, RO_GT, RO_GE
} RoutingOp;

#define RNF_NEGATED 1			/* not in, not between, not like, is not null */

/* One node; children of AND/OR/NOT precede their parent (post-order). */
typedef struct RoutingNode
{
	uint8_t		kind;
	uint8_t		attr;
	uint8_t		op;
	uint8_t		flags;
	int32_t		a;				/* AND/OR/NOT: first kid; others: first value */
	int32_t		n;				/* number of kids or values */
	int32_t		arg;			/* distance_km: value index of (lat, lon), or
								 * -1 for the target location */
} RoutingNode;

/* One literal: a number (or enum rank, or boolean 0/1) or a string. */
typedef struct RoutingValue
{
	double		num;
	int32_t		off;			/* into the string pool, -1 for numbers */
	int32_t		len;
} RoutingValue;

/*
 * The compiled condition.  The first four bytes are the varlena header,
 * owned by the SQL layer; the arrays follow the header in this order:
 * nodes, kids (int32, padded to 8), values, string pool.
 */
typedef struct RoutingExpr
{
	int32_t		vl_len_;
	uint16_t	version;
	uint16_t	flags;
	int32_t		nnodes;
	int32_t		nkids;
	int32_t		nvalues;
	int32_t		nstr;
	int32_t		root;
	int32_t		pad;
} RoutingExpr;

/* A referral's attributes, as the evaluator sees them. */
typedef struct RoutingRow
{
	bool		isnull[RA_COUNT];
	double		num[RA_COUNT];	/* numbers, enum ranks, booleans */
	const char *str[RA_COUNT];	/* text attributes */
	int32_t		len[RA_COUNT];
	bool		has_patient_coord;
	bool		has_location_coord;
	double		patient_lat,
				patient_lon,
				location_lat,
				location_lon;
} RoutingRow;

/* Error kinds, mapped to SQLSTATEs by the SQL layer. */
typedef enum RoutingErrorKind
{
	RE_NONE,
	RE_SYNTAX,					/* 42601 */
	RE_UNKNOWN_ATTRIBUTE,		/* 42703 */
	RE_TYPE_MISMATCH,			/* 42804 */
	RE_BAD_VALUE,				/* 22023: unknown priority word, bad NPI ... */
	RE_TOO_DEEP,				/* 54001 */
	RE_TOO_LONG,				/* 54000 */
	RE_CORRUPT					/* XX001: a stored value fails validation */
} RoutingErrorKind;

typedef struct RoutingError
{
	RoutingErrorKind kind;
	int			position;		/* 1-based character position, 0 if none */
	char		message[256];
	char		detail[512];
	char		hint[256];
} RoutingError;

/* Memory: alloc returns NULL on failure; free may be NULL (arena). */
typedef struct RoutingAllocator
{
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*free) (void *ctx, void *ptr);
	void	   *ctx;
} RoutingAllocator;

/* Attribute catalogue. */
extern int	RoutingAttrLookup(const char *name, size_t len);
extern const char *RoutingAttrName(int attr);
extern RoutingType RoutingAttrType(int attr);
extern const char *RoutingTypeName(RoutingType t);

/* Parse, print, validate. */
extern RoutingExpr *RoutingParse(const char *src, size_t len,
								 const RoutingAllocator *mem, RoutingError *err);
extern size_t RoutingExprSize(const RoutingExpr *e);
extern bool RoutingExprValidate(const RoutingExpr *e, size_t size, RoutingError *err);

/* Printers: write at most cap bytes (NUL-terminated), return needed length. */
#define ROUTING_PRINT_CANONICAL 0
#define ROUTING_PRINT_SQL		1
extern size_t RoutingPrint(const RoutingExpr *e, int mode, const char *prefix,
						   char *buf, size_t cap);
extern size_t RoutingPrintNode(const RoutingExpr *e, int node, int mode,
							   const char *prefix, char *buf, size_t cap);

/* Evaluation: 1 true, 0 false, -1 unknown. */
extern int	RoutingEval(const RoutingExpr *e, const RoutingRow *row);
extern void RoutingRowInit(RoutingRow *row);
extern double RoutingDistanceKm(double lat1, double lon1, double lat2, double lon2);
extern int	RoutingRankWord(RoutingType t, const char *s, size_t len);
extern const char *RoutingRankName(RoutingType t, int rank);

/*
 * Explain: returns the evaluation result; when it is not 1, writes the
 * first failing top-level clause in canonical form, with the reason a
 * missing attribute made it unknown.
 */
extern int	RoutingExplain(const RoutingExpr *e, const RoutingRow *row,
						   char *buf, size_t cap);

/* Analysis for lint. */
extern bool RoutingImplies(const RoutingExpr *b, const RoutingExpr *a);
extern bool RoutingMayOverlap(const RoutingExpr *a, const RoutingExpr *b);
extern bool RoutingSatisfiable(const RoutingExpr *e);
extern int	RoutingTextValues(const RoutingExpr *e, int attr,
							  const char **strs, int32_t *lens, int max);

/* A rule set indexed on discriminating attributes. */
typedef struct RoutingSet RoutingSet;
typedef struct RoutingSetRule
{
	int64_t		rule_id;
	const RoutingExpr *expr;	/* must outlive the set */
	bool		has_from,
				has_to;
	int64_t		valid_from,		/* any monotonic time unit */
				valid_to;		/* exclusive */
} RoutingSetRule;

extern RoutingSet *RoutingSetBuild(const RoutingSetRule *rules, int nrules,
								   const RoutingAllocator *mem);
extern void RoutingSetFree(RoutingSet *set, const RoutingAllocator *mem);

/* Index of the first matching rule in order, or -1. */
extern int	RoutingSetMatch(const RoutingSet *set, const RoutingRow *row,
							int64_t now, int *tested);
extern int	RoutingSetAnchored(const RoutingSet *set);
extern int64_t RoutingSetRuleId(const RoutingSet *set, int i);

#endif							/* REFERRAL_CRM_ROUTING_COND_H */
