/// How the KPI engine and the generator's ground truth classify revenue and labor: one definition, shared.

/// What each invoice's revenue counts as.
public enum RevenueKind: String, CaseIterable, Sendable, Codable {
    case managedServices, licenseResale, blockTime, timeAndMaterials, projects, products

    /// The kind of `invoice`: from its agreement's billing model, else its project, else products. A credit
    /// memo counts against the same kind as what it credits (it carries the same agreement or project).
    public static func of(_ invoice: Invoice, agreements: [ID<Agreement>: Agreement]) -> RevenueKind {
        if let id = invoice.agreementID, let agreement = agreements[id] {
            switch agreement.billingModel {
            case .fixedFee: return .managedServices
            case .licenseResale: return .licenseResale
            case .blockHours: return .blockTime
            case .timeAndMaterials: return .timeAndMaterials
            case .project: return .projects
            case .notRevenue: break
            }
        }
        return invoice.projectID != nil ? .projects : .products
    }
}

/// What labor is spent on.
public enum LaborClass: String, CaseIterable, Sendable, Codable {
    case reactive, proactive, project, other, `internal`, timeOff

    /// The class of `entry`: its ticket's service class for ticket time, `project` for project time.
    public static func of(_ entry: TimeEntry, ticketClasses: [ID<Ticket>: Ticket.ServiceClass]) -> LaborClass {
        switch entry.chargeKind {
        case .ticket:
            switch entry.ticketID.flatMap({ ticketClasses[$0] }) {
            case .reactive: .reactive
            case .proactive: .proactive
            case .project: .project
            case .internal: .internal
            case .other, nil: .other
            }
        case .projectTicket, .project: .project
        case .agreement: .other
        case .internal: .internal
        case .timeOff: .timeOff
        }
    }
}
