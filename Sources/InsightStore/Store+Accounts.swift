public import InsightCore
import Foundation
import SQLKit

/// A signed-in browser: the hash of its cookie token, whose user it is, and its CSRF token.
public struct WebSession: Sendable, Equatable {
    /// SHA-256 of the cookie value; the value itself is never stored.
    public var tokenHash: String
    public var user: UserAccount.ID
    /// Every form of this session carries it; a POST without it is refused.
    public var csrfToken: String
    public var createdAt: Timestamp
    public var expiresAt: Timestamp

    public init(tokenHash: String, user: UserAccount.ID, csrfToken: String, createdAt: Timestamp, expiresAt: Timestamp) {
        self.tokenHash = tokenHash
        self.user = user
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A tenant's PSA credentials as stored: sealed by the vault, with who set them and when. Never the keys.
public struct SealedCredentials: Sendable, Equatable {
    public var tenant: Tenant.ID
    public var psa: PSAKind
    /// The vault's sealed value.
    public var sealed: String
    /// The vault key it was sealed with (for rotation).
    public var keyID: String
    public var setAt: Timestamp
    /// The email address of the user who set them.
    public var setBy: String

    public init(tenant: Tenant.ID, psa: PSAKind, sealed: String, keyID: String, setAt: Timestamp, setBy: String) {
        self.tenant = tenant
        self.psa = psa
        self.sealed = sealed
        self.keyID = keyID
        self.setAt = setAt
        self.setBy = setBy
    }
}

/// An account operation refused by the store.
public enum AccountError: Error, Equatable, Sendable, CustomStringConvertible {
    case emailTaken

    public var description: String {
        switch self {
        case .emailTaken: "An account with this email address already exists: sign in instead."
        }
    }
}

// MARK: - Users

extension Store {
    /// Creates a user.
    /// - Throws: ``AccountError/emailTaken`` when the address is in use.
    public func create(_ user: UserAccount, verifyTokenHash: String?) async throws {
        try await provider.withTransaction { db in
            if try await db.select().column("id").from("users").where("email", .equal, user.email).first() != nil {
                throw AccountError.emailTaken
            }
            try await db.insert(into: "users")
                .columns("id", "email", "password_hash", "email_verified_at_ms", "verify_token_hash", "created_at_ms")
                .values(
                    SQLBind(user.id.rawValue), SQLBind(user.email), SQLBind(user.passwordHash),
                    SQLBind(user.emailVerifiedAt?.rawValue), SQLBind(verifyTokenHash), SQLBind(user.createdAt.rawValue))
                .run()
        }
    }

    /// The user with `email` (any case), or `nil`.
    public func user(email: String) async throws -> UserAccount? {
        try await provider.withSession { db in
            try await db.select().column("*").from("users").where("email", .equal, UserAccount.normalize(email: email)).first()
                .map(decodeUser)
        }
    }

    /// The user with `id`, or `nil`.
    public func user(_ id: UserAccount.ID) async throws -> UserAccount? {
        try await provider.withSession { db in
            try await db.select().column("*").from("users").where("id", .equal, id.rawValue).first().map(decodeUser)
        }
    }

    /// Gives `user` a new email verification token (the previous link stops working); `false` when already verified.
    public func replaceVerifyToken(of user: UserAccount.ID, with tokenHash: String) async throws -> Bool {
        try await provider.withSession { db in
            try await db.update("users").set("verify_token_hash", to: SQLBind(tokenHash))
                .where("id", .equal, user.rawValue).where("email_verified_at_ms", .is, SQLLiteral.null)
                .returning("id").all().isEmpty == false
        }
    }

    /// Marks `user`'s address as verified (an accepted invitation: the link reached them).
    public func markEmailVerified(_ user: UserAccount.ID, at now: Timestamp) async throws {
        try await provider.withSession { db in
            try await db.update("users").set("email_verified_at_ms", to: SQLBind(now.rawValue)).set("verify_token_hash", to: SQLLiteral.null)
                .where("id", .equal, user.rawValue).where("email_verified_at_ms", .is, SQLLiteral.null).run()
        }
    }

    /// Marks the address whose verification token hashes to `tokenHash` as verified; `nil` when no user has it.
    public func verifyEmail(tokenHash: String, at now: Timestamp) async throws -> UserAccount.ID? {
        try await provider.withTransaction { db in
            guard let row = try await db.select().column("id").from("users").where("verify_token_hash", .equal, tokenHash).first()
            else { return nil }
            let id: UserAccount.ID = try RowReader(row: row, table: "users").id("id")
            try await db.update("users").set("email_verified_at_ms", to: SQLBind(now.rawValue))
                .set("verify_token_hash", to: SQLLiteral.null).where("id", .equal, id.rawValue).run()
            return id
        }
    }

    /// Replaces a user's password hash.
    public func setPasswordHash(_ hash: String, for user: UserAccount.ID) async throws {
        try await provider.withSession { db in
            try await db.update("users").set("password_hash", to: SQLBind(hash)).where("id", .equal, user.rawValue).run()
        }
    }
}

private func decodeUser(_ row: any SQLRow) throws -> UserAccount {
    let reader = RowReader(row: row, table: "users")
    return UserAccount(
        id: try reader.id("id"), email: try reader.string("email"), passwordHash: try reader.string("password_hash"),
        emailVerifiedAt: try reader.optionalTimestamp("email_verified_at_ms"), createdAt: try reader.timestamp("created_at_ms"))
}

// MARK: - Memberships

extension Store {
    /// Gives `membership.user` its role in the company, replacing any role it had there.
    public func save(_ membership: Membership, at now: Timestamp) async throws {
        try await provider.withSession { db in
            try await db.insert(into: "memberships").columns("tenant_id", "user_id", "role", "created_at_ms")
                .values(SQLBind(membership.tenant.rawValue), SQLBind(membership.user.rawValue), SQLBind(membership.role.rawValue), SQLBind(now.rawValue))
                .onConflict(with: ["tenant_id", "user_id"]) { $0.set(excludedValueOf: "role") }
                .run()
        }
    }

    /// The companies `user` belongs to, with its role in each, by company name.
    public func memberships(of user: UserAccount.ID) async throws -> [(tenant: Tenant, role: CompanyRole)] {
        let roles = try await provider.withSession { db in
            try await db.select().column("tenant_id").column("role").from("memberships").where("user_id", .equal, user.rawValue).all()
                .map { row throws -> (Tenant.ID, CompanyRole) in
                    let reader = RowReader(row: row, table: "memberships")
                    return (try reader.id("tenant_id"), try reader.enumeration("role"))
                }
        }
        var result: [(tenant: Tenant, role: CompanyRole)] = []
        for (id, role) in roles {
            if let tenant = try await tenant(id) { result.append((tenant, role)) }
        }
        return result.sorted { $0.tenant.name.localizedCaseInsensitiveCompare($1.tenant.name) == .orderedAscending }
    }

    /// `user`'s role in `tenant`, or `nil` when it has none: the check behind every company page.
    public func role(of user: UserAccount.ID, in tenant: Tenant.ID) async throws -> CompanyRole? {
        try await provider.withSession { db in
            try await db.select().column("role").from("memberships")
                .where("tenant_id", .equal, tenant.rawValue).where("user_id", .equal, user.rawValue).first()
                .map { try RowReader(row: $0, table: "memberships").enumeration("role") }
        }
    }
}

// MARK: - Sessions

extension Store {
    /// Records a new session.
    public func save(_ session: WebSession) async throws {
        try await provider.withSession { db in
            try await db.insert(into: "web_sessions").columns("token_hash", "user_id", "csrf_token", "created_at_ms", "expires_at_ms")
                .values(
                    SQLBind(session.tokenHash), SQLBind(session.user.rawValue), SQLBind(session.csrfToken),
                    SQLBind(session.createdAt.rawValue), SQLBind(session.expiresAt.rawValue))
                .run()
        }
    }

    /// The unexpired session whose token hashes to `tokenHash`, or `nil`.
    public func session(tokenHash: String, at now: Timestamp) async throws -> WebSession? {
        try await provider.withSession { db in
            guard
                let row = try await db.select().column("*").from("web_sessions").where("token_hash", .equal, tokenHash)
                    .where("expires_at_ms", .greaterThan, now.rawValue).first()
            else { return nil }
            let reader = RowReader(row: row, table: "web_sessions")
            return WebSession(
                tokenHash: try reader.string("token_hash"), user: try reader.id("user_id"), csrfToken: try reader.string("csrf_token"),
                createdAt: try reader.timestamp("created_at_ms"), expiresAt: try reader.timestamp("expires_at_ms"))
        }
    }

    /// Ends a session (sign-out), and every expired one.
    public func deleteSession(tokenHash: String, at now: Timestamp) async throws {
        try await provider.withSession { db in
            try await db.delete(from: "web_sessions").where("token_hash", .equal, tokenHash).run()
            try await db.delete(from: "web_sessions").where("expires_at_ms", .lessThanOrEqual, now.rawValue).run()
        }
    }
}

// MARK: - Login throttling

extension Store {
    /// Records a failed sign-in for `email` from the client `address`.
    public func recordLoginFailure(email: String, address: String, at now: Timestamp) async throws {
        try await provider.withSession { db in
            try await db.insert(into: "login_failures").columns("email", "at_ms", "address")
                .values(SQLBind(UserAccount.normalize(email: email)), SQLBind(now.rawValue), SQLBind(address)).run()
        }
    }

    /// Failed sign-ins from the client `address` since `since`, whatever the email (failures are kept after a
    /// successful sign-in, so one valid account does not reset them).
    public func loginFailures(address: String, since: Timestamp) async throws -> Int {
        try await provider.withSession { db in
            let row = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("login_failures")
                .where("address", .equal, address).where("at_ms", .greaterThan, since.rawValue).first()
            return try row.map { try RowReader(row: $0, table: "login_failures").int("n") } ?? 0
        }
    }

    /// Failed sign-ins for `email` since `since`.
    public func loginFailures(email: String, since: Timestamp) async throws -> Int {
        try await provider.withSession { db in
            let row = try await db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("login_failures")
                .where("email", .equal, UserAccount.normalize(email: email)).where("at_ms", .greaterThan, since.rawValue).first()
            return try row.map { try RowReader(row: $0, table: "login_failures").int("n") } ?? 0
        }
    }

    /// Forgets the failures of `email` (after a successful sign-in); an address's failures stay until they age out.
    public func clearLoginFailures(email: String) async throws {
        try await provider.withSession { db in
            try await db.update("login_failures").set("email", to: SQLLiteral.null)
                .where("email", .equal, UserAccount.normalize(email: email)).run()
        }
    }
}

// MARK: - EULA

extension Store {
    /// Records an acceptance (idempotent for the same user, company and version).
    public func save(_ acceptance: EULAAcceptance) async throws {
        try await provider.withSession { db in
            try await db.insert(into: "eula_acceptances").columns("tenant_id", "user_id", "version", "accepted_at_ms", "address")
                .values(
                    SQLBind(acceptance.tenant.rawValue), SQLBind(acceptance.user.rawValue), SQLBind(acceptance.version),
                    SQLBind(acceptance.acceptedAt.rawValue), SQLBind(acceptance.address))
                .ignoringConflicts(with: ["tenant_id", "version", "user_id"])
                .run()
        }
    }

    /// Every acceptance recorded for `tenant`, latest first.
    public func eulaAcceptances(tenant: Tenant.ID) async throws -> [EULAAcceptance] {
        try await provider.withSession { db in
            try await db.select().column("*").from("eula_acceptances").where("tenant_id", .equal, tenant.rawValue)
                .orderBy("accepted_at_ms", .descending).all()
                .map { row in
                    let reader = RowReader(row: row, table: "eula_acceptances")
                    return EULAAcceptance(
                        tenant: try reader.id("tenant_id"), user: try reader.id("user_id"), version: try reader.string("version"),
                        acceptedAt: try reader.timestamp("accepted_at_ms"), address: try reader.string("address"))
                }
        }
    }
}

// MARK: - Credentials

extension Store {
    /// Stores (or replaces) a tenant's sealed credentials.
    public func save(_ credentials: SealedCredentials) async throws {
        try await provider.withSession { db in
            try await db.insert(into: "psa_credentials").columns("tenant_id", "psa", "sealed", "key_id", "set_at_ms", "set_by")
                .values(
                    SQLBind(credentials.tenant.rawValue), SQLBind(credentials.psa.rawValue), SQLBind(credentials.sealed),
                    SQLBind(credentials.keyID), SQLBind(credentials.setAt.rawValue), SQLBind(credentials.setBy))
                .onConflict(with: ["tenant_id"]) {
                    $0.set(excludedValueOf: "psa").set(excludedValueOf: "sealed").set(excludedValueOf: "key_id")
                        .set(excludedValueOf: "set_at_ms").set(excludedValueOf: "set_by")
                }
                .run()
        }
    }

    /// `tenant`'s sealed credentials, or `nil`.
    public func credentials(tenant: Tenant.ID) async throws -> SealedCredentials? {
        try await provider.withSession { db in
            try await db.select().column("*").from("psa_credentials").where("tenant_id", .equal, tenant.rawValue).first().map(decodeCredentials)
        }
    }

    /// Every tenant's sealed credentials: for key rotation and the sync scheduler, never for a web page.
    public func allCredentials() async throws -> [SealedCredentials] {
        try await provider.withSession { db in
            try await db.select().column("*").from("psa_credentials").orderBy("tenant_id").all().map(decodeCredentials)
        }
    }

    /// Removes `tenant`'s credentials.
    public func deleteCredentials(tenant: Tenant.ID) async throws {
        try await provider.withSession { db in
            try await db.delete(from: "psa_credentials").where("tenant_id", .equal, tenant.rawValue).run()
        }
    }
}

private func decodeCredentials(_ row: any SQLRow) throws -> SealedCredentials {
    let reader = RowReader(row: row, table: "psa_credentials")
    return SealedCredentials(
        tenant: try reader.id("tenant_id"), psa: try reader.enumeration("psa"), sealed: try reader.string("sealed"),
        keyID: try reader.string("key_id"), setAt: try reader.timestamp("set_at_ms"), setBy: try reader.string("set_by"))
}

// MARK: - API tokens

extension Store {
    /// Records an API token (by its hash) for `tenant`.
    public func saveAPIToken(hash: String, tenant: Tenant.ID, name: String, createdBy: String, at now: Timestamp) async throws {
        try await provider.withSession { db in
            try await db.insert(into: "api_tokens").columns("token_hash", "tenant_id", "name", "created_by", "created_at_ms")
                .values(SQLBind(hash), SQLBind(tenant.rawValue), SQLBind(name), SQLBind(createdBy), SQLBind(now.rawValue)).run()
        }
    }

    /// The tenant an API token (by its hash) belongs to, or `nil`.
    public func tenantForAPIToken(hash: String) async throws -> Tenant.ID? {
        try await provider.withSession { db in
            try await db.select().column("tenant_id").from("api_tokens").where("token_hash", .equal, hash).first()
                .map { try RowReader(row: $0, table: "api_tokens").id("tenant_id") }
        }
    }
}

// MARK: - Invitations

extension Store {
    /// Records an invitation to `tenant` with `role`, by the digest of its link's token.
    public func saveInvitation(hash: String, tenant: Tenant.ID, role: CompanyRole, createdBy: String, at now: Timestamp, expiresAt: Timestamp) async throws {
        try await provider.withSession { db in
            try await db.insert(into: "invitations").columns("token_hash", "tenant_id", "role", "created_by", "created_at_ms", "expires_at_ms")
                .values(SQLBind(hash), SQLBind(tenant.rawValue), SQLBind(role.rawValue), SQLBind(createdBy), SQLBind(now.rawValue), SQLBind(expiresAt.rawValue))
                .run()
        }
    }

    /// The company and role of an unexpired, unused invitation, or `nil`.
    public func invitation(hash: String, at now: Timestamp) async throws -> (tenant: Tenant.ID, role: CompanyRole)? {
        try await provider.withSession { db in
            guard let row = try await db.select().column("tenant_id").column("role").from("invitations").where("token_hash", .equal, hash)
                .where("expires_at_ms", .greaterThan, now.rawValue).where("accepted_by", .is, SQLLiteral.null).first()
            else { return nil }
            let reader = RowReader(row: row, table: "invitations")
            return (try reader.id("tenant_id"), try reader.enumeration("role"))
        }
    }

    /// Uses an invitation for `user`: the user gets the role (never a lower one than they had), once.
    /// - Returns: `false` when the invitation was already used or has expired.
    public func accept(invitationHash hash: String, by user: UserAccount.ID, at now: Timestamp) async throws -> Bool {
        try await provider.withTransaction { db in
            guard let row = try await db.update("invitations").set("accepted_by", to: SQLBind(user.rawValue))
                .where("token_hash", .equal, hash).where("expires_at_ms", .greaterThan, now.rawValue)
                .where("accepted_by", .is, SQLLiteral.null).returning("tenant_id", "role").first()
            else { return false }
            let reader = RowReader(row: row, table: "invitations")
            let tenant: Tenant.ID = try reader.id("tenant_id")
            let role: CompanyRole = try reader.enumeration("role")
            let existing = try await db.select().column("role").from("memberships")
                .where("tenant_id", .equal, tenant.rawValue).where("user_id", .equal, user.rawValue).first()
                .map { try RowReader(row: $0, table: "memberships").enumeration("role") as CompanyRole }
            guard existing.map({ $0 < role }) ?? true else { return true }
            try await db.insert(into: "memberships").columns("tenant_id", "user_id", "role", "created_at_ms")
                .values(SQLBind(tenant.rawValue), SQLBind(user.rawValue), SQLBind(role.rawValue), SQLBind(now.rawValue))
                .onConflict(with: ["tenant_id", "user_id"]) { $0.set(excludedValueOf: "role") }
                .run()
            return true
        }
    }

    /// The members of `tenant` with their roles, by email.
    public func members(of tenant: Tenant.ID) async throws -> [(email: String, role: CompanyRole)] {
        try await provider.withSession { db in
            try await db.select().column(SQLColumn("email", table: "users")).column(SQLColumn("role", table: "memberships"))
                .from("memberships").join("users", on: SQLColumn("id", table: "users"), .equal, SQLColumn("user_id", table: "memberships"))
                .where(SQLColumn("tenant_id", table: "memberships"), .equal, SQLBind(tenant.rawValue))
                .orderBy(SQLColumn("email", table: "users")).all()
                .map { row in
                    let reader = RowReader(row: row, table: "memberships")
                    return (try reader.string("email"), try reader.enumeration("role"))
                }
        }
    }
}
