"""Bad-input cases and the checks every answer must pass (Python stdlib only).

Used by test_badinput.py (the per-field battery) and test_security.py.
A *case* is one way of sending one field wrong:

    Case(label, kind, value)
      kind "value": value (str or bytes) is encoded by the sender as usual
      kind "raw":   value (bytes) goes into the urlencoded text / URL unescaped,
                    or into the JSON text verbatim (e.g. b'"\\ud800"', b'1e999')
      kind "json":  value is a Python object serialised as the field's JSON value
      kind "missing": the field is left out
      kind "dup":   value is a list: the field is sent once per element

Payload lists are Debian's wfuzz wordlists, read at test time.
"""
import http.client
import json
import os
import re
import urllib.parse

import veplib

WORDLISTS = "/usr/share/wfuzz/wordlist/Injections"
LISTS = ("SQL.txt", "XSS.txt", "Traversal.txt", "bad_chars.txt")

HTTP = os.environ.get("VEP_HTTP", "http://127.0.0.1:8080")


class Case:
    __slots__ = ("label", "kind", "value", "invalid")

    def __init__(self, label, kind, value, invalid=None):
        self.label = label
        self.kind = kind
        self.value = value
        # True: the field's validator must refuse it; None: the value may be valid.
        self.invalid = invalid

    def __repr__(self):
        v = self.value
        if isinstance(v, (bytes, str)) and len(v) > 60:
            v = v[:60] + (b"..." if isinstance(v, bytes) else "...")
        return f"{self.label}:{v!r}"


def payloads():
    """Every wordlist line (as text), in a fixed order, without duplicates."""
    out, seen = [], set()
    for name in LISTS:
        path = os.path.join(WORDLISTS, name)
        with open(path, "rb") as f:
            for line in f.read().split(b"\n"):
                line = line.rstrip(b"\r")
                if not line:
                    continue
                s = line.decode("utf-8", "replace")
                if s not in seen:
                    seen.add(s)
                    out.append(s)
    return out


def injection_cases(sample=None, offset=0):
    """The wordlist payloads as "value" cases; sample N takes a rotating slice."""
    p = payloads()
    if sample is not None and sample < len(p):
        start = (offset * sample) % len(p)
        p = [p[(start + i) % len(p)] for i in range(sample)]
    return [Case("inject", "value", s) for s in p]


def structural_cases(base, maxlen=None, required=True, numeric=False):
    """Missing, empty, duplicated, lengths around the maximum, 64 KiB, NUL, CR/LF, spaces."""
    c = [
        Case("missing", "missing", None, True if required else None),
        Case("empty", "value", "", True if required else None),
        Case("dup-same", "dup", [base, base], True),
        Case("dup-diff", "dup", [base, "x" + base], True),
        Case("64KiB", "value", "A" * 65536, True),
        Case("nul", "value", "a\x00b", True),
        Case("nul-raw", "raw", b"a%00b", True),
        Case("crlf", "value", base + "\r\nSet-Cookie: x=1", True if numeric else None),
        Case("lf", "value", "a\nb", True if numeric else None),
        Case("spaces", "value", " " + base + " ", True if numeric else None),
        Case("tab", "value", "\t" + base, True if numeric else None),
    ]
    if maxlen is not None:
        fill = "7" if numeric else "a"
        c += [
            Case("len-max-1", "value", fill * (maxlen - 1), None),
            Case("len-max", "value", fill * maxlen, None),
            Case("len-max+1", "value", fill * (maxlen + 1), True),
        ]
    return c


