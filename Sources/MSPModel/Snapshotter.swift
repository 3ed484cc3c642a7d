import Foundation
import InsightCore

/// Turns the history into the records visible at `asOf`. A record appears once it was created, shows only the
/// changes made by then (and its `updatedAt` is the latest of them), and disappears once deleted.
struct Snapshotter {
    let business: MSPBusiness
    let asOf: Timestamp
    private let history: History
    private let source: PSAKind
    private let currency: CurrencyCode
    private let zone: TimeZone
    private let today: CalendarDate

    init(business: MSPBusiness, asOf: Timestamp) {
        self.business = business
        self.asOf = asOf
        self.history = business.history
        self.source = business.settings.source
        self.currency = business.settings.currency
        self.zone = business.calendar.timeZone
        self.today = CalendarDate(asOf, in: business.calendar.timeZone)
    }

    // Stable id spaces per entity, so that records keep their ids from one snapshot to the next.
    static func companyID(_ index: Int) -> ID<Company> { ID(String(1_000 + index)) }
    static func memberID(_ index: Int) -> ID<Member> { ID(String(100 + index)) }
    static func agreementID(_ index: Int) -> ID<Agreement> { ID(String(20_000 + index)) }
    static func invoiceID(_ index: Int) -> ID<Invoice> { ID(String(100_000 + index)) }
    static func ticketID(_ index: Int) -> ID<Ticket> { ID(String(500_000 + index)) }
    static func projectID(_ index: Int) -> ID<Project> { ID(String(3_000 + index)) }
    static func workTypeID(_ id: Int) -> ID<WorkType> { ID(String(id)) }
    static func workRoleID(_ id: Int) -> ID<WorkRole> { ID(String(id)) }

    private func at(_ day: CalendarDate, minute: Int) -> Timestamp {
        let midnight = history.midnight[day.daysSinceEpoch] ?? day.start(in: zone).rawValue
        return Timestamp(rawValue: midnight + Int64(minute) * 60_000)
    }

    private func money(cents: Int) -> Money {
        Money(Decimal(sign: cents < 0 ? .minus : .plus, exponent: -2, significand: Decimal(cents.magnitude)), currency)
    }
    private func dollars(_ value: Int) -> Money { Money(Decimal(value), currency) }

    func take() -> MSPSnapshot {
        var snapshot = MSPSnapshot(
            asOf: asOf, asOfDate: today, currency: currency, calendar: business.calendar,
            reportedMonths: business.reportedMonths, ownCompanyID: Self.companyID(history.ownCompany))
        let epoch = business.settings.months[0].firstDay.adding(days: -3_000).start(in: zone)
        snapshot.workTypes = Catalog.workTypes.map {
            WorkType(source: source, id: Self.workTypeID($0.id), updatedAt: epoch, name: $0.name, billable: $0.billable,
                     costMultiplier: $0.costMultiplier, countsAsUtilized: $0.utilized, isTimeOff: $0.timeOff)
        }
        snapshot.workRoles = Catalog.Tier.allCases.map {
            WorkRole(source: source, id: Self.workRoleID($0.roleID), updatedAt: epoch, name: $0.roleName, hourlyRate: dollars($0.roleRate))
        }
        snapshot.flaws.workTypesWithZeroMultiplier = Catalog.workTypes.filter { $0.costMultiplier == 0 }.map { Self.workTypeID($0.id) }
        members(into: &snapshot)
        companies(into: &snapshot)
        agreements(into: &snapshot)
        invoices(into: &snapshot)
        let (ticketMinutes, projectMinutes, lastTime) = time(into: &snapshot)
        tickets(into: &snapshot, minutes: ticketMinutes, lastTime: lastTime)
        projects(into: &snapshot, minutes: projectMinutes, lastTime: lastTime)
        expensesAndOpportunities(into: &snapshot)
        return snapshot
    }

    // MARK: People and companies

