public import ConnectWiseAPI

/// Why a PSA read failed, with what to do about it. `isRetryable` decides whether the connector tries again.
public enum ConnectorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The site could not be reached (DNS, refused connection, TLS, timeout).
    case unreachable(site: String, reason: String)
    /// `/login/companyinfo` does not know the company ID.
    case unknownCompany(String)
    /// "Cannot route. Codebase/company is invalid".
    case cannotRoute
    /// 401: the keys or company ID are wrong.
    case unauthorized(String)
    /// 403: the API member's security role lacks the function (the fix names the setting).
    case forbidden(endpoint: String, fix: String)
    case notFound(String)
    /// 400: the request was refused (a bug on our side, reported with the server's words).
    case badRequest(String)
    /// 429 after every retry.
    case rateLimited(retryAfterSeconds: Int)
    /// 5xx after every retry.
    case server(status: Int, excerpt: String)
    /// A page that could not be decoded after a retry, with the page's URL (no credentials are in URLs).
    case decoding(ConnectWiseDecodingError, page: String)
    /// The read was stopped (the task was cancelled: a shutdown or a stopped sync).
    case cancelled

    public var isRetryable: Bool {
        switch self {
        case .unreachable, .rateLimited, .server, .decoding: true
        case .unknownCompany, .cannotRoute, .unauthorized, .forbidden, .notFound, .badRequest, .cancelled: false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let site, let reason): "Cannot reach \(site): \(reason). Check the site URL."
        case .unknownCompany(let company):
            "ConnectWise does not know the company ID '\(company)'. Use the company you type at the ConnectWise login screen."
        case .cannotRoute: "ConnectWise answered 'Cannot route. Codebase/company is invalid': check the site URL and company ID."
        case .unauthorized(let message):
            "ConnectWise refused the API keys (\(message)). Check the API member's public and private key and the company ID."
        case .forbidden(let endpoint, let fix): "ConnectWise refused \(endpoint): the API member's security role lacks it. \(fix)."
        case .notFound(let path): "ConnectWise has no \(path)."
        case .badRequest(let message): "ConnectWise refused the request: \(message)."
        case .rateLimited(let seconds): "ConnectWise is rate limiting this integration; retry in \(seconds) seconds."
        case .server(let status, let excerpt): "ConnectWise answered \(status): \(excerpt)"
        case .decoding(let error, let page): "\(error.description) (page \(page))"
        case .cancelled: "The read was stopped before it finished; the next sync carries on from the last saved page."
        }
    }
}
