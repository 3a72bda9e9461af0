"""Writes the XML catalog expat's benchmark parses in docs/PERFORMANCE.md
("Real programs"): 12,000 books with nested elements, attributes, two
namespaces, an internal entity, character references, CDATA and comments;
12.7 MB, the same bytes every run.

usage: python3 benchmarks/workloads/xml_catalog.py > catalog.xml
"""
import random
import sys

random.seed(7)
WORDS = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
         "sigma tau").split()


def text(n):
    return " ".join(random.choice(WORDS) for _ in range(n))


out = ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE catalog [<!ENTITY co "Company &amp; Co">]>\n'
       '<catalog xmlns="urn:c" xmlns:x="urn:x">\n']
for i in range(12000):
    out.append(f' <book id="b{i}" x:lang="{random.choice(["en", "fr", "de"])}" year="{1900 + i % 120}">\n')
    out.append(f'  <title>{text(4)} &amp; {text(2)}</title>\n  <author role="main">&co; {text(2)}</author>\n')
    if i % 3 == 0:
        out.append(f'  <!-- {text(5)} -->\n')
    if i % 5 == 0:
        out.append(f'  <code><![CDATA[if (a < b && c > d) {{ {text(3)} }}]]></code>\n')
    out.append('  <chapters>\n')
    for c in range(random.randint(2, 6)):
        out.append(f'   <chapter n="{c}" pages="{random.randint(3, 40)}"><x:para>{text(random.randint(5, 25))} '
                   f'&lt;{text(1)}&gt;</x:para><x:para>{text(8)}</x:para></chapter>\n')
    out.append('  </chapters>\n  <price currency="EUR">%d.%02d</price>\n </book>\n'
               % (random.randint(5, 90), random.randint(0, 99)))
out.append('</catalog>\n')
sys.stdout.write("".join(out))
