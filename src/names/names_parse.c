/*-------------------------------------------------------------------------
 *
 * names_parse.c
 *	  The clinician name parser (see names_parse.h).
 *
 *	  Tokens are split on white space, control characters and commas;
 *	  quoted or parenthesised text is the nickname.  Each token gets a key
 *	  (normalised, letters and digits only) that classifies it as title,
 *	  generational suffix, credential, surname particle, initial or name.
 *	  Names then fall into given, middle and family by form: "Family,
 *	  Given Middle" when a comma separates name words, otherwise "Given
 *	  Middle [particles] Family", with "FAMILY GIVEN I" recognised when the
 *	  last word is an initial, and a lone word placed by the built-in
 *	  lexicon (names_lexicon.c).
 *
 *-------------------------------------------------------------------------
 */
#include "names/names_parse.h"

#include <stdlib.h>
#include <string.h>

#define NAMES_MAX_TOKENS (NAMES_MAX_BYTES / 2 + 2)
#define NAMES_KEY_MAX 48
/* Lexicon count of about the 100th commonest US surname. */
#define NAMES_VERY_COMMON_SURNAME 1000

/* Token classes. */
#define TK_NAME 0
#define TK_TITLE 1
#define TK_SUFFIX 2
#define TK_CRED 3

typedef struct NamesTok
{
	const char *cred;			/* canonical credential, or NULL */
	bool		is_suffix;
	bool		is_title;
	int			ds;				/* display start in the input */
	int			dl;				/* display length */
	int			seg;			/* comma segment */
	bool		nick;
	bool		conj;			/* "&", "and" or "or" comes before it */
	bool		join_y;			/* the "y" of "Garcia y Vega" */
	int			cls;
	int			norm_off;		/* normalised form, in scratch */
	int			norm_len;
	char		key[NAMES_KEY_MAX];
	int			keylen;
} NamesTok;

/* A table entry mapping a key to its canonical spelling. */
typedef struct NamesCanon
{
	const char *key;
	const char *disp;
} NamesCanon;

static const NamesCanon names_titles[] = {
	{"dr", "Dr."}, {"doctor", "Dr."}, {"drs", "Dr."}, {"mr", "Mr."}, {"mrs", "Mrs."},
	{"ms", "Ms."}, {"miss", "Miss"}, {"mx", "Mx."}, {"prof", "Prof."}, {"professor", "Prof."},
	{"rev", "Rev."}, {"reverend", "Rev."}, {"fr", "Fr."}, {"father", "Fr."},
	{"sister", "Sister"}, {"hon", "Hon."}, {"sir", "Sir"}, {"dame", "Dame"},
	{"rabbi", "Rabbi"}, {"pastor", "Pastor"}, {"capt", "Capt."}, {"col", "Col."},
	{"maj", "Maj."}, {"lt", "Lt."}, {"gen", "Gen."}, {"doctors", "Dr."},
	{"judge", "Judge"}, {"senator", "Senator"}, {"congressman", "Rep."},
	{"congresswoman", "Rep."}, {"representative", "Rep."}, {"rep", "Rep."},
	{"mayor", "Mayor"}, {"alderman", "Ald."}, {"ald", "Ald."}, {"governor", "Gov."},
	{"gov", "Gov."}, {"state", "State"}, {"attorney", "Atty."}, {"atty", "Atty."},
	{NULL, NULL}
};

static const NamesCanon names_suffixes[] = {
	{"jr", "Jr."}, {"junior", "Jr."}, {"sr", "Sr."}, {"senior", "Sr."},
	{"ii", "II"}, {"iii", "III"}, {"iv", "IV"}, {"2nd", "II"}, {"3rd", "III"},
	{"4th", "IV"}, {"v", "V"}, {"vi", "VI"}, {NULL, NULL}
};

