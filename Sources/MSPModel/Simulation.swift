import Foundation
import InsightCore

/// Runs the MSP month by month and records what happens. Distributions are stated where they are drawn and
/// summarised in docs/demo-data.md.
struct Simulation {
    let settings: GeneratorSettings
    let timeZone: TimeZone
    /// Reported months plus one future month, so that a later snapshot (`advanced(byDays:)`) has news to show.
    let months: [YearMonth]
    var random: SeededRandom
    var history = History()

    // Rates in force for injected flaws, recorded in the ground truth and docs/demo-data.md.
    static let additionWithoutCostRate = 0.03
    static let lateTimeEntryRate = 0.04
    static let doubleCodedProjectTimeRate = 0.02
    /// Every Nth block agreement sits in the "Managed Services" category (a quarter of them).
    static let mixedCategoryEveryNthBlock = 4
    static let deletedTimeEntryRate = 0.0015
    static let duplicateTicketRate = 0.006

    init(settings: GeneratorSettings) {
        self.settings = settings
        // Invariant: `MSPBusiness.generate` validated the identifier before building a simulation.
        self.timeZone = TimeZone(identifier: settings.timeZoneIdentifier)!
        self.months = settings.months + [settings.endMonth.advanced(by: 1)]
        self.random = SeededRandom(seed: settings.seed)
        var day = months[0].firstDay.adding(days: -400)
        while day <= months[months.count - 1].lastDay.adding(days: 200) {
            history.midnight[day.daysSinceEpoch] = day.start(in: timeZone).rawValue
            day = day.adding(days: 1)
        }
    }

    var spanStart: CalendarDate { months[0].firstDay }

    /// The instant `minute` minutes after local midnight of `day`.
    func instant(_ day: CalendarDate, minute: Int) -> Timestamp {
        let base = history.midnight[day.daysSinceEpoch] ?? day.start(in: timeZone).rawValue
        return Timestamp(rawValue: base + Int64(minute) * 60_000)
    }

    mutating func run() -> History {
        setUpStaff()
        setUpCompanies()
        for (index, month) in months.enumerated() {
            simulate(month, index: index)
        }
        settleInvoices()
        return history
    }

    // MARK: - Staff

    private mutating func setUpStaff() {
        let technicians = settings.size.technicians
        let initial = max(2, Int((Double(technicians) * 0.75).rounded()))
        let reportedMonths = months.count - 1
        var used = Set<String>()
        func uniqueName(_ random: inout SeededRandom) -> (String, String) {
            while true {
                let first = random.pick(Catalog.firstNames)
                let last = random.pick(Catalog.lastNames)
                let login = (String(first.prefix(1)) + last).lowercased()
                if used.insert(login).inserted { return ("\(first) \(last)", login) }
            }
        }
        for index in 0..<technicians {
            let tier = index == 0 ? Catalog.Tier.seniorEngineer : random.pick(Catalog.tierWeights)
            // 75% on staff before the span; the rest hired at evenly spaced months (a growing headcount).
            let hired: CalendarDate
            if index < initial {
                hired = spanStart.adding(days: -random.int(60...1_500))
            } else {
                let hireMonth = (index - initial + 1) * reportedMonths / (technicians - initial + 1)
                hired = months[hireMonth].firstDay.adding(days: random.int(0...20))
            }
            // 5% of technicians leave during the span (after month 6).
            var left: CalendarDate?
            if reportedMonths > 8, random.chance(0.05) {
                left = months[random.int(6...(reportedMonths - 1))].firstDay.adding(days: random.int(0...25))
                if left! <= hired.adding(days: 90) { left = nil }
            }
            let (name, login) = uniqueName(&random)
            history.members.append(
                MemberFact(
                    index: history.members.count, identifier: login, name: name, tier: tier, title: tier.title,
                    hired: hired, left: left, rates: rateHistory(tier: tier, hired: hired)))
        }
        // Data-health flaw: one technician in 25 (at least one) has no hourly cost in the PSA.
        let withoutCost = max(1, technicians / 25)
        for offset in 0..<withoutCost {
            let index = technicians - 1 - offset * 3
            history.members[index].rates = history.members[index].rates.map { ($0.from, nil, $0.rateDollars) }
        }
        // Non-technical staff: the owner and the account managers (one per 75 clients). They log no time.
        let managers = max(1, settings.size.clients / 75)
        for index in 0...managers {
            let (name, login) = uniqueName(&random)
            let title = index == 0 ? "Owner" : "Account Manager"
            let hired = spanStart.adding(days: -random.int(400...2_000))
            history.members.append(
                MemberFact(
                    index: history.members.count, identifier: login, name: name, tier: nil, title: title, hired: hired,
                    left: nil, rates: [(hired, random.int(5_500...7_500), 0)]))
        }
    }

    /// A starting cost and rate, then a raise on every anniversary of the span start: cost +3…6%, billing rate
    /// +$5 every other year. Costs are not retroactive: each raise starts a new rate.
    private mutating func rateHistory(tier: Catalog.Tier, hired: CalendarDate) -> [(CalendarDate, Int?, Int)] {
        var cost = random.int(tier.costCents)
        var rate = tier.memberRate
        var rates: [(CalendarDate, Int?, Int)] = [(hired, cost, rate)]
        var year = 1
        while year * 12 < months.count {
            let raiseDay = months[year * 12].firstDay
            if raiseDay > hired.adding(days: 180) {
                cost = cost * (103 + random.int(0...3)) / 100
                if year % 2 == 0 { rate += 5 }
                rates.append((raiseDay, cost, rate))
            }
            year += 1
        }
        return rates
    }

