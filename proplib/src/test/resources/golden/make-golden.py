#!/usr/bin/env python3
"""Writes the proplib golden corpus from the tables of /work/shared/spec/proplib-xml.md.

Each case becomes a directory <name>/ with
  input.xml                 the raw input bytes
  about                     one line: the spec row (or source reading) the case comes from
  expected.xml              accepted in both modes; libprop's re-externalization of the result
  expected-error            rejected in both modes (content: the exact message, filled in by
                            running the tests once with -Dgolden.update=true; '?' until then)
  expected-{userland,kernel}.xml / expected-{userland,kernel}-error
                            the same for one mode where the modes differ.
The expected XML is produced by the small libprop-format writer below, independent of the Java
code under test.  Run from this directory: python3 make-golden.py
"""
import os
import shutil

HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" '
        b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n')
REJECT = 'REJECT'
SAME = 'SAME'


# ---- value model and an independent libprop writer (proplib-xml.md section 2) ----
def D(*pairs):
    d = {}
    for k, v in pairs:
        d[k.encode() if isinstance(k, str) else k] = v   # last one wins
    return ('dict', d)


def A(*items):
    return ('array', list(items))


def S(s):
    return ('string', s.encode() if isinstance(s, str) else s)


def I(v):
    return ('int', v, False)


def U(v):
    return ('int', v, True)


def B(v):
    return ('bool', v)


def DATA(b):
    return ('data', b)


def esc(b):
    return b.replace(b'&', b'&amp;').replace(b'<', b'&lt;').replace(b'>', b'&gt;')


def b64(b):
    import base64
    return base64.b64encode(b)


def emit(v, depth):
    t = v[0]
    tabs = b'\t' * (depth + 1)
    if t == 'dict':
        if not v[1]:
            return b'<dict/>'
        out = b'<dict>\n'
        for k in sorted(v[1]):
            out += tabs + b'<key>' + esc(k) + b'</key>\n' + tabs + emit(v[1][k], depth + 1) + b'\n'
        return out + b'\t' * depth + b'</dict>'
    if t == 'array':
        if not v[1]:
            return b'<array/>'
        out = b'<array>\n'
        for x in v[1]:
            out += tabs + emit(x, depth + 1) + b'\n'
        return out + b'\t' * depth + b'</array>'
    if t == 'string':
        return b'<string/>' if not v[1] else b'<string>' + esc(v[1]) + b'</string>'
    if t == 'int':
        if v[2]:
            return b'<integer>0x' + format(v[1] % (1 << 64), 'x').encode() + b'</integer>'
        return b'<integer>' + str(v[1]).encode() + b'</integer>'
    if t == 'bool':
        return b'<true/>' if v[1] else b'<false/>'
    if t == 'data':
        return b'<data/>' if not v[1] else b'<data>' + b64(v[1]) + b'</data>'
    raise ValueError(t)


def doc(v):
    return HEAD + emit(v, 0) + b'\n</plist>\n'


# ---- the cases ----
CASES = []


def case(name, about, inp, userland, kernel=SAME):
    if isinstance(inp, str):
        inp = inp.encode('latin-1')
    CASES.append((name, about, inp, userland, userland if kernel is SAME else kernel))


def P(body):
    """A document: <plist> wrapper around body."""
    return '<plist>' + body + '</plist>'


def DK(body):
    """A dictionary document with body inside <dict>."""
    return P('<dict>' + body + '</dict>')


EMPTY = D()

# ---- section 2: externalization samples (input = a libprop document; expected = the same bytes) ----
VERSION_REQ = D(('cmd_data', A()), ('command', S('version')), ('flags', U(0)),
                ('version', A(U(4), U(0), U(0))))
VERSION_REPLY = D(('cmd_data', A()), ('command', S('version')), ('flags', U(0)),
                  ('version', A(U(4), U(16), U(0))))
VERSION_SIGNED = D(('cmd_data', A()), ('command', S('version')), ('flags', I(0)),
                   ('version', A(I(4), I(0), I(0))))
