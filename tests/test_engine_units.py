"""Pure engine pieces: normalisation, matching, topology leniency, text, redaction."""

from __future__ import annotations

import pytest

from wsdoctor.engine.matcher import SignatureMatcher
from wsdoctor.engine.normalize import normalize_line
from wsdoctor.engine.text import tokenize
from wsdoctor.engine.topology import normalize as topo
from wsdoctor.export.redact import redact
from wsdoctor.model.playbook import Signature


def test_normalize_strips_variable_parts_but_keeps_status_codes():
    a = normalize_line('2024-05-12T10:11:12Z 10.0.0.7:51344 "GET /socket.io/?EIO=4&transport=websocket&sid=Xq3mR0JbHkz1AAAB" 400')
    b = normalize_line('[12/May/2024:10:11:12 +0000] 192.168.1.20:40001 "GET /socket.io/?EIO=4&transport=websocket&sid=ZZ9mR0JbHkz1AAAC" 400')
    assert a.replace("<ts> ", "") == b.replace("<ts> ", "")
    assert "400" in a and "eio=4" in a


def test_fullwidth_chinese_punctuation_matches_ascii():
    assert normalize_line("错误代码：11") == normalize_line("错误代码:11")


class _PB:
    def __init__(self, sigs):
        self.id = "x"
        self.signatures = sigs


def _matcher(**kw):
    return SignatureMatcher.for_playbooks([_PB([Signature(id="s", source="any", weight=0.8, **kw)])])


def test_literal_match_survives_ids_and_case():
    m = _matcher(kind="literal", pattern="Invalid session Xq3mR0JbHkz1AAAB (further occurrences")
    hits = list(m.scan_lines(["noise", "Invalid session Zk81LmQpTn3aBBBC (further occurrences of this error"]))
    assert [h.line for h in hits] == [2]


def test_literal_match_survives_a_quoted_line_without_its_full_stop():
    m = _matcher(kind="literal", pattern="Unsupported upgrade request.")
    lines = ["WARNING:  Unsupported upgrade request", "WARNING:  Unsupported upgrade request.", "Unsupported upgrades"]
    assert [h.line for h in m.scan_lines(lines)] == [1, 2]


def test_fuzzy_match_catches_a_typo_and_reports_similarity():
    m = _matcher(kind="fuzzy", pattern="The WebSocket transport is not available, you must install a WebSocket server", min_score=85)
    hits = list(m.scan_lines(["The WebSocket transprot is not available, you must install a WebSocket server that"]))
    assert hits and 0.85 <= hits[0].similarity < 1.0


def test_regex_runs_only_where_it_should():
    m = _matcher(kind="regex", pattern=r"upstream timed out \(110: Connection timed out\) while proxying upgraded connection")
    lines = ["upstream timed out (110: Connection timed out) while reading response header from upstream",
             "2024/05/12 10:00:00 [error] 31#31: *9 upstream timed out (110: Connection timed out) while proxying upgraded connection"]
    assert [h.line for h in m.scan_lines(lines)] == [2]


def test_json_log_lines_are_unwrapped():
    m = _matcher(kind="literal", pattern="Session ID unknown")
    hits = list(m.scan_lines(['{"level":"warn","msg":"connection error: Session ID unknown","ts":1}']))
    assert len(hits) == 1


@pytest.mark.parametrize("key,raw,want", [
    ("proxy", "Nginx Proxy Manager", "nginx"), ("load_balancer", "AWS ALB", "aws-alb"),
    ("server", "node socket.io 4.x", "socket.io"), ("nodes", "3", "multiple"), ("nodes", "1", "1"),
    ("cdn", "CloudFront", "cloudfront"), ("proxy", "pfSense", "haproxy"), ("platform", "ECS Fargate", "aws-ecs-fargate"),
    ("proxy", "宝塔面板", "nginx"), ("proxy", "寶塔面板", "nginx"), ("cdn", "阿里雲CDN", "alibaba-cdn"),
])
def test_topology_values_are_lenient(key, raw, want):
    assert topo(key, raw).value == want


def test_unknown_topology_value_is_kept_as_free_text():
    n = topo("proxy", "lighttpd")
    assert n.value == "lighttpd" and not n.known