    private func members(into snapshot: inout MSPSnapshot) {
        for member in history.members {
            let hired = at(member.hired, minute: 8 * 60)
            guard hired <= asOf else { continue }
            let rates = member.rates.filter { at($0.from, minute: 0) <= asOf }.map {
                Member.Rate(effectiveFrom: $0.from, hourlyCost: $0.costCents.map { money(cents: $0) },
                            hourlyRate: $0.rateDollars > 0 ? dollars($0.rateDollars) : nil)
            }
            let left = member.left.flatMap { at($0, minute: 8 * 60) <= asOf ? $0 : nil }
            let updated = max(hired, rates.last.map { at($0.effectiveFrom, minute: 0) } ?? hired, left.map { at($0, minute: 8 * 60) } ?? hired)
            let id = Self.memberID(member.index)
            snapshot.members.append(
                Member(source: source, id: id, updatedAt: updated, identifier: member.identifier, name: member.name,
                       title: member.title, active: left == nil, dailyCapacity: 8, rates: rates))
            if member.tier != nil, member.rates.contains(where: { $0.costCents == nil }) {
                snapshot.flaws.membersWithoutCost.append(id)
            }
        }
    }

    private func companies(into snapshot: inout MSPSnapshot) {
        for company in history.companies {
            let created = at(company.created, minute: 9 * 60)
            guard created <= asOf else { continue }
            var updated = created
            var kind = company.kind
            if let became = company.becameClient {
                if at(became, minute: 0) <= asOf { updated = max(updated, at(became, minute: 0)) } else { kind = .prospect }
            }
            var status = Company.Status.active
            if let churned = company.churned, at(churned, minute: 0) <= asOf {
                status = .inactive
                updated = max(updated, at(churned, minute: 0))
            }
            snapshot.companies.append(
                Company(source: source, id: Self.companyID(company.index), updatedAt: updated, name: company.name, kind: kind,
                        status: status, market: company.market, accountManagerID: company.accountManager.map(Self.memberID)))
        }
        for (index, configuration) in history.configurations.enumerated() {
            let created = at(configuration.created, minute: 7 * 60)
            guard created <= asOf else { continue }
            let deactivated = configuration.deactivated.flatMap { at($0, minute: 0) <= asOf ? at($0, minute: 0) : nil }
            snapshot.configurations.append(
                ConfigurationItem(source: source, id: ID(String(50_000 + index)), updatedAt: deactivated ?? created,
                                  companyID: Self.companyID(configuration.company), name: configuration.name,
                                  kind: configuration.kind, active: deactivated == nil))
        }
    }

    // MARK: Agreements and invoices

    /// Cancellations are entered three days ahead of the day they take effect.
    private func known(_ day: CalendarDate?) -> CalendarDate? {
        guard let day, at(day.adding(days: -3), minute: 9 * 60) <= asOf else { return nil }
        return day
    }

