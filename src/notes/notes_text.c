/*-------------------------------------------------------------------------
 *
 * notes_text.c
 *	  Referral-note analysers.  Plain C with ICU, no server headers: the
 *	  caller supplies the allocator and, for the clinical analyser, the
 *	  stemmer (the server passes PostgreSQL's Snowball English stemmer
 *	  through the text-search dictionary API), so this file is unit-tested
 *	  and fuzzed outside the server.
 *
 *	  clinical: ICU word breaks over the text; each word NFKC case folded;
 *	  English stop words dropped (but "no", "nor", "not" kept, negation
 *	  matters in notes); numbers and single letters dropped; shorthand kept
 *	  whole (letter/letter such as f/u, s/p, r/o, h/o, n/v; grades such as
 *	  2+; words with digits such as b12; upper-case acronyms of 2 to 4
 *	  letters such as CHF, COPD); every other word stemmed.  Each kept word
 *	  is a unigram; two consecutive kept words within a sentence (stop
 *	  words in between are skipped, as scikit-learn does) make a bigram
 *	  "w1 w2".
 *
 *	  sklearn: the text lower-cased (full Unicode mapping, as Python's
 *	  str.lower), then every maximal run of two or more word characters
 *	  (Python's \w: letters, numbers, underscore) is a token.
 *
 *-------------------------------------------------------------------------
 */
#include "notes_text.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define STEM_SLOTS 16384
#define STEM_W 31
#define SEG_CHUNK 4096

/* One slot of the direct-mapped cache of stems. */
typedef struct StemSlot
{
	uint32_t	hash;
	uint8_t		wlen;			/* 0: empty */
	uint8_t		slen;			/* 255: keep the word unchanged */
	char		w[STEM_W];
	char		s[STEM_W];
} StemSlot;

struct NotesAnalyzer
{
	UBreakIterator *brk;
	const UNormalizer2 *nfkc_cf;
	NotesStemFn stem;
	void	   *stem_arg;
	StemSlot   *cache;
};

/* A word-break segment of the UTF-16 text. */
typedef struct Seg
{
	int32_t		start;
	int32_t		end;
	int32_t		word;			/* 1 if a word segment */
} Seg;

/*
 * PostgreSQL's English stop list (snowball english.stop) without "no",
 * "nor" and "not".
 */
static const char *const stop_words[] = {
	"a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
	"as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
	"by", "can", "did", "do", "does", "doing", "don", "down", "during", "each", "few", "for",
	"from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
	"him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
	"me", "more", "most", "my", "myself", "now", "of", "off", "on", "once", "only", "or",
	"other", "our", "ours", "ourselves", "out", "over", "own", "s", "same", "she", "should",
	"so", "some", "such", "t", "than", "that", "the", "their", "theirs", "them", "themselves",
	"then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
	"up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
	"why", "will", "with", "you", "your", "yours", "yourself", "yourselves"
};

/* Open-addressing hash table of the stop list (built on first use). */
#define STOP_SLOTS 512
static int16_t stop_slot[STOP_SLOTS];	/* index + 1 into stop_words; 0 empty */
static uint8_t stop_len[sizeof(stop_words) / sizeof(stop_words[0])];
static int	stop_ready = 0;

/* FNV-1a hash of a word. */
static inline uint32_t
StopHash(const char *w, int len)
{
	uint32_t	h = 2166136261u;
	int			i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t) w[i]) * 16777619u;
	return h;
}

/* Fill the stop-word hash table. */
static void
StopInit(void)
{
	int			i;

	for (i = 0; i < (int) (sizeof(stop_words) / sizeof(stop_words[0])); i++)
	{
		int			len = (int) strlen(stop_words[i]);
		uint32_t	h = StopHash(stop_words[i], len) % STOP_SLOTS;

		stop_len[i] = (uint8_t) len;
		while (stop_slot[h] != 0)
			h = (h + 1) % STOP_SLOTS;
		stop_slot[h] = (int16_t) (i + 1);
	}
	stop_ready = 1;
}

/* Is word one of the stop words? */
int
NotesIsStopWord(const char *word, int len)
{
	uint32_t	h;

	if (len <= 0 || len >= 16)
		return 0;
	if (!stop_ready)
		StopInit();
	for (h = StopHash(word, len) % STOP_SLOTS; stop_slot[h] != 0; h = (h + 1) % STOP_SLOTS)
	{
		int			i = stop_slot[h] - 1;

		if (stop_len[i] == len && memcmp(stop_words[i], word, len) == 0)
			return 1;
	}
	return 0;
}

