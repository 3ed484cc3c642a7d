public import InsightCore
import Foundation
import InsightStore
import SQLKit

extension KPIEngine {
    /// Profitability of every agreement over the months `first`…`last`.
    public func agreementProfits(from first: YearMonth, to last: YearMonth) async throws -> [AgreementProfit] {
        let tenant = tenant.id.rawValue
        let (firstDay, lastDay) = (first.firstDay.yyyymmdd, last.lastDay.yyyymmdd)
        let revenue = try await amounts("""
            SELECT agreement_id AS id, CAST(COALESCE(SUM(subtotal_micros), 0) AS BIGINT) AS amount FROM invoices
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND agreement_id IS NOT NULL
              AND invoice_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            GROUP BY agreement_id
            """)
        let labor = try await laborCost(groupedBy: "agreement_id", from: first, to: last)
        let additions = try await additionTotals(from: first, to: last)
        let shadow = try await shadowBillable(from: first, to: last)
        let endpoints = try await endpointsByCompany()
        let monthCount = Decimal(first.distance(to: last) + 1)
        let rows = try await query("""
            SELECT a.source_id, a.name, a.company_id, \(unsafeRaw: ClassificationSQL.agreementClass("a")) AS billing_model, c.name AS company_name FROM agreements a
            LEFT JOIN companies c ON c.tenant_id = a.tenant_id AND c.source = a.source AND c.source_id = a.company_id
            WHERE a.tenant_id = \(bind: tenant) AND a.deleted_at_ms IS NULL ORDER BY a.source_id
            """)
        return try rows.map { row in
            let id = try row.decode(column: "source_id", as: String.self)
            guard let model = Agreement.BillingModel(rawValue: try row.decode(column: "billing_model", as: String.self)) else {
                throw KPIError.corruptRow(table: "agreements", column: "billing_model")
            }
            let income = Money(revenue[id] ?? 0, currency)
            let work = Money(labor[id]?.cost ?? 0, currency)
            let lines = Money(additions[id]?.cost ?? 0, currency)
            let profit = income - work - lines
            let hours = labor[id]?.hours ?? .zero
            let shadowBillable = Money(shadow[id] ?? 0, currency)
            let productValue = Money(model == .fixedFee ? additions[id]?.productValue ?? 0 : 0, currency)
            let laborRevenue = model == .fixedFee ? income - productValue : nil
            let companyID = try row.decode(column: "company_id", as: String.self)
            let nodes = endpoints[companyID] ?? 0
            return AgreementProfit(
                id: ID(id), name: try row.decode(column: "name", as: String.self),
                companyID: ID(companyID),
                companyName: try row.decode(column: "company_name", as: String?.self) ?? "", billingModel: model, revenue: income,
                laborHours: hours, laborCost: work, additionCost: lines, profit: profit,
                margin: income.isZero ? nil : profit.amount / income.amount, shadowBillable: shadowBillable,
                productValue: productValue, laborRevenue: laborRevenue,
                efficiency: laborRevenue.flatMap { shadowBillable.isZero ? nil : $0.amount / shadowBillable.amount },
                effectiveRate: hours == .zero ? nil : Money((laborRevenue ?? income).amount / hours.value, currency),
                contributionPerHour: hours == .zero ? nil : Money(profit.amount / hours.value, currency),
                endpoints: nodes,
                hoursPerEndpoint: nodes > 0 ? Hours(hours.value / monthCount / Decimal(nodes)) : nil,
                revenuePerEndpoint: nodes > 0 ? Money(income.amount / monthCount / Decimal(nodes), currency) : nil)
        }
    }

    /// Workstations and servers per company (as last synced).
    func endpointsByCompany() async throws -> [String: Int] {
        try await query("""
            SELECT company_id, COUNT(*) AS devices FROM configurations
            WHERE tenant_id = \(bind: tenant.id.rawValue) AND deleted_at_ms IS NULL
              AND \(unsafeRaw: ClassificationSQL.configurationClass("configurations")) = 'managedEndpoint'
            GROUP BY company_id
            """).reduce(into: [String: Int]()) {
            $0[try $1.decode(column: "company_id", as: String.self)] = Int(try $1.decode(column: "devices", as: Int64.self))
        }
    }

