"""The nginx template (deploy/nginx-danvan.conf) sends the headers Streamlit cannot, and closes its metrics.

The text checks always run. Where Debian's nginx is installed (``apt-get install nginx``), the
template is also checked by ``nginx -t`` and served in front of a stand-in for Streamlit.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import free_port

PROJECT = Path(__file__).resolve().parents[1]
TEMPLATE = PROJECT / "deploy" / "nginx-danvan.conf"
SECURITY_DOC = PROJECT / "docs" / "security.md"
NGINX = Path("/usr/sbin/nginx")
OPENSSL = shutil.which("openssl")
CERT_PATHS = (
    "/etc/letsencrypt/live/danvan.example.gov.vn/fullchain.pem",
    "/etc/letsencrypt/live/danvan.example.gov.vn/privkey.pem",
)
CSP = (
    "frame-ancestors 'none'; default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'; connect-src 'self' ws: wss:; font-src 'self' data:"
)
HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
REQUIRED_LINES = [
    *(f'add_header {name} "{value}" always;' if " " in value else f"add_header {name} {value} always;"
      for name, value in HEADERS.items()),
    "listen 443 ssl http2;",
]  # fmt: skip
UPSTREAM = "proxy_pass http://127.0.0.1:8501;"
WEBSOCKET_LINES = [
    UPSTREAM,
    "proxy_set_header Upgrade $http_upgrade;",
    "proxy_set_header Connection $danvan_connection_upgrade;",
]
METRICS_BLOCK = re.compile(r"location\s+(?:=|\^~)\s+/_stcore/metrics\s*\{\s*return\s+404;\s*\}")
LOCATION = re.compile(r"location\s+(?P<match>[^{]*?)\s*\{(?P<body>[^}]*)\}")


def _directives(conf: str) -> list[str]:
    """The template's lines without comments and indentation, blank lines dropped."""
    lines = (line.split("#", 1)[0].strip() for line in conf.splitlines())
    return [line for line in lines if line]


def problems(conf: str) -> list[str]:
    """What the template lacks or gets wrong; empty when it is right."""
    lines = _directives(conf)
    text = "\n".join(lines)
    found = [f"missing: {line}" for line in REQUIRED_LINES if line not in lines]
    if not METRICS_BLOCK.search(text):
        found.append("missing: location ^~ /_stcore/metrics { return 404; }")
    locations = {m["match"]: m["body"].splitlines() for m in LOCATION.finditer(text)}
    body = [line.strip() for line in locations.get("/_stcore/stream", [])]
    found += [f"the WebSocket location /_stcore/stream lacks: {line}" for line in WEBSOCKET_LINES if line not in body]
    if UPSTREAM not in [line.strip() for line in locations.get("/", [])]:
        found.append(f"location / lacks: {UPSTREAM}")
    # An add_header inside a location replaces every server-level one for that location.
    found += [f"add_header inside location {where} drops the security headers there" for where, body in
              locations.items() if re.search(r"(?:^|[;\s])add_header\s", "\n".join(body))]  # fmt: skip
    return found