/* Analyser by name; -1 if unknown. */
int
NotesAnalyzerByName(const char *name)
{
	if (strcmp(name, "clinical") == 0)
		return NOTES_CLINICAL;
	if (strcmp(name, "sklearn") == 0)
		return NOTES_SKLEARN;
	return -1;
}

/* Create the reusable analyser state (ICU break iterator, stem cache). */
NotesAnalyzer *
NotesAnalyzerCreate(NotesMem *mem, NotesStemFn stem, void *stem_arg)
{
	NotesAnalyzer *an;
	UErrorCode	err = U_ZERO_ERROR;

	an = mem->alloc(mem->arg, sizeof(NotesAnalyzer));
	if (an == NULL)
		return NULL;
	memset(an, 0, sizeof(*an));
	an->cache = mem->alloc(mem->arg, sizeof(StemSlot) * STEM_SLOTS);
	if (an->cache == NULL)
	{
		mem->release(mem->arg, an);
		return NULL;
	}
	memset(an->cache, 0, sizeof(StemSlot) * STEM_SLOTS);
	an->brk = ubrk_open(UBRK_WORD, "en", NULL, 0, &err);
	if (U_SUCCESS(err))
		an->nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
	if (U_FAILURE(err))
	{
		if (an->brk)
			ubrk_close(an->brk);
		mem->release(mem->arg, an->cache);
		mem->release(mem->arg, an);
		return NULL;
	}
	an->stem = stem;
	an->stem_arg = stem_arg;
	return an;
}

/* Change the stemmer (clears the stem cache). */
void
NotesAnalyzerSetStemmer(NotesAnalyzer *an, NotesStemFn stem, void *stem_arg)
{
	an->stem = stem;
	an->stem_arg = stem_arg;
	memset(an->cache, 0, sizeof(StemSlot) * STEM_SLOTS);
}

/* Free the analyser state. */
void
NotesAnalyzerFree(NotesAnalyzer *an, NotesMem *mem)
{
	if (an == NULL)
		return;
	if (an->brk)
		ubrk_close(an->brk);
	mem->release(mem->arg, an->cache);
	mem->release(mem->arg, an);
}

/* Free the arrays of tok. */
void
NotesTokensFree(NotesTokens *tok, NotesMem *mem)
{
	if (tok->buf)
		mem->release(mem->arg, tok->buf);
	if (tok->off)
		mem->release(mem->arg, tok->off);
	if (tok->surf)
		mem->release(mem->arg, tok->surf);
	if (tok->bigram)
		mem->release(mem->arg, tok->bigram);
	memset(tok, 0, sizeof(*tok));
}

/* Make room for extra bytes in tok->buf. */
static int
BufReserve(NotesTokens *tok, NotesMem *mem, size_t extra)
{
	size_t		need = tok->buflen + extra;

	if (need <= tok->bufcap)
		return 0;
	{
		size_t		cap = tok->bufcap ? tok->bufcap : 4096;
		char	   *nb;

		while (cap < need)
			cap *= 2;
		nb = tok->buf ? mem->grow(mem->arg, tok->buf, cap) : mem->alloc(mem->arg, cap);
		if (nb == NULL)
			return -1;
		tok->buf = nb;
		tok->bufcap = cap;
	}
	return 0;
}

/* Append bytes (and a NUL) to tok->buf; returns the offset or -1. */
static int64_t
BufAppend(NotesTokens *tok, NotesMem *mem, const char *s, size_t len)
{
	size_t		at = tok->buflen;

	if (tok->buflen + len + 1 > 0xFFFFFFF0u || BufReserve(tok, mem, len + 1) != 0)
	{
		tok->failed = 1;
		return -1;
	}
	memcpy(tok->buf + at, s, len);
	tok->buf[at + len] = '\0';
	tok->buflen += len + 1;
	return (int64_t) at;
}

