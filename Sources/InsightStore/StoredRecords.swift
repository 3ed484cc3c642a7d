public import InsightCore

// How each normalized entity maps to its table. Column names are snake_case; fixed-point columns end in
// `_micros` (value × 10^6), dates are `YYYYMMDD` integers, instants `_at_ms` epoch milliseconds.

extension Company: StoredRecord {
    public static let table = "companies"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("name", name)
        row.set("kind", kind)
        row.set("status", status)
        row.set("market", market)
        row.set("account_manager_id", accountManagerID)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            name: try row.string("name"), kind: try row.enumeration("kind"), status: try row.enumeration("status"),
            market: try row.optionalString("market"), accountManagerID: try row.optionalID("account_manager_id"))
    }
}

extension ConfigurationItem: StoredRecord {
    public static let table = "configurations"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("company_id", companyID)
        row.set("name", name)
        row.set("kind", kind)
        row.set("active", active)
        row.set("type_name", typeName)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            companyID: try row.id("company_id"), name: try row.string("name"), kind: try row.enumeration("kind"),
            active: try row.bool("active"), typeName: try row.optionalString("type_name"))
    }
}

extension WorkType: StoredRecord {
    public static let table = "work_types"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("name", name)
        row.set("billable", billable)
        try row.set("cost_multiplier_micros", costMultiplier)
        row.set("counts_as_utilized", countsAsUtilized)
        row.set("is_time_off", isTimeOff)
        row.set("active", active)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            name: try row.string("name"), billable: try row.bool("billable"),
            costMultiplier: try row.decimal("cost_multiplier_micros"),
            countsAsUtilized: try row.bool("counts_as_utilized"), isTimeOff: try row.bool("is_time_off"),
            active: try row.bool("active"))
    }
}

extension WorkRole: StoredRecord {
    public static let table = "work_roles"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("name", name)
        try row.set("hourly_rate_micros", hourlyRate)
        row.set("active", active)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            name: try row.string("name"), hourlyRate: try row.optionalMoney("hourly_rate_micros"),
            active: try row.bool("active"))
    }
}

extension Agreement: StoredRecord {
    public static let table = "agreements"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("name", name)
        row.set("company_id", companyID)
        row.set("type_name", typeName)
        row.set("category", category)
        row.set("billing_model", billingModel)
        row.set("billing_cycle", billingCycle)
        try row.set("billing_amount_micros", billingAmount)
        row.set("start_date", startDate)
        row.set("end_date", endDate)
        row.set("cancelled_date", cancelledDate)
        row.set("status", status)
        row.set("parent_id", parentID)
        try row.set("block_hours_limit_micros", blockHoursLimit)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            name: try row.string("name"), companyID: try row.id("company_id"), typeName: try row.string("type_name"),
            category: try row.optionalString("category"), billingModel: try row.enumeration("billing_model"),
            billingCycle: try row.enumeration("billing_cycle"),
            billingAmount: try row.optionalMoney("billing_amount_micros"), startDate: try row.date("start_date"),
            endDate: try row.optionalDate("end_date"), cancelledDate: try row.optionalDate("cancelled_date"),
            status: try row.enumeration("status"), parentID: try row.optionalID("parent_id"),
            blockHoursLimit: try row.optionalHours("block_hours_limit_micros"))
    }
}

extension AgreementAddition: StoredRecord {
    public static let table = "agreement_additions"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("agreement_id", agreementID)
        row.set("product_identifier", productIdentifier)
        row.set("description", description)
        try row.set("quantity_micros", quantity)
        try row.set("unit_price_micros", unitPrice)
        try row.set("unit_cost_micros", unitCost)
        row.set("effective_date", effectiveDate)
        row.set("cancelled_date", cancelledDate)
        row.set("billed_to_customer", billedToCustomer)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            agreementID: try row.id("agreement_id"), productIdentifier: try row.string("product_identifier"),
            description: try row.optionalString("description"), quantity: try row.decimal("quantity_micros"),
            unitPrice: try row.money("unit_price_micros"), unitCost: try row.optionalMoney("unit_cost_micros"),
            effectiveDate: try row.date("effective_date"), cancelledDate: try row.optionalDate("cancelled_date"),
            billedToCustomer: try row.bool("billed_to_customer"))
    }
}

