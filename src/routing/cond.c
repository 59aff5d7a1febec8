/*-------------------------------------------------------------------------
 *
 * cond.c
 *	  The routing condition language: lexer, recursive-descent parser with
 *	  type checking, the compiled form, canonical and SQL printers, the
 *	  three-valued evaluator and explain.  See cond.h.
 *
 *	  Grammar (keywords case-insensitive):
 *
 *		cond	  := conj ("or" conj)*
 *		conj	  := unary ("and" unary)*
 *		unary	  := "not" unary | "(" cond ")" | "true" | "false" | pred
 *		pred	  := operand op literal
 *				   | operand ["not"] "in" "(" literal ("," literal)* ")"
 *				   | operand ["not"] "between" literal "and" literal
 *				   | attribute ["not"] "like" string
 *				   | operand "is" ["not"] "null"
 *				   | boolean-attribute
 *		operand   := attribute | "distance_km" "(" ("location" | number "," number) ")"
 *		op		  := "=" | "<>" | "!=" | "<" | "<=" | ">" | ">="
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routing/cond.h"
#include "routing/cond_internal.h"
#include "model/codes.h"
#include "model/npi.h"

/* ----------------------------------------------------------------
 * Attribute catalogue
 * ---------------------------------------------------------------- */

typedef struct AttrDef
{
	const char *name;
	RoutingType type;
	const char *code_kind;		/* value set the literals must belong to */
} AttrDef;

static const AttrDef attr_defs[RA_COUNT] = {
	[RA_SPECIALTY] = {"specialty", RT_TEXT, NULL},
	[RA_PRIORITY] = {"priority", RT_PRIORITY, NULL},
	[RA_PAYER] = {"payer", RT_TEXT, NULL},
	[RA_PAYER_CLASS] = {"payer_class", RT_TEXT, "payer_class"},
	[RA_PLAN] = {"plan", RT_TEXT, NULL},
	[RA_IN_NETWORK] = {"in_network", RT_BOOL, NULL},
	[RA_PATIENT_AGE] = {"patient_age", RT_NUMBER, NULL},
	[RA_PATIENT_ZIP] = {"patient_zip", RT_TEXT, NULL},
	[RA_LANGUAGE] = {"language", RT_TEXT, NULL},
	[RA_REFERRING_NPI] = {"referring_npi", RT_TEXT, NULL},
	[RA_REFERRING_ORG] = {"referring_org", RT_NUMBER, NULL},
	[RA_TARGET_LOCATION] = {"target_location", RT_NUMBER, NULL},
	[RA_CHANNEL] = {"channel", RT_TEXT, "referral_channel"},
	[RA_HOUR] = {"hour", RT_NUMBER, NULL},
	[RA_WEEKDAY] = {"weekday", RT_WEEKDAY, NULL},
	[RA_CONVERSION_SCORE] = {"conversion_score", RT_NUMBER, NULL},
};

static const char *const priority_words[] = {"routine", "urgent", "asap", "stat"};
static const char *const weekday_words[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const weekday_long[] = {"monday", "tuesday", "wednesday", "thursday",
"friday", "saturday", "sunday"};

/* Case-insensitive comparison of a counted string with a lower-case word. */
static bool
WordEq(const char *s, size_t len, const char *word)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (word[i] == '\0' || word[i] != c)
			return false;
	}
	return word[len] == '\0';
}

/* Attribute number of a name, or -1. */
int
RoutingAttrLookup(const char *name, size_t len)
{
	int			i;

	for (i = 0; i < RA_COUNT; i++)
		if (WordEq(name, len, attr_defs[i].name))
			return i;
	return -1;
}

/* Name of an attribute. */
const char *
RoutingAttrName(int attr)
{
	if (attr == RA_DISTANCE)
		return "distance_km";
	return (attr >= 0 && attr < RA_COUNT) ? attr_defs[attr].name : "?";
}

/* Type of an attribute (distance_km is a number). */
RoutingType
RoutingAttrType(int attr)
{
	if (attr >= 0 && attr < RA_COUNT)
		return attr_defs[attr].type;
	return RT_NUMBER;
}

/* Name of a type, for messages. */
const char *
RoutingTypeName(RoutingType t)
{
	switch (t)
	{
		case RT_TEXT:
			return "text";
		case RT_NUMBER:
			return "a number";
		case RT_BOOL:
			return "a boolean";
		case RT_PRIORITY:
			return "a priority";
		case RT_WEEKDAY:
			return "a weekday";
	}
	return "?";
}

/* Rank of an enum word (routine=0 ... stat=3; mon=0 ... sun=6), or -1. */
int
RoutingRankWord(RoutingType t, const char *s, size_t len)
{
	int			i;

	if (t == RT_PRIORITY)
	{
		for (i = 0; i < 4; i++)
			if (len == strlen(priority_words[i]) && memcmp(s, priority_words[i], len) == 0)
				return i;
	}
	else if (t == RT_WEEKDAY)
	{
		for (i = 0; i < 7; i++)
			if (WordEq(s, len, weekday_words[i]) || WordEq(s, len, weekday_long[i]))
				return i;
	}
	return -1;
}

/* Canonical word of an enum rank. */
const char *
RoutingRankName(RoutingType t, int rank)
{
	if (t == RT_PRIORITY && rank >= 0 && rank < 4)
		return priority_words[rank];
	if (t == RT_WEEKDAY && rank >= 0 && rank < 7)
		return weekday_words[rank];
	return "?";
}

/* Number of values of an enum type, 0 for others (2 for booleans). */
static int
DomainSize(RoutingType t)
{
	return t == RT_PRIORITY ? 4 : t == RT_WEEKDAY ? 7 : t == RT_BOOL ? 2 : 0;
}

/* ----------------------------------------------------------------
 * Compiled-form layout
 * ---------------------------------------------------------------- */

/* Total size of a compiled condition, header included. */
size_t
RoutingExprSize(const RoutingExpr *e)
{
	return OffStr(e) + (size_t) e->nstr;
}

/* ----------------------------------------------------------------
 * Lexer
 * ---------------------------------------------------------------- */

typedef enum TokType
{
	TK_END, TK_IDENT, TK_STRING, TK_NUMBER, TK_LPAREN, TK_RPAREN, TK_COMMA,
	TK_OP, TK_MINUS, TK_BAD, TK_UNTERMINATED
} TokType;

typedef struct Token
{
	TokType		type;
	int			op;				/* TK_OP: a RoutingOp */
	size_t		start;			/* byte offset */
	size_t		len;
} Token;

typedef struct Parser
{
	const char *src;
	size_t		len;
	size_t		pos;
	Token		tok;
	int			depth;
	RoutingError *err;
	const RoutingAllocator *mem;
	/* growing arrays, sized for the worst case up front */
	RoutingNode *nodes;
	int			nnodes;
	int32_t    *kids;
	int			nkids;
	RoutingValue *values;
	int			nvalues;
	char	   *str;
	int			nstr;
	int32_t    *stack;
	int			nstack;
	int			cap;			/* capacity of nodes, values, stack */
	int			kidcap;			/* capacity of kids (flattening copies) */
} Parser;

