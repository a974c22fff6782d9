"""Draws the judged set's candidates from the demo collection's raw records
(not through the index): for each query, the records whose title, creator,
culture or medium name what the query asks for, graded 2 (title or creator)
or 1 (elsewhere). Usage: candidates.py OUT.tsv (VCM_DATA names the data
folder, default ../shared/data). See README.md for how the output was read."""
import json,os,re,unicodedata,collections,sys
data=os.environ.get('VCM_DATA','../shared/data')
recs=[json.loads(l) for l in open(os.path.join(data,'collection.jsonl'))]
def fold(s):
    s=unicodedata.normalize('NFKD',s)
    s=''.join(c for c in s if not unicodedata.combining(c))
    return s.lower().replace('靑','青')
for r in recs:
    r['T']=fold(r['title']); r['A']=fold(r['artist']); r['C']=fold(r['culture']+' '+r['date_text'])
    r['M']=fold(r['medium']+' '+r['classification']); r['D']=fold(r['description'])
def W(p): return re.compile(p)
# rule: list of (grade, predicate)
def t(p):  x=W(p); return lambda r: x.search(r['T'])
def a(p):  x=W(p); return lambda r: x.search(r['A'])
def c(p):  x=W(p); return lambda r: x.search(r['C'])
def m(p):  x=W(p); return lambda r: x.search(r['M'])
def d(p):  x=W(p); return lambda r: x.search(r['D'])
def AND(*fs): return lambda r: all(f(r) for f in fs)
def OR(*fs): return lambda r: any(f(r) for f in fs)
def stem(r):
    s=r['title'].split('|')[-1]
    s=re.split(r',| from | \(|:|;| no\. ',s)[0]
    return s.strip().lower()[:40]
Q=[]
CREATORS={'Hokusai','Hiroshige','Utamaro','Harunobu','Zeshin','北斎','広重'}
def q(query,lang,g2,g1=None,per_stem=3,cap=2000):
    # a series counts a few times only for a creator's name: a curator
    # asking for an artist expects several of his works, not one set
    if query not in CREATORS: per_stem=10**6
    Q.append((query,lang,g2,g1,per_stem,cap))
