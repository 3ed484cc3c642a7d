#!/usr/bin/env python3
"""Browser test: headless Chromium walks the web app's onboarding like a person, with JavaScript turned off in the
page, against a ConnectWise simulator, and saves screenshots of the home dashboard and the agreements page.

Usage: .ci/browser-test.py <psa-insight binary> <screenshot folder>
Needs chromium (Debian) and websocket-client (PyPI). Only the test driver uses the DevTools protocol: the pages get
clicks and typed text, never a script.
"""
import base64, json, os, re, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
import websocket

binary, shots = sys.argv[1], sys.argv[2]
os.makedirs(shots, exist_ok=True)
work = tempfile.mkdtemp(prefix="insight-browser-")
procs = []

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def start(args, **kw):
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    procs.append(p)
    return p

def wait_for_line(proc, pattern, timeout=120):
    deadline, lines = time.time() + timeout, []
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            time.sleep(0.05); continue
        lines.append(line)
        if re.search(pattern, line): return lines
    raise SystemExit("timed out waiting for %r; got:\n%s" % (pattern, "".join(lines)))

def cleanup():
    for p in procs:
        try: p.send_signal(signal.SIGTERM); p.wait(10)
        except Exception: p.kill()
    shutil.rmtree(work, ignore_errors=True)

class Page:
    def __init__(self, ws_url):
        self.ws, self.next_id = websocket.create_connection(ws_url, timeout=60), 0
    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message: raise RuntimeError("%s: %s" % (method, message["error"]))
                return message.get("result", {})
    def wait_load(self):
        # Waits until the document is complete (the driver may read the page's state; the page runs no script).
        for _ in range(400):
            state = self.call("Runtime.evaluate", expression="document.readyState")["result"].get("value")
            if state == "complete": return
            time.sleep(0.05)
    def goto(self, url):
        self.call("Page.navigate", url=url); time.sleep(0.2); self.wait_load()
    def html(self):
        root = self.call("DOM.getDocument", depth=-1)["root"]["nodeId"]
        return self.call("DOM.getOuterHTML", nodeId=root)["outerHTML"]
    def node(self, selector):
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        if not node: raise SystemExit("no element %s on %s" % (selector, self.url()))
        return node
    def url(self):
        return self.call("Runtime.evaluate", expression="location.href")["result"]["value"]
    def type(self, selector, text):
        self.call("DOM.focus", nodeId=self.node(selector))
        self.call("Input.insertText", text=text)
    def select(self, selector, option_text):
        # A keyboard choice in a <select>: focus it and type the option's first letters.
        self.call("DOM.focus", nodeId=self.node(selector))
        self.call("Input.insertText", text=option_text)
    def choose(self, selector, value):
        # A <select>'s option chosen by value, without script: the options' `selected` attributes set in the DOM.
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        for option in self.call("DOM.querySelectorAll", nodeId=root, selector=selector + " option")["nodeIds"]:
            self.call("DOM.removeAttribute", nodeId=option, name="selected")
        self.call("DOM.setAttributeValue", nodeId=self.node("%s option[value='%s']" % (selector, value)), name="selected", value="selected")
    def click(self, selector):
        node = self.node(selector)
        self.call("DOM.scrollIntoViewIfNeeded", nodeId=node)
        quad = self.call("DOM.getBoxModel", nodeId=node)["model"]["content"]
        x, y = (quad[0] + quad[4]) / 2, (quad[1] + quad[5]) / 2
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
        time.sleep(0.3); self.wait_load()
    def screenshot(self, path):
        metrics = self.call("Page.getLayoutMetrics")["cssContentSize"]
        self.call("Emulation.setDeviceMetricsOverride", width=1280, height=int(min(metrics["height"], 4000)), deviceScaleFactor=1, mobile=False)
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as f: f.write(base64.b64decode(data))