    private var accountManagers: [Int] { history.members.filter { $0.title == "Account Manager" }.map(\.index) }
    private var technicians: [MemberFact] { history.members.filter { $0.tier != nil } }

    // MARK: - Companies and agreements

    private mutating func setUpCompanies() {
        history.ownCompany = addCompany(name: "Northwind Managed Services", kind: .internal, market: nil, created: spanStart.adding(days: -3_000))
        for vendor in ["Microsoft", "Dell Technologies", "Pax8", "Ingram Micro", "TD SYNNEX", "Datto"] {
            _ = addCompany(name: vendor, kind: .vendor, market: nil, created: spanStart.adding(days: -random.int(500...2_500)))
        }
        let clients = settings.size.clients
        let initial = Int((Double(clients) * 0.8).rounded())
        var names = Set<String>()
        for index in 0..<clients {
            let vertical = random.pick(Catalog.verticals)
            var name: String
            repeat {
                name = "\(random.pick(Catalog.namePrefixes)) \(random.pick(Catalog.nameSuffix(for: vertical)))"
            } while !names.insert(name).inserted
            // 80% are clients before the span; 20% arrive in a random reported month (after a won opportunity).
            let since: CalendarDate
            let arrives: CalendarDate?
            if index < initial {
                since = spanStart.adding(days: -random.int(30...1_800))
                arrives = nil
            } else {
                since = months[random.int(1...(months.count - 2))].firstDay
                arrives = since
            }
            let created = arrives.map { $0.adding(days: -random.int(90...150)) } ?? since.adding(days: -random.int(30...120))
            let company = addCompany(name: name, kind: .client, market: vertical, created: created)
            history.companies[company].becameClient = arrives
            history.companies[company].clientSince = since
            configure(client: company)
            startAgreements(for: company, on: since)
        }
        // Prospects: 35% as many as clients, targets of lost new-business opportunities.
        for _ in 0..<max(3, clients * 35 / 100) {
            let vertical = random.pick(Catalog.verticals)
            var name: String
            repeat {
                name = "\(random.pick(Catalog.namePrefixes)) \(random.pick(Catalog.nameSuffix(for: vertical)))"
            } while !names.insert(name).inserted
            _ = addCompany(name: name, kind: .prospect, market: vertical, created: spanStart.adding(days: -random.int(0...700)))
        }
    }

    private mutating func addCompany(name: String, kind: Company.Kind, market: String?, created: CalendarDate) -> Int {
        let managers = accountManagers
        let manager = kind == .client || kind == .prospect ? managers[history.companies.count % managers.count] : nil
        history.companies.append(
            CompanyFact(index: history.companies.count, name: name, kind: kind, market: market, accountManager: manager, created: created))
        return history.companies.count - 1
    }

    /// Users log-normal around 18 (5…150); workstations about one per user; a server per 15 users; 1…3 network
    /// devices. Payers: 60% prompt, 30% slow, 10% bad. Ticket propensity 0.6…1.6 of the norm.
    private mutating func configure(client index: Int) {
        var company = history.companies[index]
        company.users = min(150, max(5, Int(random.logNormal(median: 18, sigma: 0.7))))
        company.workstations = company.users + random.int(0...max(1, company.users / 8))
        company.servers = random.chance(0.15) ? 0 : 1 + company.users / 15 + random.int(0...1)
        company.networkDevices = random.int(1...3)
        company.payer = random.pick([(PayerProfile.prompt, 0.6), (.slow, 0.3), (.bad, 0.1)])
        company.ticketFactor = 0.6 + random.unit()
        // Labor model: 85% managed services (55% of them per device, 45% per user), 6% block hours, 9% T&M.
        company.labor = random.pick([
            (LaborModel.managedPerDevice, 0.85 * 0.55), (.managedPerUser, 0.85 * 0.45), (.blockHours, 0.06),
            (.timeAndMaterials, 0.09),
        ])
        company.hasLicenses = random.chance(0.6)
        let since = company.clientSince!
        let prefix = company.name.filter { $0.isLetter }.prefix(4).uppercased()
        var number = 0
        func add(_ kind: ConfigurationItem.Kind, _ count: Int, _ tag: String) {
            for _ in 0..<count {
                number += 1
                history.configurations.append(
                    ConfigurationFact(company: index, name: "\(prefix)-\(tag)-\(String(format: "%03d", number))", kind: kind, created: since))
            }
        }
        add(.workstation, company.workstations, "WS")
        add(.server, company.servers, "SRV")
        add(.network, company.networkDevices, "NET")
        history.companies[index] = company
    }

