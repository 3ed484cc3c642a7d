import Logging
import InsightCore

/// The page shell: header with the company switcher and navigation, the content, a footer.
enum Layout {
    struct Nav {
        var tenant: Tenant
        var current: String
    }

    static func page(title: String, user: UserAccount?, csrf: String = "", nav: Nav? = nil, flash: String? = nil, _ content: HTML) -> HTML {
        let links: [(String, String)] = [
            ("", "Home"), ("revenue", "Revenue"), ("mrr", "MRR bridge"), ("agreements", "Agreements"), ("clients", "Clients"), ("people", "People"), ("service", "Service desk"), ("sales", "Sales"),
            ("projects", "Projects"), ("products", "Products"), ("pricing", "Price gap"), ("receivables", "Receivables"),
            ("health", "Data health"), ("sync", "Sync"), ("settings", "Settings"),
        ]
        let navigation: HTML? = nav.map { nav in
            let items: [HTML] = links.map { path, label in
                let href = "/c/\(nav.tenant.id.rawValue)/\(path)"
                return nav.current == path
                    ? "<a href=\"\(href)\" aria-current=\"page\">\(label)</a>"
                    : "<a href=\"\(href)\">\(label)</a>"
            }
            return "<nav aria-label=\"Company\"><span class=\"company\">\(nav.tenant.name)</span>\(items)</nav>"
        }
        let account: HTML? = user.map { user in
            "<div class=\"account\">\(user.email) · <a href=\"/companies\">Companies</a> <form class=\"inline\" method=\"post\" action=\"/logout\">\(Layout.csrf(csrf))<button class=\"link\">Sign out</button></form></div>"
        }
        let message: HTML? = flash.map { "<p class=\"flash\" role=\"status\">\($0)</p>" }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(title) · PSA Insight</title><link rel="stylesheet" href="/assets/app.css"></head>
            <body><header><a class="brand" href="/">PSA Insight</a>\(account)</header>\(navigation)
            <main>\(message)\(content)</main>
            <footer>PSA Insight \(versionText) · read-only towards your PSA · <a href="/eula">Licence</a></footer></body></html>
            """
    }

    static let versionText = "0.1.0"

    /// A form's hidden CSRF field.
    static func csrf(_ token: String) -> HTML { "<input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">" }

    /// The error page.
    static func error(_ message: String, status: Int, user: UserAccount?, csrf: String) -> HTML {
        page(title: "Error", user: user, csrf: csrf, "<section class=\"narrow\"><h1>\(status == 404 ? "Not found" : "Something is not right")</h1><p>\(message)</p><p><a href=\"/\">Back to PSA Insight</a></p></section>")
    }

    static let stylesheet = """
        :root{--ink:#1d2733;--muted:#5b6878;--line:#dde3ea;--bg:#f6f8fa;--card:#fff;--accent:#1f6feb;--good:#1a7f37;--bad:#c62828;--warn:#9a6700}
        *{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
        header{display:flex;justify-content:space-between;align-items:center;padding:.6rem 1.5rem;background:#0d1b2a;color:#fff}
        header a{color:#fff}.brand{font-weight:700;text-decoration:none;font-size:1.1rem}.account{font-size:.9rem;opacity:.9}
        nav{display:flex;gap:1rem;flex-wrap:wrap;align-items:center;padding:.5rem 1.5rem;background:#fff;border-bottom:1px solid var(--line)}
        nav a{color:var(--muted);text-decoration:none;padding:.2rem 0}nav a[aria-current]{color:var(--ink);border-bottom:2px solid var(--accent)}
        nav .company{font-weight:600;margin-right:1rem}
        main{max-width:1200px;margin:0 auto;padding:1.5rem}footer{text-align:center;color:var(--muted);font-size:.8rem;padding:2rem}
        h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.5rem 0 .6rem}
        .narrow{max-width:560px;margin:0 auto}.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1.2rem;margin-bottom:1rem}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:1rem}
        .tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;color:var(--accent)}
        .tile h3{margin:0;font-size:.85rem;font-weight:500;color:var(--muted)}.tile .value{font-size:1.6rem;font-weight:650;color:var(--ink)}
        .tile .change{font-size:.85rem}.up{color:var(--good)}.down{color:var(--bad)}.flat{color:var(--muted)}
        table{border-collapse:collapse;width:100%;background:var(--card);font-size:.9rem}th,td{padding:.45rem .6rem;border-bottom:1px solid var(--line);text-align:left}
        th{color:var(--muted);font-weight:600;background:#fafbfc}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        .neg{color:var(--bad)}.scroll{overflow-x:auto}form.inline{display:inline}button.link{background:none;color:inherit;text-decoration:underline;margin:0;padding:0 0 0 .5rem}form.stack label{display:block;margin:.8rem 0 .2rem;font-weight:600}
        input[type=text],input[type=email],input[type=password],input[type=url],select{width:100%;padding:.5rem;border:1px solid #b8c2cc;border-radius:6px;font:inherit}
        button,.button{display:inline-block;margin-top:1rem;padding:.55rem 1.1rem;border:0;border-radius:6px;background:var(--accent);color:#fff;font:inherit;cursor:pointer;text-decoration:none}
        button.secondary{background:#e9eef3;color:var(--ink)}.hint{color:var(--muted);font-size:.85rem}
        .flash{background:#fff8c5;border:1px solid #d4a72c;padding:.6rem 1rem;border-radius:6px}
        .errors{background:#ffebe9;border:1px solid #cf222e;padding:.6rem 1rem;border-radius:6px}
        .ok{color:var(--good);font-weight:600}.missing{color:var(--bad);font-weight:600}.warning{color:var(--warn)}
        .steps{display:flex;gap:.5rem;list-style:none;padding:0;margin:0 0 1rem;flex-wrap:wrap}.steps li{padding:.2rem .6rem;border-radius:99px;background:#e9eef3;font-size:.85rem}
        .steps li.done{background:#dafbe1}.steps li.current{background:var(--accent);color:#fff}
        .chart svg{width:100%;max-width:720px;height:auto}.chart .bar{fill:var(--accent)}.chart .bar.up{fill:#2f855a}.chart .bar.down{fill:#c53030}.chart .axis{font-size:10px;fill:var(--muted)}
        .chart figcaption{color:var(--muted);font-size:.85rem}progress{width:100%}
        .eula{max-height:320px;overflow:auto;background:#fff;border:1px solid var(--line);padding:1rem;font-size:.9rem}
        .toolbar{display:flex;gap:1rem;align-items:end;flex-wrap:wrap;margin-bottom:1rem}.toolbar form{display:flex;gap:.5rem;align-items:end}
        @media print{header,nav,footer,.toolbar,button{display:none}body{background:#fff}.tile,.card{border-color:#999}}
        """
}
