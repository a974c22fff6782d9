# An independent BagIt 1.0 checker for the tests, written from RFC 8493
# (sections 2 and 3) with Python's hashlib; it shares nothing with src/.
#   python3 tests/cli/check_bag.py BAG         prints VALID, or INVALID and the first
#                                              fault, and exits 1
#   python3 tests/cli/check_bag.py BAG rebag   writes the payload manifest, Payload-Oxum
#                                              and the tag manifest again over what the
#                                              payload now holds (a valid bag of bad content)
import hashlib, os, re, sys
bag = sys.argv[1]
def fail(msg):
    print('INVALID: ' + msg)
    sys.exit(1)
def lines(path):
    with open(path, 'rb') as f:
        text = f.read().decode('utf-8')
    out = re.split(r'\r\n|\r|\n', text)
    if out and out[-1] == '':
        out.pop()
    return out
def decode(p):
    return re.sub(r'%(0[aAdD]|25)', lambda m: chr(int(m.group(1), 16)), p)
def encode(p):
    return p.replace('%', '%25').replace('\r', '%0D').replace('\n', '%0A')
def digest(alg, path):
    h = hashlib.new(alg)
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()
def payload():
    files = []
    for root, dirs, names in os.walk(os.path.join(bag, 'data')):
        for n in names:
            full = os.path.join(root, n)
            files.append(os.path.relpath(full, bag).replace(os.sep, '/'))
    return sorted(files)
def tags(path):
    out = []
    for l in lines(path):
        if l[:1] in (' ', '\t'):
            out[-1][1] += ' ' + l.strip()
        else:
            label, sep, value = l.partition(':')
            if not sep:
                fail(path + ': not a tag line: ' + l)
            out.append([label.strip(), value.strip()])
    return out
if len(sys.argv) > 2 and sys.argv[2] == 'rebag':
    files = payload()
    with open(os.path.join(bag, 'manifest-sha512.txt'), 'w') as m:
        for p in files:
            m.write(digest('sha512', os.path.join(bag, p)) + '  ' + encode(p) + '\n')
    octets = sum(os.path.getsize(os.path.join(bag, p)) for p in files)
    info = [t for t in tags(os.path.join(bag, 'bag-info.txt')) if t[0] != 'Payload-Oxum']
    info.append(['Payload-Oxum', '%d.%d' % (octets, len(files))])
    with open(os.path.join(bag, 'bag-info.txt'), 'w') as f:
        f.write(''.join('%s: %s\n' % (k, v) for k, v in info))
    with open(os.path.join(bag, 'tagmanifest-sha512.txt'), 'w') as t:
        for n in ('bagit.txt', 'bag-info.txt', 'manifest-sha512.txt'):
            t.write(digest('sha512', os.path.join(bag, n)) + '  ' + n + '\n')
    sys.exit(0)
if lines(os.path.join(bag, 'bagit.txt')) != ['BagIt-Version: 1.0',
                                              'Tag-File-Character-Encoding: UTF-8']:
    fail('bagit.txt')
names = sorted(os.listdir(bag))
manifests = [n for n in names if re.fullmatch(r'manifest-[a-z0-9]+\.txt', n)]
if not manifests:
    fail('no payload manifest')
files = payload()
for man in manifests:
    alg = man[len('manifest-'):-4]
    listed = set()
    for i, l in enumerate(lines(os.path.join(bag, man)), 1):
        m = re.fullmatch(r'([0-9a-fA-F]+)[ \t]+(.+)', l)
        if not m:
            fail('%s:%d: not a manifest line' % (man, i))
        p = decode(m.group(2))
        if not p.startswith('data/') or '..' in p.split('/'):
            fail('%s:%d: outside the payload: %s' % (man, i, p))
        full = os.path.join(bag, p)
        if not os.path.isfile(full):
            fail('%s:%d: missing %s' % (man, i, p))
        if digest(alg, full) != m.group(1).lower():
            fail('%s:%d: digest of %s' % (man, i, p))
        listed.add(p)
    for p in files:
        if p not in listed:
            fail('%s does not list %s' % (man, p))
info = os.path.join(bag, 'bag-info.txt')
if os.path.exists(info):
    for k, v in tags(info):
        if k == 'Payload-Oxum':
            octets = sum(os.path.getsize(os.path.join(bag, p)) for p in files)
            if v != '%d.%d' % (octets, len(files)):
                fail('Payload-Oxum %s, payload %d.%d' % (v, octets, len(files)))
for man in [n for n in names if re.fullmatch(r'tagmanifest-[a-z0-9]+\.txt', n)]:
    alg = man[len('tagmanifest-'):-4]
    for i, l in enumerate(lines(os.path.join(bag, man)), 1):
        m = re.fullmatch(r'([0-9a-fA-F]+)[ \t]+(.+)', l)
        if not m:
            fail('%s:%d: not a manifest line' % (man, i))
        full = os.path.join(bag, decode(m.group(2)))
        if not os.path.isfile(full) or digest(alg, full) != m.group(1).lower():
            fail('%s:%d: %s' % (man, i, m.group(2)))
print('VALID')