def encoding_cases(base="a"):
    """Malformed %-escapes and UTF-8 sent raw in the urlencoded text."""
    return [
        Case("overlong", "raw", b"%C0%AF", True),
        Case("overlong-3", "raw", b"%E0%80%AF", True),
        Case("surrogate", "raw", b"%ED%A0%80", True),
        Case("bad-ff", "raw", b"%FF%FE", True),
        Case("truncated-utf8", "raw", b"caf%C3", True),
        Case("pct-zz", "raw", b"%zz", True),
        Case("pct-4", "raw", b"%4", True),
        Case("pct-alone", "raw", b"%", True),
        Case("plus", "raw", urllib.parse.quote(base, safe="").encode() + b"+x", None),
        Case("pct20", "raw", urllib.parse.quote(base, safe="").encode() + b"%20x", None),
        Case("raw-utf8", "raw", "é€😀".encode(), None),
        Case("bidi", "value", "a\u202eb", None),
    ]


def json_encoding_cases():
    """JSON-specific: lone surrogates, NUL escapes, raw invalid UTF-8, odd types."""
    return [
        Case("surrogate", "raw", b'"\\ud800"', True),
        Case("surrogate-lo", "raw", b'"x\\udc00"', True),
        Case("u0000", "raw", b'"a\\u0000b"', True),
        Case("raw-overlong", "raw", b'"\xc0\xaf"', True),
        Case("raw-ff", "raw", b'"\xff"', True),
        Case("bad-escape", "raw", b'"\\x41"', True),
        Case("unterminated", "raw", b'"abc', True),
        Case("null", "json", None, None),
        Case("true", "json", True, None),
        Case("array", "json", [1, "a"], None),
        Case("object", "json", {"a": 1}, None),
        Case("deep", "raw", b"[" * 40 + b"]" * 40, True),
    ]


def numeric_cases(json_mode=False):
    """Numbers that a strict integer parser refuses or that sit at type edges."""
    if json_mode:
        return [
            Case("-1", "json", -1, None), Case("0", "json", 0, None),
            Case("2^31", "json", 2**31, None), Case("2^63-1", "raw", b"9223372036854775807", None),
            Case("2^63", "raw", b"9223372036854775808", True),
            Case("-2^63-1", "raw", b"-9223372036854775809", True),
            Case("1e999", "raw", b"1e999", True), Case("1.5", "json", 1.5, True),
            Case("1e3", "raw", b"1e3", True),
            Case("str-7", "json", "7", True), Case("str-0x10", "json", "0x10", True),
            Case("str-sp7", "json", " 7", True), Case("str-7abc", "json", "7abc", True),
            Case("-0", "raw", b"-0", None),
        ]
    return [
        Case("-1", "value", "-1", None), Case("0", "value", "0", None),
        Case("2^31", "value", "2147483648", None), Case("2^63", "value", "9223372036854775808", True),
        Case("-2^63-1", "value", "-9223372036854775809", True),
        Case("1e999", "value", "1e999", True), Case("0x10", "value", "0x10", True),
        Case("sp7", "value", " 7", True), Case("7abc", "value", "7abc", True),
        Case("1.5", "value", "1.5", True), Case("+7", "value", "+7", None),
        Case("fullwidth-7", "value", "\uff17", True), Case("arabic-7", "value", "\u0667", True),
    ]


# ---- encoding a request -----------------------------------------------------------

def enc(s):
    if isinstance(s, bytes):
        return urllib.parse.quote_from_bytes(s, safe="").encode()
    return urllib.parse.quote(s, safe="").encode()


def urlencode_with(base_pairs, field, case):
    """base_pairs (list of (k, v)) with field replaced by case, as urlencoded bytes."""
    parts = []
    placed = False
    for k, v in base_pairs:
        if k != field:
            parts.append(enc(k) + b"=" + enc(v))
            continue
        if placed:
            continue
        placed = True
        parts += field_parts(field, case)
    if not placed:
        parts += field_parts(field, case)
    return b"&".join(p for p in parts if p is not None)


def url_safe(b):
    """Bytes for a request line: bytes a URL cannot carry (non-ASCII, controls,
    space) %-escaped, everything else (including malformed escapes) as is."""
    return "".join(chr(x) if 0x21 <= x < 0x7f else "%%%02X" % x for x in b)


