import SQLKit

/// One schema change. Migrations are append-only: never edit, rename or reorder one that has shipped; add a
/// new one. They use SQLKit's DDL builders and never refer to app types, so that they keep meaning what they
/// meant when they were written.
struct Migration: Sendable {
    /// Never renamed: it is what `schema_migrations` records.
    let id: String
    let apply: @Sendable (any SQLDatabase) async throws -> Void
}

extension Migration {
    /// Every migration, in order.
    static let all: [Migration] = [
        Migration(id: "0001_tenants_and_psa_records", apply: createTenantsAndRecords),
        Migration(id: "0002_sync_state", apply: createSyncState),
        Migration(id: "0003_kpi_rollups", apply: createKPIRollups),
        Migration(id: "0004_accounts", apply: createAccounts),
        Migration(id: "0005_invitations", apply: createInvitations),
        Migration(id: "0006_cursor_high_id", apply: addCursorHighID),
        Migration(id: "0007_kpi_tickets_by_closed", apply: createTicketsByClosed),
        Migration(id: "0009_tenant_kpi_preferences", apply: addTenantKPIPreferences),
        Migration(id: "0010_scorecard_rollups", apply: createScorecardRollups),
        Migration(id: "0011_login_failures_by_address", apply: addLoginFailureAddress),
        Migration(id: "0012_cursor_lanes", apply: addCursorLanes),
        Migration(id: "0013_classifications", apply: createClassifications),
        Migration(id: "0014_sync_run_rejections", apply: addSyncRunRejections),
    ]
}

private let boolean = SQLDataType.custom(SQLRaw("BOOLEAN"))

/// Creates a PSA record table with the columns every such table leads with. Frozen with 0001: later
/// migrations must not call it (copy it if a new table needs the same shape).
private func createRecordTable(
    _ db: any SQLDatabase, _ name: String, columns: (SQLCreateTableBuilder) -> SQLCreateTableBuilder
) async throws {
    let builder = db.create(table: name)
        .column("tenant_id", type: .text, .notNull)
        .column("source", type: .text, .notNull)
        .column("source_id", type: .text, .notNull)
        .column("source_updated_at_ms", type: .bigint, .notNull)
        .column("synced_at_ms", type: .bigint, .notNull)
        .column("currency", type: .text)
    try await columns(builder)
        .primaryKey("tenant_id", "source", "source_id")
        .run()
}

