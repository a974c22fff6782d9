// The search of a static copy of the site: the server's search, run in the
// browser on the files `vcm export-search` writes (their layout is at the top
// of src/search/static.c). Tokenizer, query parser, thesaurus expansions,
// BM25, the second ranking, facets and paging follow src/search/tokenize.c,
// query.c, search.c and eval.c step by step, with scores in 32-bit floats
// (Math.fround) as the server computes them, so that a query finds the same
// objects in the same order. What JavaScript lacks (ICU's case folding as the
// server's ICU has it, scripts, marks, the Han tables) comes from the
// exported tables, fetched a page of 256 code points at a time.
(function (root) {
  'use strict';

  var F = Math.fround;
  var K1 = F(1.2), B = F(0.75), K1P1 = F(K1 + 1), ONE_B = F(1 - B);
  var WINDOW = 200, MAX_POS = 512, PAGE = 24;
  var EXPAND_BOOST = F(0.7);
  var TOK_WORD = 1, TOK_UNI = 2, TOK_BI = 3, STEM = 1, MAX_LEN = 64, SRC_MAX = 256;
  var FIELDS = { title: 1, creator: 2, artist: 2, culture: 3, type: 4, classification: 4,
                 material: 5, medium: 5, museum: 6, country: 7 };
  var IF = { any: 0, title: 0, creator: 1, culture: 2, type: 3, material: 4, museum: 5 };
  var enc = new TextEncoder(), dec = new TextDecoder();

  function fnv1a(s) {
    var b = enc.encode(s), h = 2166136261;
    for (var i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 16777619) >>> 0;
    return h >>> 0;
  }
  function utf8len(s) { return enc.encode(s).length; }
  // s cut to at most max UTF-8 bytes on a code point boundary
  function cut(s, max) {
    var b = enc.encode(s);
    if (b.length <= max) return s;
    var n = max;
    while (n > 0 && (b[n] & 0xC0) === 0x80) n--;
    return dec.decode(b.subarray(0, n));
  }

  // ---- the files ----

  function Search(load) {
    this.load = load;   // path -> Promise of ArrayBuffer (binary) or text
    this.cache = new Map();
    this.meta = null;
    this.fold = new Map();
  }
  Search.prototype.get = function (path, bin) {
    var c = this.cache.get(path);
    if (!c) {
      c = this.load(path, bin).then(function (r) { return bin ? r : JSON.parse(r); });
      this.cache.set(path, c);
    }
    return c;
  };
  Search.prototype.init = async function () {
    if (this.meta) return;
    this.meta = await this.get('meta.json');
    this.foldPages = new Set(this.meta.fold);
    var pb = new DataView(await this.get('profiles.bin', true));
    this.profiles = [];
    for (var i = 0; i < this.meta.profiles; i++) {
      var o = i * 8;
      var c0 = pb.getUint8(o + 5), c1 = pb.getUint8(o + 6);
      this.profiles.push({ museum: pb.getUint16(o, true), cls: pb.getUint16(o + 2, true),
                           oregion: pb.getUint8(o + 4),
                           ocountry: c0 ? String.fromCharCode(c0, c1) : '',
                           flags: pb.getUint8(o + 7) });
    }
    this.docs = new Map(); // shard -> {dl, prof, set}
    // where this browser's word breaker cuts inside what the server's keeps
    // whole (Chromium cuts "B.C." at the full stop): those pieces are joined
    this.seg = new Intl.Segmenter('und', { granularity: 'word' });
    // and where it keeps whole what the server cuts (ICU 78 keeps "pct:x", 72 cuts it)
    var seg = this.seg, join = { letters: new Set(), digits: new Set() }, cut = { letters: new Set(), digits: new Set() };
    [['letters', 'a', 'b'], ['digits', '1', '2']].forEach(function (k) {
      var server = new Set(this.meta[k[0]] || '');
      for (var ch of this.meta.asked || '') {
        var whole = Array.from(seg.segment(k[1] + ch + k[2])).length === 1;
        if (server.has(ch) && !whole) join[k[0]].add(ch);
        else if (!server.has(ch) && whole) cut[k[0]].add(ch);
      }
    }, this);
    this.join = join;
    this.cut = cut;
    // whether this browser's dictionaries cut Thai, Lao, Khmer and Burmese
    // as the server's do: if not, those scripts are searched by their
    // characters, which the index holds at the same positions however the
    // words were cut (the same objects are found; their order may differ)
    this.byChars = (this.meta.probes || []).some(function (pr) {
      var cuts = [0].concat(this.segments(pr[0]).map(function (g) { return g.end; }));
      return cuts.join() !== pr[1].join();
    }, this);
  };
  var DICT = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
  var LETTER = /^[\p{Alphabetic}\p{Mn}\p{Mc}]$/u;
  var NOT_ALETTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
  function aletter(ch) { return LETTER.test(ch) && !NOT_ALETTER.test(ch); }
  function digit(ch) { return /^\p{Nd}$/u.test(ch); }
  // The word segments of text: {index, end, word}, joined where the server's breaker joins.
  Search.prototype.segments = function (text) {
    var out = [];
    for (var sg of this.seg.segment(text)) out.push({ index: sg.index, end: sg.index + sg.segment.length, word: !!sg.isWordLike });
    if (this.cut.letters.size || this.cut.digits.size) {
      var pieces = [];
      for (var g of out) {
        var from = g.index;
        if (g.word) {
          for (var x = g.index + 1; x < g.end - 1; x++) {
            var c = text[x], prev = String.fromCodePoint(text.codePointAt(x - 1 - (/[\udc00-\udfff]/.test(text[x - 1]) ? 1 : 0)));
            var next = String.fromCodePoint(text.codePointAt(x + 1));
            if ((this.cut.letters.has(c) && aletter(prev) && aletter(next)) ||
                (this.cut.digits.has(c) && digit(prev) && digit(next))) {
              pieces.push({ index: from, end: x, word: true }, { index: x, end: x + 1, word: false });
              from = x + 1;
            }
          }
        }
        pieces.push({ index: from, end: g.end, word: g.word });
      }
      out = pieces;
    }
    if (!this.join.letters.size && !this.join.digits.size) return out;
    var res = [];
    for (var i = 0; i < out.length; i++) {
      var a = res[res.length - 1], m = out[i], b = out[i + 1];
      if (a && a.word && !m.word && b && b.word && m.end - m.index === 1) {
        var ch = text[m.index], last = String.fromCodePoint(text.codePointAt(a.end - 1 - (/[\udc00-\udfff]/.test(text[a.end - 1]) ? 1 : 0)));
        var first = String.fromCodePoint(text.codePointAt(b.index));
        if ((this.join.letters.has(ch) && aletter(last) && aletter(first)) ||
            (this.join.digits.has(ch) && digit(last) && digit(first))) {
          a.end = b.end;
          i++;
          continue;
        }
      }
      res.push(m);
    }
    return res;
  };

  // ---- folding tables ----

  Search.prototype.loadFold = async function (cps) {
    var self = this, want = [];
    cps.forEach(function (c) {
      var p = c >> 8;
      if (c >= 0x80 && !self.fold.has(p) && self.foldPages.has(p) && want.indexOf(p) < 0) want.push(p);
    });
    var got = await Promise.all(want.map(function (p) { return self.get('f/' + p + '.json'); }));
    want.forEach(function (p, i) { self.fold.set(p, got[i]); });
  };
  Search.prototype.flags = function (c) {
    if (c < 0x80) return 0;
    var pg = this.fold.get(c >> 8);
    return pg ? pg[0][c & 255] : 0;
  };
  Search.prototype.cf = function (c) { // NFKC_Casefold of one code point
    if (c < 0x80) return c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : String.fromCharCode(c);
    var pg = this.fold.get(c >> 8), m = pg && pg[1][c & 255];
    return m !== undefined && m !== null ? m : String.fromCodePoint(c);
  };
  Search.prototype.han = function (c) {
    var pg = this.fold.get(c >> 8), m = pg && pg[2][c & 255];
    return m !== undefined ? m : c;
  };
  function cpsOf(s, set) {
    for (var ch of s) set.add(ch.codePointAt(0));
    return set;
  }
  // Loads every page the folding of text reads: its code points, their
  // canonical decompositions, and what those fold to.
  Search.prototype.prepare = async function (text) {
    var set = cpsOf(text.normalize('NFD'), cpsOf(text, new Set()));
    for (var round = 0; round < 3; round++) {
      await this.loadFold(set);
      var more = new Set(), self = this;
      set.forEach(function (c) {
        var m = self.cf(c);
        cpsOf(m.normalize('NFD'), cpsOf(m, more));
        if (c >= 0x3400) more.add(self.han(c));
      });
      var grew = false;
      more.forEach(function (c) { if (!set.has(c)) { set.add(c); grew = true; } });
      if (!grew) break;
    }
  };

  // ---- the tokenizer (tokenize.c) ----

  Search.prototype.isCjk = function (c) {
    return c >= 0x2E80 && (this.flags(c) & 2) !== 0;
  };
  Search.prototype.isNgram = function (c) {
    return c >= 0x0E00 && (this.flags(c) & 4) !== 0;
  };
  Search.prototype.isExt = function (c) {
    return c >= 0x300 && (this.flags(c) & 8) !== 0;
  };

  Search.prototype.stripMarks = function (s) {
    var out = '', base = 0; // 1: Latin, Greek or Cyrillic
    for (var ch of s) {
      var c = ch.codePointAt(0), f = this.flags(c);
      if (c >= 0x80 && (f & 16)) {
        if (base === 1) continue;
      } else if (!(c >= 0x80 && (f & 32))) {
        if (c < 0x80) base = ((c | 0x20) >= 97 && (c | 0x20) <= 122) ? 1 : 0;
        else base = (f & 64) ? 1 : 0;
        if (c === 0x111) c = 100;
        else if (c === 0x142) c = 108;
        else if (c === 0xF8) c = 111;
      }
      out += String.fromCodePoint(c);
    }
    return out;
  };

  function stem(w) {
    var n = w.length;
    if (n < 4 || w[n - 1] !== 's' || !/^[a-z]+$/.test(w)) return w;
    var p = w[n - 2];
    if (p === 's' || p === 'u' || p === 'i') return w;
    if (n > 4 && w.endsWith('ies')) return w.slice(0, n - 3) + 'y';
    if (p === 'e' && n > 4) {
      var t = w.slice(n - 4, n - 2);
      if (t === 'ss' || t[1] === 'x' || t === 'zz' || t === 'ch' || t === 'sh') return w.slice(0, n - 2);
    }
    return w.slice(0, n - 1);
  }

  // u: the text (UTF-16), units i..j; returns {s, whole}
  Search.prototype.foldText = function (u, i, j, cjk) {
    var n = j - i, whole = true;
    if (n > SRC_MAX) {
      n = SRC_MAX;
      var cu = u.charCodeAt(i + n - 1);
      if (cu >= 0xD800 && cu <= 0xDBFF) n--;
      whole = false;
    }
    var src = u.slice(i, i + n);
    if (/^[\x00-\x7f]*$/.test(src)) return { s: src.replace(/[A-Z]/g, function (c) { return c.toLowerCase(); }), whole: whole };
    var m = '', self = this;
    for (var ch of src.normalize('NFD')) m += self.cf(ch.codePointAt(0));
    m = m.normalize('NFC');
    if (!cjk && /[^\x00-\xbf]/.test(m)) m = this.stripMarks(m.normalize('NFD')).normalize('NFC');
    var out = '';
    for (var ch2 of m) {
      var c = ch2.codePointAt(0);
      if (cjk) {
        if ((c >= 0x30A1 && c <= 0x30F6) || c === 0x30FD || c === 0x30FE) c -= 0x60;
        else if (c >= 0x3400) c = this.han(c);
      }
      if (c === 0x2019 || c === 0x2018 || c === 0x02BC || c === 0xFF07) c = 39;
      out += String.fromCodePoint(c);
    }
    return { s: out, whole: whole };
  };

  // Tokens of text: [{text, kind, pos, start, end}] (start, end: UTF-8 bytes).
  Search.prototype.tokenize = async function (text, flags) {
    await this.prepare(text);
    var self = this, u = text, toks = [];
    var off = new Array(u.length + 1), b = 0;
    for (var x = 0; x < u.length; x++) {
      off[x] = b;
      var cu = u.charCodeAt(x);
      if (cu >= 0xD800 && cu <= 0xDBFF && x + 1 < u.length) { off[x + 1] = b; x++; b += 4; continue; }
      b += cu < 0x80 ? 1 : cu < 0x800 ? 2 : 3;
    }
    off[u.length] = b;
    var k = { pos: 0, havePrev: false, prev: '', prevStart: 0 };
    function cpAt(i) { return u.codePointAt(i); }
    function len(c) { return c >= 0x10000 ? 2 : 1; }
    function charEnd(i, lim) {
      i += len(cpAt(i));
      while (i < lim) {
        var c = cpAt(i);
        if (!self.isExt(c)) break;
        i += len(c);
      }
      return i;
    }
    function emit(s, pos, i, j, kind) {
      if (!s.length) return;
      toks.push({ text: s, kind: kind, pos: pos, start: off[i], end: off[j] });
    }
    function runChar(i, j, pos) {
      var s = cut(self.foldText(u, i, j, true).s, MAX_LEN);
      if (!s.length) { k.havePrev = false; return; }
      if (k.havePrev)
        toks.push({ text: cut(k.prev + s, MAX_LEN), kind: TOK_BI, pos: pos - 1, start: k.prevStart, end: off[j] });
      emit(s, pos, i, j, TOK_UNI);
      k.prev = s;
      k.prevStart = off[i];
      k.havePrev = true;
    }
    function word(i, j) {
      var f = self.foldText(u, i, j, false), s = f.s;
      var n = utf8len(s);
      if (f.whole && n > 2 && s.endsWith("'s")) { s = s.slice(0, -2); n -= 2; }
      if ((flags & STEM) && f.whole && n <= MAX_LEN) s = stem(s);
      s = cut(s, MAX_LEN);
      if (!s.length) return;
      var pos = k.pos, h = 0;
      emit(s, pos, i, j, TOK_WORD);
      k.havePrev = false;
      for (var x = i; x < j;) {
        var c = cpAt(x);
        if (!self.isNgram(c)) { k.havePrev = false; x += len(c); continue; }
        var y = charEnd(x, j);
        runChar(x, y, pos + h);
        h++;
        x = y;
      }
      k.havePrev = false;
      k.pos += h ? h : 1;
    }
    function hasAlnum(i, j) {
      while (i < j) {
        var c = cpAt(i);
        if (c < 0x80 ? (((c | 0x20) >= 97 && (c | 0x20) <= 122) || (c >= 48 && c <= 57)) : (self.flags(c) & 1))
          return true;
        i += len(c);
      }
      return false;
    }
    function segment(s, e, wordLike) {
      var i = s;
      while (i < e) {
        var c = cpAt(i);
        if (self.isCjk(c)) {
          var j0 = charEnd(i, e);
          runChar(i, j0, k.pos);
          k.pos++;
          i = j0;
          continue;
        }
        k.havePrev = false;
        var j = i;
        while (j < e) {
          c = cpAt(j);
          if (self.isCjk(c)) break;
          j += len(c);
        }
        if (wordLike && hasAlnum(i, j)) word(i, j);
        i = j;
      }
    }
    this.segments(u).forEach(function (sg) { segment(sg.index, sg.end, sg.word); });
    return toks;
  };

  // vcm_tokenize_key: words and CJK characters, a Hangul word replaced by its characters
  Search.prototype.key = async function (text, flags) {
    var toks = await this.tokenize(text, flags), out = [], wordAt = 0, ws = 0, we = 0;
    toks.forEach(function (t) {
      if (t.kind === TOK_BI) return;
      if (t.kind === TOK_UNI && we && t.start >= ws && t.start < we) { out.length = wordAt; we = 0; }
      if (t.kind === TOK_WORD) { wordAt = out.length; ws = t.start; we = t.end; }
      out.push(t.text);
    });
    return out.join(' ');
  };

  // search.c's query_tokens: words, CJK runs as their bigrams
  function queryTokens(q) {
    return q.filter(function (t) {
      if (t.kind === TOK_WORD)
        return !q.some(function (o) { return o.kind !== TOK_WORD && o.start < t.end && o.end > t.start; });
      if (t.kind === TOK_UNI)
        return !q.some(function (o) { return o.kind === TOK_BI && (o.pos === t.pos || o.pos + 1 === t.pos); });
      return true;
    });
  }

  // ---- the query language (query.c), on UTF-8 bytes as the server reads it ----

  function space(c) { return c === 32 || (c >= 9 && c <= 13); }
  function alpha(c) { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }
  function lower(b) { return dec.decode(b).toLowerCase(); }

  function years(s) {
    function year(t) {
      var x = t.replace(/ +$/, ''), bce = false, n = x.length;
      if (n > 3 && /bce$/i.test(x)) { bce = true; x = x.slice(0, -3); }
      else if (n > 2 && /bc$/i.test(x)) { bce = true; x = x.slice(0, -2); }
      else if (n > 2 && /(ce|ad)$/i.test(x)) x = x.slice(0, -2);
      if (!x.length || !/^[\t\n\v\f\r ]*[+-]?[0-9]+$/.test(x)) return null;
      var y = parseInt(x, 10);
      if ((bce && y <= 0) || y < -100000 || y > 9999) return null;
      return bce ? -y : y;
    }
    var d = s.indexOf('..');
    if (d < 0) { var y = year(s); return y === null ? null : [y, y]; }
    var a = s.slice(0, d), b = s.slice(d + 2);
    if (!a && !b) return null;
    var from = -100000, to = 9999;
    if (a && (from = year(a)) === null) return null;
    if (b && (to = year(b)) === null) return null;
    return from <= to ? [from, to] : null;
  }

  function parseQuery(text) {
    var all = enc.encode(text), len = all.length, q = { clauses: [], hasDate: false, cutShort: false };
    if (len > 500) { len = 500; while (len && (all[len] & 0xC0) === 0x80) len--; q.cutShort = true; }
    var s = all.slice(0, len);
    for (var z = 0; z < len; z++) if (s[z] < 0x20) s[z] = 32;
    var pendingOr = false, i = 0;
    while (i < len) {
      while (i < len && space(s[i])) i++;
      if (i >= len) break;
      var t = { negated: false, field: 'any', phrase: false, prefix: false, isOr: false, isDate: false, a: 0, b: 0 };
      if (s[i] === 45 && i + 1 < len && !space(s[i + 1])) { t.negated = true; i++; }
      var j = i;
      while (j < len && alpha(s[j])) j++;
      if (j > i && j < len && s[j] === 58) {
        var name = lower(s.subarray(i, j)), known = false;
        if (FIELDS[name]) { t.field = name === 'artist' ? 'creator' : name === 'classification' ? 'type' : name === 'medium' ? 'material' : name; known = true; }
        if (name === 'date') { t.isDate = true; known = true; }
        if (known) i = j + 1;
      }
      if (i < len && s[i] === 34) {
        var st = ++i;
        while (i < len && s[i] !== 34) i++;
        t.a = st; t.b = i; t.phrase = true;
        if (i < len) i++;
      } else {
        var st2 = i;
        while (i < len && !space(s[i]) && s[i] !== 34) i++;
        t.a = st2; t.b = i;
        var tl = t.b - t.a;
        if (!t.negated && !t.isDate && t.field === 'any' &&
            ((tl === 2 && s[t.a] === 79 && s[t.a + 1] === 82) || (tl === 1 && s[t.a] === 124)))
          t.isOr = true;
        if (tl > 1 && s[t.b - 1] === 42 && !t.isDate) {
          t.b--;
          while (t.b > t.a && s[t.b - 1] === 42) t.b--;
          t.prefix = true;
        }
      }
      if (t.isOr) { if (q.clauses.length && !pendingOr) pendingOr = true; continue; }
      if (t.isDate) {
        var y = years(dec.decode(s.subarray(t.a, t.b)));
        if (y && !t.negated) {
          if (q.hasDate) { y[0] = Math.max(y[0], q.from); y[1] = Math.min(y[1], q.to); }
          q.hasDate = true; q.from = y[0]; q.to = y[1];
        }
        pendingOr = false;
        continue;
      }
      while (t.b > t.a && space(s[t.b - 1])) t.b--;
      if (t.b === t.a || (t.b - t.a === 1 && s[t.a] === 42)) { pendingOr = false; continue; }
      if (t.prefix && t.b - t.a < 2 && s[t.a] < 0x80) t.prefix = false;
      t.text = dec.decode(s.subarray(t.a, t.b));
      var join = pendingOr && !t.negated && !q.clauses[q.clauses.length - 1].negated;
      pendingOr = false;
      if (join) q.clauses[q.clauses.length - 1].alts.push(t);
      else if (q.clauses.length < 24) q.clauses.push({ negated: t.negated, alts: [t] });
    }
    q.bytes = s;
    return q;
  }

  function tooBig(text) {
    var s = enc.encode(text), len = s.length, pieces = 0;
    if (len > 500) return true;
    for (var i = 0; i < len;) {
      while (i < len && space(s[i])) i++;
      if (i >= len) break;
      if (++pieces > 64) return true;
      var start = i, quoted = false;
      for (; i < len; i++) {
        if (s[i] === 34) {
          if (quoted) { i++; break; }
          if (i > start && s[i - 1] !== 58 && s[i - 1] !== 45) break;
          quoted = true;
        } else if (!quoted && space(s[i])) break;
      }
    }
    return false;
  }

  // ---- plans (search.c) ----

  function fieldMask(f) {
    return f === 'any' ? 0 : 1 << (f === 'country' ? IF.museum : IF[f]);
  }
  function termPlan(toks, fields, boost) {
    if (!toks.length) return null;
    var nt = Math.min(toks.length, 16);
    return { kind: 'term', terms: toks.slice(0, nt).map(function (t) { return t.text; }),
             offsets: toks.slice(0, nt).map(function (t) { return t.pos - toks[0].pos; }),
             fields: fields, boost: boost };
  }
  Search.prototype.textPlan = async function (text, fields, prefix, boost) {
    var all = await this.tokenize(text, prefix ? 0 : STEM);
    if (this.byChars) all = all.filter(function (x) { return x.kind !== TOK_BI || !DICT.test(x.text); });
    var t = queryTokens(all);
    if (!t.length) return null;
    if (!prefix) return termPlan(t, fields, boost);
    var last = t[t.length - 1].text, first = String.fromCodePoint(last.codePointAt(0));
    var sh = await this.get('px/' + (fnv1a(first) % this.meta.pxshards) + '.json');
    var all = (sh[first] || []).filter(function (w) { return w.startsWith(last); }).slice(0, 4096);
    var pf = { kind: 'prefix', terms: all, fields: fields, boost: boost };
    var term = termPlan(t.slice(0, -1), fields, boost);
    return term ? { kind: 'and', kids: [term, pf] } : pf;
  };
  // pre-tokenized names of the exported thesaurus: [text, kind, pos]
  function namePlan(toks, fields, boost) {
    return termPlan(toks.map(function (t) { return { text: t[0], kind: t[1], pos: t[2] }; }), fields, boost);
  }
  Search.prototype.lookup = async function (key) {
    var sh = await this.get('th/' + (fnv1a(key) % this.meta.thshards) + '.json');
    return sh[key] || [];
  };
  Search.prototype.expand = async function (or, typed, key, fields, r, off) {
    var es = await this.lookup(key);
    for (var e of es) {
      if (r.expansions.length >= 16) return;
      var x = { typed: typed, id: e[0], kind: e[1], label: e[2], names: [], off: off.has(e[0]) };
      r.expansions.push(x);
      for (var nm of e[6]) {
        if (nm[1] === key || nm[2]) continue;
        x.names.push(nm[0]);
        if (!x.off) addKid(or, namePlan(nm[3], fields, EXPAND_BOOST));
      }
      if (e[1] === 'period' && e[4] !== null && !fields) {
        x.dates = [e[4], e[5]];
        if (!x.off) addKid(or, { kind: 'period', from: e[4], to: e[5], regions: e[3], boost: F(0.3) });
      }
    }
  };
  Search.prototype.expandNames = async function (or, typed, key, r, off) {
    var sh = await this.get('nm/' + (fnv1a(key) % this.meta.thshards) + '.json');
    var e = sh[key];
    if (!e || r.expansions.length >= 16) return;
    var x = { typed: typed, id: e[0], kind: 'creator', label: e[1], names: [], off: off.has(e[0]) };
    r.expansions.push(x);
    for (var nm of e[2]) {
      if (nm[1] === key) continue;
      x.names.push(nm[0]);
      if (!x.off) addKid(or, namePlan(nm[2], 1 << IF.creator, F(0.8)));
    }
  };
  function addKid(p, k) { if (k) p.kids.push(k); }
  function plainWord(c) {
    return !c.negated && c.alts.length === 1 && !c.alts[0].phrase && !c.alts[0].prefix && c.alts[0].field === 'any';
  }
  function thesaurusField(f) { return f === 'any' || f === 'type' || f === 'material' || f === 'culture'; }

  Search.prototype.plan = async function (q, p, r, req) {
    var must = { kind: 'and', kids: [] }, not = { kind: 'or', kids: [], best: false };
    var expandOn = !p.noExpand, off = new Set(p.noExpandIds || []);
    for (var i = 0; i < q.clauses.length;) {
      var c = q.clauses[i], run = 0;
      if (expandOn && plainWord(c)) {
        var j = i;
        while (j < q.clauses.length && j - i < this.meta.max_tokens && plainWord(q.clauses[j])) j++;
        for (var len = j - i; len >= 2 && !run; len--) {
          var a = q.clauses[i].alts[0], last = q.clauses[i + len - 1].alts[0];
          var typed = dec.decode(q.bytes.subarray(a.a, last.b));
          var key = await this.key(typed, STEM);
          if (key && (await this.lookup(key)).length) {
            run = len;
            var or = { kind: 'or', kids: [], best: true }, and = { kind: 'and', kids: [] };
            for (var k = i; k < i + len; k++) addKid(and, await this.textPlan(q.clauses[k].alts[0].text, 0, false, 1));
            addKid(or, and);
            await this.expand(or, typed, key, 0, r, off);
            addKid(must, or);
          }
        }
      }
      if (run) { i += run; continue; }
      var or2 = { kind: 'or', kids: [], best: true };
      for (var t of c.alts) {
        if (t.field === 'museum' && !c.negated && /^[0-9]+$/.test(t.text) && +t.text > 0) { req.museum = +t.text; continue; }
        if (t.field === 'country' && enc.encode(t.text).length === 2 && !c.negated) { req.country = t.text.toUpperCase(); continue; }
        var fields = fieldMask(t.field);
        addKid(or2, await this.textPlan(t.text, fields, t.prefix, 1));
        var tkey = null;
        if (expandOn && !c.negated && !t.prefix && thesaurusField(t.field)) {
          tkey = await this.key(t.text, STEM);
          if (tkey) await this.expand(or2, t.text, tkey, fields, r, off);
        }
        if (expandOn && !c.negated && !t.prefix && (t.field === 'any' || t.field === 'creator')) {
          if (tkey === null) tkey = await this.key(t.text, STEM);
          if (tkey) await this.expandNames(or2, t.text, tkey, r, off);
        }
      }
      i++;
      if (!or2.kids.length) continue;
      (c.negated ? not : must).kids.push(or2.kids.length === 1 ? or2.kids[0] : or2);
    }
    req.must = must.kids.length ? must : null;
    req.mustNot = not.kids.length ? not : null;
  };

  // ---- what a plan needs: terms and documents ----

  function planTerms(p, out) {
    if (!p) return out;
    if (p.terms) p.terms.forEach(function (t) { out.add(t); });
    if (p.kids) p.kids.forEach(function (k) { planTerms(k, out); });
    return out;
  }
  function hasPeriod(p) {
    return !!p && (p.kind === 'period' || (p.kids || []).some(hasPeriod));
  }
  Search.prototype.term = async function (t) {
    var sh = await this.get('t/' + (fnv1a(t) % this.meta.terms) + '.json');
    var v = sh[t];
    if (!v) return null;
    if (!v.decoded) {
      var docs = new Uint32Array(v[0].length), d = 0;
      for (var i = 0; i < docs.length; i++) docs[i] = d += v[0][i];
      // offset * 8 + field back to the index's field << 29 | offset
      var pos = v[2].map(function (l) { return l.map(function (x) { return (x % 8) * 536870912 + Math.floor(x / 8); }); });
      v.decoded = { docs: docs, wtf: v[1], pos: pos, n: docs.length };
    }
    return v.decoded;
  };
  Search.prototype.docShard = async function (s, parts) {
    var d = this.docs.get(s);
    if (!d) { d = {}; this.docs.set(s, d); }
    if (parts.d && !d.dl) {
      var dv = new DataView(await this.get('d/' + s + '.bin', true)), n = dv.byteLength / 8;
      d.dl = new Uint16Array(n); d.prof = new Uint16Array(n); d.set = new Uint32Array(n);
      for (var i = 0; i < n; i++) {
        d.dl[i] = dv.getUint16(i * 8, true); d.prof[i] = dv.getUint16(i * 8 + 2, true);
        d.set[i] = dv.getUint32(i * 8 + 4, true);
      }
    }
    if (parts.p && !d.places) d.places = new Uint8Array(await this.get('p/' + s + '.bin', true));
    if (parts.y && !d.ds) {
      var yv = new DataView(await this.get('y/' + s + '.bin', true)), m = yv.byteLength / 8;
      d.ds = new Int32Array(m); d.de = new Int32Array(m);
      for (var k = 0; k < m; k++) { d.ds[k] = yv.getInt32(k * 8, true); d.de[k] = yv.getInt32(k * 8 + 4, true); }
    }
    return d;
  };
  Search.prototype.needDocs = async function (docs, parts) {
    var sh = new Set(), self = this, ds = this.meta.dshard;
    docs.forEach(function (d) { sh.add(Math.floor(d / ds)); });
    await Promise.all(Array.from(sh).map(function (s) { return self.docShard(s, parts); }));
  };
  Search.prototype.allShards = function () {
    var a = [];
    for (var s = 0; s * this.meta.dshard < this.meta.docs; s++) a.push(s);
    return a;
  };
  Search.prototype.doc = function (d) {
    var s = this.docs.get(Math.floor(d / this.meta.dshard)), i = d % this.meta.dshard;
    return { dl: s.dl[i], prof: this.profiles[s.prof[i]], set: s.set[i],
             places: s.places ? s.places[i] : 0, ds: s.ds ? s.ds[i] : 0, de: s.de ? s.de[i] : 0 };
  };
  Search.prototype.dl = function (d) {
    return this.docs.get(Math.floor(d / this.meta.dshard)).dl[d % this.meta.dshard];
  };

  // ---- evaluation (eval.c) ----

  var NO_YEAR = -2147483648;

  function gallop(docs, n, from, d) {
    var step = 1, lo = from, hi = from;
    while (hi < n && docs[hi] < d) { lo = hi + 1; hi += step; step *= 2; }
    if (hi > n) hi = n;
    while (lo < hi) { var mid = lo + ((hi - lo) >> 1); if (docs[mid] < d) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function sortedHas(v, n, x) {
    var lo = 0, hi = n;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (v[mid] < x) lo = mid + 1; else hi = mid; }
    return lo < n && v[lo] === x;
  }
  function field(p) { return Math.floor(p / 536870912); }
  function inFields(p, fields) { return !fields || (fields & (1 << field(p))) !== 0; }

  function Ev(s, T) {
    this.s = s; this.T = T;
    this.ndocs = s.meta.docs; this.avgdl = F(s.meta.avgdl); this.cap = 0;
  }
  Ev.prototype.idf = function (df) {
    return F(Math.log(1.0 + (this.ndocs - df + 0.5) / (df + 0.5)));
  };
  Ev.prototype.tfn = function (wtf, dl) {
    var w = wtf;
    return F(F(w * K1P1) / F(w + F(K1 * F(ONE_B + F(F(B * dl) / this.avgdl)))));
  };
  Ev.prototype.term = function (p) {
    var t = [], nt = Math.min(p.terms.length, 16), drv = 0, out = { d: [], s: [] };
    for (var i = 0; i < nt; i++) {
      t[i] = this.T.get(p.terms[i]);
      if (!t[i] || !t[i].n) return out;
      if (t[i].n < t[drv].n) drv = i;
    }
    if (!nt) return out;
    var w = [], sum = 0;
    for (i = 0; i < nt; i++) { w[i] = this.idf(t[i].n); sum = F(sum + w[i]); }
    var boost = p.boost > 0 ? p.boost : 1;
    var scale = this.cap > 0 && p.boost > 0 && p.boost < 1 && sum > this.cap ? F(this.cap / sum) : 1;
    var m = F(scale * boost);
    for (i = 0; i < nt; i++) w[i] = F(w[i] * m);
    var s = this.s;
    if (nt === 1 && !p.fields) {
      var a = t[0];
      for (var j = 0; j < a.n; j++) { out.d.push(a.docs[j]); out.s.push(F(w[0] * this.tfn(a.wtf[j], s.dl(a.docs[j])))); }
      return out;
    }
    var cur = new Array(nt).fill(0), dt = t[drv];
    for (j = 0; j < dt.n; j++) {
      var d = dt.docs[j], all = true;
      for (i = 0; i < nt && all; i++) {
        if (i === drv) { cur[i] = j; continue; }
        cur[i] = gallop(t[i].docs, t[i].n, cur[i], d);
        all = cur[i] < t[i].n && t[i].docs[cur[i]] === d;
      }
      if (!all) continue;
      var pos = [];
      for (i = 0; i < nt; i++) pos[i] = t[i].pos[cur[i]].slice(0, MAX_POS);
      var match = false;
      for (var q = 0; q < pos[0].length && !match; q++) {
        var p0 = pos[0][q];
        if (!inFields(p0, p.fields)) continue;
        match = true;
        for (i = 1; i < nt && match; i++) {
          var want = p0 + (p.offsets ? p.offsets[i] : i);
          match = field(want) === field(p0) && sortedHas(pos[i], pos[i].length, want);
        }
      }
      if (!match) continue;
      var sc = 0;
      for (i = 0; i < nt; i++) sc = F(sc + F(w[i] * this.tfn(t[i].wtf[cur[i]], s.dl(d))));
      out.d.push(d); out.s.push(sc);
    }
    return out;
  };
  // words beginning with a prefix: their scores summed per document
  Ev.prototype.prefix = function (p) {
    var acc = new Map(), s = this.s, boost = p.boost > 0 ? p.boost : 1;
    for (var k = 0; k < p.terms.length; k++) {
      var t = this.T.get(p.terms[k]);
      if (!t || !t.n) continue;
      var w = F(this.idf(t.n) * boost);
      for (var j = 0; j < t.n; j++) {
        var d = t.docs[j];
        if (p.fields && !t.pos[j].slice(0, MAX_POS).some(function (x) { return inFields(x, p.fields); })) continue;
        acc.set(d, F((acc.get(d) || 0) + F(w * this.tfn(t.wtf[j], s.dl(d)))));
      }
    }
    var ds = Array.from(acc.keys()).sort(function (a, b) { return a - b; });
    return { d: ds, s: ds.map(function (d) { return acc.get(d); }) };
  };
  Ev.prototype.scan = function (p) {
    var out = { d: [], s: [] }, n = this.s.meta.docs;
    var boost = F((p.boost > 0 ? p.boost : 0) * (this.cap > 0 ? this.cap : 1));
    for (var d = 0; d < n; d++) {
      if (p.kind === 'period') {
        var x = this.s.doc(d);
        if (x.ds === NO_YEAR || x.de === NO_YEAR || x.ds < p.from || x.de > p.to || (p.regions && !(x.places & p.regions)))
          continue;
      }
      out.d.push(d); out.s.push(boost);
    }
    return out;
  };
  Ev.prototype.termWeight = function (p) {
    if (p.kind !== 'term' || !p.terms.length) return 0;
    var sum = 0;
    for (var i = 0; i < p.terms.length && i < 16; i++) {
      var t = this.T.get(p.terms[i]);
      if (!t || !t.n) return 0;
      sum = F(sum + this.idf(t.n));
    }
    return sum;
  };
  function mergeOr(a, b, how) {
    var out = { d: [], s: [] }, i = 0, j = 0;
    while (i < a.d.length || j < b.d.length) {
      if (j === b.d.length || (i < a.d.length && a.d[i] < b.d[j])) { out.d.push(a.d[i]); out.s.push(a.s[i++]); }
      else if (i === a.d.length || b.d[j] < a.d[i]) { out.d.push(b.d[j]); out.s.push(b.s[j++]); }
      else {
        var x = a.s[i++], y = b.s[j++];
        out.d.push(a.d[i - 1]);
        out.s.push(how === 'sum' ? F(x + y) : how === 'best' ? (x > y ? x : y) : F(x * 3));
      }
    }
    return out;
  }
  function intersect(a, b) {
    var k = 0, j = 0, n = a.d.length;
    for (var i = 0; i < n; i++) {
      j = gallop(b.d, b.d.length, j, a.d[i]);
      if (j === b.d.length) break;
      if (b.d[j] === a.d[i]) { a.d[k] = a.d[i]; a.s[k++] = F(a.s[i] + b.s[j]); }
    }
    a.d.length = k; a.s.length = k;
  }
  Ev.prototype.eval = function (p) {
    switch (p.kind) {
    case 'term': return this.term(p);
    case 'prefix': return this.prefix(p);
    case 'period': case 'all': return this.scan(p);
    case 'or': {
      var out = { d: [], s: [] }, cap = this.cap;
      for (var i = 0; i < p.kids.length; i++) {
        var k = this.eval(p.kids[i]);
        if (p.best && this.cap === cap) this.cap = this.termWeight(p.kids[i]);
        var how = !p.best ? 'sum' : p.kids[i].kind === 'period' ? 'dated' : 'best';
        out = mergeOr(out, k, how);
      }
      this.cap = cap;
      return out;
    }
    case 'and': {
      if (!p.kids.length) return { d: [], s: [] };
      var ks = [];
      for (var j = 0; j < p.kids.length; j++) {
        ks.push(this.eval(p.kids[j]));
        if (!ks[j].d.length) return { d: [], s: [] };
      }
      var s = 0;
      for (j = 1; j < ks.length; j++) if (ks[j].d.length < ks[s].d.length) s = j;
      var o = ks[s];
      for (j = 0; j < ks.length && o.d.length; j++) if (j !== s) intersect(o, ks[j]);
      return o;
    }
    }
    return { d: [], s: [] };
  };

  // the second ranking
  Ev.prototype.starts = function (p, d) {
    var nt = Math.min(p.terms.length, 16), pos = [];
    for (var i = 0; i < nt; i++) {
      var t = this.T.get(p.terms[i]);
      if (!t || !t.n) return [];
      var j = gallop(t.docs, t.n, 0, d);
      if (j === t.n || t.docs[j] !== d) return [];
      pos[i] = t.pos[j].slice(0, 64);
    }
    var out = [];
    for (var k = 0; nt && k < pos[0].length && out.length < 64; k++) {
      var p0 = pos[0][k], match = true;
      for (i = 1; i < nt && match; i++) {
        var want = p0 + (p.offsets ? p.offsets[i] : i);
        match = field(want) === field(p0) && sortedHas(pos[i], pos[i].length, want);
      }
      if (match) out.push(p0);
    }
    return out;
  };
  Ev.prototype.inTitle = function (p, d) {
    return this.starts(p, d).some(function (x) { return field(x) === 0; });
  };
  Ev.prototype.clauseTitle = function (q, d) {
    if (q.kind === 'term') return this.inTitle(q, d) ? (q.boost > 0 ? q.boost : 1) : 0;
    if (q.kind === 'and') {
      for (var i = 0; i < q.kids.length; i++)
        if (q.kids[i].kind !== 'term' || !this.inTitle(q.kids[i], d)) return 0;
      return 1;
    }
    var best = 0;
    if (q.kind === 'or')
      for (var k = 0; k < q.kids.length; k++) {
        var b = q.kids[k].kind === 'period' ? 0 : this.clauseTitle(q.kids[k], d);
        if (b > best) best = b;
      }
    return best;
  };
  function typedOf(q) {
    if (q.kind === 'or' && q.kids.length) q = q.kids[0];
    return q.kind === 'term' && q.boost >= 1 ? q : null;
  }
  Ev.prototype.phrase = function (must, d) {
    var prev = [];
    for (var i = 0; i < must.kids.length; i++) {
      var t = typedOf(must.kids[i]);
      if (!t) return false;
      var cur = this.starts(t, d);
      if (i > 0) cur = cur.filter(function (c) { return prev.some(function (p) { return c === p + 1; }); });
      if (!cur.length) return false;
      var last = t.offsets && t.terms.length > 1 ? t.offsets[t.terms.length - 1] : 0;
      prev = cur.map(function (c) { return c + last; });
    }
    return must.kids.length > 1;
  };
  function bits(f) {
    var b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, f > 0 ? f : 0);
    return b.getUint32(0);
  }
  Ev.prototype.rerank = function (must, win) {
    var pset = [1], pmus = [1], pori = [1], s = this.s;
    for (var i = 1; i <= WINDOW; i++) {
      pset[i] = F(pset[i - 1] * F(0.9)); pmus[i] = F(pmus[i - 1] * F(0.97)); pori[i] = F(pori[i - 1] * F(0.98));
    }
    var many = must.kind === 'and' && must.kids.length > 1;
    var m = win.map(function (h) {
      var title = 0;
      if (must.kind === 'and') {
        for (var k = 0; k < must.kids.length; k++) title = F(title + this.clauseTitle(must.kids[k], h.d));
        title = F(title / (must.kids.length || 1));
      } else title = this.clauseTitle(must, h.d);
      var x = s.doc(h.d);
      var base = (Math.imul(x.prof.museum, 2654435761 | 0) ^ Math.imul(x.prof.cls, 40503) ^ (x.dl << 7)) >>> 0;
      return { h: h, set: x.set, tie: (base ^ Math.imul(bits(h.s), 2246822519 | 0)) >>> 0,
               mus: x.prof.museum, ori: x.places,
               boosted: F(F(h.s * F(1 + title)) * (many && this.phrase(must, h.d) ? F(1 + F(0.3)) : 1)) };
    }, this);
    var groups = new Map();
    m.forEach(function (x) {
      var key = x.set + ',' + x.tie + ',' + x.mus + ',' + x.ori, g = groups.get(key);
      if (!g) { g = { set: x.set, tie: x.tie, mus: x.mus, ori: x.ori, kset: 0, kmus: 0, kori: 0, list: [] }; groups.set(key, g); }
      g.list.push(x);
    });
    var gs = Array.from(groups.values());
    gs.forEach(function (g) { g.list.sort(function (a, b) { return a.boosted !== b.boosted ? (a.boosted > b.boosted ? -1 : 1) : a.h.d - b.h.d; }); });
    var order = [];
    while (gs.length) {
      var best = -1, bs = 0;
      for (var k = 0; k < gs.length; k++) {
        var g = gs[k], hd = g.list[0];
        var v = F(F(F(hd.boosted * pset[g.kset]) * pmus[g.kmus]) * pori[g.kori]);
        if (best < 0 || v > bs || (v === bs && hd.h.d < gs[best].list[0].h.d)) { best = k; bs = v; }
      }
      var b = gs[best];
      order.push(b.list.shift().h);
      if (!b.list.length) gs.splice(best, 1);
      gs.forEach(function (x) {
        x.kset += (x.set === b.set || x.tie === b.tie) ? 1 : 0;
        x.kmus += x.mus === b.mus ? 1 : 0;
        x.kori += x.ori === b.ori ? 1 : 0;
      });
    }
    return order;
  };

  // ---- a search ----

  // p: {q, museum, origin, page, noExpand, noExpandIds}; returns
  // {total, hits: [{id, d}], facets: {museum: [...], origin: [...]}, expansions}
  Search.prototype.run = async function (p) {
    await this.init();
    var r = { total: 0, hits: [], expansions: [], facets: {}, unsupported: false, tooBig: false };
    var text = p.q || '';
    if (tooBig(text)) { r.tooBig = true; text = ''; }
    var q = parseQuery(text), req = {};
    await this.plan(q, p, r, req);
    var terms = planTerms(req.mustNot, planTerms(req.must, new Set()));
    var T = new Map(), self = this, tl = Array.from(terms);
    var got = await Promise.all(tl.map(function (t) { return self.term(t); }));
    tl.forEach(function (t, i) { T.set(t, got[i]); });
    // the documents every posting may read
    var docs = new Set();
    got.forEach(function (t) { if (t) t.docs.forEach(function (d) { docs.add(d); }); });
    var dated = hasPeriod(req.must) || hasPeriod(req.mustNot) || q.hasDate;
    if (!req.must || dated) await Promise.all(this.allShards().map(function (s) { return self.docShard(s, { d: true, y: dated, p: dated }); }));
    else await this.needDocs(docs, { d: true });
    var ev = new Ev(this, T);
    var res = ev.eval(req.must || { kind: 'all' });
    var neg = req.mustNot ? ev.eval(req.mustNot) : { d: [] };
    var museumIdx = -1;
    if (p.museum || req.museum) {
      var mid = req.museum || +p.museum;
      museumIdx = this.meta.museums.findIndex(function (m) { return m[0] === mid; });
    }
    var origin = p.origin ? String(p.origin).split(',') : null;
    var hits = [], fm = new Map(), fo = new Map(), fc = new Map(), nj = 0;
    for (var i = 0; i < res.d.length; i++) {
      var d = res.d[i];
      if (neg.d.length) { nj = gallop(neg.d, neg.d.length, nj, d); if (nj < neg.d.length && neg.d[nj] === d) continue; }
      var x = this.doc(d), pr = x.prof;
      if ((p.museum || req.museum) && pr.museum !== museumIdx) continue;
      if (req.country && this.meta.museums[pr.museum][2] !== req.country) continue;
      if (q.hasDate && (x.ds === NO_YEAR || x.de === NO_YEAR || x.ds > q.to || x.de < q.from)) continue;
      if (origin) {
        var slug = this.meta.origins[pr.oregion];
        if (!origin.some(function (o) { return (pr.oregion && o === slug) || (pr.ocountry && o.toUpperCase() === pr.ocountry); })) continue;
      }
      r.total++;
      fm.set(pr.museum, (fm.get(pr.museum) || 0) + 1);
      if (pr.oregion) fo.set(pr.oregion, (fo.get(pr.oregion) || 0) + 1);
      if (pr.ocountry) fc.set(pr.ocountry, (fc.get(pr.ocountry) || 0) + 1);
      hits.push({ d: d, s: res.s[i] > 0 ? res.s[i] : 0 });
    }
    // by (key, id): the higher score first, then the smaller id (= document number)
    hits.sort(function (a, b) { return a.s !== b.s ? (a.s > b.s ? -1 : 1) : a.d - b.d; });
    if (req.must) {
      var win = hits.slice(0, WINDOW);
      await this.needDocs(win.map(function (h) { return h.d; }), { d: true, p: true });
      hits = ev.rerank(req.must, win).concat(hits.slice(WINDOW));
    }
    var mus = this.meta.museums;
    function facet(map, label) {
      var a = Array.from(map, function (e) { return { value: e[0], label: label(e[0]), count: e[1] }; });
      a.sort(function (x, y) { return x.count !== y.count ? y.count - x.count : (x.label < y.label ? -1 : x.label > y.label ? 1 : 0); });
      return a;
    }
    r.facets.museum = facet(fm, function (m) { return mus[m][1]; }).map(function (f) { f.value = String(mus[f.value][0]); return f; });
    var oslugs = this.meta.origins;
    r.facets.origin = facet(fo, function (o) { return oslugs[o]; }).map(function (f) { f.value = oslugs[f.value]; return f; });
    r.facets.origin_country = facet(fc, function (c) { return c; });
    var page = Math.max(1, Math.min(+p.page || 1, Math.floor(100000 / PAGE) + 1));
    var from = (page - 1) * PAGE;
    r.page = page;
    r.more = hits.length > from + PAGE;
    r.hits = hits.slice(from, from + PAGE);
    // the records of the page
    var rs = this.meta.rshard, shards = new Set(r.hits.map(function (h) { return Math.floor(h.d / rs); }));
    var recs = new Map();
    await Promise.all(Array.from(shards).map(async function (s) { recs.set(s, await self.get('r/' + s + '.json')); }));
    r.hits = r.hits.map(function (h) {
      var rec = recs.get(Math.floor(h.d / rs))[h.d % rs];
      return { id: rec[0], d: h.d, titles: rec[1], creator: rec[2], date: rec[3], museum: mus[self.doc(h.d).prof.museum][1] };
    });
    return r;
  };

  var api = { Search: Search, parseQuery: parseQuery, tooBig: tooBig, queryTokens: queryTokens, fnv1a: fnv1a };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  else root.VcmStaticSearch = api;

  // ---- the page ----

  if (typeof document === 'undefined') return;
  var box = document.getElementById('static-search');
  if (!box || !window.fetch || !window.Intl || !Intl.Segmenter) return;
  var base = box.getAttribute('data-index'), siteRoot = box.getAttribute('data-root') || '../';
  var lang = document.documentElement.lang || 'en';
  var s = new Search(function (path, bin) {
    return fetch(base + path).then(function (res) {
      if (!res.ok) throw new Error(path + ': ' + res.status);
      return bin ? res.arrayBuffer() : res.text();
    });
  });
  var params = new URLSearchParams(location.search);
  var p = { q: params.get('q') || '', museum: params.get('museum'), origin: params.get('origin'),
            page: params.get('page'), noExpand: params.get('expand') === '0',
            noExpandIds: (params.get('noexpand') || '').split(',').filter(Boolean) };
  var input = document.getElementById('q');
  if (input) input.value = p.q;
  var t = JSON.parse(box.getAttribute('data-t') || '{}');
  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (kids || []).forEach(function (c) { e.append(c); });
    return e;
  }
  function url(change) {
    var u = new URLSearchParams(location.search);
    Object.keys(change).forEach(function (k) { if (change[k] === null) u.delete(k); else u.set(k, change[k]); });
    if (!('page' in change)) u.delete('page');
    return '?' + u.toString();
  }
  function pick(titles) {
    return titles[lang] || titles.en || titles[Object.keys(titles)[0]] || '';
  }
  // an ICU plural message of the catalogue: {n, plural, one {# result} other {# results}}
  function plural(msg, n) {
    var forms = {}, re = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*)\}/g, m;
    while ((m = re.exec(msg))) forms[m[1]] = m[2];
    var f = forms['=' + n] || forms[new Intl.PluralRules(lang).select(n)] || forms.other;
    return f === undefined ? String(n) : f.replace(/#/g, n.toLocaleString(lang));
  }
  var results = document.getElementById('static-results');
  results.textContent = '';
  if (!p.q && !p.museum && !p.origin) return;
  var t0 = Date.now();
  s.run(p).then(function (r) {
    var out = document.getElementById('static-results');
    out.textContent = '';
    out.append(el('p', { 'class': 'result-count' }, [el('strong', {}, [plural(t.count || '', r.total)])]));
    var wrap = el('div', { 'class': 'browse' });
    var fbox = el('details', { 'class': 'filters', id: 'filters', open: '' }, [el('summary', {}, [t.filters || 'Filters'])]);
    [['museum', t.museum || 'Museum'], ['origin', t.origin || 'Origin']].forEach(function (f) {
      if (!r.facets[f[0]].length) return;
      var ul = el('ul');
      r.facets[f[0]].forEach(function (it) {
        var label = f[0] === 'origin' && t.origins && t.origins[it.value] ? t.origins[it.value] : it.label;
        var a = el('a', { href: url(Object.fromEntries([[f[0], it.value]])), 'data-value': it.value }, [label]);
        if (String(p[f[0]]) === it.value) a.setAttribute('aria-current', 'true');
        ul.append(el('li', { 'data-count': String(it.count) }, [a, ' ', el('span', { 'class': 'n' }, [it.count.toLocaleString(lang)])]));
      });
      fbox.append(el('section', { 'class': 'facet', 'data-facet': f[0] }, [el('h2', {}, [f[1]]), ul]));
    });
    var res = el('div', { 'class': 'results' });
    if (r.hits.length) {
      var ol = el('ol', { 'class': 'hits' });
      r.hits.forEach(function (h) {
        var meta = [h.creator, h.date, h.museum].filter(Boolean).join(' · ');
        ol.append(el('li', { 'class': 'hit', 'data-id': String(h.id) }, [
          el('a', { href: siteRoot + 'objects/' + h.id + '/' }, [el('span', { 'class': 'ph', 'aria-hidden': 'true' }),
            el('span', { 'class': 'ht', dir: 'auto' }, [pick(h.titles)])]),
          ' ', el('span', { 'class': 'cm' }, [meta])]));
      });
      res.append(ol);
    } else {
      res.append(el('p', { 'class': 'empty' }, [t.none || 'Nothing found.']));
    }
    var nav = el('nav', { 'class': 'pager', 'aria-label': t.pages || 'Pages' });
    if (r.page > 1) nav.append(el('a', { href: url({ page: r.page - 1 }), rel: 'prev' }, [t.prev || 'Previous']), ' ');
    if (r.more) nav.append(el('a', { href: url({ page: r.page + 1 }), rel: 'next' }, [t.next || 'Next']));
    res.append(nav);
    wrap.append(fbox, res);
    out.append(wrap);
    box.setAttribute('data-total', String(r.total));
    box.setAttribute('data-done', String(Date.now() - t0));
  }).catch(function (e) {
    box.setAttribute('data-error', String(e && e.message || e));
  });
})(typeof self !== 'undefined' ? self : this);
