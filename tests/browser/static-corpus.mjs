// The corpus the static search's tokenizer is compared on with the
// server's: strings of every script in the demo collection (titles,
// descriptions, cultures, materials), drawn at test time from
// VCM_DATA/collection.jsonl, every name of the thesaurus (variants of Han
// characters, romanisations), and, for the scripts the demo's records lack
// (Thai, Lao, Khmer, Burmese cut by ICU's dictionaries; Greek, Cyrillic,
// Devanagari, Bengali, Arabic), sentences of the interface's catalogues
// (locale/*.po). Not a test file itself.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SCRIPTS = ['Latin', 'Greek', 'Cyrillic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Thai',
  'Lao', 'Khmer', 'Myanmar', 'Devanagari', 'Bengali', 'Arabic', 'Tibetan', 'Mongolian', 'Sinhala'];

// up to perScript strings of each script (a Latin string with a mark or a
// letter beyond ASCII counts as Latin), then the thesaurus' names
export function corpus(data, thesaurus, perScript = 250) {
  const res = SCRIPTS.map((s) => [s, s === 'Latin' ? /[\u00C0-\u024F\u1E00-\u1EFF]/u : new RegExp(`\\p{Script=${s}}`, 'u')]);
  const got = new Map(SCRIPTS.map((s) => [s, []]));
  const seen = new Set();
  const add = (s) => {
    s = s.replace(/[\u0000-\u001f]/g, ' ').trim().slice(0, 400);
    if (!s || seen.has(s)) return false;
    for (const [name, re] of res) {
      const list = got.get(name);
      if (list.length < perScript && re.test(s)) { seen.add(s); list.push(s); return true; }
    }
    return false;
  };
  for (const line of readFileSync(join(data, 'collection.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line);
    for (const f of ['title', 'description', 'culture', 'medium', 'artist']) {
      for (const part of String(r[f] ?? '').split('|')) add(part);
    }
  }
  const out = [...got.values()].flat();
  for (const f of readdirSync(thesaurus).filter((n) => n.endsWith('.tsv'))) {
    for (const line of readFileSync(join(thesaurus, f), 'utf8').split('\n').slice(1)) {
      for (const cell of line.split('\t')) {
        for (const name of cell.split('|')) {
          const s = name.trim();
          if (s && !seen.has(s) && !/^[a-z_]+$/.test(s) && !s.startsWith('#')) { seen.add(s); out.push(s); }
        }
      }
    }
  }
  const locale = join(thesaurus, '..', 'locale');
  for (const code of ['th', 'lo', 'km', 'my', 'el', 'ru', 'bg', 'hi', 'bn', 'ur', 'mn', 'vi']) {
    let n = 0;
    for (const m of readFileSync(join(locale, `${code}.po`), 'utf8').matchAll(/^msgstr "(.+)"$/gm)) {
      const str = m[1].replace(/\\"/g, '"').replace(/\\n/g, ' ');
      if (n < perScript && !seen.has(str)) { seen.add(str); out.push(str); n++; }
    }
  }
  return { strings: out, counts: Object.fromEntries([...got].map(([k, v]) => [k, v.length])) };
}
