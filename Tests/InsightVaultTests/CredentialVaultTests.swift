import Foundation
import InsightVault
import Testing

@Suite("Credential vault")
struct CredentialVaultTests {
    @Test("a sealed value opens with its context only, and hides the plaintext")
    func sealAndOpen() throws {
        let vault = try CredentialVault(ring: .generate())
        let secret = Data("private-key-123".utf8)
        let sealed = try vault.seal(secret, context: "tenant-a")
        #expect(!sealed.contains("private-key-123"))
        #expect(try vault.open(sealed, context: "tenant-a") == secret)
        #expect(throws: VaultError.cannotOpen) { try vault.open(sealed, context: "tenant-b") }
        // Two seals of the same value differ (fresh nonce).
        #expect(try vault.seal(secret, context: "tenant-a") != sealed)
    }

    @Test("a tampered value does not open")
    func tampered() throws {
        let vault = try CredentialVault(ring: .generate())
        let sealed = try vault.seal(Data("abc".utf8), context: "t")
        var bytes = Data(base64Encoded: String(sealed.split(separator: ".")[2]))!
        bytes[bytes.count - 1] ^= 0x01
        let altered = sealed.split(separator: ".")[0...1].joined(separator: ".") + "." + bytes.base64EncodedString()
        #expect(throws: VaultError.cannotOpen) { try vault.open(altered, context: "t") }
    }

    @Test("after rotation old values open until the old key is retired")
    func rotation() throws {
        let ring = KeyRing.generate()
        let old = try CredentialVault(ring: ring).seal(Data("x".utf8), context: "t")
        let rotated = ring.rotated()
        let vault = try CredentialVault(ring: rotated)
        #expect(vault.currentKeyID != ring.current)
        #expect(try vault.open(old, context: "t") == Data("x".utf8))
        let resealed = try vault.seal(try vault.open(old, context: "t"), context: "t")
        #expect(CredentialVault.keyID(of: resealed) == vault.currentKeyID)
        let retired = try CredentialVault(ring: rotated.retiringOldKeys())
        #expect(throws: VaultError.unknownKey(ring.current)) { try retired.open(old, context: "t") }
        #expect(try retired.open(resealed, context: "t") == Data("x".utf8))
    }

    @Test("the key file is created once, owner-only, and read back")
    func keyFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("vault.key").path
        let created = try KeyRing.loadOrCreate(at: path)
        let again = try KeyRing.loadOrCreate(at: path)
        #expect(created == again)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: VaultError.self) { try KeyRing.load(at: path) }
    }
}
