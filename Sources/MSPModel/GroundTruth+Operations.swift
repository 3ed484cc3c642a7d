public import Foundation
public import InsightCore

/// Revenue per client, endpoint and member, fixed-fee efficiency and time-entry lag of one reported month, computed
/// from the records by the definitions of `docs/kpis.md`.
public struct MonthOperationsTruth: Sendable, Codable, Equatable {
    public var month: YearMonth
    /// Companies whose MRR in the month is not zero.
    public var recurringClients: Int
    public var mrrPerClient: Money?
    public var mrrPerEndpoint: Money?
    /// Members with a time entry worked in the month.
    public var activeMembers: Int
    public var revenuePerMember: Money?
    /// Revenue of fixed-fee agreements − product value of their additions in force on the 1st.
    public var fixedFeeLaborRevenue: Money
    /// Σ actual hours × hourly rate of entries naming a fixed-fee agreement.
    public var fixedFeeShadowBillable: Money
    public var efficiency: Decimal?
    /// Mean hours from the end of the work (its start without an end) to the entry.
    public var meanTimeEntryLagHours: Decimal?
    /// Entries entered 72 hours or more after the work ended.
    public var lateTimeEntries: Int
    /// Σ actual hours of entries marked billable.
    public var billableHours: Hours
    /// Σ actual hours of entries naming a fixed-fee agreement.
    public var fixedFeeHours: Hours
    /// Σ quantity × unit cost of additions in force on the 1st of fixed-fee and licence agreements in force.
    public var additionCost: Money
    /// Σ quantity × unit cost of product lines on the month's invoices.
    public var productCost: Money
    /// Σ quantity of user-billing additions (`AgreementAddition.billsUsers`) of fixed-fee agreements in force on the 1st.
    public var billedUsers: Decimal
}

/// A project's profitability to date.
public struct ProjectTruth: Sendable, Codable, Equatable {
    public var id: ID<Project>
    public var billingMethod: Project.BillingMethod
    public var revenue: Money
    public var laborHours: Hours
    public var laborCost: Money
    public var productCost: Money
    public var profit: Money
    public var margin: Decimal?
}

/// A catalog item's sales over the reported span.
public struct ProductTruth: Sendable, Codable, Equatable {
    public var category: String
    public var catalogItem: String
    public var isProduct: Bool
    public var lines: Int
    public var quantity: Decimal
    public var revenue: Money
    public var cost: Money
    public var linesWithoutCost: Int
}

/// A client's invoiced labor and shadow billable over the last three reported months.
public struct PriceGapTruth: Sendable, Codable, Equatable {
    public var id: ID<Company>
    public var invoicedLabor: Money
    public var shadowBillable: Money
}

