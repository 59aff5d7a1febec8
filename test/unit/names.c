/*-------------------------------------------------------------------------
 *
 * names.c
 *	  Unit tests of the names room's plain C: jellyfish's conformance
 *	  vectors (MIT, jamesturk/jellyfish testdata/, compared at the
 *	  published three decimals, i.e. within 0.001) for Jaro, Jaro-Winkler,
 *	  Levenshtein, Damerau-Levenshtein, Soundex and NYSIIS; Double
 *	  Metaphone codes; normalisation; the parser on the forms the issue
 *	  names; and the field-wise similarity.  Ends "N passed, N failed".
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "names/names_metrics.h"
#include "names/names_parse.h"
#include "names/names_score.h"
#include "names/names_text.h"

#include "unit.h"

/* Decode into a static buffer pair. */
static int
Dec(const char *s, uint32_t *out)
{
	return NamesUtf8Decode(s, strlen(s), out, NAMES_MAX_CHARS);
}

/* Jaro family vectors (3 decimals, as jellyfish publishes them). */
static void
TestJaro(void)
{
	static const struct
	{
		const char *a,
				   *b;
		double		jaro,
					jw,
					jwl;
	}			v[] = {
		{"dixon", "dicksonx", 0.767, 0.813, 0.830},
		{"martha", "marhta", 0.944, 0.961, 0.971},
		{"dwayne", "duane", 0.822, 0.84, 0.869},
		{"0\xc3\xb0" "00", "0\xc3\xb0" "00", 1, -1, -1},
		{"Sint-Pietersplein 6, 9000 Gent", "Test 10, 1010 Brussel", 0.518, -1, -1},
		{"William", "Williams", -1, 0.975, 0.980},
		{"", "foo", -1, 0, 0},
		{"a", "a", -1, 1, 1},
		{"abc", "xyz", -1, 0, 0},
		{"aaaa", "aaaaa", -1, 0.96, 0.96},
		{"orangutan-kumquat", "orangutan kumquat", -1, 0.976, 0.986},
		{"jaz", "jal", -1, 0.822, -1},
		{"@", "@@", -1, 0.85, -1},
		{"0", "0@", -1, 0.85, -1},
		{"a", "ab", -1, 0.85, -1},
		{"012345", "0123456", -1, 0.971, -1},
		{"012abc", "012abcd", -1, 0.971, -1},
		{"012abc", "013abcd", -1, 0.879, -1},
		{"a1bc", "a1be", -1, 0.883, -1},
		{"1abcdefg", "1abcdefh", -1, -1, 0.96},
	};
	size_t		i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
	{
		uint32_t	a[NAMES_MAX_CHARS],
					b[NAMES_MAX_CHARS];
		int			na = Dec(v[i].a, a),
					nb = Dec(v[i].b, b);
		char		what[1200];

		snprintf(what, sizeof(what), "jaro family %s / %s", v[i].a, v[i].b);
		if (v[i].jaro >= 0)
			Check(fabs(NamesJaro(a, na, b, nb, false, false) - v[i].jaro) < 0.001, what);
		if (v[i].jw >= 0)
			Check(fabs(NamesJaro(a, na, b, nb, true, false) - v[i].jw) < 0.001, what);
		if (NamesIsAscii(v[i].a, strlen(v[i].a)) && NamesIsAscii(v[i].b, strlen(v[i].b)))
			Check(NamesJaroWinklerAscii(v[i].a, na, v[i].b, nb) == NamesJaro(a, na, b, nb, true, false),
				  "byte Jaro-Winkler equals the code point one");
		if (v[i].jwl >= 0)
			Check(fabs(NamesJaro(a, na, b, nb, true, true) - v[i].jwl) < 0.001, what);
	}
	/* the byte version on many short and long random words (both of its paths) */
	{
		unsigned int seed = 12345;
		int			k,
					bad = 0;

		for (k = 0; k < 20000; k++)
		{
			char		x[80],
						y[80];
			uint32_t	ux[80],
						uy[80];
			int			nx,
						ny,
						q;

			seed = seed * 1103515245u + 12345u;
			nx = 1 + (int) ((seed >> 8) % (k % 3 == 0 ? 70 : 18));
			seed = seed * 1103515245u + 12345u;
			ny = 1 + (int) ((seed >> 8) % (k % 3 == 0 ? 70 : 18));
			for (q = 0; q < nx; q++)
			{
				seed = seed * 1103515245u + 12345u;
				x[q] = "abcde nrst"[(seed >> 8) % (k % 2 ? 10 : 4)];
				ux[q] = (unsigned char) x[q];
			}
			for (q = 0; q < ny; q++)
			{
				seed = seed * 1103515245u + 12345u;
				y[q] = "abcde nrst"[(seed >> 8) % (k % 2 ? 10 : 4)];
				uy[q] = (unsigned char) y[q];
			}
			if (NamesJaroWinklerAscii(x, nx, y, ny) != NamesJaro(ux, nx, uy, ny, true, false))
				bad++;
		}
		Check(bad == 0, "byte Jaro-Winkler equals the code point one on random words");
	}
}