assert len(doc(VERSION_REQ)) == 430 and len(doc(VERSION_REPLY)) == 431 and len(doc(VERSION_SIGNED)) == 422
case('s2.5-version-request', 'proplib-xml.md 2.5: libdm version request, 430 bytes', doc(VERSION_REQ), VERSION_REQ)
case('s2.5-version-reply', 'proplib-xml.md 2.5: kernel reply 4.16.0, 431 bytes', doc(VERSION_REPLY), VERSION_REPLY)
case('s2.5-version-request-signed', 'proplib-xml.md 2.5: signed setters, 422 bytes', doc(VERSION_SIGNED),
     VERSION_SIGNED)
SAMPLE_26 = D(('B', S('upper')), ('a&b', S('key escaping')), ('data0', DATA(b'')), ('data1', DATA(b'\0')),
              ('edict', D()), ('empty', S('')), ('f', B(False)), ('neg', I(-42)),
              ('nest', A(D(('x', U(1))), A())),
              ('s', S(b'a<b>&c"d\'e\tf\x01g\xc3\xa9')), ('umax', U((1 << 64) - 1)))
case('s2.6-sample-scrambled', 'proplib-xml.md 2.6: the sample, written unsorted and unindented; re-externalized',
     DK('<key>umax</key><integer>0xffffffffffffffff</integer><key>s</key>'
        '<string>a&lt;b&gt;&amp;c"d\'e\tf\x01g\xc3\xa9</string>'
        '<key>nest</key><array><dict><key>x</key><integer>0x1</integer></dict><array></array></array>'
        '<key>neg</key><integer>-42</integer><key>f</key><false/><key>empty</key><string></string>'
        '<key>edict</key><dict></dict><key>data1</key><data>AA==</data><key>data0</key><data></data>'
        '<key>a&amp;b</key><string>key escaping</string><key>B</key><string>upper</string>'),
     SAMPLE_26)
case('s2.6-sample-canonical-rejected', 'proplib-xml.md 2.3/3.5: libprop writes <data/> but cannot read it back',
     doc(SAMPLE_26), REJECT)
case('s2.6-empty-dict', 'proplib-xml.md 2.6: top-level empty dictionary', doc(EMPTY), EMPTY)

# ---- 3.2 prolog ----
case('s3.2-full-prolog', 'proplib-xml.md 3.2: XML declaration and DOCTYPE skipped',
     '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple Computer//DTD PLIST 1.0//EN" '
     '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n<dict/>\n</plist>\n', EMPTY)
case('s3.2-xml-decl-no-space', 'proplib-xml.md 3.2: <?xml?> (no space) fails', '<?xml?><plist><dict/></plist>', REJECT)
case('s3.2-doctype-foo', 'proplib-xml.md 3.2: <!DOCTYPE foo> fails', '<!DOCTYPE foo><plist><dict/></plist>', REJECT)
case('s3.2-other-pi', 'proplib-xml.md 3.2: any other processing instruction fails',
     '<?xml-stylesheet href="a"?><plist><dict/></plist>', REJECT)
case('s3.2-internal-subset', 'proplib-xml.md 3.2/3.8: DOCTYPE with an internal subset fails',
     '<!DOCTYPE plist [<!ENTITY e "x">]><plist><dict/></plist>', REJECT)
case('s3.2-repeated-prolog', 'proplib-xml.md 3.2: the prolog loop repeats (source reading)',
     '<!DOCTYPE plist><?xml version="1.0"?><?xml version="1.0"?>\n<plist><dict/></plist>', EMPTY)
case('s3.2-unterminated-decl', 'proplib-xml.md 3.2: declaration without >', '<?xml version="1.0"', REJECT)
case('s3.2-empty-document', 'proplib-xml.md 4.2: empty string', '', REJECT)
case('s3.2-blank-document', 'proplib-xml.md 3.2: only white space', ' \n\t\r ', REJECT)
case('s3.2-double-lt-comment', 'prop_object.c context_alloc: MATCH("<!--") compares from xml[1], so only '
     '"<<!--" is skipped as a comment in the prolog (source reading, not run)',
     '<<!-- x --><plist><dict/></plist>', EMPTY)

# ---- 3.3 tag scanner ----
case('s3.3-attr-tab', 'proplib-xml.md 3.3: <plist\\tversion="1.0"> accepted',
     '<plist\tversion="1.0"><dict/></plist>', EMPTY)
case('s3.3-attr-empty-value', 'proplib-xml.md 3.3: <plist  version=""> accepted',
     '<plist  version=""><dict/></plist>', EMPTY)
