import Foundation
public import InsightCore
public import InsightStore
import SQLKit
import Testing

/// The store's behaviour, written once and run on every engine (H-25). Each check takes a fresh, migrated
/// store and records expectations with Swift Testing.
public enum StoreContract {
    /// Stores one tenant's worth of every entity for `tenant`.
    public static func storeEverything(_ fixtures: Fixtures, in store: Store, tenant: Tenant.ID, at time: Timestamp) async throws {
        try await store.upsert(tenant: tenant, fixtures.companies, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.configurations, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.members, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.workTypes, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.workRoles, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.agreements, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.additions, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.invoices, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.productLines, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.timeEntries, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.expenses, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.tickets, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.projects, syncedAt: time)
        try await store.upsert(tenant: tenant, fixtures.opportunities, syncedAt: time)
    }

    /// Every entity comes back equal to what was stored, field for field, money exact.
    public static func everyEntityRoundTrips(_ store: Store) async throws {
        let fixtures = Fixtures()
        let tenant = Fixtures.tenantA
        try await store.save(tenant)
        try await storeEverything(fixtures, in: store, tenant: tenant.id, at: .init(rawValue: 1))
        #expect(try await store.tenant(tenant.id) == tenant)
        try await expectRoundTrip(fixtures.companies, store, tenant.id)
        try await expectRoundTrip(fixtures.configurations, store, tenant.id)
        try await expectRoundTrip(fixtures.members, store, tenant.id)
        try await expectRoundTrip(fixtures.workTypes, store, tenant.id)
        try await expectRoundTrip(fixtures.workRoles, store, tenant.id)
        try await expectRoundTrip(fixtures.agreements, store, tenant.id)
        try await expectRoundTrip(fixtures.additions, store, tenant.id)
        try await expectRoundTrip(fixtures.invoices, store, tenant.id)
        try await expectRoundTrip(fixtures.productLines, store, tenant.id)
        try await expectRoundTrip(fixtures.timeEntries, store, tenant.id)
        try await expectRoundTrip(fixtures.expenses, store, tenant.id)
        try await expectRoundTrip(fixtures.tickets, store, tenant.id)
        try await expectRoundTrip(fixtures.projects, store, tenant.id)
        try await expectRoundTrip(fixtures.opportunities, store, tenant.id)
    }

    private static func expectRoundTrip<R: StoredRecord>(_ records: [R], _ store: Store, _ tenant: Tenant.ID) async throws {
        let stored = try await store.all(tenant: tenant, R.self, source: .connectwise)
        #expect(stored == records.sorted { $0.id < $1.id }, "\(R.table) did not round-trip")
        let first = try #require(records.first)
        #expect(try await store.record(tenant: tenant, R.self, source: .connectwise, id: first.id) == first)
    }

    /// 0.1 + 0.2 is 0.3, both in Swift after a round trip and in a SQL `SUM`.
    public static func moneyIsExact(_ store: Store) async throws {
        let fixtures = Fixtures()
        let tenant = Fixtures.tenantA.id
        try await store.upsert(tenant: tenant, fixtures.invoices, syncedAt: .init(rawValue: 1))
        let invoices = try await store.all(tenant: tenant, Invoice.self, source: .connectwise)
        let total = Money.sum(invoices.map(\.subtotal), currency: .usd)
        #expect(total == Money(Decimal(string: "0.3")!, .usd))
        let micros = try await store.provider.withSession { db in
            try await db.select().column(exactSum("subtotal_micros"), as: "total").from("invoices")
                .where("tenant_id", .equal, tenant.rawValue).first()?.decode(column: "total", as: Int64.self)
        }
        #expect(micros.map(FixedPoint.decimal(micros:)) == Decimal(string: "0.3")!)
    }

    /// The same batch twice leaves one row per record, carrying the second batch's values.
    public static func upsertIsIdempotent(_ store: Store) async throws {
        let tenant = Fixtures.tenantA.id
        var fixtures = Fixtures()
        try await store.upsert(tenant: tenant, fixtures.companies, syncedAt: .init(rawValue: 1))
        try await store.upsert(tenant: tenant, fixtures.members, syncedAt: .init(rawValue: 1))
        fixtures.updatedAt = .init(rawValue: 1_770_000_000_000)
        var renamed = fixtures.companies
        renamed[0].name = "Contoso Dental Group"
        var members = fixtures.members
        members[0].rates.removeFirst()
        try await store.upsert(tenant: tenant, renamed, syncedAt: .init(rawValue: 2))
        try await store.upsert(tenant: tenant, renamed, syncedAt: .init(rawValue: 3))
        try await store.upsert(tenant: tenant, members, syncedAt: .init(rawValue: 3))
        #expect(try await store.count(tenant: tenant, Company.self) == renamed.count)
        #expect(try await store.all(tenant: tenant, Company.self, source: .connectwise) == renamed.sorted { $0.id < $1.id })
        #expect(try await store.all(tenant: tenant, Member.self, source: .connectwise) == members.sorted { $0.id < $1.id })
    }