/* Advance to the next token. */
static void
Lex(Parser *p)
{
	const char *s = p->src;
	size_t		i = p->pos;

	while (i < p->len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f'))
		i++;
	p->tok.start = i;
	p->tok.op = 0;
	if (i >= p->len)
	{
		p->tok.type = TK_END;
		p->tok.len = 0;
		p->pos = i;
		return;
	}
	if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_' ||
		((unsigned char) s[i]) >= 0x80)
	{
		size_t		j = i + 1;

		/* letters beyond ASCII belong to the word, so that it is reported whole */
		while (j < p->len && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
							  (s[j] >= '0' && s[j] <= '9') || s[j] == '_' ||
							  ((unsigned char) s[j]) >= 0x80))
			j++;
		p->tok.type = TK_IDENT;
		p->tok.len = j - i;
		p->pos = j;
		return;
	}
	if (s[i] >= '0' && s[i] <= '9')
	{
		size_t		j = i + 1;

		while (j < p->len && s[j] >= '0' && s[j] <= '9')
			j++;
		if (j + 1 < p->len && s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9')
		{
			j += 2;
			while (j < p->len && s[j] >= '0' && s[j] <= '9')
				j++;
		}
		/* a number glued to letters ("12abc") is one bad token */
		if (j < p->len && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
						   s[j] == '_' || s[j] == '.'))
		{
			while (j < p->len && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
								  (s[j] >= '0' && s[j] <= '9') || s[j] == '_' || s[j] == '.'))
				j++;
			p->tok.type = TK_BAD;
		}
		else
			p->tok.type = TK_NUMBER;
		p->tok.len = j - i;
		p->pos = j;
		return;
	}
	if (s[i] == '\'')
	{
		size_t		j = i + 1;

		for (;;)
		{
			if (j >= p->len)
			{
				p->tok.type = TK_UNTERMINATED;
				p->tok.len = p->len - i;
				p->pos = p->len;
				return;
			}
			if (s[j] == '\'')
			{
				if (j + 1 < p->len && s[j + 1] == '\'')
				{
					j += 2;
					continue;
				}
				break;
			}
			j++;
		}
		p->tok.type = TK_STRING;
		p->tok.len = j + 1 - i;
		p->pos = j + 1;
		return;
	}
	p->tok.len = 1;
	switch (s[i])
	{
		case '(':
			p->tok.type = TK_LPAREN;
			break;
		case ')':
			p->tok.type = TK_RPAREN;
			break;
		case ',':
			p->tok.type = TK_COMMA;
			break;
		case '-':
			p->tok.type = TK_MINUS;
			break;
		case '=':
			p->tok.type = TK_OP;
			p->tok.op = RO_EQ;
			break;
		case '<':
			p->tok.type = TK_OP;
			p->tok.op = RO_LT;
			if (i + 1 < p->len && s[i + 1] == '=')
				p->tok.op = RO_LE, p->tok.len = 2;
			else if (i + 1 < p->len && s[i + 1] == '>')
				p->tok.op = RO_NE, p->tok.len = 2;
			break;
		case '>':
			p->tok.type = TK_OP;
			p->tok.op = RO_GT;
			if (i + 1 < p->len && s[i + 1] == '=')
				p->tok.op = RO_GE, p->tok.len = 2;
			break;
		case '!':
			if (i + 1 < p->len && s[i + 1] == '=')
			{
				p->tok.type = TK_OP;
				p->tok.op = RO_NE;
				p->tok.len = 2;
			}
			else
				p->tok.type = TK_BAD;
			break;
		default:
			p->tok.type = TK_BAD;
			/* one whole UTF-8 character */
			if (((unsigned char) s[i]) >= 0xC0)
				while (i + p->tok.len < p->len && p->tok.len < 4 &&
					   (((unsigned char) s[i + p->tok.len]) & 0xC0) == 0x80)
					p->tok.len++;
			break;
	}
	p->pos = i + p->tok.len;
}

/* Is the current token this keyword? */
static bool
IsKw(Parser *p, const char *kw)
{
	return p->tok.type == TK_IDENT && WordEq(p->src + p->tok.start, p->tok.len, kw);
}

/* 1-based character position of a byte offset. */
static int
CharPos(const char *s, size_t off)
{
	size_t		i;
	int			n = 1;

	for (i = 0; i < off; i++)
		if ((((unsigned char) s[i]) & 0xC0) != 0x80)
			n++;
	return n;
}

/* Record an error (the first one wins); always returns false. */
static bool
Fail(Parser *p, RoutingErrorKind kind, size_t off, const char *msg,
	 const char *detail, const char *hint)
{
	RoutingError *e = p->err;

	if (e->kind != RE_NONE)
		return false;
	e->kind = kind;
	e->position = CharPos(p->src, off);
	snprintf(e->message, sizeof(e->message), "%s", msg);
	snprintf(e->detail, sizeof(e->detail), "%s", detail ? detail : "");
	snprintf(e->hint, sizeof(e->hint), "%s", hint ? hint : "");
	return false;
}

/* The current token as text for a message, shortened on a character boundary. */
static void
TokText(Parser *p, char *buf, size_t cap)
{
	size_t		n = p->tok.len;

	if (n > 40)
	{
		n = 40;
		while (n > 0 && (((unsigned char) p->src[p->tok.start + n]) & 0xC0) == 0x80)
			n--;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, p->src + p->tok.start, n);
	buf[n] = '\0';
	/* no NULs or control characters in messages */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char) buf[i] < 0x20)
			buf[i] = '?';
}

/* A literal's value for a message: shortened, control characters replaced. */
static void
ValueText(const char *s, size_t n, char *buf, size_t cap)
{
	if (n > 40)
	{
		n = 40;
		while (n > 0 && (((unsigned char) s[n]) & 0xC0) == 0x80)
			n--;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char) buf[i] < 0x20)
			buf[i] = '?';
}

/* A syntax error at the current token: "expected" says what would fit. */
static bool
SyntaxError(Parser *p, const char *expected)
{
	char		msg[128];
	char		detail[256];
	char		tok[48];

	if (p->tok.type == TK_END)
		snprintf(msg, sizeof(msg), "syntax error at end of input");
	else if (p->tok.type == TK_UNTERMINATED)
		snprintf(msg, sizeof(msg), "unterminated quoted string");
	else
	{
		TokText(p, tok, sizeof(tok));
		snprintf(msg, sizeof(msg), "syntax error at or near \"%s\"", tok);
	}
	snprintf(detail, sizeof(detail), "Expected %s at character %d.", expected,
			 CharPos(p->src, p->tok.start));
	return Fail(p, RE_SYNTAX, p->tok.start, msg, detail, NULL);
}

/* Append a node; returns its index. */
static int
AddNode(Parser *p, int kind, int attr, int op, int flags, int a, int n, int arg)
{
	RoutingNode *nd;

	if (p->nnodes >= p->cap)
		return -1;				/* cannot happen: capacity is the token bound */
	nd = &p->nodes[p->nnodes];
	nd->kind = (uint8_t) kind;
	nd->attr = (uint8_t) attr;
	nd->op = (uint8_t) op;
	nd->flags = (uint8_t) flags;
	nd->a = a;
	nd->n = n;
	nd->arg = arg;
	return p->nnodes++;
}

/* Append bytes to the string pool; returns the offset. */
static int
AddStr(Parser *p, const char *s, size_t len)
{
	int			off = p->nstr;

	memcpy(p->str + p->nstr, s, len);
	p->nstr += (int) len;
	return off;
}

/* Normalise a number token ("007.50" -> "7.5") into the pool; parses it. */
static int
AddNumber(Parser *p, bool negative, RoutingValue *v)
{
	const char *s = p->src + p->tok.start;
	size_t		len = p->tok.len;
	size_t		intstart = 0,
				dot = len,
				end = len;
	char		tmp[80];
	size_t		n = 0;

	if (len > 40)
	{
		Fail(p, RE_BAD_VALUE, p->tok.start, "number too long",
			 "A number may have at most 40 characters.", NULL);
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] == '.')
			dot = i;
	while (intstart + 1 < dot && s[intstart] == '0')
		intstart++;
	if (dot < len)
	{
		while (end > dot + 1 && s[end - 1] == '0')
			end--;
		if (end == dot + 1)
			end = dot;			/* "1.0" -> "1" */
	}
	if (negative && !(dot - intstart == 1 && s[intstart] == '0' && end == dot))
		tmp[n++] = '-';
	memcpy(tmp + n, s + intstart, end - intstart);
	n += end - intstart;
	tmp[n] = '\0';
	v->num = strtod(tmp, NULL);
	v->off = AddStr(p, tmp, n);
	v->len = (int32_t) n;
	return 0;
}