    private func agreements(into snapshot: inout MSPSnapshot) {
        var modelsByCategory: [String: Set<Agreement.BillingModel>] = [:]
        for agreement in history.agreements {
            let created = at(agreement.start.adding(days: -7), minute: 10 * 60)
            guard created <= asOf else { continue }
            var updated = created
            var lines: [AgreementAddition] = []
            for index in agreement.additions {
                let line = history.additions[index]
                let added = at(line.effective.adding(days: -3), minute: 9 * 60)
                guard added <= asOf else { continue }
                let cancelled = known(line.cancelled)
                let lineUpdated = cancelled.map { at($0.adding(days: -3), minute: 9 * 60) } ?? added
                updated = max(updated, lineUpdated)
                let id = ID<AgreementAddition>(String(10_000 + index))
                lines.append(
                    AgreementAddition(source: source, id: id, updatedAt: lineUpdated, agreementID: Self.agreementID(agreement.index),
                                      productIdentifier: line.identifier, description: line.description,
                                      quantity: Decimal(line.quantity), unitPrice: money(cents: line.priceCents),
                                      unitCost: line.costCents.map { money(cents: $0) }, effectiveDate: line.effective,
                                      cancelledDate: cancelled, billedToCustomer: line.billed))
                if line.costCents == nil { snapshot.flaws.additionsWithoutCost.append(id) }
            }
            let cancelled = known(agreement.cancelled)
            if let cancelled { updated = max(updated, at(cancelled.adding(days: -3), minute: 9 * 60)) }
            let status: Agreement.Status =
                cancelled != nil ? .cancelled : (agreement.end.map { $0 < today } ?? false) ? .expired : .active
            if status == .expired, let end = agreement.end { updated = max(updated, at(end.adding(days: 1), minute: 0)) }
            let billing: Money?
            switch agreement.model {
            case .fixedFee, .licenseResale:
                // The contracted monthly amount: billed lines entered and not (yet known to be) cancelled. It moves
                // only when a line is added or cancelled, which moves `updated` too.
                let sum = Money.sum(
                    lines.filter { $0.billedToCustomer && $0.cancelledDate == nil }.map { $0.unitPrice * $0.quantity },
                    currency: currency)
                // No billed lines left (a churned client): no recurring amount, as a PSA shows it.
                billing = sum.isZero ? nil : sum
            case .blockHours: billing = dollars(agreement.blockHours! * agreement.hourlyRate)
            case .project: billing = agreement.project.map { money(cents: history.projects[$0].estimatedRevenueCents) }
            case .timeAndMaterials, .notRevenue: billing = nil
            }
            snapshot.agreements.append(
                Agreement(source: source, id: Self.agreementID(agreement.index), updatedAt: updated, name: agreement.name,
                          companyID: Self.companyID(agreement.company), typeName: agreement.typeName, category: agreement.category,
                          billingModel: agreement.model, billingCycle: agreement.cycle, billingAmount: billing,
                          startDate: agreement.start, endDate: agreement.end, cancelledDate: cancelled, status: status,
                          blockHoursLimit: agreement.blockHours.map { Hours(Decimal($0)) }))
            snapshot.additions += lines
            modelsByCategory[agreement.category, default: []].insert(agreement.model)
        }
        snapshot.flaws.mixedAgreementCategories = modelsByCategory.filter { $0.value.count > 1 }.keys.sorted()
    }

    private func invoices(into snapshot: inout MSPSnapshot) {
        for invoice in history.invoices {
            let created = at(invoice.date, minute: invoice.minute)
            guard created <= asOf else { continue }
            var updated = created
            var settled = 0
            for settlement in invoice.settlements.sorted(by: { $0.day < $1.day }) {
                let time = at(settlement.day, minute: 12 * 60)
                guard time <= asOf else { continue }
                settled += settlement.cents
                updated = max(updated, time)
            }
            let balance = invoice.kind == .credit ? 0 : max(0, invoice.totalCents - settled)
            let id = Self.invoiceID(invoice.index)
            snapshot.invoices.append(
                Invoice(source: source, id: id, updatedAt: updated, number: "INV-\(40_000 + invoice.index)",
                        companyID: Self.companyID(invoice.company), kind: invoice.kind, date: invoice.date,
                        dueDate: invoice.date.adding(days: 30), subtotal: money(cents: invoice.subtotalCents),
                        tax: money(cents: invoice.taxCents), total: money(cents: invoice.totalCents), balance: money(cents: balance),
                        agreementID: invoice.agreement.map(Self.agreementID), projectID: invoice.project.map(Self.projectID)))
        }
        for (index, line) in history.productLines.enumerated() {
            let invoice = history.invoices[line.invoice]
            let created = at(invoice.date, minute: invoice.minute)
            guard created <= asOf else { continue }
            let product = Catalog.products[line.product]
            snapshot.productLines.append(
                ProductLine(source: source, id: ID(String(300_000 + index)), updatedAt: created,
                            companyID: Self.companyID(line.company), catalogItem: product.identifier,
                            description: product.description, category: product.category, isProduct: product.isProduct,
                            quantity: Decimal(line.quantity), unitPrice: money(cents: product.priceCents),
                            unitCost: money(cents: product.costCents), invoiceID: Self.invoiceID(line.invoice), agreementID: nil))
        }
    }

