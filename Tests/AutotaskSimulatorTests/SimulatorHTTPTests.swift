import AsyncHTTPClient
import AutotaskAPI
import AutotaskSimulator
import Foundation
import InsightCore
import MSPModel
import NIOHTTP1
import Testing

@Suite(.timeLimit(.minutes(10))) struct AutotaskSimulatorHTTPTests {
    @Test func zoneLookupNeedsNoCredentialsAndNamesTheSimulator() async throws {
        try await withSimulator { wire, _ in
            let known = try await wire.send(.GET, "/atservicesrest/v1.0/zoneInformation?user=insight-readonly%40northwind.example", headers: [])
            #expect(known.status == 200)
            let zone = try AutotaskZoneInformation.decode(known.body)
            #expect(zone.url == wire.root + "/ATServicesRest/")
            #expect(zone.ci == 20_264)
            let unknown = try await wire.send(.GET, "/atservicesrest/v1.0/zoneInformation?user=nobody%40example.com", headers: [])
            #expect(unknown.status == 500)
            #expect(AutotaskErrorBody.parse(unknown.body)?.errors == [AutotaskErrorBody.unknownZone])
            // The versions endpoint, unauthenticated too.
            #expect(try await wire.send(.GET, "/ATServicesRest/versioninformation", headers: []).json?.member("apiVersions") == .array([.string("1.0")]))
        }
    }

    @Test func badCredentialsGetTheDocumentedAnswers() async throws {
        try await withSimulator { wire, _ in
            let path = "/atservicesrest/v1.0/Companies/query/count"
            let body = AutotaskQuery.all().text
            for (name, broken) in [("no headers", Wire(root: wire.root, user: "", secret: "", code: "")),
                                   ("unknown user", Wire(root: wire.root, user: "nobody@x", secret: wire.secret, code: wire.code)),
                                   ("wrong secret", Wire(root: wire.root, user: wire.user, secret: "wrong", code: wire.code)),
                                   ("wrong integration code", Wire(root: wire.root, user: wire.user, secret: wire.secret, code: "WRONG"))] {
                let answer = try await broken.send(.POST, path, headers: name == "no headers" ? [] : nil, body: body)
                #expect(answer.status == 401, "\(name)")
                #expect(answer.body.isEmpty, "\(name)")
                #expect(answer.header("WWW-Authenticate")?.hasPrefix("Basic Realm=") == true, "\(name)")
            }
            #expect(try await wire.send(.POST, path, body: body).status == 200)
        }
        var legacy = AutotaskSimulatorSettings()
        legacy.authenticationErrors = .legacy500
        try await withSimulator(legacy) { wire, _ in
            let path = "/atservicesrest/v1.0/Companies/query/count"
            let badCode = try await Wire(root: wire.root, user: wire.user, secret: wire.secret, code: "WRONG").send(.POST, path, body: AutotaskQuery.all().text)
            #expect(badCode.status == 500)
            #expect(AutotaskErrorBody.parse(badCode.body)?.errors == [AutotaskErrorBody.badIntegrationCode])
            #expect(try await Wire(root: wire.root, user: "nobody@x", secret: wire.secret, code: wire.code).send(.POST, path, body: "{}").status == 500)
            #expect(try await Wire(root: wire.root, user: wire.user, secret: "wrong", code: wire.code).send(.POST, path, body: "{}").status == 401)
        }
    }

    @Test func pagingFollowsNextPageUrlWithTheSameBody() async throws {
        try await withSimulator { wire, _ in
            let query = AutotaskQuery.all(maxRecords: 7)
            let (items, pages) = try await wire.all("Companies", query)
            let ids = items.compactMap { $0.member("id")?.intValue }
            #expect(ids == snapshot.companies.compactMap { Int($0.id.rawValue) }.sorted(), "every company once, by id ascending")
            #expect(pages == (snapshot.companies.count + 6) / 7)
            let first = try AutotaskPage.decode(try await wire.query("Companies", query).body, entity: "Companies")
            #expect(first.pageDetails.count == 7)
            #expect(first.pageDetails.requestCount == 7)
            #expect(first.pageDetails.prevPageUrl == nil)
            let next = try #require(first.pageDetails.nextPageUrl)
            #expect(next.hasPrefix(wire.root + "/ATServicesRest/V1.0/Companies/query/next?paging=%7b%22pageSize%22%3a7%2c%22previousIds%22%3a%5b-1%5d%2c%22nextIds%22%3a%5b"))
            // A POST-originated nextPageUrl followed with GET is refused (and would silently truncate a read).
            let wrongVerb = try await wire.send(.GET, next)
            #expect(wrongVerb.status == 405)
            #expect(wrongVerb.json?.member("Message") == .string("The requested resource does not support http method 'GET'."))
            let second = try AutotaskPage.decode(try await wire.send(.POST, next, body: query.text).body, entity: "Companies")
            #expect(second.pageDetails.prevPageUrl != nil)
            // GET-originated queries carry `search` in their links and are followed with GET.
            let search = AutotaskPagingCursor.encode(query.text)
            var url = "/atservicesrest/v1.0/Companies/query?search=\(search)"
            var got: [Int] = []
            while true {
                let page = try AutotaskPage.decode(try await wire.send(.GET, url).body, entity: "Companies")
                got += page.items.compactMap { $0.member("id")?.intValue }
                guard let link = page.pageDetails.nextPageUrl else { break }
                #expect(link.contains("&search="))
                url = link
            }
            #expect(got == ids)
        }
    }

    @Test func filtersSelectWhatTheGeneratorSays() async throws {
        try await withSimulator { wire, _ in
            let since = snapshot.timeEntries.map(\.updatedAt).sorted()[snapshot.timeEntries.count / 2]
            let query = AutotaskQuery(filter: [.since("lastModifiedDateTime", since.date)])
            let count = try await wire.send(.POST, "/atservicesrest/v1.0/TimeEntries/query/count", body: query.text)
            #expect(count.json?.member("queryCount")?.intValue == snapshot.timeEntries.filter { $0.updatedAt >= since }.count)
            let billable = AutotaskQuery(filter: [.eq("isNonBillable", .bool(false)), .eq("showOnInvoice", .bool(true))])
            let billableCount = try await wire.send(.POST, "/atservicesrest/v1.0/TimeEntries/query/count", body: billable.text)
            #expect(billableCount.json?.member("queryCount")?.intValue == snapshot.timeEntries.filter { $0.billableOption == .billable }.count)
            let prefix = String(snapshot.companies[0].name.prefix(4))
            let begins = AutotaskQuery(filter: [.or([.condition(.beginsWith, field: "companyName", value: .string(prefix.lowercased())), .eq("id", .int(-5))])])
            let (found, _) = try await wire.all("Companies", begins)
            #expect(found.count == snapshot.companies.filter { $0.name.lowercased().hasPrefix(prefix.lowercased()) }.count)
            let udf = AutotaskQuery(filter: [.condition(.eq, field: AutotaskVocabulary.billingMethodUDF, value: .string("fixedFee"), udf: true)])
            let (fixed, _) = try await wire.all("Projects", udf)
            #expect(fixed.count == snapshot.projects.filter { $0.billingMethod == .fixedFee }.count)
            let included = AutotaskQuery(filter: [.exist("id")], maxRecords: 3, includeFields: ["id", "title"])
            let page = try AutotaskPage.decode(try await wire.query("Tickets", included).body, entity: "Tickets")
            #expect(page.items.allSatisfy { if case .object(let m) = $0 { Set(m.keys) == ["id", "title", "userDefinedFields"] } else { false } })

            // More than 500 results: IncludeFields must name id (the documented rule); under 500 it need not.
            let many = snapshot.tickets.filter { $0.serviceClass != .project }.count
            #expect(many > 500)
            let withoutID = try await wire.query("Tickets", AutotaskQuery(filter: [.exist("id")], includeFields: ["title"]))
            #expect(withoutID.status == 500)
            #expect(String(decoding: withoutID.body, as: UTF8.self).contains("IncludeFields must include id"))
            #expect(try await wire.query("Tickets", AutotaskQuery(filter: [.exist("id")], includeFields: ["Id", "title"])).status == 200)
            let tenth = snapshot.tickets.filter { $0.serviceClass != .project }.compactMap { Int($0.id.rawValue) }.sorted()[9]
            let few = AutotaskQuery(filter: [.condition(.lte, field: "id", value: .int(tenth))], includeFields: ["title"])
            #expect(try await wire.query("Tickets", few).status == 200)
        }
    }

    /// Conditions on `id` are answered by binary search (as a database's index would); every operator, alone,
    /// combined and under `or`, must select exactly what checking each item selects.
    @Test func idConditionsSelectWhatAScanSelects() async throws {
        try await withSimulator { wire, _ in
            let (all, _) = try await wire.all("TimeEntries", AutotaskQuery(filter: [.gte("id", .int(0))], includeFields: ["id", "isNonBillable"]))
            let rows = all.map { (id: $0.member("id")?.intValue ?? -1, nonBillable: $0.member("isNonBillable") == .bool(true)) }
            #expect(rows.count == snapshot.timeEntries.count)
            let ids = rows.map(\.id)
            let (low, middle, high) = (ids[ids.count / 5], ids[ids.count / 2], ids[ids.count * 4 / 5])
            let cases: [(filter: [AutotaskFilter], expected: Int)] = [
                ([.condition(.gt, field: "id", value: .int(middle))], ids.count { $0 > middle }),
                ([.gte("id", .int(middle))], ids.count { $0 >= middle }),
                ([.condition(.lt, field: "ID", value: .int(middle))], ids.count { $0 < middle }),
                ([.condition(.lte, field: "id", value: .int(middle))], ids.count { $0 <= middle }),
                ([.eq("id", .int(middle))], 1),
                ([.eq("id", .int(middle + 1_000_000_000))], 0),
                ([.gte("id", .int(low)), .condition(.lt, field: "id", value: .int(high))], ids.count { $0 >= low && $0 < high }),
                ([.gte("id", .int(high)), .condition(.lt, field: "id", value: .int(low))], 0),
                ([.gte("id", .int(low)), .eq("isNonBillable", .bool(true))], rows.count { $0.id >= low && $0.nonBillable }),
                ([.or([.condition(.lt, field: "id", value: .int(low)), .condition(.gt, field: "id", value: .int(high))])],
                 ids.count { $0 < low || $0 > high }),
                // Values that do not narrow the window: a fraction, a string, one beyond any id.
                ([.condition(.lt, field: "id", value: .number(Decimal(middle) + Decimal(string: "0.5")!))], ids.count { $0 <= middle }),
                ([.condition(.lt, field: "id", value: .string(String(middle)))], ids.count { $0 < middle }),
                ([.condition(.lt, field: "id", value: .number(Decimal(string: "1e20")!))], ids.count),
            ]
            for (filter, expected) in cases {
                let query = AutotaskQuery(filter: filter, includeFields: ["id"])
                let count = try await wire.send(.POST, "/atservicesrest/v1.0/TimeEntries/query/count", body: query.text)
                #expect(count.json?.member("queryCount")?.intValue == expected, "\(query.text)")
                let (found, _) = try await wire.all("TimeEntries", query)
                #expect(found.count == expected, "\(query.text)")
            }
            // A next page asked for with a narrower filter than the one that made its cursor: an empty page.
            let first = try await wire.query("TimeEntries", AutotaskQuery(filter: [.gte("id", .int(0))]))
            let next = try #require(try AutotaskPage.decode(first.body, entity: "TimeEntries").pageDetails.nextPageUrl)
            let narrower = AutotaskQuery(filter: [.condition(.lt, field: "id", value: .int(ids[1]))])
            let answer = try await wire.send(.POST, next, body: narrower.text)
            #expect(answer.status == 200)
            #expect(try AutotaskPage.decode(answer.body, entity: "TimeEntries").items.isEmpty)
        }
    }

    /// `in` and `notIn` over whole numbers (the children queries) are looked up in a set; they must select what
    /// comparing with every option selects, and mixed options must still work.
    @Test func inListsSelectWhatAScanSelects() async throws {
        try await withSimulator { wire, _ in
            let (all, _) = try await wire.all("BillingItems", AutotaskQuery(filter: [.gte("id", .int(0))], includeFields: ["id", "invoiceID"]))
            let invoices = all.map { $0.member("invoiceID")?.intValue }
            let chosen = Array(Set(invoices.compactMap { $0 }).sorted().prefix(40))
            #expect(chosen.count == 40)
            let numbers = chosen.map { AutotaskJSON.int($0) }
            let cases: [(filter: [AutotaskFilter], expected: Int)] = [
                ([.condition(.in, field: "invoiceID", value: .array(numbers))], invoices.count { $0.map(chosen.contains) ?? false }),
                ([.condition(.notIn, field: "InvoiceID", value: .array(numbers))], invoices.count { $0.map { !chosen.contains($0) } ?? false }),
                ([.condition(.in, field: "invoiceID", value: .array(numbers.prefix(10) + [.string(String(chosen[20]))]))],
                 invoices.count { $0.map { chosen.prefix(10).contains($0) || $0 == chosen[20] } ?? false }),
            ]
            for (filter, expected) in cases {
                let query = AutotaskQuery(filter: filter, includeFields: ["id"])
                let count = try await wire.send(.POST, "/atservicesrest/v1.0/BillingItems/query/count", body: query.text)
                #expect(count.json?.member("queryCount")?.intValue == expected, "\(query.text)")
                let (found, _) = try await wire.all("BillingItems", query)
                #expect(found.count == expected, "\(query.text)")
            }
        }
    }

    @Test func picklistsAreTheTenantsOwn() async throws {
        var other = AutotaskSimulatorSettings()
        other.picklistFirstValue = 400
        let statuses = try await [AutotaskSimulatorSettings(), other].asyncMap { settings in
            try await withSimulator(settings) { wire, _ -> [AutotaskPicklistValue] in
                let answer = try await wire.send(.GET, "/atservicesrest/v1.0/Tickets/entityInformation/fields")
                let fields = try AutotaskFieldInformation.decodeList(answer.body, entity: "Tickets")
                let status = try #require(fields.first { $0.name == "status" })
                #expect(status.isPickList)
                #expect(fields.count == AutotaskEntity.tickets.swaggerFields.count)
                return status.picklistValues ?? []
            }
        }
        #expect(statuses[0].map(\.label) == statuses[1].map(\.label))
        #expect(statuses[0].map(\.value) != statuses[1].map(\.value), "values are tenant-specific")
        #expect(Set(statuses[0].map(\.label)) == Set(snapshot.tickets.filter { $0.serviceClass != .project }.map(\.status)))
    }

    @Test func documentedErrors() async throws {
        try await withSimulator { wire, _ in
            func errors(_ answer: Wire.Answer) -> [String] { AutotaskErrorBody.parse(answer.body)?.errors ?? [] }
            let tooMany = try await wire.send(.POST, "/atservicesrest/v1.0/Tickets/query", body: #"{"filter":[{"op":"exist","field":"id"}],"MaxRecords":501}"#)
            #expect(tooMany.status == 500)
            #expect(errors(tooMany) == [AutotaskQueryError.maxRecords(501).description])
            let noFilter = try await wire.send(.POST, "/atservicesrest/v1.0/Tickets/query", body: #"{"MaxRecords":5}"#)
            #expect(errors(noFilter) == [AutotaskQueryError.noFilter.description])
            let badField = try await wire.send(.POST, "/atservicesrest/v1.0/Tickets/query", body: #"{"filter":[{"op":"eq","field":"nope","value":1}]}"#)
            #expect(errors(badField) == ["Unable to find nope in the Ticket Entity."])
            let root = try await wire.send(.GET, "/atservicesrest/v1.0/Tickets")
            #expect(root.status == 405)
            #expect(try await wire.send(.PATCH, "/atservicesrest/v1.0/Tickets", body: "{}").status == 405)
            #expect(try await wire.send(.DELETE, "/atservicesrest/v1.0/Tickets/\(snapshot.tickets[0].id)").status == 405)
            #expect(try await wire.send(.GET, "/atservicesrest/v1.0/Nonsense/query/count").status == 404)
            let missing = try await wire.send(.GET, "/atservicesrest/v1.0/Companies/1")
            #expect(missing.status == 404)
            let company = try await wire.send(.GET, "/atservicesrest/v1.0/companies/\(snapshot.companies[0].id)")
            #expect(company.json?.member("item")?.member("companyName") == .string(snapshot.companies[0].name), "paths ignore case")
        }
        var nullItem = AutotaskSimulatorSettings()
        nullItem.notFoundAsNullItem = true
        try await withSimulator(nullItem) { wire, _ in
            let missing = try await wire.send(.GET, "/atservicesrest/v1.0/Companies/1")
            #expect(missing.status == 200)
            #expect(missing.json?.member("item") == .null)
        }
    }

    @Test func securityLevelsHideRowsAndCosts() async throws {
        try await withSimulator { wire, _ in
            var noContracts = wire
            noContracts.user = "insight-nocontracts@northwind.example"
            noContracts.secret = "Nc#4pW8s1ZtB"
            let invoices = try await noContracts.query("Invoices", .all())
            #expect(invoices.status == 200)
            #expect(try AutotaskPage.decode(invoices.body, entity: "Invoices").items.isEmpty, "rows silently missing")
            let info = try AutotaskEntityInformation.decode(try await noContracts.send(.GET, "/atservicesrest/v1.0/Invoices/entityInformation").body, entity: "Invoices")
            #expect(info.userAccessForQuery == .none)
            #expect(try AutotaskPage.decode(try await noContracts.query("Tickets", .all(maxRecords: 1)).body, entity: "Tickets").items.count == 1)
            var noCosts = wire
            noCosts.user = "insight-nocosts@northwind.example"
            noCosts.secret = "Nk#9rT5b7YcE"
            let resources = try AutotaskPage.decode(try await noCosts.query("Resources", .all()).body, entity: "Resources")
            #expect(resources.items.allSatisfy { $0.member("internalCost") == .null })
            let visible = try AutotaskPage.decode(try await wire.query("Resources", .all()).body, entity: "Resources")
            #expect(visible.items.contains { $0.member("internalCost") != .null })
            let own = try AutotaskEntityInformation.decode(try await wire.send(.GET, "/atservicesrest/v1.0/Tickets/entityInformation").body, entity: "Tickets")
            #expect(own.userAccessForQuery == .all)
            #expect(own.userAccessForCreate == .none)
        }
        var loud = AutotaskSimulatorSettings()
        loud.missingRight = .error500
        try await withSimulator(loud) { wire, _ in
            var noContracts = wire
            noContracts.user = "insight-nocontracts@northwind.example"
            noContracts.secret = "Nc#4pW8s1ZtB"
            let invoices = try await noContracts.query("Invoices", .all())
            #expect(invoices.status == 500)
            #expect(AutotaskErrorBody.parse(invoices.body)?.summary.contains("adequate permissions") == true)
        }
    }

    @Test func theThreadLimitRefusesAFourthConcurrentRequest() async throws {
        var slow = AutotaskSimulatorSettings()
        slow.latency = .milliseconds(400)
        try await withSimulator(slow) { wire, tenant in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 { group.addTask { try await wire.query("Companies", .all(maxRecords: 1)).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count >= 1)
            #expect(statuses.filter { $0 == 429 }.count >= 1, "six at once exceed three threads")
            #expect(statuses.filter { $0 == 200 }.count <= 3)
            #expect(await tenant.threadRefusals >= 1)
            let refused = try await withThrowingTaskGroup(of: Wire.Answer.self) { group in
                for _ in 0..<5 { group.addTask { try await wire.query("Tickets", .all(maxRecords: 1)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }.first { $0.status == 429 }
            #expect(AutotaskErrorBody.parse(try #require(refused).body)?.errors == [AutotaskErrorBody.threadThreshold])
            // Three entities at once, one request each: no limit applies across endpoints.
            let parallel = try await withThrowingTaskGroup(of: Int.self) { group in
                for entity in ["Companies", "Tickets", "Contracts"] { group.addTask { try await wire.query(entity, .all(maxRecords: 1)).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(parallel == [200, 200, 200])
        }
    }

    @Test func theHourlyThresholdSlowsThenRefuses() async throws {
        var small = AutotaskSimulatorSettings()
        small.requestThreshold = 8
        small.latencyAtHalf = .milliseconds(150)
        small.latencyAtThreeQuarters = .milliseconds(300)
        try await withSimulator(small) { wire, _ in
            let clock = ContinuousClock()
            var durations: [Duration] = []
            for _ in 0..<8 {
                let started = clock.now
                #expect(try await wire.query("Roles", .all()).status == 200)
                durations.append(clock.now - started)
            }
            #expect(durations[4] >= .milliseconds(150), "the 5th of 8 is at 50 %")
            #expect(durations[6] >= .milliseconds(300), "the 7th of 8 is at 75 %")
            let refused = try await wire.query("Roles", .all())
            #expect(refused.status == 429)
            #expect(AutotaskErrorBody.parse(refused.body)?.summary.contains("threshold") == true)
            let threshold = try await wire.send(.GET, "/atservicesrest/v1.0/ThresholdInformation")
            #expect(threshold.status == 429, "ThresholdInformation counts too")
        }
        var roomy = AutotaskSimulatorSettings()
        roomy.requestThreshold = 100
        try await withSimulator(roomy) { wire, _ in
            _ = try await wire.query("Roles", .all())
            let threshold = try AutotaskThreshold.decode(try await wire.send(.GET, "/atservicesrest/v1.0/ThresholdInformation").body)
            #expect(threshold == AutotaskThreshold(externalRequestThreshold: 100, requestThresholdTimeframe: 60, currentTimeframeRequestCount: 2))
        }
    }
}

extension Array where Element: Sendable {
    func asyncMap<T: Sendable>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

@Suite(.timeLimit(.minutes(10))) struct AutotaskSimulatorChildTests {
    @Test func childCollectionsListAParentsChildren() async throws {
        try await withSimulator { wire, _ in
            let addition = try #require(snapshot.additions.first)
            let agreementLines = snapshot.additions.filter { $0.agreementID == addition.agreementID }
            let services = try AutotaskPage.decode(
                try await wire.send(.GET, "/atservicesrest/v1.0/Contracts/\(addition.agreementID)/Services").body, entity: "ContractServices")
            #expect(Set(services.items.compactMap { $0.member("id")?.intValue }) == Set(agreementLines.compactMap { Int($0.id.rawValue) }))
            #expect(services.pageDetails.nextPageUrl == nil)
            let one = try await wire.send(.GET, "/atservicesrest/v1.0/Contracts/\(addition.agreementID)/Services/\(addition.id)")
            #expect(one.json?.member("item")?.member("contractID")?.intValue == Int(addition.agreementID.rawValue))
            #expect(try await wire.send(.GET, "/atservicesrest/v1.0/Contracts/\(addition.agreementID)/Services/1").status == 404)
            #expect(try await wire.send(.PATCH, "/atservicesrest/v1.0/Contracts/\(addition.agreementID)/Services", body: "{}").status == 405)
        }
    }
}