static int	ParseOr(Parser *p);

/* Message helper: "priority is a priority; 5 is a number". */
static bool
TypeError(Parser *p, int attr, const char *what, const char *hint)
{
	char		msg[200];
	char		tok[48];

	TokText(p, tok, sizeof(tok));
	snprintf(msg, sizeof(msg), "type mismatch: %s is %s, but %s is %s",
			 RoutingAttrName(attr), RoutingTypeName(RoutingAttrType(attr)), tok, what);
	{
		char		detail[96];

		snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
		return Fail(p, RE_TYPE_MISMATCH, p->tok.start, msg, detail, hint);
	}
}

/* A literal fitting attribute attr; appended to values.  Returns 0 or -1. */
static int
ParseLiteral(Parser *p, int attr, bool for_like)
{
	RoutingType t = RoutingAttrType(attr);
	RoutingValue v;
	char		detail[200];

	v.num = 0;
	v.off = -1;
	v.len = 0;
	if (p->tok.type == TK_STRING)
	{
		const char *s = p->src + p->tok.start + 1;
		size_t		rawlen = p->tok.len - 2;
		size_t		start = p->nstr;

		/* unescape '' into the pool */
		for (size_t i = 0; i < rawlen; i++)
		{
			p->str[p->nstr++] = s[i];
			if (s[i] == '\'')
				i++;
		}
		v.off = (int32_t) start;
		v.len = (int32_t) (p->nstr - start);
		if (t == RT_PRIORITY || t == RT_WEEKDAY)
		{
			int			r = RoutingRankWord(t, p->str + v.off, v.len);
			char		msg[160];
			char		tok[48];

			if (r < 0)
			{
				ValueText(p->str + v.off, v.len, tok, sizeof(tok));
				snprintf(msg, sizeof(msg), "unknown %s \"%s\"",
						 t == RT_PRIORITY ? "priority" : "weekday", tok);
				snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
				Fail(p, RE_BAD_VALUE, p->tok.start, msg, detail,
					 t == RT_PRIORITY ? "Priorities, lowest first: routine, urgent, asap, stat." :
					 "Weekdays: mon, tue, wed, thu, fri, sat, sun (or the full names).");
				return -1;
			}
			p->nstr = (int) start;	/* the rank is enough */
			v.off = -1;
			v.len = 0;
			v.num = r;
		}
		else if (t != RT_TEXT)
		{
			TypeError(p, attr, "text",
					  t == RT_NUMBER ? "Write the number without quotes." :
					  "Write true or false without quotes.");
			return -1;
		}
		else if (!for_like)
		{
			const char *kindname = attr < RA_COUNT ? attr_defs[attr].code_kind : NULL;

			if (kindname)
			{
				const CodeKind *kind = CodeKindLookup(kindname);

				if (kind && !CodeIsValid(kind, p->str + v.off, v.len))
				{
					char		msg[160];
					char		hint[256];
					char		tok[48];
					size_t		hn = 0;

					ValueText(p->str + v.off, v.len, tok, sizeof(tok));
					snprintf(msg, sizeof(msg), "unknown %s \"%s\"", kind->label, tok);
					hn = snprintf(hint, sizeof(hint), "Known values:");
					for (int i = 0; i < kind->nvalues && hn < sizeof(hint) - 40; i++)
						hn += snprintf(hint + hn, sizeof(hint) - hn, "%s %s", i ? "," : "",
									   kind->values[i].code);
					snprintf(hint + hn, sizeof(hint) - hn, ".");
					snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
					Fail(p, RE_BAD_VALUE, p->tok.start, msg, detail, hint);
					return -1;
				}
			}
			if (attr == RA_REFERRING_NPI && NpiValidate(p->str + v.off, v.len, NULL) != NPI_OK)
			{
				char		msg[160];
				char		tok[48];

				ValueText(p->str + v.off, v.len, tok, sizeof(tok));
				snprintf(msg, sizeof(msg), "invalid NPI \"%s\"", tok);
				snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
				Fail(p, RE_BAD_VALUE, p->tok.start, msg, detail,
					 "An NPI has ten digits, starts with 1 or 2 and ends with a Luhn check digit.");
				return -1;
			}
		}
		else
		{
			/* a LIKE pattern must not end with the escape character */
			size_t		i = 0;

			while (i < (size_t) v.len)
			{
				if (p->str[v.off + i] == '\\')
				{
					if (i + 1 >= (size_t) v.len)
					{
						snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
						Fail(p, RE_BAD_VALUE, p->tok.start,
							 "like pattern must not end with escape character", detail,
							 "Write \\\\ for a literal backslash.");
						return -1;
					}
					i += 2;
				}
				else
					i++;
			}
		}
	}
	else if (p->tok.type == TK_NUMBER || p->tok.type == TK_MINUS)
	{
		bool		neg = false;
		size_t		start = p->tok.start;

		if (p->tok.type == TK_MINUS)
		{
			Lex(p);
			if (p->tok.type != TK_NUMBER)
			{
				SyntaxError(p, "a number after \"-\"");
				return -1;
			}
			neg = true;
		}
		if (t != RT_NUMBER)
		{
			p->tok.start = start;
			TypeError(p, attr, "a number",
					  t == RT_PRIORITY ? "Write a priority word in quotes, for example priority >= 'urgent'." :
					  t == RT_WEEKDAY ? "Write a weekday in quotes, for example weekday in ('sat', 'sun')." :
					  t == RT_BOOL ? "Write true or false." :
					  "Write text in single quotes, for example patient_zip = '04101'.");
			return -1;
		}
		if (AddNumber(p, neg, &v) < 0)
			return -1;
	}
	else if (IsKw(p, "true") || IsKw(p, "false"))
	{
		if (t != RT_BOOL)
		{
			TypeError(p, attr, "a boolean", NULL);
			return -1;
		}
		v.num = IsKw(p, "true") ? 1 : 0;
	}
	else if (IsKw(p, "null"))
	{
		snprintf(detail, sizeof(detail), "A comparison with null is never true (at character %d).",
				 CharPos(p->src, p->tok.start));
		Fail(p, RE_SYNTAX, p->tok.start, "syntax error at or near \"null\"", detail,
			 "Use \"is null\" or \"is not null\" to test for a missing value.");
		return -1;
	}
	else
	{
		SyntaxError(p, for_like ? "a quoted pattern" : "a value");
		return -1;
	}
	p->values[p->nvalues++] = v;
	Lex(p);
	return 0;
}

/* Push a child index for an AND/OR list, flattening same-kind children. */
static void
PushKid(Parser *p, int kind, int child)
{
	const RoutingNode *c = &p->nodes[child];

	if (c->kind == kind)
	{
		for (int i = 0; i < c->n; i++)
			p->stack[p->nstack++] = p->kids[c->a + i];
	}
	else
		p->stack[p->nstack++] = child;
}

/* Close an AND/OR list that started at stack position base. */
static int
CloseList(Parser *p, int kind, int base, int first)
{
	int			n = p->nstack - base;
	int			a = p->nkids;

	if (n == 1)
	{
		p->nstack = base;
		return first;
	}
	if (p->nkids + n > p->kidcap)
	{
		Fail(p, RE_TOO_LONG, p->tok.start, "routing condition is too complex", NULL, NULL);
		return -1;
	}
	memcpy(p->kids + p->nkids, p->stack + base, n * sizeof(int32_t));
	p->nkids += n;
	p->nstack = base;
	return AddNode(p, kind, 0, 0, 0, a, n, -1);
}

