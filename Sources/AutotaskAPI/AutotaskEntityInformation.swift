public import Foundation

/// `entityInformation`'s `userAccessFor…` values: 0 none, 1 all, 2 restricted (NOTES.md §3.7).
public enum AutotaskUserAccess: Int, Sendable, Codable, Comparable {
    case none = 0, all = 1, restricted = 2
    public static func < (lhs: Self, rhs: Self) -> Bool {
        // Ordered by how much is allowed.
        let rank: [Self: Int] = [.none: 0, .restricted: 1, .all: 2]
        return rank[lhs, default: 0] < rank[rhs, default: 0]
    }
}

/// `GET /{Entity}/entityInformation` → `{"info": {…}}` (Swagger `EntityInformationModel`).
public struct AutotaskEntityInformation: Sendable, Equatable {
    public var name: String
    public var canCreate, canDelete, canQuery, canUpdate: Bool
    public var userAccessForCreate, userAccessForDelete, userAccessForQuery, userAccessForUpdate: AutotaskUserAccess
    public var hasUserDefinedFields: Bool
    public var supportsWebhookCallouts: Bool

    public init(
        name: String, canCreate: Bool, canDelete: Bool, canQuery: Bool, canUpdate: Bool, userAccessForCreate: AutotaskUserAccess,
        userAccessForDelete: AutotaskUserAccess, userAccessForQuery: AutotaskUserAccess, userAccessForUpdate: AutotaskUserAccess,
        hasUserDefinedFields: Bool, supportsWebhookCallouts: Bool = false
    ) {
        self.name = name
        self.canCreate = canCreate
        self.canDelete = canDelete
        self.canQuery = canQuery
        self.canUpdate = canUpdate
        self.userAccessForCreate = userAccessForCreate
        self.userAccessForDelete = userAccessForDelete
        self.userAccessForQuery = userAccessForQuery
        self.userAccessForUpdate = userAccessForUpdate
        self.hasUserDefinedFields = hasUserDefinedFields
        self.supportsWebhookCallouts = supportsWebhookCallouts
    }

    public var json: AutotaskJSON {
        .object(["info": .object([
            "name": .string(name), "canCreate": .bool(canCreate), "canDelete": .bool(canDelete), "canQuery": .bool(canQuery),
            "canUpdate": .bool(canUpdate), "userAccessForCreate": .int(userAccessForCreate.rawValue),
            "userAccessForDelete": .int(userAccessForDelete.rawValue), "userAccessForQuery": .int(userAccessForQuery.rawValue),
            "userAccessForUpdate": .int(userAccessForUpdate.rawValue), "hasUserDefinedFields": .bool(hasUserDefinedFields),
            "supportsWebhookCallouts": .bool(supportsWebhookCallouts),
        ])])
    }

    public static func decode(_ data: Data, entity: String) throws(AutotaskDecodingError) -> AutotaskEntityInformation {
        let excerpt = String(decoding: data.prefix(200), as: UTF8.self)
        guard let info = AutotaskJSON.parse(data)?.member("info") else {
            throw AutotaskDecodingError(entity: "\(entity)/entityInformation", reason: "no info", excerpt: excerpt)
        }
        let row = try AutotaskRow(entity: "\(entity)/entityInformation", json: info)
        func access(_ name: String) throws(AutotaskDecodingError) -> AutotaskUserAccess {
            guard let raw = try row.int(name), let value = AutotaskUserAccess(rawValue: raw) else {
                throw AutotaskDecodingError(entity: "\(entity)/entityInformation", reason: "\(name) is not 0, 1 or 2", excerpt: excerpt)
            }
            return value
        }
        return AutotaskEntityInformation(
            name: try row.string("name") ?? entity, canCreate: try row.bool("canCreate") ?? false, canDelete: try row.bool("canDelete") ?? false,
            canQuery: try row.bool("canQuery") ?? false, canUpdate: try row.bool("canUpdate") ?? false,
            userAccessForCreate: try access("userAccessForCreate"), userAccessForDelete: try access("userAccessForDelete"),
            userAccessForQuery: try access("userAccessForQuery"), userAccessForUpdate: try access("userAccessForUpdate"),
            hasUserDefinedFields: try row.bool("hasUserDefinedFields") ?? false,
            supportsWebhookCallouts: try row.bool("supportsWebhookCallouts") ?? false)
    }
}

/// One picklist entry (Swagger `PickListValue`): `value` is a string though the entity's field is an integer.
public struct AutotaskPicklistValue: Sendable, Equatable {
    public var value: String
    public var label: String
    public var isDefaultValue: Bool
    public var sortOrder: Int
    public var parentValue: String?
    public var isActive: Bool
    public var isSystem: Bool
    public init(value: String, label: String, isDefaultValue: Bool = false, sortOrder: Int, parentValue: String? = nil, isActive: Bool = true, isSystem: Bool = false) {
        self.value = value
        self.label = label
        self.isDefaultValue = isDefaultValue
        self.sortOrder = sortOrder
        self.parentValue = parentValue
        self.isActive = isActive
        self.isSystem = isSystem
    }
    public var json: AutotaskJSON {
        .object([
            "value": .string(value), "label": .string(label), "isDefaultValue": .bool(isDefaultValue), "sortOrder": .int(sortOrder),
            "parentValue": .string(parentValue ?? ""), "isActive": .bool(isActive), "isSystem": .bool(isSystem),
        ])
    }
}

