/*-------------------------------------------------------------------------
 *
 * notes.c
 *	  Unit tests of the notes room's plain-C code (no server): the sklearn
 *	  and clinical analysers (with a stand-in stemmer), the termvec text
 *	  parser and layout, cosine, and the TF-IDF / BM25 formulas.  Ends with
 *	  "N passed, N failed".
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notes/notes_text.h"
#include "notes/notes_vec.h"

#include "unit.h"

static void *
MAlloc(void *arg, size_t size)
{
	(void) arg;
	return malloc(size);
}

static void *
MGrow(void *arg, void *p, size_t size)
{
	(void) arg;
	return realloc(p, size);
}

static void
MFree(void *arg, void *p)
{
	(void) arg;
	free(p);
}

static NotesMem mem = {MAlloc, MGrow, MFree, NULL};

/* Stand-in stemmer: drops a final "s" (not "ss"). */
static int
StripS(void *arg, const char *w, int len, char *out, int outcap)
{
	(void) arg;
	if (len > 3 && len <= outcap && w[len - 1] == 's' && w[len - 2] != 's')
	{
		memcpy(out, w, len - 1);
		return len - 1;
	}
	return -1;
}

/* The analysed tokens joined with '|'. */
static char *
Joined(NotesAnalyzer *an, NotesAnalyzerKind kind, const char *text, size_t len)
{
	static char out[4096];
	NotesTokens tok;
	int			i;

	memset(&tok, 0, sizeof(tok));
	out[0] = '\0';
	if (NotesAnalyze(an, kind, text, len, &tok, &mem) != 0)
		strcpy(out, "<error>");
	for (i = 0; i < tok.n; i++)
	{
		if (i > 0)
			strncat(out, "|", sizeof(out) - strlen(out) - 1);
		strncat(out, tok.buf + tok.off[i], sizeof(out) - strlen(out) - 1);
	}
	NotesTokensFree(&tok, &mem);
	return out;
}

/* Expect the analysis of text to be want. */
static void
ExpectTerms(NotesAnalyzer *an, NotesAnalyzerKind kind, const char *text, const char *want)
{
	const char *got = Joined(an, kind, text, strlen(text));

	Check(strcmp(got, want) == 0, text);
	if (strcmp(got, want) != 0)
		printf("  got \"%.200s\", want \"%.200s\"\n", got, want);
}

static void
TestAnalyzers(void)
{
	NotesAnalyzer *an = NotesAnalyzerCreate(&mem, StripS, NULL);
	NotesTokens tok;

	Check(an != NULL, "analyser created");
	if (an == NULL)
		return;
	ExpectTerms(an, NOTES_SKLEARN, "A 23-year-old female, complaint of ALLERGIES.",
				"23|year|old|female|complaint|of|allergies");
	ExpectTerms(an, NOTES_SKLEARN, "x_y __ a1 b", "x_y|__|a1");
	ExpectTerms(an, NOTES_SKLEARN, "Größe CAFÉ naïve", "größe|café|naïve");
	ExpectTerms(an, NOTES_SKLEARN, "", "");
	/* Invalid UTF-8 bytes are separators. */
	ExpectTerms(an, NOTES_SKLEARN, "ab\xff\xfe" "cd \xc3", "ab|cd");
	ExpectTerms(an, NOTES_CLINICAL, "Pt s/p CABG, f/u in 2 weeks; edema 2+.",
				"pt|s/p|pt s/p|cabg|s/p cabg|f/u|week|f/u week|edema|2+|edema 2+");
	ExpectTerms(an, NOTES_CLINICAL, "The chest pains. Knees", "chest|pain|chest pain|knee");
	ExpectTerms(an, NOTES_CLINICAL, "No fever and COPD", "no|fever|no fever|copd|fever copd");
	ExpectTerms(an, NOTES_CLINICAL, "a I 7 12.5", "");
	ExpectTerms(an, NOTES_CLINICAL, "bad\xff\xc3 bytes", "bad|byte|bad byte");
	Check(NotesAnalyzerByName("clinical") == NOTES_CLINICAL && NotesAnalyzerByName("sklearn") == NOTES_SKLEARN &&
		  NotesAnalyzerByName("x") == -1, "analyser names");
	Check(NotesIsStopWord("the", 3) && !NotesIsStopWord("not", 3) && !NotesIsStopWord("knee", 4), "stop words");

	/* Document length counts unigrams only; surfaces are unstemmed. */
	memset(&tok, 0, sizeof(tok));
	Check(NotesAnalyze(an, NOTES_CLINICAL, "chest pains chest", 17, &tok, &mem) == 0, "analyse for length");
	Check(tok.nuni == 3 && tok.n == 5, "unigram count and bigrams");
	Check(tok.n >= 2 && strcmp(tok.buf + tok.surf[1], "pains") == 0 && strcmp(tok.buf + tok.off[1], "pain") == 0,
		  "surface form kept");
	NotesTokensFree(&tok, &mem);

	/* A long text spans several chunks of word-break segments. */
	{
		size_t		n = 200000,
					i;
		char	   *big = malloc(n + 1);

		for (i = 0; i < n; i++)
			big[i] = "knee pain. "[i % 11];
		big[n] = '\0';
		memset(&tok, 0, sizeof(tok));
		Check(NotesAnalyze(an, NOTES_CLINICAL, big, n, &tok, &mem) == 0, "long text analysed");
		Check(tok.nuni == (int) (2 * (n / 11) + (n % 11 >= 4) + (n % 11 >= 9)), "long text: every word");
		NotesTokensFree(&tok, &mem);
		free(big);
	}
	NotesAnalyzerFree(an, &mem);
}