extension GroundTruth {
    /// The monthly operations truths of the reported months, in order.
    static func operations(_ snapshot: MSPSnapshot, months truths: [MonthTruth]) -> [MonthOperationsTruth] {
        let currency = snapshot.currency
        let agreements = Dictionary(uniqueKeysWithValues: snapshot.agreements.map { ($0.id, $0) })
        var companyMRR: [YearMonth: [ID<Company>: Decimal]] = [:]
        for invoice in snapshot.invoices where invoice.kind == .agreement {
            guard let model = invoice.agreementID.flatMap({ agreements[$0] })?.billingModel,
                  model == .fixedFee || model == .licenseResale else { continue }
            companyMRR[invoice.date.yearMonth, default: [:]][invoice.companyID, default: 0] += invoice.subtotal.amount
        }
        var members: [YearMonth: Set<ID<Member>>] = [:]
        var shadow: [YearMonth: Decimal] = [:]
        var billable: [YearMonth: Hours] = [:]
        var fixedFeeHours: [YearMonth: Hours] = [:]
        var lag: [YearMonth: (count: Int, milliseconds: Int64, late: Int)] = [:]
        for entry in snapshot.timeEntries {
            let month = entry.workDate.yearMonth
            members[month, default: []].insert(entry.memberID)
            let delay = entry.enteredAt.rawValue - (entry.endAt ?? entry.startAt).rawValue
            var current = lag[month] ?? (0, 0, 0)
            current.count += 1
            current.milliseconds += delay
            if delay >= 72 * 3_600_000 { current.late += 1 }
            lag[month] = current
            if entry.billableOption == .billable { billable[month, default: .zero] += entry.actualHours }
            if let agreement = entry.agreementID.flatMap({ agreements[$0] }), agreement.billingModel == .fixedFee {
                fixedFeeHours[month, default: .zero] += entry.actualHours
                if let rate = entry.hourlyRate { shadow[month, default: 0] += entry.actualHours.value * rate.amount }
            }
        }
        let additionsByAgreement = Dictionary(grouping: snapshot.additions, by: \.agreementID)
        var productValue: [YearMonth: Decimal] = [:]
        var additionCost: [YearMonth: Decimal] = [:]
        var users: [YearMonth: Decimal] = [:]
        for agreement in snapshot.agreements where agreement.billingModel == .fixedFee || agreement.billingModel == .licenseResale {
            for month in snapshot.reportedMonths where inForce(agreement, on: month.firstDay) {
                for line in additionsByAgreement[agreement.id] ?? [] where line.isActive(on: month.firstDay) {
                    additionCost[month, default: 0] += line.quantity * (line.unitCost?.amount ?? 0)
                    guard agreement.billingModel == .fixedFee else { continue }
                    if line.billsUsers { users[month, default: 0] += line.quantity }
                    productValue[month, default: 0] += ComponentRules.standard.productValue(
                        quantity: line.quantity, unitPrice: line.unitPrice.amount, unitCost: line.unitCost?.amount)
                }
            }
        }
        let invoiceMonths = Dictionary(uniqueKeysWithValues: snapshot.invoices.map { ($0.id, $0.date.yearMonth) })
        var productCost: [YearMonth: Decimal] = [:]
        for line in snapshot.productLines {
            guard let month = line.invoiceID.flatMap({ invoiceMonths[$0] }), let cost = line.unitCost else { continue }
            productCost[month, default: 0] += line.quantity * cost.amount
        }
        return truths.map { truth in
            let month = truth.month
            let clients = (companyMRR[month] ?? [:]).values.filter { $0 != 0 }.count
            let active = members[month]?.count ?? 0
            let laborRevenue = (truth.revenueByKind[RevenueKind.managedServices.rawValue] ?? .zero(currency))
                - Money(productValue[month] ?? 0, currency)
            let shadowBillable = Money(shadow[month] ?? 0, currency)
            let entries = lag[month] ?? (0, 0, 0)
            return MonthOperationsTruth(
                month: month, recurringClients: clients,
                mrrPerClient: clients > 0 ? Money(truth.mrr.amount / Decimal(clients), currency) : nil,
                mrrPerEndpoint: truth.endpoints > 0 ? Money(truth.mrr.amount / Decimal(truth.endpoints), currency) : nil,
                activeMembers: active, revenuePerMember: active > 0 ? Money(truth.revenue.amount / Decimal(active), currency) : nil,
                fixedFeeLaborRevenue: laborRevenue, fixedFeeShadowBillable: shadowBillable,
                efficiency: shadowBillable.isZero ? nil : laborRevenue.amount / shadowBillable.amount,
                meanTimeEntryLagHours: entries.count > 0 ? Decimal(entries.milliseconds) / 3_600_000 / Decimal(entries.count) : nil,
                lateTimeEntries: entries.late, billableHours: billable[month] ?? .zero, fixedFeeHours: fixedFeeHours[month] ?? .zero,
                additionCost: Money(additionCost[month] ?? 0, currency), productCost: Money(productCost[month] ?? 0, currency),
                billedUsers: users[month] ?? 0)
        }
    }

