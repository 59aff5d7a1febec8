#!/usr/bin/env python3
# src/names/gen_lexicon.py: regenerate src/names/names_lexicon.c from data/names/.
#   python3 src/names/gen_lexicon.py   (from the repository root)
import csv
given = set()
for r in csv.DictReader(open('data/names/carltonnorthern_names.csv')):
    for k in ('name1', 'name2'):
        n = r[k].strip().lower()
        if n.isalpha() and len(n) > 1:
            given.add(n)
for r in csv.DictReader(open('data/names/given_names.csv')):
    n = r['given_name'].strip().lower().replace(' ', '').replace('-', '').replace("'", '')
    if n.isalpha():
        given.add(n)
cnt = {}
for r in csv.DictReader(open('data/names/surnames_top5000.csv')):
    n = ''.join(c for c in r['lastname'].strip().lower() if c.isalnum())
    cnt[n] = cnt.get(n, 0) + int(r['count'])
out = open('src/names/names_lexicon.c', 'w')
out.write('''/*-------------------------------------------------------------------------
 *
 * names_lexicon.c
 *	  Built-in name lexicon of the parser, generated from data/names/ by
 *	  src/names/gen_lexicon.py; do not edit.  Given names: every name of
 *	  the carltonnorthern/nicknames list (Apache-2.0) and given_names.csv;
 *	  surnames: the 5,000 most frequent US surnames with their counts (SOEMPI,
 *	  Apache-2.0).  See data/names/README.md for attribution.
 *
 *-------------------------------------------------------------------------
 */
#include "names/names_parse.h"

''')
g = sorted(given)
out.write('const char *const NamesGivenLexicon[] = {\n')
for i in range(0, len(g), 8):
    out.write('\t' + ', '.join('"%s"' % x for x in g[i:i + 8]) + ',\n')
out.write('};\nconst int NamesGivenLexiconSize = %d;\n\n' % len(g))
s = sorted(cnt)
out.write('const NamesSurnameEntry NamesSurnameLexicon[] = {\n')
for i in range(0, len(s), 4):
    out.write('\t' + ', '.join('{"%s", %d}' % (x, cnt[x]) for x in s[i:i + 4]) + ',\n')
out.write('};\nconst int NamesSurnameLexiconSize = %d;\n' % len(s))
