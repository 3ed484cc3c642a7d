public import Foundation
public import InsightCore

/// What ConnectWise repeats inside the items that point at a record: a company's identifier and name in every
/// `company` reference, a member's identifier and name, a ticket's summary, an invoice's number and date, an
/// agreement's name and type, and the facts items derive from other records (a ticket's owner, an invoice's
/// product total). Built once per snapshot, in one pass over each list; the encoder then adds names with one
/// dictionary lookup per reference, and every item that points at a record shares that record's reference JSON.
///
/// An empty directory (``init(baseURL:)``) is valid: references then carry the id and link only.
public struct ConnectWiseDirectory: Sendable {
    /// The site's API base, e.g. `https://cw.example.com/v4_6_release/apis/3.0`, for `_href`s.
    public let baseURL: String
    let setup: ConnectWiseSiteSetup

    struct CompanyEntry: Sendable {
        let reference: JSONValue
        /// The company's type names, as time entries show them (`companyType`).
        let typeNames: String
        let profile: CompanyProfile
        /// When it became a client: its first agreement's start.
        let acquired: CalendarDate?
    }
    struct MemberEntry: Sendable {
        let reference: JSONValue
        /// The reference with the member's daily capacity, as time entries carry it.
        let withCapacity: JSONValue
        let identifier: String
    }
    struct AgreementEntry: Sendable {
        let reference: JSONValue
        let typeName: String
        /// Whether the agreement pays for the time charged to it (fixed fee and block hours); other time is billed.
        let coversTime: Bool
    }
    struct InvoiceEntry: Sendable {
        let reference: JSONValue
        let date: CalendarDate
        /// The products invoiced on it: quantity × price of its product lines.
        let productTotal: Decimal
    }
    struct TicketEntry: Sendable {
        let reference: JSONValue
        let summary: String
        let board: String
        let status: String
        /// The project phase a project ticket stands for.
        let phase: JSONValue?
    }
    /// Who worked on a ticket, from its time entries.
    struct TicketWork: Sendable {
        /// The member who logged time on it first: its owner.
        var owner: ID<Member>
        var ownerStart: Timestamp
        var members: [ID<Member>]
        /// The identifiers of `members`, comma-separated (ConnectWise's `resources`).
        var resources: String
        var onSite: Bool
    }
    struct ProductLineEntry: Sendable {
        let sequence: Int
        /// The won opportunity that sold the line, and its forecast line.
        let opportunity: JSONValue?
        let forecastDetailID: Int?
        let invoiceDate: CalendarDate?
    }

    var companies: [ID<Company>: CompanyEntry] = [:]
    var members: [ID<Member>: MemberEntry] = [:]
    var workTypes: [ID<WorkType>: JSONValue] = [:]
    var workRoles: [ID<WorkRole>: JSONValue] = [:]
    var agreements: [ID<Agreement>: AgreementEntry] = [:]
    var invoices: [ID<Invoice>: InvoiceEntry] = [:]
    var tickets: [ID<Ticket>: TicketEntry] = [:]
    var ticketWork: [ID<Ticket>: TicketWork] = [:]
    var projects: [ID<Project>: JSONValue] = [:]
    var projectMethods: [ID<Project>: Project.BillingMethod] = [:]
    var productLines: [ID<ProductLine>: ProductLineEntry] = [:]
    /// Catalog item ids, by identifier.
    var catalogItems: [String: Int] = [:]
    /// Board ids by name, in the order `/service/boards` lists them.
    public internal(set) var boardIDs: [String: Int] = [:]
    /// Ticket board, status, priority, type, subtype and item references, by `kind|board|name`.
    var ticketLabels: [String: JSONValue] = [:]
    /// Resolution targets of reactive tickets per priority level: the ones ``Ticket/slaMet`` is measured against.
    var resolutionTargets: [Int: Hours] = [:]
    /// Weekly time sheets, by ``ConnectWiseEncoder/timeSheetID(member:day:)``.
    var timeSheets: [Int: JSONValue] = [:]
    /// The member who closes invoices: the first active member (the owner of the MSP).
    var billingMember: String?
    var billingMemberID: Int?

    /// A directory with no records: references carry ids and links only.
    public init(baseURL: String, currency: CurrencyCode = .usd, timeZone: TimeZone = .gmt) {
        self.baseURL = baseURL
        self.setup = ConnectWiseSiteSetup(baseURL: baseURL, currency: currency, timeZone: timeZone)
    }

