/*-------------------------------------------------------------------------
 *
 * notes_text.h
 *	  Referral-note analysers (plain C, ICU, no server headers): the
 *	  clinical analyser (ICU word breaks, NFKC case folding, stop words,
 *	  stemming through a caller-supplied stemmer, clinical shorthand kept
 *	  whole, word bigrams) and the sklearn analyser (scikit-learn's default
 *	  token pattern (?u)\b\w\w+\b over the lower-cased text).
 *
 *-------------------------------------------------------------------------
 */
#ifndef NOTES_TEXT_H
#define NOTES_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Allocator supplied by the caller: palloc in the server, malloc in tests. */
typedef struct NotesMem
{
	void	   *(*alloc) (void *arg, size_t size);
	void	   *(*grow) (void *arg, void *ptr, size_t size);
	void		(*release) (void *arg, void *ptr);
	void	   *arg;
} NotesMem;

/* Largest term kept, in bytes; longer words are cut at a character boundary. */
#define NOTES_MAX_TERM 256

typedef enum NotesAnalyzerKind
{
	NOTES_CLINICAL = 0,
	NOTES_SKLEARN = 1
} NotesAnalyzerKind;

/*
 * Stemmer: writes the stem of word[0..len) into out (capacity outcap) and
 * returns its length, or returns -1 to keep the word unchanged.
 */
typedef int (*NotesStemFn) (void *arg, const char *word, int len, char *out, int outcap);

/* The analysed tokens of one text, in reading order. */
typedef struct NotesTokens
{
	char	   *buf;			/* term bytes, each NUL-terminated */
	size_t		buflen;
	size_t		bufcap;
	uint32_t   *off;			/* start of token i in buf */
	uint32_t   *surf;			/* start of token i's surface form in buf */
	uint8_t    *bigram;			/* 1 when token i is a word bigram */
	int			n;
	int			cap;
	int			nuni;			/* unigram tokens: the document length */
	int			failed;			/* allocation failed */
} NotesTokens;

typedef struct NotesAnalyzer NotesAnalyzer;

/* Create (once per backend) and free the reusable analyser state. */
extern NotesAnalyzer *NotesAnalyzerCreate(NotesMem *mem, NotesStemFn stem, void *stem_arg);
extern void NotesAnalyzerSetStemmer(NotesAnalyzer *an, NotesStemFn stem, void *stem_arg);
extern void NotesAnalyzerFree(NotesAnalyzer *an, NotesMem *mem);

/* Analyser by name ("clinical", "sklearn"); -1 if unknown. */
extern int	NotesAnalyzerByName(const char *name);

/*
 * Analyse len bytes of UTF-8 text (invalid sequences count as separators)
 * into tok (which must be zeroed or reset by the caller).  Returns 0, or -1
 * on allocation failure or an ICU failure.
 */
extern int	NotesAnalyze(NotesAnalyzer *an, NotesAnalyzerKind kind, const char *text, size_t len,
						 NotesTokens *tok, NotesMem *mem);

/* Free the arrays of tok. */
extern void NotesTokensFree(NotesTokens *tok, NotesMem *mem);

/* Is word (NUL-terminated, case folded) one of the clinical stop words? */
extern int	NotesIsStopWord(const char *word, int len);

#endif							/* NOTES_TEXT_H */