    /// Every project's profitability over all its invoices and time, by id.
    static func projects(_ snapshot: MSPSnapshot) -> [ProjectTruth] {
        let currency = snapshot.currency
        let workTypes = Dictionary(uniqueKeysWithValues: snapshot.workTypes.map { ($0.id, $0) })
        var revenue: [ID<Project>: Decimal] = [:]
        var invoiceProjects: [ID<Invoice>: ID<Project>] = [:]
        for invoice in snapshot.invoices {
            guard let project = invoice.projectID else { continue }
            revenue[project, default: 0] += invoice.subtotal.amount
            invoiceProjects[invoice.id] = project
        }
        var hours: [ID<Project>: Hours] = [:]
        var labor: [ID<Project>: Decimal] = [:]
        for entry in snapshot.timeEntries {
            guard let project = entry.projectID else { continue }
            let multiplier = entry.workTypeID.flatMap { workTypes[$0] }?.costMultiplier ?? 1
            hours[project, default: .zero] += entry.actualHours
            labor[project, default: 0] += entry.actualHours.value * (entry.hourlyCost?.amount ?? 0) * multiplier
        }
        var products: [ID<Project>: Decimal] = [:]
        for line in snapshot.productLines {
            guard let project = line.invoiceID.flatMap({ invoiceProjects[$0] }), let cost = line.unitCost else { continue }
            products[project, default: 0] += line.quantity * cost.amount
        }
        return snapshot.projects.map { project in
            let income = Money(revenue[project.id] ?? 0, currency)
            let work = Money(labor[project.id] ?? 0, currency)
            let goods = Money(products[project.id] ?? 0, currency)
            let profit = income - work - goods
            return ProjectTruth(
                id: project.id, billingMethod: project.billingMethod, revenue: income, laborHours: hours[project.id] ?? .zero,
                laborCost: work, productCost: goods, profit: profit, margin: income.isZero ? nil : profit.amount / income.amount)
        }.sorted { $0.id.rawValue < $1.id.rawValue }
    }

    /// Every catalog item sold on invoices dated in the reported months, by category then item.
    static func products(_ snapshot: MSPSnapshot) -> [ProductTruth] {
        let currency = snapshot.currency
        let reported = Set(snapshot.reportedMonths)
        let invoiceMonths = Dictionary(uniqueKeysWithValues: snapshot.invoices.map { ($0.id, $0.date.yearMonth) })
        var items: [String: ProductTruth] = [:]
        for line in snapshot.productLines {
            guard let month = line.invoiceID.flatMap({ invoiceMonths[$0] }), reported.contains(month) else { continue }
            let key = line.category + "\u{1F}" + line.catalogItem
            var item = items[key] ?? ProductTruth(
                category: line.category, catalogItem: line.catalogItem, isProduct: line.isProduct, lines: 0, quantity: 0,
                revenue: .zero(currency), cost: .zero(currency), linesWithoutCost: 0)
            item.lines += 1
            item.quantity += line.quantity
            item.revenue += Money(line.quantity * line.unitPrice.amount, currency)
            item.cost += Money(line.quantity * (line.unitCost?.amount ?? 0), currency)
            if line.unitCost == nil { item.linesWithoutCost += 1 }
            items[key] = item
        }
        return items.values.sorted { ($0.category, $0.catalogItem) < ($1.category, $1.catalogItem) }
    }

    /// Every client's invoiced labor and shadow billable over the last three reported months, by id.
    static func priceGaps(_ snapshot: MSPSnapshot) -> [PriceGapTruth] {
        let currency = snapshot.currency
        let window = Set(snapshot.reportedMonths.suffix(3))
        let agreements = Dictionary(uniqueKeysWithValues: snapshot.agreements.map { ($0.id, $0) })
        let priced: Set<Agreement.BillingModel> = [.fixedFee, .blockHours, .timeAndMaterials]
        var invoiced: [ID<Company>: Decimal] = [:]
        var shadow: [ID<Company>: Decimal] = [:]
        for invoice in snapshot.invoices where window.contains(invoice.date.yearMonth) {
            guard let agreement = invoice.agreementID.flatMap({ agreements[$0] }), priced.contains(agreement.billingModel) else { continue }
            invoiced[agreement.companyID, default: 0] += invoice.subtotal.amount
        }
        let additionsByAgreement = Dictionary(grouping: snapshot.additions, by: \.agreementID)
        for agreement in snapshot.agreements where agreement.billingModel == .fixedFee {
            for month in window where inForce(agreement, on: month.firstDay) {
                for line in additionsByAgreement[agreement.id] ?? [] where line.isActive(on: month.firstDay) {
                    invoiced[agreement.companyID, default: 0] -= ComponentRules.standard.productValue(
                        quantity: line.quantity, unitPrice: line.unitPrice.amount, unitCost: line.unitCost?.amount)
                }
            }
        }
        for entry in snapshot.timeEntries where window.contains(entry.workDate.yearMonth) {
            guard let agreement = entry.agreementID.flatMap({ agreements[$0] }), priced.contains(agreement.billingModel) else { continue }
            shadow[agreement.companyID, default: 0] += entry.actualHours.value * (entry.hourlyRate?.amount ?? 0)
        }
        return snapshot.companies.filter { $0.kind == .client }.map { company in
            PriceGapTruth(id: company.id, invoicedLabor: Money(invoiced[company.id] ?? 0, currency), shadowBillable: Money(shadow[company.id] ?? 0, currency))
        }.sorted { $0.id.rawValue < $1.id.rawValue }
    }

