import Logging
import Hummingbird

/// Why a web request was refused, in words for the person at the browser.
public enum WebError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound
    case formExpired
    case invalidField(String)
    case forbidden(String)
    case tooManyAttempts(minutes: Int)
    case noCredentials

    public var description: String {
        switch self {
        case .notFound: "There is nothing here."
        case .formExpired: "This form has expired. Go back, reload the page and try again."
        case .invalidField(let message): message
        case .forbidden(let message): message
        case .tooManyAttempts(let minutes): "Too many failed sign-ins. Try again in \(minutes) minutes."
        case .noCredentials: "No PSA credentials are set for this company: enter them under Settings › PSA credentials."
        }
    }

    var status: HTTPResponse.Status {
        switch self {
        case .notFound: .notFound
        case .formExpired, .forbidden: .forbidden
        case .invalidField, .noCredentials: .badRequest
        case .tooManyAttempts: .tooManyRequests
        }
    }
}