    private mutating func startAgreements(for company: Int, on start: CalendarDate) {
        let client = history.companies[company]
        switch client.labor {
        case .managedPerDevice:
            let agreement = addAgreement(company: company, name: "Managed Services", typeName: "Managed Services - Per Device",
                                         category: "Managed Services", model: .fixedFee, start: start, rate: 0)
            addAddition(agreement, "MS-WORKSTATION", "Managed workstation", client.workstations,
                        price: random.pick([5_500, 6_000, 6_500, 7_000, 7_500]), cost: random.int(1_050...1_250), from: start)
            if client.servers > 0 {
                addAddition(agreement, "MS-SERVER", "Managed server", client.servers,
                            price: random.pick([15_000, 17_500, 20_000, 25_000]), cost: random.int(3_200...4_000), from: start)
            }
            history.companies[company].laborAgreement = agreement
        case .managedPerUser:
            let agreement = addAgreement(company: company, name: "Managed Services", typeName: "Managed Services - Per User",
                                         category: "Managed Services", model: .fixedFee, start: start, rate: 0)
            addAddition(agreement, "MS-USER", "Managed user", client.users,
                        price: random.pick([9_500, 11_000, 12_500, 14_000, 15_500]), cost: random.int(1_800...2_600), from: start)
            if client.servers > 0 {
                addAddition(agreement, "MS-SERVER", "Managed server", client.servers,
                            price: random.pick([15_000, 17_500, 20_000]), cost: random.int(3_200...4_000), from: start)
            }
            history.companies[company].laborAgreement = agreement
        case .blockHours:
            let rollover = random.chance(0.5)
            let hours = random.pick([10, 20, 40])
            let blockCount = history.agreements.filter { $0.model == .blockHours }.count
            // Data-health flaw: a quarter of block agreements sit in the "Managed Services" category.
            let mixed = blockCount % Self.mixedCategoryEveryNthBlock == 0
            let agreement = addAgreement(company: company, name: "Block \(hours)h\(rollover ? " (rollover)" : "")",
                                         typeName: rollover ? "Block Time - Rollover" : "Block Time",
                                         category: mixed ? "Managed Services" : "Block Time", model: .blockHours,
                                         start: start, rate: 140, blockHours: hours, rollover: rollover)
            history.companies[company].laborAgreement = agreement
        case .timeAndMaterials:
            let agreement = addAgreement(company: company, name: "Time & Materials", typeName: "Time & Materials",
                                         category: "Time & Materials", model: .timeAndMaterials, start: start, rate: 165)
            history.companies[company].laborAgreement = agreement
        }
        if client.hasLicenses {
            let agreement = addAgreement(company: company, name: "Microsoft 365", typeName: "Licensing", category: "Licensing",
                                         model: .licenseResale, start: start, rate: 0)
            addAddition(agreement, "M365-BP", "Microsoft 365 Business Premium", client.users, price: 2_200, cost: 1_980, from: start)
            if random.chance(0.4) {
                addAddition(agreement, "BACKUP-SAAS", "SaaS backup", client.users, price: 400, cost: 210, from: start)
            }
            history.companies[company].licenseAgreement = agreement
        }
    }

    @discardableResult
    private mutating func addAgreement(
        company: Int, name: String, typeName: String, category: String, model: Agreement.BillingModel,
        start: CalendarDate, rate: Int, blockHours: Int? = nil, rollover: Bool = false,
        cycle: Agreement.BillingCycle = .monthly, end: CalendarDate? = nil
    ) -> Int {
        history.agreements.append(
            AgreementFact(index: history.agreements.count, company: company, name: name, typeName: typeName, category: category,
                          model: model, cycle: cycle, start: start, end: end, blockHours: blockHours, rollover: rollover, hourlyRate: rate))
        return history.agreements.count - 1
    }

    private mutating func addAddition(
        _ agreement: Int, _ identifier: String, _ description: String, _ quantity: Int, price: Int, cost: Int,
        from day: CalendarDate
    ) {
        // Data-health flaw: 3% of additions carry no cost.
        let cost: Int? = random.chance(Self.additionWithoutCostRate) ? nil : cost
        history.agreements[agreement].additions.append(history.additions.count)
        history.additions.append(
            AdditionFact(agreement: agreement, identifier: identifier, description: description, quantity: quantity,
                         priceCents: price, costCents: cost, effective: day, billed: true))
    }

    // MARK: - One month

    private mutating func simulate(_ month: YearMonth, index: Int) {
        let first = month.firstDay
        churnAndDrift(month, index: index)
        billRecurring(on: first)
        startProjects(in: month)
        let tickets = openTickets(in: month)
        work(in: month, tickets: tickets)
        billMonthEnd(month)
        sellProducts(in: month)
        sell(in: month)
    }

    /// 0.6% of clients (of at least 6 months) leave each month; quantities of per-user lines drift.
    private mutating func churnAndDrift(_ month: YearMonth, index: Int) {
        let first = month.firstDay
        guard index > 0 else { return }
        for company in history.companies.indices where history.companies[company].isClient(on: first) {
            let since = history.companies[company].clientSince!
            if since.adding(days: 180) < first, random.chance(0.006) {
                history.companies[company].churned = first
                for agreement in history.agreements.indices where history.agreements[agreement].company == company
                    && history.agreements[agreement].inForce(on: first) && history.agreements[agreement].model != .project
                {
                    history.agreements[agreement].cancelled = first
                }
                for configuration in history.configurations.indices where history.configurations[configuration].company == company {
                    history.configurations[configuration].deactivated = first
                }
                continue
            }
            // 12% of clients a month change their user count by 1…3 (55% up): per-user lines are replaced.
            guard random.chance(0.12) else { continue }
            let delta = random.int(1...3) * (random.chance(0.55) ? 1 : -1)
            let users = max(3, history.companies[company].users + delta)
            guard users != history.companies[company].users else { continue }
            history.companies[company].users = users
            for agreement in [history.companies[company].laborAgreement, history.companies[company].licenseAgreement].compactMap({ $0 }) {
                for addition in history.agreements[agreement].additions
                where history.additions[addition].inForce(on: first)
                    && ["MS-USER", "M365-BP", "BACKUP-SAAS"].contains(history.additions[addition].identifier)
                {
                    let old = history.additions[addition]
                    history.additions[addition].cancelled = first
                    history.agreements[agreement].additions.append(history.additions.count)
                    history.additions.append(
                        AdditionFact(agreement: agreement, identifier: old.identifier, description: old.description, quantity: users,
                                     priceCents: old.priceCents, costCents: old.costCents, effective: first, billed: true))
                }
            }
        }
    }