extension Invoice: StoredRecord {
    public static let table = "invoices"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("number", number)
        row.set("company_id", companyID)
        row.set("kind", kind)
        row.set("invoice_date", date)
        row.set("due_date", dueDate)
        try row.set("subtotal_micros", subtotal)
        try row.set("tax_micros", tax)
        try row.set("total_micros", total)
        try row.set("balance_micros", balance)
        row.set("agreement_id", agreementID)
        row.set("project_id", projectID)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            number: try row.string("number"), companyID: try row.id("company_id"), kind: try row.enumeration("kind"),
            date: try row.date("invoice_date"), dueDate: try row.date("due_date"),
            subtotal: try row.money("subtotal_micros"), tax: try row.money("tax_micros"),
            total: try row.money("total_micros"), balance: try row.money("balance_micros"),
            agreementID: try row.optionalID("agreement_id"), projectID: try row.optionalID("project_id"))
    }
}

extension ProductLine: StoredRecord {
    public static let table = "product_lines"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("company_id", companyID)
        row.set("catalog_item", catalogItem)
        row.set("description", description)
        row.set("category", category)
        row.set("is_product", isProduct)
        try row.set("quantity_micros", quantity)
        try row.set("unit_price_micros", unitPrice)
        try row.set("unit_cost_micros", unitCost)
        row.set("invoice_id", invoiceID)
        row.set("agreement_id", agreementID)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            companyID: try row.id("company_id"), catalogItem: try row.string("catalog_item"),
            description: try row.optionalString("description"), category: try row.string("category"),
            isProduct: try row.bool("is_product"), quantity: try row.decimal("quantity_micros"),
            unitPrice: try row.money("unit_price_micros"), unitCost: try row.optionalMoney("unit_cost_micros"),
            invoiceID: try row.optionalID("invoice_id"), agreementID: try row.optionalID("agreement_id"))
    }
}

extension TimeEntry: StoredRecord {
    public static let table = "time_entries"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("member_id", memberID)
        row.set("company_id", companyID)
        row.set("charge_kind", chargeKind)
        row.set("ticket_id", ticketID)
        row.set("project_id", projectID)
        row.set("agreement_id", agreementID)
        row.set("work_type_id", workTypeID)
        row.set("work_role_id", workRoleID)
        row.set("billable_option", billableOption)
        row.set("work_date", workDate)
        row.set("start_at_ms", startAt)
        row.set("end_at_ms", endAt)
        row.set("entered_at_ms", enteredAt)
        try row.set("actual_hours_micros", actualHours)
        try row.set("billed_hours_micros", billedHours)
        try row.set("hourly_rate_micros", hourlyRate)
        try row.set("hourly_cost_micros", hourlyCost)
        row.set("invoice_id", invoiceID)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            memberID: try row.id("member_id"), companyID: try row.optionalID("company_id"),
            chargeKind: try row.enumeration("charge_kind"), ticketID: try row.optionalID("ticket_id"),
            projectID: try row.optionalID("project_id"), agreementID: try row.optionalID("agreement_id"),
            workTypeID: try row.optionalID("work_type_id"), workRoleID: try row.optionalID("work_role_id"),
            billableOption: try row.enumeration("billable_option"), workDate: try row.date("work_date"),
            startAt: try row.timestamp("start_at_ms"), endAt: try row.optionalTimestamp("end_at_ms"),
            enteredAt: try row.timestamp("entered_at_ms"), actualHours: try row.hours("actual_hours_micros"),
            billedHours: try row.hours("billed_hours_micros"), hourlyRate: try row.optionalMoney("hourly_rate_micros"),
            hourlyCost: try row.optionalMoney("hourly_cost_micros"), invoiceID: try row.optionalID("invoice_id"))
    }
}

extension ExpenseEntry: StoredRecord {
    public static let table = "expense_entries"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("member_id", memberID)
        row.set("company_id", companyID)
        row.set("expense_date", date)
        try row.set("amount_micros", amount)
        row.set("billable", billable)
        row.set("invoice_id", invoiceID)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            memberID: try row.id("member_id"), companyID: try row.optionalID("company_id"),
            date: try row.date("expense_date"), amount: try row.money("amount_micros"),
            billable: try row.bool("billable"), invoiceID: try row.optionalID("invoice_id"))
    }
}

