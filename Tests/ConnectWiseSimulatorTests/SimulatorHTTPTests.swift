import ConnectWiseAPI
import ConnectWiseSimulator
import Foundation
import HTTPTypes
import HummingbirdTesting
import InsightCore
import MSPModel
import NIOCore
import Testing

let smallBusiness = try! MSPBusiness.generate(GeneratorSettings(size: .small, seed: 11))

/// Runs `body` against a simulator on a real 127.0.0.1 port.
func withSimulator<R: Sendable>(
    _ settings: ConnectWiseSimulatorSettings = ConnectWiseSimulatorSettings(),
    _ body: @Sendable (any TestClientProtocol, SimulatedSite) async throws -> R
) async throws -> R {
    let site = SimulatedSite(business: smallBusiness, settings: settings)
    return try await ConnectWiseSimulator.application(site: site, port: 0).test(.live) { client in try await body(client, site) }
}

/// Headers of an API member: Basic `company+public:private`, clientId, the versioned Accept.
func headers(company: String = "insightdemo", publicKey: String = "PSAINSIGHTREADONLY",
             privateKey: String = "read-only-private-key-0001", clientID: Bool = true) -> HTTPFields {
    var fields: HTTPFields = [
        .authorization: "Basic " + Data("\(company)+\(publicKey):\(privateKey)".utf8).base64EncodedString(),
        .accept: "application/vnd.connectwise.com+json; version=2025.1",
    ]
    if clientID { fields[HTTPField.Name("clientId")!] = "5e3f1a52-6c1d-4b55-9d7a-1f0c2b7e9a31" }
    return fields
}

let api = "/v4_6_release/apis/3.0"

func bytes(_ buffer: ByteBuffer) -> Data { Data(buffer.readableBytesView) }
func decode(_ body: ByteBuffer) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: bytes(body)) }
func count(_ body: ByteBuffer) throws -> Int {
    guard case .number(let n)? = try decode(body).member("count") else { return -1 }
    return NSDecimalNumber(decimal: n).intValue
}

@Suite(.timeLimit(.minutes(2)))
struct SimulatorHTTPTests {
    @Test func codebaseDiscoveryAndRouting() async throws {
        try await withSimulator { client, _ in
            try await client.execute(uri: "/login/companyinfo/insightdemo", method: .get) { response in
                #expect(response.status == .ok)
                let info = try decode(response.body)
                #expect(info.member("Codebase") == .string("v2025_1/"))
            }
            try await client.execute(uri: "/login/companyinfo/nobody", method: .get) { response in
                #expect(String(buffer: response.body) == "null", "an unknown company answers null")
            }
            try await client.execute(uri: "/v2025_1/apis/3.0/system/info", method: .get, headers: headers()) { response in
                #expect(response.status == .ok, "the codebase form is served too")
                #expect(response.headers[HTTPField.Name("api-current-version")!] == "2025.1")
            }
            try await client.execute(uri: "/v2019_1/apis/3.0/system/info", method: .get, headers: headers()) { response in
                #expect(String(buffer: response.body) == "Cannot route. Codebase/company is invalid")
            }
            try await client.execute(uri: "\(api)/system/info", method: .get, headers: headers(company: "othermsp")) { response in
                #expect(String(buffer: response.body) == "Cannot route. Codebase/company is invalid")
            }
        }
    }

