import Foundation
import InsightCore

/// The setup tables of a ConnectWise site (System › Setup Tables) that items point at but the product does not
/// read: the office location, departments, tax code, currency, billing terms, SLAs, ticket sources, expense types.
/// Each reference is built once, so every item that carries it shares the same JSON.
struct ConnectWiseSiteSetup: Sendable {
    let baseURL: String
    let currencyCode: CurrencyCode

    /// The MSP's one office: the `location` of every record and the `territory` of every client.
    let locationID = 2
    let locationName = "Head Office"
    let location: JSONValue
    /// The tenant's currency, in full (`CurrencyReference`).
    let currency: JSONValue
    let country: Country
    let taxCode: JSONValue
    let billingTerms: JSONValue
    let invoiceDelivery: JSONValue
    let timeZoneSetup: JSONValue
    let billingSetup: JSONValue
    let customFields: JSONValue
    let standardSLA: JSONValue
    let noSLA: JSONValue
    let invoiceOpen: JSONValue
    let invoiceClosed: JSONValue
    let unitEach: JSONValue
    let unitFlatFee: JSONValue
    let mileage: JSONValue
    let paidByEmployee: JSONValue
    let reimbursable: JSONValue

    /// Departments (business units): the work a record belongs to.
    enum Department: Int, CaseIterable {
        case service = 1, projects, administration, sales
        var name: String {
            switch self {
            case .service: "Service"
            case .projects: "Projects"
            case .administration: "Administration"
            case .sales: "Sales"
            }
        }
    }
    /// `SystemDepartmentReference` (with `identifier`), as agreements and tickets carry it.
    let departments: [Department: JSONValue]
    /// `BillingUnitReference` (no `identifier`), as time entries, invoices and products carry it.
    let businessUnits: [Department: JSONValue]

    /// Where tickets come from (`ServiceSourceReference`).
    enum Source: Int, CaseIterable {
        case phone = 1, email, portal, monitoring, `internal`
        var name: String {
            switch self {
            case .phone: "Phone"
            case .email: "Email"
            case .portal: "Portal"
            case .monitoring: "Monitoring"
            case .internal: "Internal"
            }
        }
    }
    let sources: [Source: JSONValue]
    let remote: JSONValue
    let onSite: JSONValue

    /// The country of the tenant's clients, chosen by its currency.
    struct Country: Sendable {
        let reference: JSONValue
        let name: String
        let callingCode: String
        /// City, state or county, postal code.
        let places: [(city: String, state: String, zip: String)]
        let webSuffix: String
    }

    init(baseURL: String, currency code: CurrencyCode, timeZone: TimeZone) {
        self.baseURL = baseURL
        self.currencyCode = code
        func named(_ id: Int, _ name: String, _ link: String? = nil, _ path: String? = nil) -> JSONValue {
            var members: [String: JSONValue] = ["id": .number(Decimal(id)), "name": .string(name)]
            if let link, let path { members["_info"] = .object(["\(link)_href": .string("\(baseURL)/\(path)/\(id)")]) }
            return .object(members)
        }
        location = named(locationID, locationName, "location", "system/locations")
        currency = Self.currency(code, baseURL: baseURL)
        country = Self.country(for: code, baseURL: baseURL)
        let tax: String =
            switch code.rawValue {
            case "USD": "State Sales Tax"
            case "CAD", "AUD": "GST"
            default: "VAT"
            }
        taxCode = named(1, tax, "taxCode", "finance/taxCodes")
        billingTerms = named(1, "Net 30")
        invoiceDelivery = named(2, "Email")
        timeZoneSetup = named(Self.timeZoneID(timeZone), Self.timeZoneName(timeZone), "timeZoneSetup", "system/timeZoneSetups")
        billingSetup = .object([
            "id": .number(1), "name": .string(locationName),
            "_info": .object(["billingSetup_href": .string("\(baseURL)/finance/billingsetups/1")]),
        ])
        customFields = .array([
            .object([
                "id": .number(1), "caption": .string("Documentation link"), "type": .string("Hyperlink"),
                "entryMethod": .string("EntryField"), "numberOfDecimals": .number(0),
                "connectWiseId": .string("4a6f1c2e-8b3d-4e5f-9a7b-0c1d2e3f4a5b"),
            ])
        ])
        standardSLA = named(1, "Standard SLA", "sla", "service/SLAs")
        noSLA = named(2, "No SLA", "sla", "service/SLAs")
        invoiceOpen = .object(["id": .number(1), "name": .string("Sent"), "isClosed": .bool(false)])
        invoiceClosed = .object(["id": .number(2), "name": .string("Closed"), "isClosed": .bool(true)])
        unitEach = named(1, "Each", "uom", "procurement/unitOfMeasures")
        unitFlatFee = named(2, "Flat Fee", "uom", "procurement/unitOfMeasures")
        mileage = named(1, "Mileage", "type", "expense/types")
        paidByEmployee = .object([
            "id": .number(2), "name": .string("Paid by employee"),
            "_info": .object(["method_href": .string("\(baseURL)/expense/paymentTypes/2")]),
        ])
        reimbursable = named(2, "Reimbursable", "classification", "expense/classifications")
        departments = Dictionary(uniqueKeysWithValues: Department.allCases.map { department in
            (department, JSONValue.object([
                "id": .number(Decimal(department.rawValue)), "identifier": .string(department.name), "name": .string(department.name),
                "_info": .object(["department_href": .string("\(baseURL)/system/departments/\(department.rawValue)")]),
            ]))
        })
        businessUnits = Dictionary(uniqueKeysWithValues: Department.allCases.map {
            ($0, named($0.rawValue, $0.name, "department", "system/departments"))
        })
        sources = Dictionary(uniqueKeysWithValues: Source.allCases.map { ($0, named($0.rawValue, $0.name, "source", "service/sources")) })
        remote = named(2, "Remote", "location", "service/locations")
        onSite = named(1, "On-Site", "location", "service/locations")
    }

