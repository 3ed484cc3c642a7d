/// A tenant's picklists as the simulator builds them: every label gets a value the first time it is used, from a
/// tenant-specific start, so a client that hard-codes ids reads the wrong labels. Served through
/// `entityInformation/fields`; the connector reads them back, never assumes them.
public struct AutotaskPicklistCatalog: Sendable {
    /// The first value given to a label of each picklist.
    public let firstValue: Int
    private var values: [String: [(label: String, value: Int, parent: Int?, system: Bool)]] = [:]

    public init(firstValue: Int) { self.firstValue = firstValue }

    static func key(_ entity: AutotaskEntity, _ field: String) -> String { "\(entity.rawValue).\(field.lowercased())" }

    /// The value of `label` in `entity.field`, added when new.
    public mutating func value(_ entity: AutotaskEntity, _ field: String, _ label: String, parent: Int? = nil) -> Int {
        let key = Self.key(entity, field)
        if let known = values[key]?.first(where: { $0.label == label && $0.parent == parent }) { return known.value }
        let value = firstValue + (values[key]?.count ?? 0)
        values[key, default: []].append((label, value, parent, false))
        return value
    }

    /// Declares system values: the same value in every Autotask database (a contract type's, NOTES.md §3.7), served
    /// with `isSystem`.
    public mutating func declareSystem(_ entity: AutotaskEntity, _ field: String, _ entries: [(value: Int, label: String)]) {
        let key = Self.key(entity, field)
        for entry in entries where !(values[key] ?? []).contains(where: { $0.value == entry.value }) {
            values[key, default: []].append((entry.label, entry.value, nil, true))
        }
    }

    /// Declares labels in order (so that their sort order is the order given).
    public mutating func declare(_ entity: AutotaskEntity, _ field: String, _ labels: [String]) {
        for label in labels { _ = value(entity, field, label) }
    }

    /// `entityInformation/fields` for `entity`: every Swagger field, picklists filled in.
    public func fields(for entity: AutotaskEntity) -> [AutotaskFieldInformation] {
        entity.swaggerFields.map { field in
            let picklist = values[Self.key(entity, field.name)].map { entries in
                entries.enumerated().map { index, entry in
                    AutotaskPicklistValue(
                        value: String(entry.value), label: entry.label, isDefaultValue: index == 0, sortOrder: index + 1,
                        parentValue: entry.parent.map(String.init), isSystem: entry.system)
                }
            }
            let reference = field.name.hasSuffix("ID") && field.name != "id" && picklist == nil
            return AutotaskFieldInformation(
                name: field.name, dataType: field.dataType.rawValue, length: field.dataType == .string ? 100 : 0, isRequired: field.name == "id",
                isReadOnly: field.name == "id", isQueryable: !entity.unqueryableFields.contains(field.name), isReference: reference,
                referenceEntityType: reference ? Self.referenceType(field.name) : "", picklistValues: picklist,
                picklistParentValueField: field.name == "subIssueType" ? "issueType" : "")
        }
    }

    static func referenceType(_ field: String) -> String {
        let stem = String(field.dropLast(2))
        switch stem {
        case "company", "billToCompany", "vendorCompany": return "Company"
        case "resource", "ownerResource", "assignedResource", "creatorResource", "projectLeadResource", "submitter", "approver": return "Resource"
        case "contract": return "Contract"
        case "ticket": return "Ticket"
        case "project": return "Project"
        case "task": return "Task"
        case "invoice": return "Invoice"
        case "role", "assignedResourceRole": return "Role"
        case "billingCode": return "BillingCode"
        default: return stem.prefix(1).uppercased() + stem.dropFirst()
        }
    }
}
