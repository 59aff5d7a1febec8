#!/usr/bin/env python3
# test/bench/names_labeled.py: person_labeled.xml (datamade/probablepeople,
# MIT) to CSV for test/bench/names.sh: the name as written and its gold
# given names, surnames and credentials (space-separated tokens).
import csv
import re
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
w = csv.writer(sys.stdout)
w.writerow(['id', 'text', 'given', 'surname', 'credentials'])
for i, name in enumerate(root.iter('Name'), 1):
    parts, gold = [], {'given': [], 'surname': [], 'credentials': []}
    for el in name:
        t = (el.text or '').strip()
        if not t:
            continue
        parts.append(t)
        if el.tag in ('GivenName', 'FirstInitial'):
            gold['given'].append(t)
        elif el.tag in ('Surname', 'LastInitial'):
            gold['surname'].append(t)
        elif el.tag == 'SuffixOther':
            gold['credentials'].append(t)
    w.writerow([i, ' '.join(parts), ' '.join(gold['given']), ' '.join(gold['surname']),
                ' '.join(gold['credentials'])])
