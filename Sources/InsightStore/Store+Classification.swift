public import InsightCore
import SQLKit

/// SQL expressions that read a record's class through its company's classification, falling back to what the PSA's
/// own structure says (the record's hint column) for a value not classified yet. The KPI engine reads classes only
/// through these. Each takes the alias of the record's table in the query; aliases are code, never input.
public enum ClassificationSQL {
    /// The class (a ``Ticket/ServiceClass`` raw value) of the ticket aliased `t`: `project` when the PSA's structure
    /// says so (a project ticket or task), else its board's class.
    public static func ticketClass(_ t: String) -> String {
        """
        (CASE WHEN \(t).service_class = 'project' THEN 'project' ELSE COALESCE((SELECT c.class FROM classifications c \
        WHERE c.tenant_id = \(t).tenant_id AND c.dimension = 'ticketBoard' AND c.value = \(t).board), \(t).service_class) END)
        """
    }

    /// The value an agreement aliased `a` is classified by, as ``Agreement/classificationValue``.
    public static func agreementValue(_ a: String) -> String {
        "(CASE WHEN \(a).category IS NULL OR \(a).category = '' THEN \(a).type_name ELSE \(a).type_name || ' / ' || \(a).category END)"
    }

    /// The class (an ``Agreement/BillingModel`` raw value) of the agreement aliased `a`; `NULL` when there is none.
    public static func agreementClass(_ a: String) -> String {
        """
        COALESCE((SELECT c.class FROM classifications c WHERE c.tenant_id = \(a).tenant_id AND c.dimension = 'agreementType' \
        AND c.value = \(agreementValue(a))), \(a).billing_model)
        """
    }

    /// The class (a ``WorkClass`` raw value) of the work type aliased `w`; `internal` when there is no work type.
    public static func workClass(_ w: String) -> String {
        """
        COALESCE((SELECT c.class FROM classifications c WHERE c.tenant_id = \(w).tenant_id AND c.dimension = 'workType' \
        AND c.value = \(w).name), \(workTypeHint(w)))
        """
    }

    /// The class a work type's own flags say, as ``WorkClass/hint(_:)``.
    static func workTypeHint(_ w: String) -> String {
        """
        CASE WHEN \(w).is_time_off THEN 'timeOff' WHEN \(w).counts_as_utilized AND \(w).billable THEN 'billable' \
        WHEN \(w).counts_as_utilized THEN 'nonBillable' ELSE 'internal' END
        """
    }

    /// The class (an ``AdditionClass`` raw value) of the agreement addition aliased `d`.
    public static func additionClass(_ d: String) -> String {
        """
        COALESCE((SELECT c.class FROM classifications c WHERE c.tenant_id = \(d).tenant_id AND c.dimension = 'additionProduct' \
        AND c.value = \(d).product_identifier), 'other')
        """
    }
}

extension ClassificationSQL {
    /// The class (a ``ConfigurationClass`` raw value) of the configuration aliased `f`: by its type name, else its kind.
    public static func configurationClass(_ f: String) -> String {
        """
        COALESCE((SELECT c.class FROM classifications c WHERE c.tenant_id = \(f).tenant_id AND c.dimension = 'configurationType' \
        AND c.value = COALESCE(\(f).type_name, \(f).kind)), \(configurationHint(f)))
        """
    }

    static func configurationHint(_ f: String) -> String {
        "CASE WHEN \(f).kind IN ('workstation', 'server') THEN 'managedEndpoint' ELSE 'other' END"
    }
}

extension Store {
    /// The company's classification: every value of every dimension it has seen, by dimension then most records.
    public func classification(tenant: Tenant.ID) async throws -> [ClassificationEntry] {
        try await provider.withSession { db in try await Self.classification(tenant: tenant, on: db) }
    }