case('s3.3-attr-space-instead-of-eq', 'proplib-xml.md 3.3: <plist version "1.0"> accepted',
     '<plist version "1.0"><dict/></plist>', EMPTY)
case('s3.3-attr-tab-instead-of-eq', 'proplib-xml.md 3.3: any one blank works as the = byte',
     '<plist version\t"1.0"><dict/></plist>', EMPTY)
case('s3.3-attr-spaced-eq', 'proplib-xml.md 3.3: <plist version = "1.0"> fails',
     '<plist version = "1.0"><dict/></plist>', REJECT)
case('s3.3-attr-single-quotes', 'proplib-xml.md 3.3: single quotes fail', "<plist version='1.0'><dict/></plist>",
     REJECT)
case('s3.3-two-attrs', 'proplib-xml.md 3.3: two attributes fail', '<plist version="1.0" a="b"><dict/></plist>',
     REJECT)
case('s3.3-start-tag-trailing-space', 'proplib-xml.md 3.3: <plist > fails', '<plist ><dict/></plist>', REJECT)
case('s3.3-end-tag-trailing-space', 'proplib-xml.md 3.3: </plist > fails', '<plist><dict/></plist >', REJECT)
case('s3.3-dict-trailing-space', 'proplib-xml.md 3.3: <dict > fails', '<plist><dict ></dict></plist>', REJECT)
case('s3.3-empty-elem-with-attr', 'proplib-xml.md 3.3: <x a="1"/> fails',
     DK('<key>a</key><string a="1"/>'), REJECT)
case('s3.3-slash-space', 'proplib-xml.md 3.3: / must be followed by >', '<plist><dict/ ></plist>', REJECT)
case('s3.3-end-tag-attr', 'prop_object.c find_tag: end tags may carry one attribute, nobody checks it '
     '(source reading, not run)', '<plist><dict></dict a="b"></plist a="b">', EMPTY)
case('s3.3-attr-empty-name', 'proplib-xml.md 3.4: plist attribute must be named version',
     '<plist ="1.0"><dict/></plist>', REJECT)
case('s3.3-bang-not-comment', 'proplib-xml.md 3.3: <! must be followed by --', '<plist><!- x -><dict/></plist>',
     REJECT)
case('s3.3-unterminated-comment', 'proplib-xml.md 3.3: unterminated comment', '<plist><!-- x <dict/></plist>',
     REJECT)
case('s3.3-tag-name-case', 'proplib-xml.md 3.3: names are case-sensitive', '<plist><Dict/></plist>', REJECT)
case('s3.3-unclosed-tag', 'proplib-xml.md 3.3: document ends inside a tag', '<plist><dict', REJECT)

# ---- 3.4 structure ----
case('s3.4-plist-version-2', 'proplib-xml.md 3.4/3.8: version value ignored', '<plist version="2.0"><dict/></plist>',
     EMPTY)
case('s3.4-plist-foo-attr', 'proplib-xml.md 3.8: <plist foo="1"> fails', '<plist foo="1"><dict/></plist>', REJECT)
case('s3.4-plist-empty', 'proplib-xml.md 3.8: <plist/> fails', '<plist/>', REJECT)
case('s3.4-no-plist', 'proplib-xml.md 3.8: bare <dict/> fails', '<dict/>', REJECT)
case('s3.4-trailing-garbage', 'proplib-xml.md 3.8: bytes after </plist> ignored', '<plist><dict/></plist>garbage',
     EMPTY)
case('s3.4-two-roots', 'proplib-xml.md 3.8: two root values fail', '<plist><dict/><dict/></plist>', REJECT)
case('s3.4-no-end-plist', 'proplib-xml.md 3.8: missing </plist> fails', '<plist><dict/>', REJECT)
case('s3.4-no-root', 'proplib-xml.md 3.4: a root value is required', '<plist></plist>', REJECT)
case('s3.4-array-root', 'proplib-xml.md 3.8: the kernel wants a dictionary (dmemu userland accepts any root)',
     '<plist><array/></plist>', A(), REJECT)
case('s3.4-string-root', 'proplib-xml.md 3.1: kernel root must be dict (dmemu userland accepts any root)',
     '<plist><string>x</string></plist>', S('x'), REJECT)
case('s3.4-comment-before-plist', 'proplib-xml.md 3.8: comment before <plist>', '<!-- c --><plist><dict/></plist>',
     EMPTY)