/* Enter one level of nesting (parenthesis or "not"). */
static bool
Deeper(Parser *p)
{
	if (++p->depth > ROUTING_MAX_DEPTH)
	{
		char		detail[160];

		snprintf(detail, sizeof(detail), "Nesting is limited to %d levels of parentheses and \"not\"; the limit is reached at character %d.",
				 ROUTING_MAX_DEPTH, CharPos(p->src, p->tok.start));
		return Fail(p, RE_TOO_DEEP, p->tok.start, "routing condition is nested too deeply",
					detail, "Write the condition with fewer nested parentheses.");
	}
	return true;
}

/* operand and predicate */
static int
ParsePredicate(Parser *p)
{
	int			attr;
	int			arg = -1;
	size_t		attrpos = p->tok.start;
	RoutingType t;
	int			negated = 0;
	int			a;

	if (p->tok.type != TK_IDENT)
	{
		SyntaxError(p, "an attribute, \"not\", \"(\", true or false");
		return -1;
	}
	if (IsKw(p, "distance_km"))
	{
		attr = RA_DISTANCE;
		Lex(p);
		if (p->tok.type != TK_LPAREN)
			return SyntaxError(p, "\"(\" after distance_km"), -1;
		Lex(p);
		if (IsKw(p, "location"))
			Lex(p);
		else
		{
			RoutingValue v[2];

			for (int k = 0; k < 2; k++)
			{
				bool		neg = false;
				size_t		vpos = p->tok.start;

				if (p->tok.type == TK_MINUS)
				{
					neg = true;
					Lex(p);
				}
				if (p->tok.type != TK_NUMBER)
					return SyntaxError(p, k == 0 ? "location or a latitude" : "a longitude"), -1;
				if (AddNumber(p, neg, &v[k]) < 0)
					return -1;
				if (fabs(v[k].num) > (k == 0 ? 90 : 180))
				{
					char		detail[120];

					snprintf(detail, sizeof(detail), "A %s lies between -%d and %d (at character %d).",
							 k == 0 ? "latitude" : "longitude", k == 0 ? 90 : 180, k == 0 ? 90 : 180,
							 CharPos(p->src, vpos));
					Fail(p, RE_BAD_VALUE, vpos, k == 0 ? "latitude out of range" : "longitude out of range",
						 detail, NULL);
					return -1;
				}
				Lex(p);
				if (k == 0)
				{
					if (p->tok.type != TK_COMMA)
						return SyntaxError(p, "\",\" between latitude and longitude"), -1;
					Lex(p);
				}
			}
			arg = p->nvalues;
			p->values[p->nvalues++] = v[0];
			p->values[p->nvalues++] = v[1];
		}
		if (p->tok.type != TK_RPAREN)
			return SyntaxError(p, "\")\""), -1;
		Lex(p);
	}
	else
	{
		attr = RoutingAttrLookup(p->src + p->tok.start, p->tok.len);
		if (attr < 0)
		{
			char		msg[160];
			char		detail[96];
			char		hint[256];
			char		tok[48];
			size_t		hn;

			if (IsKw(p, "and") || IsKw(p, "or") || IsKw(p, "in") || IsKw(p, "between") ||
				IsKw(p, "like") || IsKw(p, "is") || IsKw(p, "null"))
				return SyntaxError(p, "an attribute, \"not\", \"(\", true or false"), -1;
			TokText(p, tok, sizeof(tok));
			snprintf(msg, sizeof(msg), "unknown attribute \"%s\"", tok);
			snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
			hn = snprintf(hint, sizeof(hint), "Known attributes:");
			for (int i = 0; i < RA_COUNT; i++)
				hn += snprintf(hint + hn, sizeof(hint) - hn, "%s %s", i ? "," : "", attr_defs[i].name);
			snprintf(hint + hn, sizeof(hint) - hn, " and distance_km(location).");
			Fail(p, RE_UNKNOWN_ATTRIBUTE, p->tok.start, msg, detail, hint);
			return -1;
		}
		Lex(p);
	}
	t = RoutingAttrType(attr);

	if (p->tok.type == TK_OP)
	{
		int			op = p->tok.op;

		if (t == RT_BOOL && op != RO_EQ && op != RO_NE)
		{
			char		detail[96];

			snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
			Fail(p, RE_TYPE_MISMATCH, p->tok.start, "type mismatch: a boolean has no order",
				 detail, "Use =, <> or is null with in_network.");
			return -1;
		}
		Lex(p);
		a = p->nvalues;
		if (ParseLiteral(p, attr, false) < 0)
			return -1;
		return AddNode(p, RN_CMP, attr, op, 0, a, 1, arg);
	}
	if (IsKw(p, "is"))
	{
		Lex(p);
		if (IsKw(p, "not"))
		{
			negated = RNF_NEGATED;
			Lex(p);
		}
		if (!IsKw(p, "null"))
			return SyntaxError(p, "null"), -1;
		Lex(p);
		return AddNode(p, RN_ISNULL, attr, 0, negated, 0, 0, arg);
	}
	if (IsKw(p, "not"))
	{
		negated = RNF_NEGATED;
		Lex(p);
		if (!IsKw(p, "in") && !IsKw(p, "between") && !IsKw(p, "like"))
			return SyntaxError(p, "in, between or like after \"not\""), -1;
	}
	if (IsKw(p, "in"))
	{
		int			n = 0;

		if (t == RT_BOOL)
		{
			char		detail[96];

			snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
			Fail(p, RE_TYPE_MISMATCH, p->tok.start, "type mismatch: in (...) does not apply to a boolean",
				 detail, "Use = true or = false.");
			return -1;
		}
		Lex(p);
		if (p->tok.type != TK_LPAREN)
			return SyntaxError(p, "\"(\" after in"), -1;
		Lex(p);
		a = p->nvalues;
		for (;;)
		{
			if (n >= ROUTING_MAX_LIST)
			{
				char		detail[128];

				snprintf(detail, sizeof(detail), "A list may hold at most %d values; the limit is reached at character %d.",
						 ROUTING_MAX_LIST, CharPos(p->src, p->tok.start));
				Fail(p, RE_TOO_LONG, p->tok.start, "too many values in list", detail, NULL);
				return -1;
			}
			if (ParseLiteral(p, attr, false) < 0)
				return -1;
			n++;
			if (p->tok.type == TK_COMMA)
			{
				Lex(p);
				continue;
			}
			if (p->tok.type == TK_RPAREN)
				break;
			return SyntaxError(p, "\",\" or \")\""), -1;
		}
		Lex(p);
		return AddNode(p, RN_IN, attr, 0, negated, a, n, arg);
	}
	if (IsKw(p, "between"))
	{
		if (t == RT_BOOL)
		{
			char		detail[96];

			snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
			Fail(p, RE_TYPE_MISMATCH, p->tok.start, "type mismatch: a boolean has no order",
				 detail, "Use = true or = false.");
			return -1;
		}
		Lex(p);
		a = p->nvalues;
		if (ParseLiteral(p, attr, false) < 0)
			return -1;
		if (!IsKw(p, "and"))
			return SyntaxError(p, "and"), -1;
		Lex(p);
		if (ParseLiteral(p, attr, false) < 0)
			return -1;
		return AddNode(p, RN_BETWEEN, attr, 0, negated, a, 2, arg);
	}
	if (IsKw(p, "like"))
	{
		if (t != RT_TEXT)
		{
			char		detail[96];
			char		msg[160];

			snprintf(msg, sizeof(msg), "type mismatch: like applies to text, but %s is %s",
					 RoutingAttrName(attr), RoutingTypeName(t));
			snprintf(detail, sizeof(detail), "At character %d.", CharPos(p->src, p->tok.start));
			Fail(p, RE_TYPE_MISMATCH, p->tok.start, msg, detail, NULL);
			return -1;
		}
		Lex(p);
		a = p->nvalues;
		if (p->tok.type != TK_STRING)
			return SyntaxError(p, "a quoted pattern"), -1;
		if (ParseLiteral(p, attr, true) < 0)
			return -1;
		return AddNode(p, RN_LIKE, attr, 0, negated, a, 1, arg);
	}
	if (t == RT_BOOL)
		return AddNode(p, RN_BOOLATTR, attr, 0, 0, 0, 0, -1);
	(void) attrpos;
	return SyntaxError(p, "a comparison operator, in, between, like or is"), -1;
}