    static func classification(tenant: Tenant.ID, on db: any SQLDatabase) async throws -> [ClassificationEntry] {
        try await db.raw("""
            SELECT dimension, value, class, origin, reason, records FROM classifications WHERE tenant_id = \(bind: tenant.rawValue)
            """).all().map { row in
            let reader = RowReader(row: row, table: "classifications")
            return ClassificationEntry(
                dimension: try reader.enumeration("dimension"), value: try reader.string("value"), className: try reader.string("class"),
                origin: try reader.enumeration("origin"), reason: try reader.string("reason"), records: try reader.int("records"))
        }
        .sorted { ($0.dimension.sortIndex, -$0.records, $0.value) < ($1.dimension.sortIndex, -$1.records, $1.value) }
    }

    /// Gives `value` of `dimension` the class `className`, confirmed by a person, and marks the records that carry the value
    /// as changed so that every month they touch is computed again (no re-sync needed). Returns whether the class changed.
    /// - Throws: ``UnknownClassError`` when `className` is not one of the dimension's classes.
    @discardableResult
    public func classify(
        tenant: Tenant.ID, _ dimension: ClassificationDimension, value: String, as className: String, now: Timestamp = .now
    ) async throws -> Bool {
        guard dimension.classes.contains(className) else { throw UnknownClassError(dimension: dimension, className: className) }
        return try await withTransaction { db in
            // Stamped inside the transaction, as sync pages are, so that the rollups' watermarks see it.
            let now = max(now, .now)
            let current = try await Self.classification(tenant: tenant, on: db).first { $0.dimension == dimension && $0.value == value }
            let changed = current?.className != className
            try await Self.save(
                ClassificationEntry(dimension: dimension, value: value, className: className, origin: .confirmed, reason: "", records: current?.records ?? 0),
                tenant: tenant, now: now, on: db)
            if changed { try await Self.touchRecords(tenant: tenant, dimension, value: value, now: now, on: db) }
            return changed
        }
    }

    /// Confirms every inferred class of the company as it stands (the onboarding's "these look right").
    public func confirmInferredClassification(tenant: Tenant.ID, now: Timestamp = .now) async throws {
        try await provider.withSession { db in
            try await db.raw("""
                UPDATE classifications SET origin = 'confirmed', updated_at_ms = \(bind: now.rawValue)
                WHERE tenant_id = \(bind: tenant.rawValue) AND origin = 'inferred'
                """).run()
        }
    }

    /// Infers the class of every value the synced records carry (``ClassificationInference``), keeps confirmed classes,
    /// refreshes record counts, and marks the records of every value whose class changed as changed. Run after each
    /// sync; returns the entries whose class changed.
    @discardableResult
    public func inferClassification(tenant: Tenant.ID, now: Timestamp = .now) async throws -> [ClassificationEntry] {
        try await withTransaction { db in
            let known = Dictionary(
                try await Self.classification(tenant: tenant, on: db).map { (Key($0.dimension, $0.value), $0) }, uniquingKeysWith: { first, _ in first })
            var changed: [ClassificationEntry] = []
            var seen = Set<Key>()
            for usage in try await Self.classificationUsage(tenant: tenant, on: db) {
                let key = Key(usage.dimension, usage.value)
                seen.insert(key)
                var entry: ClassificationEntry
                if let current = known[key], current.origin == .confirmed {
                    entry = current
                } else {
                    let (className, reason) = ClassificationInference.infer(usage)
                    entry = ClassificationEntry(
                        dimension: usage.dimension, value: usage.value, className: className, origin: .inferred, reason: reason, records: usage.records)
                    if known[key]?.className != className {
                        changed.append(entry)
                        try await Self.touchRecords(tenant: tenant, usage.dimension, value: usage.value, now: now, on: db)
                    }
                }
                entry.records = usage.records
                if entry != known[key] { try await Self.save(entry, tenant: tenant, now: now, on: db) }
            }
            for (key, var stale) in known where !seen.contains(key) && stale.records != 0 {
                stale.records = 0
                try await Self.save(stale, tenant: tenant, now: now, on: db)
            }
            return changed
        }
    }