/* Edit distances. */
static void
TestEdits(void)
{
	static const struct
	{
		const char *a,
				   *b;
		int			lev,
					dl;
	}			v[] = {
		{"", "", 0, 0}, {"abc", "", 3, 3}, {"", "abc", 3, -1}, {"bc", "abc", 1, 1},
		{"kitten", "sitting", 3, -1}, {"Saturday", "Sunday", 3, -1}, {"fuor", "four", -1, 1},
		{"abcd", "acb", -1, 2}, {"cape sand recycling ", "edith ann graham", -1, 17},
		{"jellyifhs", "jellyfish", -1, 2}, {"ifhs", "fish", -1, 2},
		{"Hello, world!", "Hello,\xc3\x82\xc2\xa0world!", -1, 2},
		{"\xc3\xa9", "e", 1, 1},
	};
	size_t		i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
	{
		uint32_t	a[NAMES_MAX_CHARS],
					b[NAMES_MAX_CHARS];
		int			na = Dec(v[i].a, a),
					nb = Dec(v[i].b, b);
		char		what[1200];

		snprintf(what, sizeof(what), "edit distance %s / %s", v[i].a, v[i].b);
		if (v[i].lev >= 0)
			Check(NamesLevenshtein(a, na, b, nb) == v[i].lev, what);
		if (v[i].dl >= 0)
			Check(NamesDamerauLevenshtein(a, na, b, nb) == v[i].dl, what);
	}
}