/* unary := "not" unary | "(" cond ")" | true | false | pred */
static int
ParseUnary(Parser *p)
{
	int			c;

	if (IsKw(p, "not"))
	{
		if (!Deeper(p))
			return -1;
		Lex(p);
		c = ParseUnary(p);
		p->depth--;
		if (c < 0)
			return -1;
		if (p->nkids >= p->kidcap)
			return -1;
		p->kids[p->nkids] = c;
		return AddNode(p, RN_NOT, 0, 0, 0, p->nkids++, 1, -1);
	}
	if (p->tok.type == TK_LPAREN)
	{
		if (!Deeper(p))
			return -1;
		Lex(p);
		c = ParseOr(p);
		if (c < 0)
			return -1;
		if (p->tok.type != TK_RPAREN)
			return SyntaxError(p, "\")\", and or or"), -1;
		Lex(p);
		p->depth--;
		return c;
	}
	if (IsKw(p, "true") || IsKw(p, "false"))
	{
		int			v = IsKw(p, "true");

		Lex(p);
		return AddNode(p, RN_CONST, 0, 0, 0, v, 0, -1);
	}
	return ParsePredicate(p);
}

/* conj := unary ("and" unary)* */
static int
ParseAnd(Parser *p)
{
	int			base = p->nstack;
	int			first = ParseUnary(p);

	if (first < 0)
		return -1;
	PushKid(p, RN_AND, first);
	while (IsKw(p, "and"))
	{
		int			c;

		Lex(p);
		c = ParseUnary(p);
		if (c < 0)
			return -1;
		PushKid(p, RN_AND, c);
	}
	return CloseList(p, RN_AND, base, first);
}

/* cond := conj ("or" conj)* */
static int
ParseOr(Parser *p)
{
	int			base = p->nstack;
	int			first = ParseAnd(p);

	if (first < 0)
		return -1;
	PushKid(p, RN_OR, first);
	while (IsKw(p, "or"))
	{
		int			c;

		Lex(p);
		c = ParseAnd(p);
		if (c < 0)
			return -1;
		PushKid(p, RN_OR, c);
	}
	return CloseList(p, RN_OR, base, first);
}

/* Allocate or fail with an out-of-memory error. */
static void *
Alloc(Parser *p, size_t size)
{
	void	   *ptr = p->mem->alloc(p->mem->ctx, size ? size : 1);

	if (ptr == NULL)
		Fail(p, RE_TOO_LONG, 0, "out of memory", NULL, NULL);
	return ptr;
}

static void
Free(const RoutingAllocator *mem, void *ptr)
{
	if (ptr && mem->free)
		mem->free(mem->ctx, ptr);
}

/*
 * Parse and type-check a condition.  Returns the compiled form (allocated
 * with mem, its varlena header left zero), or NULL with err filled in.
 */
RoutingExpr *
RoutingParse(const char *src, size_t len, const RoutingAllocator *mem, RoutingError *err)
{
	Parser		p;
	int			root;
	RoutingExpr *e = NULL;
	size_t		size;
	RoutingExpr hdr;

	memset(err, 0, sizeof(*err));
	memset(&p, 0, sizeof(p));
	p.src = src;
	p.len = len;
	p.err = err;
	p.mem = mem;
	if (len > ROUTING_MAX_LENGTH)
	{
		char		detail[128];

		snprintf(detail, sizeof(detail), "The condition has %zu bytes; the limit is %d.", len, ROUTING_MAX_LENGTH);
		Fail(&p, RE_TOO_LONG, 0, "routing condition is too long", detail,
			 "Split the rule into several rules.");
		err->position = 0;
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		if (src[i] == '\0')
		{
			p.tok.start = i;
			Fail(&p, RE_SYNTAX, i, "syntax error at or near a NUL byte", NULL, NULL);
			return NULL;
		}
	/* every token yields at most one node, one kid and two values */
	p.cap = (int) len + 4;
	p.nodes = Alloc(&p, sizeof(RoutingNode) * p.cap);
	p.kidcap = p.cap * (ROUTING_MAX_DEPTH + 2);
	p.kids = Alloc(&p, sizeof(int32_t) * p.kidcap);
	p.values = Alloc(&p, sizeof(RoutingValue) * p.cap);
	p.stack = Alloc(&p, sizeof(int32_t) * p.cap);
	p.str = Alloc(&p, len + 1);
	if (err->kind != RE_NONE)
		goto done;

	Lex(&p);
	root = ParseOr(&p);
	if (root >= 0 && p.tok.type != TK_END)
	{
		SyntaxError(&p, p.tok.type == TK_RPAREN ? "and, or or the end of the condition (unbalanced \")\")" :
					"and, or or the end of the condition");
		root = -1;
	}
	if (root < 0 || err->kind != RE_NONE)
	{
		if (err->kind == RE_NONE)
			SyntaxError(&p, "a condition");
		goto done;
	}

	memset(&hdr, 0, sizeof(hdr));
	hdr.version = ROUTING_VERSION;
	hdr.nnodes = p.nnodes;
	hdr.nkids = p.nkids;
	hdr.nvalues = p.nvalues;
	hdr.nstr = p.nstr;
	hdr.root = root;
	size = RoutingExprSize(&hdr);
	e = Alloc(&p, size);
	if (e == NULL)
		goto done;
	memset(e, 0, size);
	*e = hdr;
	memcpy((char *) e + OffNodes(), p.nodes, sizeof(RoutingNode) * p.nnodes);
	memcpy((char *) e + OffKids(e), p.kids, sizeof(int32_t) * p.nkids);
	memcpy((char *) e + OffValues(e), p.values, sizeof(RoutingValue) * p.nvalues);
	memcpy((char *) e + OffStr(e), p.str, p.nstr);
done:
	Free(mem, p.nodes);
	Free(mem, p.kids);
	Free(mem, p.values);
	Free(mem, p.stack);
	Free(mem, p.str);
	return e;
}

/* ----------------------------------------------------------------
 * Validation of a stored compiled form
 * ---------------------------------------------------------------- */

/* Check one node and its subtree; depth-limited. */
static bool
ValidateNode(const RoutingExpr *e, int i, int depth)
{
	const RoutingNode *nd;
	RoutingType t;

	if (i < 0 || i >= e->nnodes || depth > 3 * ROUTING_MAX_DEPTH + 8)
		return false;
	nd = &NODES(e)[i];
	switch (nd->kind)
	{
		case RN_AND:
		case RN_OR:
		case RN_NOT:
			if (nd->n < 1 || (nd->kind == RN_NOT && nd->n != 1) ||
				nd->a < 0 || nd->a > e->nkids - nd->n)
				return false;
			for (int k = 0; k < nd->n; k++)
			{
				int			c = KIDS(e)[nd->a + k];

				if (c >= i || !ValidateNode(e, c, depth + 1))
					return false;
			}
			return true;
		case RN_CONST:
			return nd->a == 0 || nd->a == 1;
		case RN_BOOLATTR:
			return nd->attr < RA_COUNT && RoutingAttrType(nd->attr) == RT_BOOL;
		case RN_CMP:
		case RN_IN:
		case RN_BETWEEN:
		case RN_LIKE:
		case RN_ISNULL:
			break;
		default:
			return false;
	}
	if (nd->attr > RA_DISTANCE || nd->op > RO_GE)
		return false;
	if (nd->attr == RA_DISTANCE && nd->arg != -1 &&
		(nd->arg < 0 || nd->arg > e->nvalues - 2))
		return false;
	t = RoutingAttrType(nd->attr);
	if (nd->kind == RN_ISNULL)
		return true;
	if (nd->n < 1 || nd->a < 0 || nd->a > e->nvalues - nd->n ||
		(nd->kind == RN_CMP && nd->n != 1) || (nd->kind == RN_LIKE && (nd->n != 1 || t != RT_TEXT)) ||
		(nd->kind == RN_BETWEEN && nd->n != 2))
		return false;
	for (int k = 0; k < nd->n; k++)
	{
		const RoutingValue *v = &VALUES(e)[nd->a + k];

		if (t == RT_TEXT || t == RT_NUMBER)
		{
			if (v->off < 0 || v->len < 0 || v->off > e->nstr - v->len)
				return false;
		}
		else if (v->num < 0 || v->num >= DomainSize(t))
			return false;
	}
	return true;
}

/* Is a stored compiled condition intact?  size is the bytes available. */
bool
RoutingExprValidate(const RoutingExpr *e, size_t size, RoutingError *err)
{
	bool		ok = size >= sizeof(RoutingExpr) && e->version == ROUTING_VERSION &&
		e->nnodes > 0 && e->nnodes <= ROUTING_MAX_LENGTH + 4 &&
		e->nkids >= 0 && e->nkids <= ROUTING_MAX_LENGTH + 4 &&
		e->nvalues >= 0 && e->nvalues <= ROUTING_MAX_LENGTH + 4 &&
		e->nstr >= 0 && e->nstr <= ROUTING_MAX_LENGTH + 200 * 4 &&
		RoutingExprSize(e) <= size && e->root >= 0 && e->root < e->nnodes &&
		ValidateNode(e, e->root, 0);

	if (!ok && err)
	{
		memset(err, 0, sizeof(*err));
		err->kind = RE_CORRUPT;
		snprintf(err->message, sizeof(err->message), "corrupt routing_condition value");
	}
	return ok;
}

/* ----------------------------------------------------------------
 * Printing
 * ---------------------------------------------------------------- */

typedef struct Writer
{
	char	   *buf;
	size_t		cap;
	size_t		len;
} Writer;

static void
Put(Writer *w, const char *s, size_t n)
{
	if (w->buf && w->len < w->cap)
	{
		size_t		room = w->cap - 1 - w->len;

		memcpy(w->buf + w->len, s, n < room ? n : room);
	}
	w->len += n;
}

static void
PutS(Writer *w, const char *s)
{
	Put(w, s, strlen(s));
}

/*
 * A quoted string literal, '' doubled.  In SQL, a value with a backslash is
 * written as E'...' with the backslashes doubled too: a plain '...' would
 * mean something else (and could end early) under
 * standard_conforming_strings = off, while E'...' means the same under
 * both settings.  The condition language itself has no backslash escapes,
 * so the canonical form is always '...'.
 */
static void
PutQuoted(Writer *w, const char *s, size_t n, bool sql)
{
	size_t		start = 0;
	bool		escape = sql && memchr(s, '\\', n) != NULL;

	PutS(w, escape ? "E'" : "'");
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\'' || (escape && s[i] == '\\'))
		{
			Put(w, s + start, i + 1 - start);
			Put(w, s + i, 1);
			start = i + 1;
		}
	Put(w, s + start, n - start);
	PutS(w, "'");
}