/* Parse s into a termvec (malloc'd) or NULL. */
static NotesVec *
ParseVec(const char *s)
{
	NotesEntry *e;
	char	   *buf;
	const char *err;
	size_t		pos;
	int64_t		n = NotesVecParse(s, strlen(s), &e, &buf, &mem, &err, &pos);
	NotesVec   *v;
	size_t		size;

	if (n < 0)
		return NULL;
	if (NotesEntriesSort(e, n) >= 0)
	{
		free(e);
		free(buf);
		return NULL;
	}
	size = NotesVecSize(e, n);
	v = calloc(1, size);
	NotesVecWrite(v, e, n);
	v->vl_len_ = (int32_t) size;
	free(e);
	free(buf);
	return v;
}

static void
TestVec(void)
{
	NotesVec   *a = ParseVec("'b a':1.5 c:2 'it''s':-0.25 'x\\\\y':1e-3 solo");
	NotesVec   *b,
			   *c;

	Check(a != NULL && a->n == 5, "parse five terms");
	if (a == NULL)
		return;
	Check(NotesVecCheck(a, (size_t) a->vl_len_) == NULL, "parsed vector passes the check");
	Check(NOTESVEC_TERMLEN(a, 0) == 3 && memcmp(NOTESVEC_TERM(a, 0), "b a", 3) == 0, "sorted, first term");
	Check(NotesVecFind(a, "it's", 4) >= 0 && NotesVecFind(a, "x\\y", 3) >= 0 && NotesVecFind(a, "zz", 2) < 0,
		  "find terms, quotes and backslashes decoded");
	Check(NOTESVEC_WEIGHTS(a)[NotesVecFind(a, "solo", 4)] == 1.0, "default weight 1");
	Check(ParseVec("a:1 a:2") == NULL, "duplicate rejected");
	Check(ParseVec("'open") == NULL && ParseVec("a:nan") == NULL && ParseVec("a:inf") == NULL &&
		  ParseVec("a:1e400") == NULL && ParseVec("'':1") == NULL && ParseVec("a:") == NULL &&
		  ParseVec("a'b") == NULL && ParseVec("'\xff':1") == NULL, "bad input rejected");
	b = ParseVec("");
	Check(b != NULL && b->n == 0, "empty vector");
	Check(NotesVecCosine(a, b) == 0, "cosine with empty vector is 0");
	free(b);
	b = ParseVec("x:1 y:1");
	c = ParseVec("x:1 z:1");
	Check(fabs(NotesVecCosine(b, c) - 0.5) < 1e-15, "cosine 0.5");
	Check(fabs(NotesVecCosine(b, b) - 1.0) < 1e-15, "cosine with itself");
	/* Corrupt layouts are caught. */
	NOTESVEC_ENDS(b)[0] = 5;
	Check(NotesVecCheck(b, (size_t) b->vl_len_) != NULL, "bad bounds detected");
	Check(NotesVecCheck(c, 8) != NULL, "short size detected");
	free(a);
	free(b);
	free(c);
	Check(NotesUtf8Valid("caf\xc3\xa9", 5) && !NotesUtf8Valid("\xc3", 1) && !NotesUtf8Valid("\xed\xa0\x80", 3) &&
		  !NotesUtf8Valid("\xc0\xaf", 2), "UTF-8 validation");
}

static void
TestFormulas(void)
{
	double		w[3] = {3, 4, 0};

	Check(fabs(NotesIdf(1, 12, 1) - 2.871802176902) < 1e-12, "smooth idf as scikit-learn");
	Check(fabs(NotesIdf(1, 12, 0) - 3.484906649788) < 1e-12, "raw idf as scikit-learn");
	Check(NotesTf(1, 1) == 1 && fabs(NotesTf(3, 1) - (1 + log(3))) < 1e-15 && NotesTf(3, 0) == 3, "tf");
	NotesNormalize(w, 3, NOTES_NORM_L2);
	Check(fabs(w[0] - 0.6) < 1e-15 && fabs(w[1] - 0.8) < 1e-15 && w[2] == 0, "l2 norm");
	NotesNormalize(w, 3, NOTES_NORM_L1);
	Check(fabs(w[0] - 0.6 / 1.4) < 1e-15, "l1 norm");
	/* Lucene: one document of 12 holding "allergies" once, length 10 of avg 10.333. */
	Check(fabs(NotesBm25Term(NotesBm25Idf(1, 12), 1, 10, 124.0 / 12, 1.2, 0.75) - 0.994710426894) < 1e-11,
		  "BM25 as Lucene 8");
	Check(NotesBm25Term(1, 0, 10, 10, 1.2, 0.75) == 0, "BM25 of an absent term");
}

int
main(void)
{
	TestAnalyzers();
	TestVec();
	TestFormulas();
	return UnitReport();
}