    /// What the synced records say about each value, for ``ClassificationInference``.
    public func classificationUsage(tenant: Tenant.ID) async throws -> [ClassificationUsage] {
        try await provider.withSession { db in try await Self.classificationUsage(tenant: tenant, on: db) }
    }

    static func classificationUsage(tenant: Tenant.ID, on db: any SQLDatabase) async throws -> [ClassificationUsage] {
        let tenant = tenant.rawValue
        var result: [ClassificationUsage] = []
        for row in try await db.raw("""
            SELECT board, service_class, COUNT(*) AS records FROM tickets
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL GROUP BY board, service_class
            """).all() {
            let (value, hint, count) = (try row.decode(column: "board", as: String.self), try row.decode(column: "service_class", as: String.self),
                                        Int(try row.decode(column: "records", as: Int64.self)))
            merge(&result, ClassificationUsage(dimension: .ticketBoard, value: value, records: count, hints: [hint: count]))
        }
        for row in try await db.raw("""
            SELECT a.type_name, a.category, a.billing_model, COUNT(*) AS records,
                   CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM agreement_additions d WHERE d.tenant_id = a.tenant_id AND d.source = a.source
                        AND d.agreement_id = a.source_id AND d.deleted_at_ms IS NULL AND d.unit_price_micros > 0) THEN 1 ELSE 0 END), 0) AS BIGINT) AS lines
            FROM agreements a WHERE a.tenant_id = \(bind: tenant) AND a.deleted_at_ms IS NULL GROUP BY a.type_name, a.category, a.billing_model
            """).all() {
            let value = Agreement.classificationValue(
                typeName: try row.decode(column: "type_name", as: String.self), category: try row.decode(column: "category", as: String?.self))
            let count = Int(try row.decode(column: "records", as: Int64.self))
            merge(&result, ClassificationUsage(
                dimension: .agreementType, value: value, records: count, hints: [try row.decode(column: "billing_model", as: String.self): count],
                withRecurringLines: Int(try row.decode(column: "lines", as: Int64.self))))
        }
        var entries: [String: Int] = [:]
        for row in try await db.raw("""
            SELECT source, work_type_id, COUNT(*) AS records FROM time_entries
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND work_type_id IS NOT NULL GROUP BY source, work_type_id
            """).all() {
            let key = try row.decode(column: "source", as: String.self) + "/" + (try row.decode(column: "work_type_id", as: String.self))
            entries[key] = Int(try row.decode(column: "records", as: Int64.self))
        }
        for row in try await db.raw("""
            SELECT source, source_id, name, \(unsafeRaw: ClassificationSQL.workTypeHint("work_types")) AS hint FROM work_types WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL
            """).all() {
            let key = try row.decode(column: "source", as: String.self) + "/" + (try row.decode(column: "source_id", as: String.self))
            let count = entries[key] ?? 0
            // A work type nobody logs time against still carries its flags: one vote for them.
            merge(&result, ClassificationUsage(
                dimension: .workType, value: try row.decode(column: "name", as: String.self), records: count,
                hints: [try row.decode(column: "hint", as: String.self): max(count, 1)]))
        }
        for row in try await db.raw("""
            SELECT product_identifier, COUNT(*) AS records FROM agreement_additions
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL GROUP BY product_identifier
            """).all() {
            merge(&result, ClassificationUsage(
                dimension: .additionProduct, value: try row.decode(column: "product_identifier", as: String.self),
                records: Int(try row.decode(column: "records", as: Int64.self))))
        }
        for row in try await db.raw("""
            SELECT COALESCE(type_name, kind) AS value, \(unsafeRaw: ClassificationSQL.configurationHint("configurations")) AS hint, COUNT(*) AS records
            FROM configurations WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL GROUP BY 1, 2
            """).all() {
            let count = Int(try row.decode(column: "records", as: Int64.self))
            merge(&result, ClassificationUsage(
                dimension: .configurationType, value: try row.decode(column: "value", as: String.self), records: count,
                hints: [try row.decode(column: "hint", as: String.self): count]))
        }
        return result
    }