    @Test func authenticationAndPermissions() async throws {
        try await withSimulator { client, _ in
            try await client.execute(uri: "\(api)/company/companies", method: .get, headers: headers(privateKey: "wrong")) { response in
                #expect(response.status == .unauthorized)
                #expect(ConnectWiseErrorBody.parse(bytes(response.body))?.code == "Unauthorized")
                #expect(String(buffer: response.body).contains("\r\n"), "error bodies are pretty-printed with CRLF")
            }
            try await client.execute(uri: "\(api)/company/companies", method: .get, headers: headers(clientID: false)) { response in
                #expect(response.status == .unauthorized)
            }
            let noFinance = headers(publicKey: "PSAINSIGHTNOFINANCE", privateKey: "no-finance-private-key-0002")
            try await client.execute(uri: "\(api)/finance/invoices", method: .get, headers: noFinance) { response in
                #expect(response.status == .forbidden, "Finance › Invoicing at Inquire None")
            }
            try await client.execute(uri: "\(api)/company/companies", method: .get, headers: noFinance) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "\(api)/system/securityroles", method: .get, headers: noFinance) { response in
                guard case .array(let roles) = try decode(response.body), let id = roles.first.flatMap(ListQuery.id(of:)) else {
                    Issue.record("no role")
                    return
                }
                try await client.execute(uri: "\(api)/system/securityRoles/\(id)/settings", method: .get, headers: noFinance) { settings in
                    guard case .array(let items) = try decode(settings.body) else {
                    Issue.record("no settings")
                    return
                }
                    let invoicing = items.first { $0.member("moduleFunctionName") == .string("Invoicing") }
                    #expect(invoicing?.member("inquireLevel") == .string("None"))
                }
            }
        }
    }

    @Test func pagingLinksAndCounts() async throws {
        let companies = smallBusiness.snapshot().companies.count
        try await withSimulator { client, _ in
            let total = try await client.execute(uri: "\(api)/company/companies/count", method: .get, headers: headers()) { try count($0.body) }
            #expect(total == companies)
            try await client.execute(uri: "\(api)/company/companies", method: .get, headers: headers()) { response in
                guard case .array(let page) = try decode(response.body) else {
                    Issue.record("not a list")
                    return
                }
                #expect(page.count == 25, "the default page size is 25")
                let link = try #require(response.headers[HTTPField.Name("Link")!])
                #expect(link.contains("page=2>; rel=\"next\""))
            }
            try await client.execute(uri: "\(api)/company/companies?pageSize=2&fields=id,status/name", method: .get, headers: headers()) { response in
                guard case .array(let page) = try decode(response.body), let first = page.first, case .object(let members) = first else {
                    Issue.record("not a list")
                    return
                }
                #expect(Set(members.keys) == ["id", "status"], "fields keeps only what was asked")
                #expect(first.member("status")?.member("id") == nil, "nested: status/name keeps only the name")
            }
            try await client.execute(uri: "\(api)/company/companies/999999", method: .get, headers: headers()) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "\(api)/time/entries?conditions=lastUpdated%20%3E%20%5Bnonsense%5D", method: .get, headers: headers()) { response in
                #expect(response.status == .badRequest)
                #expect(ConnectWiseErrorBody.parse(bytes(response.body))?.summary.contains("not a date") == true)
            }
        }
    }

    /// The whole business read page by page with forward-only paging decodes to exactly the generator's records.
    @Test func aFullForwardOnlyReadReturnsTheBusiness() async throws {
        let snapshot = smallBusiness.snapshot()
        let context = ConnectWiseContext(
            currency: .usd, timeZone: snapshot.calendar.timeZone,
            timeOffWorkTypes: Set(snapshot.workTypes.filter(\.isTimeOff).map(\.id)), ownCompanyID: snapshot.ownCompanyID)
        try await withSimulator { client, _ in
            var entries: [TimeEntry] = []
            var next: String? = "\(api)/time/entries?pageSize=1000"
            var requests = 0
            var fields = headers()
            fields[HTTPField.Name("pagination-type")!] = "forward-only"
            while let uri = next {
                requests += 1
                next = try await client.execute(uri: uri, method: .get, headers: fields) { response in
                    entries += try ConnectWiseRecords.timeEntries(bytes(response.body), context: context)
                    let link = response.headers[HTTPField.Name("Link")!] ?? ""
                    guard let start = link.firstIndex(of: "<"), let end = link.firstIndex(of: ">") else { return nil }
                    return URLComponents(string: String(link[link.index(after: start)..<end])).map { "\($0.path)?\($0.query ?? "")" }
                }
            }
            #expect(requests == snapshot.timeEntries.count / 1_000 + 1)
            #expect(entries.sorted { $0.id.rawValue.count == $1.id.rawValue.count ? $0.id < $1.id : $0.id.rawValue.count < $1.id.rawValue.count }
                == snapshot.timeEntries.sorted { $0.id.rawValue.count == $1.id.rawValue.count ? $0.id < $1.id : $0.id.rawValue.count < $1.id.rawValue.count })
            let hours = entries.map(\.actualHours).sum()
            #expect(hours == snapshot.timeEntries.map(\.actualHours).sum())
        }
    }

    @Test func incrementalReadsSeeWhatChanged() async throws {
        try await withSimulator { client, site in
            let end = smallBusiness.endOfSpan
            let since = end.date.formatted(Date.ISO8601FormatStyle())
            let uri = "\(api)/service/tickets/count?conditions=lastUpdated%20%3E%20%5B\(since)%5D"
            let before = try await client.execute(uri: uri, method: .get, headers: headers()) { try count($0.body) }
            #expect(before == 0)
            await site.advance(to: end.adding(seconds: 7 * 86_400))
            let changed = try await client.execute(uri: uri, method: .get, headers: headers()) { try count($0.body) }
            #expect(changed > 0, "a week later, tickets were opened and updated")
        }
    }

    @Test func opportunityForecasts() async throws {
        let opportunity = try #require(smallBusiness.snapshot().opportunities.first { $0.oneTimeValue.amount > 0 })
        let path = "\(api)/sales/opportunities/\(opportunity.id)/forecast"
        try await withSimulator { client, _ in
            let response = try await client.execute(uri: path, method: .get, headers: headers())
            #expect(response.status == .ok)
            guard case .array(let forecasts) = try decode(response.body), case .array(let items)? = forecasts.first?.member("forecastItems") else {
                Issue.record("a list holding one forecast with its items, as the 2025.1 spec declares")
                return
            }
            #expect(forecasts.count == 1)
            let oneTime = items.first { $0.member("recurringFlag") == .bool(false) }
            #expect(oneTime?.member("revenue") == .number(opportunity.oneTimeValue.amount))
            #expect(oneTime?.member("opportunity")?.member("id") == .number(Decimal(string: opportunity.id.rawValue)!))
            let counted = try await client.execute(uri: path + "/count", method: .get, headers: headers())
            #expect(try count(counted.body) == (opportunity.recurringValue.amount > 0 ? 2 : 1))
            let line = try await client.execute(uri: path + "/\(opportunity.id)1", method: .get, headers: headers())
            #expect(try decode(line.body).member("forecastType") == .string("Product"), "one line by its id")
            let unknown = try await client.execute(uri: "\(api)/sales/opportunities/999999999/forecast", method: .get, headers: headers())
            #expect(unknown.status == .notFound)
        }
        var objectSettings = ConnectWiseSimulatorSettings()
        objectSettings.forecastAsList = false
        let object = try await withSimulator(objectSettings) { client, _ in
            try decode(try await client.execute(uri: path, method: .get, headers: headers()).body)
        }
        if case .object = object {} else { Issue.record("the forecast object itself") }
    }

    @Test func rateLimitsAndFaults() async throws {
        var limited = ConnectWiseSimulatorSettings()
        limited.requestsPerMinute = 3
        try await withSimulator(limited) { client, _ in
            for _ in 0..<3 {
                try await client.execute(uri: "\(api)/system/info", method: .get, headers: headers()) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: "\(api)/system/info", method: .get, headers: headers()) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[HTTPField.Name("Retry-After")!] == "30")
                #expect(ConnectWiseErrorBody.parse(bytes(response.body))?.message.contains("30 seconds") == true)
            }
        }
        var faulty = ConnectWiseSimulatorSettings()
        faulty.serverErrorRate = 0.5
        faulty.truncatedBodyRate = 0.5
        try await withSimulator(faulty) { client, _ in
            var statuses: [HTTPResponse.Status] = []
            var truncated = 0
            for _ in 0..<20 {
                try await client.execute(uri: "\(api)/company/companies", method: .get, headers: headers()) { response in
                    statuses.append(response.status)
                    if response.status == .ok, (try? decode(response.body)) == nil { truncated += 1 }
                }
            }
            #expect(statuses.contains(.internalServerError))
            #expect(statuses.contains(.ok))
            #expect(truncated > 0, "some bodies arrive cut off")
        }
    }
}
