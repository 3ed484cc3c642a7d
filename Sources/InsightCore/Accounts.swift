import Foundation

/// A person who signs in to PSA Insight. Their password is kept only as a bcrypt hash.
public struct UserAccount: Hashable, Sendable {
    public typealias ID = InsightCore.ID<UserAccount>

    public let id: ID
    /// Lower-cased, trimmed; unique across the installation.
    public var email: String
    /// A bcrypt hash (`$2b$…`), never the password.
    public var passwordHash: String
    public var emailVerifiedAt: Timestamp?
    public var createdAt: Timestamp

    public init(id: ID, email: String, passwordHash: String, emailVerifiedAt: Timestamp? = nil, createdAt: Timestamp) {
        self.id = id
        self.email = UserAccount.normalize(email: email)
        self.passwordHash = passwordHash
        self.emailVerifiedAt = emailVerifiedAt
        self.createdAt = createdAt
    }

    /// The form an address is stored and compared in.
    public static func normalize(email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// Whether `email` looks like an address: one `@`, something before it, a dot after it, no spaces.
    public static func isPlausible(email: String) -> Bool {
        let address = normalize(email: email)
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return !address.contains(where: \.isWhitespace) && address.count <= 254
    }
}

/// What a user may do in one company (tenant).
public enum CompanyRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Everything, including removing the company and its credentials.
    case owner
    /// Everything but ownership: credentials, users, syncs.
    case admin
    /// Reads dashboards and exports.
    case viewer

    private var rank: Int {
        switch self {
        case .owner: 2
        case .admin: 1
        case .viewer: 0
        }
    }

    /// `true` when this role may do what `required` may do.
    public func allows(_ required: CompanyRole) -> Bool { rank >= required.rank }

    public static func < (lhs: CompanyRole, rhs: CompanyRole) -> Bool { lhs.rank < rhs.rank }
}

/// A user's place in a company.
public struct Membership: Hashable, Sendable {
    public var tenant: Tenant.ID
    public var user: UserAccount.ID
    public var role: CompanyRole

    public init(tenant: Tenant.ID, user: UserAccount.ID, role: CompanyRole) {
        self.tenant = tenant
        self.user = user
        self.role = role
    }
}

/// A recorded acceptance of one version of the end-user licence agreement.
public struct EULAAcceptance: Hashable, Sendable {
    public var tenant: Tenant.ID
    public var user: UserAccount.ID
    public var version: String
    public var acceptedAt: Timestamp
    /// The network address the acceptance came from.
    public var address: String

    public init(tenant: Tenant.ID, user: UserAccount.ID, version: String, acceptedAt: Timestamp, address: String) {
        self.tenant = tenant
        self.user = user
        self.version = version
        self.acceptedAt = acceptedAt
        self.address = address
    }
}