    /// A currency as ConnectWise describes it: symbol, separators and decimals.
    static func currency(_ code: CurrencyCode, baseURL: String) -> JSONValue {
        let (id, symbol, name): (Int, String, String) =
            switch code.rawValue {
            case "USD": (7, "$", "US Dollars")
            case "CAD": (8, "$", "Canadian Dollars")
            case "AUD": (9, "$", "Australian Dollars")
            case "GBP": (10, "£", "Pounds Sterling")
            case "EUR": (11, "€", "Euro")
            default: (12, code.rawValue, code.rawValue)
            }
        let european = code.rawValue == "EUR"
        return .object([
            "id": .number(Decimal(id)), "symbol": .string(symbol), "currencyCode": .string(code.rawValue),
            "decimalSeparator": .string(european ? "," : "."), "numberOfDecimals": .number(2),
            "thousandsSeparator": .string(european ? "." : ","), "negativeParenthesesFlag": .bool(false),
            "displaySymbolFlag": .bool(true), "currencyIdentifier": .string(code.rawValue), "displayIdFlag": .bool(false),
            "rightAlign": .bool(european), "name": .string(name),
            "_info": .object(["currency_href": .string("\(baseURL)/finance/currencies/\(id)")]),
        ])
    }

    static func country(for code: CurrencyCode, baseURL: String) -> Country {
        func country(_ id: Int, _ identifier: String, _ name: String) -> JSONValue {
            .object([
                "id": .number(Decimal(id)), "identifier": .string(identifier), "name": .string(name),
                "_info": .object(["country_href": .string("\(baseURL)/company/countries/\(id)")]),
            ])
        }
        switch code.rawValue {
        case "CAD":
            return Country(
                reference: country(2, "CA", "Canada"), name: "Canada", callingCode: "+1",
                places: [("Toronto", "ON", "M5V 2T6"), ("Ottawa", "ON", "K1P 5G4"), ("Calgary", "AB", "T2P 1J9"), ("Halifax", "NS", "B3J 1S9")],
                webSuffix: "ca")
        case "GBP":
            return Country(
                reference: country(3, "GB", "United Kingdom"), name: "United Kingdom", callingCode: "+44",
                places: [("Leeds", "West Yorkshire", "LS1 4AP"), ("Bristol", "Bristol", "BS1 4DJ"), ("Manchester", "Greater Manchester", "M1 1AE"),
                         ("Reading", "Berkshire", "RG1 1AA")],
                webSuffix: "co.uk")
        case "AUD":
            return Country(
                reference: country(4, "AU", "Australia"), name: "Australia", callingCode: "+61",
                places: [("Melbourne", "VIC", "3000"), ("Brisbane", "QLD", "4000"), ("Perth", "WA", "6000"), ("Adelaide", "SA", "5000")],
                webSuffix: "com.au")
        case "EUR":
            return Country(
                reference: country(5, "IE", "Ireland"), name: "Ireland", callingCode: "+353",
                places: [("Dublin", "Co. Dublin", "D02 X285"), ("Cork", "Co. Cork", "T12 W8E2"), ("Galway", "Co. Galway", "H91 F8PK")],
                webSuffix: "ie")
        default:
            return Country(
                reference: country(1, "US", "United States"), name: "United States", callingCode: "+1",
                places: [("Springfield", "IL", "62701"), ("Peoria", "IL", "61602"), ("Madison", "WI", "53703"), ("Naperville", "IL", "60540"),
                         ("Milwaukee", "WI", "53202"), ("Rockford", "IL", "61101"), ("Joliet", "IL", "60432"), ("Evanston", "IL", "60201")],
                webSuffix: "com")
        }
    }

    /// ConnectWise's time zone setups are named like `GMT-6/Central Time: US & Canada`.
    static func timeZoneName(_ zone: TimeZone) -> String {
        switch zone.identifier {
        case "America/New_York": "GMT-5/Eastern Time: US & Canada"
        case "America/Chicago": "GMT-6/Central Time: US & Canada"
        case "America/Denver": "GMT-7/Mountain Time: US & Canada"
        case "America/Los_Angeles": "GMT-8/Pacific Time: US & Canada"
        case "Europe/London": "GMT/Greenwich Mean Time: Dublin, Edinburgh, Lisbon, London"
        default: zone.identifier
        }
    }

    static func timeZoneID(_ zone: TimeZone) -> Int {
        ["America/New_York": 1, "America/Chicago": 2, "America/Denver": 3, "America/Los_Angeles": 4, "Europe/London": 5][zone.identifier] ?? 6
    }

    func department(_ department: Department) -> JSONValue? { departments[department] }
    func businessUnit(_ department: Department) -> JSONValue? { businessUnits[department] }
    func source(_ source: Source) -> JSONValue? { sources[source] }
}
