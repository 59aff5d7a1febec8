/*-------------------------------------------------------------------------
 *
 * notes_vec.h
 *	  The termvec sparse vector (plain C, no server headers): its on-disk
 *	  layout, construction from analysed tokens, the text-format parser,
 *	  cosine similarity, and the TF-IDF and BM25 mathematics.
 *
 *	  Layout (a varlena, 8-byte aligned):
 *	    int32 vl_len_; int32 n; int32 strbytes; int32 flags (0);
 *	    float8 weight[n]; uint32 end[n]; char terms[strbytes]
 *	  Terms are sorted bytewise (shorter first on a common prefix) and
 *	  distinct; term i spans terms[end[i-1] .. end[i]) (end[-1] = 0).
 *
 *-------------------------------------------------------------------------
 */
#ifndef NOTES_VEC_H
#define NOTES_VEC_H

#include <stddef.h>
#include <stdint.h>

#include "notes_text.h"

/* Longest term a termvec holds, in bytes (a bigram of two long words). */
#define NOTES_VEC_MAX_TERM 1024
/* Most terms in one termvec. */
#define NOTES_VEC_MAX_TERMS (64 * 1024 * 1024)

typedef struct NotesVec
{
	int32_t		vl_len_;
	int32_t		n;
	int32_t		strbytes;
	int32_t		flags;
	/* double weight[n]; uint32_t end[n]; char terms[strbytes] follow */
} NotesVec;

#define NOTESVEC_HDRSZ 16
#define NOTESVEC_WEIGHTS(v) ((double *) ((char *) (v) + NOTESVEC_HDRSZ))
#define NOTESVEC_ENDS(v) ((uint32_t *) (NOTESVEC_WEIGHTS(v) + (v)->n))
#define NOTESVEC_STRS(v) ((char *) (NOTESVEC_ENDS(v) + (v)->n))
#define NOTESVEC_TERM(v, i) (NOTESVEC_STRS(v) + ((i) == 0 ? 0 : NOTESVEC_ENDS(v)[(i) - 1]))
#define NOTESVEC_TERMLEN(v, i) (NOTESVEC_ENDS(v)[i] - ((i) == 0 ? 0 : NOTESVEC_ENDS(v)[(i) - 1]))

/* One (term, weight) pair while building. */
typedef struct NotesEntry
{
	const char *term;
	uint32_t	len;
	double		w;
} NotesEntry;

/* Compare two terms bytewise (shorter first on a common prefix). */
extern int	NotesTermCmp(const char *a, uint32_t alen, const char *b, uint32_t blen);

/* Sort entries by term; returns the index of a duplicate term or -1. */
extern int64_t NotesEntriesSort(NotesEntry *e, int64_t n);

/* Sort by term and merge duplicates, summing weights; returns the new n. */
extern int64_t NotesEntriesMerge(NotesEntry *e, int64_t n);

/*
 * Term counts of tokens: which = 0 all, 1 unigrams only, 2 bigrams only;
 * *out is allocated with mem (NULL when there are none).  Returns the
 * number of distinct terms or -1 on allocation failure.
 */
extern int64_t NotesCountTerms(const NotesTokens *tok, int which, int surface, NotesEntry **out, NotesMem *mem);

/* Size in bytes of the termvec of sorted entries (0 if too large). */
extern size_t NotesVecSize(const NotesEntry *e, int64_t n);

/* Write the termvec of sorted entries into dst (NotesVecSize bytes). */
extern void NotesVecWrite(NotesVec *dst, const NotesEntry *e, int64_t n);

/* Index of term in v, or -1. */
extern int64_t NotesVecFind(const NotesVec *v, const char *term, uint32_t len);

/* Cosine similarity (0 when either vector has no weight). */
extern double NotesVecCosine(const NotesVec *a, const NotesVec *b);

/* Check a termvec read from the wire or disk; returns NULL or an error text. */
extern const char *NotesVecCheck(const NotesVec *v, size_t size);

/* Is s[0..len) valid UTF-8? */
extern int	NotesUtf8Valid(const char *s, size_t len);

/*
 * Parse the text form: zero or more items 'term':weight separated by
 * white space; ':weight' may be left out (weight 1).  Terms are written
 * decoded into *buf (allocated with mem); entries point into it.  Returns
 * the number of entries, or -1 with *err set (and *errpos the byte offset).
 */
extern int64_t NotesVecParse(const char *s, size_t len, NotesEntry **entries, char **buf,
							 NotesMem *mem, const char **err, size_t *errpos);

/* TF-IDF settings, as scikit-learn's TfidfVectorizer. */
typedef enum NotesNorm
{
	NOTES_NORM_L2 = 0,
	NOTES_NORM_L1 = 1,
	NOTES_NORM_NONE = 2
} NotesNorm;

typedef struct NotesTfidfOpts
{
	int			smooth_idf;
	int			sublinear_tf;
	NotesNorm	norm;
} NotesTfidfOpts;

/* idf of a term in df of n documents (df > 0). */
extern double NotesIdf(double df, double n, int smooth);

/* tf part of a weight. */
extern double NotesTf(double count, int sublinear);

/* Normalise weights w[0..n) in place. */
extern void NotesNormalize(double *w, int64_t n, NotesNorm norm);

/* Lucene BM25 idf. */
extern double NotesBm25Idf(double df, double n);

/* BM25 term score for tf occurrences in a document of length dl. */
extern double NotesBm25Term(double idf, double tf, double dl, double avgdl, double k1, double b);

/*
 * Impact cells.  Every (note, term) pair falls in one of NOTES_CELLS cells
 * by the term's count tf (8 classes) and the note's length in words dl (32
 * classes, about 1.25 times apart).  The GIN index keys each term with its
 * cell, so that a search can read the notes where a term weighs most first
 * and bound what the notes it has not read can score.
 */
#define NOTES_CELLS 256

/* Cell of a term counted tf times in a note of dl words. */
extern int	NotesCellOf(double tf, double dl);

/*
 * Upper bound of the BM25 term score tf / (tf + k1 (1 - b + b dl / avgdl))
 * (times idf) over the cell, for any k1 >= 0 and 0 <= b <= 1.
 */
extern double NotesCellBound(int cell, double avgdl, double k1, double b);

/*
 * Length in words of the note of term counts v: the sum of the counts of
 * its terms without a space (bigrams have one).  Never more than the
 * note's length (a word that folds to text with a space is left out).
 */
extern double NotesVecWordLen(const NotesVec *v);

/*
 * Postings of a note: the 32-bit hashes of its terms, sorted, each with its
 * count capped at NOTES_POSTING_TF_MAX (which means "that many or more").
 * Two terms of one hash keep the larger count, so that a score computed
 * from the postings is never below the exact one.
 */
#define NOTES_POSTING_TF_MAX 255

typedef struct NotesPosting
{
	uint32_t	hash;
	uint8_t		tf;
} NotesPosting;

/* Postings count for a term weight (a count). */
extern uint8_t NotesPostingTf(double w);

/* Sort postings by hash and merge equal hashes (larger count); returns n. */
extern int64_t NotesPostingsMerge(NotesPosting *p, int64_t n);

#endif							/* NOTES_VEC_H */