/* Soundex and NYSIIS vectors. */
static void
TestPhonetic(void)
{
	static const char *const sx[][2] = {
		{"Washington", "W252"}, {"Lee", "L000"}, {"Gutierrez", "G362"}, {"Pfister", "P236"},
		{"Jackson", "J250"}, {"Tymczak", "T522"}, {"", ""}, {"A", "A000"},
		{"\xc3\x87\xc3\xa1\xc5\x95\xe1\xba\x97\xc3\xa9\xc5\x99", "C636"}, {"Ashcroft", "A261"},
		{"\xc2\xbf", "\xc2\xbf" "000"}, {"\xc3\x9f" "a", "S000"}, {"Gro\xc3\x9f", "G620"},
	};
	static const char *const ny[][2] = {
		{"Worthy", "WARTY"}, {"Ogata", "OGAT"}, {"montgomery", "MANTGANARY"}, {"Costales", "CASTAL"},
		{"Tu", "T"}, {"martincevic", "MARTANCAFAC"}, {"Catherine", "CATARAN"}, {"Katherine", "CATARAN"},
		{"Katerina", "CATARAN"}, {"Johnathan", "JANATAN"}, {"Jonathan", "JANATAN"}, {"John", "JAN"},
		{"Teresa", "TARAS"}, {"Theresa", "TARAS"}, {"Jessica", "JASAC"}, {"Joshua", "JAS"},
		{"Bosch", "BAS"}, {"Lapher", "LAFAR"}, {"wiyh", "WY"}, {"MacArthur", "MCARTAR"},
		{"Pheenard", "FANAD"}, {"Schmittie", "SNATY"}, {"Knaqze", "NAGS"}, {"Knokno", "NAN"},
		{"Knoko", "NAC"}, {"Macaw", "MC"}, {"", ""}, {"T", "T"}, {"S", "S"}, {"P", "P"},
		{"K", "C"}, {"M", "M"}, {"E", "E"}, {"PFEISTER", "FASTAR"}, {"SARAH", "SAR"},
		{"\xc3\xa7", "\xc3\x87"}, {"Wei\xc3\x9f", "W"}, {"\xef\xac\x81sh", "F"},
	};
	static const char *const dm[][3] = {
		{"Smith", "SM0", "XMT"}, {"Schmidt", "XMT", "SMT"}, {"Thompson", "TMPS", "TMPS"},
		{"Xavier", "SF", "SFR"}, {"Jose", "HS", "HS"}, {"Michael", "MKL", "MXL"},
		{"Gough", "KF", "KF"}, {"Knight", "NT", "NT"}, {"Robert", "RPRT", "RPRT"},
		{"Bob", "PP", "PP"}, {"Caesar", "SSR", "SSR"}, {"Wright", "RT", "RT"},
		{"Czerny", "SRN", "XRN"}, {"McHugh", "MK", "MK"}, {"Garcia", "KRS", "KRX"},
	};
	size_t		i;
	char		out[256];

	for (i = 0; i < sizeof(sx) / sizeof(sx[0]); i++)
	{
		char		what[1200];

		snprintf(what, sizeof(what), "soundex %s = %s", sx[i][0], sx[i][1]);
		Check(NamesSoundex(sx[i][0], strlen(sx[i][0]), out) >= 0 && strcmp(out, sx[i][1]) == 0, what);
	}
	for (i = 0; i < sizeof(ny) / sizeof(ny[0]); i++)
	{
		char		what[1200];

		snprintf(what, sizeof(what), "nysiis %s = %s", ny[i][0], ny[i][1]);
		Check(NamesNysiis(ny[i][0], strlen(ny[i][0]), out, sizeof(out)) >= 0 &&
			  strcmp(out, ny[i][1]) == 0, what);
		if (strcmp(out, ny[i][1]) != 0)
			printf("  got %s\n", out);
	}
	for (i = 0; i < sizeof(dm) / sizeof(dm[0]); i++)
	{
		char		p[8],
					a[8],
					what[300];

		NamesDoubleMetaphone(dm[i][0], strlen(dm[i][0]), 4, p, a);
		snprintf(what, sizeof(what), "double metaphone %s = %s/%s (got %s/%s)", dm[i][0], dm[i][1], dm[i][2], p, a);
		Check(strcmp(p, dm[i][1]) == 0 && strcmp(a, dm[i][2]) == 0, what);
	}
}