@Sendable private func createTenantsAndRecords(_ db: any SQLDatabase) async throws {
    try await db.create(table: "tenants")
        .column("id", type: .text, .primaryKey(autoIncrement: false), .notNull)
        .column("name", type: .text, .notNull)
        .column("psa", type: .text, .notNull)
        .column("base_currency", type: .text, .notNull)
        .column("time_zone", type: .text, .notNull)
        .column("fiscal_year_start_month", type: .bigint, .notNull)
        .column("created_at_ms", type: .bigint, .notNull)
        .run()

    try await createRecordTable(db, "companies") {
        $0.column("name", type: .text, .notNull)
            .column("kind", type: .text, .notNull)
            .column("status", type: .text, .notNull)
            .column("market", type: .text)
            .column("account_manager_id", type: .text)
    }
    try await createRecordTable(db, "configurations") {
        $0.column("company_id", type: .text, .notNull)
            .column("name", type: .text, .notNull)
            .column("kind", type: .text, .notNull)
            .column("active", type: boolean, .notNull)
    }
    try await createRecordTable(db, "members") {
        $0.column("identifier", type: .text, .notNull)
            .column("name", type: .text, .notNull)
            .column("title", type: .text)
            .column("active", type: boolean, .notNull)
            .column("daily_capacity_micros", type: .bigint, .notNull)
    }
    try await db.create(table: "member_rates")
        .column("tenant_id", type: .text, .notNull)
        .column("source", type: .text, .notNull)
        .column("member_id", type: .text, .notNull)
        .column("effective_from", type: .bigint, .notNull)
        .column("hourly_cost_micros", type: .bigint)
        .column("hourly_rate_micros", type: .bigint)
        .column("currency", type: .text)
        .primaryKey("tenant_id", "source", "member_id", "effective_from")
        .run()
    try await createRecordTable(db, "work_types") {
        $0.column("name", type: .text, .notNull)
            .column("billable", type: boolean, .notNull)
            .column("cost_multiplier_micros", type: .bigint, .notNull)
            .column("counts_as_utilized", type: boolean, .notNull)
            .column("is_time_off", type: boolean, .notNull)
            .column("active", type: boolean, .notNull)
    }
    try await createRecordTable(db, "work_roles") {
        $0.column("name", type: .text, .notNull)
            .column("hourly_rate_micros", type: .bigint)
            .column("active", type: boolean, .notNull)
    }
    try await createRecordTable(db, "agreements") {
        $0.column("name", type: .text, .notNull)
            .column("company_id", type: .text, .notNull)
            .column("type_name", type: .text, .notNull)
            .column("category", type: .text)
            .column("billing_model", type: .text, .notNull)
            .column("billing_cycle", type: .text, .notNull)
            .column("billing_amount_micros", type: .bigint)
            .column("start_date", type: .bigint, .notNull)
            .column("end_date", type: .bigint)
            .column("cancelled_date", type: .bigint)
            .column("status", type: .text, .notNull)
            .column("parent_id", type: .text)
            .column("block_hours_limit_micros", type: .bigint)
    }
    try await createRecordTable(db, "agreement_additions") {
        $0.column("agreement_id", type: .text, .notNull)
            .column("product_identifier", type: .text, .notNull)
            .column("description", type: .text)
            .column("quantity_micros", type: .bigint, .notNull)
            .column("unit_price_micros", type: .bigint, .notNull)
            .column("unit_cost_micros", type: .bigint)
            .column("effective_date", type: .bigint, .notNull)
            .column("cancelled_date", type: .bigint)
            .column("billed_to_customer", type: boolean, .notNull)
    }
    try await createRecordTable(db, "invoices") {
        $0.column("number", type: .text, .notNull)
            .column("company_id", type: .text, .notNull)
            .column("kind", type: .text, .notNull)
            .column("invoice_date", type: .bigint, .notNull)
            .column("due_date", type: .bigint, .notNull)
            .column("subtotal_micros", type: .bigint, .notNull)
            .column("tax_micros", type: .bigint, .notNull)
            .column("total_micros", type: .bigint, .notNull)
            .column("balance_micros", type: .bigint, .notNull)
            .column("agreement_id", type: .text)
            .column("project_id", type: .text)
    }
    try await createRecordTable(db, "product_lines") {
        $0.column("company_id", type: .text, .notNull)
            .column("catalog_item", type: .text, .notNull)
            .column("description", type: .text)
            .column("category", type: .text, .notNull)
            .column("is_product", type: boolean, .notNull)
            .column("quantity_micros", type: .bigint, .notNull)
            .column("unit_price_micros", type: .bigint, .notNull)
            .column("unit_cost_micros", type: .bigint)
            .column("invoice_id", type: .text)
            .column("agreement_id", type: .text)
    }
    try await createRecordTable(db, "time_entries") {
        $0.column("member_id", type: .text, .notNull)
            .column("company_id", type: .text)
            .column("charge_kind", type: .text, .notNull)
            .column("ticket_id", type: .text)
            .column("project_id", type: .text)
            .column("agreement_id", type: .text)
            .column("work_type_id", type: .text)
            .column("work_role_id", type: .text)
            .column("billable_option", type: .text, .notNull)
            .column("work_date", type: .bigint, .notNull)
            .column("start_at_ms", type: .bigint, .notNull)
            .column("end_at_ms", type: .bigint)
            .column("entered_at_ms", type: .bigint, .notNull)
            .column("actual_hours_micros", type: .bigint, .notNull)
            .column("billed_hours_micros", type: .bigint, .notNull)
            .column("hourly_rate_micros", type: .bigint)
            .column("hourly_cost_micros", type: .bigint)
            .column("invoice_id", type: .text)
    }
    try await createRecordTable(db, "expense_entries") {
        $0.column("member_id", type: .text, .notNull)
            .column("company_id", type: .text)
            .column("expense_date", type: .bigint, .notNull)
            .column("amount_micros", type: .bigint, .notNull)
            .column("billable", type: boolean, .notNull)
            .column("invoice_id", type: .text)
    }
    try await createRecordTable(db, "tickets") {
        $0.column("summary", type: .text, .notNull)
            .column("board", type: .text, .notNull)
            .column("type", type: .text)
            .column("subtype", type: .text)
            .column("item", type: .text)
            .column("service_class", type: .text, .notNull)
            .column("status", type: .text, .notNull)
            .column("closed", type: boolean, .notNull)
            .column("priority", type: .text, .notNull)
            .column("priority_level", type: .bigint, .notNull)
            .column("company_id", type: .text, .notNull)
            .column("agreement_id", type: .text)
            .column("project_id", type: .text)
            .column("created_at_ms", type: .bigint, .notNull)
            .column("first_response_at_ms", type: .bigint)
            .column("resolved_at_ms", type: .bigint)
            .column("closed_at_ms", type: .bigint)
            .column("sla_met", type: boolean)
            .column("budget_hours_micros", type: .bigint)
            .column("actual_hours_micros", type: .bigint)
    }
    try await createRecordTable(db, "projects") {
        $0.column("name", type: .text, .notNull)
            .column("company_id", type: .text, .notNull)
            .column("agreement_id", type: .text)
            .column("billing_method", type: .text, .notNull)
            .column("budget_hours_micros", type: .bigint)
            .column("actual_hours_micros", type: .bigint)
            .column("estimated_revenue_micros", type: .bigint)
            .column("estimated_cost_micros", type: .bigint)
            .column("status", type: .text, .notNull)
            .column("closed", type: boolean, .notNull)
            .column("start_date", type: .bigint, .notNull)
            .column("end_date", type: .bigint)
    }
    try await createRecordTable(db, "opportunities") {
        $0.column("name", type: .text, .notNull)
            .column("company_id", type: .text, .notNull)
            .column("stage", type: .text, .notNull)
            .column("outcome", type: .text, .notNull)
            .column("one_time_value_micros", type: .bigint, .notNull)
            .column("recurring_value_micros", type: .bigint, .notNull)
            .column("probability_micros", type: .bigint, .notNull)
            .column("expected_close_date", type: .bigint, .notNull)
            .column("closed_date", type: .bigint)
            .column("sales_member_id", type: .text)
    }
    // The month-bucketed scans the KPI engine starts from.
    try await db.create(index: "time_entries_by_work_date").on("time_entries")
        .column("tenant_id").column("work_date").run()
    try await db.create(index: "invoices_by_date").on("invoices")
        .column("tenant_id").column("invoice_date").run()
    try await db.create(index: "tickets_by_created").on("tickets")
        .column("tenant_id").column("created_at_ms").run()
}

