/*-------------------------------------------------------------------------
 *
 * notes_vec.c
 *	  The termvec sparse vector and the TF-IDF / BM25 mathematics.  Plain
 *	  C, no server headers.
 *
 *	  TF-IDF follows scikit-learn's TfidfVectorizer exactly (features in
 *	  code-point order, the same operations in the same order), so that
 *	  weights agree to the last digits:
 *	    tf = count, or 1 + ln(count) when sublinear
 *	    idf = ln((1 + n) / (1 + df)) + 1 when smooth, else ln(n / df) + 1
 *	    w = tf * idf, each document then divided by its L2 or L1 norm.
 *	  BM25 follows Lucene 8 and later (Elasticsearch's default):
 *	    idf = ln(1 + (N - df + 0.5) / (df + 0.5))
 *	    s = idf * tf / (tf + k1 * (1 - b + b * dl / avgdl))
 *
 *-------------------------------------------------------------------------
 */
#include "notes_vec.h"

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Compare two terms bytewise (shorter first on a common prefix). */
int
NotesTermCmp(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
	int			c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* qsort comparator of entries by term. */
static int
EntryCmp(const void *x, const void *y)
{
	const NotesEntry *a = x,
			   *b = y;

	return NotesTermCmp(a->term, a->len, b->term, b->len);
}

/* An entry with the first 8 bytes of its term, big-endian, zero-padded. */
typedef struct KeyedEntry
{
	uint64_t	key;
	NotesEntry	e;
} KeyedEntry;

/*
 * qsort comparator of keyed entries: the same order as EntryCmp (terms
 * hold no zero byte, so a padded shorter term sorts first).
 */
static int
KeyedEntryCmp(const void *x, const void *y)
{
	const KeyedEntry *a = x,
			   *b = y;

	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return NotesTermCmp(a->e.term, a->e.len, b->e.term, b->e.len);
}

/* Sort entries by term; returns the index of a duplicate term or -1. */
int64_t
NotesEntriesSort(NotesEntry *e, int64_t n)
{
	int64_t		i;

	if (n > 1)
		qsort(e, (size_t) n, sizeof(NotesEntry), EntryCmp);
	for (i = 1; i < n; i++)
		if (EntryCmp(&e[i - 1], &e[i]) == 0)
			return i;
	return -1;
}

/* Sort by term and merge duplicates, summing weights; returns the new n. */
int64_t
NotesEntriesMerge(NotesEntry *e, int64_t n)
{
	int64_t		i,
				k = 0;

	if (n > 1)
		qsort(e, (size_t) n, sizeof(NotesEntry), EntryCmp);
	for (i = 0; i < n; i++)
	{
		if (k > 0 && EntryCmp(&e[k - 1], &e[i]) == 0)
			e[k - 1].w += e[i].w;
		else
			e[k++] = e[i];
	}
	return k;
}

/* Term counts of tokens (which: 0 all, 1 unigrams, 2 bigrams). */
int64_t
NotesCountTerms(const NotesTokens *tok, int which, int surface, NotesEntry **out, NotesMem *mem)
{
	NotesEntry *e;
	int64_t		n = 0;
	int			i;
	uint64_t	nslots = 16;
	int32_t    *slot;

	*out = NULL;
	if (tok->n == 0)
		return 0;
	e = mem->alloc(mem->arg, sizeof(NotesEntry) * (size_t) tok->n);
	if (e == NULL)
		return -1;
	/* Count in a hash table (slots hold index + 1), then sort the distinct. */
	while (nslots < 2 * (uint64_t) tok->n)
		nslots *= 2;
	slot = mem->alloc(mem->arg, sizeof(int32_t) * nslots);
	if (slot == NULL)
		return -1;
	memset(slot, 0, sizeof(int32_t) * nslots);
	for (i = 0; i < tok->n; i++)
	{
		const char *t;
		uint32_t	len,
					h = 2166136261u,
					j;

		if ((which == 1 && tok->bigram[i]) || (which == 2 && !tok->bigram[i]))
			continue;
		t = tok->buf + (surface ? tok->surf[i] : tok->off[i]);
		len = (uint32_t) strlen(t);
		for (j = 0; j < len; j++)
			h = (h ^ (uint8_t) t[j]) * 16777619u;
		for (h &= (uint32_t) (nslots - 1);; h = (h + 1) & (uint32_t) (nslots - 1))
		{
			if (slot[h] == 0)
			{
				e[n].term = t;
				e[n].len = len;
				e[n].w = 1.0;
				slot[h] = (int32_t) (++n);
				break;
			}
			if (e[slot[h] - 1].len == len && memcmp(e[slot[h] - 1].term, t, len) == 0)
			{
				e[slot[h] - 1].w += 1.0;
				break;
			}
		}
	}
	mem->release(mem->arg, slot);
	if (n > 1)
	{
		/* Sort on the first 8 bytes as an integer, then the rest. */
		KeyedEntry *ke = mem->alloc(mem->arg, sizeof(KeyedEntry) * (size_t) n);

		if (ke == NULL)
			return -1;
		for (i = 0; i < n; i++)
		{
			uint64_t	k = 0;
			uint32_t	j;

			for (j = 0; j < 8; j++)
				k = (k << 8) | (j < e[i].len ? (uint8_t) e[i].term[j] : 0);
			ke[i].key = k;
			ke[i].e = e[i];
		}
		qsort(ke, (size_t) n, sizeof(KeyedEntry), KeyedEntryCmp);
		for (i = 0; i < n; i++)
			e[i] = ke[i].e;
		mem->release(mem->arg, ke);
	}
	*out = e;
	return n;
}

/* Size in bytes of the termvec of sorted entries (0 if too large). */
size_t
NotesVecSize(const NotesEntry *e, int64_t n)
{
	size_t		strbytes = 0;
	int64_t		i;

	if (n < 0 || n > NOTES_VEC_MAX_TERMS)
		return 0;
	for (i = 0; i < n; i++)
		strbytes += e[i].len;
	if (strbytes > 0x3FFFFFFF)
		return 0;
	return NOTESVEC_HDRSZ + (size_t) n * (sizeof(double) + sizeof(uint32_t)) + strbytes;
}

/* Write the termvec of sorted entries into dst. */
void
NotesVecWrite(NotesVec *dst, const NotesEntry *e, int64_t n)
{
	double	   *w;
	uint32_t   *end;
	char	   *s;
	uint32_t	at = 0;
	int64_t		i;

	dst->n = (int32_t) n;
	dst->flags = 0;
	w = NOTESVEC_WEIGHTS(dst);
	end = NOTESVEC_ENDS(dst);
	s = NOTESVEC_STRS(dst);
	for (i = 0; i < n; i++)
	{
		w[i] = e[i].w;
		memcpy(s + at, e[i].term, e[i].len);
		at += e[i].len;
		end[i] = at;
	}
	dst->strbytes = (int32_t) at;
}

/* Index of term in v (binary search), or -1. */
int64_t
NotesVecFind(const NotesVec *v, const char *term, uint32_t len)
{
	int64_t		lo = 0,
				hi = (int64_t) v->n - 1;

	while (lo <= hi)
	{
		int64_t		mid = lo + (hi - lo) / 2;
		int			c = NotesTermCmp(NOTESVEC_TERM(v, mid), NOTESVEC_TERMLEN(v, mid), term, len);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

/*
 * The sum of squares (l2) or of absolute values (l1) of w[0..n), in order.
 * When it overflows (or, for l2, underflows: weights beyond about 1e154 or
 * below 1e-154) it is taken over the weights divided by the largest, which
 * *scale then holds (else 1).  Not above 0 when no weight is.
 */
static double
WeightSum(const double *w, int64_t n, int l2, double *scale)
{
	double		z = 0,
				m = 0;
	int64_t		i;

	*scale = 1;
	for (i = 0; i < n; i++)
		z += l2 ? w[i] * w[i] : fabs(w[i]);
	if (isfinite(z) && (!l2 || z >= DBL_MIN))
		return z;
	for (i = 0; i < n; i++)
		m = fmax(m, fabs(w[i]));
	if (m == 0 || !isfinite(m))
		return z;
	*scale = m;
	z = 0;
	for (i = 0; i < n; i++)
		z += l2 ? (w[i] / m) * (w[i] / m) : fabs(w[i] / m);
	return z;
}

/*
 * Cosine similarity by a merge of the two sorted term lists, over the
 * weights divided by their WeightSum scales (1 but for extreme weights).
 */
double
NotesVecCosine(const NotesVec *a, const NotesVec *b)
{
	const double *wa = NOTESVEC_WEIGHTS(a),
			   *wb = NOTESVEC_WEIGHTS(b);
	double		sa,
				sb,
				na = WeightSum(wa, a->n, 1, &sa),
				nb = WeightSum(wb, b->n, 1, &sb),
				dot = 0;
	int32_t		i = 0,
				j = 0;

	if (!(na > 0) || !(nb > 0) || !isfinite(na) || !isfinite(nb))
		return 0;
	while (i < a->n && j < b->n)
	{
		int			c = NotesTermCmp(NOTESVEC_TERM(a, i), NOTESVEC_TERMLEN(a, i),
									 NOTESVEC_TERM(b, j), NOTESVEC_TERMLEN(b, j));

		if (c == 0)
		{
			dot += (wa[i] / sa) * (wb[j] / sb);
			i++, j++;
		}
		else if (c < 0)
			i++;
		else
			j++;
	}
	return dot / (sqrt(na) * sqrt(nb));
}

/* Is s[0..len) valid UTF-8 (no NUL, no surrogates, no overlongs)? */
int
NotesUtf8Valid(const char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = (unsigned char) s[i];
		int			n;
		uint32_t	cp;
		int			k;

		if (c == 0)
			return 0;
		if (c < 0x80)
		{
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0)
			n = 1, cp = c & 0x1F;
		else if ((c & 0xF0) == 0xE0)
			n = 2, cp = c & 0x0F;
		else if ((c & 0xF8) == 0xF0)
			n = 3, cp = c & 0x07;
		else
			return 0;
		for (k = 1; k <= n; k++)
		{
			if (i + k >= len)
				return 0;
			c = (unsigned char) s[i + k];
			if ((c & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (c & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
			cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* Check a termvec read from the wire or disk; returns NULL or an error. */
const char *
NotesVecCheck(const NotesVec *v, size_t size)
{
	int32_t		i;
	uint32_t	prev = 0;

	if (size < NOTESVEC_HDRSZ)
		return "termvec is too short";
	if (v->n < 0 || v->n > NOTES_VEC_MAX_TERMS || v->strbytes < 0 || v->flags != 0)
		return "termvec header is not valid";
	if (size != NOTESVEC_HDRSZ + (size_t) v->n * (sizeof(double) + sizeof(uint32_t)) + (size_t) v->strbytes)
		return "termvec size does not match its header";
	for (i = 0; i < v->n; i++)
	{
		uint32_t	end = NOTESVEC_ENDS(v)[i];

		if (end <= prev || end > (uint32_t) v->strbytes || end - prev > NOTES_VEC_MAX_TERM)
			return "termvec term bounds are not valid";
		if (!isfinite(NOTESVEC_WEIGHTS(v)[i]))
			return "termvec weight is not finite";
		if (i > 0 && NotesTermCmp(NOTESVEC_TERM(v, i - 1), NOTESVEC_TERMLEN(v, i - 1),
								  NOTESVEC_TERM(v, i), NOTESVEC_TERMLEN(v, i)) >= 0)
			return "termvec terms are not sorted and distinct";
		prev = end;
	}
	if (v->n > 0 && prev != (uint32_t) v->strbytes)
		return "termvec term bounds are not valid";
	if (v->n == 0 && v->strbytes != 0)
		return "termvec header is not valid";
	if (!NotesUtf8Valid(NOTESVEC_STRS(v), (size_t) v->strbytes))
		return "termvec terms are not valid UTF-8";
	return NULL;
}

/* Parse the text form of a termvec. */
int64_t
NotesVecParse(const char *s, size_t len, NotesEntry **entries, char **buf,
			  NotesMem *mem, const char **err, size_t *errpos)
{
	size_t		i = 0,
				cap = 16,
				bl = 0;
	int64_t		n = 0;
	NotesEntry *e;
	char	   *b;

	*entries = NULL;
	*buf = NULL;
	e = mem->alloc(mem->arg, cap * sizeof(NotesEntry));
	b = mem->alloc(mem->arg, len + 1);
	if (e == NULL || b == NULL)
	{
		*err = "out of memory";
		*errpos = 0;
		if (e)
			mem->release(mem->arg, e);
		if (b)
			mem->release(mem->arg, b);
		return -1;
	}
	for (;;)
	{
		size_t		tstart,
					tlen;
		double		w = 1.0;

		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == ','))
			i++;
		if (i >= len)
			break;
		tstart = bl;
		if (s[i] == '\'')
		{
			i++;
			for (;;)
			{
				if (i >= len)
				{
					*err = "unterminated quoted term";
					goto fail;
				}
				if (s[i] == '\'')
				{
					if (i + 1 < len && s[i + 1] == '\'')
					{
						b[bl++] = '\'';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (s[i] == '\\')
				{
					if (i + 1 >= len)
					{
						*err = "unterminated quoted term";
						goto fail;
					}
					i++;
				}
				b[bl++] = s[i++];
			}
		}
		else
		{
			while (i < len && s[i] != ':' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
				   s[i] != '\r' && s[i] != ',' && s[i] != '\'' && s[i] != '\\')
				b[bl++] = s[i++];
			if (i < len && (s[i] == '\'' || s[i] == '\\'))
			{
				*err = "unexpected quote or backslash in an unquoted term";
				goto fail;
			}
		}
		tlen = bl - tstart;
		if (tlen == 0)
		{
			*err = "empty term";
			goto fail;
		}
		if (tlen > NOTES_VEC_MAX_TERM)
		{
			*err = "term is too long";
			goto fail;
		}
		if (!NotesUtf8Valid(b + tstart, tlen))
		{
			*err = "term is not valid UTF-8";
			goto fail;
		}
		if (i < len && s[i] == ':')
		{
			char		num[64];
			size_t		k = 0;
			char	   *endp;

			i++;
			while (i < len && k < sizeof(num) - 1 && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
				   s[i] != '\r' && s[i] != ',')
				num[k++] = s[i++];
			num[k] = '\0';
			if (k == 0 || k == sizeof(num) - 1)
			{
				*err = "weight is missing or too long";
				goto fail;
			}
			/* Decimal numbers only: no hex, nan or infinity spellings. */
			{
				size_t		q;

				for (q = 0; q < k; q++)
					if (!(isdigit((unsigned char) num[q]) || num[q] == '.' || num[q] == '-' ||
						  num[q] == '+' || num[q] == 'e' || num[q] == 'E'))
					{
						*err = "weight is not a number";
						goto fail;
					}
			}
			w = strtod(num, &endp);
			if (*endp != '\0' || endp == num)
			{
				*err = "weight is not a number";
				goto fail;
			}
			if (!isfinite(w))
			{
				*err = "weight is out of range";
				goto fail;
			}
		}
		if ((size_t) n == cap)
		{
			NotesEntry *ne;

			if (n >= NOTES_VEC_MAX_TERMS)
			{
				*err = "too many terms";
				goto fail;
			}
			cap *= 2;
			ne = mem->grow(mem->arg, e, cap * sizeof(NotesEntry));
			if (ne == NULL)
			{
				*err = "out of memory";
				goto fail;
			}
			e = ne;
		}
		e[n].term = (const char *) (uintptr_t) tstart;	/* fixed up below */
		e[n].len = (uint32_t) tlen;
		e[n].w = w;
		n++;
	}
	{
		int64_t		k;

		for (k = 0; k < n; k++)
			e[k].term = b + (uintptr_t) e[k].term;
	}
	*entries = e;
	*buf = b;
	return n;
fail:
	*errpos = i;
	mem->release(mem->arg, e);
	mem->release(mem->arg, b);
	return -1;
}

/* idf of a term in df of n documents (df > 0). */
double
NotesIdf(double df, double n, int smooth)
{
	if (smooth)
		return log((n + 1) / (df + 1)) + 1;
	return log(n / df) + 1;
}

/* tf part of a weight. */
double
NotesTf(double count, int sublinear)
{
	return sublinear ? log(count) + 1 : count;
}

/* Normalise weights in place (sum in order, as scikit-learn does). */
void
NotesNormalize(double *w, int64_t n, NotesNorm norm)
{
	double		m,
				z;
	int64_t		i;

	if (norm == NOTES_NORM_NONE)
		return;
	z = WeightSum(w, n, norm == NOTES_NORM_L2, &m);
	if (!(z > 0) || !isfinite(z))
		return;
	if (norm == NOTES_NORM_L2)
		z = sqrt(z);
	/* m is 1 (an exact division) unless the plain sum over- or underflowed */
	for (i = 0; i < n; i++)
		w[i] = (w[i] / m) / z;
}

/* Lucene BM25 idf. */
double
NotesBm25Idf(double df, double n)
{
	return log(1 + (n - df + 0.5) / (df + 0.5));
}

/* BM25 term score. */
double
NotesBm25Term(double idf, double tf, double dl, double avgdl, double k1, double b)
{
	if (tf <= 0)
		return 0;
	/* k1 = 0: no length part (0 times an infinite dl / avgdl is NaN). */
	return idf * tf / (tf + (k1 == 0 ? 0 : k1 * (1 - b + b * dl / avgdl)));
}

/* Upper ends of the term-count classes (the last is unbounded). */
static const double notes_cell_tf_hi[8] = {1, 2, 3, 4, 6, 9, 14, HUGE_VAL};

/* Lower ends of the length classes: 0, then about 8 * 1.25^i. */
static const double notes_cell_dl_lo[32] = {
	0, 10, 12, 15, 19, 24, 30, 38, 47, 59, 74, 93, 116, 145, 181, 227,
	284, 355, 444, 555, 693, 867, 1084, 1355, 1694, 2117, 2647, 3308, 4136, 5170,
	6462, 8078
};

/* Cell of a term counted tf times in a note of dl words. */
int
NotesCellOf(double tf, double dl)
{
	int			t = 0,
				d = 31;

	while (t < 7 && !(tf <= notes_cell_tf_hi[t]))
		t++;
	while (d > 0 && !(dl >= notes_cell_dl_lo[d]))
		d--;
	return t * 32 + d;
}

/* Upper bound of the tf part of a BM25 term score over a cell. */
double
NotesCellBound(int cell, double avgdl, double k1, double b)
{
	double		tf = notes_cell_tf_hi[(cell >> 5) & 7],
				dl = notes_cell_dl_lo[cell & 31],
				u;

	if (isinf(tf) || avgdl <= 0 || k1 == 0)
		return 1;
	u = tf / (tf + k1 * (1 - b + b * dl / avgdl));
	/* Room for rounding: scores are summed in another order. */
	return u > 1 ? 1 : u * (1 + 1e-9);
}

/* Sum of the counts of the terms without a space. */
double
NotesVecWordLen(const NotesVec *v)
{
	double		s = 0;
	int32_t		i;

	for (i = 0; i < v->n; i++)
		if (memchr(NOTESVEC_TERM(v, i), ' ', NOTESVEC_TERMLEN(v, i)) == NULL)
			s += NOTESVEC_WEIGHTS(v)[i];
	return s;
}

/* Postings count for a term weight: rounded up, capped. */
uint8_t
NotesPostingTf(double w)
{
	if (!(w > 0))
		return 0;
	if (w >= NOTES_POSTING_TF_MAX)
		return NOTES_POSTING_TF_MAX;
	return (uint8_t) ceil(w);
}

/* Order postings by hash. */
static int
NotesPostingCmp(const void *x, const void *y)
{
	const NotesPosting *a = x,
			   *b = y;

	return a->hash < b->hash ? -1 : a->hash > b->hash;
}

/* Sort by hash and merge equal hashes, keeping the larger count. */
int64_t
NotesPostingsMerge(NotesPosting *p, int64_t n)
{
	int64_t		i,
				k = 0;

	if (n <= 0)
		return 0;
	qsort(p, (size_t) n, sizeof(NotesPosting), NotesPostingCmp);
	for (i = 1; i < n; i++)
	{
		if (p[i].hash == p[k].hash)
		{
			if (p[i].tf > p[k].tf)
				p[k].tf = p[i].tf;
		}
		else
			p[++k] = p[i];
	}
	return k + 1;
}