/* Credentials; those that are also common words or names are ambiguous. */
static const NamesCanon names_creds[] = {
	{"md", "MD"}, {"do", "DO"}, {"mbbs", "MBBS"}, {"mbchb", "MBChB"}, {"phd", "PhD"},
	{"pharmd", "PharmD"}, {"psyd", "PsyD"}, {"edd", "EdD"}, {"dnp", "DNP"}, {"dds", "DDS"},
	{"dmd", "DMD"}, {"dpm", "DPM"}, {"dpt", "DPT"}, {"dc", "DC"}, {"od", "OD"}, {"dvm", "DVM"},
	{"np", "NP"}, {"npc", "NP-C"}, {"fnp", "FNP"}, {"fnpc", "FNP-C"}, {"fnpbc", "FNP-BC"},
	{"anp", "ANP"}, {"anpbc", "ANP-BC"}, {"acnp", "ACNP"}, {"agacnp", "AGACNP"},
	{"agpcnp", "AGPCNP"}, {"pmhnp", "PMHNP"}, {"cpnp", "CPNP"}, {"whnp", "WHNP"},
	{"aprn", "APRN"}, {"crnp", "CRNP"}, {"cnm", "CNM"}, {"crna", "CRNA"}, {"cns", "CNS"},
	{"pa", "PA"}, {"pac", "PA-C"}, {"rn", "RN"}, {"bsn", "BSN"}, {"msn", "MSN"},
	{"lpn", "LPN"}, {"lvn", "LVN"}, {"pt", "PT"}, {"ot", "OT"}, {"otr", "OTR"},
	{"otrl", "OTR/L"}, {"slp", "SLP"}, {"cccslp", "CCC-SLP"}, {"aud", "AuD"}, {"audd", "AuD"},
	{"rd", "RD"}, {"rdn", "RDN"}, {"ld", "LD"}, {"cde", "CDE"}, {"lcsw", "LCSW"},
	{"licsw", "LICSW"}, {"lmsw", "LMSW"}, {"lmft", "LMFT"}, {"lpc", "LPC"}, {"lcpc", "LCPC"},
	{"lmhc", "LMHC"}, {"bcba", "BCBA"}, {"mph", "MPH"}, {"mba", "MBA"}, {"mha", "MHA"},
	{"ms", "MS"}, {"msc", "MSc"}, {"ma", "MA"}, {"mpas", "MPAS"}, {"mmsc", "MMSc"},
	{"facs", "FACS"}, {"facp", "FACP"}, {"facc", "FACC"}, {"faap", "FAAP"}, {"facog", "FACOG"},
	{"facep", "FACEP"}, {"fccp", "FCCP"}, {"fasn", "FASN"}, {"faafp", "FAAFP"},
	{"faan", "FAAN"}, {"fache", "FACHE"}, {"fapa", "FAPA"}, {"fasa", "FASA"},
	{"facg", "FACG"}, {"fscai", "FSCAI"}, {"fhrs", "FHRS"}, {"faha", "FAHA"},
	{"frcs", "FRCS"}, {"frcp", "FRCP"}, {"frcpc", "FRCPC"}, {"frcsc", "FRCSC"},
	{"dabr", "DABR"}, {"lac", "LAc"}, {"dacm", "DACM"}, {"atc", "ATC"}, {"cscs", "CSCS"},
	{"esq", "Esq."}, {"cpa", "CPA"}, {"jd", "JD"}, {"aia", "AIA"}, {"mdsc", "MDSc"},
	{"ret", "Ret."}, {"rph", "RPh"}, {"ccrn", "CCRN"}, {"cnp", "CNP"}, {"dnsc", "DNSc"},
	{"dsw", "DSW"}, {"dmsc", "DMSc"}, {"mpa", "MPA"}, {"mpt", "MPT"}, {"mspt", "MSPT"},
	{"lncc", "LNCC"}, {"csi", "CSI"}, {"gri", "GRI"}, {"attorney", "Attorney"}, {"atty", "Atty."},
	{"trustee", "Trustee"}, {"ttees", "Trustees"}, {"trustees", "Trustees"}, {"realtor", "Realtor"}, {"architect", "Architect"},
	{"aiacsi", "AIA-CSI"}, {"sc", "S.C."},
	{NULL, NULL}
};

/* Credentials that are also names or words: need stronger evidence. */
static const char *const names_ambiguous_creds[] = {
	"do", "ma", "ms", "pa", "od", "dc", "rd", "ot", "pt", "ld", "np", "lac", "aud", "ret",
	"jd", "sc", "gri", "csi", NULL
};

/* Titles that can only open a person's name (never a middle or family name). */
static const char *const names_person_titles[] = {
	"dr", "drs", "doctor", "mr", "mrs", "ms", "mx", "prof", NULL
};

/* Words that begin a multi-word family name. */
static const char *const names_particles[] = {
	"van", "von", "der", "den", "de", "del", "della", "dela", "la", "le", "da", "di",
	"dos", "das", "du", "st", "ste", "saint", "san", "santa", "mac", "mc", "al", "el",
	"bin", "ben", "ter", "ten", "vander", "vanden", "y", "lo", "degli", "ibn",
	NULL
};

