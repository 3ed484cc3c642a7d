import AutotaskAPI
import AutotaskSimulator
import Foundation
import InsightCore
import MSPModel
import NIOHTTP1
import Testing

/// The simulator's JSON for every entity validates against the vendor's Swagger definitions (extracted verbatim
/// into `Schemas/autotask-definitions.json`): every property of the model is present, no other, each of its type.
@Suite(.timeLimit(.minutes(10))) struct AutotaskSchemaContractTests {
    struct Property: Sendable {
        var type: String?
        var format: String?
        var itemsRef: String?
    }

    /// Model name → property name → declared type.
    static let models: [String: [String: Property]] = {
        let url = Bundle.module.url(forResource: "autotask-definitions", withExtension: "json", subdirectory: "Schemas")!
        let json = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let definitions = json["definitions"] as! [String: Any]
        return definitions.mapValues { definition in
            let properties = ((definition as? [String: Any])?["properties"] as? [String: [String: Any]]) ?? [:]
            return properties.mapValues { property in
                Property(
                    type: property["type"] as? String, format: property["format"] as? String,
                    itemsRef: (property["items"] as? [String: Any])?["$ref"] as? String)
            }
        }
    }()

    static func properties(_ model: String) -> [String: Property] { models[model] ?? [:] }

    static func problems(_ value: AutotaskJSON, against property: Property, name: String) -> [String] {
        if value == .null { return [] }
        switch (property.type, property.format, value) {
        case ("integer", _, .number): return value.intValue != nil ? [] : ["\(name) is not an integer"]
        case ("number", _, .number): return []
        case ("boolean", _, .bool): return []
        case ("string", "date-time", .string(let text)): return AutotaskDate.parse(text) == nil ? ["\(name) is not a date-time"] : []
        case ("string", _, .string): return []
        case ("array", _, .array(let items)):
            guard property.itemsRef == "#/definitions/UserDefinedField" else { return [] }
            return items.flatMap { item in
                guard case .object(let members) = item, Set(members.keys) == ["name", "value"] else { return ["\(name) has a malformed UDF"] }
                return []
            }
        default: return ["\(name) is \(value), not \(property.type ?? "?")"]
        }
    }

    @Test(arguments: AutotaskEntity.allCases)
    func everyItemMatchesItsModel(entity: AutotaskEntity) async throws {
        let properties = Self.properties(entity.swaggerModel).filter { $0.key != "soapParentPropertyId" }
        #expect(!properties.isEmpty)
        try await withSimulator { wire, _ in
            let page = try AutotaskPage.decode(try await wire.query(entity.rawValue, .all(maxRecords: 50)).body, entity: entity.rawValue)
            let expectsData = entity != .contractBlocks || snapshot.agreements.contains { $0.blockHoursLimit != nil }
            #expect(!page.items.isEmpty || !expectsData, "\(entity) has data")
            for item in page.items {
                guard case .object(let members) = item else { Issue.record("not an object"); continue }
                let extra = Set(members.keys).subtracting(properties.keys), missing = Set(properties.keys).subtracting(members.keys)
                #expect(extra.isEmpty && missing.isEmpty, "\(entity): extra \(extra.sorted()), missing \(missing.sorted())")
                let problems = members.flatMap { key, value in properties[key].map { Self.problems(value, against: $0, name: "\(entity).\(key)") } ?? [] }
                #expect(problems.isEmpty, "\(problems.prefix(5))")
            }
        }
    }

    @Test func entityInformationShapesMatchTheirModels() async throws {
        try await withSimulator { wire, _ in
            let info = try await wire.send(.GET, "/atservicesrest/v1.0/Contracts/entityInformation")
            guard case .object(let members)? = info.json?.member("info") else { Issue.record("no info"); return }
            #expect(Set(members.keys) == Set(Self.properties("EntityInformationModel").keys))
            let fields = try await wire.send(.GET, "/atservicesrest/v1.0/Contracts/entityInformation/fields")
            guard case .array(let list)? = fields.json?.member("fields"), case .object(let field)? = list.first else { Issue.record("no fields"); return }
            #expect(Set(field.keys) == Set(Self.properties("FieldInformationModel").keys))
            let picklist = list.compactMap { $0.member("picklistValues") }.compactMap { if case .array(let values) = $0 { values.first } else { nil } }.first
            guard case .object(let value)? = picklist else { Issue.record("no picklist"); return }
            #expect(Set(value.keys) == Set(Self.properties("PickListValue").keys))
            let threshold = try await wire.send(.GET, "/atservicesrest/v1.0/ThresholdInformation")
            guard case .object(let t)? = threshold.json else { Issue.record("no threshold"); return }
            #expect(Set(t.keys) == Set(Self.properties("ThresholdStatusResultModel").keys))
        }
    }
}

/// The simulator's items carry at least the fields the recorded real responses carry.
@Suite(.timeLimit(.minutes(10))) struct AutotaskSampleFieldTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("AutotaskAPITests/Samples")

    @Test func simulatedItemsHaveEveryRecordedField() async throws {
        let recorded: [(AutotaskEntity, String)] = [
            (.billingCodes, "BillingCodes_item"), (.billingItems, "BillingItems_item"), (.contracts, "Contracts_item"),
            (.projects, "Projects_item"), (.roles, "Roles_item"), (.tasks, "Tasks_item"), (.tickets, "Tickets_item"),
            (.timeEntries, "TimeEntries_item"), (.companies, "Companies_query_full"),
        ]
        try await withSimulator { wire, _ in
            for (entity, file) in recorded {
                let data = try Data(contentsOf: Self.samples.appendingPathComponent("\(file).json"))
                var sample = try #require(AutotaskJSON.parse(data))
                if case .array(let items)? = sample.member("items"), let first = items.first { sample = first }
                guard case .object(let fields) = sample else { Issue.record("\(file) is not an object"); continue }
                let page = try AutotaskPage.decode(try await wire.query(entity.rawValue, .all(maxRecords: 1)).body, entity: entity.rawValue)
                guard case .object(let served)? = page.items.first else { Issue.record("\(entity) served nothing"); continue }
                let missing = Set(fields.keys.map { $0.lowercased() }).subtracting(served.keys.map { $0.lowercased() })
                #expect(missing.isEmpty, "\(entity) lacks \(missing.sorted())")
            }
        }
    }
}
