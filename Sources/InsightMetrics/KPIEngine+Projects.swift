public import Foundation
public import InsightCore
import InsightStore
import SQLKit

/// Profitability of one project to date (as last synced): everything invoiced and worked on it since it started.
public struct ProjectProfit: Sendable, Codable, Equatable {
    public var id: ID<Project>
    public var name: String
    public var companyID: ID<Company>
    /// The client's name ("" when the company is not stored).
    public var companyName: String
    public var billingMethod: Project.BillingMethod
    public var closed: Bool
    /// `project.revenue`: Σ subtotals of invoices naming the project (down-payment, progress and T&M invoices; credit
    /// memos negative).
    public var revenue: Money
    /// Σ actual hours of time entries naming the project (project tickets and project time).
    public var laborHours: Hours
    /// `project.labor_cost`: labor cost of those entries (hours × the entry's hourly cost × its cost multiplier).
    public var laborCost: Money
    /// Σ quantity × unit cost of product lines on the project's invoices.
    public var productCost: Money
    /// `project.profit`: revenue − labor cost − product cost.
    public var profit: Money
    /// `project.margin`: profit ÷ revenue.
    public var margin: Decimal?
    /// The PSA's budget hours, when set.
    public var budgetHours: Hours?
}

/// Projects of one billing method added up: `projects.margin.<method>` = Σ profit ÷ Σ revenue.
public struct ProjectTotals: Sendable, Codable, Equatable {
    public var projects: Int
    public var revenue: Money
    public var laborCost: Money
    public var productCost: Money
    public var profit: Money
    public var margin: Decimal? { revenue.isZero ? nil : profit.amount / revenue.amount }

    /// `projects` added up by billing method (every method present).
    public static func byMethod(_ projects: [ProjectProfit], currency: CurrencyCode) -> [Project.BillingMethod: ProjectTotals] {
        let zero = Money.zero(currency)
        return Dictionary(uniqueKeysWithValues: Project.BillingMethod.allCases.map { method in
            let chosen = projects.filter { $0.billingMethod == method }
            return (method, ProjectTotals(
                projects: chosen.count, revenue: chosen.reduce(zero) { $0 + $1.revenue }, laborCost: chosen.reduce(zero) { $0 + $1.laborCost },
                productCost: chosen.reduce(zero) { $0 + $1.productCost }, profit: chosen.reduce(zero) { $0 + $1.profit }))
        })
    }
}

/// Margin of one catalog item over a span: its lines on invoices dated in the span.
public struct ProductMargin: Sendable, Codable, Equatable {
    public var category: String
    public var catalogItem: String
    /// A product (hardware, software) rather than a labor or service SKU.
    public var isProduct: Bool
    public var lines: Int
    public var quantity: Decimal
    /// `product.revenue`: Σ quantity × unit price.
    public var revenue: Money
    /// `product.cost`: Σ quantity × unit cost (a line without cost counts 0 and is counted in `linesWithoutCost`).
    public var cost: Money
    public var linesWithoutCost: Int
    /// `product.profit`: revenue − cost.
    public var profit: Money { revenue - cost }
    /// `product.margin`: profit ÷ revenue.
    public var margin: Decimal? { revenue.isZero ? nil : profit.amount / revenue.amount }

    /// `items` added up per category (the catalog item is the category's name), by category.
    public static func byCategory(_ items: [ProductMargin], currency: CurrencyCode) -> [ProductMargin] {
        Dictionary(grouping: items, by: \.category).map { category, lines in
            ProductMargin(
                category: category, catalogItem: category, isProduct: lines.allSatisfy(\.isProduct), lines: lines.reduce(0) { $0 + $1.lines },
                quantity: lines.reduce(0) { $0 + $1.quantity }, revenue: lines.reduce(.zero(currency)) { $0 + $1.revenue },
                cost: lines.reduce(.zero(currency)) { $0 + $1.cost }, linesWithoutCost: lines.reduce(0) { $0 + $1.linesWithoutCost })
        }.sorted { $0.category < $1.category }
    }
}