/* Look a key up in a canonical table; NULL if absent. */
static const char *
NamesCanonLookup(const NamesCanon *t, const char *key)
{
	for (; t->key != NULL; t++)
		if (strcmp(t->key, key) == 0)
			return t->disp;
	return NULL;
}

/* true if key is in a NULL-ended list. */
static bool
NamesInList(const char *const *list, const char *key)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

/* true if the normalised word is a known credential. */
bool
NamesIsCredential(const char *key, int len)
{
	char		buf[NAMES_KEY_MAX];

	if (len <= 0 || len >= NAMES_KEY_MAX)
		return false;
	memcpy(buf, key, len);
	buf[len] = '\0';
	return NamesCanonLookup(names_creds, buf) != NULL;
}

/* Compare a key with a lexicon string. */
static int
NamesKeyCmp(const char *key, int len, const char *word)
{
	int			c = strncmp(key, word, len);

	if (c != 0)
		return c;
	return word[len] == '\0' ? 0 : -1;
}

/* Surname count from the built-in lexicon (0 if unknown). */
int
NamesSurnameCount(const char *key, int len)
{
	int			lo = 0,
				hi = NamesSurnameLexiconSize - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = NamesKeyCmp(key, len, NamesSurnameLexicon[mid].name);

		if (c == 0)
			return NamesSurnameLexicon[mid].count;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return 0;
}

/* true if the word is in the built-in given-name lexicon. */
bool
NamesIsGivenName(const char *key, int len)
{
	int			lo = 0,
				hi = NamesGivenLexiconSize - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;
		int			c = NamesKeyCmp(key, len, NamesGivenLexicon[mid]);

		if (c == 0)
			return true;
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return false;
}

/* Decode the code point at s[i] (input already validated). */
static uint32_t
NamesCpAt(const char *s, size_t len, size_t i, int *nbytes)
{
	uint32_t	out[1];
	const unsigned char c = (unsigned char) s[i];
	int			n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;

	if (i + n > len)
		n = (int) (len - i);
	*nbytes = n;
	if (NamesUtf8Decode(s + i, n, out, 1) != 1)
		return 0xFFFD;
	return out[0];
}

