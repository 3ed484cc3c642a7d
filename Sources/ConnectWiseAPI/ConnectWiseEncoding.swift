import Foundation
public import InsightCore

/// Renders domain records as ConnectWise REST 3.0 items: real field names, reference objects with `_info`
/// hrefs, `_info.lastUpdated`, and no null properties (ConnectWise omits them). The simulator serves these; the
/// decoders in ``ConnectWiseRecords`` read them back.
///
/// Items carry every field the recorded real responses carry (`shared/reference/connectwise/samples`). References
/// carry the names ConnectWise puts in them (a company's identifier and name, a member's identifier and name, a
/// ticket's summary, …), looked up in a ``ConnectWiseDirectory`` of the snapshot; fields with a domain meaning are
/// derived from the record (an invoice's payments are its total less its balance, a time entry's status follows
/// its billing); the site's setup tables (location, department, tax code, currency) are constants.
///
/// Known differences, because ConnectWise has no field for them (also in docs/kpis.md):
/// an agreement's `category` (ConnectWise reports by agreement type); a member's rate *history* (ConnectWise
/// keeps the current cost and rate; time entries carry the cost at the time); and a product line's category (it
/// lives on the catalog item).
public struct ConnectWiseEncoder: Sendable {
    /// The site's API base, e.g. `https://cw.example.com/v4_6_release/apis/3.0`, for `_href`s.
    public var baseURL: String { directory.baseURL }
    /// The names and facts references repeat.
    public let directory: ConnectWiseDirectory
    var setup: ConnectWiseSiteSetup { directory.setup }

    /// An encoder whose references carry ids and links only.
    public init(baseURL: String) { self.directory = ConnectWiseDirectory(baseURL: baseURL) }

    /// An encoder whose references carry the names `directory` holds.
    public init(directory: ConnectWiseDirectory) { self.directory = directory }

    static let iso = Date.ISO8601FormatStyle()
    /// The `_info` key of a reference's link, as ConnectWise names it (`company_href`, `member_href`, …).
    static let hrefKeys = [
        "company/companies": "company", "system/members": "member", "finance/agreements": "agreement",
        "service/tickets": "ticket", "project/projects": "project", "finance/invoices": "invoice",
        "time/workTypes": "workType", "time/workRoles": "workRole",
    ]

    func stamp(_ value: Timestamp) -> JSONValue { .string(value.date.formatted(Self.iso)) }
    /// Calendar dates go out as midnight UTC, as ConnectWise sends them.
    func day(_ value: CalendarDate) -> JSONValue { Self.day(value) }
    static func day(_ value: CalendarDate) -> JSONValue { .string("\(value)T00:00:00Z") }
    func number(_ value: Decimal) -> JSONValue { .number(value) }
    func int<T>(_ id: ID<T>) -> JSONValue { .number(Decimal(string: id.rawValue) ?? 0) }
    func info(updated: Timestamp, entered: Timestamp? = nil) -> JSONValue {
        var members: [String: JSONValue] = ["lastUpdated": stamp(updated)]
        if let entered { members["dateEntered"] = stamp(entered) }
        return .object(members)
    }
    func reference<T>(_ id: ID<T>?, _ path: String, name: String? = nil, identifier: String? = nil) -> JSONValue? {
        guard let id else { return nil }
        var members: [String: JSONValue] = ["id": int(id)]
        if let name { members["name"] = .string(name) }
        if let identifier { members["identifier"] = .string(identifier) }
        members["_info"] = .object(["\(Self.hrefKeys[path] ?? path)_href": .string("\(baseURL)/\(path)/\(id.rawValue)")])
        return .object(members)
    }
    /// An object without its `nil` members. Long items come in groups, each declared on its own: one literal of
    /// sixty members is more than the type checker handles in reasonable time.
    func object(_ groups: [String: JSONValue?]...) -> JSONValue {
        var members: [String: JSONValue] = [:]
        members.reserveCapacity(groups.reduce(0) { $0 + $1.count })
        for group in groups {
            for (key, value) in group { if let value { members[key] = value } }
        }
        return .object(members)
    }

    /// A company's `identifier`: its short code, unique on the site.
    static func identifier(of id: ID<Company>) -> String { "C\(id.rawValue)" }

    /// The name of a company's type (`types[].name`).
    static func typeName(of kind: Company.Kind) -> String {
        switch kind {
        case .client: "Client"
        case .prospect: "Prospect"
        case .vendor: "Vendor"
        case .internal: "Owner"
        }
    }