/// Deletion marks on every record table, the sync cursors (with their worker leases) and the run log.
@Sendable private func createSyncState(_ db: any SQLDatabase) async throws {
    for table in [
        "companies", "configurations", "members", "work_types", "work_roles", "agreements", "agreement_additions",
        "invoices", "product_lines", "time_entries", "expense_entries", "tickets", "projects", "opportunities",
    ] {
        try await db.alter(table: table).column("deleted_at_ms", type: .bigint).run()
    }
    try await db.create(table: "sync_cursors")
        .column("tenant_id", type: .text, .notNull)
        .column("source", type: .text, .notNull)
        .column("stream", type: .text, .notNull)
        .column("high_water_ms", type: .bigint)
        .column("run_since_ms", type: .bigint)
        .column("run_started_at_ms", type: .bigint)
        .column("run_max_seen_ms", type: .bigint)
        .column("after_id", type: .text)
        .column("records_done", type: .bigint, .notNull)
        .column("reconciled_at_ms", type: .bigint)
        .column("completed_at_ms", type: .bigint)
        .column("lease_owner", type: .text)
        .column("lease_until_ms", type: .bigint)
        .column("updated_at_ms", type: .bigint, .notNull)
        .primaryKey("tenant_id", "source", "stream")
        .run()
    try await db.create(table: "sync_runs")
        .column("run_id", type: .text, .notNull)
        .column("tenant_id", type: .text, .notNull)
        .column("source", type: .text, .notNull)
        .column("stream", type: .text, .notNull)
        .column("kind", type: .text, .notNull)
        .column("worker", type: .text, .notNull)
        .column("started_at_ms", type: .bigint, .notNull)
        .column("finished_at_ms", type: .bigint)
        .column("expected", type: .bigint)
        .column("records", type: .bigint, .notNull)
        .column("deleted", type: .bigint, .notNull)
        .column("requests", type: .bigint, .notNull)
        .column("status", type: .text, .notNull)
        .column("error", type: .text)
        .primaryKey("run_id", "stream")
        .run()
    try await db.create(index: "sync_runs_by_tenant").on("sync_runs")
        .column("tenant_id").column("started_at_ms").run()
}