def test_chinese_text_reaches_english_terms():
    toks = tokenize("刷新页面后连不上，每隔60秒断开")
    assert {"refresh", "disconnect", "60"} <= set(toks)
    # 一直连接失败 ("keeps failing to connect") holds 直连 ("direct") only by accident
    assert "direct" not in tokenize("websocket 一直连接失败") and "direct" in tokenize("直连后端端口正常")


@pytest.mark.parametrize("secret,text", [
    ("abc.def.ghi-AUTH", "Authorization: Bearer abc.def.ghi-AUTH"),
    ("sessionid=s3cr3t", "Cookie: sessionid=s3cr3t; theme=dark"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "wss://x/ws?jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("tok_123456", "GET /socket.io/?EIO=4&token=tok_123456&transport=polling"),
    ("ya29.secret", "GET /cable?access_token=ya29.secret"),
    ("c2lnbmF0dXJl", "https://bucket.s3.amazonaws.com/f?X-Amz-Signature=c2lnbmF0dXJl&X-Amz-Date=1"),
    ("AKIAIOSFODNN7EXAMPLE", "key AKIAIOSFODNN7EXAMPLE used"),
    ("hunter2", "redis://admin:hunter2@redis:6379/0"),
    ("sig-value-9", "https://cdn.example.com/a.js?Expires=1&Signature=sig-value-9&Key-Pair-Id=K1"),
])
def test_redaction_removes_each_kind_of_secret(secret, text):
    out = redact(text)
    assert secret not in out
    assert "[REDACTED]" in out


@pytest.mark.parametrize("text, fires", [
    ("the chat reconnects every 60 seconds", True),
    ("Reconnecting shows up roughly once a minute", True),
    ("the terminal freezes two minutes later, a refresh fixes it", True),
    ("socket disconnects after about 100s behind cloudflare", True),
    ("连上之后每隔30秒就断开一次", True),
    ("大概一分钟后就自动断开", True),
    ("the first request takes a long time to answer", False),
    ("messages arrive twice after a reconnect", False),
    ("部署后刷新页面就连不上", False),
])
def test_a_drop_tied_to_a_duration_reads_as_a_fixed_interval(lib, text, fires):
    assert ("drops-at-fixed-interval" in _read_as(lib, text)) is fires


@pytest.mark.parametrize("pattern, literals", [
    (r"upstream timed out \(110: [^)]*\) while reading", ("upstream timed out (110: ",)),
    (r"(?:close|status) code[=: ]+1006\b|\b1006 \(abnormal closure\)", (" code", "1006 (abnormal closure)")),
    (r"[?&]EIO=3\b", ("eio=3",)),
    (r"\b(users|sessions)\[\s*socket\.id", ("socket.id",)),
    (r"\b\d+\s+\w+", None),  # nothing literal to ask for
])
def test_regex_prefilter_literals(pattern, literals):
    from wsdoctor.engine.matcher import _required_literals

    assert _required_literals(pattern) == literals


def test_every_regex_match_in_cases_and_examples_contains_a_prefilter_literal(lib):
    """The prefilter may only skip lines the regex cannot match."""
    import glob
    import re

    from ruamel.yaml import YAML

    from wsdoctor.engine.matcher import _required_literals

    texts = []
    for f in glob.glob("tests/cases*/*.yaml"):
        case = YAML(typ="safe").load(open(f, encoding="utf-8"))
        texts += (case.get("logs") or "").splitlines() + [case.get("symptoms") or ""]
    for pb in lib.playbooks:
        for ex in pb.examples.match + pb.examples.no_match:
            texts += (ex.logs or "").splitlines() + [ex.description or ""]
    checked = 0
    for pb in lib.playbooks:
        for sig in pb.signatures:
            if sig.kind != "regex" or not (need := _required_literals(sig.pattern)):
                continue
            rx = re.compile(sig.pattern, re.IGNORECASE)
            for t in texts:
                if rx.search(t):
                    checked += 1
                    assert any(n in t.lower() for n in need), (pb.id, sig.id, t)
    assert checked > 100


def test_naive_bayes_reads_a_whole_description(lib):
    from wsdoctor.engine.bayes import NaiveBayes
    from wsdoctor.engine.text import tokenize

    nb = NaiveBayes(lib.playbooks)
    assert nb.posterior(tokenize("qwxz zzyzx")) == {}  # no known word: no opinion
    post = nb.posterior(tokenize("opening the chat in a second tab disconnects the first tab"))
    assert abs(sum(post.values()) - 1) < 1e-9
    assert max(post, key=post.get) == "single-connection-per-user"
    zh = nb.posterior(tokenize("反向代理后 websocket 握手失败，后端说请求里没有 Upgrade 头"))
    assert max(zh, key=zh.get) == "proxy-missing-upgrade-headers"
    # a longer description is tempered: the posterior does not collapse to certainty on every word
    assert max(post.values()) < 0.999


@pytest.mark.parametrize("text, seconds, named", [
    ("drops every 100 seconds", [100.0], ["cloudflare"]),
    ("每隔100秒断开一次", [100.0], ["cloudflare"]),
    ("the router closes it after 55s", [55.0], ["heroku"]),
    ("read timeout 30000ms", [30.0], ["gcp-lb"]),
    ("disconnects after one minute", [60.0], []),  # nginx, ALB and ELB alike: names nothing
    ("after 2 minutes", [120.0], []),
])
def test_durations_and_the_product_defaults_they_name(text, seconds, named):
    from wsdoctor.engine.timing import durations, named_by_interval

    assert durations(text) == seconds
    assert [d.value for d in named_by_interval(text)] == named


def test_a_drop_at_a_product_default_picks_that_products_fix(lib):
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.model.intake import Intake

    report = diagnose(lib, Intake(description="the chat drops every 100 seconds and reconnects"))
    assert report.diagnoses[0].id == "proxy-idle-timeout"
    assert report.plan.topology == {"cdn": "cloudflare"} and report.plan.steps[0].component == "cloudflare"
    # what the user said wins, and a number that is not a drop names nothing
    mine = diagnose(lib, Intake(description="the chat drops every 100 seconds", topology={"cdn": "cloudfront"}))
    assert mine.plan.topology == {"cdn": "cloudfront"}
    slow = diagnose(lib, Intake(description="the first page takes 100 seconds to load"))
    assert "cdn" not in slow.plan.topology


@pytest.mark.parametrize("text,want", [
    ("WebSocket connection to 'ws://localhost:8000/ws' failed", "ws://localhost:8000"),
    ("GET http://127.0.0.1:5000/socket.io/?EIO=4&transport=polling 400", "http://127.0.0.1:5000"),
    ("wss://localhost:3443/cable closed, docs at https://socket.io/docs/v4/", "wss://localhost:3443"),
    ("ws://localhost/ws failed", None),                       # port 80: a local proxy may listen there
    ("ws://localhost:3000/ws ok, wss://chat.example.com/ws failed", None),  # a real host is on the path
    ("the page http://localhost:3000/ loads, nothing else", None),          # a page, not a socket
    ("no URL at all", None),
])
def test_a_socket_straight_to_an_app_port_on_loopback(text, want):
    from wsdoctor.engine.topology import direct_loopback
    assert direct_loopback(text) == want


def _read_as(lib, description):
    """The symptoms (and signatures) a description alone was read as."""
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.model.intake import Intake

    report = diagnose(lib, Intake(description=description), top=33)
    return {e.signature for d in report.diagnoses for e in d.evidence if e.kind == "description"}


def _score(rep, pid):
    return next((d.score for d in rep.diagnoses if d.id == pid), 0.0)


def test_a_loopback_socket_lowers_proxy_and_tls_causes(lib):
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.model.intake import Intake, LogSource

    log = "WebSocket connection to 'ws://localhost:8000/ws' failed: Error during WebSocket handshake: Unexpected response code: 400"
    desc = "the handshake fails, the page is served over https in production but locally it is plain http"
    local = diagnose(lib, Intake(description=desc, logs=[LogSource(name="console", text=log)]), top=33)
    remote = diagnose(lib, Intake(description=desc, logs=[LogSource(name="console", text=log.replace(
        "ws://localhost:8000", "wss://chat.example.com"))]), top=33)
    # a plain ws:// socket on this machine cannot be mixed content
    assert _score(local, "mixed-content-insecure-ws") < _score(remote, "mixed-content-insecure-ws")
    # a proxy cause drops for the loopback URL; with a public URL and nothing named in between it
    # drops too (needs_intermediary), so compare the reasons, not the scores
    def upgrade(rep):
        return next(d for d in rep.diagnoses if d.id == "proxy-missing-upgrade-headers").evidence

    assert any("ws://localhost:8000" in e.detail and e.points < 0 for e in upgrade(local))
    assert not any("straight to" in e.detail for e in upgrade(remote))
    # a proxy the user names is believed over the URL
    named = diagnose(lib, Intake(description=desc, topology={"proxy": "nginx"},
                                 logs=[LogSource(name="console", text=log)]), top=33)
    assert not any("straight to" in e.detail for d in named.diagnoses for e in d.evidence)


def test_log_lines_of_a_proxy_outweigh_a_loopback_url(lib):
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.model.intake import Intake, LogSource

    log = ("WebSocket connection to 'ws://localhost:8080/socket.io/?EIO=4&transport=websocket' failed\n"
           "upstream prematurely closed connection while reading response header from upstream, client: 127.0.0.1")
    rep = diagnose(lib, Intake(logs=[LogSource(name="console", text=log)]), top=33)
    assert not any("straight to" in e.detail for d in rep.diagnoses for e in d.evidence)


@pytest.mark.parametrize("text", [
    "ws://localhost:8000/ws fails only behind nginx",
    "ws://127.0.0.1:3000/socket.io/ failed; the cloudflare tunnel is in front",
    "ws://localhost:8000/ws 失败，前面有反向代理",
])
def test_a_named_intermediary_keeps_proxy_causes_in_play(text):
    from wsdoctor.engine.topology import direct_loopback
    assert direct_loopback(text) is None


@pytest.mark.parametrize("raw,want", [
    ("2 个实例（7001、7002 端口）", "multiple"), ("两台服务器", "multiple"), ("two", "multiple"),
    ("several pods", "multiple"), ("a single instance", "1"), ("3 replicas", "multiple"),
    ("pm2 cluster mode, one worker per CPU", "multiple"), ("pm2 start app.js -i max", "multiple"),
    ("每个 CPU 一个进程", "multiple"),
])
def test_node_counts_in_free_text(raw, want):
    assert topo("nodes", raw).value == want


def test_a_value_that_names_other_components_fills_those_keys():
    from wsdoctor.sources.intake import parse_topology

    topo_, _, notes = parse_topology(["server=IIS on Windows Server", "framework=uvicorn --workers 4",
                                      "platform=docker"])
    assert topo_["platform"] == "docker"            # what the user gave for a key wins
    assert topo_["proxy"] == "iis" and topo_["nodes"] == "multiple"
    assert any("also names nodes=multiple" in n for n in notes)
    topo_, _, _ = parse_topology(["server=node 18 with socket.io 4.x", "nodes=1"])
    assert topo_["nodes"] == "1" and "proxy" not in topo_
    # a product already placed under one key is not placed again under a sibling key
    topo_, _, _ = parse_topology(["proxy=Traefik", "tls_termination=Traefik"])
    assert "load_balancer" not in topo_


def test_a_proxy_in_front_of_several_nodes_is_their_balancer():
    from wsdoctor.sources.intake import parse_topology

    topo_, _, notes = parse_topology(["proxy=nginx", "nodes=2 个实例"])
    assert topo_["load_balancer"] == "nginx" and any("load balancer" in n for n in notes)
    topo_, _, _ = parse_topology(["proxy=nginx", "nodes=1"])
    assert "load_balancer" not in topo_
    topo_, _, _ = parse_topology(["proxy=nginx", "nodes=3", "load_balancer=AWS ALB"])
    assert topo_["load_balancer"] == "aws-alb"


@pytest.mark.parametrize("text,want", [
    ("WebSocket connection to 'wss://chat.example.com/ws' failed", {"wss"}),
    ("ws://a.example/ws then wss://a.example/ws", {"ws", "wss"}),
    ("GET https://a.example/socket.io/?EIO=4 400", set()),
])
def test_socket_schemes(text, want):
    from wsdoctor.engine.topology import socket_schemes
    assert socket_schemes(text) == want


def test_a_wss_socket_is_never_mixed_content(lib):
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.model.intake import Intake, LogSource

    desc = "after moving the site to https the chat socket never connects"
    def score(url):
        rep = diagnose(lib, Intake(description=desc, logs=[LogSource(name="console", text=f"WebSocket connection to '{url}' failed")]), top=33)
        return {d.id: d for d in rep.diagnoses}
    secure, plain = score("wss://chat.example.com/ws"), score("ws://chat.example.com/ws")
    mixed = "mixed-content-insecure-ws"
    assert mixed in plain
    if mixed in secure:  # still listed on the description's words, but held back by the URL, with that reason
        assert secure[mixed].score < plain[mixed].score
        assert any("wss://" in e.detail for e in secure[mixed].evidence)


def test_traditional_chinese_is_read_in_the_playbooks_wording():
    pytest.importorskip("opencc")
    from wsdoctor.engine.text import to_simplified

    out = to_simplified("透過負載平衡連線到伺服器，每隔 60 秒就逾時斷線，要重新整理頁面")
    for word in ("通过", "负载均衡", "服务器", "超时", "刷新"):
        assert word in out, out
    assert to_simplified("分頁切到背景就斷線，同一個帳號") == "标签页切到后台就断线，同一个账号"
    assert to_simplified("消息要刷新页面才会出现，资料") == "消息要刷新页面才会出现，资料"  # simplified text is left alone
    assert to_simplified("plain English, 60s") == "plain English, 60s"


def test_naming_the_stack_is_not_describing_a_symptom(lib):
    """Product names in symptom phrasings must not make a bare stack description read like
    'works with one worker' or 'workers time out and restart'."""
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.model.intake import Intake

    report = diagnose(lib, Intake(description="Our stack: Flask-SocketIO with eventlet under gunicorn, nginx in front."))
    claimed = {e.signature for d in report.diagnoses for e in d.evidence
               if e.kind == "description" and e.signature not in (None, "semantic", "naive-bayes")}
    assert not claimed & {"works-with-one-worker", "worker-timeout-restarts", "works-with-dev-server-only"}, claimed


def test_nothing_in_between_lowers_causes_that_live_in_a_proxy(lib):
    """A report that names no proxy, CDN or balancer, and shows none, counts a little against
    causes that can only live there; naming one (or a log line of one) lifts that again."""
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.model.intake import Intake

    desc = "the streamed answer shows up all at once when the handler returns instead of token by token"
    bare = diagnose(lib, Intake(description=desc), top=33)
    behind = diagnose(lib, Intake(description=desc, topology={"proxy": "nginx"}), top=33)
    said = diagnose(lib, Intake(description=desc + ", and we run it behind a reverse proxy"), top=33)
    unseen = [e for d in bare.diagnoses if d.id == "proxy-buffering-delays" for e in d.evidence
              if e.kind == "topology" and e.points < 0]
    assert unseen and "no proxy" in unseen[0].detail
    for rep in (behind, said):
        assert not any("no proxy, CDN or load balancer is named" in e.detail for d in rep.diagnoses for e in d.evidence)
    assert _score(bare, "proxy-buffering-delays") < _score(said, "proxy-buffering-delays")
    # compression needs nothing in between, so it keeps its score
    assert _score(bare, "compression-breaks-transport") >= _score(behind, "compression-breaks-transport") - 1e-9


def test_one_rare_word_in_common_is_not_a_whole_phrase():
    from wsdoctor.engine.text import coverage

    idf = {"safari": 3.0, "cannot": 0.5, "connect": 0.4, "websocket": 0.2, "127.0.0.1": 3.0,
           "127": 2.0, "0": 1.0, "1": 1.0, "request": 0.5, "go": 0.3}.get
    assert coverage(["safari", "cannot", "connect", "websocket"], {"safari"}, idf) < 0.7
    assert coverage(["safari", "cannot", "connect", "websocket"], {"safari", "cannot", "connect"}, idf) > 0.8
    # the parts of a dotted word are the same word: 127.0.0.1 counts once, not four times
    phrase = ["request", "go", "127.0.0.1", "127", "0", "1"]
    assert coverage(phrase, {"127.0.0.1", "127", "0", "1"}, idf) < 0.6


def test_sentence_patterns_read_across_the_dots_of_an_address_or_socket_io(lib):
    """'[^.]{0,60}' keeps a pattern inside one sentence; the dots of 192.168.1.5 or socket.io
    must not end that sentence."""
    desc = ('I point the client at IO.socket("http://192.168.1.5:80/socketio/1/") but it still makes '
            'its calls to http://192.168.1.5:80/socketio without the /1/, so it never connects')
    assert "namespace-path-confusion" in _read_as(lib, desc)


def test_a_description_that_says_the_opposite_is_not_read_as_the_symptom(lib):
    """'Safari is fine, Chrome fails' names Safari too; it must not count as 'only Safari fails'."""
    assert "only-safari" in _read_as(lib, "Chrome works but only in Safari the socket fails to connect")
    assert "only-safari" not in _read_as(lib, "Safari is fine, Chrome fails with websocket connection failed")
    assert "only-safari" not in _read_as(lib, "在 Safari 里正常，Chrome 里 websocket 一直连不上")
    assert "works-in-clean-browser-profile" in _read_as(lib, "Works fine in Firefox, but in Chrome the socket never connects")


def test_a_phrasing_reduced_to_common_words_by_removing_product_names_is_not_used(lib):
    """'websocket doesn't work on vercel' without its product names is 'work': a description that
    merely says something 'did not work' must not read as 'runs on serverless functions'."""
    from wsdoctor.engine.diagnose import build_index

    idx = build_index(lib)
    for sid, phrases in idx.symptom_phrases.items():
        for terms in phrases:
            assert len(set(terms)) >= 2, (sid, terms)
    assert ["socket", "work"] not in idx.symptom_phrases.get("runs-on-serverless-functions", [])


def test_a_report_that_speaks_of_wss_only_is_not_mixed_content(lib):
    """No URL, but 'wss' and never plain ws: the client already uses TLS, so the browser cannot
    be blocking an insecure ws:// socket."""
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.engine.topology import said_schemes
    from wsdoctor.model.intake import Intake

    assert said_schemes("wss 没能正常连接，服务端一建立就断开") == {"wss"}
    assert said_schemes("switched from ws to wss and it still fails") == set()
    assert said_schemes("the websocket fails behind nginx") == set()
    desc = "the page is https, the socket over wss cannot connect, the browser shows no security warning"
    rep = diagnose(lib, Intake(description=desc), top=33)
    mixed = next((d for d in rep.diagnoses if d.id == "mixed-content-insecure-ws"), None)
    assert mixed is None or any("speaks of wss only" in e.detail and e.points < 0 for e in mixed.evidence)


@pytest.mark.parametrize("desc,tls", [
    ("on the live site the realtime connection never works, the socket goes to localhost", False),
    ("线上环境 websocket 连的是 localhost，一直连不上，本地好好的", False),
    ("on the live https site the realtime connection never works", True),
    ("线上 wss 一直连不上，本地好好的", True),
])
def test_causes_that_need_tls_drop_when_nothing_mentions_it(lib, desc, tls):
    from wsdoctor.engine.diagnose import diagnose
    from wsdoctor.model.intake import Intake

    rep = diagnose(lib, Intake(description=desc), top=33)
    listed = [d for d in rep.diagnoses if d.id in ("mixed-content-insecure-ws", "tls-certificate-invalid")]
    assert listed, desc
    for d in listed:
        assert any(e.text == "no https, wss or TLS" for e in d.evidence) is not tls, (d.id, desc)
    # a TLS terminator in the topology is a mention too
    rep = diagnose(lib, Intake(description=desc, topology={"tls_termination": "proxy"}), top=33)
    assert not any(e.text == "no https, wss or TLS" for d in rep.diagnoses for e in d.evidence)