    /// A batch that fails part way (here: a member whose rate history repeats a date, rejected by the
    /// database after the members themselves were written) leaves nothing behind; so does a transaction whose
    /// body throws after an upsert.
    public static func failedBatchLeavesNothing(_ store: Store) async throws {
        let tenant = Fixtures.tenantA.id
        var members = Fixtures().members
        members[1].rates.append(members[1].rates[0])
        await #expect(throws: (any Error).self) {
            try await store.upsert(tenant: tenant, members, syncedAt: .init(rawValue: 1))
        }
        #expect(try await store.count(tenant: tenant, Member.self) == 0)

        struct Crash: Error {}
        let entries = (0..<2_500).map { index in
            var entry = Fixtures().timeEntries[0]
            entry.id = ID(String(format: "%06d", index))
            return entry
        }
        await #expect(throws: Crash.self) {
            try await store.withTransaction { db in
                try await Store.upsert(tenant: tenant, entries, syncedAt: .init(rawValue: 1), on: db)
                throw Crash()
            }
        }
        #expect(try await store.count(tenant: tenant, TimeEntry.self) == 0)
    }

    /// No method returns, counts or changes another tenant's rows, even with identical source ids.
    public static func tenantsAreIsolated(_ store: Store) async throws {
        let a = Fixtures.tenantA
        let b = Fixtures.tenantB
        try await store.save(a)
        try await store.save(b)
        try await storeEverything(Fixtures(), in: store, tenant: a.id, at: .init(rawValue: 1))
        var renamed = Fixtures().companies
        renamed[0].name = "Tenant B's own company"
        try await store.upsert(tenant: b.id, renamed, syncedAt: .init(rawValue: 2))

        #expect(try await store.all(tenant: a.id, Company.self, source: .connectwise) == Fixtures().companies.sorted { $0.id < $1.id })
        #expect(try await store.all(tenant: b.id, Company.self, source: .connectwise) == renamed.sorted { $0.id < $1.id })
        #expect(try await store.record(tenant: b.id, Company.self, source: .connectwise, id: "101")?.name == "Tenant B's own company")
        #expect(try await store.record(tenant: a.id, Company.self, source: .connectwise, id: "101")?.name == "Contoso Dental")
        #expect(try await store.count(tenant: b.id, TimeEntry.self) == 0)
        #expect(try await store.all(tenant: b.id, Member.self, source: .connectwise).isEmpty)
        #expect(try await store.page(tenant: b.id, of: Invoice.self, source: .connectwise).isEmpty)
        #expect(try await store.record(tenant: b.id, Ticket.self, source: .connectwise, id: "2001") == nil)
        // A few columns of chosen records: the stored values, within the tenant only.
        let tickets = Fixtures().tickets
        #expect(!tickets.isEmpty)
        let columns = try await store.textColumns(
            ["company_id", "project_id"], tenant: a.id, of: Ticket.self, source: .connectwise, ids: tickets.map(\.id) + [ID("no such ticket")])
        #expect(columns == Dictionary(uniqueKeysWithValues: tickets.map { ($0.id, [$0.companyID.rawValue, $0.projectID?.rawValue]) }))
        #expect(try await store.textColumns(["company_id"], tenant: b.id, of: Ticket.self, source: .connectwise, ids: tickets.map(\.id)).isEmpty)
        #expect(try await store.textColumns(["company_id"], tenant: a.id, of: Ticket.self, source: .autotask, ids: tickets.map(\.id)).isEmpty)
        #expect(try await store.tenant(b.id) == b)
        #expect(try await store.allTenants().map(\.id) == [a.id, b.id])
    }

    /// Keyset paging returns every row once, in order, across pages.
    public static func keysetPagingVisitsEveryRowOnce(_ store: Store) async throws {
        let tenant = Fixtures.tenantA.id
        let template = Fixtures().companies[0]
        let companies = (0..<2_345).map { index in
            var company = template
            company.id = ID(String(format: "%05d", index))
            return company
        }
        try await store.upsert(tenant: tenant, companies.shuffled(), syncedAt: .init(rawValue: 1))
        var seen: [ID<Company>] = []
        var cursor: ID<Company>?
        repeat {
            let page = try await store.page(tenant: tenant, of: Company.self, source: .connectwise, after: cursor, limit: 500)
            seen += page.map(\.id)
            cursor = page.count == 500 ? page.last?.id : nil
        } while cursor != nil
        #expect(seen == companies.map(\.id))
        #expect(try await store.count(tenant: tenant, Company.self, source: .connectwise) == 2_345)
        #expect(try await store.count(tenant: tenant, Company.self, source: .autotask) == 0)
    }

    /// A second migration run applies nothing and the schema holds every table.
    public static func migrationIsIdempotent(_ store: Store) async throws {
        #expect(try await store.appliedMigrations() == Store.knownMigrations)
        #expect(try await store.migrate(now: .init(rawValue: 5)) == [])
        let tables = try await store.tableNames()
        for table in [
            "tenants", "companies", "configurations", "members", "member_rates", "work_types", "work_roles", "agreements",
            "agreement_additions", "invoices", "product_lines", "time_entries", "expense_entries", "tickets", "projects",
            "opportunities", "schema_migrations",
        ] {
            #expect(tables.contains(table), "missing table \(table)")
        }
    }

    /// The schema as comparable text: every table with its columns.
    public static func schema(of store: Store) async throws -> [String: [String]] {
        var schema: [String: [String]] = [:]
        for table in try await store.tableNames() {
            schema[table] = try await store.columns(of: table)
        }
        return schema
    }
}