    /// Agreement invoices on the 1st: the sum of billed lines in force (managed services and licences), or the
    /// monthly block of hours.
    private mutating func billRecurring(on day: CalendarDate) {
        for agreement in history.agreements where agreement.inForce(on: day) {
            let subtotal: Int
            switch agreement.model {
            case .fixedFee, .licenseResale:
                subtotal = agreement.additions.reduce(0) { sum, index in
                    let line = history.additions[index]
                    return line.billed && line.inForce(on: day) ? sum + line.quantity * line.priceCents : sum
                }
            case .blockHours:
                subtotal = agreement.blockHours! * agreement.hourlyRate * 100
            case .timeAndMaterials, .project, .notRevenue:
                continue
            }
            guard subtotal > 0 else { continue }
            addInvoice(company: agreement.company, kind: .agreement, date: day, minute: 6 * 60, subtotal: subtotal, tax: 0,
                       agreement: agreement.index, project: nil)
        }
    }

    @discardableResult
    private mutating func addInvoice(
        company: Int, kind: Invoice.Kind, date: CalendarDate, minute: Int, subtotal: Int, tax: Int, agreement: Int?,
        project: Int?
    ) -> Int {
        history.invoices.append(
            InvoiceFact(index: history.invoices.count, company: company, kind: kind, date: date, minute: minute,
                        subtotalCents: subtotal, taxCents: tax, agreement: agreement, project: project))
        return history.invoices.count - 1
    }

    // MARK: Projects

    /// 2.2% of clients start a project each month: 60% fixed fee (50% down payment, 50% on completion), 40% T&M
    /// (billed monthly); 16…160 budget hours over 1…3 months.
    private mutating func startProjects(in month: YearMonth) {
        for company in history.companies.indices where history.companies[company].isClient(on: month.firstDay) {
            guard random.chance(0.022) else { continue }
            let fixed = random.chance(0.6)
            let budget = 8 * random.int(2...20)
            let duration = random.int(1...3)
            let start = workday(in: month, random: &random)
            let lastMonth = month.advanced(by: duration - 1)
            var end = lastMonth.lastDay
            while end.isWeekend { end = end.adding(days: -1) }
            let revenue = fixed ? budget * 17_500 * random.int(95...125) / 100 / 10_000 * 10_000 : budget * 18_500
            let name = random.pick([
                "Server migration", "Microsoft 365 migration", "Network refresh", "Firewall replacement", "Office move",
                "Workstation rollout", "Backup overhaul", "Wi-Fi upgrade", "Security hardening",
            ])
            let projectIndex = history.projects.count
            var agreement: Int?
            if fixed {
                agreement = addAgreement(company: company, name: "\(name) (fixed fee)", typeName: "Fixed Fee Project",
                                         category: "Projects", model: .project, start: start, rate: 185, cycle: .oneTime, end: end)
                history.agreements[agreement!].project = projectIndex
            }
            history.projects.append(
                ProjectFact(index: projectIndex, name: name, company: company, agreement: agreement,
                            method: fixed ? .fixedFee : .timeAndMaterials, budgetHours: budget, estimatedRevenueCents: revenue,
                            estimatedCostCents: budget * 5_500, start: start, end: end))
            if fixed {
                addInvoice(company: company, kind: .downpayment, date: start, minute: 10 * 60, subtotal: revenue / 2, tax: 0,
                           agreement: agreement, project: projectIndex)
                addInvoice(company: company, kind: .progress, date: end, minute: 17 * 60, subtotal: revenue - revenue / 2, tax: 0,
                           agreement: agreement, project: projectIndex)
            }
            // One project ticket per 16 budget hours (at least 2), resolved in turn across the project.
            let count = max(2, budget / 16)
            let span = Int64(max(1, start.days(until: end))) * 86_400_000
            for number in 0..<count {
                let created = instant(start, minute: 9 * 60 + number)
                let resolved = Timestamp(rawValue: created.rawValue + span * Int64(number + 1) / Int64(count) - 3_600_000)
                history.tickets.append(
                    TicketFact(index: history.tickets.count, summary: "\(name): phase \(number + 1)", board: "Projects",
                               type: "Project", subtype: name, item: "Phase \(number + 1)", serviceClass: .project,
                               priorityLevel: 3, company: company, agreement: nil, project: projectIndex, created: created,
                               firstResponse: created.adding(minutes: Int64(random.int(30...480))), resolved: resolved,
                               closed: resolved.adding(minutes: 60), budgetMinutes: budget * 60 / count, slaMinutes: nil,
                               deleted: nil, afterHours: false))
            }
        }
    }

    private func workday(in month: YearMonth, random: inout SeededRandom) -> CalendarDate {
        while true {
            let day = CalendarDate(year: month.year, month: month.month, day: random.int(1...month.dayCount))!
            if !day.isWeekend { return day }
        }
    }

    // MARK: Tickets