static const char *const op_text[] = {"=", "<>", "<", "<=", ">", ">="};

/* One literal of attribute attr. */
static void
PutValue(Writer *w, const RoutingExpr *e, int attr, int vi, int mode)
{
	const RoutingValue *v = &VALUES(e)[vi];
	RoutingType t = RoutingAttrType(attr);

	switch (t)
	{
		case RT_TEXT:
			PutQuoted(w, STR(e) + v->off, v->len, mode == ROUTING_PRINT_SQL);
			break;
		case RT_NUMBER:
			Put(w, STR(e) + v->off, v->len);
			break;
		case RT_BOOL:
			PutS(w, v->num != 0 ? "true" : "false");
			break;
		case RT_PRIORITY:
			PutS(w, "'");
			PutS(w, RoutingRankName(t, (int) v->num));
			PutS(w, "'");
			break;
		case RT_WEEKDAY:
			if (mode == ROUTING_PRINT_SQL)
			{
				char		d[16];

				snprintf(d, sizeof(d), "%d", (int) v->num + 1);
				PutS(w, d);
			}
			else
			{
				PutS(w, "'");
				PutS(w, RoutingRankName(t, (int) v->num));
				PutS(w, "'");
			}
			break;
	}
}

/* The operand: attribute name or distance_km(...). */
static void
PutOperand(Writer *w, const RoutingExpr *e, const RoutingNode *nd, int mode, const char *prefix)
{
	if (nd->attr != RA_DISTANCE)
	{
		if (mode == ROUTING_PRINT_SQL)
			PutS(w, prefix);
		PutS(w, RoutingAttrName(nd->attr));
		return;
	}
	if (mode == ROUTING_PRINT_CANONICAL)
	{
		PutS(w, "distance_km(");
		if (nd->arg < 0)
			PutS(w, "location");
		else
		{
			PutValue(w, e, RA_DISTANCE, nd->arg, mode);
			PutS(w, ", ");
			PutValue(w, e, RA_DISTANCE, nd->arg + 1, mode);
		}
		PutS(w, ")");
		return;
	}
	else
	{
		/* haversine in SQL, the same formula as RoutingDistanceKm */
		char		lat2[64],
					lon2[64];

		if (nd->arg < 0)
		{
			snprintf(lat2, sizeof(lat2), "%slocation_latitude", prefix);
			snprintf(lon2, sizeof(lon2), "%slocation_longitude", prefix);
		}
		else
		{
			const RoutingValue *a = &VALUES(e)[nd->arg];
			const RoutingValue *b = &VALUES(e)[nd->arg + 1];

			snprintf(lat2, sizeof(lat2), "(%.*s)", (int) a->len, STR(e) + a->off);
			snprintf(lon2, sizeof(lon2), "(%.*s)", (int) b->len, STR(e) + b->off);
		}
		PutS(w, "(12742.0176 * asin(sqrt(power(sin(radians(");
		PutS(w, lat2);
		PutS(w, " - ");
		PutS(w, prefix);
		PutS(w, "patient_latitude) / 2), 2) + cos(radians(");
		PutS(w, prefix);
		PutS(w, "patient_latitude)) * cos(radians(");
		PutS(w, lat2);
		PutS(w, ")) * power(sin(radians(");
		PutS(w, lon2);
		PutS(w, " - ");
		PutS(w, prefix);
		PutS(w, "patient_longitude) / 2), 2))))");
	}
}

static int
Prec(const RoutingNode *nd)
{
	return nd->kind == RN_OR ? 1 : nd->kind == RN_AND ? 2 : nd->kind == RN_NOT ? 3 : 4;
}

/*
 * SQL form of an ordered comparison on a priority: an IN list of words.  An
 * empty range (priority < 'routine', between 'stat' and 'routine') is
 * false, or true when negated, for a row that has a priority, and unknown
 * for one without, as in the C evaluator; "IN (NULL)" was unknown for
 * every row, so NOT of it matched nothing where the C evaluator matched
 * every row.  The CASE is one operand, so NOT, AND and OR around it need
 * no parentheses.
 */
