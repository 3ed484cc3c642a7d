import InsightCore

/// How one MSP set up its PSA: the same generated business under the MSP's own names for boards, agreement types and
/// work types. The simulators serve a business through a profile (`simulate … --profile NAME`); the mapping and the
/// classification must read every profile to the same numbers, since no name is a convention both sides share.
public struct TenantProfile: Sendable, Hashable {
    /// The name `--profile` takes.
    public var name: String
    /// The generator's board name → the tenant's.
    public var boards: [String: String] = [:]
    /// The generator's agreement type name → the tenant's.
    public var agreementTypes: [String: String] = [:]
    /// The generator's agreement category → the tenant's.
    public var agreementCategories: [String: String] = [:]
    /// The generator's work type name → the tenant's.
    public var workTypes: [String: String] = [:]

    public init(
        name: String, boards: [String: String] = [:], agreementTypes: [String: String] = [:], agreementCategories: [String: String] = [:],
        workTypes: [String: String] = [:]
    ) {
        (self.name, self.boards, self.agreementTypes, self.agreementCategories, self.workTypes) = (name, boards, agreementTypes, agreementCategories, workTypes)
    }

    /// The generator's own names.
    public static let standard = TenantProfile(name: "standard")

    /// An MSP that names everything its own way: a "Service Board" and "NOC Alerts" instead of "Help Desk" and
    /// "Proactive", tiered support plans instead of "Managed Services", "Annual Leave" instead of "PTO".
    public static let renamed = TenantProfile(
        name: "renamed",
        boards: ["Help Desk": "Service Board", "Proactive": "NOC Alerts", "Projects": "Professional Services"],
        agreementTypes: [
            "Managed Services - Per Device": "Gold Support Plan", "Managed Services - Per User": "Platinum Support Plan",
            "Block Time": "Prepaid Hours", "Block Time - Rollover": "Prepaid Hours (rollover)", "Time & Materials": "Ad Hoc Support",
            "Licensing": "Microsoft CSP", "Fixed Fee Project": "Project - Fixed Price",
        ],
        agreementCategories: ["Managed Services": "Support Plans", "Licensing": "Cloud Subscriptions"],
        workTypes: [
            "Remote Support": "Remote", "Onsite Support": "On Site", "Proactive Maintenance": "Scheduled Work", "PTO": "Annual Leave",
            "Holiday": "Bank Holiday Leave", "Internal Admin": "Office", "Training": "Learning",
        ])

    /// Every profile, for tests that must hold on each.
    public static let all: [TenantProfile] = [.standard, .renamed]

    /// The profile called `name`.
    public static func named(_ name: String) -> TenantProfile? { all.first { $0.name == name } }
}

extension MSPSnapshot {
    /// The snapshot as an MSP with `profile` holds it in its PSA: the same records under its own names. The true
    /// classes (a ticket's service class, an agreement's billing model) are kept: they are what the numbers must be.
    public func configured(as profile: TenantProfile) -> MSPSnapshot {
        guard profile != .standard else { return self }
        var copy = self
        func rename(_ name: String, _ table: [String: String]) -> String { table[name] ?? name }
        copy.tickets = tickets.map { var ticket = $0; ticket.board = rename(ticket.board, profile.boards); return ticket }
        copy.agreements = agreements.map {
            var agreement = $0
            agreement.typeName = rename(agreement.typeName, profile.agreementTypes)
            agreement.category = agreement.category.map { rename($0, profile.agreementCategories) }
            return agreement
        }
        copy.workTypes = workTypes.map { var workType = $0; workType.name = rename(workType.name, profile.workTypes); return workType }
        return copy
    }
}
