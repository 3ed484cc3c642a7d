public import Foundation
public import InsightCore

/// The true value of the core numbers of one month, computed from the records, never through the store.
public struct MonthTruth: Sendable, Codable, Equatable {
    public var month: YearMonth
    /// Σ invoice subtotals dated in the month (credit memos negative).
    public var revenue: Money
    /// Revenue by ``RevenueKind`` raw value.
    public var revenueByKind: [String: Money]
    /// Monthly recurring revenue: Σ subtotals of the month's agreement invoices of fixed-fee and licence agreements.
    public var mrr: Money
    public var arr: Money
    /// MRR ÷ revenue.
    public var recurringShare: Decimal?
    /// Σ actual hours of time entries worked in the month, by ``LaborClass`` raw value.
    public var laborHours: [String: Hours]
    /// Σ actual hours × the entry's hourly cost × its work type's cost multiplier, by class (no cost counts 0).
    public var laborCost: [String: Money]
    /// (Revenue − products − licence resale) ÷ hours on client work (ticket, project and agreement time).
    public var effectiveHourlyRate: Money?
    /// Members who logged time in the month × weekdays × daily capacity − their time-off hours.
    public var availableHours: Hours
    /// Hours of work types that count as utilized.
    public var utilizedHours: Hours
    /// Utilized ÷ available.
    public var utilization: Decimal?
    /// Tickets created in the month (deleted ones excluded), and the reactive ones.
    public var ticketsOpened: Int
    public var reactiveTickets: Int
    /// Workstations and servers of companies with a non-project agreement in force on the 1st.
    public var endpoints: Int
    public var ticketsPerEndpoint: Decimal?
    public var reactiveTicketsPerEndpoint: Decimal?
    /// Means over reactive tickets created in the month, in minutes, of those responded to / resolved.
    public var meanFirstResponseMinutes: Decimal?
    public var meanResolutionMinutes: Decimal?
    /// Met ÷ (met + missed) over tickets created in the month whose SLA is decided.
    public var slaCompliance: Decimal?
    /// Opportunities closed in the month.
    public var won: Int
    public var wonOneTimeValue: Money
    public var wonRecurringValue: Money
    public var lost: Int
    public var lostOneTimeValue: Money
    public var lostRecurringValue: Money
}

/// Profitability of one agreement over the reported span.
public struct AgreementTruth: Sendable, Codable, Equatable {
    public var id: ID<Agreement>
    public var companyID: ID<Company>
    public var billingModel: Agreement.BillingModel
    /// Σ subtotals of invoices naming the agreement.
    public var revenue: Money
    public var laborHours: Hours
    /// Labor cost of time entries naming the agreement.
    public var laborCost: Money
    /// Σ over months of Σ quantity × unit cost of additions in force on the 1st (no cost counts 0).
    public var additionCost: Money
    /// Revenue − labor cost − addition cost.
    public var profit: Money
    /// Profit ÷ revenue.
    public var margin: Decimal?
    /// Σ actual hours × the hourly rate on each time entry naming the agreement: the work's value billed hourly.
    public var shadowBillable: Money
    /// Fixed-fee agreements: Σ over months of the product value (``ComponentRules/standard``) of additions in force
    /// on the 1st; zero for other agreements.
    public var productValue: Money
    /// Fixed-fee agreements: revenue − product value; `nil` for other agreements.
    public var laborRevenue: Money?
    /// Labor revenue ÷ shadow billable; `nil` without either.
    public var efficiency: Decimal?
    /// The client's workstations and servers.
    public var endpoints: Int
    /// Hours ÷ reported months ÷ endpoints; `nil` without endpoints.
    public var hoursPerEndpoint: Hours?
    /// Revenue ÷ reported months ÷ endpoints; `nil` without endpoints.
    public var revenuePerEndpoint: Money?
}

/// Profitability of one client over the reported span.
public struct ClientTruth: Sendable, Codable, Equatable {
    public var id: ID<Company>
    public var name: String
    public var revenue: Money
    public var laborCost: Money
    public var additionCost: Money
    /// Σ quantity × unit cost of product lines on the client's invoices.
    public var productCost: Money
    /// Revenue − labor cost − addition cost − product cost.
    public var grossProfit: Money
    public var margin: Decimal?
    /// 1 for the greatest gross profit among clients (ties by id).
    public var rank: Int
    /// 1 for the most profitable fifth of clients … 5 for the least.
    public var quintile: Int
    /// Σ gross profit of clients ranked 1…rank ÷ Σ gross profit of all clients; `nil` when that total is not positive.
    public var cumulativeProfitShare: Decimal?
}