def field_parts(field, case):
    if case.kind == "missing":
        return []
    if case.kind == "dup":
        return [enc(field) + b"=" + enc(v) for v in case.value]
    if case.kind == "raw":
        return [enc(field) + b"=" + case.value]
    if case.kind == "json":
        return [enc(field) + b"=" + enc(json.dumps(case.value))]
    return [enc(field) + b"=" + enc(case.value)]


def json_with(base, path, case):
    """base (dict) with the value at path (tuple of keys) replaced by case, as bytes.

    Serialised by hand so raw cases (invalid JSON fragments) and duplicated
    keys can be placed exactly."""
    def ser(obj, p):
        if not p:
            raise AssertionError("empty path")
        key = p[0]
        items = []
        placed = False
        for k, v in obj.items():
            if k != key:
                items.append(json.dumps(k).encode() + b":" + json.dumps(v).encode())
                continue
            placed = True
            items += member(k, v, p)
        if not placed:
            items += member(key, None, p)
        return b"{" + b",".join(items) + b"}"

    def member(k, v, p):
        kk = json.dumps(k).encode()
        if len(p) > 1:
            return [kk + b":" + ser(v if isinstance(v, dict) else {}, p[1:])]
        if case.kind == "missing":
            return []
        if case.kind == "dup":
            return [kk + b":" + json.dumps(x).encode() for x in case.value]
        if case.kind == "raw":
            return [kk + b":" + case.value]
        if case.kind == "json":
            return [kk + b":" + json.dumps(case.value).encode()]
        val = case.value
        if isinstance(val, bytes):
            return [kk + b':"' + val + b'"']
        return [kk + b":" + json.dumps(val).encode()]

    return ser(base, path)


# ---- HTTP ---------------------------------------------------------------------------

class Answer(veplib.Resp):
    """veplib's answer, with the request it answers."""

    def __init__(self, status, headers, body, method, path):
        super().__init__(status, headers, body)
        self.method = method
        self.path = path

    def cookies(self):
        """Set-Cookie values by name: {name: (value, attributes-lowercased)}."""
        out = {}
        for v in self.headers_all("Set-Cookie"):
            first, _, rest = v.partition(";")
            n, _, val = first.strip().partition("=")
            out[n] = (val, [a.strip().lower() for a in rest.split(";") if a.strip()])
        return out


class Client:
    """HTTP to the instance from a chosen loopback source address.

    Every client address has its own failed-login budget (50 per 15 min),
    so tests that must fail logins use addresses of their own (127.0.N.M)
    and leave 127.0.0.1, which other suites use, untouched.
    """

    def __init__(self, source="127.0.0.1", base=None):
        self.source = source
        self.base = urllib.parse.urlsplit(base or HTTP)
        self.cookies = {}
        self.seen = []          # every Answer, for the header checks

    def request(self, method, path, body=None, headers=None, cookies=True, timeout=15):
        conn = http.client.HTTPConnection(self.base.hostname, self.base.port or 80, timeout=timeout,
                                          source_address=(self.source, 0))
        h = dict(headers or {})
        if cookies and self.cookies and "Cookie" not in h:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, str):
            body = body.encode()
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in h.items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            a = Answer(r.status, r.getheaders(), r.read(), method, path)
        finally:
            conn.close()
        if cookies:
            for n, (v, attrs) in a.cookies().items():
                if "max-age=0" in attrs or v == "":
                    self.cookies.pop(n, None)
                else:
                    self.cookies[n] = v
        self.seen.append(a)
        return a

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, body, headers=None, **kw):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        if isinstance(body, list):
            body = urllib.parse.urlencode(body)
        return self.request("POST", path, body=body, headers=h, **kw)

    def post_json(self, path, body, headers=None, **kw):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        return self.request("POST", path, body=body, headers=h, **kw)

    def login_token(self):
        """A fresh self login form's token, its cookie put in the jar.

        Asked for without the jar, so a browser with a session gets one too."""
        a = self.get("/self", cookies=False)
        ck = a.cookies().get("vep_self_login")
        if ck is not None:
            self.cookies["vep_self_login"] = ck[0]
        return hidden(a.text, "login_token") or ""

    def self_login(self, ve, pw, headers=None):
        """The self screen's login as a browser sends it: the form's token, then the POST."""
        return self.post_form("/self/login", [("login_token", self.login_token()), ("ve_id", ve),
                                              ("password", pw)], headers=headers)