case('s3.4-comment-before-root', 'proplib-xml.md 3.8: comment between <plist> and the root',
     '<plist><!--c--><dict/></plist>', EMPTY)
case('s3.4-comment-before-end-plist', 'proplib-xml.md 3.8: comment before </plist> fails',
     '<plist><dict/><!--c--></plist>', REJECT)
case('s3.4-json', 'proplib-xml.md 3.8: JSON fails in NetBSD 10', '{"a": true}', REJECT)
case('s3.4-bom', 'proplib-xml.md 3.8: UTF-8 BOM fails', b'\xef\xbb\xbf<plist><dict/></plist>', REJECT)
case('s3.4-crlf', 'proplib-xml.md 3.8: CR LF line ends accepted, CRs inside text kept',
     '<?xml version="1.0"?>\r\n<plist version="1.0">\r\n<dict>\r\n\t<key>a</key>\r\n\t<string>x\r\ny</string>\r\n'
     '</dict>\r\n</plist>\r\n', D(('a', S('x\r\ny'))))
case('s3.4-form-feed', 'proplib-xml.md 3.8: form feed is not a separator', '<plist>\f<dict/></plist>', REJECT)
case('s3.4-nul-stops', 'proplib-xml.md 3.1: parsing stops at the first NUL', b'<plist><dict/>\0</plist>', REJECT)
case('s3.4-after-nul-ignored', 'proplib-xml.md 4.2: bytes after the NUL are ignored',
     b'<plist><dict/></plist>\0<junk', EMPTY)

# ---- 3.5 values ----
for tag in ['real', 'date', 'data2', 'Integer', 'uid', 'null']:
    case('s3.5-unknown-' + tag, 'proplib-xml.md 3.5: unknown element fails',
         DK('<key>a</key><%s>1</%s>' % (tag, tag)), REJECT)
case('s3.5-dict-attr', 'proplib-xml.md 3.5: attribute on dict fails', P('<dict a="b"></dict>'), REJECT)
case('s3.5-array-attr', 'proplib-xml.md 3.5: attribute on array fails', DK('<key>a</key><array a="b"></array>'),
     REJECT)
case('s3.5-dict-open-close', 'proplib-xml.md 3.5: <dict></dict> is empty', P('<dict></dict>'), EMPTY)
case('s3.5-array-open-close', 'proplib-xml.md 3.5: <array></array> is empty', DK('<key>a</key><array></array>'),
     D(('a', A())))
case('s3.5-repeated-key', 'proplib-xml.md 3.8: repeated key, last value wins',
     DK('<key>a</key><integer>1</integer><key>b</key><true/><key>a</key><integer>2</integer>'),
     D(('a', I(2)), ('b', B(True))))
case('s3.5-empty-key', 'proplib-xml.md 3.8: <key></key> is the empty key', DK('<key></key><true/>'),
     D(('', B(True))))
case('s3.5-key-empty-element', 'proplib-xml.md 3.8: <key/> fails', DK('<key/><true/>'), REJECT)
case('s3.5-key-attr-ignored', 'proplib-xml.md 3.8: attributes on <key> are ignored', DK('<key x="y">a</key><true/>'),
     D(('a', B(True))))
case('s3.5-key-128', 'proplib-xml.md 3.8: 128-byte key accepted', DK('<key>' + 'k' * 128 + '</key><true/>'),
     D(('k' * 128, B(True))))
case('s3.5-key-129', 'proplib-xml.md 3.8: 129-byte key fails', DK('<key>' + 'k' * 129 + '</key><true/>'), REJECT)
case('s3.5-key-128-amp', 'proplib-xml.md 3.8: 128 x &amp; (128 decoded bytes) accepted',
     DK('<key>' + '&amp;' * 128 + '</key><true/>'), D(('&' * 128, B(True))))
case('s3.5-key-129-amp', 'proplib-xml.md 3.8: 129 x &amp; fails', DK('<key>' + '&amp;' * 129 + '</key><true/>'),
     REJECT)
case('s3.5-value-without-key', 'proplib-xml.md 3.8: value in key position fails',
     DK('<string>k</string><true/>'), REJECT)