try:
    sim_port, app_port, cdp_port = free_port(), free_port(), free_port()
    simulator = start([binary, "simulate", "connectwise", "--size", "small", "--seed", "42", "--port", str(sim_port)])
    banner = "".join(wait_for_line(simulator, r"PSAINSIGHTREADONLY"))
    private_key = re.search(r"public key PSAINSIGHTREADONLY, private key (\S+)", banner).group(1)
    company_id = re.search(r"company id:\s+(\S+)", banner).group(1)
    client_id = re.search(r"client id:\s+(\S+)", banner).group(1)
    env = dict(os.environ, INSIGHT_DATA_DIR=work, CONNECTWISE_CLIENT_ID=client_id)
    env.pop("DATABASE_URL", None)
    app = start([binary, "serve", "--port", str(app_port), "--sync-every", "0"], env=env)
    wait_for_line(app, r"serving http")
    base = "http://127.0.0.1:%d" % app_port

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    start([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=%d" % cdp_port,
           "--user-data-dir=" + os.path.join(work, "chrome"), "about:blank"])
    for _ in range(100):
        try:
            targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json" % cdp_port)); break
        except Exception: time.sleep(0.2)
    target = next(t for t in targets if t["type"] == "page")
    page = Page(target["webSocketDebuggerUrl"])
    page.call("Page.enable"); page.call("DOM.enable")
    page.call("Emulation.setScriptExecutionDisabled", value=True)
    page.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)

    page.goto(base + "/signup")
    page.type("#email", "owner@browser.example"); page.type("#password", "a long enough password"); page.click("form.stack button")
    # The address must be verified first: self-hosted mode writes the link to the server's log.
    assert page.url().endswith("/verify-email"), page.url()
    logged = "".join(wait_for_line(app, r"verify\?token="))
    token = re.search(r"/verify\?token=([A-Za-z0-9_\-]+)", logged).group(1)
    page.goto(base + "/verify?token=" + token)
    assert "Email verified" in page.html(), page.html()[:2000]
    page.goto(base + "/onboarding/company")
    page.type("#name", "Browser Test MSP"); page.click("form.stack button")
    assert page.url().endswith("/eula"), page.url()
    page.click("input[name=accept]"); page.click("main form button")
    assert page.url().endswith("/settings/credentials"), page.url()
    page.type("#site", "http://127.0.0.1:%d" % sim_port); page.type("#company", company_id)
    page.type("#public_key", "PSAINSIGHTREADONLY"); page.type("#private_key", private_key)
    page.click("main form.stack button")
    html = page.html()
    assert "every permission is in place" in html, html[:3000]
    assert private_key not in html
    page.click("main form[action$='/sync'] button")
    for _ in range(600):
        html = page.html()
        if "Sync complete" in html or "did not finish" in html: break
        time.sleep(1); page.goto(page.url())
    assert "Sync complete" in html, html[:3000]
    tenant = re.search(r"/c/([0-9a-f-]+)/", page.url()).group(1)
    # Onboarding goes on to "Check how we read your PSA": the inferred classification, changed by hand, then confirmed.
    page.click("#check-classification")
    assert page.url().endswith("/settings/classification"), page.url()
    html = page.html()
    assert 'data-dimension="ticketBoard"' in html and 'data-value="Help Desk"' in html and "inferred" in html, html[:3000]
    page.screenshot(os.path.join(shots, "classification.png"))
    page.choose("tr[data-value='Help Desk'] select", "proactive")
    page.click("tr[data-value='Help Desk'] button")
    html = page.html()
    assert "these numbers moved" in html and "Reactive tickets" in html, html[:3000]
    page.choose("tr[data-value='Help Desk'] select", "reactive")
    page.click("tr[data-value='Help Desk'] button")
    page.click("input[name=confirm_all] + button")
    assert ">inferred<" not in page.html()
    page.goto("%s/c/%s/?month=2026-10" % (base, tenant))
    html = page.html()
    assert 'data-kpi="revenue"' in html and "Revenue" in html, html[:3000]
    page.screenshot(os.path.join(shots, "home.png"))
    page.goto("%s/c/%s/agreements?month=2026-10" % (base, tenant))
    assert "Agreement profitability" in page.html()
    page.screenshot(os.path.join(shots, "agreements.png"))
    print("browser test passed: screenshots in %s" % shots)
finally:
    cleanup()