    // MARK: Time

    /// Time entries, plus the minutes visible per ticket and project and the last time entry per ticket.
    private func time(into snapshot: inout MSPSnapshot) -> ([Int: Int], [Int: Int], [Int: Timestamp]) {
        let quarterHours = (0...64).map { Hours(minutes: $0 * 15) }
        let zero = Hours.zero
        let options = TimeEntry.BillableOption.allCases
        let charges = TimeEntry.ChargeKind.allCases
        // Costs per member rate, rates per role and agreement, made once (a `large` business has a million entries).
        let memberCosts = history.members.map { member in member.rates.map { ($0.from.daysSinceEpoch, $0.costCents.map { money(cents: $0) }) } }
        let roleRates = Dictionary(uniqueKeysWithValues: Catalog.Tier.allCases.map { ($0.roleID, dollars($0.roleRate)) })
        let projectRate = dollars(185)
        let agreementRates = history.agreements.map { dollars($0.hourlyRate) }
        let memberIDs = history.members.map { Self.memberID($0.index) }
        let companyIDs = history.companies.map { Self.companyID($0.index) }
        let workTypeIDs = (0...Catalog.workTypes.count).map { Self.workTypeID($0) }
        let roleIDs = (0...Catalog.Tier.allCases.count).map { Self.workRoleID($0) }
        var ticketMinutes: [Int: Int] = [:]
        var projectMinutes: [Int: Int] = [:]
        var lastTime: [Int: Timestamp] = [:]
        snapshot.timeEntries.reserveCapacity(history.time.count)
        for (index, fact) in history.time.enumerated() {
            let start = at(CalendarDate(daysSinceEpoch: Int(fact.day)), minute: Int(fact.startMinute))
            let end = start.adding(minutes: Int64(fact.minutes))
            let entered = end.adding(minutes: Int64(fact.enteredDelay))
            guard entered <= asOf else { continue }
            let id = ID<TimeEntry>(String(1_000_000 + index))
            if fact.deletedDelay >= 0 {
                let deleted = entered.adding(minutes: Int64(fact.deletedDelay))
                if deleted <= asOf {
                    snapshot.deleted.append(DeletedRecord(table: "time_entries", id: id.rawValue, deletedAt: deleted))
                    // The ticket's and project's hours drop: their update time moves with it.
                    if fact.ticket >= 0 { lastTime[Int(fact.ticket)] = max(lastTime[Int(fact.ticket)] ?? deleted, deleted) }
                    if fact.project >= 0 { lastTime[-1 - Int(fact.project)] = max(lastTime[-1 - Int(fact.project)] ?? deleted, deleted) }
                    continue
                }
            }
            let day = CalendarDate(daysSinceEpoch: Int(fact.day))
            var updated = entered
            var invoice: ID<Invoice>?
            if fact.invoice >= 0 {
                let bill = history.invoices[Int(fact.invoice)]
                let billed = at(bill.date, minute: bill.minute)
                if billed <= asOf {
                    invoice = Self.invoiceID(Int(fact.invoice))
                    updated = max(updated, billed)
                }
            }
            let costs = memberCosts[Int(fact.member)]
            let cost = costs.last { $0.0 <= Int(fact.day) }?.1 ?? nil
            let rate: Money?
            if fact.project >= 0 {
                rate = projectRate
            } else if fact.agreement >= 0, [.timeAndMaterials, .blockHours].contains(history.agreements[Int(fact.agreement)].model) {
                rate = agreementRates[Int(fact.agreement)]
            } else {
                rate = roleRates[Int(fact.role)]
            }
            let option = options[Int(fact.option)]
            let hours = quarterHours[Int(fact.minutes) / 15]
            let charge = charges[Int(fact.charge)]
            snapshot.timeEntries.append(
                TimeEntry(source: source, id: id, updatedAt: updated, memberID: memberIDs[Int(fact.member)],
                          companyID: fact.company >= 0 ? companyIDs[Int(fact.company)] : nil, chargeKind: charge,
                          ticketID: fact.ticket >= 0 ? Self.ticketID(Int(fact.ticket)) : nil,
                          projectID: fact.project >= 0 ? Self.projectID(Int(fact.project)) : nil,
                          agreementID: fact.agreement >= 0 ? Self.agreementID(Int(fact.agreement)) : nil,
                          workTypeID: workTypeIDs[Int(fact.workType)], workRoleID: roleIDs[Int(fact.role)],
                          billableOption: option, workDate: day, startAt: start, endAt: end, enteredAt: entered,
                          actualHours: hours, billedHours: option == .billable ? hours : zero, hourlyRate: rate,
                          hourlyCost: cost, invoiceID: invoice))
            if fact.enteredDelay >= 3 * 1_440 { snapshot.flaws.lateTimeEntries.append(id) }
            if fact.project >= 0 && fact.agreement >= 0 { snapshot.flaws.timeOnAgreementAndProject.append(id) }
            if fact.ticket >= 0 {
                ticketMinutes[Int(fact.ticket), default: 0] += Int(fact.minutes)
                lastTime[Int(fact.ticket)] = max(lastTime[Int(fact.ticket)] ?? entered, entered)
            }
            if fact.project >= 0 {
                projectMinutes[Int(fact.project), default: 0] += Int(fact.minutes)
                lastTime[-1 - Int(fact.project)] = max(lastTime[-1 - Int(fact.project)] ?? entered, entered)
            }
        }
        return (ticketMinutes, projectMinutes, lastTime)
    }