# ---- English
CEL=OR(t(r'celadon'),t('青磁|青瓷|청자'))
q('celadon','en',CEL,m('celadon'))
HOK=a('hokusai|北斎')
q('Hokusai','en',HOK,per_stem=1)
q('Hiroshige','en',a('hiroshige|広重'),per_stem=1)
q('Utamaro','en',a('utamaro|歌麿'),per_stem=2)
q('Harunobu','en',a('harunobu'),per_stem=2)
q('Zeshin','en',a('zeshin'),per_stem=2)
q('Dong Qichang','en',a('dong qichang|董其昌'))
q('Ding Yunpeng','en',a('ding yunpeng|丁雲鵬'))
q('jade bowl','en',AND(t('bowl'),OR(t('jade'),m('jade'))))
q('netsuke','en',t('netsuke'),m('netsuke'),per_stem=2)
q('tea bowl','en',OR(t(r'tea ?bowl|chawan|茶碗')),per_stem=5)
q('Buddha','en',t(r'\bbuddha\b'),per_stem=3)
q('Guanyin','en',t('guanyin|kuan-?yin|觀音|观音'))
q('inro','en',t(r'\binro\b'),m(r'\binro\b'),per_stem=2)
q('snuff bottle','en',t('snuff bottle'),per_stem=5)
q('Ming vase','en',AND(c('ming'),t(r'\bvase')))
q('Tang horse','en',AND(c(r'\btang\b'),t(r'\bhorse')))
q('Shang bronze','en',AND(c(r'\bshang\b'),OR(m('bronze'),t('bronze'))))
q('Goryeo celadon','en',AND(c('goryeo|koryo'),OR(CEL,m('celadon'))))
q('Joseon','en',c('joseon|choson'),per_stem=3)
q('gold','en',t(r'\bgold'),m(r'\bgold\b'),per_stem=3)
q('copper','en',t(r'\bcopper'),m(r'\bcopper'))
q('bamboo','en',t(r'\bbamboo'),m(r'\bbamboo'))
q('dish','en',t(r'\bdish'),per_stem=5)
q('Song dynasty','en',c(r'\bsong dynasty'),per_stem=3)
q('Qing porcelain','en',AND(c(r'\bqing\b'),m('porcelain')),per_stem=3)
q('Great Wave','en',t(r'great wave|under the wave'))
q('Mount Fuji','en',t(r'\bfuji'),per_stem=2)
q('cloisonne','en',t('cloisonn'),m('cloisonn'))
q('Amitabha','en',t('amitabha|amida'))
q('Shiva','en',t(r'\bshiva|\bsiva'))
q('Ganesha','en',t('ganesh'))
q('kimono','en',t('kimono'),per_stem=5)
q('tsuba','en',t(r'tsuba|sword guard'),per_stem=5)
q('bronze mirror','en',AND(t('mirror'),OR(m('bronze'),t('bronze'))))
q('Kangxi','en',c('kangxi'),per_stem=3)
q('maebyeong','en',t('maebyeong|maebyong|매병|梅甁|梅瓶'))
q('Yin','en',OR(a(r'\byin\b'),t(r'\byin\b')))
q('Kin','en',OR(a(r'\bkin\b'),t(r'\bkin\b')))
q('Shin','en',OR(a(r'\bshin\b'),t(r'\bshin\b')))
q('Tang','en',c(r'\btang\b'),per_stem=3)
q('Shang','en',c(r'\bshang\b'),per_stem=3)
q('box','en',t(r'\bbox'),per_stem=3)
q('Song','en',c(r'\bsong\b'),per_stem=3)
q('Edo','en',c(r'\bedo\b'),per_stem=2)
q('lotus','en',t('lotus'),per_stem=3)
q('dragon','en',t('dragon'),per_stem=3)
q('crane','en',t(r'\bcranes?\b'),per_stem=3)
q('incense burner','en',t('incense burner|censer'),per_stem=3)
q('Tibet','en',c('tibet'),per_stem=2)
q('Java','en',c('java'),per_stem=2)
q('Thailand','en',c('thailand'),per_stem=2)
# ---- Chinese
q('青瓷','zh',CEL,m('celadon'))
q('山水','zh',t('山水'),t('landscape'))
q('玉','zh',OR(lambda r:r['source_museum'].startswith('National') and 'quartz' not in r['T'],AND(t('玉'),OR(t('jade'),m('jade')))),OR(t('玉'),m('jade')))
q('觀音','zh',t('guanyin|kuan-?yin|觀音|观音'))
q('鼻煙壺','zh',t('snuff bottle|鼻煙'),per_stem=5)
q('青花','zh',OR(t('青花'),m('underglaze blue|blue and white'),t('blue and white')),per_stem=3)
q('竹','zh',OR(t('竹'),t(r'\bbamboo')),m(r'\bbamboo'))
q('董其昌','zh',a('dong qichang|董其昌'))
q('宋','zh',c(r'\bsong dynasty'),per_stem=3)
q('明代','zh',c(r'\bming dynasty'),per_stem=2)
q('清','zh',c(r'\bqing dynasty'),per_stem=2)
q('唐三彩','zh',AND(c(r'\btang\b'),OR(t('sancai|three-color|三彩'),m('sancai|three-colo'))))
q('龍','zh',OR(t('龍|龙'),t('dragon')),per_stem=3)
q('屏風','zh',OR(t('屏風'),t(r'\bscreen')),m(r'folding screen'),per_stem=3)
# ---- Japanese
q('青磁','ja',CEL,m('celadon'))
q('北斎','ja',HOK,per_stem=1)
q('広重','ja',a('hiroshige|広重'),per_stem=1)
q('根付','ja',OR(t('netsuke|根付')),m('netsuke'),per_stem=2)
q('印籠','ja',t(r'\binro\b|印籠'),m(r'\binro\b'),per_stem=2)
q('茶碗','ja',t(r'tea ?bowl|chawan|茶碗'),per_stem=5)
q('富士','ja',t(r'\bfuji|富士'),per_stem=2)
q('蒔絵','ja',OR(t('maki-?e|蒔絵'),m('maki-?e')),per_stem=3)
q('江戸時代','ja',c(r'\bedo\b'),per_stem=2)
q('鍔','ja',t(r'tsuba|sword guard|鍔'),per_stem=5)
q('仏','ja',t(r'\bbuddha\b|仏'),per_stem=3)
q('浮世絵','ja',OR(t('ukiyo-?e|浮世絵'),m('ukiyo-?e')),per_stem=1)
# ---- Korean
q('청자','ko',CEL,m('celadon'))
q('고려','ko',c('goryeo|koryo'),per_stem=3)
q('조선','ko',c('joseon|choson'),per_stem=3)
q('백자','ko',OR(t('백자|白磁'),AND(c('joseon'),m('white porcelain|porcelain'))),per_stem=3)
q('매병','ko',t('maebyeong|maebyong|매병|梅甁|梅瓶'))
q('나전','ko',OR(t('나전|螺鈿|mother-of-pearl'),m('mother-of-pearl|mother of pearl')),per_stem=3)
q('청','ko',c(r'\bqing dynasty'),per_stem=2)
q('신라','ko',c('silla'),per_stem=3)
q('호랑이','ko',OR(t('호랑이|tiger|虎')),per_stem=3)
q('불상','ko',t(r'\bbuddha\b|불상|佛'),per_stem=3)
# ---- French
q('céladon','fr',CEL,m('celadon'))
q('porcelaine','fr',t('porcelain'),m('porcelain'),per_stem=3)
q('laque','fr',t('lacquer'),m('lacquer'),per_stem=3)
q('bol à thé','fr',t(r'tea ?bowl|chawan|茶碗'),per_stem=5)
q('bouddha','fr',t(r'\bbuddha\b'),per_stem=3)
q('paravent','fr',t(r'\bscreen'),m('folding screen'),per_stem=3)
q('dynastie Ming','fr',c(r'\bming dynasty'),per_stem=2)
q('bambou','fr',t(r'\bbamboo'),m(r'\bbamboo'))
q('soie','fr',t(r'\bsilk'),m(r'\bsilk'),per_stem=3)
# ---- German
q('Seladon','de',CEL,m('celadon'))
q('Porzellan','de',t('porcelain'),m('porcelain'),per_stem=3)
q('Lack','de',t('lacquer'),m('lacquer'),per_stem=3)
q('Teeschale','de',t(r'tea ?bowl|chawan|茶碗'),per_stem=5)
q('Bronze','de',t('bronze'),m('bronze'),per_stem=3)
q('Bambus','de',t(r'\bbamboo'),m(r'\bbamboo'))
q('Seide','de',t(r'\bsilk'),m(r'\bsilk'),per_stem=3)
q('Jade Schale','de',AND(t('bowl'),OR(t('jade'),m('jade'))))
# ---- Vietnamese
q('Việt Nam','vi',c('vietnam'),per_stem=3)
q('Nhà Trần','vi',c(r'tran dynasty'))
q('Nhà Lý','vi',c(r'\bly dynasty'))
_KEYS={'The Metropolitan Museum of Art':'met','Minneapolis Institute of Art (Mia)':'mia','The Museum of Modern Art (MoMA)':'moma','Carnegie Museum of Art':'cmoa','Tate':'tate','National Palace Museum, Taipei':'npm'}
out=open(sys.argv[1],'w')
out.write('query\tlang\tgrade\tmuseum\tsource_id\ttitle\n')
for query,lang,g2,g1,per,cap in Q:
    got=[];seen=collections.Counter()
    for grade,f in ((2,g2),(1,g1)):
        if not f: continue
        for r in recs:
            if grade==1 and sum(1 for x in got if x[0]==1)>=300: break
            if f(r) and not any(x[1] is r for x in got):
                s=stem(r)
                if seen[s]>=per: continue
                seen[s]+=1; got.append((grade,r))
    n2=sum(1 for g,_ in got if g==2)
    print(f'{query}\t{lang}\tgrade2={n2}\tall={len(got)}',file=sys.stderr)
    for g,r in got[:cap]:
        out.write(f"{query}\t{lang}\t{g}\t{r['source_museum']}\t{r['source_id']}\t{r['title'].split('|')[-1][:40].replace(chr(9),' ').replace(chr(10),' ').replace(chr(13),' ')}\n")
