/// A secret (an API private key, a password): it cannot be printed or logged by accident — its description is
/// `<redacted>`; only ``reveal()`` gives the value, at the one place it is sent.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String
    public init(_ value: String) { self.value = value }
    /// The value, for the request that needs it.
    public func reveal() -> String { value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var isEmpty: Bool { value.isEmpty }
}
