import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InsightApp
import InsightConnectors
import InsightCore
import InsightStore
import InsightTestSupport
import InsightVault
import InsightWeb
import Logging
import MSPModel
import NIOCore
import Synchronization
import Testing

/// Every log line the app wrote, with its metadata, to grep for secrets.
final class LogRecorder: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        Logger(label: "psa-insight.web.test") { _ in RecordingHandler(recorder: self) }
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    /// The path of the last verification link logged for `email`.
    func verificationLink(for email: String) -> String? {
        let address = email.lowercased()
        return lines.withLock { $0 }.last { $0.contains("verify email") && $0.contains(address) }
            .flatMap { line in line.range(of: "/verify?token=").map { String(line[$0.lowerBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != "]" }) } }
    }

    struct RecordingHandler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.lines.withLock { $0.append("\(event.level) \(event.message) \(all)") }
        }
    }
}

/// A browser for the tests: keeps cookies, reads each page's CSRF token, posts forms.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var csrf = ""
    /// Every body this browser received, to grep for secrets.
    var bodies: [String] = []

    init(_ client: any TestClientProtocol) { self.client = client }

    struct Page {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        var location: String? { headers[.location] }
    }

    @discardableResult
    func get(_ path: String, headers extra: HTTPFields = [:]) async throws -> Page {
        try await send(path, method: .get, headers: extra, body: nil)
    }

    /// Posts `fields` with this browser's CSRF token (unless `csrf` is false).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)] = [], csrf withToken: Bool = true) async throws -> Page {
        let all = (withToken ? [("_csrf", csrf)] : []) + fields
        let body = all.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return try await send(path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    private func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    private func send(_ path: String, method: HTTPRequest.Method, headers extra: HTTPFields, body: ByteBuffer?) async throws -> Page {
        var headers = extra
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[1].isEmpty || field.contains("Max-Age=0") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        let text = String(buffer: response.body)
        bodies.append(text)
        if let range = text.range(of: "name=\"_csrf\" value=\"") {
            csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
        }
        return Page(status: response.status, headers: response.headers, body: text)
    }

    /// Follows a redirect chain from `page`.
    func follow(_ page: Page) async throws -> Page {
        var page = page
        while page.status == .seeOther, let location = page.location { page = try await get(location) }
        return page
    }

    /// Creates an account and, unless `verify` is false, opens the verification link the app wrote to its log (as the
    /// operator of a self-hosted install would pass it on).
    @discardableResult
    func signUp(email: String, password: String = "correct horse battery staple", verify: Bool = true) async throws -> Page {
        try await get("/signup")
        let page = try await post("/signup", [("email", email), ("password", password)])
        if verify, let log = TestLog.current {
            let link = try #require(log.verificationLink(for: email), "no verification link for \(email) in the log")
            #expect(try await get(link).body.contains("Email verified"))
        }
        return page
    }

    /// Registers a company and returns its id (from the redirect to its licence page).
    func registerCompany(_ name: String, psa: String = "connectwise", timeZone: String = "America/Chicago") async throws -> String {
        try await get("/onboarding/company")
        let page = try await post("/onboarding/company", [("name", name), ("psa", psa), ("currency", "USD"), ("timezone", timeZone), ("fiscal", "1")])
        #expect(page.status == .seeOther)
        let location = try #require(page.location)
        return String(location.dropFirst("/c/".count).prefix { $0 != "/" })
    }
}

extension Browser {
    /// Signs up, registers a company, accepts the licence, saves ConnectWise credentials and runs the first sync to
    /// the end; returns the company's id.
    func onboard(connectWise credentials: ConnectWiseCredentials, email: String = "owner@drill.example") async throws -> String {
        try await signUp(email: email)
        let id = try await registerCompany("Drill MSP")
        try await get("/c/\(id)/eula")
        try await post("/c/\(id)/eula", [("accept", "yes"), ("version", "2026-11")])
        try await get("/c/\(id)/settings/credentials")
        let saved = try await post("/c/\(id)/settings/credentials", [
            ("site", credentials.siteURL), ("company", credentials.companyID), ("public_key", credentials.publicKey),
            ("private_key", credentials.privateKey.reveal()), ("client_id", credentials.clientID),
        ])
        #expect(saved.body.contains("Connection works"), "\(saved.body)")
        try await post("/c/\(id)/sync")
        var page = try await get("/c/\(id)/sync")
        for _ in 0..<300 where page.headers[HTTPField.Name("Refresh")!] != nil {
            try await Task.sleep(for: .milliseconds(200))
            page = try await get("/c/\(id)/sync")
        }
        #expect(page.body.contains("Sync complete"), "\(page.body)")
        return id
    }

    /// The decimals of CSV column `name` in `body` (columns counted from the end: names before them may hold quoted
    /// commas).
    func csvColumn(_ body: String, _ name: String) -> [Decimal] {
        let lines = body.split(separator: "\r\n")
        guard let header = lines.first.map({ Array($0.split(separator: ",").reversed()) }), let index = header.firstIndex(of: Substring(name)) else {
            Issue.record("no \(name) column")
            return []
        }
        return lines.dropFirst().map { Decimal(string: String(Array($0.split(separator: ",", omittingEmptySubsequences: false).reversed())[index])) ?? 0 }
    }
}

/// Runs `body` with the web app live on 127.0.0.1 over a fresh store, and the log it writes.
func withWebApp(
    database: TestDatabase = .sqlite, _ body: @escaping @Sendable (any TestClientProtocol, Store, LogRecorder) async throws -> Void
) async throws {
    try await database.withFreshStore { store in
        let recorder = LogRecorder()
        let vault = try CredentialVault(ring: .generate())
        var settings = WebSettings(connectWiseClientID: "test-client")
        settings.bcryptCost = 4
        let syncs = SyncCoordinator(store: store, vault: vault, worker: "web-test", logger: recorder.logger)
        let app = WebApp(store: store, vault: vault, settings: settings, syncs: syncs, logger: recorder.logger)
        try await app.application(port: 0).test(.live) { client in
            try await TestLog.$current.withValue(recorder) { try await body(client, store, recorder) }
        }
    }
}

/// The log of the web app a test is talking to, for `Browser.signUp` to find verification links in.
enum TestLog {
    @TaskLocal static var current: LogRecorder?
}