    /// Open tickets created on or before the snapshot's day, by age in days on that day (`BusinessPosition`'s buckets:
    /// 0-1, 2-7, 8-14, 15-30, 31-60, 61+).
    static func backlog(_ snapshot: MSPSnapshot) -> [String: Int] {
        let day = snapshot.asOfDate
        var backlog = Dictionary(uniqueKeysWithValues: ["0-1", "2-7", "8-14", "15-30", "31-60", "61+"].map { ($0, 0) })
        for ticket in snapshot.tickets where !ticket.closed {
            let created = snapshot.calendar.day(of: ticket.createdAt)
            guard created <= day else { continue }
            let age = created.days(until: day)
            let bucket = switch age {
            case ...1: "0-1"
            case 2...7: "2-7"
            case 8...14: "8-14"
            case 15...30: "15-30"
            case 31...60: "31-60"
            default: "61+"
            }
            backlog[bucket, default: 0] += 1
        }
        return backlog
    }
}

/// A client's open invoices at the snapshot's day.
public struct ClientReceivablesTruth: Sendable, Codable, Equatable {
    public var id: ID<Company>
    public var openInvoices: Int
    public var balance: Money
    public var over60: Money
    public var oldestDaysPastDue: Int
}

extension GroundTruth {
    /// Every client with an open balance at the snapshot's day, by id.
    static func receivablesByClient(_ snapshot: MSPSnapshot) -> [ClientReceivablesTruth] {
        let zero = Money.zero(snapshot.currency)
        var result: [ID<Company>: ClientReceivablesTruth] = [:]
        for invoice in snapshot.invoices where invoice.balance.amount > 0 {
            let late = invoice.dueDate.days(until: snapshot.asOfDate)
            var client = result[invoice.companyID] ?? ClientReceivablesTruth(
                id: invoice.companyID, openInvoices: 0, balance: zero, over60: zero, oldestDaysPastDue: late)
            client.openInvoices += 1
            client.balance += invoice.balance
            if late > 60 { client.over60 += invoice.balance }
            client.oldestDaysPastDue = max(client.oldestDaysPastDue, late)
            result[invoice.companyID] = client
        }
        return result.values.sorted { $0.id.rawValue < $1.id.rawValue }
    }
}

/// One board's tickets over the reported months.
public struct BoardTruth: Sendable, Codable, Equatable {
    public var board: String
    public var opened: Int
    public var reactive: Int
    public var closed: Int
    public var slaDecided: Int
    public var slaMet: Int
}

extension GroundTruth {
    /// Tickets by board over the reported months, by board name.
    static func boards(_ snapshot: MSPSnapshot) -> [BoardTruth] {
        let reported = Set(snapshot.reportedMonths)
        var boards: [String: BoardTruth] = [:]
        for ticket in snapshot.tickets {
            var board = boards[ticket.board] ?? BoardTruth(board: ticket.board, opened: 0, reactive: 0, closed: 0, slaDecided: 0, slaMet: 0)
            if reported.contains(snapshot.calendar.month(of: ticket.createdAt)) {
                board.opened += 1
                if ticket.serviceClass == .reactive { board.reactive += 1 }
                if let met = ticket.slaMet {
                    board.slaDecided += 1
                    if met { board.slaMet += 1 }
                }
            }
            if let closed = ticket.closedAt, reported.contains(snapshot.calendar.month(of: closed)) { board.closed += 1 }
            boards[ticket.board] = board
        }
        return boards.values.filter { $0.opened > 0 || $0.closed > 0 }.sorted { $0.board < $1.board }
    }
}