    /// Reactive tickets: Poisson with mean 0.32 per endpoint per month × seasonality × the client's propensity;
    /// 85% in business hours. Proactive: a monthly patch ticket per managed client plus one per 60 endpoints.
    /// Response and resolution times are log-normal around a median per priority, stretched by the month's load.
    private mutating func openTickets(in month: YearMonth) -> [Int] {
        let first = month.firstDay
        let seasonal = Catalog.seasonality[month.month]
        var drafts: [(company: Int, created: Timestamp, afterHours: Bool, proactive: Bool)] = []
        var expected = 0.0
        for company in history.companies.indices where history.companies[company].isClient(on: first) {
            let client = history.companies[company]
            let mean = Double(client.endpoints) * 0.32 * seasonal * client.ticketFactor
            expected += Double(client.endpoints) * 0.32 * seasonal
            for _ in 0..<random.poisson(mean) {
                let afterHours = random.chance(0.15)
                drafts.append((company, ticketTime(in: month, afterHours: afterHours), afterHours, false))
            }
            if client.labor == .managedPerDevice || client.labor == .managedPerUser {
                for _ in 0..<(1 + random.poisson(Double(client.endpoints) / 60)) {
                    drafts.append((company, ticketTime(in: month, afterHours: false), false, true))
                }
            }
        }
        drafts.sort { $0.created < $1.created }
        let reactive = drafts.filter { !$0.proactive }.count
        let load = min(1.6, max(0.75, expected > 0 ? Double(reactive) / expected : 1))
        var created: [Int] = []
        for draft in drafts {
            let client = history.companies[draft.company]
            let index = history.tickets.count
            if draft.proactive {
                let (type, subtype, item) = random.pick(Catalog.proactiveTypes)
                let response = draft.created.adding(minutes: Int64(random.int(30...600)))
                let resolved = draft.created.adding(minutes: Int64(random.int(600...7_200)))
                history.tickets.append(
                    TicketFact(index: index, summary: item, board: "Proactive", type: type, subtype: subtype, item: item,
                               serviceClass: .proactive, priorityLevel: 4, company: draft.company, agreement: client.laborAgreement,
                               project: nil, created: draft.created, firstResponse: response, resolved: resolved,
                               closed: resolved.adding(minutes: Int64(random.int(10...1_440))), budgetMinutes: nil,
                               slaMinutes: nil, deleted: nil, afterHours: false))
            } else {
                let (type, subtype, item) = random.pick(Catalog.reactiveTypes)
                let (_, level) = random.pick(Catalog.priorities)
                var response = Int64(random.logNormal(median: Catalog.responseMedian[level] * load, sigma: 0.6)) + 1
                if draft.afterHours && level >= 3 { response += Int64(random.int(360...900)) }
                let resolution = max(response + 5, Int64(random.logNormal(median: Catalog.resolutionMedian[level] * load, sigma: 0.8)))
                let duplicate = random.chance(Self.duplicateTicketRate)
                history.tickets.append(
                    TicketFact(index: index, summary: "\(subtype): \(item)", board: "Help Desk", type: type, subtype: subtype,
                               item: item, serviceClass: .reactive, priorityLevel: level, company: draft.company,
                               agreement: client.laborAgreement, project: nil, created: draft.created,
                               firstResponse: duplicate ? nil : draft.created.adding(minutes: response),
                               resolved: duplicate ? nil : draft.created.adding(minutes: resolution),
                               closed: duplicate ? nil : draft.created.adding(minutes: resolution + Int64(random.int(5...2_880))),
                               budgetMinutes: nil, slaMinutes: Catalog.resolutionSLA[level],
                               // A duplicate ticket is merged away (deleted) within hours.
                               deleted: duplicate ? draft.created.adding(minutes: Int64(random.int(20...600))) : nil,
                               afterHours: draft.afterHours))
            }
            created.append(index)
        }
        return created
    }

    private mutating func ticketTime(in month: YearMonth, afterHours: Bool) -> Timestamp {
        if afterHours {
            let day = CalendarDate(year: month.year, month: month.month, day: random.int(1...month.dayCount))!
            let minute = random.chance(0.5) ? random.int(0...(7 * 60)) : random.int((18 * 60)...(24 * 60 - 1))
            return instant(day, minute: minute)
        }
        return instant(workday(in: month, random: &random), minute: random.int((8 * 60)...(17 * 60)))
    }

    // MARK: Time

    private mutating func work(in month: YearMonth, tickets: [Int]) {
        let holidays = Catalog.holidays(in: month.year)
        let staff = technicians
        // Reactive and proactive tickets of the month in creation order, for picking recent work.
        let reactive = tickets.filter { history.tickets[$0].serviceClass == .reactive && history.tickets[$0].deleted == nil }
        let proactive = tickets.filter { history.tickets[$0].serviceClass == .proactive }
        let projectTickets = history.tickets.indices.filter {
            history.tickets[$0].serviceClass == .project && history.projects[history.tickets[$0].project!].end >= month.firstDay
                && history.projects[history.tickets[$0].project!].start <= month.lastDay
        }
        let ptoChance = 15.0 / 250.0 * Catalog.ptoSeasonality[month.month]
        for day in month.days where !day.isWeekend {
            let dayStart = instant(day, minute: 0)
            let dayEnd = instant(day, minute: 24 * 60)
            let openReactive = reactive.filter {
                let ticket = history.tickets[$0]
                return ticket.created < dayEnd && ticket.created.rawValue > dayStart.rawValue - 7 * 86_400_000
                    && (ticket.resolved.map { $0 >= dayStart } ?? true)
            }
            let openProactive = proactive.filter {
                history.tickets[$0].created < dayEnd && (history.tickets[$0].resolved.map { $0 >= dayStart } ?? true)
            }
            let openProject = projectTickets.filter {
                history.tickets[$0].created < dayEnd && (history.tickets[$0].resolved.map { $0 >= dayStart } ?? true)
            }
            for member in staff where member.hired <= day && (member.left.map { day < $0 } ?? true) {
                if holidays.contains(day) {
                    addTime(member: member.index, company: history.ownCompany, ticket: nil, project: nil, agreement: nil,
                            day: day, start: 8 * 60, minutes: 480, workType: Catalog.holiday, role: member.tier!.roleID,
                            option: .doNotBill, charge: .timeOff)
                    continue
                }
                if random.chance(ptoChance) {
                    addTime(member: member.index, company: history.ownCompany, ticket: nil, project: nil, agreement: nil,
                            day: day, start: 8 * 60, minutes: 480, workType: Catalog.pto, role: member.tier!.roleID,
                            option: .doNotBill, charge: .timeOff)
                    continue
                }
                workDay(member, day: day, reactive: openReactive, proactive: openProactive, project: openProject)
            }
        }
    }