/* Metaphone and match rating vectors (jellyfish). */
static void
TestMetaphoneMra(void)
{
	static const char *const mp[][2] = {
		{"DGIB", "JB"}, {"metaphone", "MTFN"}, {"wHErE", "WR"}, {"shell", "XL"},
		{"this is a difficult string", "0S IS A TFKLT STRNK"}, {"aeromancy", "ERMNS"},
		{"Antidisestablishmentarianism", "ANTTSSTBLXMNTRNSM"}, {"sunlight labs", "SNLT LBS"},
		{"sonlite laabz", "SNLT LBS"}, {"\xc3\x87\xc3\xa1\xc5\x95\xe1\xba\x97\xc3\xa9\xc5\x99", "KRTR"},
		{"kentucky", "KNTK"}, {"KENTUCKY", "KNTK"}, {"NXNXNX", "NKSNKSNKS"}, {"Aapti", "PT"},
		{"Aarti", "RT"}, {"CIAB", "XB"}, {"NQ", "NK"}, {"sian", "XN"}, {"gek", "JK"}, {"Hb", "HB"},
		{"Bho", "BH"}, {"Tiavyi", "XFY"}, {"Xhot", "XHT"}, {"Xnot", "SNT"}, {"g", "K"},
		{"8 queens", "KNS"}, {"Utah", "UT"}, {"WH", "W"}, {"walt", "WLT"}, {"ANDREW", "ANTR"},
		{"why", "W"}, {"whynot", "WNT"}, {"acceptingness", "AKSPTNKNS"},
	};
	static const char *const mr[][2] = {
		{"Byrne", "BYRN"}, {"Boern", "BRN"}, {"Smith", "SMTH"}, {"Smyth", "SMYTH"},
		{"Catherine", "CTHRN"}, {"Kathryn", "KTHRYN"}, {"Kathrynoglin", "KTHGLN"}, {"Ad", "AD"},
		{"Ed", "ED"}, {"William", "WLM"}, {"\xc3\xa4", "\xc3\x84"}, {"Fr\xc3\xa9" "d\xc3\xa9ric", "FR\xc3\x89\xc3\x89RC"},
	};
	static const struct
	{
		const char *a,
				   *b;
		int			r;
	}			mc[] = {
		{"Bryne", "Boern", 1}, {"Smith", "Smyth", 1}, {"Catherine", "Kathryn", 1},
		{"Michael", "Mike", 0}, {"Tim", "Timothy", -1}, {"Ed", "Ad", 1}, {"Marie Helene", "Maria Rio", 1},
	};
	size_t		i;
	char		out[256],
				what[300];

	for (i = 0; i < sizeof(mp) / sizeof(mp[0]); i++)
	{
		int			n = NamesMetaphone(mp[i][0], strlen(mp[i][0]), out, sizeof(out));

		snprintf(what, sizeof(what), "metaphone %s = %s (got %s)", mp[i][0], mp[i][1], n >= 0 ? out : "error");
		Check(n >= 0 && strcmp(out, mp[i][1]) == 0, what);
	}
	for (i = 0; i < sizeof(mr) / sizeof(mr[0]); i++)
	{
		uint32_t	c[8];
		int			n = NamesMatchRatingCodex(mr[i][0], strlen(mr[i][0]), c, 8);
		int			o = 0,
					k;

		for (k = 0; k < n; k++)
			o += NamesUtf8Encode(c[k], out + o);
		out[o] = '\0';
		snprintf(what, sizeof(what), "match rating codex %s = %s (got %s)", mr[i][0], mr[i][1], out);
		Check(n >= 0 && strcmp(out, mr[i][1]) == 0, what);
	}
	for (i = 0; i < sizeof(mc) / sizeof(mc[0]); i++)
	{
		snprintf(what, sizeof(what), "match rating comparison %s / %s", mc[i].a, mc[i].b);
		Check(NamesMatchRatingCompare(mc[i].a, strlen(mc[i].a), mc[i].b, strlen(mc[i].b)) == mc[i].r, what);
	}
}

/* Normalisation. */
static void
TestNormalize(void)
{
	static const char *const v[][2] = {
		{"Dr. Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez-Garc\xc3\xad" "a, PA-C", "dr jose nunez garcia pa c"},
		{"  O'Brien\t", "obrien"}, {"M.D.", "md"}, {"", ""}, {"\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2", "ivanov"},
		{"STRA\xc3\x9f" "E", "strasse"}, {"a\x01" "b", "a b"},
	};
	size_t		i;
	char		out[512];

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
	{
		int			n = NamesNormalize(v[i][0], strlen(v[i][0]), out, sizeof(out));
		char		what[1200];

		snprintf(what, sizeof(what), "normalize %s = %s (got %s)", v[i][0], v[i][1], n >= 0 ? out : "error");
		Check(n >= 0 && strcmp(out, v[i][1]) == 0, what);
	}
	Check(NamesNormalize("\xff", 1, out, sizeof(out)) == NAMES_ERR_ENCODING, "invalid UTF-8");
	Check(NamesNormalize("\xc3", 1, out, sizeof(out)) == NAMES_ERR_ENCODING, "truncated UTF-8");
	Check(NamesNormalize("\xc0\x80", 2, out, sizeof(out)) == NAMES_ERR_ENCODING, "overlong NUL");
}

/* Field text of a parse. */
static const char *
F(const NamesParsed *p, NamesField f, bool disp)
{
	static char buf[8][512];
	static int	k;
	NamesStr	s = disp ? p->disp[f] : p->norm[f];

	k = (k + 1) % 8;
	memcpy(buf[k], p->arena + s.off, s.len);
	buf[k][s.len] = '\0';
	return buf[k];
}