    // MARK: Tickets, projects, expenses, opportunities

    private func tickets(into snapshot: inout MSPSnapshot, minutes: [Int: Int], lastTime: [Int: Timestamp]) {
        let priorityNames = Dictionary(uniqueKeysWithValues: Catalog.priorities.map { ($0.0.1, $0.0.0) })
        for ticket in history.tickets {
            guard ticket.created <= asOf else { continue }
            let id = Self.ticketID(ticket.index)
            if let deleted = ticket.deleted, deleted <= asOf {
                snapshot.deleted.append(DeletedRecord(table: "tickets", id: id.rawValue, deletedAt: deleted))
                continue
            }
            let response = ticket.firstResponse.flatMap { $0 <= asOf ? $0 : nil }
            let resolved = ticket.resolved.flatMap { $0 <= asOf ? $0 : nil }
            let closed = ticket.closed.flatMap { $0 <= asOf ? $0 : nil }
            let status = closed != nil ? "Closed" : resolved != nil ? "Resolved" : response != nil ? "In Progress" : "New"
            let slaMet = ticket.slaMinutes.flatMap { sla in resolved.map { $0.rawValue - ticket.created.rawValue <= sla * 60_000 } }
            let updated = [ticket.created, response, resolved, closed, lastTime[ticket.index]].compactMap { $0 }.max()!
            snapshot.tickets.append(
                Ticket(source: source, id: id, updatedAt: updated, summary: ticket.summary, board: ticket.board, type: ticket.type,
                       subtype: ticket.subtype, item: ticket.item, serviceClass: ticket.serviceClass, status: status,
                       closed: closed != nil, priority: priorityNames[ticket.priorityLevel] ?? "Priority 3 - Normal",
                       priorityLevel: ticket.priorityLevel, companyID: Self.companyID(ticket.company),
                       agreementID: ticket.agreement.map(Self.agreementID), projectID: ticket.project.map(Self.projectID),
                       createdAt: ticket.created, firstResponseAt: response, resolvedAt: resolved, closedAt: closed,
                       slaMet: slaMet, budgetHours: ticket.budgetMinutes.map { Hours(minutes: $0) },
                       actualHours: Hours(minutes: minutes[ticket.index] ?? 0)))
        }
    }