static void
PutPriorityRange(Writer *w, const RoutingExpr *e, const RoutingNode *nd, const char *prefix,
				 int lo, int hi, bool negated)
{
	if (lo > hi)
	{
		PutS(w, "CASE WHEN ");
		PutS(w, prefix);
		PutS(w, negated ? "priority IS NOT NULL THEN true END" :
			 "priority IS NOT NULL THEN false END");
		return;
	}
	PutS(w, prefix);
	PutS(w, "priority");
	PutS(w, negated ? " NOT IN (" : " IN (");
	for (int r = lo; r <= hi; r++)
	{
		if (r > lo)
			PutS(w, ", ");
		PutS(w, "'");
		PutS(w, priority_words[r]);
		PutS(w, "'");
	}
	PutS(w, ")");
	(void) e;
	(void) nd;
}

static void PrintNode(Writer *w, const RoutingExpr *e, int i, int minprec, int mode, const char *prefix);

/* A predicate node. */
static void
PrintPred(Writer *w, const RoutingExpr *e, const RoutingNode *nd, int mode, const char *prefix)
{
	bool		sql = mode == ROUTING_PRINT_SQL;
	RoutingType t = RoutingAttrType(nd->attr);
	bool		neg = (nd->flags & RNF_NEGATED) != 0;

	if (sql && nd->attr == RA_PRIORITY && (nd->kind == RN_CMP || nd->kind == RN_BETWEEN) &&
		!(nd->kind == RN_CMP && (nd->op == RO_EQ || nd->op == RO_NE)))
	{
		int			r = (int) VALUES(e)[nd->a].num;

		if (nd->kind == RN_BETWEEN)
			PutPriorityRange(w, e, nd, prefix, r, (int) VALUES(e)[nd->a + 1].num, neg);
		else if (nd->op == RO_LT)
			PutPriorityRange(w, e, nd, prefix, 0, r - 1, false);
		else if (nd->op == RO_LE)
			PutPriorityRange(w, e, nd, prefix, 0, r, false);
		else if (nd->op == RO_GT)
			PutPriorityRange(w, e, nd, prefix, r + 1, 3, false);
		else
			PutPriorityRange(w, e, nd, prefix, r, 3, false);
		return;
	}
	PutOperand(w, e, nd, mode, prefix);
	switch (nd->kind)
	{
		case RN_CMP:
			PutS(w, " ");
			PutS(w, op_text[nd->op]);
			PutS(w, " ");
			PutValue(w, e, nd->attr, nd->a, mode);
			if (sql && t == RT_TEXT && nd->op != RO_EQ && nd->op != RO_NE)
				PutS(w, " COLLATE \"C\"");
			break;
		case RN_IN:
			PutS(w, neg ? (sql ? " NOT IN (" : " not in (") : (sql ? " IN (" : " in ("));
			for (int k = 0; k < nd->n; k++)
			{
				if (k)
					PutS(w, ", ");
				PutValue(w, e, nd->attr, nd->a + k, mode);
			}
			PutS(w, ")");
			break;
		case RN_BETWEEN:
			/*
			 * The bounds of BETWEEN are b_exprs in PostgreSQL's grammar,
			 * which cannot carry a COLLATE clause: parenthesise them.
			 */
			PutS(w, neg ? (sql ? " NOT BETWEEN " : " not between ") : (sql ? " BETWEEN " : " between "));
			if (sql && t == RT_TEXT)
				PutS(w, "(");
			PutValue(w, e, nd->attr, nd->a, mode);
			if (sql && t == RT_TEXT)
				PutS(w, " COLLATE \"C\")");
			PutS(w, sql ? " AND " : " and ");
			if (sql && t == RT_TEXT)
				PutS(w, "(");
			PutValue(w, e, nd->attr, nd->a + 1, mode);
			if (sql && t == RT_TEXT)
				PutS(w, " COLLATE \"C\")");
			break;
		case RN_LIKE:
			PutS(w, neg ? (sql ? " NOT LIKE " : " not like ") : (sql ? " LIKE " : " like "));
			PutValue(w, e, nd->attr, nd->a, mode);
			break;
		case RN_ISNULL:
			PutS(w, neg ? (sql ? " IS NOT NULL" : " is not null") : (sql ? " IS NULL" : " is null"));
			break;
	}
}

/* Print node i, in parentheses if it binds less tightly than minprec. */
static void
PrintNode(Writer *w, const RoutingExpr *e, int i, int minprec, int mode, const char *prefix)
{
	const RoutingNode *nd = &NODES(e)[i];
	bool		sql = mode == ROUTING_PRINT_SQL;
	bool		paren = Prec(nd) < minprec;

	if (paren)
		PutS(w, "(");
	switch (nd->kind)
	{
		case RN_AND:
		case RN_OR:
			for (int k = 0; k < nd->n; k++)
			{
				if (k)
					PutS(w, nd->kind == RN_AND ? (sql ? " AND " : " and ") : (sql ? " OR " : " or "));
				PrintNode(w, e, KIDS(e)[nd->a + k], Prec(nd) + 1, mode, prefix);
			}
			break;
		case RN_NOT:
			PutS(w, sql ? "NOT " : "not ");
			PrintNode(w, e, KIDS(e)[nd->a], 3, mode, prefix);
			break;
		case RN_CONST:
			PutS(w, nd->a ? "true" : "false");
			break;
		case RN_BOOLATTR:
			if (sql)
				PutS(w, prefix);
			PutS(w, RoutingAttrName(nd->attr));
			break;
		default:
			PrintPred(w, e, nd, mode, prefix);
			break;
	}
	if (paren)
		PutS(w, ")");
}

/* Print node i; see RoutingPrint. */
size_t
RoutingPrintNode(const RoutingExpr *e, int node, int mode, const char *prefix,
				 char *buf, size_t cap)
{
	Writer		w = {buf, cap, 0};

	PrintNode(&w, e, node, 0, mode, prefix ? prefix : "");
	if (buf && cap > 0)
		buf[w.len < cap ? w.len : cap - 1] = '\0';
	return w.len;
}

/*
 * Print a condition in canonical form (ROUTING_PRINT_CANONICAL) or as a
 * SQL boolean expression over columns named like the attributes, each
 * preceded by prefix (ROUTING_PRINT_SQL).  Writes at most cap bytes with
 * the terminating NUL; returns the full length without the NUL.
 */
size_t
RoutingPrint(const RoutingExpr *e, int mode, const char *prefix, char *buf, size_t cap)
{
	return RoutingPrintNode(e, e->root, mode, prefix, buf, cap);
}

/* ----------------------------------------------------------------
 * Evaluation
 * ---------------------------------------------------------------- */

/* All attributes missing. */
void
RoutingRowInit(RoutingRow *row)
{
	memset(row, 0, sizeof(*row));
	for (int i = 0; i < RA_COUNT; i++)
		row->isnull[i] = true;
}

/* Great-circle distance in km (haversine, mean Earth radius 6371.0088 km). */
double
RoutingDistanceKm(double lat1, double lon1, double lat2, double lon2)
{
	const double rad = 3.14159265358979323846 / 180.0;
	double		dlat = (lat2 - lat1) * rad;
	double		dlon = (lon2 - lon1) * rad;
	double		h = pow(sin(dlat / 2), 2) + cos(lat1 * rad) * cos(lat2 * rad) * pow(sin(dlon / 2), 2);

	if (h > 1)
		h = 1;
	return 12742.0176 * asin(sqrt(h));
}

/* Byte comparison of counted strings, like COLLATE "C". */
static int
StrCmp(const char *a, int alen, const char *b, int blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return (alen > blen) - (alen < blen);
}

/* Length of the UTF-8 character at s (1 for a stray byte). */
static int
Utf8Len(const char *s, int avail)
{
	unsigned char c = (unsigned char) *s;
	int			n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

	return n <= avail ? n : 1;
}

