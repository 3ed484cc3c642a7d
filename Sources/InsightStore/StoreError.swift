/// Why the store refused or failed an operation, in words a self-hoster can act on.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `DATABASE_URL` could not be understood.
    case invalidDatabaseURL(String, reason: String)
    /// The database server could not be reached or refused the login.
    case unreachable(String, reason: String)
    /// The SQLite file could not be opened or created.
    case cannotOpenFile(String, reason: String)
    /// A decimal value has more fractional digits than the store keeps (6) or is too large.
    case unrepresentableDecimal(column: String, value: String)
    /// One record carries money in two currencies.
    case mixedCurrencies(table: String, sourceID: String)
    /// A stored row could not be read back (a corrupt or hand-edited database).
    case corruptRow(table: String, column: String, reason: String)
    /// A migration failed; nothing of it was applied.
    case migrationFailed(id: String, reason: String)
    /// The database has migrations this build does not know: it was migrated by a newer PSA Insight.
    case schemaFromNewerVersion(unknown: [String])

    public var description: String {
        switch self {
        case .invalidDatabaseURL(let url, let reason):
            "DATABASE_URL '\(url)' is not valid: \(reason). Use a postgres://user:password@host:5432/db URL or a SQLite file path."
        case .unreachable(let target, let reason):
            "Cannot connect to the database at \(target): \(reason)."
        case .cannotOpenFile(let path, let reason):
            "Cannot open the SQLite database at \(path): \(reason)."
        case .unrepresentableDecimal(let column, let value):
            "The value \(value) for \(column) cannot be stored exactly (at most 6 decimals and 12 integer digits)."
        case .mixedCurrencies(let table, let id):
            "Record \(id) in \(table) carries amounts in more than one currency."
        case .corruptRow(let table, let column, let reason):
            "A row of \(table) could not be read (\(column): \(reason))."
        case .migrationFailed(let id, let reason):
            "Migration \(id) failed and was rolled back: \(reason)."
        case .schemaFromNewerVersion(let unknown):
            "The database was migrated by a newer PSA Insight (unknown migrations: \(unknown.joined(separator: ", "))). Upgrade this binary."
        }
    }
}