/* Record token (term at off, surface at surf) in tok. */
static int
TokPush(NotesTokens *tok, NotesMem *mem, uint32_t off, uint32_t surf, int bigram)
{
	if (tok->n == tok->cap)
	{
		int			cap = tok->cap ? tok->cap * 2 : 256;
		uint32_t   *o,
				   *s;
		uint8_t    *b;

		if (cap > (1 << 28))
		{
			tok->failed = 1;
			return -1;
		}
		o = tok->off ? mem->grow(mem->arg, tok->off, cap * sizeof(uint32_t)) : mem->alloc(mem->arg, cap * sizeof(uint32_t));
		if (o == NULL)
			goto fail;
		tok->off = o;
		s = tok->surf ? mem->grow(mem->arg, tok->surf, cap * sizeof(uint32_t)) : mem->alloc(mem->arg, cap * sizeof(uint32_t));
		if (s == NULL)
			goto fail;
		tok->surf = s;
		b = tok->bigram ? mem->grow(mem->arg, tok->bigram, cap) : mem->alloc(mem->arg, cap);
		if (b == NULL)
			goto fail;
		tok->bigram = b;
		tok->cap = cap;
	}
	tok->off[tok->n] = off;
	tok->surf[tok->n] = surf;
	tok->bigram[tok->n] = (uint8_t) bigram;
	tok->n++;
	if (!bigram)
		tok->nuni++;
	return 0;
fail:
	tok->failed = 1;
	return -1;
}

/* Length of s cut to at most max bytes at a UTF-8 character boundary. */
static size_t
Utf8Cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	len = max;
	while (len > 0 && (((unsigned char) s[len]) & 0xC0) == 0x80)
		len--;
	return len;
}

