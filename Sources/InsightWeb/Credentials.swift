import Logging
import Foundation
public import InsightConnectors
public import InsightCore
public import InsightStore
public import InsightVault

/// The PSA credentials a company enters, as sealed in the vault. Only the sync and the permission doctor see
/// them opened; a page shows only ``SealedCredentials/setAt`` and ``SealedCredentials/setBy``.
public enum PSACredentials: Sendable {
    case connectWise(ConnectWiseCredentials)
    /// Autotask: the API user's username (key), its secret, the integration code (tracking identifier) and where the
    /// zone is looked up (Autotask's own address unless pointed at a simulator).
    case autotask(AutotaskCredentials)

    public var psa: PSAKind {
        switch self {
        case .connectWise: .connectwise
        case .autotask: .autotask
        }
    }

    /// The sealed form for `tenant`, set by `user`.
    public func sealed(for tenant: Tenant.ID, by user: String, vault: CredentialVault, at now: Timestamp) throws -> SealedCredentials {
        let payload: Payload
        switch self {
        case .connectWise(let credentials):
            payload = Payload(
                psa: .connectwise, site: credentials.siteURL, company: credentials.companyID, clientID: credentials.clientID,
                publicKey: credentials.publicKey, secret: credentials.privateKey.reveal(), username: nil, integrationCode: nil)
        case .autotask(let credentials):
            payload = Payload(
                psa: .autotask, site: credentials.zoneLookupURL, company: nil, clientID: nil, publicKey: nil, secret: credentials.secret.reveal(),
                username: credentials.userName, integrationCode: credentials.integrationCode)
        }
        let sealed = try vault.seal(try JSONEncoder().encode(payload), context: tenant.rawValue)
        return SealedCredentials(tenant: tenant, psa: psa, sealed: sealed, keyID: vault.currentKeyID, setAt: now, setBy: user)
    }

    /// Opens `sealed` with `vault`.
    /// - Throws: ``VaultError`` when it cannot be opened, `DecodingError` when its content is not credentials.
    public static func open(_ sealed: SealedCredentials, vault: CredentialVault) throws -> PSACredentials {
        let payload = try JSONDecoder().decode(Payload.self, from: try vault.open(sealed.sealed, context: sealed.tenant.rawValue))
        switch payload.psa {
        case .connectwise:
            return .connectWise(
                ConnectWiseCredentials(
                    siteURL: payload.site ?? "", companyID: payload.company ?? "", clientID: payload.clientID ?? "",
                    publicKey: payload.publicKey ?? "", privateKey: Secret(payload.secret)))
        case .autotask:
            return .autotask(
                AutotaskCredentials(
                    userName: payload.username ?? "", secret: Secret(payload.secret), integrationCode: payload.integrationCode ?? "",
                    zoneLookupURL: payload.site ?? AutotaskCredentials.defaultZoneLookup))
        }
    }

    private struct Payload: Codable {
        var psa: PSAKind
        var site: String?
        var company: String?
        var clientID: String?
        var publicKey: String?
        var secret: String
        var username: String?
        var integrationCode: String?
    }
}

extension Store {
    /// Re-seals every stored credential under `vault`'s current key; returns how many were re-sealed. Run by
    /// `psa-insight vault rotate` after a new key is added, before the old one is retired.
    public func resealAllCredentials(with vault: CredentialVault) async throws -> Int {
        var count = 0
        for sealed in try await allCredentials() where sealed.keyID != vault.currentKeyID {
            let plaintext = try vault.open(sealed.sealed, context: sealed.tenant.rawValue)
            var updated = sealed
            updated.sealed = try vault.seal(plaintext, context: sealed.tenant.rawValue)
            updated.keyID = vault.currentKeyID
            try await save(updated)
            count += 1
        }
        return count
    }
}