case('s3.5-key-without-value', 'proplib-xml.md 3.5: key with no value fails', DK('<key>a</key>'), REJECT)
case('s3.5-key-end-missing', 'proplib-xml.md 3.5: </key> required', DK('<key>a<true/>'), REJECT)
case('s3.5-array-end-tag-quirk', 'proplib-xml.md 3.5: an end tag in element position is dispatched on its name',
     DK('<key>a</key><array></string></string></array>'), D(('a', A(S('')))))
case('s3.5-array-end-dict-quirk', 'proplib-xml.md 3.5 quirk with </dict> (source reading, not run)',
     DK('<key>a</key><array></dict></dict></array>'), D(('a', A(D()))))
case('s3.5-array-end-true', 'proplib-xml.md 3.5: </true> in element position is not an empty element',
     DK('<key>a</key><array></true></array>'), REJECT)
case('s3.5-array-repeated-elements', 'proplib-xml.md 3.5: arrays of repeated element tags, nested',
     DK('<key>a</key><array><integer>1</integer><integer>2</integer><true/><true/><false/>'
        '<array><integer>3</integer><integer>5</integer></array><array></array><integer>4</integer></array>'),
     D(('a', A(I(1), I(2), B(True), B(True), B(False), A(I(3), I(5)), A(), I(4)))))
case('s3.5-array-repeat-then-attr', 'proplib-xml.md 3.5: attribute on a repeated element still fails',
     DK('<key>a</key><array><integer>1</integer><integer a="1">2</integer></array>'), REJECT)
case('s3.5-array-repeat-then-open-close', 'proplib-xml.md 3.5: <true></true> after <true/> still fails',
     DK('<key>a</key><array><true/><true></true></array>'), REJECT)
case('s3.5-comments-in-dict', 'proplib-xml.md 3.8: comments before a key, between key and value, before </dict>',
     DK('<!--1--><key>a</key><!--2--><true/><!--3-->'), D(('a', B(True))))
case('s3.5-comment-after-array-element', 'proplib-xml.md 3.8: comment after the last array element',
     DK('<key>a</key><array><true/><!--x--></array>'), D(('a', A(B(True)))))
case('s3.5-comment-in-key', 'proplib-xml.md 3.3: no comment inside key text', DK('<key>a<!--x--></key><true/>'),
     REJECT)
case('s3.5-string-empty-element', 'proplib-xml.md 3.5: <string/> is the empty string', DK('<key>a</key><string/>'),
     D(('a', S(''))))
case('s3.5-string-open-close', 'proplib-xml.md 3.5: <string></string> is the empty string',
     DK('<key>a</key><string></string>'), D(('a', S(''))))
case('s3.5-string-attr', 'proplib-xml.md 3.5: attribute on string fails', DK('<key>a</key><string a="b">x</string>'),
     REJECT)
case('s3.5-string-unterminated', 'proplib-xml.md 3.5.1: NUL before < fails', b'<plist><dict><key>a</key><string>abc',
     REJECT)
case('s3.5-string-whitespace-kept', 'proplib-xml.md 3.5.1: white space preserved',
     DK('<key>a</key><string> a \n\t</string>'), D(('a', S(' a \n\t'))))
case('s3.5-true-false', 'proplib-xml.md 3.5: <true/> and <false/>', DK('<key>f</key><false/><key>t</key><true/>'),
     D(('f', B(False)), ('t', B(True))))
case('s3.5-true-open-close', 'proplib-xml.md 3.5: <true></true> fails', DK('<key>a</key><true></true>'), REJECT)
case('s3.5-true-space-slash', 'proplib-xml.md 3.5: <true /> fails', DK('<key>a</key><true />'), REJECT)
case('s3.5-data-empty-element', 'proplib-xml.md 3.5/3.8: <data/> fails', DK('<key>a</key><data/>'), REJECT)
case('s3.5-data-open-close', 'proplib-xml.md 3.5: <data></data> is empty data', DK('<key>a</key><data></data>'),
     D(('a', DATA(b''))))
case('s3.5-data-size-ok', 'proplib-xml.md 3.5: size attribute equal to the decoded length',
     DK('<key>a</key><data size="3">AAEC</data>'), D(('a', DATA(b'\0\1\2'))))
case('s3.5-data-size-hex', 'proplib-xml.md 3.5: size parsed with strtoul base 0',
     DK('<key>a</key><data size="0x3">AAEC</data>'), D(('a', DATA(b'\0\1\2'))))