/* The parser on the forms of the issue. */
static void
TestParse(void)
{
	static const char *const v[][7] = {
		/* input, title, given, middle, family, suffix, credentials|nick */
		{"Dr. Bob Smith MD", "Dr.", "Bob", "", "Smith", "", "MD"},
		{"SMITH, ROBERT J", "", "Robert", "J.", "Smith", "", ""},
		{"R. Smyth", "", "R.", "", "Smyth", "", ""},
		{"Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez-Garc\xc3\xad" "a, PA-C", "", "Jos\xc3\xa9", "", "N\xc3\xba\xc3\xb1" "ez-Garc\xc3\xad" "a", "", "PA-C"},
		{"Robert \"Bob\" van der Berg Jr., M.D., FACS", "", "Robert", "", "van der Berg", "Jr.", "MD FACS"},
		{"Mary O'Neil-McDonald", "", "Mary", "", "O'Neil-McDonald", "", ""},
		{"de la Cruz, Maria", "", "Maria", "", "de la Cruz", "", ""},
		{"Robert Do", "", "Robert", "", "Do", "", ""},
		{"Robert Smith DO", "", "Robert", "", "Smith", "", "DO"},
		{"SMITH ROBERT J", "", "Robert", "J.", "Smith", "", ""},
		{"William (Bill) Jones III", "", "William", "", "Jones", "III", ""},
		{"  dr.  jane   q.  public,,  np ", "Dr.", "Jane", "Q.", "Public", "", "NP"},
		{"Harold D McLendon", "", "Harold", "D.", "McLendon", "", ""},
		{"GARCIA MARIA", "", "Maria", "", "Garcia", "", ""},
		{"William A. DuPre VI", "", "William", "A.", "DuPre", "VI", ""},
		{"carlton r marcyan, attorney at law", "", "Carlton", "R.", "Marcyan", "", "Attorney at Law"},
		/* lone words, initials, two people, titles in other places */
		{"Trujillo", "", "", "", "Trujillo", "", ""},
		{"Lashay", "", "Lashay", "", "", "", ""},
		{"Smith", "", "", "", "Smith", "", ""},
		{"Dr. Jones", "Dr.", "", "", "Jones", "", ""},
		{"John P", "", "John", "", "P.", "", ""},
		{"SMITH J", "", "J.", "", "Smith", "", ""},
		{"Jerome King", "", "Jerome", "", "King", "", ""},
		{"Susan and Mark Stevens", "", "Susan", "", "Stevens", "", ""},
		{"Ronald T. & Karen P. Lindsay", "", "Ronald", "T.", "Lindsay", "", ""},
		{"Tio Hardiman & Brunell Donald", "", "Tio", "", "Hardiman", "", ""},
		{"Dr. Gomes & Dr. Lui", "Dr.", "", "", "Gomes", "", ""},
		{"Dr. Don Eberhart Dr. Derrik Johnson", "Dr.", "Don", "", "Eberhart", "", ""},
		{"Mr. and Mrs. George Walker", "Mr.", "George", "", "Walker", "", ""},
		{"FINKELSTEIN, DR R A", "Dr.", "R.", "A.", "Finkelstein", "", ""},
		{"State Senator Kwame Raoul", "Senator", "Kwame", "", "Raoul", "", ""},
		{"Edwin B Frost, V", "", "Edwin", "B.", "Frost", "V", ""},
		{"John V Smith", "", "John", "V.", "Smith", "", ""},
		{"Ben Y. Zhao", "", "Ben", "Y.", "Zhao", "", ""},
		{"Maria Garcia y Vega", "", "Maria", "", "Garcia y Vega", "", ""},
		{"Larry Kassens Architect AIA-CSI", "", "Larry", "", "Kassens", "", "Architect AIA-CSI"},
	};
	size_t		i;
	static NamesParsed p;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
	{
		char		what[4000],
					creds[200] = "";
		int			rc = NamesParse(v[i][0], strlen(v[i][0]), &p);
		int			c;

		for (c = 0; c < p.ncred; c++)
		{
			if (c)
				strcat(creds, " ");
			strncat(creds, p.arena + p.cred[c].off, p.cred[c].len);
		}
		snprintf(what, sizeof(what), "parse [%s] -> title [%s] given [%s] middle [%s] family [%s] suffix [%s] creds [%s]",
				 v[i][0], F(&p, NAMES_TITLE, true), F(&p, NAMES_GIVEN, true), F(&p, NAMES_MIDDLE, true),
				 F(&p, NAMES_FAMILY, true), F(&p, NAMES_SUFFIX, true), creds);
		Check(rc == NAMES_OK && strcmp(F(&p, NAMES_TITLE, true), v[i][1]) == 0 &&
			  strcmp(F(&p, NAMES_GIVEN, true), v[i][2]) == 0 &&
			  strcmp(F(&p, NAMES_MIDDLE, true), v[i][3]) == 0 &&
			  strcmp(F(&p, NAMES_FAMILY, true), v[i][4]) == 0 &&
			  strcmp(F(&p, NAMES_SUFFIX, true), v[i][5]) == 0 &&
			  strcmp(creds, v[i][6]) == 0, what);
	}
	Check(NamesParse("", 0, &p) == NAMES_ERR_EMPTY, "empty");
	Check(NamesParse("   \t ", 5, &p) == NAMES_ERR_EMPTY, "blank");
	Check(NamesParse("MD", 2, &p) == NAMES_ERR_EMPTY, "credentials only");
	Check(NamesParse("M.D., PhD", 9, &p) == NAMES_ERR_EMPTY, "credentials only, two");
	Check(NamesParse("\xff\xfe", 2, &p) == NAMES_ERR_ENCODING, "invalid bytes");
	{
		static char big[NAMES_MAX_BYTES + 2];

		memset(big, 'a', sizeof(big) - 1);
		Check(NamesParse(big, sizeof(big) - 1, &p) == NAMES_ERR_TOO_LONG, "too long");
	}
	Check(NamesParse("Mr. and Mrs. George W. Walker", 29, &p) == NAMES_OK &&
		  strcmp(F(&p, NAMES_GIVEN, false), "george") == 0 &&
		  strcmp(F(&p, NAMES_FAMILY, false), "walker") == 0 &&
		  strcmp(F(&p, NAMES_TITLE, false), "mr") == 0, "titles joined by and");
	Check(NamesParse("Mr. And", 7, &p) == NAMES_OK &&
		  strcmp(F(&p, NAMES_TITLE, false), "mr") == 0, "and alone after a title stays a name");
	Check(NamesParse("William (Bill) Jones", 20, &p) == NAMES_OK &&
		  strcmp(F(&p, NAMES_NICK, false), "bill") == 0, "nickname in parentheses");
	Check(NamesParse("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2", 21, &p) == NAMES_OK &&
		  strcmp(F(&p, NAMES_FAMILY, false), "petrov") == 0 &&
		  strcmp(F(&p, NAMES_GIVEN, false), "ivan") == 0, "Cyrillic through ICU");
}