    /// A technician's normal day: client work up to the tier's utilization target (±), in entries of 15…120
    /// minutes (projects 30…150), then internal admin or training for the rest of the 8 hours; on a quarter of
    /// evenings the on-call technician also handles 1…3 after-hours touches.
    private mutating func workDay(_ member: MemberFact, day: CalendarDate, reactive: [Int], proactive: [Int], project: [Int]) {
        let tier = member.tier!
        let target = Int(480 * tier.utilizationTarget * (0.85 + random.unit() * 0.27)) / 15 * 15
        var clock = 8 * 60
        var used = 0
        while used < target {
            let projectShare = tier == .projectEngineer ? 0.8 : tier == .seniorEngineer ? 0.35 : 0.0
            if !project.isEmpty, random.chance(projectShare) {
                let ticket = history.tickets[random.pick(project)]
                let projectFact = history.projects[ticket.project!]
                let minutes = min(target - used, 15 * random.int(2...10))
                guard minutes > 0 else { break }
                // Data-health flaw: 2% of project time also names the client's managed-services agreement.
                let laborAgreement = history.companies[ticket.company].laborAgreement
                let doubleCoded = random.chance(Self.doubleCodedProjectTimeRate)
                addTime(member: member.index, company: ticket.company, ticket: ticket.index, project: projectFact.index,
                        agreement: doubleCoded ? laborAgreement : nil, day: day, start: clock, minutes: minutes,
                        workType: Catalog.projectWork, role: Catalog.Tier.projectEngineer.roleID, option: .billable,
                        charge: .projectTicket)
                clock += minutes + 15 * random.int(0...1)
                used += minutes
                continue
            }
            let useProactive = !proactive.isEmpty && (reactive.isEmpty || random.chance(0.15))
            guard let pool = useProactive ? proactive : (reactive.isEmpty ? nil : reactive) else { break }
            let ticketIndex = random.pick(pool)
            let ticket = history.tickets[ticketIndex]
            // Ticket entries (one per touch, in 15-minute increments): 15 min 88%, 30 min 8%, 45 min 2.5%, 1 h 1.5%
            // (mean about 18 minutes).
            let minutes = min(target - used, 15 * random.pick([(1, 0.88), (2, 0.08), (3, 0.025), (4, 0.015)]))
            guard minutes > 0 else { break }
            let agreement = ticket.agreement
            var workType = useProactive ? Catalog.proactive : Catalog.remoteSupport
            var option = TimeEntry.BillableOption.billable
            if useProactive {
                option = .doNotBill
            } else if ticket.afterHours && !history.tickets[ticketIndex].hasTime {
                workType = Catalog.afterHours
            } else if random.chance(0.03) {
                option = .noCharge  // goodwill
            }
            let onsite = !useProactive && random.chance(0.08)
            if onsite { workType = Catalog.onsiteSupport }
            history.tickets[ticketIndex].hasTime = true
            addTime(member: member.index, company: ticket.company, ticket: ticketIndex, project: nil, agreement: agreement,
                    day: day, start: clock, minutes: minutes, workType: workType, role: tier.roleID, option: option, charge: .ticket)
            clock += minutes
            used += minutes
            if onsite {
                // Travel to site (the zero-multiplier work type) and the mileage it costs.
                addTime(member: member.index, company: ticket.company, ticket: ticketIndex, project: nil, agreement: agreement,
                        day: day, start: clock, minutes: 30, workType: Catalog.travel, role: tier.roleID, option: .doNotBill,
                        charge: .ticket)
                clock += 30
                used += 30
                history.expenses.append(
                    ExpenseFact(member: member.index, company: ticket.company, day: day, cents: 67 * random.int(8...60),
                                enteredDelayDays: random.int(1...6)))
            }
            clock += 5 * random.int(0...2)
        }
        // On call: a quarter of evenings bring 1…3 after-hours touches of 15 or 30 minutes from 19:00.
        if random.chance(0.25), let pool = reactive.isEmpty ? nil : reactive {
            var evening = 19 * 60
            for _ in 0..<random.int(1...3) {
                let ticket = history.tickets[random.pick(pool)]
                let minutes = random.chance(0.7) ? 15 : 30
                addTime(member: member.index, company: ticket.company, ticket: ticket.index, project: nil,
                        agreement: ticket.agreement, day: day, start: evening, minutes: minutes, workType: Catalog.afterHours,
                        role: tier.roleID, option: .billable, charge: .ticket)
                evening += minutes + 15
            }
        }
        // The rest of the day: internal admin, split around a training or meeting block when there is time.
        var remaining = (480 - used) / 15 * 15
        if remaining >= 90 {
            let block = 15 * random.int(2...(remaining / 30))
            addTime(member: member.index, company: history.ownCompany, ticket: nil, project: nil, agreement: nil, day: day,
                    start: clock, minutes: block, workType: random.chance(0.5) ? Catalog.internalAdmin : Catalog.training,
                    role: tier.roleID, option: .doNotBill, charge: .internal)
            clock += block
            remaining -= block
        }
        if remaining >= 30 {
            addTime(member: member.index, company: history.ownCompany, ticket: nil, project: nil, agreement: nil, day: day,
                    start: clock, minutes: remaining, workType: Catalog.internalAdmin, role: tier.roleID, option: .doNotBill,
                    charge: .internal)
        }
    }

