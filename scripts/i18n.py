#!/usr/bin/env python3
"""Maintains the interface catalogues (docs/languages.md).

  scripts/i18n.py sync
      Brings every locale/LANG.po in line with locale/vcm.pot: messages
      English no longer has are dropped, new ones are added untranslated
      (msgstr ""), and a translation whose English text changed is marked
      fuzzy (needs review). Run it after editing vcm.pot.

  scripts/i18n.py import-tsv LANG FILE.tsv [--reviewed]
      Takes translations kept in a spreadsheet (key<TAB>text, one per line,
      lines starting with # ignored) into locale/LANG.po, creating it when
      absent. They are marked fuzzy (needs review) unless --reviewed: a
      machine-made or unreviewed translation is never shown as reviewed.

  scripts/i18n.py export-tsv LANG
      Prints LANG's catalogue as key<TAB>English<TAB>translation<TAB>status
      for a translator working in a spreadsheet.

  scripts/i18n.py pot-from-tsv EN.tsv
      Writes locale/vcm.pot from an English key<TAB>text file: each block's
      comment line becomes the context comment of its messages, with the
      files that use the key.

  scripts/i18n.py pot-add EN.tsv
      Adds the messages of an English key<TAB>text file to locale/vcm.pot
      (a message already there takes the new English text), with context
      comments made as pot-from-tsv makes them; then run sync.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCALE = os.path.join(ROOT, 'locale')
POT = os.path.join(LOCALE, 'vcm.pot')

# What each family of keys is, for the context comment of its messages.
CONTEXT = {
    'site': 'The collection\'s name and tagline, in the header of every page and in feeds.',
    'nav': 'The main navigation at the top of every page.',
    'footer': 'The footer at the bottom of every page.',
    'home': 'The home page: figures, the Masterpiece of the Day, featured masterpieces.',
    'region': 'A world region (Asia, Europe) as a heading or filter.',
    'browse': 'The browse page: the list of objects with its filters and pages.',
    'facet': 'A filter group on the browse and search pages (museum, country, type…).',
    'search': 'The search page: the box, results, sorting and suggestions.',
    'query': 'A message about a search query the visitor typed.',
    'object': 'An object\'s page: its fields, images, rights and links.',
    'field': 'The name of a field of an object record.',
    'meta': 'Descriptions for search engines and link previews (meta tags).',
    'museum': 'A member museum\'s page.',
    'museums': 'The list of member museums.',
    'country': 'A country\'s page: its museums and objects.',
    'countries': 'The list of countries.',
    'origin': 'Where an object comes from (its origin), as a label or filter.',
    'lang': 'The name of a language, shown beside a text in that language.',
    'rights': 'The rights and licence of a record or an image.',
    'century': 'A date given as a century.',
    'ordinal': 'An ordinal number inside a date ("9th").',
    'error': 'An error page shown to a visitor.',
    'param': 'An error about a parameter in the page\'s address (URL).',
    'api': 'A message of the open data (JSON) API.',
    'iiif': 'An error of the IIIF image service, about the address of an image request.',
    'static': 'A file of the site (stylesheet, script) that could not be given.',
    'sitemap': 'The sitemap for search engines.',
    'feed': 'A news feed (Atom) of the collection.',
    'link': 'A link to another site.',
    'account': 'A person\'s account page (name, password, sessions).',
    'login': 'The sign-in page.',
    'password': 'Changing a password.',
    'reset': 'Resetting a forgotten password by e-mail.',
    'session': 'A signed-in session.',
    'invite': 'An invitation to open an account.',
    'users': 'The administrators\' page listing accounts.',
    'role': 'A role an account holds (curator, editor, administrator…).',
    'token': 'An API token of an account.',
    'audit': 'The record of who changed what (the audit log).',
    'form': 'A message about a form that was sent.',
    'mail': 'An e-mail the site sends.',
    'upload': 'Uploading an image.',
    'entry': 'A museum\'s masterpiece entry: an object with the curator\'s statement of why it is a masterpiece.',
    'dash': 'The curators\' dashboard: their museum\'s masterpiece entries and their editor.',
    'review': 'The editors\' review queue of masterpiece entries.',
    'network': 'The network\'s pages: members, partners, collections, people, joining.',
    'gov': 'The network\'s governance: Executive Committee, offices, terms, elections.',
    'meet': 'The network\'s meetings: General Conferences and committee meetings.',
    'news': 'The network\'s news.',
    'loan': 'Loans of objects between member museums.',
    'exhibition': 'Travelling exhibitions between member museums.',
    'exchange': 'The staff and education exchange programme between members.',
    'count': 'A number of things with its noun: an ICU plural message ({n, plural, …}), with the categories CLDR gives the language; # is the number.',
    'langs': 'The language switcher at the top of every page.',
    'vx': 'Virtual exhibitions: their public pages, and the editors\' pages that write them.',
    'compare': 'The comparison of objects side by side ("Self and Other").',
    'my': 'A visitor\'s own collections of saved objects and image details (the pages under /my).',
    'comment': 'Comments visitors write on objects, and the editors\' moderation of them.',
    'moderation': 'A button of the editors\' moderation (of comments and visitors\' collections).',
}


def esc(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n').replace('\t', '\\t') + '"'


def unesc(s, where):
    if not (s.startswith('"') and s.endswith('"')):
        sys.exit(f'{where}: expected a string in double quotes')
    out, i, body = [], 0, s[1:-1]
    table = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', "'": "'", '?': '?'}
    while i < len(body):
        c = body[i]
        if c == '\\':
            i += 1
            if i >= len(body) or body[i] not in table:
                sys.exit(f'{where}: unknown escape')
            out.append(table[body[i]])
        else:
            out.append(c)
        i += 1
    return ''.join(out)


class Entry:
    def __init__(self):
        self.ctxt = None
        self.id = ''
        self.str = ''
        self.extracted = []
        self.refs = []
        self.translator = []
        self.flags = []


def read_po(path):
    """Entries in order, the header entry first (ctxt None, id '')."""
    entries, cur, field = [], None, None
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    for n, line in enumerate(lines, 1):
        line = line.rstrip('\r')
        where = f'{path}:{n}'
        s = line.strip()
        if not s:
            if cur is not None and field is not None:
                entries.append(cur)
                cur, field = None, None
            continue
        if s.startswith('#~'):
            continue
        if s.startswith('#'):
            if cur is not None and field == 'str':
                entries.append(cur)
                cur, field = None, None
            cur = cur or Entry()
            if s.startswith('#.'):
                cur.extracted.append(s[2:].strip())
            elif s.startswith('#:'):
                cur.refs.append(s[2:].strip())
            elif s.startswith('#,'):
                cur.flags += [x.strip() for x in s[2:].split(',') if x.strip()]
            elif s.startswith('#|'):
                pass
            else:
                cur.translator.append(s[1:].strip())
            continue
        m = re.match(r'(msgctxt|msgid|msgstr)\s+(".*")\s*$', s)
        if m:
            kw, val = m.group(1), unesc(m.group(2), where)
            if kw in ('msgctxt', 'msgid') and cur is not None and field == 'str':
                entries.append(cur)
                cur = None
            cur = cur or Entry()
            if kw == 'msgctxt':
                cur.ctxt, field = val, 'ctxt'
            elif kw == 'msgid':
                cur.id, field = val, 'id'
            else:
                cur.str, field = val, 'str'
            continue
        if s.startswith('"') and field:
            val = unesc(s, where)
            if field == 'ctxt':
                cur.ctxt += val
            elif field == 'id':
                cur.id += val
            else:
                cur.str += val
            continue
        sys.exit(f'{where}: cannot read this line')
    if cur is not None and field is not None:
        entries.append(cur)
    return entries


def header(lang, note):
    e = Entry()
    e.translator = note
    e.str = (f'Project-Id-Version: VCM\nLanguage: {lang}\nMIME-Version: 1.0\n'
             'Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n'
             'X-Plurals: ICU MessageFormat inside msgstr (CLDR categories)\n')
    return e


def write_po(path, entries):
    out = []
    for e in entries:
        for t in e.translator:
            out.append(('# ' + t).rstrip())
        for x in e.extracted:
            out.append('#. ' + x)
        for r in e.refs:
            out.append('#: ' + r)
        if e.flags:
            out.append('#, ' + ', '.join(e.flags))
        if e.ctxt is not None:
            out.append('msgctxt ' + esc(e.ctxt))
        if e.ctxt is None and e.id == '' and '\n' in e.str:
            out.append('msgid ""')
            out.append('msgstr ""')
            for part in e.str.split('\n')[:-1]:
                out.append(esc(part + '\n'))
        else:
            out.append('msgid ' + esc(e.id))
            out.append('msgstr ' + esc(e.str))
        out.append('')
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write('\n'.join(out))
    os.replace(tmp, path)


def pot_messages():
    return [e for e in read_po(POT) if e.ctxt is not None]


def merge(lang, given, reviewed, note=None):
    """given: key -> text (None: keep what the .po has)."""
    path = os.path.join(LOCALE, lang + '.po')
    old = {}
    head = None
    if os.path.exists(path):
        for e in read_po(path):
            if e.ctxt is None:
                head = e
            else:
                old[e.ctxt] = e
    if head is None or note:
        head = header(lang, note or [f'{lang}: interface catalogue of VCM'])
    out = [head]
    for src in pot_messages():
        e = Entry()
        e.ctxt, e.id = src.ctxt, src.id
        prev = old.get(src.ctxt)
        if prev is not None:
            e.translator = [t for t in prev.translator]
        if given is not None and src.ctxt in given:
            e.str = given[src.ctxt]
            fuzzy = not reviewed
        elif prev is not None:
            e.str = prev.str
            fuzzy = 'fuzzy' in prev.flags or prev.id != src.id
        else:
            e.str, fuzzy = '', False
        if fuzzy and e.str:
            e.flags = ['fuzzy']
        out.append(e)
    write_po(path, out)
    return out


def read_tsv(path):
    d = {}
    first = None
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('#'):
                first = first or line[1:].strip()
                continue
            if not line:
                continue
            if '\t' not in line:
                sys.exit(f'{path}:{n}: expected key<TAB>text')
            k, v = line.split('\t', 1)
            d[k] = v
    return d, first


def uses(keys):
    """key -> files that hold the key in double quotes."""
    found = {k: [] for k in keys}
    pat = re.compile(r'"([a-z0-9_][a-z0-9_.-]*)"')
    for top in ('src', 'templates', 'static'):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for fn in sorted(files):
                if not fn.endswith(('.c', '.h', '.html', '.js')):
                    continue
                p = os.path.join(dirpath, fn)
                rel = os.path.relpath(p, ROOT)
                with open(p, encoding='utf-8', errors='replace') as f:
                    for k in set(pat.findall(f.read())):
                        if k in found and rel not in found[k]:
                            found[k].append(rel)
    return found


def read_en_tsv(path):
    msgs, block, in_block = [], '', False
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if line.startswith('#'):
                block = (block + ' ' + line[1:].strip()) if in_block else line[1:].strip()
                in_block = True
                continue
            in_block = False
            if not line:
                continue
            if '\t' not in line:
                sys.exit(f'{path}:{n}: expected key<TAB>text')
            k, v = line.split('\t', 1)
            msgs.append((k, v, block))
    return msgs


def source_entries(msgs):
    where = uses([k for k, _, _ in msgs])
    out = []
    for k, v, block in msgs:
        e = Entry()
        e.ctxt, e.id = k, v
        family = k.split('.', 1)[0]
        e.extracted = [CONTEXT[family]] if family in CONTEXT else []
        if block and not block.startswith('The English catalogue'):
            e.extracted.append('Part: ' + block)
        files = where.get(k) or []
        if not e.extracted:
            e.extracted.append('Shown by ' + ', '.join(files[:3]) + '.')
        if not files:
            e.extracted.append('The code builds this key at run time from its prefix.')
        e.refs = [' '.join(files[:4])] if files else []
        out.append(e)
    return out


def pot_from_tsv(path):
    head = header('en', ['The English source of the interface catalogues: msgctxt is the key',
                         'the code asks for, msgid the English text (docs/translating.md).'])
    head.str = head.str.replace('Language: en\n', '')
    write_po(POT, [head] + source_entries(read_en_tsv(path)))


def pot_add(path):
    entries = read_po(POT)
    index = {e.ctxt: i for i, e in enumerate(entries) if e.ctxt is not None}
    for e in source_entries(read_en_tsv(path)):
        if e.ctxt in index:
            entries[index[e.ctxt]].id = e.id
        else:
            index[e.ctxt] = len(entries)
            entries.append(e)
    write_po(POT, entries)


def main(argv):
    if len(argv) >= 2 and argv[1] == 'sync':
        for fn in sorted(os.listdir(LOCALE)):
            if fn.endswith('.po'):
                merge(fn[:-3], None, False)
        return 0
    if len(argv) >= 4 and argv[1] == 'import-tsv':
        given, first = read_tsv(argv[3])
        reviewed = '--reviewed' in argv[4:]
        note = None
        if first and not os.path.exists(os.path.join(LOCALE, argv[2] + '.po')):
            note = [first]
        merge(argv[2], given, reviewed, note)
        return 0
    if len(argv) == 3 and argv[1] == 'export-tsv':
        for e in read_po(os.path.join(LOCALE, argv[2] + '.po')):
            if e.ctxt is not None:
                status = 'needs review' if 'fuzzy' in e.flags else ('reviewed' if e.str else 'missing')
                print('\t'.join([e.ctxt, e.id, e.str, status]).replace('\n', '\\n'))
        return 0
    if len(argv) == 3 and argv[1] == 'pot-add':
        pot_add(argv[2])
        return 0
    if len(argv) == 3 and argv[1] == 'pot-from-tsv':
        pot_from_tsv(argv[2])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