extension Ticket: StoredRecord {
    public static let table = "tickets"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("summary", summary)
        row.set("board", board)
        row.set("type", type)
        row.set("subtype", subtype)
        row.set("item", item)
        row.set("service_class", serviceClass)
        row.set("status", status)
        row.set("closed", closed)
        row.set("priority", priority)
        row.set("priority_level", priorityLevel)
        row.set("company_id", companyID)
        row.set("agreement_id", agreementID)
        row.set("project_id", projectID)
        row.set("created_at_ms", createdAt)
        row.set("first_response_at_ms", firstResponseAt)
        row.set("resolved_at_ms", resolvedAt)
        row.set("closed_at_ms", closedAt)
        row.set("sla_met", slaMet)
        try row.set("budget_hours_micros", budgetHours)
        try row.set("actual_hours_micros", actualHours)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            summary: try row.string("summary"), board: try row.string("board"), type: try row.optionalString("type"),
            subtype: try row.optionalString("subtype"), item: try row.optionalString("item"),
            serviceClass: try row.enumeration("service_class"), status: try row.string("status"),
            closed: try row.bool("closed"), priority: try row.string("priority"),
            priorityLevel: try row.int("priority_level"), companyID: try row.id("company_id"),
            agreementID: try row.optionalID("agreement_id"), projectID: try row.optionalID("project_id"),
            createdAt: try row.timestamp("created_at_ms"), firstResponseAt: try row.optionalTimestamp("first_response_at_ms"),
            resolvedAt: try row.optionalTimestamp("resolved_at_ms"), closedAt: try row.optionalTimestamp("closed_at_ms"),
            slaMet: try row.optionalBool("sla_met"), budgetHours: try row.optionalHours("budget_hours_micros"),
            actualHours: try row.optionalHours("actual_hours_micros"))
    }
}

extension Project: StoredRecord {
    public static let table = "projects"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("name", name)
        row.set("company_id", companyID)
        row.set("agreement_id", agreementID)
        row.set("billing_method", billingMethod)
        try row.set("budget_hours_micros", budgetHours)
        try row.set("actual_hours_micros", actualHours)
        try row.set("estimated_revenue_micros", estimatedRevenue)
        try row.set("estimated_cost_micros", estimatedCost)
        row.set("status", status)
        row.set("closed", closed)
        row.set("start_date", startDate)
        row.set("end_date", endDate)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            name: try row.string("name"), companyID: try row.id("company_id"),
            agreementID: try row.optionalID("agreement_id"), billingMethod: try row.enumeration("billing_method"),
            budgetHours: try row.optionalHours("budget_hours_micros"),
            actualHours: try row.optionalHours("actual_hours_micros"),
            estimatedRevenue: try row.optionalMoney("estimated_revenue_micros"),
            estimatedCost: try row.optionalMoney("estimated_cost_micros"), status: try row.string("status"),
            closed: try row.bool("closed"), startDate: try row.date("start_date"),
            endDate: try row.optionalDate("end_date"))
    }
}

extension Opportunity: StoredRecord {
    public static let table = "opportunities"
    public func write(to row: inout RowWriter) throws(StoreError) {
        row.set("name", name)
        row.set("company_id", companyID)
        row.set("stage", stage)
        row.set("outcome", outcome)
        try row.set("one_time_value_micros", oneTimeValue)
        try row.set("recurring_value_micros", recurringValue)
        try row.set("probability_micros", probability)
        row.set("expected_close_date", expectedCloseDate)
        row.set("closed_date", closedDate)
        row.set("sales_member_id", salesMemberID)
    }
    public init(reading row: RowReader) throws(StoreError) {
        self.init(
            source: try row.source(), id: try row.id("source_id"), updatedAt: try row.timestamp("source_updated_at_ms"),
            name: try row.string("name"), companyID: try row.id("company_id"), stage: try row.string("stage"),
            outcome: try row.enumeration("outcome"), oneTimeValue: try row.money("one_time_value_micros"),
            recurringValue: try row.money("recurring_value_micros"), probability: try row.decimal("probability_micros"),
            expectedCloseDate: try row.date("expected_close_date"), closedDate: try row.optionalDate("closed_date"),
            salesMemberID: try row.optionalID("sales_member_id"))
    }
}