def test_the_template_sends_every_header_and_closes_the_metrics() -> None:
    assert problems(TEMPLATE.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("needle", [*REQUIRED_LINES, "return 404;"])
def test_the_check_fails_when_a_line_is_removed(needle: str) -> None:
    conf = TEMPLATE.read_text(encoding="utf-8")
    assert needle in conf
    assert problems(conf.replace(needle, "")) != []


@pytest.mark.parametrize("needle", WEBSOCKET_LINES)
def test_the_check_fails_when_the_websocket_location_loses_a_line(needle: str) -> None:
    conf = TEMPLATE.read_text(encoding="utf-8")
    start = conf.index("location /_stcore/stream {")
    end = conf.index("}", start)
    assert needle in conf[start:end]
    assert problems(conf[:start] + conf[start:end].replace(needle, "") + conf[end:]) != []


def test_the_check_fails_when_a_location_sets_its_own_header() -> None:
    conf = TEMPLATE.read_text(encoding="utf-8")
    broken = conf.replace("proxy_read_timeout 5m;", 'proxy_read_timeout 5m; add_header Cache-Control "no-store";')
    assert broken != conf and problems(broken) != []


def test_security_doc_says_what_the_proxy_adds_and_readme_links_it() -> None:
    doc = SECURITY_DOC.read_text(encoding="utf-8")
    for needed in ["--server.address 127.0.0.1", "/_stcore/metrics", "X-Frame-Options", "Content-Security-Policy",
                   "XSRF", "deploy/nginx-danvan.conf", "TLS"]:  # fmt: skip
        assert needed in doc
    assert "docs/security.md" in (PROJECT / "README.md").read_text(encoding="utf-8")


# The template as nginx reads and serves it (make test installs Debian's nginx and openssl).


def needs_nginx(test: Any) -> Any:
    """Fail, not skip, where nginx or openssl is missing: a skipped check is one a new machine never runs."""

    def run(*args: Any, **kwargs: Any) -> Any:
        if not NGINX.exists() or OPENSSL is None:
            pytest.fail("nginx or openssl not found: run `make test`, which installs them with apt-get")
        return test(*args, **kwargs)

    return functools.wraps(test)(run)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [str(OPENSSL), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=danvan.example.gov.vn"],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


def _nginx_config(folder: Path, https_port: int, http_port: int, upstream_port: int) -> Path:
    """The template on test ports and a throw-away certificate, in a main config rooted in ``folder``."""
    cert, key = _self_signed(folder)
    site = TEMPLATE.read_text(encoding="utf-8")
    for old, new in [
        (CERT_PATHS[0], str(cert)), (CERT_PATHS[1], str(key)),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"), ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"), ("listen [::]:80;", ""),
        ("127.0.0.1:8501", f"127.0.0.1:{upstream_port}"),
    ]:  # fmt: skip
        assert old in site
        site = site.replace(old, new)
    (folder / "danvan.conf").write_text(site, encoding="utf-8")
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"daemon off;\nmaster_process off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        f"events {{}}\nhttp {{\n  access_log off;\n  {temp}\n  include {folder / 'danvan.conf'};\n}}\n",
        encoding="utf-8",
    )
    return main


def _nginx(folder: Path, main: Path, *args: str) -> list[str]:
    return [str(NGINX), "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main), *args]


@needs_nginx
def test_nginx_accepts_the_template(tmp_path: Path) -> None:
    main = _nginx_config(tmp_path, free_port(), free_port(), 8501)
    result = subprocess.run(_nginx(tmp_path, main, "-t"), capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


class _Anything(http.server.BaseHTTPRequestHandler):
    """A stand-in for Streamlit: 200 and the path for every GET, the metrics path included."""

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        body = self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the standard library's name)
        pass


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[str]:
    """The template served by nginx in front of `_Anything`; yields the HTTPS base URL."""
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Anything)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    https_port = free_port()
    main = _nginx_config(tmp_path, https_port, free_port(), upstream.server_address[1])
    nginx = subprocess.Popen(_nginx(tmp_path, main), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"https://127.0.0.1:{https_port}"
    try:
        deadline = time.monotonic() + 20
        while _get(base + "/")[0] != 200:
            assert nginx.poll() is None and time.monotonic() < deadline, (tmp_path / "error.log").read_text()
            time.sleep(0.1)
        yield base
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        upstream.shutdown()


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the test's own certificate
    try:
        with urllib.request.urlopen(url, context=context, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""
    except OSError:
        return 0, {}, b""


@needs_nginx
def test_nginx_sends_the_headers_and_hides_the_metrics(proxied: str) -> None:
    status, headers, body = _get(proxied + "/ho-so?don_vi=pre-d001")
    assert (status, body) == (200, b"/ho-so?don_vi=pre-d001")  # the app is reached through the proxy
    assert {name: headers.get(name) for name in HEADERS} == HEADERS
    for path in ["/_stcore/metrics", "/_stcore/metrics/", "/_stcore//metrics", "/_stcore/%6detrics?families=x"]:
        status, headers, body = _get(proxied + path)
        assert (status, body) == (404, b""), path  # the stand-in would have answered 200 with the path
        assert headers.get("X-Frame-Options") == "DENY"  # error pages carry the headers too ("always")