    /// Adds `usage` to `result`, summing it into an existing entry of the same value.
    private static func merge(_ result: inout [ClassificationUsage], _ usage: ClassificationUsage) {
        guard let index = result.firstIndex(where: { $0.dimension == usage.dimension && $0.value == usage.value }) else {
            result.append(usage)
            return
        }
        result[index].records += usage.records
        result[index].withRecurringLines += usage.withRecurringLines
        result[index].hints.merge(usage.hints, uniquingKeysWith: +)
    }

    /// Saves `entry`. An inferred entry never replaces a confirmed one (a person may have confirmed it meanwhile): then
    /// only its record count moves.
    private static func save(_ entry: ClassificationEntry, tenant: Tenant.ID, now: Timestamp, on db: any SQLDatabase) async throws {
        let guarded = entry.origin == .inferred ? "WHERE classifications.origin = 'inferred'" : ""
        try await db.raw("""
            INSERT INTO classifications (tenant_id, dimension, value, class, origin, reason, records, updated_at_ms)
            VALUES (\(bind: tenant.rawValue), \(bind: entry.dimension.rawValue), \(bind: entry.value), \(bind: entry.className),
                    \(bind: entry.origin.rawValue), \(bind: entry.reason), \(bind: Int64(entry.records)), \(bind: now.rawValue))
            ON CONFLICT (tenant_id, dimension, value) DO UPDATE SET class = excluded.class, origin = excluded.origin,
                reason = excluded.reason, records = excluded.records, updated_at_ms = excluded.updated_at_ms \(unsafeRaw: guarded)
            """).run()
        if entry.origin == .inferred {
            try await db.raw("""
                UPDATE classifications SET records = \(bind: Int64(entry.records))
                WHERE tenant_id = \(bind: tenant.rawValue) AND dimension = \(bind: entry.dimension.rawValue) AND value = \(bind: entry.value)
                """).run()
        }
    }

    /// Stamps the records carrying `value` as synced now: the KPI rollups then recompute every month they touch.
    private static func touchRecords(
        tenant: Tenant.ID, _ dimension: ClassificationDimension, value: String, now: Timestamp, on db: any SQLDatabase
    ) async throws {
        let (tenant, at) = (tenant.rawValue, now.rawValue)
        switch dimension {
        case .ticketBoard:
            try await db.raw("UPDATE tickets SET synced_at_ms = \(bind: at) WHERE tenant_id = \(bind: tenant) AND board = \(bind: value)").run()
        case .agreementType:
            try await db.raw("""
                UPDATE agreements SET synced_at_ms = \(bind: at)
                WHERE tenant_id = \(bind: tenant) AND \(unsafeRaw: ClassificationSQL.agreementValue("agreements")) = \(bind: value)
                """).run()
        case .workType:
            try await db.raw("UPDATE work_types SET synced_at_ms = \(bind: at) WHERE tenant_id = \(bind: tenant) AND name = \(bind: value)").run()
        case .additionProduct:
            try await db.raw("""
                UPDATE agreement_additions SET synced_at_ms = \(bind: at) WHERE tenant_id = \(bind: tenant) AND product_identifier = \(bind: value)
                """).run()
        case .configurationType:
            try await db.raw("""
                UPDATE configurations SET synced_at_ms = \(bind: at) WHERE tenant_id = \(bind: tenant) AND COALESCE(type_name, kind) = \(bind: value)
                """).run()
        }
    }

    private struct Key: Hashable {
        let dimension: ClassificationDimension, value: String
        init(_ dimension: ClassificationDimension, _ value: String) { (self.dimension, self.value) = (dimension, value) }
    }
}

extension ClassificationDimension {
    var sortIndex: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
