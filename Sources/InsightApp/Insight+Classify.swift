public import InsightCore
public import InsightStore

extension Insight {
    /// The classification of the tenant named `name` (id or company name), inferring it first when the tenant has
    /// records but no classification yet (a store synced before classifications existed).
    public static func classification(store: Store, tenant name: String?) async throws -> (tenant: Tenant, entries: [ClassificationEntry]) {
        let tenant = try await findTenant(name, in: store)
        var entries = try await store.classification(tenant: tenant.id)
        if entries.isEmpty {
            try await store.inferClassification(tenant: tenant.id)
            entries = try await store.classification(tenant: tenant.id)
        }
        return (tenant, entries)
    }

    /// Gives `value` of `dimension` the class `className` for the tenant named `name`, confirmed; returns whether it
    /// changed. The KPIs of every month the value touches are computed again on their next read.
    /// - Throws: ``UnknownClassError`` for a class the dimension does not have, ``ClassificationValueError`` for a value
    ///   the tenant's records do not carry.
    public static func classify(
        store: Store, tenant name: String?, _ dimension: ClassificationDimension, value: String, as className: String
    ) async throws -> Bool {
        let (tenant, entries) = try await classification(store: store, tenant: name)
        guard entries.contains(where: { $0.dimension == dimension && $0.value == value }) else {
            throw ClassificationValueError(dimension: dimension, value: value, known: entries.filter { $0.dimension == dimension }.map(\.value))
        }
        return try await store.classify(tenant: tenant.id, dimension, value: value, as: className)
    }
}

/// A value that is not in the tenant's classification.
public struct ClassificationValueError: Error, Sendable, CustomStringConvertible {
    public let dimension: ClassificationDimension
    public let value: String
    public let known: [String]
    public var description: String {
        "'\(value)' is not a \(dimension.rawValue) value of this company's PSA; known values: \(known.map { "'\($0)'" }.joined(separator: ", "))"
    }
}