/* Python's \w for str patterns: letters, numbers, underscore. */
static int
PyWordChar(UChar32 c)
{
	if (c < 128)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
	switch (u_charType(c))
	{
		case U_UPPERCASE_LETTER:
		case U_LOWERCASE_LETTER:
		case U_TITLECASE_LETTER:
		case U_MODIFIER_LETTER:
		case U_OTHER_LETTER:
		case U_DECIMAL_DIGIT_NUMBER:
		case U_LETTER_NUMBER:
		case U_OTHER_NUMBER:
			return 1;
		default:
			break;
	}
	return u_getIntPropertyValue(c, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

/* Emit a unigram whose term and surface are the same bytes. */
static int
EmitSame(NotesTokens *tok, NotesMem *mem, const char *s, size_t len)
{
	int64_t		at = BufAppend(tok, mem, s, Utf8Cut(s, len, NOTES_MAX_TERM));

	if (at < 0)
		return -1;
	return TokPush(tok, mem, (uint32_t) at, (uint32_t) at, 0);
}

/* Convert UTF-8 to UTF-16 (invalid sequences become U+FFFD). */
static UChar *
ToUtf16(const char *text, size_t len, int32_t *ulen, NotesMem *mem)
{
	UErrorCode	err = U_ZERO_ERROR;
	UChar	   *u;

	if (len >= (size_t) INT32_MAX / 2 - 1)
		return NULL;
	u = mem->alloc(mem->arg, (len + 1) * sizeof(UChar));
	if (u == NULL)
		return NULL;
	u_strFromUTF8WithSub(u, (int32_t) len + 1, ulen, text, (int32_t) len, 0xFFFD, NULL, &err);
	if (U_FAILURE(err))
	{
		mem->release(mem->arg, u);
		return NULL;
	}
	return u;
}

/* The sklearn analyser. */
static int
AnalyzeSklearn(const char *text, size_t len, NotesTokens *tok, NotesMem *mem)
{
	size_t		i;
	int			ascii = 1;

	for (i = 0; i < len; i++)
		if ((unsigned char) text[i] >= 128 || text[i] == '\0')
		{
			ascii = 0;
			break;
		}
	if (ascii)
	{
		char		word[NOTES_MAX_TERM];

		i = 0;
		while (i < len)
		{
			size_t		start,
						n = 0;

			if (!PyWordChar((unsigned char) text[i]))
			{
				i++;
				continue;
			}
			start = i;
			while (i < len && PyWordChar((unsigned char) text[i]))
			{
				if (n < sizeof(word))
				{
					char		c = text[i];

					word[n++] = (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
				}
				i++;
			}
			if (i - start >= 2 && EmitSame(tok, mem, word, n) != 0)
				return -1;
		}
		return 0;
	}
	else
	{
		int32_t		ulen = 0,
					llen,
					p = 0;
		UChar	   *u = ToUtf16(text, len, &ulen, mem);
		UChar	   *low;
		UErrorCode	err = U_ZERO_ERROR;
		char		word[NOTES_MAX_TERM * 4 + 8];

		if (u == NULL)
			return -1;
		/* Full lower-case mapping can grow the text: preflight. */
		llen = u_strToLower(NULL, 0, u, ulen, "", &err);
		if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
		{
			mem->release(mem->arg, u);
			return -1;
		}
		err = U_ZERO_ERROR;
		low = mem->alloc(mem->arg, ((size_t) llen + 1) * sizeof(UChar));
		if (low == NULL)
		{
			mem->release(mem->arg, u);
			return -1;
		}
		u_strToLower(low, llen + 1, u, ulen, "", &err);
		mem->release(mem->arg, u);
		if (U_FAILURE(err))
		{
			mem->release(mem->arg, low);
			return -1;
		}
		while (p < llen)
		{
			int32_t		start = p,
						q = p,
						ncp = 0;
			UChar32		c;

			U16_NEXT(low, q, llen, c);
			if (!PyWordChar(c))
			{
				p = q;
				continue;
			}
			p = q;
			ncp = 1;
			while (p < llen)
			{
				q = p;
				U16_NEXT(low, q, llen, c);
				if (!PyWordChar(c))
					break;
				p = q;
				ncp++;
			}
			if (ncp >= 2)
			{
				int32_t		wl = 0;
				int32_t		ul = p - start;

				err = U_ZERO_ERROR;
				if (ul > NOTES_MAX_TERM)
				{
					ul = NOTES_MAX_TERM;
					if (U16_IS_LEAD(low[start + ul - 1]))
						ul--;
				}
				u_strToUTF8(word, (int32_t) sizeof(word), &wl, low + start, ul, &err);
				if (U_FAILURE(err) || EmitSame(tok, mem, word, (size_t) wl) != 0)
				{
					mem->release(mem->arg, low);
					return -1;
				}
			}
		}
		mem->release(mem->arg, low);
		return 0;
	}
}

/* FNV-1a hash of a word. */
static uint32_t
WordHash(const char *s, int len)
{
	uint32_t	h = 2166136261u;
	int			i;

	for (i = 0; i < len; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	return h;
}

/* Stem word (len bytes) into out through the cache; returns the length. */
static int
StemWord(NotesAnalyzer *an, const char *w, int len, char *out, int outcap)
{
	uint32_t	h;
	StemSlot   *slot = NULL;
	int			r;

	if (an->stem == NULL)
		goto keep;
	if (len < STEM_W)
	{
		h = WordHash(w, len);
		slot = &an->cache[h & (STEM_SLOTS - 1)];
		if (slot->wlen == len && slot->hash == h && memcmp(slot->w, w, len) == 0)
		{
			if (slot->slen == 255)
				goto keep;
			memcpy(out, slot->s, slot->slen);
			return slot->slen;
		}
	}
	r = an->stem(an->stem_arg, w, len, out, outcap);
	if (r < 0 || r > outcap || r == 0)
		r = -1;
	if (slot != NULL && (r < 0 || r < STEM_W))
	{
		slot->hash = WordHash(w, len);
		slot->wlen = (uint8_t) len;
		memcpy(slot->w, w, len);
		if (r < 0)
			slot->slen = 255;
		else
		{
			slot->slen = (uint8_t) r;
			memcpy(slot->s, out, r);
		}
	}
	if (r >= 0)
		return r;
keep:
	if (len > outcap)
		len = outcap;
	memcpy(out, w, len);
	return len;
}

/* Is segment s exactly the one ASCII character ch? */
static int
SegIs(const UChar *u, const Seg *s, UChar ch)
{
	return s->end - s->start == 1 && u[s->start] == ch;
}

/* Segment of 1 to maxn characters of the class (1 letters, 2 digits)? */
static int
SegShort(const UChar *u, const Seg *s, int cls, int maxn)
{
	int32_t		p = s->start,
				n = 0;

	if (!s->word)
		return 0;
	while (p < s->end)
	{
		UChar32		c;

		U16_NEXT(u, p, s->end, c);
		if (cls == 1 ? !u_isalpha(c) : !u_isdigit(c))
			return 0;
		if (++n > maxn)
			return 0;
	}
	return n > 0;
}

/*
 * Case fold u[start..end) into UTF-8 word (at most wcap bytes, cut at a
 * character boundary); returns its byte length or -1.  A long word is cut:
 * the input to NOTES_MAX_TERM code units (fewer while its folded form does
 * not fit), the UTF-8 result to wcap bytes.
 */
static int
FoldUtf8(NotesAnalyzer *an, const UChar *u, int32_t start, int32_t end, char *word, int wcap)
{
	UChar		norm[NOTES_MAX_TERM * 2];
	char		utf8[NOTES_MAX_TERM * 2 * 3 + 4];	/* <= 3 bytes per UTF-16 unit */
	UErrorCode	err;
	int32_t		nl,
				wl = 0,
				ul = end - start;
	size_t		cut;

	if (ul > NOTES_MAX_TERM)
		ul = NOTES_MAX_TERM;
	for (;;)
	{
		if (ul > 1 && U16_IS_LEAD(u[start + ul - 1]))
			ul--;
		err = U_ZERO_ERROR;
		nl = unorm2_normalize(an->nfkc_cf, u + start, ul, norm, (int32_t) (sizeof(norm) / sizeof(UChar)), &err);
		if (err != U_BUFFER_OVERFLOW_ERROR || ul <= 1)
			break;
		ul /= 2;				/* the folded form expands: fold less */
	}
	if (U_FAILURE(err))
		return -1;
	u_strToUTF8(utf8, (int32_t) sizeof(utf8), &wl, norm, nl, &err);
	if (U_FAILURE(err) && err != U_STRING_NOT_TERMINATED_WARNING)
		return -1;
	cut = Utf8Cut(utf8, (size_t) wl, (size_t) (wcap < NOTES_MAX_TERM ? wcap : NOTES_MAX_TERM));
	memcpy(word, utf8, cut);
	return (int) cut;
}

/* Does the non-word segment end a sentence (for bigrams)? */
static int
SegEndsSentence(const UChar *u, const Seg *s)
{
	int32_t		p;

	for (p = s->start; p < s->end; p++)
	{
		UChar		c = u[p];

		if (c == '.' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\n' || c == '\r' ||
			c == '(' || c == ')' || c == ',')
			return 1;
	}
	return 0;
}

/* The clinical analyser. */
static int
AnalyzeClinical(NotesAnalyzer *an, const char *text, size_t len, NotesTokens *tok, NotesMem *mem)
{
	int32_t		ulen = 0;
	UChar	   *u;
	UErrorCode	err = U_ZERO_ERROR;
	Seg		   *segs;
	int32_t		nseg = 0,
				prev,
				cur,
				i;
	int64_t		prev_term = -1,
				prev_surf = -1;
	int			rc = -1,
				brk_done = 0;

	if (len == 0)
		return 0;
	u = ToUtf16(text, len, &ulen, mem);
	if (u == NULL)
		return -1;
	segs = mem->alloc(mem->arg, SEG_CHUNK * sizeof(Seg));
	if (segs == NULL)
	{
		mem->release(mem->arg, u);
		return -1;
	}
	ubrk_setText(an->brk, u, ulen, &err);
	if (U_FAILURE(err))
		goto done;
	prev = ubrk_first(an->brk);
	i = 0;

refill:
	/* Keep the unprocessed tail (shorthand looks two segments ahead). */
	if (i > 0)
	{
		memmove(segs, segs + i, (nseg - i) * sizeof(Seg));
		nseg -= i;
		i = 0;
	}
	while (!brk_done && nseg < SEG_CHUNK)
	{
		int32_t		st;

		cur = ubrk_next(an->brk);
		if (cur == UBRK_DONE)
		{
			brk_done = 1;
			break;
		}
		st = ubrk_getRuleStatus(an->brk);
		segs[nseg].start = prev;
		segs[nseg].end = cur;
		segs[nseg].word = (st >= UBRK_WORD_NONE_LIMIT);
		nseg++;
		prev = cur;
	}

	for (; i < nseg && (brk_done || i + 2 < nseg); i++)
	{
		char		word[NOTES_MAX_TERM * 2 + 8];
		char		stem[NOTES_MAX_TERM + 8];
		int			wl,
					sl,
					nletters = 0,
					ndigits = 0,
					nupper = 0,
					ncp = 0,
					keep_whole = 0;
		int32_t		p;
		int64_t		t_at,
					s_at;

		if (!segs[i].word)
		{
			if (SegEndsSentence(u, &segs[i]))
				prev_term = -1;
			continue;
		}
		/* Shorthand: letter/letter (f/u, s/p, r/o) and grades (2+). */
		if (i + 2 < nseg && SegShort(u, &segs[i], 1, 2) && SegIs(u, &segs[i + 1], '/') &&
			SegShort(u, &segs[i + 2], 1, 2))
		{
			int			a = FoldUtf8(an, u, segs[i].start, segs[i].end, word, NOTES_MAX_TERM),
						b;

			if (a < 0)
				goto done;
			word[a] = '/';
			b = FoldUtf8(an, u, segs[i + 2].start, segs[i + 2].end, word + a + 1, NOTES_MAX_TERM);
			if (b < 0)
				goto done;
			wl = a + 1 + b;
			memcpy(stem, word, wl);
			sl = wl;
			i += 2;
			goto emit;
		}
		if (i + 1 < nseg && SegShort(u, &segs[i], 2, 2) && SegIs(u, &segs[i + 1], '+'))
		{
			wl = FoldUtf8(an, u, segs[i].start, segs[i].end, word, NOTES_MAX_TERM);
			if (wl < 0)
				goto done;
			word[wl++] = '+';
			memcpy(stem, word, wl);
			sl = wl;
			i += 1;
			goto emit;
		}
		p = segs[i].start;
		while (p < segs[i].end)
		{
			UChar32		c;

			U16_NEXT(u, p, segs[i].end, c);
			ncp++;
			if (u_isalpha(c))
			{
				nletters++;
				if (u_isupper(c))
					nupper++;
			}
			else if (u_isdigit(c))
				ndigits++;
		}
		if (nletters == 0 || ncp < 2)
			continue;			/* numbers and single letters */
		wl = FoldUtf8(an, u, segs[i].start, segs[i].end, word, NOTES_MAX_TERM);
		if (wl < 0)
			goto done;
		if (wl == 0 || NotesIsStopWord(word, wl))
			continue;
		if (ndigits > 0 || (nupper == nletters && nletters >= 2 && nletters <= 4 && ncp == nletters))
			keep_whole = 1;
		if (keep_whole)
		{
			memcpy(stem, word, wl);
			sl = wl;
		}
		else
			sl = StemWord(an, word, wl, stem, NOTES_MAX_TERM);
emit:
		s_at = BufAppend(tok, mem, word, wl);
		if (s_at < 0)
			goto done;
		if (sl == wl && memcmp(stem, word, wl) == 0)
			t_at = s_at;
		else if ((t_at = BufAppend(tok, mem, stem, sl)) < 0)
			goto done;
		if (TokPush(tok, mem, (uint32_t) t_at, (uint32_t) s_at, 0) != 0)
			goto done;
		if (prev_term >= 0)
		{
			size_t		pl = strlen(tok->buf + prev_term),
						psl = strlen(tok->buf + prev_surf);
			int64_t		b_at,
						bs_at;

			if (BufReserve(tok, mem, 2 * (pl + psl + sl + wl + 4)) != 0)
			{
				tok->failed = 1;
				goto done;
			}
			b_at = (int64_t) tok->buflen;
			memcpy(tok->buf + tok->buflen, tok->buf + prev_term, pl);
			tok->buf[tok->buflen + pl] = ' ';
			memcpy(tok->buf + tok->buflen + pl + 1, tok->buf + t_at, sl);
			tok->buf[tok->buflen + pl + 1 + sl] = '\0';
			tok->buflen += pl + sl + 2;
			bs_at = (int64_t) tok->buflen;
			memcpy(tok->buf + tok->buflen, tok->buf + prev_surf, psl);
			tok->buf[tok->buflen + psl] = ' ';
			memcpy(tok->buf + tok->buflen + psl + 1, tok->buf + s_at, wl);
			tok->buf[tok->buflen + psl + 1 + wl] = '\0';
			tok->buflen += psl + wl + 2;
			if (TokPush(tok, mem, (uint32_t) b_at, (uint32_t) bs_at, 1) != 0)
				goto done;
		}
		prev_term = t_at;
		prev_surf = s_at;
	}
	if (!brk_done || i < nseg)
		goto refill;
	rc = 0;
done:
	/* Drop the iterator's reference to u before u is freed. */
	err = U_ZERO_ERROR;
	ubrk_setText(an->brk, NULL, 0, &err);
	mem->release(mem->arg, segs);
	mem->release(mem->arg, u);
	return rc;
}

/* Analyse UTF-8 text with the given analyser into tok. */
int
NotesAnalyze(NotesAnalyzer *an, NotesAnalyzerKind kind, const char *text, size_t len,
			 NotesTokens *tok, NotesMem *mem)
{
	int			rc;

	if (kind == NOTES_SKLEARN)
		rc = AnalyzeSklearn(text, len, tok, mem);
	else
		rc = AnalyzeClinical(an, text, len, tok, mem);
	if (tok->failed)
		rc = -1;
	return rc;
}