    /// Profitability of every client company over the months `first`…`last`.
    public func clientProfits(from first: YearMonth, to last: YearMonth) async throws -> [ClientProfit] {
        let tenant = tenant.id.rawValue
        let (firstDay, lastDay) = (first.firstDay.yyyymmdd, last.lastDay.yyyymmdd)
        let revenue = try await amounts("""
            SELECT company_id AS id, CAST(COALESCE(SUM(subtotal_micros), 0) AS BIGINT) AS amount FROM invoices
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND invoice_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            GROUP BY company_id
            """)
        let labor = try await laborCost(groupedBy: "company_id", from: first, to: last)
        // Quantity × unit cost summed per distinct pair, multiplied exactly here.
        var productCost: [String: Decimal] = [:]
        for row in try await query("""
            SELECT p.company_id AS id, p.quantity_micros AS quantity, p.unit_cost_micros AS cost, COUNT(*) AS lines
            FROM product_lines p
            JOIN invoices i ON i.tenant_id = p.tenant_id AND i.source = p.source AND i.source_id = p.invoice_id AND i.deleted_at_ms IS NULL
            WHERE p.tenant_id = \(bind: tenant) AND p.deleted_at_ms IS NULL AND p.unit_cost_micros IS NOT NULL
              AND i.invoice_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            GROUP BY 1, 2, 3
            """) {
            let quantity = FixedPoint.decimal(micros: try row.decode(column: "quantity", as: Int64.self))
            let cost = FixedPoint.decimal(micros: try row.decode(column: "cost", as: Int64.self))
            productCost[try row.decode(column: "id", as: String.self), default: 0] +=
                quantity * cost * Decimal(try row.decode(column: "lines", as: Int64.self))
        }
        var additionsByClient: [String: Decimal] = [:]
        let additions = try await additionCosts(from: first, to: last)
        for row in try await query("""
            SELECT source_id, company_id FROM agreements WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL
            """) {
            let id = try row.decode(column: "source_id", as: String.self)
            additionsByClient[try row.decode(column: "company_id", as: String.self), default: 0] += additions[id] ?? 0
        }
        let clients = try await query("""
            SELECT source_id, name FROM companies WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND kind = 'client'
            ORDER BY source_id
            """).map { row in
            let id = try row.decode(column: "source_id", as: String.self)
            let income = Money(revenue[id] ?? 0, currency)
            let work = Money(labor[id]?.cost ?? 0, currency)
            let lines = Money(additionsByClient[id] ?? 0, currency)
            let products = Money(productCost[id] ?? 0, currency)
            let profit = income - work - lines - products
            return ClientProfit(
                id: ID(id), name: try row.decode(column: "name", as: String.self), revenue: income, laborCost: work,
                additionCost: lines, productCost: products, grossProfit: profit,
                margin: income.isZero ? nil : profit.amount / income.amount, rank: 0, quintile: 0, cumulativeProfitShare: nil)
        }
        return Self.ranked(clients)
    }

    /// `clients` with their rank by gross profit (1 = greatest; ties by id) and quintile (1 = top fifth), in
    /// their given order.
    static func ranked(_ clients: [ClientProfit]) -> [ClientProfit] {
        let order = clients.indices.sorted { a, b in
            clients[a].grossProfit.amount != clients[b].grossProfit.amount
                ? clients[a].grossProfit.amount > clients[b].grossProfit.amount : clients[a].id.rawValue < clients[b].id.rawValue
        }
        var ranked = clients
        let total = clients.reduce(Decimal(0)) { $0 + $1.grossProfit.amount }
        var cumulative = Decimal(0)
        for (position, index) in order.enumerated() {
            ranked[index].rank = position + 1
            ranked[index].quintile = position * 5 / clients.count + 1
            cumulative += clients[index].grossProfit.amount
            ranked[index].cumulativeProfitShare = total > 0 ? cumulative / total : nil
        }
        return ranked
    }

    /// Hours and labor cost of time worked in the span, per value of `column` (`agreement_id`, `company_id`).
    func laborCost(groupedBy column: String, from first: YearMonth, to last: YearMonth) async throws -> [String: (hours: Hours, cost: Decimal)] {
        try await laborCost(groupedBy: column, firstDay: first.firstDay.yyyymmdd, lastDay: last.lastDay.yyyymmdd)
    }