/// The true numbers of a snapshot: the oracle every KPI test compares against.
public struct GroundTruth: Sendable, Codable, Equatable {
    public var currency: CurrencyCode
    public var asOf: Timestamp
    public var months: [MonthTruth]
    /// The MRR bridge, retention, concentration, ticket flow and unbilled labor of each reported month (same order).
    public var growth: [MonthGrowthTruth]
    /// Revenue per client, endpoint and member, fixed-fee efficiency and time-entry lag of each reported month.
    public var operations: [MonthOperationsTruth]
    /// Every project's profitability to date, by id.
    public var projects: [ProjectTruth]
    /// Every catalog item sold in the reported months, by category then item.
    public var products: [ProductTruth]
    /// Every client's price gap over the last three reported months, by id.
    public var priceGaps: [PriceGapTruth]
    /// Every member with time in the reported months, by id.
    public var people: [MemberTruth]
    /// Every client with an open balance at `asOf`, by id.
    public var receivablesByClient: [ClientReceivablesTruth]
    /// Tickets by board over the reported months, by board.
    public var boards: [BoardTruth]
    /// Receivables against sales, the open pipeline and project burn at `asOf`.
    public var position: PositionTruth
    /// Totals over the reported span.
    public var revenue: Money
    public var revenueByKind: [String: Money]
    public var laborHours: [String: Hours]
    public var laborCost: [String: Money]
    public var agreements: [AgreementTruth]
    public var clients: [ClientTruth]
    /// Open balances at `asOf` by days past due: `current` (not yet due), `1-30`, `31-60`, `61-90`, `90+`.
    public var receivablesByAge: [String: Money]
    public var flaws: InjectedFlaws
    /// Record counts per table.
    public var counts: [String: Int]

    /// The ageing bucket of an invoice `daysPastDue` days past its due date.
    public static func ageBucket(daysPastDue: Int) -> String {
        switch daysPastDue {
        case ...0: "current"
        case 1...30: "1-30"
        case 31...60: "31-60"
        case 61...90: "61-90"
        default: "90+"
        }
    }