/// MSPCFO's "revenue opportunity" for one client: labor invoiced against the same work billed hourly, over three months.
public struct ClientPriceGap: Sendable, Codable, Equatable {
    public var id: ID<Company>
    public var name: String
    /// `client.invoiced_labor`: Σ over the client's agreements of fixed-fee labor revenue (revenue − product value) and
    /// block-hours and T&M agreement revenue.
    public var invoicedLabor: Money
    /// `client.shadow_billable`: Σ shadow billable of the same agreements.
    public var shadowBillable: Money
    /// `client.price_gap`: invoiced labor − shadow billable. Negative: under-priced (the work is worth more than it is
    /// billed); positive: over-priced, a client at risk of leaving.
    public var gap: Money { invoicedLabor - shadowBillable }
    /// Invoiced labor ÷ shadow billable (1 = priced at the hourly rates).
    public var ratio: Decimal? { shadowBillable.isZero ? nil : invoicedLabor.amount / shadowBillable.amount }
}

extension KPIEngine {
    /// Every project's profitability to date (as last synced), by id.
    public func projectProfits() async throws -> [ProjectProfit] {
        let tenant = tenant.id.rawValue
        let revenue = try await amounts("""
            SELECT project_id AS id, CAST(COALESCE(SUM(subtotal_micros), 0) AS BIGINT) AS amount FROM invoices
            WHERE tenant_id = \(bind: tenant) AND deleted_at_ms IS NULL AND project_id IS NOT NULL
            GROUP BY project_id
            """)
        let labor = try await laborCost(groupedBy: "project_id", firstDay: 0, lastDay: 99_991_231)
        var productCost: [String: Decimal] = [:]
        for row in try await query("""
            SELECT i.project_id AS id, p.quantity_micros AS quantity, p.unit_cost_micros AS cost, COUNT(*) AS lines
            FROM product_lines p
            JOIN invoices i ON i.tenant_id = p.tenant_id AND i.source = p.source AND i.source_id = p.invoice_id AND i.deleted_at_ms IS NULL
            WHERE p.tenant_id = \(bind: tenant) AND p.deleted_at_ms IS NULL AND p.unit_cost_micros IS NOT NULL AND i.project_id IS NOT NULL
            GROUP BY 1, 2, 3
            """) {
            productCost[try row.decode(column: "id", as: String.self), default: 0] +=
                FixedPoint.decimal(micros: try row.decode(column: "quantity", as: Int64.self))
                * FixedPoint.decimal(micros: try row.decode(column: "cost", as: Int64.self)) * Decimal(try row.decode(column: "lines", as: Int64.self))
        }
        return try await query("""
            SELECT p.source_id, p.name, p.company_id, p.billing_method, CASE WHEN p.closed THEN 1 ELSE 0 END AS closed,
                   p.budget_hours_micros AS budget, c.name AS company_name
            FROM projects p
            LEFT JOIN companies c ON c.tenant_id = p.tenant_id AND c.source = p.source AND c.source_id = p.company_id AND c.deleted_at_ms IS NULL
            WHERE p.tenant_id = \(bind: tenant) AND p.deleted_at_ms IS NULL ORDER BY p.source_id
            """).map { row in
            let id = try row.decode(column: "source_id", as: String.self)
            guard let method = Project.BillingMethod(rawValue: try row.decode(column: "billing_method", as: String.self)) else {
                throw KPIError.corruptRow(table: "projects", column: "billing_method")
            }
            let income = Money(revenue[id] ?? 0, currency)
            let work = Money(labor[id]?.cost ?? 0, currency)
            let products = Money(productCost[id] ?? 0, currency)
            let profit = income - work - products
            return ProjectProfit(
                id: ID(id), name: try row.decode(column: "name", as: String.self), companyID: ID(try row.decode(column: "company_id", as: String.self)),
                companyName: try row.decode(column: "company_name", as: String?.self) ?? "", billingMethod: method,
                closed: try row.decode(column: "closed", as: Int64.self) == 1, revenue: income, laborHours: labor[id]?.hours ?? .zero,
                laborCost: work, productCost: products, profit: profit, margin: income.isZero ? nil : profit.amount / income.amount,
                budgetHours: try row.decode(column: "budget", as: Int64?.self).map { Hours(FixedPoint.decimal(micros: $0)) })
        }
    }