/* Nickname table of the test: bob ~ robert, bill ~ william. */
static bool
TestRelated(void *arg, const char *a, int al, const char *b, int bl)
{
	static const char *const pairs[][2] = {{"bob", "robert"}, {"bill", "william"}, {"r", "bob"}};
	size_t		i;

	(void) arg;
	for (i = 0; i < 3; i++)
	{
		const char *x = pairs[i][0],
				   *y = pairs[i][1];

		if (((int) strlen(x) == al && memcmp(a, x, al) == 0 && (int) strlen(y) == bl && memcmp(b, y, bl) == 0) ||
			((int) strlen(y) == al && memcmp(a, y, al) == 0 && (int) strlen(x) == bl && memcmp(b, x, bl) == 0))
			return true;
	}
	return false;
}

/* Similarity of name pairs. */
static double
Sim(const char *a, const char *b)
{
	static NamesParsed pa,
				pb;
	NamesView	va,
				vb;
	NamesScoreEnv env = {TestRelated, NULL, NULL};

	if (NamesParse(a, strlen(a), &pa) != NAMES_OK || NamesParse(b, strlen(b), &pb) != NAMES_OK)
		return -1;
	NamesViewOf(&pa, &va);
	NamesViewOf(&pb, &vb);
	return NamesSimilarity(&va, &vb, &env, NULL);
}

