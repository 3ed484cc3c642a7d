import Logging
public import Hummingbird

/// A fragment of HTML. Interpolated values are escaped unless they are themselves `HTML`, so text from a PSA or a
/// user (a client named `<script>`) can never become markup.
public struct HTML: Sendable, ExpressibleByStringInterpolation, ResponseGenerator {
    public private(set) var markup: String

    /// Markup written by us, as is. Never pass user data here.
    public init(trusted markup: String) { self.markup = markup }
    public init(stringLiteral value: String) { self.markup = value }
    public init(stringInterpolation: Interpolation) { self.markup = stringInterpolation.markup }

    public struct Interpolation: StringInterpolationProtocol {
        var markup = ""
        public init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { markup += literal }
        /// Text: escaped.
        public mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        /// Anything printable: escaped.
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) { markup += HTML.escape(value.description) }
        /// Markup: as is.
        public mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        /// A list of fragments: concatenated.
        public mutating func appendInterpolation(_ fragments: [HTML]) { for fragment in fragments { markup += fragment.markup } }
        /// An optional fragment: nothing when `nil`.
        public mutating func appendInterpolation(_ html: HTML?) { if let html { markup += html.markup } }
    }

    /// `&`, `<`, `>`, `"` and `'` as entities.
    public static func escape(_ text: String) -> String {
        // Most text has nothing to escape: check the bytes first.
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") })
        else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    public static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.markup + rhs.markup) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: markup)))
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