/// One field of `entityInformation/fields` (Swagger `FieldInformationModel`).
public struct AutotaskFieldInformation: Sendable, Equatable {
    public var name: String
    public var dataType: String
    public var length: Int
    public var isRequired: Bool
    public var isReadOnly: Bool
    public var isQueryable: Bool
    public var isReference: Bool
    public var referenceEntityType: String
    public var isPickList: Bool
    public var picklistValues: [AutotaskPicklistValue]?
    public var picklistParentValueField: String

    public init(
        name: String, dataType: String, length: Int = 0, isRequired: Bool = false, isReadOnly: Bool = false, isQueryable: Bool = true,
        isReference: Bool = false, referenceEntityType: String = "", picklistValues: [AutotaskPicklistValue]? = nil,
        picklistParentValueField: String = ""
    ) {
        self.name = name
        self.dataType = dataType
        self.length = length
        self.isRequired = isRequired
        self.isReadOnly = isReadOnly
        self.isQueryable = isQueryable
        self.isReference = isReference
        self.referenceEntityType = referenceEntityType
        self.isPickList = picklistValues != nil
        self.picklistValues = picklistValues
        self.picklistParentValueField = picklistParentValueField
    }

    public var json: AutotaskJSON {
        .object([
            "name": .string(name), "dataType": .string(dataType), "length": .int(length), "isRequired": .bool(isRequired),
            "isReadOnly": .bool(isReadOnly), "isQueryable": .bool(isQueryable), "isReference": .bool(isReference),
            "referenceEntityType": .string(referenceEntityType), "isPickList": .bool(isPickList),
            "picklistValues": picklistValues.map { .array($0.map(\.json)) } ?? .null,
            "picklistParentValueField": .string(picklistParentValueField), "isSupportedWebhookField": .bool(false),
        ])
    }

    /// Decodes `{"fields":[…]}`; `parentValue` may be `""` or null, names may be PascalCase (2020 recording).
    public static func decodeList(_ data: Data, entity: String) throws(AutotaskDecodingError) -> [AutotaskFieldInformation] {
        let name = "\(entity)/entityInformation/fields"
        guard let json = AutotaskJSON.parse(data), case .array(let fields)? = json.member("fields") else {
            throw AutotaskDecodingError(entity: name, reason: "no fields array", excerpt: String(decoding: data.prefix(200), as: UTF8.self))
        }
        return try fields.map { field throws(AutotaskDecodingError) in
            let row = try AutotaskRow(entity: name, json: field)
            var values: [AutotaskPicklistValue]?
            if case .array(let list)? = field.member("picklistValues") {
                values = try list.map { item throws(AutotaskDecodingError) in
                    let value = try AutotaskRow(entity: name, json: item)
                    let text: String? = if case .string(let string)? = item.member("value") { string } else { item.member("value")?.intValue.map(String.init) }
                    guard let raw = text, let label = try value.string("label") else {
                        throw AutotaskDecodingError(entity: name, reason: "a picklist value without value or label")
                    }
                    let parent = try value.string("parentValue")
                    return AutotaskPicklistValue(
                        value: raw, label: label, isDefaultValue: try value.bool("isDefaultValue") ?? false, sortOrder: try value.int("sortOrder") ?? 0,
                        parentValue: parent?.isEmpty == false ? parent : nil, isActive: try value.bool("isActive") ?? true,
                        isSystem: try value.bool("isSystem") ?? false)
                }
            }
            guard let fieldName = try row.string("name") else { throw AutotaskDecodingError(entity: name, reason: "a field without a name") }
            var info = AutotaskFieldInformation(
                name: fieldName, dataType: try row.string("dataType") ?? "string", length: try row.int("length") ?? 0,
                isRequired: try row.bool("isRequired") ?? false, isReadOnly: try row.bool("isReadOnly") ?? false,
                isQueryable: try row.bool("isQueryable") ?? true, isReference: try row.bool("isReference") ?? false,
                referenceEntityType: try row.string("referenceEntityType") ?? "", picklistValues: values,
                picklistParentValueField: try row.string("picklistParentValueField") ?? "")
            info.isPickList = try row.bool("isPickList") ?? (values != nil)
            return info
        }
    }
}

/// The picklists of one entity, read from its `entityInformation/fields`: labels by field and value. Field names
/// match without regard to case.
public struct AutotaskPicklists: Sendable, Equatable {
    var byField: [String: [String: AutotaskPicklistValue]] = [:]

    public init() {}
    public init(_ fields: [AutotaskFieldInformation]) {
        for field in fields {
            guard let values = field.picklistValues else { continue }
            byField[field.name.lowercased()] = Dictionary(values.map { ($0.value, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The entry for `value` of `field`; `nil` when the field has no such value.
    public func entry(_ field: String, _ value: Int?) -> AutotaskPicklistValue? {
        guard let value else { return nil }
        return byField[field.lowercased()]?[String(value)]
    }

    /// The label of `value` of `field`.
    public func label(_ field: String, _ value: Int?) -> String? { entry(field, value)?.label }

    /// Whether the entity has a picklist named `field`.
    public func has(_ field: String) -> Bool { byField[field.lowercased()] != nil }
}
