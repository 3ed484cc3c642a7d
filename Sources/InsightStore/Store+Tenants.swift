import Foundation
public import InsightCore
import SQLKit

extension Store {
    /// Creates the tenant or updates its settings.
    public func save(_ tenant: Tenant) async throws {
        try await provider.withSession { db in
            try await db.insert(into: "tenants")
                .columns("id", "name", "psa", "base_currency", "time_zone", "fiscal_year_start_month", "created_at_ms", "kpi_preferences")
                .values(
                    SQLBind(tenant.id.rawValue), SQLBind(tenant.name), SQLBind(tenant.psa.rawValue),
                    SQLBind(tenant.baseCurrency.rawValue), SQLBind(tenant.timeZoneIdentifier),
                    SQLBind(Int64(tenant.fiscalYearStartMonth)), SQLBind(tenant.createdAt.rawValue),
                    SQLBind(String(decoding: try JSONEncoder().encode(tenant.kpiPreferences), as: UTF8.self))
                )
                .onConflict(with: ["id"]) {
                    $0.set(excludedValueOf: "name").set(excludedValueOf: "psa").set(excludedValueOf: "base_currency")
                        .set(excludedValueOf: "time_zone").set(excludedValueOf: "fiscal_year_start_month")
                        .set(excludedValueOf: "kpi_preferences")
                }
                .run()
        }
    }

    /// The tenant with `id`, or `nil`.
    public func tenant(_ id: Tenant.ID) async throws -> Tenant? {
        try await provider.withSession { db in
            try await db.select().column("*").from("tenants").where("id", .equal, id.rawValue).first()
                .map(decodeTenant)
        }
    }

    /// Every tenant, by name. An administrative listing for the CLI (`psa-insight tenant list`) and the sync
    /// scheduler; never exposed to a tenant's user.
    public func allTenants() async throws -> [Tenant] {
        try await provider.withSession { db in
            try await db.select().column("*").from("tenants").orderBy("name").orderBy("id").all().map(decodeTenant)
        }
    }
}

private func decodeTenant(_ row: any SQLRow) throws -> Tenant {
    let reader = RowReader(row: row, table: "tenants")
    let code = try reader.string("base_currency")
    guard let currency = CurrencyCode(rawValue: code) else {
        throw StoreError.corruptRow(table: "tenants", column: "base_currency", reason: "'\(code)' is not a currency")
    }
    return try Tenant(
        id: reader.id("id"), name: reader.string("name"), psa: reader.enumeration("psa"), baseCurrency: currency,
        timeZoneIdentifier: reader.string("time_zone"), fiscalYearStartMonth: reader.int("fiscal_year_start_month"),
        createdAt: reader.timestamp("created_at_ms"), kpiPreferences: try kpiPreferences(row))
}

/// The stored KPI preferences; the standard ones when none were saved (a company from before migration 0009).
private func kpiPreferences(_ row: any SQLRow) throws -> KPIPreferences {
    guard let text = try row.decode(column: "kpi_preferences", as: String?.self) else { return .standard }
    do {
        return try JSONDecoder().decode(KPIPreferences.self, from: Data(text.utf8))
    } catch {
        throw StoreError.corruptRow(table: "tenants", column: "kpi_preferences", reason: "not a KPI preference set")
    }
}
