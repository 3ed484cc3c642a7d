import Foundation

/// Where the store lives: a SQLite file (the default) or a PostgreSQL database.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// A SQLite database file; created with its folder when missing.
    case sqliteFile(path: String)
    /// A private in-memory SQLite database (tests, benchmarks).
    case sqliteMemory
    /// A PostgreSQL server.
    case postgres(PostgresSettings)

    /// Parses `DATABASE_URL`: a `postgres://` or `postgresql://` URL, or a SQLite path (optionally `sqlite://path`).
    /// - Throws: ``StoreError/invalidDatabaseURL(_:reason:)``.
    public init(url text: String) throws(StoreError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .invalidDatabaseURL(text, reason: "it is empty") }
        if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(try PostgresSettings(url: trimmed))
        } else if trimmed == ":memory:" || trimmed == "sqlite::memory:" {
            self = .sqliteMemory
        } else if trimmed.hasPrefix("sqlite://") {
            let path = String(trimmed.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw .invalidDatabaseURL(text, reason: "the SQLite path is empty") }
            self = .sqliteFile(path: path)
        } else if let scheme = trimmed.firstRange(of: "://") {
            let name = trimmed[..<scheme.lowerBound]
            throw .invalidDatabaseURL(redacted(text), reason: "the scheme '\(name)' is not supported (postgres or sqlite)")
        } else {
            self = .sqliteFile(path: trimmed)
        }
    }

    /// The location without any password, fit for logs and messages.
    public var description: String {
        switch self {
        case .sqliteFile(let path): "sqlite file \(path)"
        case .sqliteMemory: "in-memory sqlite"
        case .postgres(let settings): settings.description
        }
    }
}

/// How to reach a PostgreSQL database, parsed from a URL.
public struct PostgresSettings: Sendable, Equatable, CustomStringConvertible {
    /// TLS policy, as libpq's `sslmode`: `prefer` and `require` encrypt without checking the certificate (as
    /// libpq does); `verifyFull` also checks the certificate chain and host name.
    public enum TLSMode: String, Sendable, Equatable { case disable, prefer, require, verifyFull }

    public var host: String
    public var port: Int
    public var username: String
    /// Never printed: ``description`` leaves it out.
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// A schema to use instead of `public` (URL query `search_path=`), so that several installs or test runs can
    /// share one database.
    public var searchPath: String?

    public init(
        host: String, port: Int = 5432, username: String, password: String?, database: String,
        tls: TLSMode = .prefer, searchPath: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.searchPath = searchPath
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=disable&search_path=schema`.
    public init(url text: String) throws(StoreError) {
        guard let components = URLComponents(string: text) else {
            throw .invalidDatabaseURL(redacted(text), reason: "it is not a URL")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .invalidDatabaseURL(redacted(text), reason: "the host is missing")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidDatabaseURL(redacted(text), reason: "the user name is missing")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw .invalidDatabaseURL(redacted(text), reason: "the database name is missing (…/dbname)")
        }
        var tls = TLSMode.prefer
        var searchPath: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value {
                case "disable": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require": tls = .require
                case "verify-ca", "verify-full": tls = .verifyFull
                default: throw .invalidDatabaseURL(redacted(text), reason: "unknown sslmode '\(item.value ?? "")'")
                }
            case "search_path":
                guard let value = item.value, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }),
                    !value.isEmpty
                else { throw .invalidDatabaseURL(redacted(text), reason: "search_path must be a plain schema name") }
                searchPath = value
            default:
                throw .invalidDatabaseURL(redacted(text), reason: "unknown parameter '\(item.name)'")
            }
        }
        self.init(
            host: host, port: components.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 }, database: database, tls: tls,
            searchPath: searchPath)
    }

    /// `postgres://user@host:port/db`, never with the password.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)" + (searchPath.map { "?search_path=\($0)" } ?? "")
    }
}

/// A URL with any password replaced, for error messages.
private func redacted(_ url: String) -> String {
    guard let at = url.lastIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
    let credentials = url[scheme.upperBound..<at]
    guard let colon = credentials.firstIndex(of: ":") else { return url }
    return String(url[..<colon]) + ":***" + String(url[at...])
}