/* Field-wise similarity. */
static void
TestSimilarity(void)
{
	Check(Sim("Robert Smith", "SMITH, ROBERT") == 1.0, "comma order is the same name");
	Check(Sim("Bob Smith", "Robert Smith") >= 0.95, "nickname");
	Check(Sim("R. Smith", "Robert Smith") >= 0.85, "initial");
	Check(Sim("Bob Smith", "Robert Smith") > Sim("Rob Smyth", "Robert Smith") - 1, "sanity");
	Check(Sim("Li Wei", "Lee Wei") > 0.8, "short family names");
	Check(Sim("Smith Robert", "Robert Smith") > 0.9, "swapped fields");
	Check(Sim("John Smith", "Robert Smith") < 0.8, "different given names");
	Check(Sim("Robert Smith", "Robert Jones") < 0.7, "different family names");
	Check(Sim("Jos\xc3\xa9 Nunez", "Jose N\xc3\xba\xc3\xb1" "ez") == 1.0, "accents fold");
	/* a word broken by a stray space */
	Check(Sim("Ja Cob Green", "Jacob Green") > 0.96, "given and middle read as one given name");
	Check(Sim("Ja Cob Green", "Jacob Green") > Sim("Ja Cob Green", "Jack Green"), "joined given ranks first");
	/* a replaced name is a disagreement, not 70 % of an agreement */
	Check(Sim("Kiara Rawlings", "Abbey Rawlings") > Sim("Kiara Rawlings", "Kiara Ryan"),
		  "exact rare family beats a fuzzy family with an exact given name");
	Check(Sim("Robert Smith", "Robert Smyth") > 0.9, "typos keep their credit");
}

/* Rarity of the test: a few common family names, the rest rare. */
static double
TestRarity(void *arg, const char *f, int len)
{
	(void) arg;
	if ((len == 5 && memcmp(f, "smith", 5) == 0) || (len == 5 && memcmp(f, "jones", 5) == 0))
		return 0.0;
	return len % 2 ? 1.0 : 0.4;
}

/*
 * The score without a detail (which may skip the swapped reading through
 * an upper bound) equals the score of the full comparison, on every pair
 * of a list of names written in many ways; NamesSimilarityBelow agrees
 * with it above its cutoff and stays at most the cutoff below it.
 */
static void
TestSimilarityBound(void)
{
	static const char *const names[] = {
		"Robert Smith", "SMITH, ROBERT", "Bob Smith", "R. Smith", "Smith Robert", "Rob Smyth",
		"Robert Jones", "Jones Robert", "William Jones", "Bill Jones", "Jones, W", "Olivia Denman",
		"Tyler Oliphant", "Oliver Tyler", "Denman Olivia", "Li Wei", "Lee Wei", "Wei Li",
		"Mary Ann Smith", "Smith, Mary A", "Jason McMul len", "Jason McMullen", "Anne Marie",
		"Marie Anne", "Christopher Robert", "Chris Roberts", "Robert \"Bob\" Smith", "Roberts, Chris",
		"Jose Nunez-Garcia", "Garcia Jose", "Abigail Smith", "Smith Abigail", "Al Smith", "Alan Smithe",
		"Sam Tan", "Tan Sam", "Samantha Tanner", "Kim Lee", "Lee Kim", "Kimberly Leeson",
		"Ja Cob Green", "Jacob Green", "Teag Ue", "Teague", "Kiara Rawlings", "Abbey Rawlings"
	};
	int			n = (int) (sizeof(names) / sizeof(names[0]));
	int			i,
				j,
				k,
				bad = 0,
				badcut = 0;
	NamesScoreEnv env = {TestRelated, TestRarity, NULL};

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
		{
			static NamesParsed pa,
						pb;
			NamesView	va,
						vb;
			NamesScoreDetail d;
			double		quick,
						full;

			if (NamesParse(names[i], strlen(names[i]), &pa) != NAMES_OK ||
				NamesParse(names[j], strlen(names[j]), &pb) != NAMES_OK)
			{
				bad++;
				continue;
			}
			NamesViewOf(&pa, &va);
			NamesViewOf(&pb, &vb);
			quick = NamesSimilarity(&va, &vb, &env, NULL);
			full = NamesSimilarity(&va, &vb, &env, &d);
			if (quick != full || d.score != full)
				bad++;
			/* with a cutoff: exact above it, at most the cutoff otherwise */
			for (k = 0; k <= 20; k++)
			{
				double		cutoff = k * 0.05 - 0.0001;
				double		below = NamesSimilarityBelow(&va, &vb, &env, cutoff);

				if (full > cutoff ? below != full : (below > cutoff || below < 0))
					badcut++;
			}
		}
	Check(bad == 0, "score without detail equals the full comparison");
	Check(badcut == 0, "score with a cutoff is exact above it and at most the cutoff below it");
}

int
main(void)
{
	TestJaro();
	TestEdits();
	TestPhonetic();
	TestMetaphoneMra();
	TestNormalize();
	TestParse();
	TestSimilarity();
	TestSimilarityBound();
	return UnitReport();
}