    /// The directory of one snapshot of a site.
    /// - Parameter resolutionTargets: the resolution SLA per priority level of reactive tickets.
    public init(
        baseURL: String, currency: CurrencyCode, timeZone: TimeZone, companies: [Company], members: [Member],
        workTypes: [WorkType], workRoles: [WorkRole], agreements: [Agreement], invoices: [Invoice],
        productLines: [ProductLine], timeEntries: [TimeEntry], tickets: [Ticket], projects: [Project],
        opportunities: [Opportunity], resolutionTargets: [Int: Hours]
    ) {
        self.init(baseURL: baseURL, currency: currency, timeZone: timeZone)
        self.resolutionTargets = resolutionTargets
        addPeople(members: members, workTypes: workTypes, workRoles: workRoles)
        addCompanies(companies, agreements: agreements)
        addAgreements(agreements)
        addInvoices(invoices, productLines: productLines, opportunities: opportunities)
        addTickets(tickets, projects: projects, timeEntries: timeEntries)
    }

    func link(_ key: String, _ path: String, _ id: String) -> JSONValue {
        .object(["\(key)_href": .string("\(baseURL)/\(path)/\(id)")])
    }

    private mutating func addPeople(members: [Member], workTypes: [WorkType], workRoles: [WorkRole]) {
        for member in members {
            let base: [String: JSONValue] = [
                "id": .number(Decimal(string: member.id.rawValue) ?? 0), "identifier": .string(member.identifier),
                "name": .string(member.name), "_info": link("member", "system/members", member.id.rawValue),
            ]
            var withCapacity = base
            withCapacity["dailyCapacity"] = .number(member.dailyCapacity.value)
            self.members[member.id] = MemberEntry(reference: .object(base), withCapacity: .object(withCapacity), identifier: member.identifier)
        }
        let billing = members.filter(\.active).min { (Int($0.id.rawValue) ?? 0) < (Int($1.id.rawValue) ?? 0) }
        billingMember = billing?.identifier
        billingMemberID = billing.flatMap { Int($0.id.rawValue) }
        for workType in workTypes {
            self.workTypes[workType.id] = .object([
                "id": .number(Decimal(string: workType.id.rawValue) ?? 0), "name": .string(workType.name),
                "utilizationFlag": .bool(workType.countsAsUtilized), "_info": link("workType", "time/workTypes", workType.id.rawValue),
            ])
        }
        for role in workRoles {
            self.workRoles[role.id] = .object([
                "id": .number(Decimal(string: role.id.rawValue) ?? 0), "name": .string(role.name),
                "_info": link("workRole", "time/workRoles", role.id.rawValue),
            ])
        }
    }

    private mutating func addCompanies(_ companies: [Company], agreements: [Agreement]) {
        var firstAgreement: [ID<Company>: CalendarDate] = [:]
        for agreement in agreements {
            firstAgreement[agreement.companyID] = min(firstAgreement[agreement.companyID] ?? agreement.startDate, agreement.startDate)
        }
        for company in companies {
            let id = Int(company.id.rawValue) ?? 0
            self.companies[company.id] = CompanyEntry(
                reference: .object([
                    "id": .number(Decimal(id)), "identifier": .string(ConnectWiseEncoder.identifier(of: company.id)),
                    "name": .string(company.name), "_info": link("company", "company/companies", company.id.rawValue),
                ]),
                typeNames: ConnectWiseEncoder.typeName(of: company.kind),
                profile: CompanyProfile(id: id, name: company.name, country: setup.country, baseURL: baseURL),
                acquired: firstAgreement[company.id])
        }
    }

    private mutating func addAgreements(_ agreements: [Agreement]) {
        let typeIDs = Self.agreementTypeIDs(agreements)
        for agreement in agreements {
            // Invariant: `typeIDs` holds every type name of `agreements`.
            let typeID = typeIDs[agreement.typeName]!
            self.agreements[agreement.id] = AgreementEntry(
                reference: .object([
                    "id": .number(Decimal(string: agreement.id.rawValue) ?? 0), "name": .string(agreement.name),
                    "type": .string(agreement.typeName), "chargeFirmFlag": .bool(false),
                    "_info": .object([
                        "agreement_href": .string("\(baseURL)/finance/agreements/\(agreement.id.rawValue)"),
                        "typeId": .string(String(typeID)),
                    ]),
                ]),
                typeName: agreement.typeName,
                coversTime: agreement.billingModel == .fixedFee || agreement.billingModel == .blockHours)
        }
    }

