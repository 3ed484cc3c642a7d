public import AutotaskAPI
import Foundation

/// A simulated Autotask database: its API users, the zone it answers for, the behaviours NOTES.md leaves
/// unconfirmed (each a setting), its request limits, and the faults it injects (all off by default).
public struct AutotaskSimulatorSettings: Sendable {
    /// An API-only user: the username and secret generated in Autotask, the tracking identifier ("integration
    /// code") of the integration vendor picked for it, and its security level.
    public struct APIUser: Sendable {
        public var userName: String
        public var secret: String
        public var integrationCode: String
        public var level: AutotaskSecurityLevel
        public init(userName: String, secret: String, integrationCode: String, level: AutotaskSecurityLevel) {
            self.userName = userName
            self.secret = secret
            self.integrationCode = integrationCode
            self.level = level
        }
    }

    /// How credential failures are answered (NOTES.md §2: the behaviour changed between 2023 and 2026).
    public enum AuthenticationErrors: String, Sendable {
        /// 2026: every failure is 401 with an empty body and `WWW-Authenticate: Basic Realm="…"`.
        case empty401
        /// 2023: unknown user and bad integration code are 500 with an `errors` body; a wrong secret is 401.
        case legacy500
    }

    /// What a missing security-level right does to a query (NOTES.md §5.6).
    public enum MissingRight: String, Sendable {
        /// The documented behaviour: rows silently missing.
        case silent
        /// HTTP 500 "The logged in Resource does not have the adequate permissions…" (observed in 2021).
        case error500
    }

    /// Our integration's tracking identifier (27 characters, as Autotask generates them).
    public static let insightIntegrationCode = "PSAINSIGHTX7K2M9Q4R8T1V6W3Y"

    public var users: [APIUser] = [
        APIUser(userName: "insight-readonly@northwind.example", secret: "Ro#7fK2q9LmX", integrationCode: insightIntegrationCode, level: .readOnly()),
        APIUser(userName: "insight-nocontracts@northwind.example", secret: "Nc#4pW8s1ZtB", integrationCode: insightIntegrationCode, level: .missing(.contracts)),
        APIUser(userName: "insight-full@northwind.example", secret: "Fa#2hJ6d3QvN", integrationCode: insightIntegrationCode, level: .fullAccess()),
        APIUser(userName: "insight-nocosts@northwind.example", secret: "Nk#9rT5b7YcE", integrationCode: insightIntegrationCode, level: .cannotReadCosts()),
    ]
    /// The URL the simulator is reached at; zone lookup answers `{publicURL}/ATServicesRest/`. `nil`: the
    /// request's own `Host` (what tests on a random port want).
    public var publicURL: String?
    public var zoneName = "America East"
    /// The database id zone lookup reports.
    public var ci = 20_264
    /// Fields served as `null` on given items, by entity and item id: a real database's optional field left empty, or
    /// an item missing what gives it meaning. What a client must survive (off by default).
    public var nulledFields: [AutotaskEntity: [Int: [String]]] = [:]
    /// The first value of every picklist: tenant-specific, so hard-coded ids break.
    public var picklistFirstValue = 29_682_801 % 97

    public var authenticationErrors = AuthenticationErrors.empty401
    public var missingRight = MissingRight.silent
    /// GET by id of a missing record: 404 (default) or `200 {"item": null}` (both seen, NOTES.md §3.6).
    public var notFoundAsNullItem = false
    /// "For search results that contain more than 500 results, you must include Id as a field" (the documented
    /// `IncludeFields` rule, NOTES.md §3.3): such a query is refused. The exact refusal is unconfirmed: a 500 with an
    /// `errors` body, like the simulator's other query errors.
    public var includeFieldsNeedIDAbove500 = true

    // Limits.
    /// Requests per rolling window for the whole database (10,000 an hour); `nil`: unlimited.
    public var requestThreshold: Int? = 10_000
    /// The rolling window (an hour; seconds in tests).
    public var thresholdWindow: Duration = .seconds(3_600)
    /// Added latency from 50 % and from 75 % of the threshold (0.5 s and 1 s; scaled down in tests).
    public var latencyAtHalf: Duration = .milliseconds(500)
    public var latencyAtThreeQuarters: Duration = .seconds(1)
    /// HTTP status of a refusal beyond the threshold (429 assumed, NOTES.md §5.1).
    public var thresholdStatus = 429
    /// Concurrent requests allowed per integration code and entity (3); `nil`: unlimited.
    public var threadLimit: Int? = 3

    // Faults.
    public var serverErrorRate = 0.0
    public var droppedConnectionRate = 0.0
    public var truncatedBodyRate = 0.0
    /// Time every API answer takes (while it holds its thread).
    public var latency: Duration = .zero
    public var faultSeed: UInt64 = 11

    public init() {}

    /// The URL a person types to discover the zone of `user` on the simulator at `publicURL`.
    public static func zoneLookupURL(publicURL: String, user: String) -> String {
        "\(publicURL)/atservicesrest/v1.0/zoneInformation?user=\(user.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? user)"
    }
}
