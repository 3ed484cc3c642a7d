public import Foundation

/// An error body as ConnectWise sends it: `{"code", "message", "errors": [{code, message, resource, field}]}`, or
/// the rate limiter's `{"error", "message"}`, or the plain-text "Cannot route" answer for a wrong codebase.
public struct ConnectWiseErrorBody: Sendable, Equatable, Codable {
    public struct ValidationError: Sendable, Equatable, Codable {
        public var code: String?
        public var message: String?
        public var resource: String?
        public var field: String?
    }

    public var code: String
    public var message: String
    public var errors: [ValidationError]?

    public init(code: String, message: String, errors: [ValidationError]? = nil) {
        self.code = code
        self.message = message
        self.errors = errors
    }

    /// The plain-text body of a request to a wrong codebase or company.
    public static let cannotRouteText = "Cannot route. Codebase/company is invalid"

    /// Reads an error body; `nil` when the body is neither JSON error shape nor the "Cannot route" text.
    public static func parse(_ body: Data) -> ConnectWiseErrorBody? {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("Cannot route") { return ConnectWiseErrorBody(code: "CannotRoute", message: text) }
        struct RateLimited: Decodable {
            let error: String
            let message: String
        }
        if let body = try? JSONDecoder().decode(ConnectWiseErrorBody.self, from: body) { return body }
        if let limited = try? JSONDecoder().decode(RateLimited.self, from: body) {
            return ConnectWiseErrorBody(code: limited.error, message: limited.message)
        }
        return nil
    }

    /// The message with each validation error's, as one line for logs and the permission doctor.
    public var summary: String {
        ([message] + (errors ?? []).compactMap(\.message)).joined(separator: "; ")
    }
}

/// `GET /system/info`: the server's version and whether it is ConnectWise's cloud.
public struct ConnectWiseSystemInfo: Sendable, Equatable, Decodable {
    public var version: String
    public var isCloud: Bool
    public var serverTimeZone: String?
    public var cloudRegion: String?

    /// - Throws: ``ConnectWiseDecodingError`` naming `system/info`.
    public static func parse(_ body: Data) throws(ConnectWiseDecodingError) -> ConnectWiseSystemInfo {
        do {
            return try JSONDecoder().decode(ConnectWiseSystemInfo.self, from: body)
        } catch {
            throw ConnectWiseDecodingError(
                entity: "system/info", reason: (error as? DecodingError).map(ConnectWiseRecords.describe) ?? "\(error)",
                excerpt: ConnectWiseRecords.excerpt(body))
        }
    }
}
