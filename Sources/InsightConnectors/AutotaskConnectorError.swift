public import AutotaskAPI

/// Why an Autotask read failed, with what to do about it. `isRetryable` decides whether the connector tries again.
public enum AutotaskConnectorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The zone lookup or the zone could not be reached.
    case unreachable(site: String, reason: String)
    /// Zone lookup does not know the API username.
    case unknownUser(String)
    /// 401 (or the legacy 500s): the username, secret or integration code is wrong.
    case unauthorized(String)
    /// The security level refuses the entity (the sentence names the section to change).
    case forbidden(entity: String, fix: String)
    /// The request was refused (a bug on our side, reported with Autotask's words).
    case badRequest(request: String, message: String)
    /// 429 (thread or hourly threshold) after every retry.
    case rateLimited(String)
    /// The database's hourly request budget is at or above the share this integration may use.
    case budgetExhausted(used: Int, allowed: Int, threshold: Int)
    /// 5xx after every retry.
    case server(status: Int, request: String, excerpt: String)
    /// A page that could not be decoded after a retry, naming the entity and the request.
    case decoding(AutotaskDecodingError, request: String)
    /// A `nextPageUrl` that leaves the tenant's zone host (never followed).
    case foreignPageURL(String)
    /// The read was stopped (the task was cancelled).
    case cancelled

    public var isRetryable: Bool {
        switch self {
        case .unreachable, .rateLimited, .server, .decoding: true
        case .unknownUser, .unauthorized, .forbidden, .badRequest, .budgetExhausted, .foreignPageURL, .cancelled: false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let site, let reason): "Cannot reach \(site): \(reason)."
        case .unknownUser(let user):
            "Autotask does not know the API user '\(user)'. Use the API user's username (an e-mail address) from Admin > Resources/Users."
        case .unauthorized(let message):
            "Autotask refused the credentials (\(message)). Check the API username, its secret and the integration code (tracking identifier)."
        case .forbidden(let entity, let fix): "The API user's security level does not let it read \(entity). \(fix)."
        case .badRequest(let request, let message): "Autotask refused \(request): \(message)."
        case .rateLimited(let message): "Autotask is throttling this integration: \(message)"
        case .budgetExhausted(let used, let allowed, let threshold):
            "The Autotask database has used \(used) of its \(threshold) requests this hour; PSA Insight stops at \(allowed) so other integrations keep theirs. The next sync carries on."
        case .server(let status, let request, let excerpt): "Autotask answered \(status) to \(request): \(excerpt)"
        case .decoding(let error, let request): "\(error.description) (request \(request))"
        case .foreignPageURL(let url): "Autotask sent a next-page link to another host (\(url)); it was not followed."
        case .cancelled: "The read was stopped before it finished; the next sync carries on from the last saved page."
        }
    }
}