/* Separator: white space, controls, commas and list punctuation. */
static bool
NamesIsSeparator(uint32_t c)
{
	return c <= 0x20 || c == 0x7F || (c >= 0x80 && c <= 0xA0) || c == 0x1680 ||
		(c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
		c == 0x205F || c == 0x3000 || c == 0xFEFF || c == '&' || c == '/' || c == '+' ||
		c == '|' || c == '*' || c == '=' || c == '<' || c == '>';
}

/* Comma-like characters separate segments. */
static bool
NamesIsComma(uint32_t c)
{
	return c == ',' || c == ';' || c == 0xFF0C || c == 0x3001;
}

/* Characters that open a nickname, and their closers. */
static uint32_t
NamesNickCloser(uint32_t c)
{
	switch (c)
	{
		case '"':
			return '"';
		case 0x201C:
			return 0x201D;
		case 0x201E:
			return 0x201C;
		case '(':
			return ')';
		case '[':
			return ']';
		case '{':
			return '}';
		case 0xAB:
			return 0xBB;
	}
	return 0;
}

/* Append bytes to the arena. */
static NamesStr
NamesArenaAdd(NamesParsed *p, const char *s, int len)
{
	NamesStr	r;

	if (p->used + len + 1 > NAMES_ARENA)
		len = NAMES_ARENA - p->used - 1;
	if (len < 0)
		len = 0;
	r.off = p->used;
	r.len = len;
	memcpy(p->arena + p->used, s, len);
	p->used += len;
	p->arena[p->used++] = '\0';
	return r;
}

/* Trim token punctuation at both ends (a final period stays). */
static void
NamesTrimToken(const char *s, int *ds, int *dl)
{
	while (*dl > 0 && strchr("'`-_.:!?\"", s[*ds]) != NULL)
	{
		(*ds)++;
		(*dl)--;
	}
	while (*dl > 0 && strchr("'`-_:!?\"", s[*ds + *dl - 1]) != NULL)
		(*dl)--;
	/* typographic quotes (3 bytes) */
	while (*dl >= 3 && (unsigned char) s[*ds] == 0xE2 && (unsigned char) s[*ds + 1] == 0x80 &&
		   ((unsigned char) s[*ds + 2] == 0x98 || (unsigned char) s[*ds + 2] == 0x99))
	{
		*ds += 3;
		*dl -= 3;
	}
	while (*dl >= 3 && (unsigned char) s[*ds + *dl - 3] == 0xE2 &&
		   (unsigned char) s[*ds + *dl - 2] == 0x80 &&
		   ((unsigned char) s[*ds + *dl - 1] == 0x98 || (unsigned char) s[*ds + *dl - 1] == 0x99))
		*dl -= 3;
}

/* true if the token was written in single quotes ('Bob', 'Bob'). */
static bool
NamesSingleQuoted(const char *s, int ds, int dl)
{
	bool		open = false,
				close = false;

	if (dl < 3)
		return false;
	if (s[ds] == '\'' || s[ds] == '`')
		open = true;
	else if (dl >= 4 && (unsigned char) s[ds] == 0xE2 && (unsigned char) s[ds + 1] == 0x80 &&
			 (unsigned char) s[ds + 2] == 0x98)
		open = true;
	if (s[ds + dl - 1] == '\'')
		close = true;
	else if (dl >= 4 && (unsigned char) s[ds + dl - 3] == 0xE2 &&
			 (unsigned char) s[ds + dl - 2] == 0x80 && (unsigned char) s[ds + dl - 1] == 0x99)
		close = true;
	return open && close;
}

/* Write a token's display form: title-cased if the input is all one case, initials as "J.". */
static int
NamesTokenDisplay(const char *s, const NamesTok *t, bool onecase, char *out)
{
	int			dl = t->dl;
	bool		upper = false,
				lower = false,
				ascii = true;
	int			i,
				o = 0;

	/* drop a final period except on initials */
	if (dl > 1 && s[t->ds + dl - 1] == '.' && t->keylen > 1)
		dl--;
	for (i = 0; i < dl; i++)
	{
		unsigned char c = (unsigned char) s[t->ds + i];

		if (c >= 0x80)
			ascii = false;
		else if (c >= 'A' && c <= 'Z')
			upper = true;
		else if (c >= 'a' && c <= 'z')
			lower = true;
	}
	if (t->join_y || (t->dl == 1 && s[t->ds] == 'y' && !onecase))
	{
		out[0] = 'y';
		return 1;
	}
	if (t->keylen == 1 && ascii)
	{
		char		c = t->key[0];

		out[0] = (c >= 'a' && c <= 'z') ? c - ('a' - 'A') : c;
		out[1] = '.';
		return 2;
	}
	if (ascii && upper != lower && onecase)
	{
		bool		start = true;

		for (i = 0; i < dl; i++)
		{
			char		c = s[t->ds + i];
			bool		letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

			if (letter)
			{
				if (start && c >= 'a' && c <= 'z')
					c -= 'a' - 'A';
				else if (!start && c >= 'A' && c <= 'Z')
					c += 'a' - 'A';
				start = false;
			}
			else
				start = (c == '-' || c == '\'' || c == '.' || c == ' ');
			out[o++] = c;
		}
		return o;
	}
	memcpy(out, s + t->ds, dl);
	return dl;
}

/* Join tokens [from, to) of list idx into display and normalised fields. */
static void
NamesSetField(NamesParsed *p, NamesField f, const char *s, const char *scratch,
			  NamesTok *toks, const int *idx, int from, int to)
{
	bool		onecase = p->onecase;
	char		disp[NAMES_MAX_BYTES * 2 + 16];
	char		norm[NAMES_ARENA];
	int			dn = 0,
				nn = 0;
	int			i;

	for (i = from; i < to; i++)
	{
		NamesTok   *t = &toks[idx[i]];

		if (dn > 0)
			disp[dn++] = ' ';
		if (nn > 0)
			norm[nn++] = ' ';
		dn += NamesTokenDisplay(s, t, onecase, disp + dn);
		memcpy(norm + nn, scratch + t->norm_off, t->norm_len);
		nn += t->norm_len;
	}
	p->disp[f] = NamesArenaAdd(p, disp, dn);
	p->norm[f] = NamesArenaAdd(p, norm, nn);
}

/*
 * Decide the field of a lone name word by the lexicon: true for given.  A
 * known given name is a given name (even when it is also a surname: "Ray",
 * "Lee"); a word that is not one counts as a surname only when it is among
 * the commonest surnames of the lexicon; a word that neither list knows has
 * no evidence either way and is read as a given name.  The hundred or so
 * commonest surnames (Smith, Lee, Wilson) stay surnames even though the
 * nickname list knows them as given names.
 */
static bool
NamesLoneIsGiven(const NamesTok *t)
{
	if (NamesIsGivenName(t->key, t->keylen))
		return NamesSurnameCount(t->key, t->keylen) < NAMES_VERY_COMMON_SURNAME;
	return NamesSurnameCount(t->key, t->keylen) == 0;
}

/* true if a name token is a surname particle ("van", "de la"); the one-letter
 * "y" ("Garcia y Vega") only when written in lower case without a period. */
static bool
NamesIsParticle(const char *s, const NamesTok *t)
{
	if (!NamesInList(names_particles, t->key))
		return false;
	return t->keylen > 1 || (t->dl == 1 && s[t->ds] == 'y');
}

/* Parse (see names_parse.h). */
int
NamesParse(const char *s, size_t len, NamesParsed *p)
{
	static NamesTok toks[NAMES_MAX_TOKENS];
	char		scratch[NAMES_ARENA];
	int			scratch_used = 0;
	int			ntok = 0;
	int			seg = 0;
	uint32_t	nick_close = 0;
	bool		conj = false;
	size_t		i = 0;
	int			rc;
	int			names[NAMES_MAX_TOKENS];
	int			nnames = 0;
	int			nicks[NAMES_MAX_TOKENS];
	int			nnicks = 0;
	int			titles[NAMES_MAX_TOKENS];
	int			ntitles = 0;
	int			suffixes[NAMES_MAX_TOKENS];
	int			nsuffixes = 0;
	bool		seen_name = false;
	int			k;

	memset(p->disp, 0, sizeof(p->disp));
	memset(p->norm, 0, sizeof(p->norm));
	p->ncred = 0;
	p->used = 0;
	p->arena[0] = '\0';
	p->used = 1;				/* offset 0 is the empty string */
	if (len > NAMES_MAX_BYTES)
		return NAMES_ERR_TOO_LONG;
	rc = NamesUtf8Decode(s, len, NULL, 0);
	if (rc < 0)
		return rc;
	{
		bool		up = false,
					low = false;

		for (i = 0; i < len; i++)
		{
			if (s[i] >= 'A' && s[i] <= 'Z')
				up = true;
			else if (s[i] >= 'a' && s[i] <= 'z')
				low = true;
		}
		p->onecase = !(up && low);
		i = 0;
	}

	/* 1. Tokens. */
	while (i < len)
	{
		int			nb;
		uint32_t	c = NamesCpAt(s, len, i, &nb);
		size_t		start;

		if (nick_close != 0 && c == nick_close)
		{
			nick_close = 0;
			i += nb;
			continue;
		}
		if (nick_close == 0 && NamesNickCloser(c) != 0)
		{
			nick_close = NamesNickCloser(c);
			i += nb;
			continue;
		}
		if (NamesIsComma(c))
		{
			seg++;
			i += nb;
			continue;
		}
		if (NamesIsSeparator(c) || c == ')' || c == ']' || c == '}' || c == 0xBB ||
			c == 0x201D)
		{
			if (c == '&')
				conj = true;
			i += nb;
			continue;
		}
		start = i;
		while (i < len)
		{
			c = NamesCpAt(s, len, i, &nb);
			if (NamesIsSeparator(c) || NamesIsComma(c) || c == nick_close ||
				(nick_close == 0 && NamesNickCloser(c) != 0 && c != '"') ||
				c == ')' || c == ']' || c == '}' || c == 0xBB || c == 0x201D)
				break;
			if (c == '"' && nick_close == 0)
				break;
			i += nb;
		}
		if (ntok < NAMES_MAX_TOKENS)
		{
			NamesTok   *t = &toks[ntok];
			char		tmp[NAMES_MAX_BYTES * 8 + 16];
			int			n;
			int			j;

			t->ds = (int) start;
			t->dl = (int) (i - start);
			t->seg = seg;
			t->nick = nick_close != 0;
			t->conj = conj;
			t->join_y = false;
			if (!t->nick && NamesSingleQuoted(s, t->ds, t->dl))
				t->nick = true;
			NamesTrimToken(s, &t->ds, &t->dl);
			if (t->dl <= 0)
				continue;
			n = NamesNormalize(s + t->ds, t->dl, tmp, sizeof(tmp));
			if (n < 0)
				return n;
			if (n == 0)
				continue;
			if (scratch_used + n > (int) sizeof(scratch))
				return NAMES_ERR_TOO_LONG;
			memcpy(scratch + scratch_used, tmp, n);
			t->norm_off = scratch_used;
			t->norm_len = n;
			scratch_used += n;
			t->keylen = 0;
			for (j = 0; j < n && t->keylen < NAMES_KEY_MAX - 1; j++)
				if (tmp[j] != ' ')
					t->key[t->keylen++] = tmp[j];
			t->key[t->keylen] = '\0';
			t->cls = TK_NAME;
			t->cred = t->keylen <= 9 ? NamesCanonLookup(names_creds, t->key) : NULL;
			/* "V" is an initial unless it ends the text after a comma (below) */
			t->is_suffix = t->keylen <= 6 && t->keylen > 1 &&
				NamesCanonLookup(names_suffixes, t->key) != NULL;
			t->is_title = t->keylen <= 14 && NamesCanonLookup(names_titles, t->key) != NULL;
			ntok++;
			conj = false;
		}
	}

	/* "Attorney at Law": the two words after attorney/atty belong to it. */
	for (k = 0; k + 2 < ntok; k++)
		if ((strcmp(toks[k].key, "attorney") == 0 || strcmp(toks[k].key, "atty") == 0) &&
			strcmp(toks[k + 1].key, "at") == 0 && strcmp(toks[k + 2].key, "law") == 0)
		{
			toks[k + 1].cred = "at";
			toks[k + 2].cred = "Law";
		}

	/* 2. Classes: titles before the first name, then credentials, suffixes. */
	for (k = 0; k < ntok; k++)
	{
		NamesTok   *t = &toks[k];
		const char *cred;
		bool		rest_creds = true;
		int			m;

		if (t->nick)
		{
			nicks[nnicks++] = k;
			continue;
		}
		/* "State Senator": "state" is a title only before another one */
		if (t->is_title && strcmp(t->key, "state") == 0 &&
			!(k + 1 < ntok && toks[k + 1].is_title))
			t->is_title = false;
		/* a title opening the segment after "Family,": "SMITH, DR JOHN" */
		if (seen_name && t->is_title && t->seg > 0 && k + 1 < ntok &&
			toks[k - 1].seg < t->seg && toks[k + 1].seg == t->seg && !toks[k + 1].nick &&
			toks[k + 1].cred == NULL)
		{
			t->cls = TK_TITLE;
			if (ntitles == 0)
				titles[ntitles++] = k;
			continue;
		}
		/* "Dr. Don Eberhart Dr. Derrik Johnson", "Dr. Fandel & Dr. Williams" */
		if (seen_name && t->is_title && !t->nick && k + 1 < ntok && !toks[k + 1].nick &&
			toks[k + 1].cred == NULL && toks[k + 1].seg == t->seg &&
			NamesInList(names_person_titles, t->key))
		{
			t->cls = TK_TITLE;
			toks[k + 1].conj = true;
			continue;
		}
		/* "State Senator": "state" qualifies the title that follows */
		if (!seen_name && t->is_title && strcmp(t->key, "state") == 0)
		{
			t->cls = TK_TITLE;
			continue;
		}
		if (!seen_name && t->is_title && !(k + 1 >= ntok))
		{
			t->cls = TK_TITLE;
			titles[ntitles++] = k;
			continue;
		}
		/* "Mr. and Mrs. ...", "Dr. & Mrs. ...": a conjunction joining titles */
		if (!seen_name && ntitles > 0 && strcmp(t->key, "and") == 0 &&
			k + 2 < ntok && toks[k + 1].is_title && !toks[k + 1].nick)
		{
			t->cls = TK_TITLE;
			continue;
		}
		for (m = k + 1; m < ntok && rest_creds; m++)
			if (!toks[m].nick && toks[m].cred == NULL && !toks[m].is_suffix)
				rest_creds = false;
		cred = t->cred;
		if (cred != NULL && (seen_name || rest_creds))
		{
			bool		ok = true;

			if (NamesInList(names_ambiguous_creds, t->key))
			{
				bool		dotted = memchr(s + t->ds, '.', t->dl) != NULL;
				bool		caps = true;
				int			j,
							other_names = 0;

				for (j = 0; j < t->dl; j++)
					if (s[t->ds + j] >= 'a' && s[t->ds + j] <= 'z')
						caps = false;
				for (j = 0; j < ntok; j++)
					if (j != k && !toks[j].nick && toks[j].cred == NULL && !toks[j].is_suffix &&
						toks[j].cls != TK_TITLE)
						other_names++;
				ok = dotted || (caps && t->dl >= 2) || t->seg > 0 || other_names >= 2;
				/* not when it opens "Family, Ma Victoria": a given name */
				if (t->seg > 0 && k > 0 && toks[k - 1].seg < t->seg && k + 1 < ntok &&
					toks[k + 1].seg == t->seg && !toks[k + 1].nick && toks[k + 1].cred == NULL &&
					!toks[k + 1].is_suffix)
					ok = false;
			}
			if (ok)
			{
				t->cls = TK_CRED;
				if (p->ncred < NAMES_MAX_CREDS)
					p->cred[p->ncred++] = NamesArenaAdd(p, cred, (int) strlen(cred));
				continue;
			}
		}
		if (seen_name && (t->is_suffix ||
						  (t->keylen == 1 && t->key[0] == 'v' && t->seg > 0 && k + 1 == ntok &&
						   toks[k - 1].seg < t->seg)))
		{
			t->cls = TK_SUFFIX;
			suffixes[nsuffixes++] = k;
			continue;
		}
		/* "and" or "or" between names: two people ("Susan and Mark Stevens") */
		if (seen_name && !t->nick && k + 1 < ntok && !toks[k + 1].nick &&
			(strcmp(t->key, "and") == 0 || strcmp(t->key, "or") == 0))
		{
			toks[k + 1].conj = true;
			continue;
		}
		seen_name = true;
		names[nnames++] = k;
	}

	/*
	 * Two people joined by "&", "and" or "or": "Susan and Mark Stevens",
	 * "Ronald T. & Karen P. Lindsay".  The name is the first person's: their
	 * own words if they have a family name ("Tio Hardiman & Brunell
	 * Donald"), otherwise their given and middle names with the family name
	 * that ends the text.
	 */
	if (nnames == 2 && toks[names[1]].conj && toks[names[0]].seg == toks[names[1]].seg)
		nnames = 1;				/* "Dr. Gomes & Dr. Lui": the first person */
	else if (nnames >= 3 && toks[names[0]].seg == toks[names[nnames - 1]].seg)
	{
		int			j;

		for (j = 1; j < nnames - 1; j++)
			if (toks[names[j]].conj)
				break;
		if (j < nnames - 1)
		{
			bool		full = j >= 2 && toks[names[j - 1]].keylen > 1;

			if (full)
				nnames = j;
			else
			{
				int			fs = nnames - 1;

				while (fs > j + 1 && NamesIsParticle(s, &toks[names[fs - 1]]))
					fs--;
				memmove(names + j, names + fs, (nnames - fs) * sizeof(int));
				nnames = j + (nnames - fs);
			}
		}
	}

	/*
	 * Case style from the name words that are kept, so that the canonical
	 * text (titles and credentials in their own spelling) reads the same way
	 * again: "SMITH, JOHN md" is all capitals.
	 */
	{
		bool		up = false,
					low = false;
		int			j,
					m;

		for (j = 0; j < nnames + nnicks; j++)
		{
			const NamesTok *t = &toks[j < nnames ? names[j] : nicks[j - nnames]];

			for (m = 0; m < t->dl; m++)
			{
				if (s[t->ds + m] >= 'A' && s[t->ds + m] <= 'Z')
					up = true;
				else if (s[t->ds + m] >= 'a' && s[t->ds + m] <= 'z')
					low = true;
			}
		}
		p->onecase = !(up && low);
	}

	/* Titles, suffix, nickname. */
	if (ntitles > 0)
	{
		const char *d = NamesCanonLookup(names_titles, toks[titles[0]].key);
		char		low[16];
		int			j,
					n = 0;

		/* normalised: the canonical spelling's letters ("Prof." for "Professor") */
		for (j = 0; d[j] && n < (int) sizeof(low); j++)
			if (d[j] != '.')
				low[n++] = (d[j] >= 'A' && d[j] <= 'Z') ? d[j] + ('a' - 'A') : d[j];
		p->disp[NAMES_TITLE] = NamesArenaAdd(p, d, (int) strlen(d));
		p->norm[NAMES_TITLE] = NamesArenaAdd(p, low, n);
	}
	if (nsuffixes > 0)
	{
		const char *d = NamesCanonLookup(names_suffixes, toks[suffixes[0]].key);
		char		low[8];
		int			j;

		for (j = 0; d[j] && j < 7; j++)
			low[j] = (d[j] >= 'A' && d[j] <= 'Z') ? d[j] + ('a' - 'A') : d[j];
		if (j > 0 && low[j - 1] == '.')
			j--;
		p->disp[NAMES_SUFFIX] = NamesArenaAdd(p, d, (int) strlen(d));
		p->norm[NAMES_SUFFIX] = NamesArenaAdd(p, low, j);
	}
	if (nnicks > 0)
		NamesSetField(p, NAMES_NICK, s, scratch, toks, nicks, 0, nnicks);

	if (nnames == 0)
	{
		/* A nickname alone is the given name. */
		if (nnicks > 0)
		{
			p->disp[NAMES_GIVEN] = p->disp[NAMES_NICK];
			p->norm[NAMES_GIVEN] = p->norm[NAMES_NICK];
			p->disp[NAMES_NICK].len = p->norm[NAMES_NICK].len = 0;
			return NAMES_OK;
		}
		return NAMES_ERR_EMPTY;
	}

	/* A lone word after a title is the family name: "Dr. Jones". */
	if (nnames == 1 && ntitles > 0 && toks[names[0]].keylen > 1 && seg == 0)
	{
		NamesSetField(p, NAMES_FAMILY, s, scratch, toks, names, 0, 1);
		return NAMES_OK;
	}

	/* 3. Given, middle, family. */
	{
		int			first_seg = toks[names[0]].seg;
		int			split = 0;

		for (k = 1; k < nnames; k++)
			if (toks[names[k]].seg != first_seg)
			{
				split = k;
				break;
			}
		if (split > 0)
		{
			/* Family, Given Middle */
			NamesSetField(p, NAMES_FAMILY, s, scratch, toks, names, 0, split);
			NamesSetField(p, NAMES_GIVEN, s, scratch, toks, names, split, split + 1);
			NamesSetField(p, NAMES_MIDDLE, s, scratch, toks, names, split + 1, nnames);
		}
		else if (nnames == 1)
		{
			NamesTok   *t = &toks[names[0]];

			/* ", Given" and "Family," say which; otherwise the lexicon */
			if (t->seg > 0)
				NamesSetField(p, NAMES_GIVEN, s, scratch, toks, names, 0, 1);
			else if (seg > 0)
				NamesSetField(p, NAMES_FAMILY, s, scratch, toks, names, 0, 1);
			else if (t->keylen == 1 || NamesLoneIsGiven(t))
				NamesSetField(p, NAMES_GIVEN, s, scratch, toks, names, 0, 1);
			else
				NamesSetField(p, NAMES_FAMILY, s, scratch, toks, names, 0, 1);
		}
		else
		{
			NamesTok   *t0 = &toks[names[0]];
			NamesTok   *tl = &toks[names[nnames - 1]];
			bool		reversed = false;

			/* FAMILY GIVEN [I]: last word an initial, first word not */
			if (tl->keylen == 1 && t0->keylen > 1 && (nnames == 2 || nnames == 3))
			{
				if (nnames == 2)
					reversed = !(NamesIsGivenName(t0->key, t0->keylen) &&
								 NamesSurnameCount(t0->key, t0->keylen) < NAMES_VERY_COMMON_SURNAME);
				else
				{
					NamesTok   *t1 = &toks[names[1]];

					reversed = t1->keylen > 1 &&
						NamesIsGivenName(t1->key, t1->keylen) &&
						!(NamesIsGivenName(t0->key, t0->keylen) &&
						  NamesSurnameCount(t0->key, t0->keylen) == 0);
				}
			}
			/* FAMILY GIVEN: a known surname, then a known given name */
			if (!reversed && nnames == 2 && t0->keylen > 1 && tl->keylen > 1 &&
				!NamesIsGivenName(t0->key, t0->keylen) &&
				NamesIsGivenName(tl->key, tl->keylen) &&
				NamesSurnameCount(tl->key, tl->keylen) < 3000 &&
				NamesSurnameCount(t0->key, t0->keylen) > NamesSurnameCount(tl->key, tl->keylen))
				reversed = true;
			if (reversed)
			{
				NamesSetField(p, NAMES_FAMILY, s, scratch, toks, names, 0, 1);
				NamesSetField(p, NAMES_GIVEN, s, scratch, toks, names, 1, 2);
				NamesSetField(p, NAMES_MIDDLE, s, scratch, toks, names, 2, nnames);
			}
			else
			{
				int			fs = nnames - 1;

				while (fs > 1 && NamesIsParticle(s, &toks[names[fs - 1]]))
					fs--;
				/* "Garcia y Vega": "y" joins two family names */
				if (fs > 1 && fs < nnames - 1 && strcmp(toks[names[fs]].key, "y") == 0)
				{
					toks[names[fs]].join_y = true;
					fs--;
				}
				NamesSetField(p, NAMES_GIVEN, s, scratch, toks, names, 0, 1);
				NamesSetField(p, NAMES_MIDDLE, s, scratch, toks, names, 1, fs);
				NamesSetField(p, NAMES_FAMILY, s, scratch, toks, names, fs, nnames);
			}
		}
	}
	return NAMES_OK;
}