    /// Margin of every catalog item sold on invoices dated in `first`…`last`, by category then item. Quantity × price
    /// and quantity × cost are summed by SQL per distinct triple and multiplied exactly here.
    public func productMargins(from first: YearMonth, to last: YearMonth) async throws -> [ProductMargin] {
        let tenant = tenant.id.rawValue
        var items: [String: ProductMargin] = [:]
        for row in try await query("""
            SELECT p.category, p.catalog_item AS item, CASE WHEN p.is_product THEN 1 ELSE 0 END AS is_product,
                   p.quantity_micros AS quantity, p.unit_price_micros AS price, p.unit_cost_micros AS cost, COUNT(*) AS lines
            FROM product_lines p
            JOIN invoices i ON i.tenant_id = p.tenant_id AND i.source = p.source AND i.source_id = p.invoice_id AND i.deleted_at_ms IS NULL
            WHERE p.tenant_id = \(bind: tenant) AND p.deleted_at_ms IS NULL
              AND i.invoice_date BETWEEN \(bind: first.firstDay.yyyymmdd) AND \(bind: last.lastDay.yyyymmdd)
            GROUP BY 1, 2, 3, 4, 5, 6
            """) {
            let (category, item) = (try row.decode(column: "category", as: String.self), try row.decode(column: "item", as: String.self))
            let lines = Int(try row.decode(column: "lines", as: Int64.self))
            let quantity = FixedPoint.decimal(micros: try row.decode(column: "quantity", as: Int64.self)) * Decimal(lines)
            let price = FixedPoint.decimal(micros: try row.decode(column: "price", as: Int64.self))
            let cost = try row.decode(column: "cost", as: Int64?.self).map(FixedPoint.decimal(micros:))
            let key = category + "\u{1F}" + item
            let isProduct = try row.decode(column: "is_product", as: Int64.self) == 1
            var margin = items[key] ?? ProductMargin(
                category: category, catalogItem: item, isProduct: isProduct, lines: 0,
                quantity: 0, revenue: zero, cost: zero, linesWithoutCost: 0)
            margin.lines += lines
            margin.quantity += quantity
            margin.revenue += Money(quantity * price, currency)
            margin.cost += Money(quantity * (cost ?? 0), currency)
            if cost == nil { margin.linesWithoutCost += lines }
            items[key] = margin
        }
        return items.values.sorted { ($0.category, $0.catalogItem) < ($1.category, $1.catalogItem) }
    }

    /// Every client's price gap over the three months ending with `month`, by id.
    public func clientPriceGaps(endingIn month: YearMonth) async throws -> [ClientPriceGap] {
        let agreements = try await agreementProfits(from: month.advanced(by: -2), to: month)
        var invoiced: [ID<Company>: Money] = [:]
        var shadow: [ID<Company>: Money] = [:]
        for agreement in agreements {
            let labor: Money
            switch agreement.billingModel {
            case .fixedFee: labor = agreement.laborRevenue ?? zero
            case .blockHours, .timeAndMaterials: labor = agreement.revenue
            case .licenseResale, .project, .notRevenue: continue
            }
            invoiced[agreement.companyID, default: zero] += labor
            shadow[agreement.companyID, default: zero] += agreement.shadowBillable
        }
        return try await query("""
            SELECT source_id, name FROM companies
            WHERE tenant_id = \(bind: tenant.id.rawValue) AND deleted_at_ms IS NULL AND kind = 'client' ORDER BY source_id
            """).map { row in
            let id = ID<Company>(try row.decode(column: "source_id", as: String.self))
            return ClientPriceGap(
                id: id, name: try row.decode(column: "name", as: String.self), invoicedLabor: invoiced[id] ?? zero, shadowBillable: shadow[id] ?? zero)
        }
    }
}