    /// A stable, random-looking GUID for the record `id` of `kind` (ConnectWise's `mobileGuid`).
    static func guid(_ kind: UInt64, _ id: String) -> JSONValue {
        var state = kind &* 0x9E37_79B9_7F4A_7C15 &+ (UInt64(id) ?? UInt64(truncatingIfNeeded: id.hashValue))
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let (high, low) = (next(), next())
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text
        }
        let version = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
        let variant = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return .string(
            "\(hex(version >> 32, 8))-\(hex((version >> 16) & 0xFFFF, 4))-\(hex(version & 0xFFFF, 4))-"
                + "\(hex(variant >> 48, 4))-\(hex(variant & 0xFFFF_FFFF_FFFF, 12))")
    }

    public func company(_ record: Company) -> JSONValue {
        let profile = directory.profile(record.id)
        let entry = directory.companies[record.id]
        let own = directory.company(record.id)
        // Invariant: `allCases` holds every kind.
        let typeID = Company.Kind.allCases.firstIndex(of: record.kind)! + 1
        let identity: [String: JSONValue?] = [
            "id": int(record.id), "identifier": .string(Self.identifier(of: record.id)), "name": .string(record.name),
            "status": .object([
                "id": .number(record.status == .active ? 1 : 2), "name": .string(record.status == .active ? "Active" : "Inactive"),
                "_info": .object(["status_href": .string("\(baseURL)/company/companies/statuses/\(record.status == .active ? 1 : 2)")]),
            ]),
            "types": .array([.object([
                "id": .number(Decimal(typeID)), "name": .string(Self.typeName(of: record.kind)),
                "_info": .object(["type_href": .string("\(baseURL)/company/companies/types/\(typeID)")]),
            ])]),
            "market": record.market.map { .object(["id": .number(1), "name": .string($0)]) },
            "territoryManager": directory.member(record.accountManagerID),
            "isVendorFlag": .bool(record.kind == .vendor), "deletedFlag": .bool(false),
        ]
        let contact: [String: JSONValue?] = [
            "addressLine1": .string(profile.addressLine1), "city": .string(profile.city), "state": .string(profile.state),
            "zip": .string(profile.zip), "country": setup.country.reference, "phoneNumber": .string(profile.phoneNumber),
            "faxNumber": .string(""), "website": .string(profile.website), "territory": setup.location,
            "accountNumber": .string(profile.accountNumber), "defaultContact": profile.contact,
            "dateAcquired": entry?.acquired.map(day), "sicCode": CompanyProfile.sicCode(market: record.market),
            "annualRevenue": number(0), "timeZoneSetup": setup.timeZoneSetup, "leadFlag": .bool(record.kind == .prospect),
            "unsubscribeFlag": .bool(false), "userDefinedField5": .string(""), "vendorIdentifier": .string(""),
        ]
        let billing: [String: JSONValue?] = [
            "taxIdentifier": .string(""), "taxCode": setup.taxCode, "billingTerms": setup.billingTerms, "billToCompany": own,
            "billingSite": profile.site, "billingContact": profile.contact, "invoiceDeliveryMethod": setup.invoiceDelivery,
            "invoiceToEmailAddress": .string(profile.contactEmail), "mobileGuid": Self.guid(1, record.id.rawValue),
            "facebookUrl": .string(profile.facebookURL), "linkedInUrl": .string(profile.linkedInURL),
            "currency": setup.currency, "site": profile.site, "customFields": setup.customFields,
            "_info": info(updated: record.updatedAt),
        ]
        return object(identity, contact, billing)
    }

    public func configuration(_ record: ConfigurationItem) -> JSONValue {
        let typeName: String =
            switch record.kind {
            case .workstation: "Managed Workstation"
            case .server: "Managed Server"
            case .network: "Network Device"
            case .other: "Other"
            }
        return object([
            "id": int(record.id), "name": .string(record.name),
            "type": .object(["id": .number(Decimal(ConfigurationItem.Kind.allCases.firstIndex(of: record.kind)! + 1)), "name": .string(typeName)]),
            "company": directory.company(record.companyID), "activeFlag": .bool(record.active),
            "_info": info(updated: record.updatedAt),
        ])
    }

    /// The member with its rate in force on `day` (ConnectWise keeps only the current one).
    public func member(_ record: Member, on day: CalendarDate) -> JSONValue {
        let parts = record.name.split(separator: " ", maxSplits: 1).map(String.init)
        let rate = record.rate(on: day) ?? record.rates.last
        return object([
            "id": int(record.id), "identifier": .string(record.identifier), "firstName": parts.first.map { .string($0) },
            "lastName": .string(parts.count > 1 ? parts[1] : record.name), "title": record.title.map { .string($0) },
            "inactiveFlag": .bool(!record.active), "dailyCapacity": number(record.dailyCapacity.value),
            "hourlyCost": rate?.hourlyCost.map { number($0.amount) }, "hourlyRate": rate?.hourlyRate.map { number($0.amount) },
            "_info": info(updated: record.updatedAt),
        ])
    }

    public func workType(_ record: WorkType) -> JSONValue {
        object([
            "id": int(record.id), "name": .string(record.name), "billTime": .string(record.billable ? "Billable" : "DoNotBill"),
            "costMultiplier": number(record.costMultiplier), "utilizationFlag": .bool(record.countsAsUtilized),
            "inactiveFlag": .bool(!record.active), "_info": info(updated: record.updatedAt),
        ])
    }

    public func workRole(_ record: WorkRole) -> JSONValue {
        object([
            "id": int(record.id), "name": .string(record.name), "hourlyRate": record.hourlyRate.map { number($0.amount) },
            "inactiveFlag": .bool(!record.active), "_info": info(updated: record.updatedAt),
        ])
    }
}

extension ConnectWiseEncoder {
    /// An opportunity. ConnectWise keeps its values on forecast items (``forecast(_:)``), not on the opportunity.
    public func opportunity(_ record: Opportunity) -> JSONValue {
        object([
            "id": int(record.id), "name": .string(record.name), "company": reference(record.companyID, "company/companies"),
            "stage": .object(["id": .number(1), "name": .string(record.stage)]),
            "status": opportunityStatus(record.outcome),
            "probability": .object(["id": .number(1), "name": .string("\(record.probability * 100)")]),
            "expectedCloseDate": day(record.expectedCloseDate), "closedDate": record.closedDate.map(day),
            "primarySalesRep": reference(record.salesMemberID, "system/members"), "_info": info(updated: record.updatedAt),
        ])
    }
}