case('s3.5-data-size-wrong', 'proplib-xml.md 3.5: size must equal the decoded length',
     DK('<key>a</key><data size="2">AAEC</data>'), REJECT)
case('s3.5-data-size-empty', 'prop_data.c: empty size value fails', DK('<key>a</key><data size="">AAEC</data>'),
     REJECT)
case('s3.5-data-size-trailing', 'proplib-xml.md 3.5: size must use the whole value',
     DK('<key>a</key><data size="3 ">AAEC</data>'), REJECT)
case('s3.5-data-other-attr', 'proplib-xml.md 3.5: any attribute but size fails',
     DK('<key>a</key><data foo="3">AAEC</data>'), REJECT)

# ---- 3.5.1 text ----
case('s3.5.1-five-entities', 'proplib-xml.md 3.5.1: the five entities decode',
     DK('<key>a</key><string>&amp;&lt;&gt;&apos;&quot;</string>'), D(('a', S('&<>\'"'))))
case('s3.5.1-key-entities', 'proplib-xml.md 3.5.1: keys decode entities too',
     DK('<key>a&amp;b&lt;</key><true/>'), D(('a&b<', B(True))))
for nm, txt in [('charref', '&#65;'), ('hexref', '&#x41;'), ('upper-amp', '&AMP;'), ('bare-amp', 'a&b'),
                ('amp-no-semicolon', '&amp'), ('nbsp', '&nbsp;')]:
    case('s3.5.1-reject-' + nm, 'proplib-xml.md 3.5.1/3.8: only the five entities', 
         DK('<key>a</key><string>%s</string>' % txt), REJECT)
case('s3.5.1-raw-specials', 'proplib-xml.md 3.5.1: raw >, ]]>, " and \' are fine',
     DK('<key>a</key><string>a>b]]>"\'</string>'), D(('a', S('a>b]]>"\''))))
case('s3.5.1-cdata', 'proplib-xml.md 3.8: CDATA fails', DK('<key>a</key><string><![CDATA[x]]></string>'), REJECT)
case('s3.5.1-comment-in-text', 'proplib-xml.md 3.8: comment in text fails',
     DK('<key>a</key><string>a<!--c-->b</string>'), REJECT)
case('s3.5.1-raw-control-and-ff', 'proplib-xml.md 3.8: raw 0x01 and 0xFF bytes are kept',
     b'<plist><dict><key>a</key><string>\x01\xff</string></dict></plist>', D(('a', S(b'\x01\xff'))))

# ---- 3.5.2 base64 ----
for nm, txt, res in [('AAEC', 'AAEC', b'\0\1\2'), ('AA==', 'AA==', b'\0'), ('AAE=', 'AAE=', b'\0\1'),
                     ('newline', 'AA\nEC', b'\0\1\2'), ('blanks-around', ' \tAAEC\r\n', b'\0\1\2'),
                     ('space-between-pads', 'AA= =', b'\0'), ('blank-after-pad', 'AAE=\t ', b'\0\1'),
                     ('long', 'AAECAwQFBgc=', bytes(range(8))),
                     ('AA=', 'AA=', REJECT), ('AAE', 'AAE', REJECT), ('A===', 'A===', REJECT),
                     ('leading-pad', '=AAA', REJECT), ('junk-after-pad', 'AA==x', REJECT),
                     ('data-after-pad', 'AA==AA==', REJECT), ('bad-char', 'AA!C', REJECT),
                     ('urlsafe', 'AB-_', REJECT), ('A', 'A', REJECT)]:
    case('s3.5.2-' + nm, 'proplib-xml.md 3.5.2: base64 ' + repr(txt), DK('<key>a</key><data>%s</data>' % txt),
         REJECT if res is REJECT else D(('a', DATA(res))))