    private static let options = TimeEntry.BillableOption.allCases
    private static let charges = TimeEntry.ChargeKind.allCases

    /// Entered 5 minutes…4 hours after the work; 4% days late (the data-health flaw); 0.15% deleted later.
    private mutating func addTime(
        member: Int, company: Int?, ticket: Int?, project: Int?, agreement: Int?, day: CalendarDate, start: Int,
        minutes: Int, workType: Int, role: Int, option: TimeEntry.BillableOption, charge: TimeEntry.ChargeKind
    ) {
        let late = random.chance(Self.lateTimeEntryRate)
        let delay = late ? random.int(3...10) * 1_440 + random.int(0...600) : random.int(5...240)
        let deleted = random.chance(Self.deletedTimeEntryRate) ? random.int(60...(14 * 1_440)) : -1
        history.time.append(
            TimeFact(member: Int32(member), company: Int32(company ?? -1), ticket: Int32(ticket ?? -1), project: Int32(project ?? -1),
                     agreement: Int32(agreement ?? -1), invoice: -1, day: Int32(day.daysSinceEpoch), startMinute: Int16(start),
                     minutes: Int16(minutes), enteredDelay: Int32(delay), deletedDelay: Int32(deleted), workType: UInt8(workType),
                     role: UInt8(role), option: UInt8(Self.options.firstIndex(of: option)!),
                     charge: UInt8(Self.charges.firstIndex(of: charge)!)))
    }

    // MARK: Month-end billing

    /// T&M labor and T&M projects are invoiced on the last day of the month at the agreement's (project's) rate;
    /// block agreements invoice hours beyond the month's block (plus rollover) at the block rate.
    private mutating func billMonthEnd(_ month: YearMonth) {
        let first = Int32(month.firstDay.daysSinceEpoch)
        let last = Int32(month.lastDay.daysSinceEpoch)
        var byAgreement: [Int: [Int]] = [:]
        var byProject: [Int: [Int]] = [:]
        var blockUse: [Int: Int] = [:]
        var index = history.time.count - 1
        while index >= 0 && history.time[index].day >= first {
            let entry = history.time[index]
            if entry.day <= last, Self.options[Int(entry.option)] == .billable {
                if entry.project >= 0 {
                    if history.projects[Int(entry.project)].method == .timeAndMaterials { byProject[Int(entry.project), default: []].append(index) }
                } else if entry.agreement >= 0 {
                    switch history.agreements[Int(entry.agreement)].model {
                    case .timeAndMaterials: byAgreement[Int(entry.agreement), default: []].append(index)
                    case .blockHours: blockUse[Int(entry.agreement), default: 0] += Int(entry.minutes)
                    default: break
                    }
                }
            }
            index -= 1
        }
        let day = month.lastDay
        for agreement in byAgreement.keys.sorted() {
            let entries = byAgreement[agreement]!.sorted()
            let minutes = entries.reduce(0) { $0 + Int(history.time[$1].minutes) }
            let invoice = addInvoice(company: history.agreements[agreement].company, kind: .standard, date: day, minute: 18 * 60,
                                     subtotal: history.agreements[agreement].hourlyRate * 100 * minutes / 60, tax: 0,
                                     agreement: agreement, project: nil)
            for entry in entries { history.time[entry].invoice = Int32(invoice) }
        }
        for project in byProject.keys.sorted() {
            let entries = byProject[project]!.sorted()
            let minutes = entries.reduce(0) { $0 + Int(history.time[$1].minutes) }
            let invoice = addInvoice(company: history.projects[project].company, kind: .progress, date: day, minute: 18 * 60,
                                     subtotal: 185 * 100 * minutes / 60, tax: 0, agreement: nil, project: project)
            for entry in entries { history.time[entry].invoice = Int32(invoice) }
        }
        for agreement in history.agreements.indices where history.agreements[agreement].model == .blockHours
            && history.agreements[agreement].inForce(on: month.firstDay)
        {
            let allowance = history.agreements[agreement].blockHours! * 60 + (carry[agreement] ?? 0)
            let used = blockUse[agreement] ?? 0
            carry[agreement] = history.agreements[agreement].rollover ? max(0, allowance - used) : 0
            if used > allowance {
                addInvoice(company: history.agreements[agreement].company, kind: .standard, date: day, minute: 18 * 60,
                           subtotal: history.agreements[agreement].hourlyRate * 100 * (used - allowance) / 60, tax: 0,
                           agreement: agreement, project: nil)
            }
        }
    }

    /// Unused block minutes carried into the next month (rollover agreements only).
    private var carry: [Int: Int] = [:]

