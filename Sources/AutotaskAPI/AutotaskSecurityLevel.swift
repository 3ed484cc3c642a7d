/// The eleven sections of an Autotask security level (Admin > Resources/Users (HR) > Security > Security Levels).
public enum SecuritySection: String, CaseIterable, Sendable, Codable {
    case contracts = "Contracts"
    case crm = "CRM"
    case inventory = "Inventory"
    case projects = "Projects"
    case serviceDesk = "Service Desk"
    case documentsAndKnowledgebase = "Documents & Knowledgebase"
    case timesheets = "Timesheets"
    case reports = "Reports"
    case admin = "Admin"
    case other = "Other"
    case webServicesAPI = "Web Services API"
}

/// What a security level allows in one section: how much it may view, and whether it may add, edit or delete.
public struct SectionRights: Sendable, Equatable {
    public var view: AutotaskUserAccess
    public var add: Bool
    public var edit: Bool
    public var delete: Bool
    public init(view: AutotaskUserAccess, add: Bool = false, edit: Bool = false, delete: Bool = false) {
        self.view = view
        self.add = add
        self.edit = edit
        self.delete = delete
    }
    public static let readAll = SectionRights(view: .all)
    public static let noPermission = SectionRights(view: .none)
    public static let fullAccess = SectionRights(view: .all, add: true, edit: true, delete: true)
    public var writes: Bool { add || edit || delete }
}

/// An API-only security level: rights per section, and whether internal costs are readable ("Other > view
/// internal cost data"). The presets are the three levels NOTES.md §7 and our setup guide describe.
public struct AutotaskSecurityLevel: Sendable, Equatable {
    public var name: String
    public var sections: [SecuritySection: SectionRights]
    public var canReadCosts: Bool

    public init(name: String, sections: [SecuritySection: SectionRights], canReadCosts: Bool = true) {
        self.name = name
        self.sections = sections
        self.canReadCosts = canReadCosts
    }

    public func rights(_ section: SecuritySection) -> SectionRights { sections[section] ?? .noPermission }

    /// Our guide's level: a copy of "API User (system) (API-only)" with every section set to "No Permission",
    /// then view-all granted where PSA Insight reads, nothing else.
    public static func readOnly(name: String = "PSA Insight (read-only)") -> AutotaskSecurityLevel {
        var sections: [SecuritySection: SectionRights] = [:]
        for section in SecuritySection.allCases { sections[section] = .noPermission }
        for section in requiredSections { sections[section] = .readAll }
        return AutotaskSecurityLevel(name: name, sections: sections)
    }

    /// The guide's level with one section left at "No Permission".
    public static func missing(_ section: SecuritySection) -> AutotaskSecurityLevel {
        var level = readOnly(name: "PSA Insight (no \(section.rawValue))")
        level.sections[section] = .noPermission
        return level
    }

    /// "API User (system) (API-only)": full access to everything, costs included.
    public static func fullAccess() -> AutotaskSecurityLevel {
        AutotaskSecurityLevel(
            name: "API User (system) (API-only)", sections: Dictionary(uniqueKeysWithValues: SecuritySection.allCases.map { ($0, .fullAccess) }))
    }

    /// "API User (system) Can't Read Costs (API-only)".
    public static func cannotReadCosts() -> AutotaskSecurityLevel {
        var level = fullAccess()
        level.name = "API User (system) Can't Read Costs (API-only)"
        level.canReadCosts = false
        return level
    }

    /// The sections PSA Insight needs view rights in (plus Other for internal costs and Web Services API to log in).
    public static let requiredSections: [SecuritySection] = [.contracts, .crm, .inventory, .projects, .serviceDesk, .timesheets, .admin, .other, .webServicesAPI]

    /// What `entityInformation` reports for `entity` under this level.
    public func information(for entity: AutotaskEntity) -> AutotaskEntityInformation {
        let rights = rights(entity.section)
        let write: AutotaskUserAccess = rights.view == .none ? .none : .all
        return AutotaskEntityInformation(
            name: entity.objectName, canCreate: true, canDelete: true, canQuery: true, canUpdate: true,
            userAccessForCreate: rights.add ? write : .none, userAccessForDelete: rights.delete ? write : .none,
            userAccessForQuery: rights.view, userAccessForUpdate: rights.edit ? write : .none,
            hasUserDefinedFields: entity.hasUserDefinedFields)
    }

    /// Where to change `section` in the Autotask UI.
    public func fix(_ section: SecuritySection) -> String {
        "Admin > Resources/Users (HR) > Security > Security Levels > \(name) > \(section.rawValue): set View to All"
    }
}