/// The monthly labor rollup the KPI engine reads instead of every time entry, its watermark, and the indexes
/// that keep refreshing it (and the product-cost join) cheap.
@Sendable private func createKPIRollups(_ db: any SQLDatabase) async throws {
    try await db.create(table: "labor_rollups")
        .column("tenant_id", type: .text, .notNull)
        .column("source", type: .text, .notNull)
        .column("month", type: .bigint, .notNull)
        .column("labor_class", type: .text, .notNull)
        .column("work_type_id", type: .text)
        .column("member_id", type: .text, .notNull)
        .column("hourly_cost_micros", type: .bigint)
        .column("hours_micros", type: .bigint, .notNull)
        .run()
    try await db.create(index: "labor_rollups_by_month").on("labor_rollups").column("tenant_id").column("month").run()
    try await db.create(table: "rollup_state")
        .column("tenant_id", type: .text, .primaryKey(autoIncrement: false), .notNull)
        .column("labor_built_through_ms", type: .bigint)
        .column("labor_built_at_ms", type: .bigint)
        .column("updated_at_ms", type: .bigint, .notNull)
        .run()
    try await db.create(index: "time_entries_by_synced").on("time_entries").column("tenant_id").column("synced_at_ms").run()
    try await db.create(index: "tickets_by_synced").on("tickets").column("tenant_id").column("synced_at_ms").run()
    try await db.create(index: "time_entries_by_ticket").on("time_entries").column("tenant_id").column("source").column("ticket_id").run()
    // Covers the service-desk aggregates, so the monthly ticket scan reads the index alone.
    try await db.create(index: "tickets_for_kpis").on("tickets")
        .column("tenant_id").column("created_at_ms").column("service_class").column("sla_met")
        .column("first_response_at_ms").column("resolved_at_ms").column("deleted_at_ms").run()
    try await db.create(index: "product_lines_by_invoice").on("product_lines").column("tenant_id").column("source").column("invoice_id").run()
}

/// The web app's people and secrets: users, their companies, sessions, EULA acceptances, sealed PSA credentials,
/// API tokens and failed logins (for throttling across every app process).
@Sendable private func createAccounts(_ db: any SQLDatabase) async throws {
    try await db.create(table: "users")
        .column("id", type: .text, .primaryKey(autoIncrement: false), .notNull)
        .column("email", type: .text, .notNull, .unique)
        .column("password_hash", type: .text, .notNull)
        .column("email_verified_at_ms", type: .bigint)
        .column("verify_token_hash", type: .text)
        .column("created_at_ms", type: .bigint, .notNull)
        .run()
    try await db.create(table: "memberships")
        .column("tenant_id", type: .text, .notNull)
        .column("user_id", type: .text, .notNull)
        .column("role", type: .text, .notNull)
        .column("created_at_ms", type: .bigint, .notNull)
        .primaryKey("tenant_id", "user_id")
        .run()
    try await db.create(index: "memberships_by_user").on("memberships").column("user_id").run()
    try await db.create(table: "web_sessions")
        .column("token_hash", type: .text, .primaryKey(autoIncrement: false), .notNull)
        .column("user_id", type: .text, .notNull)
        .column("csrf_token", type: .text, .notNull)
        .column("created_at_ms", type: .bigint, .notNull)
        .column("expires_at_ms", type: .bigint, .notNull)
        .run()
    try await db.create(table: "eula_acceptances")
        .column("tenant_id", type: .text, .notNull)
        .column("user_id", type: .text, .notNull)
        .column("version", type: .text, .notNull)
        .column("accepted_at_ms", type: .bigint, .notNull)
        .column("address", type: .text, .notNull)
        .primaryKey("tenant_id", "version", "user_id")
        .run()
    try await db.create(table: "psa_credentials")
        .column("tenant_id", type: .text, .primaryKey(autoIncrement: false), .notNull)
        .column("psa", type: .text, .notNull)
        .column("sealed", type: .text, .notNull)
        .column("key_id", type: .text, .notNull)
        .column("set_at_ms", type: .bigint, .notNull)
        .column("set_by", type: .text, .notNull)
        .run()
    try await db.create(table: "api_tokens")
        .column("token_hash", type: .text, .primaryKey(autoIncrement: false), .notNull)
        .column("tenant_id", type: .text, .notNull)
        .column("name", type: .text, .notNull)
        .column("created_by", type: .text, .notNull)
        .column("created_at_ms", type: .bigint, .notNull)
        .run()
    try await db.create(table: "login_failures")
        .column("email", type: .text, .notNull)
        .column("at_ms", type: .bigint, .notNull)
        .run()
    try await db.create(index: "login_failures_by_email").on("login_failures").column("email").column("at_ms").run()
}

/// Invitations to a company: a link (stored as its digest) that gives whoever opens it, signed in, a role.
@Sendable private func createInvitations(_ db: any SQLDatabase) async throws {
    try await db.create(table: "invitations")
        .column("token_hash", type: .text, .primaryKey(autoIncrement: false), .notNull)
        .column("tenant_id", type: .text, .notNull)
        .column("role", type: .text, .notNull)
        .column("created_by", type: .text, .notNull)
        .column("created_at_ms", type: .bigint, .notNull)
        .column("expires_at_ms", type: .bigint, .notNull)
        .column("accepted_by", type: .text)
        .run()
}