# ---- 3.6 integers (both columns) ----
INT64_MAX = (1 << 63) - 1
for nm, txt, ures, kres in [
        ('5', '5', I(5), SAME),
        ('0x1f', '0x1f', U(31), SAME), ('0xABCDEF', '0xABCDEF', U(11259375), SAME),
        ('0X1F', '0X1F', I(31), SAME),
        ('017-octal', '017', I(15), SAME), ('08', '08', REJECT, SAME),
        ('-1', '-1', I(-1), SAME), ('-0x10', '-0x10', I(-16), SAME), ('-0', '-0', I(0), SAME),
        ('+7', '+7', I(7), SAME),
        ('blanks-around', ' 5 ', I(5), SAME), ('nl-tab', '\n\t42\n', I(42), SAME), ('vt', '\v42', I(42), SAME),
        ('space-0x10', ' 0x10', I(16), SAME),
        ('empty', '', I(0), SAME), ('blanks-only', '  \t', I(0), SAME),
        ('abc', 'abc', REJECT, SAME), ('12abc', '12abc', REJECT, SAME), ('1.5', '1.5', REJECT, SAME),
        ('1e3', '1e3', REJECT, SAME), ('0x', '0x', REJECT, SAME), ('0x-space-1', '0x 1', REJECT, SAME),
        ('charref', '1&#x30;', REJECT, SAME),
        ('int64-max', '9223372036854775807', I(INT64_MAX), SAME),
        ('2pow63', '9223372036854775808', U(1 << 63), REJECT),
        ('uint64-max-decimal', '18446744073709551615', U((1 << 64) - 1), REJECT),
        ('2pow64', '18446744073709551616', REJECT, SAME),
        ('0xffffffffffffffff', '0xffffffffffffffff', U((1 << 64) - 1), SAME),
        ('0x10000000000000000', '0x10000000000000000', REJECT, SAME),
        ('int64-min', '-9223372036854775808', I(-(1 << 63)), SAME),
        ('below-int64-min', '-9223372036854775809', REJECT, SAME),
        # source-derived (C strtoll/strtoull semantics; not in the spec table)
        ('space-hex-overflow-fallback', ' 0xffffffffffffffff', U((1 << 64) - 1), REJECT),
        ('space-neg-overflow-fallback', ' -9223372036854775809', U(INT64_MAX), REJECT),
        ('vt-only', '\v', REJECT, SAME),
        ('0xg', '0xg', REJECT, SAME),
        ('sign-only', '-', REJECT, SAME)]:
    about = 'proplib-xml.md 3.6 row %r' % txt
    if nm in ('space-hex-overflow-fallback', 'space-neg-overflow-fallback', 'vt-only', '0xg', 'sign-only'):
        about = 'prop_number.c + C strtoll/strtoull (source reading, not run): %r' % txt
    case('s3.6-' + nm, about, DK('<key>n</key><integer>%s</integer>' % txt),
         REJECT if ures is REJECT else D(('n', ures)),
         SAME if kres is SAME else (REJECT if kres is REJECT else D(('n', kres))))
case('s3.6-integer-empty-element', 'proplib-xml.md 3.6: <integer/> fails', DK('<key>n</key><integer/>'), REJECT)
case('s3.6-integer-attr', 'proplib-xml.md 3.6: <integer attr="1"> fails', DK('<key>n</key><integer attr="1">1</integer>'),
     REJECT)
case('s3.6-comment-in-integer', 'proplib-xml.md 3.3: no comment inside <integer>',
     DK('<key>n</key><integer><!--c-->5</integer>'), REJECT)


def write_all():
    here = os.path.dirname(os.path.abspath(__file__))
    names = set()
    for name, about, inp, ul, kn in CASES:
        assert name not in names, name
        names.add(name)
        d = os.path.join(here, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, 'input.xml'), 'wb') as f:
            f.write(inp)
        with open(os.path.join(d, 'about'), 'w') as f:
            f.write(about + '\n')
        if ul == kn:
            want = {'': ul}
        else:
            want = {'-userland': ul, '-kernel': kn}
        keep = set(['input.xml', 'about'])
        for suffix, res in want.items():
            if res is REJECT:
                fn = 'expected' + suffix + '-error'
                if not os.path.exists(os.path.join(d, fn)):
                    with open(os.path.join(d, fn), 'w') as f:
                        f.write('?\n')
            else:
                fn = 'expected' + suffix + '.xml'
                with open(os.path.join(d, fn), 'wb') as f:
                    f.write(doc(res))
            keep.add(fn)
        for fn in os.listdir(d):
            if fn not in keep:
                os.remove(os.path.join(d, fn))
    for fn in os.listdir(here):
        p = os.path.join(here, fn)
        if os.path.isdir(p) and fn not in names:
            shutil.rmtree(p)
    print(len(CASES), 'cases')


if __name__ == '__main__':
    write_all()