    /// Hours and labor cost of time worked between two `yyyymmdd` days, per value of `column`.
    func laborCost(groupedBy column: String, firstDay: Int, lastDay: Int) async throws -> [String: (hours: Hours, cost: Decimal)] {
        let tenant = tenant.id.rawValue
        var result: [String: (hours: Hours, cost: Decimal)] = [:]
        for row in try await query("""
            SELECT t.\(ident: column) AS id, t.hourly_cost_micros AS cost, COALESCE(w.cost_multiplier_micros, 1000000) AS multiplier,
                   CAST(COALESCE(SUM(t.actual_hours_micros), 0) AS BIGINT) AS hours
            FROM time_entries t
            LEFT JOIN work_types w ON w.tenant_id = t.tenant_id AND w.source = t.source AND w.source_id = t.work_type_id
                AND w.deleted_at_ms IS NULL
            WHERE t.tenant_id = \(bind: tenant) AND t.deleted_at_ms IS NULL AND t.\(ident: column) IS NOT NULL
              AND t.work_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            GROUP BY 1, 2, 3
            """) {
            let id = try row.decode(column: "id", as: String.self)
            let hours = FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
            let cost = try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:)) ?? 0
            let multiplier = FixedPoint.decimal(micros: try row.decode(column: "multiplier", as: Int64.self))
            var current = result[id] ?? (.zero, 0)
            current.hours += Hours(hours)
            current.cost += hours * cost * multiplier
            result[id] = current
        }
        return result
    }

    /// Per agreement, Σ actual hours × the hourly rate on each time entry worked in the span: the work's value
    /// billed hourly ("shadow billable"). Summed per distinct rate in SQL, multiplied exactly here.
    func shadowBillable(from first: YearMonth, to last: YearMonth) async throws -> [String: Decimal] {
        let tenant = tenant.id.rawValue
        let (firstDay, lastDay) = (first.firstDay.yyyymmdd, last.lastDay.yyyymmdd)
        var result: [String: Decimal] = [:]
        for row in try await query("""
            SELECT agreement_id AS id, hourly_rate_micros AS rate, CAST(COALESCE(SUM(actual_hours_micros), 0) AS BIGINT) AS hours
            FROM time_entries
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND agreement_id IS NOT NULL AND hourly_rate_micros IS NOT NULL
              AND work_date BETWEEN \(bind: firstDay) AND \(bind: lastDay)
            GROUP BY 1, 2
            """) {
            let hours = FixedPoint.decimal(micros: try row.decode(column: "hours", as: Int64.self))
            let rate = FixedPoint.decimal(micros: try row.decode(column: "rate", as: Int64.self))
            result[try row.decode(column: "id", as: String.self), default: 0] += hours * rate
        }
        return result
    }

    /// Per agreement, Σ over the span's months of quantity × unit cost of the additions in force on the 1st, for
    /// fixed-fee and licence agreements in force that day.
    func additionCosts(from first: YearMonth, to last: YearMonth) async throws -> [String: Decimal] {
        try await additionTotals(from: first, to: last).mapValues(\.cost)
    }

    /// Per agreement, over the span's months, the additions in force on the 1st of fixed-fee and licence agreements
    /// in force that day: Σ quantity × unit cost, and Σ product value by ``componentRules`` (what a fixed-fee
    /// agreement's revenue owes to products). Additions are a small table: read once, summed here.
    func additionTotals(from first: YearMonth, to last: YearMonth) async throws -> [String: (cost: Decimal, productValue: Decimal)] {
        let tenant = tenant.id.rawValue
        let rows = try await query("""
            SELECT a.source_id AS agreement, a.start_date, a.end_date, a.cancelled_date, d.unit_price_micros AS price,
                   d.quantity_micros AS quantity, d.unit_cost_micros AS cost, d.effective_date, d.cancelled_date AS line_cancelled
            FROM agreement_additions d
            JOIN agreements a ON a.tenant_id = d.tenant_id AND a.source = d.source AND a.source_id = d.agreement_id AND a.deleted_at_ms IS NULL
            WHERE d.tenant_id = \(bind: tenant) AND d.deleted_at_ms IS NULL
              AND \(unsafeRaw: ClassificationSQL.agreementClass("a")) IN ('fixedFee', 'licenseResale')
            """)
        var result: [String: (cost: Decimal, productValue: Decimal)] = [:]
        for row in rows {
            let window = try AgreementWindow(row)
            guard let effective = CalendarDate(yyyymmdd: Int(try row.decode(column: "effective_date", as: Int64.self))) else { continue }
            let lineCancelled = try row.decode(column: "line_cancelled", as: Int64?.self).flatMap { CalendarDate(yyyymmdd: Int($0)) }
            let quantity = FixedPoint.decimal(micros: try row.decode(column: "quantity", as: Int64.self))
            let cost = try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:))
            let price = FixedPoint.decimal(micros: try row.decode(column: "price", as: Int64.self))
            let months = (first...last).filter { month in
                let day = month.firstDay
                return window.inForce(on: day) && effective <= day && (lineCancelled.map { day < $0 } ?? true)
            }.count
            guard months > 0 else { continue }
            let value = componentRules.productValue(quantity: quantity, unitPrice: price, unitCost: cost)
            var totals = result[try row.decode(column: "agreement", as: String.self), default: (0, 0)]
            totals.cost += quantity * (cost ?? 0) * Decimal(months)
            totals.productValue += value * Decimal(months)
            result[try row.decode(column: "agreement", as: String.self)] = totals
        }
        return result
    }

    func amounts(_ sql: SQLQueryString) async throws -> [String: Decimal] {
        try await query(sql).reduce(into: [:]) { result, row in
            result[try row.decode(column: "id", as: String.self)] = FixedPoint.decimal(micros: try row.decode(column: "amount", as: Int64.self))
        }
    }
}