/// Streams read by id alone (Autotask entities without a last-modified field) remember the greatest id of their
/// completed runs: the next incremental run reads only what was created after it.
@Sendable private func addCursorHighID(_ db: any SQLDatabase) async throws {
    try await db.alter(table: "sync_cursors").column("high_id", type: .text).run()
}

/// The KPI engine counts tickets closed per month (`tickets.closed`, `kill_rate`): without this index that is a scan
/// of every ticket, whatever the month. `deleted_at_ms` makes it covering.
@Sendable private func createTicketsByClosed(_ db: any SQLDatabase) async throws {
    try await db.create(index: "tickets_by_closed").on("tickets").column("tenant_id").column("closed_at_ms").column("deleted_at_ms").run()
}

/// The KPI variants a company reads by default (JSON of `KPIPreferences`; NULL: the standard ones). Numbered 0009:
/// 0008 was taken by a parallel branch.
@Sendable private func addTenantKPIPreferences(_ db: any SQLDatabase) async throws {
    try await db.alter(table: "tenants").column("kpi_preferences", type: .text).run()
}

/// Each month's computed scorecard per tenant (JSON of `MonthScorecard`, exact decimals), kept until a sync changes a
/// record it reads, and the watermark of what it reflects.
@Sendable private func createScorecardRollups(_ db: any SQLDatabase) async throws {
    try await db.create(table: "scorecard_rollups")
        .column("tenant_id", type: .text, .notNull)
        .column("month", type: .bigint, .notNull)
        .column("body", type: .text, .notNull)
        .primaryKey("tenant_id", "month")
        .run()
    try await db.alter(table: "rollup_state").column("scorecard_built_through_ms", type: .bigint).run()
    try await db.alter(table: "rollup_state").column("scorecard_built_at_ms", type: .bigint).run()
    // The scorecard's change detection reads the latest sync stamp of these tables.
    try await db.create(index: "invoices_by_synced").on("invoices").column("tenant_id").column("synced_at_ms").run()
    try await db.create(index: "product_lines_by_synced").on("product_lines").column("tenant_id").column("synced_at_ms").run()
}

/// Sign-in failures are also counted per client address (many email addresses tried from one place). The email
/// becomes nullable: a successful sign-in forgets the email's failures but not the address's.
@Sendable private func addLoginFailureAddress(_ db: any SQLDatabase) async throws {
    try await db.drop(table: "login_failures").run()
    try await db.create(table: "login_failures")
        .column("email", type: .text)
        .column("address", type: .text)
        .column("at_ms", type: .bigint, .notNull)
        .run()
    try await db.create(index: "login_failures_by_email").on("login_failures").column("email").column("at_ms").run()
    try await db.create(index: "login_failures_by_address").on("login_failures").column("address").column("at_ms").run()
}

/// A full read split into id ranges read side by side keeps each range's progress (JSON) with the run.
@Sendable private func addCursorLanes(_ db: any SQLDatabase) async throws {
    try await db.alter(table: "sync_cursors").column("run_lanes", type: .text).run()
}

/// Each company's classification of its own PSA values (boards, agreement types, work types, recurring products): the
/// class, whether it was inferred or confirmed, why, and how many records carried the value when last counted.
@Sendable private func createClassifications(_ db: any SQLDatabase) async throws {
    try await db.create(table: "classifications")
        .column("tenant_id", type: .text, .notNull)
        .column("dimension", type: .text, .notNull)
        .column("value", type: .text, .notNull)
        .column("class", type: .text, .notNull)
        .column("origin", type: .text, .notNull)
        .column("reason", type: .text, .notNull)
        .column("records", type: .bigint, .notNull)
        .column("updated_at_ms", type: .bigint, .notNull)
        .primaryKey("tenant_id", "dimension", "value")
        .run()
    // The PSA's own configuration type name, classified as a managed endpoint or not. Configurations synced before
    // have none: their streams read everything again on the next sync (unless a run is under way).
    try await db.alter(table: "configurations").column("type_name", type: .text).run()
    try await db.raw("""
        UPDATE sync_cursors SET high_water_ms = NULL, high_id = NULL
        WHERE stream IN ('company/configurations', 'ConfigurationItems') AND run_started_at_ms IS NULL
        """).run()
}

/// Items a stream could not read as records are left out alone and counted in the run log, with the first reasons.
@Sendable private func addSyncRunRejections(_ db: any SQLDatabase) async throws {
    try await db.alter(table: "sync_runs").column("rejected", type: .bigint).run()
    try await db.alter(table: "sync_runs").column("rejections", type: .text).run()
}
