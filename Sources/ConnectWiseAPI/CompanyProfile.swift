import Foundation
import InsightCore

/// What a ConnectWise company record knows about a client beyond what the product stores: its address, phone,
/// web presence, account number and main contact. Made up from the company's id and name, so the same company
/// has the same details on every item that repeats them (its company record, its tickets, its invoices).
struct CompanyProfile: Sendable {
    let addressLine1: String
    let city: String
    let state: String
    let zip: String
    let phoneNumber: String
    let website: String
    let facebookURL: String
    let linkedInURL: String
    let accountNumber: String
    /// The main contact (also the billing contact and the contact on tickets and agreements).
    let contactID: Int
    let contactName: String
    let contactEmail: String
    let contactPhone: String
    let contact: JSONValue
    /// The company's one site, "Main", where it is billed and shipped to.
    let site: JSONValue

    static let streets = [
        "Main Street", "Oak Avenue", "Commerce Drive", "Market Street", "Park Road", "Industrial Way", "Lake Street",
        "Church Street", "Mill Lane", "Station Road", "Elm Street", "Washington Avenue",
    ]
    static let firstNames = [
        "Maria", "David", "Susan", "James", "Linda", "Robert", "Karen", "Michael", "Patricia", "William", "Nancy", "Thomas",
        "Lisa", "Daniel", "Sandra", "Paul", "Angela", "Mark", "Helen", "Steven",
    ]
    static let lastNames = [
        "Anderson", "Thompson", "Martinez", "Robinson", "Rodriguez", "Lee", "Walker", "Perez", "Hughes", "Price", "Bennett",
        "Wood", "Barnes", "Ross", "Henderson", "Coleman", "Jenkins", "Perry", "Powell", "Long",
    ]

    init(id: Int, name: String, country: ConnectWiseSiteSetup.Country, baseURL: String) {
        let place = country.places[id % country.places.count]
        addressLine1 = "\(100 + id * 37 % 9_800) \(Self.streets[id * 7 % Self.streets.count])"
        city = place.city
        state = place.state
        zip = place.zip
        let slug = String(name.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }.map(Character.init))
        let domain = "\(slug.isEmpty ? "company\(id)" : slug).\(country.webSuffix)"
        phoneNumber = "\(country.callingCode) 555 \(Self.digits(id % 1_000, 3)) \(Self.digits(id * 7_919 % 10_000, 4))"
        website = "www.\(domain)"
        facebookURL = "https://www.facebook.com/\(slug)/"
        linkedInURL = "https://www.linkedin.com/company/\(slug)/"
        accountNumber = "AC-\(Self.digits(id, 6))"
        contactID = id * 10 + 1
        let first = Self.firstNames[id % Self.firstNames.count]
        let last = Self.lastNames[id / Self.firstNames.count % Self.lastNames.count]
        contactName = "\(first) \(last)"
        contactEmail = "\(first.lowercased()).\(last.lowercased())@\(domain)"
        contactPhone = "\(country.callingCode) 555 \(Self.digits(id % 1_000, 3)) \(Self.digits(contactID * 4_099 % 10_000, 4))"
        contact = .object([
            "id": .number(Decimal(contactID)), "name": .string(contactName),
            "_info": .object(["contact_href": .string("\(baseURL)/company/contacts/\(contactID)")]),
        ])
        site = .object([
            "id": .number(Decimal(id * 10)), "name": .string("Main"),
            "_info": .object(["site_href": .string("\(baseURL)/company/companies/\(id)/sites/\(id * 10)")]),
        ])
    }

    /// `value` with leading zeros to `count` digits.
    static func digits(_ value: Int, _ count: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, count - text.count)) + text
    }

    /// The industry classification of a company in `market` (its vertical).
    static func sicCode(market: String?) -> JSONValue? {
        let code: (Int, String)? =
            switch market {
            case "Healthcare": (8011, "8011 - Offices and clinics of doctors of medicine")
            case "Legal": (8111, "8111 - Legal services")
            case "Manufacturing": (3599, "3599 - Industrial and commercial machinery")
            case "Financial Services": (6282, "6282 - Investment advice")
            case "Nonprofit": (8399, "8399 - Social services")
            case "Construction": (1521, "1521 - General building contractors")
            case "Retail": (5999, "5999 - Miscellaneous retail stores")
            case "Professional Services": (8742, "8742 - Management consulting services")
            default: nil
            }
        return code.map { .object(["id": .number(Decimal($0.0)), "name": .string($0.1)]) }
    }
}