    private func projects(into snapshot: inout MSPSnapshot, minutes: [Int: Int], lastTime: [Int: Timestamp]) {
        for project in history.projects {
            let created = at(project.start.adding(days: -5), minute: 9 * 60)
            guard created <= asOf else { continue }
            let closedAt = at(project.end.adding(days: 1), minute: 9 * 60)
            let startedAt = at(project.start, minute: 0)
            let closed = closedAt <= asOf
            let status = closed ? "Closed" : startedAt > asOf ? "Scheduled" : "In Progress"
            let updated = [created, startedAt <= asOf ? startedAt : nil, closed ? closedAt : nil, lastTime[-1 - project.index]]
                .compactMap { $0 }.max()!
            snapshot.projects.append(
                Project(source: source, id: Self.projectID(project.index), updatedAt: updated,
                        name: project.name, companyID: Self.companyID(project.company),
                        agreementID: project.agreement.map(Self.agreementID), billingMethod: project.method,
                        budgetHours: Hours(Decimal(project.budgetHours)), actualHours: Hours(minutes: minutes[project.index] ?? 0),
                        estimatedRevenue: money(cents: project.estimatedRevenueCents),
                        estimatedCost: money(cents: project.estimatedCostCents), status: status, closed: closed,
                        startDate: project.start, endDate: project.end))
        }
    }

    private func expensesAndOpportunities(into snapshot: inout MSPSnapshot) {
        for (index, expense) in history.expenses.enumerated() {
            let entered = at(expense.day.adding(days: expense.enteredDelayDays), minute: 9 * 60)
            guard entered <= asOf else { continue }
            snapshot.expenses.append(
                ExpenseEntry(source: source, id: ID(String(700_000 + index)), updatedAt: entered,
                             memberID: Self.memberID(expense.member), companyID: Self.companyID(expense.company), date: expense.day,
                             amount: money(cents: expense.cents), billable: false, invoiceID: nil))
        }
        let stages: [(String, Decimal)] = [
            ("Prospecting", Decimal(string: "0.1")!), ("Qualification", Decimal(string: "0.25")!),
            ("Proposal", Decimal(string: "0.5")!), ("Negotiation", Decimal(string: "0.75")!),
        ]
        for (index, opportunity) in history.opportunities.enumerated() {
            let created = at(opportunity.created, minute: 9 * 60)
            guard created <= asOf else { continue }
            let closes = at(opportunity.closes, minute: 16 * 60)
            let stage: String
            let probability: Decimal
            let outcome: Opportunity.Outcome
            let updated: Timestamp
            if closes <= asOf {
                outcome = opportunity.outcome
                stage = outcome == .won ? "Closed Won" : "Closed Lost"
                probability = outcome == .won ? 1 : 0
                updated = closes
            } else {
                // Open deals move through four stages evenly between creation and close.
                let length = max(1, closes.rawValue - created.rawValue)
                let step = min(3, Int((asOf.rawValue - created.rawValue) * 4 / length))
                (stage, probability) = stages[step]
                outcome = .open
                updated = Timestamp(rawValue: created.rawValue + length * Int64(step) / 4)
            }
            snapshot.opportunities.append(
                Opportunity(source: source, id: ID(String(6_000 + index)), updatedAt: updated, name: opportunity.name,
                            companyID: Self.companyID(opportunity.company), stage: stage, outcome: outcome,
                            oneTimeValue: money(cents: opportunity.oneTimeCents), recurringValue: money(cents: opportunity.recurringCents),
                            probability: probability, expectedCloseDate: opportunity.closes,
                            closedDate: outcome == .open ? nil : opportunity.closes, salesMemberID: opportunity.salesMember.map(Self.memberID)))
        }
    }
}