    /// Agreement type ids: the type names in alphabetical order, from 1.
    public static func agreementTypeIDs(_ agreements: [Agreement]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: Set(agreements.map(\.typeName)).sorted().enumerated().map { ($1, $0 + 1) })
    }

    private mutating func addInvoices(_ invoices: [Invoice], productLines: [ProductLine], opportunities: [Opportunity]) {
        var productTotals: [ID<Invoice>: Decimal] = [:]
        for line in productLines {
            if let invoice = line.invoiceID { productTotals[invoice, default: 0] += line.quantity * line.unitPrice.amount }
        }
        for invoice in invoices {
            self.invoices[invoice.id] = InvoiceEntry(
                reference: .object([
                    "id": .number(Decimal(string: invoice.id.rawValue) ?? 0), "identifier": .string(invoice.number),
                    "invoiceDate": ConnectWiseEncoder.day(invoice.date), "chargeFirmFlag": .bool(false),
                    "_info": link("invoice", "finance/invoices", invoice.id.rawValue),
                ]),
                date: invoice.date, productTotal: productTotals[invoice.id] ?? 0)
        }
        // Goods are sold through opportunities: a product line comes from its company's latest deal won by the
        // day it was invoiced.
        var won: [ID<Company>: [(closed: CalendarDate, deal: Opportunity)]] = [:]
        for opportunity in opportunities where opportunity.outcome == .won {
            guard let closed = opportunity.closedDate else { continue }
            won[opportunity.companyID, default: []].append((closed, opportunity))
        }
        won = won.mapValues { $0.sorted { ($0.closed, $0.deal.id.rawValue) < ($1.closed, $1.deal.id.rawValue) } }
        var sequence: [ID<Invoice>: Int] = [:]
        let catalog = Set(productLines.map(\.catalogItem)).sorted()
        catalogItems = Dictionary(uniqueKeysWithValues: catalog.enumerated().map { ($1, $0 + 1) })
        for line in productLines {
            let invoiceDate = line.invoiceID.flatMap { self.invoices[$0]?.date }
            var number = 1
            if let invoice = line.invoiceID {
                number = (sequence[invoice] ?? 0) + 1
                sequence[invoice] = number
            }
            let deal = line.isProduct ? invoiceDate.flatMap { day in won[line.companyID]?.last { $0.closed <= day }?.deal } : nil
            self.productLines[line.id] = ProductLineEntry(
                sequence: number,
                opportunity: deal.map {
                    .object([
                        "id": .number(Decimal(string: $0.id.rawValue) ?? 0), "name": .string($0.name),
                        "_info": link("opportunity", "sales/opportunities", $0.id.rawValue),
                    ])
                },
                forecastDetailID: deal.map { (Int($0.id.rawValue) ?? 0) * 10 + 1 }, invoiceDate: invoiceDate)
        }
    }

    // MARK: Lookups

    func company(_ id: ID<Company>?) -> JSONValue? {
        guard let id else { return nil }
        return companies[id]?.reference ?? bare(id, "company", "company/companies")
    }
    func member(_ id: ID<Member>?, withCapacity: Bool = false) -> JSONValue? {
        guard let id else { return nil }
        guard let entry = members[id] else { return bare(id, "member", "system/members") }
        return withCapacity ? entry.withCapacity : entry.reference
    }
    func agreement(_ id: ID<Agreement>?) -> JSONValue? {
        guard let id else { return nil }
        return agreements[id]?.reference ?? bare(id, "agreement", "finance/agreements")
    }
    func invoice(_ id: ID<Invoice>?) -> JSONValue? {
        guard let id else { return nil }
        return invoices[id]?.reference ?? bare(id, "invoice", "finance/invoices")
    }
    func ticket(_ id: ID<Ticket>?) -> JSONValue? {
        guard let id else { return nil }
        return tickets[id]?.reference ?? bare(id, "ticket", "service/tickets")
    }
    func project(_ id: ID<Project>?) -> JSONValue? {
        guard let id else { return nil }
        return projects[id] ?? bare(id, "project", "project/projects")
    }
    func workType(_ id: ID<WorkType>?) -> JSONValue? {
        guard let id else { return nil }
        return workTypes[id] ?? bare(id, "workType", "time/workTypes")
    }
    func workRole(_ id: ID<WorkRole>?) -> JSONValue? {
        guard let id else { return nil }
        return workRoles[id] ?? bare(id, "workRole", "time/workRoles")
    }
    func memberIdentifier(_ id: ID<Member>?) -> String? { id.flatMap { members[$0]?.identifier } }

    /// A company's profile, made up from its id alone when the directory does not know it.
    func profile(_ id: ID<Company>) -> CompanyProfile {
        companies[id]?.profile
            ?? CompanyProfile(id: Int(id.rawValue) ?? 0, name: "Company \(id.rawValue)", country: setup.country, baseURL: baseURL)
    }

    /// A reference with only the id and link, for records the directory does not know.
    private func bare<T>(_ id: ID<T>, _ key: String, _ path: String) -> JSONValue {
        .object(["id": .number(Decimal(string: id.rawValue) ?? 0), "_info": link(key, path, id.rawValue)])
    }

    /// The currency reference of `code`: the tenant's is shared, others are built when asked for.
    func currency(_ code: CurrencyCode) -> JSONValue {
        code == setup.currencyCode ? setup.currency : ConnectWiseSiteSetup.currency(code, baseURL: baseURL)
    }
}