    /// 6% of clients buy hardware, software or install labor each month; products carry 7.25% sales tax.
    private mutating func sellProducts(in month: YearMonth) {
        for company in history.companies.indices where history.companies[company].isClient(on: month.firstDay) {
            guard random.chance(0.06) else { continue }
            let day = workday(in: month, random: &random)
            var lines: [(Int, Int)] = []
            for _ in 0..<random.int(1...3) {
                let product = random.int(0...(Catalog.products.count - 1))
                lines.append((product, Catalog.products[product].isProduct ? random.int(1...5) : random.int(1...6)))
            }
            let subtotal = lines.reduce(0) { $0 + Catalog.products[$1.0].priceCents * $1.1 }
            let taxable = lines.filter { Catalog.products[$0.0].isProduct }.reduce(0) { $0 + Catalog.products[$1.0].priceCents * $1.1 }
            let invoice = addInvoice(company: company, kind: .standard, date: day, minute: 14 * 60, subtotal: subtotal,
                                     tax: (taxable * 725 + 5_000) / 10_000, agreement: nil, project: nil)
            for (product, quantity) in lines {
                history.productLines.append(ProductLineFact(company: company, product: product, quantity: quantity, invoice: invoice))
            }
        }
    }

    // MARK: Sales

    /// Each arriving client is a new-business win (closed the month before it starts); lost new-business deals
    /// run at 1.7 per win; 0.8% of clients a month get an upsell deal (won 45%).
    private mutating func sell(in month: YearMonth) {
        let arrivals = history.companies.filter { $0.becameClient.map { $0.yearMonth == month.advanced(by: 1) } ?? false }
        for client in arrivals {
            let closes = client.becameClient!.adding(days: -random.int(5...25))
            history.opportunities.append(
                OpportunityFact(name: "Managed services for \(client.name)", company: client.index,
                                created: closes.adding(days: -random.int(30...90)), closes: closes, outcome: .won,
                                oneTimeCents: 100 * random.int(15...50) * 100, recurringCents: expectedMRR(of: client.index),
                                salesMember: client.accountManager))
        }
        let prospects = history.companies.filter { $0.kind == .prospect }
        let lost = random.poisson(1.7 * Double(max(1, settings.size.clients / 5)) / Double(settings.size.months))
        for _ in 0..<lost where !prospects.isEmpty {
            let prospect = random.pick(prospects)
            let closes = workday(in: month, random: &random)
            history.opportunities.append(
                OpportunityFact(name: "Managed services for \(prospect.name)", company: prospect.index,
                                created: closes.adding(days: -random.int(20...120)), closes: closes, outcome: .lost,
                                oneTimeCents: 100 * random.int(10...40) * 100, recurringCents: 100 * 100 * random.int(15...80),
                                salesMember: prospect.accountManager))
        }
        for company in history.companies.indices where history.companies[company].isClient(on: month.firstDay) {
            guard random.chance(0.008) else { continue }
            let closes = workday(in: month, random: &random).adding(days: random.int(20...75))
            history.opportunities.append(
                OpportunityFact(name: random.pick(["Hardware refresh", "Security upgrade", "Cloud migration", "Wi-Fi project"]),
                                company: company, created: workday(in: month, random: &random), closes: closes,
                                outcome: random.chance(0.45) ? .won : .lost, oneTimeCents: 100 * 100 * random.int(20...250),
                                recurringCents: 0, salesMember: history.companies[company].accountManager))
        }
    }

    private func expectedMRR(of company: Int) -> Int {
        let day = history.companies[company].becameClient!
        return history.agreements.filter { $0.company == company && ($0.model == .fixedFee || $0.model == .licenseResale) }
            .flatMap(\.additions).map { history.additions[$0] }.filter { $0.inForce(on: day) }
            .reduce(0) { $0 + $1.quantity * $1.priceCents }
    }

    // MARK: Payments

    /// 1.5% of invoices are partly or wholly credited 5…20 days later; the rest is paid by profile — prompt
    /// 5…35 days, slow 20…75, bad 40…160 or (8% of a bad payer's invoices) never — 12% in two instalments.
    private mutating func settleInvoices() {
        let count = history.invoices.count
        for index in 0..<count {
            let invoice = history.invoices[index]
            guard invoice.kind != .credit, invoice.subtotalCents > 0 else { continue }
            var owed = invoice.totalCents
            if random.chance(0.015) {
                let fraction = random.pick([10, 25, 50, 100])
                let subtotal = invoice.subtotalCents * fraction / 100
                let tax = invoice.taxCents * fraction / 100
                let day = invoice.date.adding(days: random.int(5...20))
                let credit = addInvoice(company: invoice.company, kind: .credit, date: day, minute: 11 * 60, subtotal: -subtotal,
                                        tax: -tax, agreement: invoice.agreement, project: invoice.project)
                history.invoices[credit].credits = index
                history.invoices[index].settlements.append((day, subtotal + tax))
                owed -= subtotal + tax
            }
            guard owed > 0 else { continue }
            let payer = history.companies[invoice.company].payer
            if payer == .bad && random.chance(0.08) { continue }
            let days: ClosedRange<Int>
            switch payer {
            case .prompt: days = 5...35
            case .slow: days = 20...75
            case .bad: days = 40...160
            }
            let paid = invoice.date.adding(days: random.int(days) + 20)
            if random.chance(0.12) {
                let first = owed / 2
                let firstDay = invoice.date.adding(days: random.int(days))
                history.invoices[index].settlements.append((firstDay, first))
                history.invoices[index].settlements.append((max(paid, firstDay.adding(days: 15)), owed - first))
            } else {
                history.invoices[index].settlements.append((invoice.date.adding(days: random.int(days)), owed))
            }
        }
    }
}
