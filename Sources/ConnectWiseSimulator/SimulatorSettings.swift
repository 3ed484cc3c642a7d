public import ConnectWiseAPI
import Foundation

/// A simulated ConnectWise site: who may call it, which undocumented behaviours it picks, and which faults it
/// injects. Every fault is off by default; tests and benchmarks turn them on.
public struct ConnectWiseSimulatorSettings: Sendable {
    /// An API member's keys and the security role they carry.
    public struct APIMember: Sendable {
        public var publicKey: String
        public var privateKey: String
        public var role: SecurityRole
        public init(publicKey: String, privateKey: String, role: SecurityRole) {
            self.publicKey = publicKey
            self.privateKey = privateKey
            self.role = role
        }
    }

    /// The login company, e.g. `insightdemo` (Basic auth user names start with `insightdemo+`).
    public var companyID = "insightdemo"
    /// The codebase `/login/companyinfo` reports (`v4_6_release/` is accepted too).
    public var codebase = "v2025_1/"
    /// The integration's client id the `clientId` header must carry.
    public var clientID = "5e3f1a52-6c1d-4b55-9d7a-1f0c2b7e9a31"
    /// Whether a request without `clientId` is refused with 401 (what ConnectWise does is unconfirmed).
    public var requireClientID = true
    public var members: [APIMember] = [
        APIMember(publicKey: "PSAINSIGHTREADONLY", privateKey: "read-only-private-key-0001", role: .readOnly()),
        APIMember(publicKey: "PSAINSIGHTNOFINANCE", privateKey: "no-finance-private-key-0002", role: .missing(module: "Finance")),
        APIMember(publicKey: "PSAINSIGHTADMIN", privateKey: "admin-private-key-0003", role: .admin()),
    ]
    public var list = ListSettings()
    /// Whether `sales/opportunities/{id}/forecast` answers a list holding the forecast (`[]Forecast`, as the
    /// 2025.1 spec declares; the default) or the forecast object itself (as client libraries model it):
    /// unconfirmed, so the connector reads both.
    public var forecastAsList = true
    /// The URL the simulator's `_href`s and `Link`s start with.
    public var publicURL = "http://127.0.0.1:8081"

    // Faults.
    /// Requests allowed per rolling minute per API member before 429 with `Retry-After`; `nil`: unlimited.
    public var requestsPerMinute: Int?
    /// The rolling window `requestsPerMinute` counts over (a minute; shorter in tests).
    public var rateLimitWindow: Duration = .seconds(60)
    /// Seconds the 429 asks clients to wait.
    public var retryAfterSeconds = 30
    /// Share of API requests answered with a 500 timeout body.
    public var serverErrorRate = 0.0
    /// Share of successful list answers whose connection drops half way through the body.
    public var droppedConnectionRate = 0.0
    /// Share of successful list answers cut off half way.
    public var truncatedBodyRate = 0.0
    /// Added delay before every answer.
    public var latency: Duration = .zero
    /// Seed of the fault dice, so a run with faults is repeatable.
    public var faultSeed: UInt64 = 7

    public init() {}

    /// The API base under the public URL, e.g. `http://127.0.0.1:8081/v4_6_release/apis/3.0`.
    public var apiBase: String { "\(publicURL)/v4_6_release/apis/3.0" }
}
