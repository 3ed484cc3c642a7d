import InsightCore
import InsightStore
import SQLKit

/// One data-health check: what it finds, how many, which records, and what to change in the PSA.
public struct HealthFinding: Sendable, Codable, Equatable {
    public enum Check: String, Sendable, Codable, CaseIterable {
        case membersWithoutCost, workTypesWithZeroMultiplier, additionsWithoutCost, mixedAgreementCategories
        case timeOnAgreementAndProject, lateTimeEntries, clientsWithoutEndpoints, unconfirmedClassification
    }

    public var check: Check
    /// What is wrong, in a sentence.
    public var title: String
    /// Which numbers it skews.
    public var impact: String
    /// What to change in the PSA.
    public var fix: String
    /// The PSA ids of the affected records (for categories: their names), sorted.
    public var records: [String]
    public var count: Int { records.count }
}

extension KPIEngine {
    /// Runs every data-health check (each a single SQL query) and returns their findings, empty ones included.
    public func dataHealth() async throws -> [HealthFinding] {
        let tenant = tenant.id.rawValue
        let psa = self.tenant.psa
        func ids(_ sql: SQLQueryString) async throws -> [String] {
            try await query(sql).map { try $0.decode(column: "id", as: String.self) }.sorted()
        }
        return [
            HealthFinding(
                check: .membersWithoutCost, title: "Members without an hourly cost",
                impact: "Their time counts as free: labor cost, agreement and client margins are overstated.",
                fix: psa == .connectwise
                    ? "In ConnectWise, System > Members > (member) > Hourly Cost: enter the loaded hourly cost."
                    : "In Autotask, Admin > Resources (Users) > (resource) > Security > Internal Cost: enter the hourly cost.",
                records: try await ids("""
                    SELECT m.source_id AS id FROM members m
                    WHERE m.tenant_id = \(bind: tenant) AND m.deleted_at_ms IS NULL AND NOT EXISTS (
                        SELECT 1 FROM member_rates r WHERE r.tenant_id = m.tenant_id AND r.source = m.source
                          AND r.member_id = m.source_id AND r.hourly_cost_micros IS NOT NULL)
                      AND EXISTS (
                        SELECT 1 FROM time_entries t WHERE t.tenant_id = m.tenant_id AND t.source = m.source
                          AND t.member_id = m.source_id AND t.deleted_at_ms IS NULL)
                    """)),
            HealthFinding(
                check: .workTypesWithZeroMultiplier, title: "Work types with a cost multiplier of 0",
                impact: "Time of these work types costs nothing in every margin.",
                fix: "In ConnectWise, System > Setup Tables > Work Type > (work type): set Cost Multiplier (usually 1).",
                records: try await ids("""
                    SELECT source_id AS id FROM work_types
                    WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND cost_multiplier_micros = 0
                    """)),
            HealthFinding(
                check: .additionsWithoutCost, title: "Agreement additions without a unit cost",
                impact: "Licences and services resold on agreements look 100% margin.",
                fix: "Open the agreement's Additions tab and enter each addition's Unit Cost (or set it on the product in the catalog).",
                records: try await ids("""
                    SELECT source_id AS id FROM agreement_additions
                    WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND unit_cost_micros IS NULL
                    """)),
            HealthFinding(
                check: .mixedAgreementCategories, title: "Agreement categories that mix billing models",
                impact: "Reports by category blend fixed-fee with block or T&M work, so per-category margins mislead.",
                fix: "Give each agreement type one billing model, or split the category (Finance > Agreement Types).",
                records: try await ids("""
                    SELECT category AS id FROM agreements
                    WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND category IS NOT NULL
                    GROUP BY category HAVING COUNT(DISTINCT \(unsafeRaw: ClassificationSQL.agreementClass("agreements"))) > 1
                    """)),
            HealthFinding(
                check: .timeOnAgreementAndProject, title: "Time entries charged to both an agreement and a project",
                impact: "Their hours and cost count twice: in the agreement's and in the project's profitability.",
                fix: "Charge project work to the project only (remove the agreement from the entry or the project ticket).",
                records: try await ids("""
                    SELECT t.source_id AS id FROM time_entries t
                    WHERE t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL AND t.agreement_id IS NOT NULL AND t.project_id IS NOT NULL
                      AND NOT EXISTS (
                        SELECT 1 FROM projects p WHERE p.tenant_id = t.tenant_id AND p.source = t.source AND p.source_id = t.project_id
                          AND p.agreement_id = t.agreement_id)
                    """)),
            HealthFinding(
                check: .lateTimeEntries, title: "Time entered 72 hours or more after the work ended",
                impact: "Late time makes recent months look worse and is often under-recorded.",
                fix: "Ask technicians to enter time the same day; ConnectWise can require it (Time > Time Entry settings).",
                records: try await ids("""
                    SELECT source_id AS id FROM time_entries
                    WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL
                      AND entered_at_ms - COALESCE(end_at_ms, start_at_ms) >= \(bind: Int64(72 * 3_600_000))
                    """)),
            HealthFinding(
                check: .clientsWithoutEndpoints, title: "Active clients without any configuration (endpoint)",
                impact: "Per-endpoint KPIs (tickets, hours and revenue per endpoint) cannot include them.",
                fix: "Add their workstations and servers as configurations (Companies > Configurations), or sync them from your RMM.",
                records: try await ids("""
                    SELECT c.source_id AS id FROM companies c
                    WHERE c.tenant_id = \(bind: tenant) AND c.deleted_at_ms IS NULL AND c.kind = 'client' AND c.status = 'active'
                      AND NOT EXISTS (SELECT 1 FROM configurations f WHERE f.tenant_id = c.tenant_id AND f.source = c.source
                                      AND f.company_id = c.source_id AND f.deleted_at_ms IS NULL)
                    """)),
            HealthFinding(
                check: .unconfirmedClassification, title: "Boards, agreement types or work types read by inference only",
                impact: "Reactive tickets, utilization, MRR and licence revenue rest on what PSA Insight inferred they mean; each of these "
                    + "carries \(Self.materialSharePercent) % or more of its kind's records.",
                fix: "Open Settings > How we read your PSA, check each value's class and confirm or change it (nothing changes in your PSA).",
                records: try await store.classification(tenant: self.tenant.id)
                    .grouped { $0.dimension }
                    .flatMap { _, entries in
                        // The share of every record of the dimension, confirmed values included.
                        let total = entries.reduce(0) { $0 + $1.records }
                        return entries.filter { $0.origin == .inferred && $0.records > 0 && $0.records * 100 >= total * Self.materialSharePercent }
                            .map { "\($0.dimension.rawValue): \($0.value)" }
                    }
                    .sorted()),
        ]
    }
}

extension KPIEngine {
    /// A value carrying this share (percent) of its dimension's records is material to the numbers.
    static let materialSharePercent = 10
}

extension Sequence {
    /// The elements by `key`.
    fileprivate func grouped<Key: Hashable>(_ key: (Element) -> Key) -> [Key: [Element]] { Dictionary(grouping: self, by: key) }
}
