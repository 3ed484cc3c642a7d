public import InsightCore
public import InsightStore

/// Every live record of one tenant from one PSA, by kind, as sets: two stores hold the same data when their
/// contents are equal.
public struct StoreContents: Equatable, Sendable {
    public var companies: Set<Company>, configurations: Set<ConfigurationItem>, members: Set<Member>, workTypes: Set<WorkType>
    public var workRoles: Set<WorkRole>, agreements: Set<Agreement>, additions: Set<AgreementAddition>, invoices: Set<Invoice>
    public var products: Set<ProductLine>, timeEntries: Set<TimeEntry>, expenses: Set<ExpenseEntry>, tickets: Set<Ticket>
    public var projects: Set<Project>, opportunities: Set<Opportunity>

    public init(_ store: Store, tenant: Tenant.ID, source: PSAKind = .connectwise) async throws {
        func all<R: StoredRecord & Hashable>(_ type: R.Type) async throws -> Set<R> {
            Set(try await store.all(tenant: tenant, R.self, source: source))
        }
        companies = try await all(Company.self)
        configurations = try await all(ConfigurationItem.self)
        members = try await all(Member.self)
        workTypes = try await all(WorkType.self)
        workRoles = try await all(WorkRole.self)
        agreements = try await all(Agreement.self)
        additions = try await all(AgreementAddition.self)
        invoices = try await all(Invoice.self)
        products = try await all(ProductLine.self)
        timeEntries = try await all(TimeEntry.self)
        expenses = try await all(ExpenseEntry.self)
        tickets = try await all(Ticket.self)
        projects = try await all(Project.self)
        opportunities = try await all(Opportunity.self)
    }

    /// How many records in all.
    public var total: Int {
        companies.count + configurations.count + members.count + workTypes.count + workRoles.count + agreements.count
            + additions.count + invoices.count + products.count + timeEntries.count + expenses.count + tickets.count + projects.count + opportunities.count
    }
}