/* SQL LIKE with backslash escapes; '_' is one character. */
static bool
LikeMatch(const char *s, int slen, const char *p, int plen)
{
	int			si = 0,
				pi = 0,
				star_p = -1,
				star_s = 0;

	while (si < slen)
	{
		if (pi < plen && p[pi] == '%')
		{
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < plen && p[pi] == '_')
		{
			si += Utf8Len(s + si, slen - si);
			pi++;
			continue;
		}
		if (pi < plen)
		{
			int			pc = pi;

			if (p[pc] == '\\' && pc + 1 < plen)
				pc++;
			if (p[pc] == s[si])
			{
				si++;
				pi = pc + 1;
				continue;
			}
		}
		if (star_p < 0)
			return false;
		/* backtrack: the last % absorbs one more character */
		star_s += Utf8Len(s + star_s, slen - star_s);
		si = star_s;
		pi = star_p;
	}
	while (pi < plen && p[pi] == '%')
		pi++;
	return pi == plen;
}

/* Value of the operand of nd for row; false if missing. */
static bool
OperandValue(const RoutingExpr *e, const RoutingNode *nd, const RoutingRow *row, double *num)
{
	if (nd->attr == RA_DISTANCE)
	{
		double		lat2,
					lon2;

		if (!row->has_patient_coord)
			return false;
		if (nd->arg < 0)
		{
			if (!row->has_location_coord)
				return false;
			lat2 = row->location_lat;
			lon2 = row->location_lon;
		}
		else
		{
			lat2 = VALUES(e)[nd->arg].num;
			lon2 = VALUES(e)[nd->arg + 1].num;
		}
		*num = RoutingDistanceKm(row->patient_lat, row->patient_lon, lat2, lon2);
		return true;
	}
	if (row->isnull[nd->attr])
		return false;
	*num = row->num[nd->attr];
	return true;
}

/* Compare the operand with value vi: <0, 0, >0. */
static int
CompareValue(const RoutingExpr *e, const RoutingNode *nd, const RoutingRow *row, double num, int vi)
{
	const RoutingValue *v = &VALUES(e)[vi];

	if (nd->attr != RA_DISTANCE && attr_defs[nd->attr].type == RT_TEXT)
		return StrCmp(row->str[nd->attr], row->len[nd->attr], STR(e) + v->off, v->len);
	return (num > v->num) - (num < v->num);
}

static int
EvalNode(const RoutingExpr *e, int i, const RoutingRow *row)
{
	const RoutingNode *nd = &NODES(e)[i];
	double		num = 0;
	int			r,
				c;

	switch (nd->kind)
	{
		case RN_AND:
			r = 1;
			for (int k = 0; k < nd->n; k++)
			{
				c = EvalNode(e, KIDS(e)[nd->a + k], row);
				if (c == 0)
					return 0;
				if (c < 0)
					r = -1;
			}
			return r;
		case RN_OR:
			r = 0;
			for (int k = 0; k < nd->n; k++)
			{
				c = EvalNode(e, KIDS(e)[nd->a + k], row);
				if (c == 1)
					return 1;
				if (c < 0)
					r = -1;
			}
			return r;
		case RN_NOT:
			c = EvalNode(e, KIDS(e)[nd->a], row);
			return c < 0 ? -1 : !c;
		case RN_CONST:
			return nd->a;
		case RN_BOOLATTR:
			if (row->isnull[nd->attr])
				return -1;
			return row->num[nd->attr] != 0;
		case RN_ISNULL:
			{
				bool		missing = !OperandValue(e, nd, row, &num);

				return (nd->flags & RNF_NEGATED) ? !missing : missing;
			}
		default:
			break;
	}
	if (!OperandValue(e, nd, row, &num))
		return -1;
	switch (nd->kind)
	{
		case RN_CMP:
			c = CompareValue(e, nd, row, num, nd->a);
			switch (nd->op)
			{
				case RO_EQ:
					return c == 0;
				case RO_NE:
					return c != 0;
				case RO_LT:
					return c < 0;
				case RO_LE:
					return c <= 0;
				case RO_GT:
					return c > 0;
				default:
					return c >= 0;
			}
		case RN_IN:
			r = 0;
			for (int k = 0; k < nd->n; k++)
				if (CompareValue(e, nd, row, num, nd->a + k) == 0)
				{
					r = 1;
					break;
				}
			return (nd->flags & RNF_NEGATED) ? !r : r;
		case RN_BETWEEN:
			r = CompareValue(e, nd, row, num, nd->a) >= 0 &&
				CompareValue(e, nd, row, num, nd->a + 1) <= 0;
			return (nd->flags & RNF_NEGATED) ? !r : r;
		case RN_LIKE:
			r = LikeMatch(row->str[nd->attr], row->len[nd->attr],
						  STR(e) + VALUES(e)[nd->a].off, VALUES(e)[nd->a].len);
			return (nd->flags & RNF_NEGATED) ? !r : r;
	}
	return -1;
}

/* Evaluate: 1 true, 0 false, -1 unknown (a missing attribute). */
int
RoutingEval(const RoutingExpr *e, const RoutingRow *row)
{
	return EvalNode(e, e->root, row);
}

/* Collect the missing attributes that node i reads into a mask. */
static void
MissingAttrs(const RoutingExpr *e, int i, const RoutingRow *row, unsigned *mask, bool *nocoord)
{
	const RoutingNode *nd = &NODES(e)[i];

	if (nd->kind == RN_AND || nd->kind == RN_OR || nd->kind == RN_NOT)
	{
		for (int k = 0; k < nd->n; k++)
			MissingAttrs(e, KIDS(e)[nd->a + k], row, mask, nocoord);
		return;
	}
	if (nd->kind == RN_CONST)
		return;
	if (nd->attr == RA_DISTANCE)
	{
		if (!row->has_patient_coord || (nd->arg < 0 && !row->has_location_coord))
			*nocoord = true;
		return;
	}
	if (row->isnull[nd->attr])
		*mask |= 1u << nd->attr;
}

/*
 * Explain the evaluation: returns the result; when it is not true, writes
 * the first top-level clause that is not true and, if a missing attribute
 * made it unknown, which one.
 */
int
RoutingExplain(const RoutingExpr *e, const RoutingRow *row, char *buf, size_t cap)
{
	const RoutingNode *root = &NODES(e)[e->root];
	int			r = EvalNode(e, e->root, row);
	int			clause = e->root;
	int			cr = r;
	Writer		w = {buf, cap, 0};

	if (cap > 0)
		buf[0] = '\0';
	if (r == 1)
		return 1;
	if (root->kind == RN_AND)
	{
		for (int k = 0; k < root->n; k++)
		{
			int			c = KIDS(e)[root->a + k];
			int			v = EvalNode(e, c, row);

			if (v != 1)
			{
				clause = c;
				cr = v;
				break;
			}
		}
	}
	PrintNode(&w, e, clause, clause == e->root ? 0 : 3, ROUTING_PRINT_CANONICAL, "");
	if (cr < 0)
	{
		unsigned	mask = 0;
		bool		nocoord = false;
		bool		first = true;

		MissingAttrs(e, clause, row, &mask, &nocoord);
		PutS(&w, " (missing: ");
		for (int a = 0; a < RA_COUNT; a++)
			if (mask & (1u << a))
			{
				if (!first)
					PutS(&w, ", ");
				PutS(&w, attr_defs[a].name);
				first = false;
			}
		if (nocoord)
		{
			if (!first)
				PutS(&w, ", ");
			PutS(&w, "coordinates for distance_km");
		}
		PutS(&w, ")");
	}
	if (buf && cap > 0)
		buf[w.len < cap ? w.len : cap - 1] = '\0';
	return r;
}
