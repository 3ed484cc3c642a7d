import Crypto
public import Foundation

/// Seals secrets (PSA API keys) for storage with AES-256-GCM, under a ring of keys so that keys can be rotated.
///
/// A sealed value is `v1.<key id>.<base64 of nonce, ciphertext and tag>`. The *context* (the tenant id) is
/// authenticated with it, so a sealed value copied into another tenant's row does not open. The vault never logs
/// and never returns a secret except from ``open(_:context:)``.
public struct CredentialVault: Sendable {
    /// The key new values are sealed with.
    public let currentKeyID: String
    private let keys: [String: SymmetricKey]

    /// A vault over `ring`: seals with its current key, opens with any of its keys.
    public init(ring: KeyRing) throws(VaultError) {
        var keys: [String: SymmetricKey] = [:]
        for entry in ring.keys {
            guard let data = Data(base64Encoded: entry.material), data.count == 32 else {
                throw .invalidKeyFile(reason: "key '\(entry.id)' is not 32 bytes of base64")
            }
            keys[entry.id] = SymmetricKey(data: data)
        }
        guard keys[ring.current] != nil else { throw .invalidKeyFile(reason: "the current key '\(ring.current)' is not in the ring") }
        self.currentKeyID = ring.current
        self.keys = keys
    }

    /// Seals `plaintext` for `context` under the current key.
    public func seal(_ plaintext: Data, context: String) throws(VaultError) -> String {
        // Invariant: init checked that the current key is in the ring.
        let key = keys[currentKeyID]!
        do {
            let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
            // Invariant: a box sealed with the default 12-byte nonce always has a combined form.
            return "v1.\(currentKeyID).\(box.combined!.base64EncodedString())"
        } catch {
            throw .sealFailed
        }
    }

    /// Opens a value sealed by ``seal(_:context:)`` with the same `context`.
    /// - Throws: ``VaultError/unknownKey(_:)`` when the key it was sealed with is no longer in the ring,
    ///   ``VaultError/cannotOpen`` when it was tampered with or belongs to another context.
    public func open(_ sealed: String, context: String) throws(VaultError) -> Data {
        let parts = sealed.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "v1", let combined = Data(base64Encoded: parts[2]) else { throw .cannotOpen }
        guard let key = keys[parts[1]] else { throw .unknownKey(parts[1]) }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: combined), using: key, authenticating: Data(context.utf8))
        } catch {
            throw .cannotOpen
        }
    }

    /// The id of the key `sealed` was sealed with.
    public static func keyID(of sealed: String) -> String? {
        let parts = sealed.split(separator: ".", maxSplits: 2)
        return parts.count == 3 ? String(parts[1]) : nil
    }
}

/// The keys a vault knows: the file `vault.key` in the data directory (mode 0600), or a value from the
/// configuration (`INSIGHT_VAULT_KEY`).
public struct KeyRing: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var id: String
        /// 32 random bytes, base64.
        public var material: String

        public init(id: String, material: String) {
            self.id = id
            self.material = material
        }
    }

    public var current: String
    public var keys: [Entry]

    public init(current: String, keys: [Entry]) {
        self.current = current
        self.keys = keys
    }

    /// A ring with one new random key.
    public static func generate() -> KeyRing {
        let entry = Entry.random()
        return KeyRing(current: entry.id, keys: [entry])
    }

    /// This ring with a new random key that becomes current; the old keys stay until ``retiringOldKeys()``.
    public func rotated() -> KeyRing {
        let entry = Entry.random()
        return KeyRing(current: entry.id, keys: keys + [entry])
    }

    /// This ring with only the current key.
    public func retiringOldKeys() -> KeyRing {
        KeyRing(current: current, keys: keys.filter { $0.id == current })
    }

    /// Reads the ring at `path`, creating it (readable by its owner only) when the file does not exist.
    public static func loadOrCreate(at path: String) throws(VaultError) -> KeyRing {
        if FileManager.default.fileExists(atPath: path) { return try load(at: path) }
        let ring = generate()
        try ring.write(to: path)
        return ring
    }

    /// Reads the ring at `path`.
    public static func load(at path: String) throws(VaultError) -> KeyRing {
        guard let data = FileManager.default.contents(atPath: path) else { throw .invalidKeyFile(reason: "\(path) cannot be read") }
        do {
            return try JSONDecoder().decode(KeyRing.self, from: data)
        } catch {
            throw .invalidKeyFile(reason: "\(path) is not a key ring")
        }
    }

    /// Writes the ring to `path` atomically, with mode 0600.
    public func write(to path: String) throws(VaultError) {
        do {
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            guard FileManager.default.createFile(
                atPath: temporary.path, contents: try encoder.encode(self), attributes: [.posixPermissions: 0o600])
            else { throw VaultError.invalidKeyFile(reason: "\(temporary.path) cannot be created") }
            // rename(2) replaces the old ring atomically: a crash leaves the old file or the new one, never half.
            guard rename(temporary.path, url.path) == 0 else {
                try? FileManager.default.removeItem(at: temporary)
                throw VaultError.invalidKeyFile(reason: "\(path) cannot be replaced (errno \(errno))")
            }
        } catch let error as VaultError {
            throw error
        } catch {
            throw .invalidKeyFile(reason: "\(path) cannot be written: \(error.localizedDescription)")
        }
    }
}

extension KeyRing.Entry {
    static func random() -> KeyRing.Entry {
        let key = SymmetricKey(size: .bits256)
        let material = key.withUnsafeBytes { Data($0).base64EncodedString() }
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        return KeyRing.Entry(id: id, material: material)
    }
}

/// Why a secret could not be sealed or opened.
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidKeyFile(reason: String)
    case unknownKey(String)
    case cannotOpen
    case sealFailed

    public var description: String {
        switch self {
        case .invalidKeyFile(let reason): "The vault key ring is unusable: \(reason)."
        case .unknownKey(let id):
            "A stored credential was sealed with key '\(id)', which is not in the key ring: restore the key file that held it, or enter the credentials again."
        case .cannotOpen: "A stored credential cannot be opened: it was altered or belongs to another company. Enter the credentials again."
        case .sealFailed: "The credential could not be encrypted."
        }
    }
}
