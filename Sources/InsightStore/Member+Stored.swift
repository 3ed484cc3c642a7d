public import InsightCore
public import SQLKit

/// A member's row plus its rate history in `member_rates`, replaced whole on every upsert of the member.
extension Member: StoredRecord {
    public static let table = "members"

    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("identifier", identifier)
        row.set("name", name)
        row.set("title", title)
        row.set("active", active)
        try row.set("daily_capacity_micros", dailyCapacity)
    }

    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            identifier: try row.string("identifier"), name: try row.string("name"),
            title: try row.optionalString("title"), active: try row.bool("active"),
            dailyCapacity: try row.hours("daily_capacity_micros"), rates: [])
    }

    public static func writeChildren(of records: [Member], tenant: Tenant.ID, on db: any SQLDatabase) async throws {
        for (source, members) in Dictionary(grouping: records, by: \.source) {
            let ids = members.map(\.id.rawValue)
            for start in stride(from: 0, to: ids.count, by: 1_000) {
                try await db.delete(from: "member_rates")
                    .where("tenant_id", .equal, tenant.rawValue)
                    .where("source", .equal, source.rawValue)
                    .where("member_id", .in, Array(ids[start..<min(start + 1_000, ids.count)]))
                    .run()
            }
            let rows = try members.flatMap { member in
                try member.rates.map { rate throws(StoreError) -> [any SQLExpression] in
                    var row = RowWriter(table: "member_rates", sourceID: member.id.rawValue)
                    row.set("tenant_id", tenant.rawValue)
                    row.set("source", source)
                    row.set("member_id", member.id)
                    row.set("effective_from", rate.effectiveFrom)
                    try row.set("hourly_cost_micros", rate.hourlyCost)
                    try row.set("hourly_rate_micros", rate.hourlyRate)
                    row.set("currency", row.currency?.rawValue)
                    return row.values.map(\.expression)
                }
            }
            // 7 values a row: 1,000 rows a statement stays far under both engines' bound-parameter limits.
            for start in stride(from: 0, to: rows.count, by: 1_000) {
                try await db.insert(into: "member_rates")
                    .columns(
                        "tenant_id", "source", "member_id", "effective_from", "hourly_cost_micros", "hourly_rate_micros",
                        "currency"
                    )
                    .rows(rows[start..<min(start + 1_000, rows.count)])
                    .run()
            }
        }
    }

    public static func readChildren(into records: inout [Member], tenant: Tenant.ID, on db: any SQLDatabase) async throws {
        guard let source = records.first?.source else { return }
        let rows = try await db.select().column("*").from("member_rates")
            .where("tenant_id", .equal, tenant.rawValue)
            .where("source", .equal, source.rawValue)
            .where("member_id", .in, records.map(\.id.rawValue))
            .orderBy("effective_from")
            .all()
        var rates: [String: [Member.Rate]] = [:]
        for row in rows {
            let reader = RowReader(row: row, table: "member_rates")
            rates[try reader.string("member_id"), default: []].append(
                Member.Rate(
                    effectiveFrom: try reader.date("effective_from"),
                    hourlyCost: try reader.optionalMoney("hourly_cost_micros"),
                    hourlyRate: try reader.optionalMoney("hourly_rate_micros")))
        }
        for index in records.indices {
            records[index].rates = rates[records[index].id.rawValue] ?? []
        }
    }
}