def hidden(html, name):
    """The value of <input ... name="NAME" ... value="..."> in a page."""
    for m in re.finditer(r"<input\b[^>]*>", html):
        tag = m.group(0)
        if re.search(r'\bname="%s"' % re.escape(name), tag):
            v = re.search(r'\bvalue="([^"]*)"', tag)
            return v.group(1) if v else ""
    return None


# ---- what every answer must satisfy ------------------------------------------------------

SQL_LEAKS = re.compile(r"SQL syntax|\bER_[A-Z_]{3,}|mysql|MariaDB server|Unknown column|Duplicate entry|"
                       r"Incorrect (integer|string|datetime) value|Data too long|Out of range value|"
                       r"errno|Traceback|Segmentation|AddressSanitizer")
NGINX_MARK = b"<center>nginx</center>"


def security_header_problems(a, private=False):
    """What is wrong with a's security headers (empty list: fine)."""
    bad = []
    csp = a.header("Content-Security-Policy")
    if csp is None:
        bad.append("no Content-Security-Policy")
    else:
        if "unsafe-inline" in csp or "unsafe-eval" in csp:
            bad.append("CSP allows unsafe-inline/eval")
        if "frame-ancestors 'none'" not in csp:
            bad.append("CSP without frame-ancestors 'none'")
        if "default-src 'none'" not in csp and "default-src 'self'" not in csp:
            bad.append("CSP without a default-src")
    if (a.header("X-Content-Type-Options") or "").lower() != "nosniff":
        bad.append("no X-Content-Type-Options: nosniff")
    if not a.header("Referrer-Policy"):
        bad.append("no Referrer-Policy")
    if (private or a.path.startswith("/api/")) and "no-store" not in (a.header("Cache-Control") or ""):
        bad.append(("API" if a.path.startswith("/api/") else "private") +
                   " answer without Cache-Control: no-store")
    return bad


def answer_problems(a, payload=None, want_4xx=True, api=None):
    """Every rule of the battery applied to one answer; returns a list of sentences."""
    bad = []
    if a.status >= 500:
        bad.append(f"answered {a.status}")
    elif want_4xx and not 400 <= a.status < 500:
        bad.append(f"answered {a.status}, not 4xx")
    if NGINX_MARK in a.body:
        # The web server's own answer (body or URL too long, NUL in the path,
        # program restarting): no program ran.  Its missing security headers
        # are test_security's subject, not every case's.
        return bad
    text = a.text
    m = SQL_LEAKS.search(text)
    if m:
        bad.append(f"leaks {m.group(0)!r}")
    ctype = (a.header("Content-Type") or "").lower()
    if 400 <= a.status < 500:
        if ctype.startswith("application/json"):
            try:
                j = a.json()
                msg = j["error"]["message"]
                if not isinstance(msg, str) or len(msg) < 8:
                    bad.append("JSON error without a message")
                if "fields" in j["error"] and not isinstance(j["error"]["fields"], dict):
                    bad.append("error fields is not an object")
            except (ValueError, KeyError, TypeError):
                bad.append("4xx JSON answer not in the error shape")
        elif ctype.startswith("text/html"):
            if len(text) < 40 or "<" not in text:
                bad.append("4xx page without a message")
        else:
            bad.append(f"4xx answer of type {ctype!r}")
        if api is True and not ctype.startswith("application/json"):
            bad.append("API error not JSON")
    if payload is not None and ctype.startswith("text/html"):
        p = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
        if len(p) >= 6 and re.search(r"[<>\"']", p) and p in text:
            bad.append("payload echoed unescaped in HTML")
    bad += security_header_problems(a)
    return bad