    /// Computes the truth of `snapshot`.
    public init(_ snapshot: MSPSnapshot) {
        let currency = snapshot.currency
        let zero = Money.zero(currency)
        let reported = Set(snapshot.reportedMonths)
        let agreements = Dictionary(uniqueKeysWithValues: snapshot.agreements.map { ($0.id, $0) })
        let workTypes = Dictionary(uniqueKeysWithValues: snapshot.workTypes.map { ($0.id, $0) })
        let ticketClasses = Dictionary(uniqueKeysWithValues: snapshot.tickets.map { ($0.id, $0.serviceClass) })
        let calendar = snapshot.calendar

        struct Month {
            var revenue: [RevenueKind: Money] = [:]
            var mrr = Decimal(0)
            var hours: [LaborClass: Hours] = [:]
            var cost: [LaborClass: Decimal] = [:]
            var clientHours = Hours.zero
            var utilized = Hours.zero
            var timeOffByMember: [ID<Member>: Hours] = [:]
            var members = Set<ID<Member>>()
            var opened = 0
            var reactive = 0
            var responseMinutes: [Decimal] = []
            var resolutionMinutes: [Decimal] = []
            var slaMet = 0
            var slaDecided = 0
            var won = 0, lost = 0
            var wonOneTime = Decimal(0), wonRecurring = Decimal(0), lostOneTime = Decimal(0), lostRecurring = Decimal(0)
        }
        var months = Dictionary(uniqueKeysWithValues: snapshot.reportedMonths.map { ($0, Month()) })
        var agreementRevenue: [ID<Agreement>: Decimal] = [:]
        var agreementHours: [ID<Agreement>: Hours] = [:]
        var agreementLabor: [ID<Agreement>: Decimal] = [:]
        var agreementShadow: [ID<Agreement>: Decimal] = [:]
        var clientRevenue: [ID<Company>: Decimal] = [:]
        var clientLabor: [ID<Company>: Decimal] = [:]
        var clientProductCost: [ID<Company>: Decimal] = [:]

        for invoice in snapshot.invoices where reported.contains(invoice.date.yearMonth) {
            let kind = RevenueKind.of(invoice, agreements: agreements)
            months[invoice.date.yearMonth]!.revenue[kind, default: zero] += invoice.subtotal
            if invoice.kind == .agreement, kind == .managedServices || kind == .licenseResale {
                months[invoice.date.yearMonth]!.mrr += invoice.subtotal.amount
            }
            if let agreement = invoice.agreementID { agreementRevenue[agreement, default: 0] += invoice.subtotal.amount }
            clientRevenue[invoice.companyID, default: 0] += invoice.subtotal.amount
        }
        let invoiceMonths = Dictionary(uniqueKeysWithValues: snapshot.invoices.map { ($0.id, $0.date.yearMonth) })
        for line in snapshot.productLines {
            guard let invoice = line.invoiceID, let month = invoiceMonths[invoice], reported.contains(month) else { continue }
            clientProductCost[line.companyID, default: 0] += (line.unitCost?.amount ?? 0) * line.quantity
        }
        for entry in snapshot.timeEntries {
            let month = entry.workDate.yearMonth
            guard months[month] != nil else { continue }
            let workType = entry.workTypeID.flatMap { workTypes[$0] }
            let cost = entry.actualHours.value * (entry.hourlyCost?.amount ?? 0) * (workType?.costMultiplier ?? 1)
            let laborClass = LaborClass.of(entry, ticketClasses: ticketClasses)
            months[month]!.hours[laborClass, default: .zero] += entry.actualHours
            months[month]!.cost[laborClass, default: 0] += cost
            months[month]!.members.insert(entry.memberID)
            if workType?.countsAsUtilized == true { months[month]!.utilized += entry.actualHours }
            if workType?.isTimeOff == true { months[month]!.timeOffByMember[entry.memberID, default: .zero] += entry.actualHours }
            if [.ticket, .projectTicket, .project, .agreement].contains(entry.chargeKind) {
                months[month]!.clientHours += entry.actualHours
            }
            if let agreement = entry.agreementID {
                agreementHours[agreement, default: .zero] += entry.actualHours
                agreementLabor[agreement, default: 0] += cost
                agreementShadow[agreement, default: 0] += entry.actualHours.value * (entry.hourlyRate?.amount ?? 0)
            }
            if let company = entry.companyID { clientLabor[company, default: 0] += cost }
        }
        for ticket in snapshot.tickets {
            let month = calendar.month(of: ticket.createdAt)
            guard months[month] != nil else { continue }
            months[month]!.opened += 1
            if let met = ticket.slaMet {
                months[month]!.slaDecided += 1
                if met { months[month]!.slaMet += 1 }
            }
            guard ticket.serviceClass == .reactive else { continue }
            months[month]!.reactive += 1
            if let response = ticket.firstResponseAt {
                months[month]!.responseMinutes.append(Decimal(response.rawValue - ticket.createdAt.rawValue) / 60_000)
            }
            if let resolved = ticket.resolvedAt {
                months[month]!.resolutionMinutes.append(Decimal(resolved.rawValue - ticket.createdAt.rawValue) / 60_000)
            }
        }
        for opportunity in snapshot.opportunities {
            guard let closed = opportunity.closedDate, months[closed.yearMonth] != nil else { continue }
            if opportunity.outcome == .won {
                months[closed.yearMonth]!.won += 1
                months[closed.yearMonth]!.wonOneTime += opportunity.oneTimeValue.amount
                months[closed.yearMonth]!.wonRecurring += opportunity.recurringValue.amount
            } else if opportunity.outcome == .lost {
                months[closed.yearMonth]!.lost += 1
                months[closed.yearMonth]!.lostOneTime += opportunity.oneTimeValue.amount
                months[closed.yearMonth]!.lostRecurring += opportunity.recurringValue.amount
            }
        }

        // Addition cost per agreement: lines in force on each reported month's 1st, while the agreement is.
        var additionCost: [ID<Agreement>: Decimal] = [:]
        var productValue: [ID<Agreement>: Decimal] = [:]
        let additionsByAgreement = Dictionary(grouping: snapshot.additions, by: \.agreementID)
        for agreement in snapshot.agreements where agreement.billingModel == .fixedFee || agreement.billingModel == .licenseResale {
            for month in snapshot.reportedMonths where Self.inForce(agreement, on: month.firstDay) {
                for line in additionsByAgreement[agreement.id] ?? [] where line.isActive(on: month.firstDay) {
                    additionCost[agreement.id, default: 0] += line.quantity * (line.unitCost?.amount ?? 0)
                    if agreement.billingModel == .fixedFee {
                        productValue[agreement.id, default: 0] += ComponentRules.standard.productValue(
                            quantity: line.quantity, unitPrice: line.unitPrice.amount, unitCost: line.unitCost?.amount)
                    }
                }
            }
        }
        // Endpoints per month: workstations and servers of companies with a non-project agreement in force.
        let endpointsByCompany = Dictionary(grouping: snapshot.configurations.filter { $0.kind == .workstation || $0.kind == .server },
                                            by: \.companyID).mapValues(\.count)
        let recurringAgreements = snapshot.agreements.filter { $0.billingModel != .project }
        let reportedCount = Decimal(snapshot.reportedMonths.count)

        let truths = snapshot.reportedMonths.map { month in
            let data = months[month]!
            let revenue = Money.sum(data.revenue.values, currency: currency)
            let services = revenue - (data.revenue[.products] ?? zero) - (data.revenue[.licenseResale] ?? zero)
            let mrr = Money(data.mrr, currency)
            let weekdays = month.days.filter { !$0.isWeekend }.count
            let capacity = snapshot.members.filter { data.members.contains($0.id) }
                .reduce(Hours.zero) { $0 + $1.dailyCapacity * Decimal(weekdays) }
            let available = capacity - data.timeOffByMember.values.sum()
            let companiesInForce = Set(recurringAgreements.filter { Self.inForce($0, on: month.firstDay) }.map(\.companyID))
            let endpoints = companiesInForce.reduce(0) { $0 + (endpointsByCompany[$1] ?? 0) }
            return MonthTruth(
                month: month, revenue: revenue,
                revenueByKind: Dictionary(uniqueKeysWithValues: RevenueKind.allCases.map { ($0.rawValue, data.revenue[$0] ?? zero) }),
                mrr: mrr, arr: mrr * Decimal(12), recurringShare: revenue.isZero ? nil : data.mrr / revenue.amount,
                laborHours: Dictionary(uniqueKeysWithValues: LaborClass.allCases.map { ($0.rawValue, data.hours[$0] ?? .zero) }),
                laborCost: Dictionary(uniqueKeysWithValues: LaborClass.allCases.map { ($0.rawValue, Money(data.cost[$0] ?? 0, currency)) }),
                effectiveHourlyRate: data.clientHours == .zero ? nil : Money(services.amount / data.clientHours.value, currency),
                availableHours: available, utilizedHours: data.utilized,
                utilization: available.value > 0 ? data.utilized.value / available.value : nil,
                ticketsOpened: data.opened, reactiveTickets: data.reactive, endpoints: endpoints,
                ticketsPerEndpoint: endpoints > 0 ? Decimal(data.opened) / Decimal(endpoints) : nil,
                reactiveTicketsPerEndpoint: endpoints > 0 ? Decimal(data.reactive) / Decimal(endpoints) : nil,
                meanFirstResponseMinutes: Self.mean(data.responseMinutes),
                meanResolutionMinutes: Self.mean(data.resolutionMinutes),
                slaCompliance: data.slaDecided > 0 ? Decimal(data.slaMet) / Decimal(data.slaDecided) : nil,
                won: data.won, wonOneTimeValue: Money(data.wonOneTime, currency),
                wonRecurringValue: Money(data.wonRecurring, currency), lost: data.lost,
                lostOneTimeValue: Money(data.lostOneTime, currency), lostRecurringValue: Money(data.lostRecurring, currency))
        }
        self.months = truths
        self.growth = Self.growth(snapshot, months: truths)
        self.operations = Self.operations(snapshot, months: truths)
        self.projects = Self.projects(snapshot)
        self.products = Self.products(snapshot)
        self.priceGaps = Self.priceGaps(snapshot)
        self.position = Self.position(snapshot)
        self.currency = currency
        self.asOf = snapshot.asOf
        self.revenue = Money.sum(truths.map(\.revenue), currency: currency)
        self.revenueByKind = Dictionary(uniqueKeysWithValues: RevenueKind.allCases.map { kind in
            (kind.rawValue, Money.sum(truths.map { $0.revenueByKind[kind.rawValue] ?? zero }, currency: currency))
        })
        self.laborHours = Dictionary(uniqueKeysWithValues: LaborClass.allCases.map { laborClass in
            (laborClass.rawValue, truths.map { $0.laborHours[laborClass.rawValue] ?? .zero }.sum())
        })
        self.laborCost = Dictionary(uniqueKeysWithValues: LaborClass.allCases.map { laborClass in
            (laborClass.rawValue, Money.sum(truths.map { $0.laborCost[laborClass.rawValue] ?? zero }, currency: currency))
        })
        self.agreements = snapshot.agreements.map { agreement in
            let revenue = Money(agreementRevenue[agreement.id] ?? 0, currency)
            let labor = Money(agreementLabor[agreement.id] ?? 0, currency)
            let additions = Money(additionCost[agreement.id] ?? 0, currency)
            let profit = revenue - labor - additions
            let shadow = Money(agreementShadow[agreement.id] ?? 0, currency)
            let products = Money(productValue[agreement.id] ?? 0, currency)
            let laborRevenue = agreement.billingModel == .fixedFee ? revenue - products : nil
            let nodes = endpointsByCompany[agreement.companyID] ?? 0
            return AgreementTruth(
                id: agreement.id, companyID: agreement.companyID, billingModel: agreement.billingModel, revenue: revenue,
                laborHours: agreementHours[agreement.id] ?? .zero, laborCost: labor, additionCost: additions, profit: profit,
                margin: revenue.isZero ? nil : profit.amount / revenue.amount, shadowBillable: shadow, productValue: products,
                laborRevenue: laborRevenue,
                efficiency: laborRevenue.flatMap { shadow.isZero ? nil : $0.amount / shadow.amount },
                endpoints: nodes,
                hoursPerEndpoint: nodes > 0 ? Hours((agreementHours[agreement.id] ?? .zero).value / reportedCount / Decimal(nodes)) : nil,
                revenuePerEndpoint: nodes > 0 ? Money(revenue.amount / reportedCount / Decimal(nodes), currency) : nil)
        }
        let additionCostByClient = Dictionary(grouping: self.agreements, by: \.companyID)
            .mapValues { Money.sum($0.map(\.additionCost), currency: currency) }
        self.clients = snapshot.companies.filter { $0.kind == .client }.map { company in
            let revenue = Money(clientRevenue[company.id] ?? 0, currency)
            let labor = Money(clientLabor[company.id] ?? 0, currency)
            let additions = additionCostByClient[company.id] ?? zero
            let products = Money(clientProductCost[company.id] ?? 0, currency)
            let profit = revenue - labor - additions - products
            return ClientTruth(
                id: company.id, name: company.name, revenue: revenue, laborCost: labor, additionCost: additions,
                productCost: products, grossProfit: profit, margin: revenue.isZero ? nil : profit.amount / revenue.amount,
                rank: 0, quintile: 0, cumulativeProfitShare: nil)
        }
        let byProfit = self.clients.sorted {
            $0.grossProfit.amount != $1.grossProfit.amount ? $0.grossProfit.amount > $1.grossProfit.amount : $0.id.rawValue < $1.id.rawValue
        }
        let ranks = Dictionary(uniqueKeysWithValues: byProfit.enumerated().map { ($1.id, $0 + 1) })
        let totalProfit = byProfit.reduce(Decimal(0)) { $0 + $1.grossProfit.amount }
        var cumulative: [ID<Company>: Decimal] = [:]
        var running = Decimal(0)
        for client in byProfit {
            running += client.grossProfit.amount
            cumulative[client.id] = running
        }
        for index in self.clients.indices {
            let rank = ranks[self.clients[index].id]!
            self.clients[index].rank = rank
            self.clients[index].quintile = (rank - 1) * 5 / self.clients.count + 1
            self.clients[index].cumulativeProfitShare = totalProfit > 0 ? cumulative[self.clients[index].id]! / totalProfit : nil
        }
        var ageing = Dictionary(uniqueKeysWithValues: ["current", "1-30", "31-60", "61-90", "90+"].map { ($0, zero) })
        for invoice in snapshot.invoices where invoice.balance.amount > 0 {
            ageing[Self.ageBucket(daysPastDue: invoice.dueDate.days(until: snapshot.asOfDate)), default: zero] += invoice.balance
        }
        self.receivablesByAge = ageing
        self.people = Self.people(snapshot, agreements: self.agreements)
        self.receivablesByClient = Self.receivablesByClient(snapshot)
        self.boards = Self.boards(snapshot)
        self.flaws = snapshot.flaws
        self.counts = Dictionary(uniqueKeysWithValues: snapshot.counts)
    }

    /// Whether `agreement` is in force on `day`: started, not cancelled, not past its end.
    static func inForce(_ agreement: Agreement, on day: CalendarDate) -> Bool {
        agreement.startDate <= day && (agreement.cancelledDate.map { day < $0 } ?? true)
            && (agreement.endDate.map { day <= $0 } ?? true)
    }

    private static func mean(_ values: [Decimal]) -> Decimal? {
        values.isEmpty ? nil : values.reduce(0, +) / Decimal(values.count)
    }
}
